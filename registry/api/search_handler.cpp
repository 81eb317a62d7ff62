// Search: /collections/twins/items as GeoJSON (with the page cache) and as DCAT-AP catalog pages.
#include "api/api_internal.hpp"

#include "api/crs_negotiation.hpp"
#include "api/query.hpp"
#include "common/text.hpp"
#include "common/time.hpp"

#include <algorithm>
#include <cctype>

namespace tweeling::registry::api {

using namespace detail;

namespace detail {

// DCAT-AP content negotiation: f=jsonld|ttl, or Accept (application/ld+json, text/turtle).
std::optional<dcat::Format> negotiatedDcat(const Request& request) {
    auto f = request.query.find("f");
    return dcat::negotiate(f == request.query.end() ? nullptr : &f->second, request.header("accept"));
}

const OfferedCrs& responseCrs(const Request& request, bool dcat) {
    auto parameter = request.query.find("crs");
    if (parameter == request.query.end()) return storageCrs();
    const OfferedCrs& crs = offeredCrs("crs", parameter->second);
    if (dcat && !crs.isStorage())
        throw badParameter("crs", "DCAT-AP responses (f=jsonld, f=ttl) give geometries in " + storageCrs().uri +
                                      " only; ask for GeoJSON to have them in " + crs.uri);
    return crs;
}

std::string crsTagSuffix(const OfferedCrs& crs) {
    if (crs.isStorage()) return "";
    std::string suffix = "-";
    for (char c : crs.id)
        if (c != ':') suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return suffix;
}

dcat::CatalogInfo dcatCatalogInfo(const ApiOptions& options, const std::string& base) {
    dcat::CatalogInfo info;
    info.iri = base + "/collections/" + kCollectionId;
    info.homepage = base + "/";
    info.title = options.name;
    info.description = options.description;
    info.nodeId = options.nodeId;
    info.base = base;
    auto publisher = dcat::defaultPublisher(options.nodeId, options.name, base);
    info.publisherIri = publisher.first;
    info.publisherName = publisher.second;
    return info;
}

}  // namespace detail

namespace {

// "facets": {"themes": [{"value": "buildings", "count": 12}, ...], ...}: one member per facet asked
// for (in that order), counted over every record the query matches (not only this page), most
// frequent first, ties by value; at most facetLimit values each.
template <typename Facets>
void writeFacets(Writer& writer, const Facets& facets) {
    key(writer, "facets");
    writer.StartObject();
    for (const auto& facet : facets) {
        key(writer, facet.name.c_str());
        writer.StartArray();
        for (const auto& value : facet.values) {
            writer.StartObject();
            member(writer, "value", value.value);
            key(writer, "count");
            writer.Int64(value.count);
            writer.EndObject();
        }
        writer.EndArray();
    }
    writer.EndObject();
}

}  // namespace

Response Api::items(const Request& request, const Context& context) const {
    checkParameters(request, {"q", "bbox", "bbox-crs", "datetime", "type", "ids", "themes", "formats", "adminUnits",
                              "origin", "source", "publisher", "limit", "offset", "sortby", "filter", "filter-lang",
                              "filter-crs", "facets", "facetLimit", "validation", "license", "rights", "crs"});
    const OfferedCrs& crs = responseCrs(request, negotiatedDcat(request).has_value());
    if (auto dcat = dcatCatalog(request, context, true)) return std::move(*dcat);  // DCAT-AP page of results
    // A page answered at the latest seq, less than searchCacheMaxAge ago, is served again.
    std::string cacheKey;
    if (m_searchCache) {
        std::string cacheControl = common::toLowerAscii(request.header("cache-control"));
        if (cacheControl.find("no-cache") == std::string::npos && cacheControl.find("no-store") == std::string::npos) {
            cacheKey = context.itemsUrl();
            for (const auto& [name, value] : request.query)
                cacheKey += '&' + encodeQueryValue(name) + '=' + encodeQueryValue(value);
            // The key holds every parameter, `crs` too: a page in one CRS is never served for another.
            if (auto page = m_searchCache->find(cacheKey, m_store.currentSeq())) {
                Response response;
                response.contentType = page->contentType;
                response.headers.emplace_back("Content-Crs", contentCrs(crs));
                response.body.reserve(page->head.size() + page->tail.size() + 48);
                response.body = page->head;
                response.body += ",\"timeStamp\":\"" + common::nowRfc3339() + "\"";
                response.body += page->tail;
                return response;
            }
        }
    }
    store::SearchQuery query = parseSearchQuery(request.query);
    store::SearchResult result = m_store.search(query);

    // Links keep every parameter of the request except offset (and f), so next/prev repeat the query.
    std::string baseQuery;
    for (const auto& [name, value] : request.query) {
        if (name == "offset" || name == "limit" || name == "f") continue;
        baseQuery += (baseQuery.empty() ? "" : "&") + encodeQueryValue(name) + "=" + encodeQueryValue(value);
    }
    auto pageUrl = [&](std::int64_t offset) {
        std::string url = context.itemsUrl() + "?" + baseQuery + (baseQuery.empty() ? "" : "&") +
                          "limit=" + std::to_string(query.limit);
        if (offset > 0) url += "&offset=" + std::to_string(offset);
        return url;
    };

    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    member(writer, "type", "FeatureCollection");
    key(writer, "numberMatched");
    writer.Int64(result.numberMatched);
    key(writer, "numberReturned");
    writer.Uint64(result.hits.size());
    const std::size_t timeStampAt = buffer.GetSize();
    member(writer, "timeStamp", common::nowRfc3339());
    const std::size_t timeStampEnd = buffer.GetSize();
    key(writer, "features");
    writer.StartArray();
    for (const auto& hit : result.hits)
        writeRecord(writer, hit.json, hit.source, hit.key, context, hit.signature, hit.verified, &crs);
    writer.EndArray();
    if (!query.facets.empty()) writeFacets(writer, result.facets);
    key(writer, "links");
    writer.StartArray();
    bool plainJson = request.query.count("f") > 0;
    link(writer, pageUrl(query.offset) + (plainJson ? "&f=json" : ""), "self", plainJson ? kJson : kGeoJson,
         "This page of results");
    link(writer, pageUrl(query.offset) + (plainJson ? "" : "&f=json"), "alternate", plainJson ? kGeoJson : kJson,
         plainJson ? "This page of results as GeoJSON" : "This page of results as JSON");
    link(writer, context.collectionUrl(), "collection", kJson, "The catalog searched");
    if (query.offset + static_cast<std::int64_t>(result.hits.size()) < result.numberMatched)
        link(writer, pageUrl(query.offset + query.limit), "next", kGeoJson, "The next page of results");
    if (query.offset > 0)
        link(writer, pageUrl(std::max<std::int64_t>(0, query.offset - query.limit)), "prev", kGeoJson,
             "The previous page of results");
    writer.EndArray();
    writer.EndObject();
    Response response = jsonResponse(200, buffer, plainJson ? kJson : kGeoJson);
    response.headers.emplace_back("Content-Crs", contentCrs(crs));
    if (!cacheKey.empty()) {
        SearchCache::Page page;
        page.head = response.body.substr(0, timeStampAt);
        page.tail = response.body.substr(timeStampEnd);
        page.contentType = response.contentType;
        m_searchCache->store(cacheKey, result.seq, std::move(page));
    }
    return response;
}

// DCAT-AP 3 views of the catalog: `search` false for the catalog itself (/ and /collections/twins:
// the catalog with its first page of records), true for a page of search results (the query's
// parameters apply). nullopt when the client did not ask for DCAT (f=jsonld|ttl or Accept).
std::optional<Response> Api::dcatCatalog(const Request& request, const Context& context, bool search) const {
    std::optional<dcat::Format> format = negotiatedDcat(request);
    if (!format) return std::nullopt;
    std::map<std::string, std::string> parameters;
    if (search) parameters = request.query;
    parameters.erase("f");
    store::SearchQuery query = parseSearchQuery(parameters);
    store::SearchResult result = m_store.search(query);

    std::string baseQuery;
    for (const auto& [name, value] : parameters) {
        if (name == "offset" || name == "limit") continue;
        baseQuery += encodeQueryValue(name) + "=" + encodeQueryValue(value) + "&";
    }
    auto pageUrl = [&](std::int64_t offset) {
        std::string url = context.itemsUrl() + "?" + baseQuery + "limit=" + std::to_string(query.limit);
        if (offset > 0) url += "&offset=" + std::to_string(offset);
        return url + "&f=" + dcat::formatParameter(*format);
    };
    dcat::Paging paging;
    paging.self = pageUrl(query.offset);
    paging.first = pageUrl(0);
    if (query.offset + static_cast<std::int64_t>(result.hits.size()) < result.numberMatched)
        paging.next = pageUrl(query.offset + query.limit);
    if (query.offset > 0) paging.previous = pageUrl(std::max<std::int64_t>(0, query.offset - query.limit));
    paging.total = result.numberMatched;
    paging.limit = query.limit;

    std::vector<common::Json> docs(result.hits.size());
    std::vector<dcat::Entry> entries;
    for (std::size_t i = 0; i < result.hits.size(); ++i) {
        const auto& hit = result.hits[i];
        docs[i].Parse(hit.json.c_str(), hit.json.size());
        if (docs[i].HasParseError() || !docs[i].IsObject()) continue;
        if (m_decorator) m_decorator(docs[i], hit.source);
        entries.push_back({&docs[i], context.itemUrl(hit.key)});
    }
    Response response;
    response.contentType = dcat::mediaType(*format);
    response.headers.emplace_back("Vary", "Accept");
    response.body = dcat::catalog(*format, dcatCatalogInfo(m_options, context.base), entries, paging);
    return response;
}

}  // namespace tweeling::registry::api
