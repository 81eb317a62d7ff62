#include "api/query.hpp"

#include "api/crs_negotiation.hpp"
#include "api/errors.hpp"
#include "common/text.hpp"
#include "common/time.hpp"
#include "store/cql2.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <memory>

namespace tweeling::registry::api {
namespace {

bool parseDouble(const std::string& text, double& out) {
    if (text.empty()) return false;
    errno = 0;
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return errno == 0 && end == text.c_str() + text.size() && std::isfinite(out);
}

bool parseInteger(const std::string& text, long long& out) {
    if (text.empty() || text.size() > 18) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    out = std::atoll(text.c_str());
    return true;
}

// bbox in the CRS bbox-crs names (CRS84 by default), as a CRS84 box.
record::Bbox parseBbox(const std::string& text, const OfferedCrs& crs) {
    auto parts = common::splitList(text);
    if (parts.size() != 4 && parts.size() != 6)
        throw badParameter("bbox", std::string("expected 4 numbers (") +
                                       (crs.isStorage() ? "minLon,minLat,maxLon,maxLat" : "in the axis order of bbox-crs") +
                                       ") or 6 with heights, got '" + common::truncateUtf8(text, 200) + "'");
    std::vector<double> numbers;
    for (const auto& part : parts) {
        double value;
        if (!parseDouble(part, value)) throw badParameter("bbox", "'" + part + "' is not a number");
        numbers.push_back(value);
    }
    record::Bbox box;
    if (numbers.size() == 4) {
        box = {numbers[0], numbers[1], numbers[2], numbers[3]};
    } else {
        box = {numbers[0], numbers[1], numbers[3], numbers[4]};  // heights are ignored: footprints are 2D
    }
    if (!crs.isStorage()) return boxToCrs84(crs, box, "bbox");
    if (box.minX < -180 || box.maxX > 180 || box.minY < -90 || box.maxY > 90)
        throw badParameter("bbox", "coordinates must be WGS84 longitude [-180,180] and latitude [-90,90]");
    if (box.minY > box.maxY) throw badParameter("bbox", "the minimum latitude is larger than the maximum latitude");
    if (box.minX > box.maxX)
        throw badParameter("bbox", "the minimum longitude is larger than the maximum longitude (boxes crossing the "
                                   "antimeridian are not supported)");
    return box;
}

void parseDatetime(const std::string& text, store::SearchQuery& query) {
    auto slash = text.find('/');
    if (slash == std::string::npos) {
        auto start = common::parseRfc3339(text);
        auto end = common::parseRfc3339End(text);
        if (!start || !end)
            throw badParameter("datetime", "'" + text + "' is not an RFC 3339 date or date-time, nor an interval "
                                           "'start/end' with '..' for an open end");
        query.timeStart = *start;
        query.timeEnd = *end;
        return;
    }
    std::string first = text.substr(0, slash), second = text.substr(slash + 1);
    if (second.find('/') != std::string::npos) throw badParameter("datetime", "an interval has exactly one '/'");
    auto bound = [&](const std::string& part, bool isEnd) -> std::int64_t {
        if (part.empty() || part == "..") return isEnd ? common::kOpenEnd : common::kOpenStart;
        auto value = isEnd ? common::parseRfc3339End(part) : common::parseRfc3339(part);
        if (!value) throw badParameter("datetime", "'" + part + "' is not an RFC 3339 date or date-time");
        return *value;
    };
    std::int64_t start = bound(first, false), end = bound(second, true);
    if ((first.empty() || first == "..") && (second.empty() || second == ".."))
        throw badParameter("datetime", "an interval needs at least one closed end");
    if (start > end) throw badParameter("datetime", "the interval starts after it ends");
    query.timeStart = start;
    query.timeEnd = end;
}

void parseSort(const std::string& text, store::SearchQuery& query) {
    auto keys = common::splitList(text);
    if (keys.empty()) throw badParameter("sortby", "is empty");
    if (keys.size() > 1) throw badParameter("sortby", "only one sort key is supported (updated, title or relevance)");
    std::string key = keys.front();
    bool descending = false;
    bool explicitDirection = false;
    if (!key.empty() && (key[0] == '+' || key[0] == '-')) {
        descending = key[0] == '-';
        explicitDirection = true;
        key = key.substr(1);
    }
    if (key == "updated") {
        query.sort = store::SortKey::Updated;
    } else if (key == "title") {
        query.sort = store::SortKey::Title;
    } else if (key == "relevance") {
        query.sort = store::SortKey::Relevance;
        if (!explicitDirection) descending = true;  // most relevant first unless asked otherwise
    } else {
        throw badParameter("sortby", "unknown sort key '" + key + "'; use updated, title or relevance, with an "
                                     "optional + or - prefix");
    }
    query.descending = descending;
}

// filter (CQL2 text), filter-lang, filter-crs. The filter is parsed and checked here, so a bad one is
// a 400 naming the construct and its offset before the store sees it.
void parseFilter(const std::map<std::string, std::string>& params, store::SearchQuery& query) {
    auto lang = params.find("filter-lang");
    if (lang != params.end() && lang->second != "cql2-text")
        throw badParameter("filter-lang", "only 'cql2-text' is supported, got '" + lang->second + "'");
    auto crsParameter = params.find("filter-crs");
    const OfferedCrs& crs =
        crsParameter == params.end() ? storageCrs() : offeredCrs("filter-crs", crsParameter->second);
    auto filter = params.find("filter");
    if (filter == params.end()) return;
    store::cql2::Expression expression;
    try {
        expression = store::cql2::parse(filter->second, crs.isStorage());
    } catch (const store::cql2::FilterError& error) {
        throw std::move(badParameter("filter", error.what()).extra("offset", static_cast<long long>(error.offset())));
    }
    // The store compares CRS84 envelopes: literals in another CRS become the CRS84 boxes that hold them.
    if (!crs.isStorage()) filterToCrs84(expression, crs);
    query.filter = std::make_shared<const store::cql2::Expression>(std::move(expression));
}

// facets=themes,formats,... and facetLimit (values per facet).
void parseFacets(const std::map<std::string, std::string>& params, store::SearchQuery& query) {
    auto facets = params.find("facets");
    if (facets != params.end()) {
        for (const std::string& name : common::splitList(facets->second)) {
            bool known = false;
            for (const char* candidate : store::kFacetNames) known = known || name == candidate;
            if (!known) {
                std::string names;
                for (const char* candidate : store::kFacetNames)
                    names += (names.empty() ? "" : ", ") + std::string(candidate);
                throw badParameter("facets", "unknown facet '" + name + "'; use any of " + names);
            }
            bool seen = false;
            for (const std::string& existing : query.facets) seen = seen || existing == name;
            if (!seen) query.facets.push_back(name);
        }
    }
    auto limit = params.find("facetLimit");
    if (limit != params.end()) {
        long long value;
        if (!parseInteger(limit->second, value) || value < 1)
            throw badParameter("facetLimit", "must be a whole number from 1 to " + std::to_string(kMaxFacetLimit) +
                                                 ", got '" + limit->second + "'");
        // Like limit: above the maximum is lowered to the maximum.
        query.facetLimit = static_cast<int>(value > kMaxFacetLimit ? kMaxFacetLimit : value);
    } else {
        query.facetLimit = kDefaultFacetLimit;
    }
}

}  // namespace

void requireUtf8Parameters(const std::map<std::string, std::string>& query) {
    for (const auto& [name, value] : query) {
        // A name that is not UTF-8 is named as well as it can be; the problem document stays UTF-8.
        if (!common::isValidUtf8(name))
            throw badParameter(common::toValidUtf8(name),
                               "the parameter's name is not valid UTF-8 once percent-decoded");
        if (!common::isValidUtf8(value))
            throw badParameter(name, "is not valid UTF-8 once percent-decoded (encode text as UTF-8: á is %C3%A1)");
    }
}

store::SearchQuery parseSearchQuery(const std::map<std::string, std::string>& params) {
    requireUtf8Parameters(params);  // terms, values and filter text are echoed: in links, messages, pages
    store::SearchQuery query;
    auto find = [&](const char* name) -> const std::string* {
        auto it = params.find(name);
        return it == params.end() ? nullptr : &it->second;
    };
    if (auto* q = find("q")) query.terms = common::splitList(*q);
    {
        const std::string* bboxCrs = find("bbox-crs");
        const OfferedCrs& crs = bboxCrs ? offeredCrs("bbox-crs", *bboxCrs) : storageCrs();
        if (auto* bbox = find("bbox")) query.bbox = parseBbox(*bbox, crs);
    }
    if (auto* datetime = find("datetime")) parseDatetime(*datetime, query);
    if (auto* type = find("type")) query.types = common::splitList(*type);
    if (auto* ids = find("ids")) query.ids = common::splitList(*ids);
    if (auto* themes = find("themes")) query.themes = common::splitList(*themes);
    if (auto* formats = find("formats")) query.formats = common::splitList(*formats);
    if (auto* units = find("adminUnits")) query.adminUnits = common::splitList(*units);
    if (auto* origin = find("origin")) query.origins = common::splitList(*origin);
    if (auto* publisher = find("publisher")) query.publishers = common::splitList(*publisher);
    if (auto* source = find("source")) query.sources = common::splitList(*source);
    if (auto* license = find("license")) query.licenses = common::splitList(*license);
    if (auto* rights = find("rights")) query.rights = common::splitList(*rights);
    if (auto* validation = find("validation")) {
        query.validations = common::splitList(*validation);
        for (const std::string& value : query.validations)
            if (value != "pass" && value != "warn" && value != "fail")
                throw badParameter("validation", "use pass, warn or fail (a hub's verdict on its copy of a record), "
                                                 "comma-separated for any of several");
    }
    if (auto* limit = find("limit")) {
        long long value;
        if (!parseInteger(*limit, value) || value < 1)
            throw badParameter("limit", "must be a whole number from 1 to " + std::to_string(kMaxLimit) + ", got '" +
                                            *limit + "'");
        // OGC API: a limit above the maximum is lowered to the maximum, not refused.
        query.limit = static_cast<int>(value > kMaxLimit ? kMaxLimit : value);
    } else {
        query.limit = kDefaultLimit;
    }
    if (auto* offset = find("offset")) {
        long long value;
        if (!parseInteger(*offset, value)) throw badParameter("offset", "must be a whole number ≥ 0, got '" + *offset + "'");
        query.offset = value;
    }
    if (auto* sortby = find("sortby")) parseSort(*sortby, query);
    if (query.sort == store::SortKey::Relevance && query.terms.empty())
        throw badParameter("sortby", "sorting by relevance needs search terms in 'q'");
    parseFilter(params, query);
    parseFacets(params, query);
    return query;
}

}  // namespace tweeling::registry::api
