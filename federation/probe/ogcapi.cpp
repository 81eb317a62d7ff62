// OGC API – Features and 3D GeoVolumes: the landing page and its links, the conformance classes,
// and the collections, in at most three requests. The URL may be the landing page, the collections
// list (…/collections) or one collection (…/collections/{id}); for the last two the landing page is
// the path before /collections. JSON is asked for with ?f=json, since a Fetch sends no Accept header.
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "probe/crs_names.hpp"
#include "probe/fetch_checks.hpp"
#include "probe/json_numbers.hpp"
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

namespace {

using common::JsonValue;

constexpr const char* kLanding = "ogcapi.landing";
constexpr const char* kConformance = "ogcapi.conformance";
constexpr const char* kCollections = "ogcapi.collections";

constexpr int kMaxOgcApiRequests = 3;
constexpr std::string_view kOgcRelPrefix = "http://www.opengis.net/def/rel/ogc/1.0/";
constexpr std::string_view kFeaturesCore = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core";
constexpr std::string_view kGeoVolumesPrefix = "http://www.opengis.net/spec/ogcapi-geovolumes-1/";

enum class Kind { Landing, Collections, Collection };

struct Target {
    Kind kind = Kind::Landing;
    std::string landing;  // the API's landing page
    std::string first;    // what is fetched first: the distribution's own document
};

Target classify(const std::string& url) {
    Target target{Kind::Landing, url, url};
    std::string base = adapters::withoutFragment(url);
    base = base.substr(0, base.find('?'));
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::size_t at = base.rfind("/collections");
    if (at == std::string::npos) return target;
    std::string rest = base.substr(at + std::string_view("/collections").size());
    if (!rest.empty() && rest[0] != '/') return target;  // "/collectionsfoo" is another path
    target.landing = base.substr(0, at);
    if (rest.empty()) {
        target.kind = Kind::Collections;
        return target;
    }
    // …/collections/{id}, or a path below it (items, 3dtiles): the collection document is read.
    std::size_t idEnd = rest.find('/', 1);
    target.kind = Kind::Collection;
    if (idEnd != std::string::npos) target.first = base.substr(0, at + std::string_view("/collections").size() + idEnd);
    return target;
}

std::string withJson(const std::string& url) {
    if (!adapters::queryValue(url, "f").empty()) return url;
    std::string plain = adapters::withoutFragment(url);
    return plain + (plain.find('?') == std::string::npos ? "?" : "&") + "f=json";
}

bool relIs(std::string_view rel, std::string_view name) {
    return rel == name || (adapters::startsWith(rel, kOgcRelPrefix) && rel.substr(kOgcRelPrefix.size()) == name);
}

// The href of the doc's link with the given rel, resolved against `base`; a JSON link is preferred
// when the page lists one per encoding.
std::string linkHref(const JsonValue& doc, std::string_view rel, const std::string& base) {
    const JsonValue* links = adapters::arrayMember(doc, "links");
    if (!links) return {};
    std::string found;
    for (const JsonValue& link : links->GetArray()) {
        auto linkRel = common::stringMember(link, "rel");
        auto href = adapters::nonEmptyMember(link, "href");
        if (!linkRel || !href || !relIs(*linkRel, rel)) continue;
        auto type = common::stringMember(link, "type");
        bool json = type && type->find("json") != std::string_view::npos;
        if (found.empty() || json) found = adapters::resolveUrl(base, *href);
        if (json) break;
    }
    return found;
}

// Reads a response as a JSON object for check `id`; `url` goes into the check when the document is
// not the distribution's own. False (with a check) when it cannot be read.
bool readJson(const FetchResponse& response, const char* id, const char* what, const std::string& url,
              const Limits& limits, common::Json& doc, ProbeResult& result) {
    if (!response.ok) {
        addCheck(result, id, Status::Fail, std::string(what) + " did not answer: " + failureText(response) + ".", "",
                 url);
        return false;
    }
    if (response.truncated) {
        addCheck(result, id, Status::Warn,
                 std::string(what) + " is larger than the " + byteSize(limits.maxDocumentBytes) +
                     " a probe reads, so it was not checked.",
                 "", url);
        return false;
    }
    auto error = common::parseUntrusted(response.body, doc);
    if (error || !doc.IsObject()) {
        addCheck(result, id, Status::Fail,
                 std::string(what) + " is not a JSON object" +
                     (error ? " (at byte " + std::to_string(error->offset) + ": " + error->message + ")" : "") +
                     "; the server sent " +
                     (response.contentType.empty() ? "no Content-Type" : quoted(response.contentType)) + ".",
                 error ? error->pointer.value_or("") : "", url);
        return false;
    }
    return true;
}

struct LandingLinks {
    std::string conformance, data;
};

LandingLinks checkLanding(const JsonValue& doc, const std::string& base, const std::string& url, ProbeResult& result) {
    LandingLinks links{linkHref(doc, "conformance", base), linkHref(doc, "data", base)};
    if (links.conformance.empty() || links.data.empty()) {
        std::string missing = links.conformance.empty() && links.data.empty() ? "\"conformance\" and \"data\""
                              : links.conformance.empty()                     ? "\"conformance\""
                                                                              : "\"data\"";
        addCheck(result, kLanding, Status::Fail,
                 "The landing page has no link with rel " + missing +
                     ", which an OGC API landing page must have so clients find its conformance and collections.",
                 "/links", url);
    } else {
        addCheck(result, kLanding, Status::Pass, "The landing page links its conformance and its collections.",
                 "/links", url);
    }
    return links;
}

void checkConformance(const JsonValue& doc, const std::string& url, ProbeResult& result) {
    const JsonValue* classes = adapters::arrayMember(doc, "conformsTo");
    if (!classes) {
        addCheck(result, kConformance, Status::Fail, "The conformance document has no conformsTo list.", "/conformsTo",
                 url);
        return;
    }
    bool features = false, geoVolumes = false;
    for (const JsonValue& item : classes->GetArray()) {
        if (!item.IsString()) continue;
        std::string_view uri = adapters::text(item);
        while (!uri.empty() && uri.back() == '/') uri.remove_suffix(1);
        features = features || uri == kFeaturesCore;
        geoVolumes = geoVolumes || adapters::startsWith(uri, kGeoVolumesPrefix);
    }
    if (features || geoVolumes)
        addCheck(result, kConformance, Status::Pass,
                 std::string("The API conforms to ") +
                     (features && geoVolumes ? "Features Core and 3D GeoVolumes"
                      : features             ? "Features Core"
                                             : "3D GeoVolumes") +
                     ".",
                 "/conformsTo", url);
    else
        addCheck(result, kConformance, Status::Fail,
                 "The API declares neither OGC API – Features Core nor 3D GeoVolumes conformance.", "/conformsTo", url);
}

// A link a client follows to a collection's data: Features items, or 3D content (3D Tiles, I3S) of
// a GeoVolumes 3d-container, whose rel servers spell in several ways.
bool hasDataLink(const JsonValue& collection) {
    const JsonValue* links = adapters::arrayMember(collection, "links");
    if (links) {
        for (const JsonValue& link : links->GetArray()) {
            std::string rel = common::toLowerAscii(common::stringMember(link, "rel").value_or(""));
            std::string path = adapters::pathOf(common::stringMember(link, "href").value_or(""));
            while (!path.empty() && path.back() == '/') path.pop_back();
            if (relIs(rel, "items") || rel.find("3dtiles") != std::string::npos ||
                rel.find("i3s") != std::string::npos || adapters::endsWith(path, "/items") ||
                adapters::endsWith(path, "/3dtiles"))
                return true;
        }
    }
    const JsonValue* content = adapters::arrayMember(collection, "content");
    return content && !content->Empty();
}

void addExtent(const JsonValue& collection, ProbeResult& result) {
    const JsonValue* extent = adapters::objectMember(collection, "extent");
    const JsonValue* spatial = extent ? adapters::objectMember(*extent, "spatial") : nullptr;
    const JsonValue* bboxes = spatial ? adapters::arrayMember(*spatial, "bbox") : nullptr;
    if (auto storage = common::stringMember(collection, "storageCrs")) {
        std::string name = crsName(*storage);
        result.facts.crs.push_back(name.empty() ? common::toValidUtf8(*storage) : name);
    }
    if (!bboxes || bboxes->Empty()) return;
    auto box = numberArray(&(*bboxes)[0], 4);
    if (!box) box = numberArray(&(*bboxes)[0], 6);
    if (!box) return;
    std::size_t half = box->size() / 2;  // 3D boxes are [minx, miny, minz, maxx, maxy, maxz]
    result.facts.extent = std::array<double, 4>{(*box)[0], (*box)[1], (*box)[half], (*box)[half + 1]};
    auto crs = common::stringMember(*spatial, "crs");
    std::string name = crs ? crsName(*crs) : "OGC:CRS84";
    result.facts.extentCrs = name.empty() ? common::toValidUtf8(*crs) : name;
}

// One collection: an id and a way to its data. Returns a sentence on what is wrong ("" when fine).
std::string collectionProblem(const JsonValue& collection) {
    if (!collection.IsObject()) return "is not a JSON object";
    if (!adapters::nonEmptyMember(collection, "id")) return "has no id";
    if (!hasDataLink(collection)) return "has no link to its data (rel items, or 3D content)";
    return {};
}

void checkCollections(const JsonValue& doc, bool single, const std::string& url, ProbeResult& result) {
    if (single) {
        std::string problem = collectionProblem(doc);
        addExtent(doc, result);
        if (problem.empty())
            addCheck(result, kCollections, Status::Pass, "The collection has an id and a link to its data.", "", url);
        else
            addCheck(result, kCollections, Status::Fail, "The collection " + problem + ".", "", url);
        return;
    }
    const JsonValue* collections = adapters::arrayMember(doc, "collections");
    if (!collections) {
        addCheck(result, kCollections, Status::Fail, "The collections document has no collections list.",
                 "/collections", url);
        return;
    }
    if (collections->Empty()) {
        addCheck(result, kCollections, Status::Warn, "The API lists no collections.", "/collections", url);
        return;
    }
    if ((*collections)[0].IsObject()) addExtent((*collections)[0], result);
    for (rapidjson::SizeType i = 0; i < collections->Size(); ++i) {
        std::string problem = collectionProblem((*collections)[i]);
        if (!problem.empty()) {
            addCheck(result, kCollections, Status::Fail,
                     "Collection " + std::to_string(i + 1) + " of " + std::to_string(collections->Size()) + " " +
                         problem + ".",
                     "/collections/" + std::to_string(i), url);
            return;
        }
    }
    addCheck(result, kCollections, Status::Pass,
             std::to_string(collections->Size()) + " collections, each with an id and a link to its data.",
             "/collections", url);
}

}  // namespace

void probeOgcApi(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result) {
    RequestBudget budget(fetch, limits, kMaxOgcApiRequests);
    // A request refused by the probe's own limit is no fault of the server: warn, do not fail.
    auto withinBudget = [&](const char* id) {
        if (budget.canFetch()) return true;
        addCheck(result, id, Status::Warn, "Not checked: the probe's request limit was reached.");
        return false;
    };
    Target target = classify(url);
    FetchResponse first = budget.fetch(withJson(target.first), limits.maxDocumentBytes);
    if (!checkReachable(first, target.first, result)) return;

    if (target.kind != Kind::Landing) {
        // A path below a collection (its items) was probed through the collection document.
        std::string shownUrl = target.first == url ? "" : target.first;
        common::Json doc;
        const char* what = target.kind == Kind::Collection ? "The collection document" : "The collections document";
        if (readJson(first, kCollections, what, shownUrl, limits, doc, result))
            checkCollections(doc, target.kind == Kind::Collection, shownUrl, result);
    }

    common::Json landing;
    std::string landingUrl;  // "" while it is the distribution's own URL
    FetchResponse landingResponse;
    if (target.kind == Kind::Landing) {
        landingResponse = std::move(first);
    } else {
        if (!withinBudget(kLanding)) return;
        landingUrl = withJson(target.landing);
        landingResponse = budget.fetch(landingUrl, limits.maxDocumentBytes);
    }
    if (!readJson(landingResponse, kLanding, "The landing page", landingUrl, limits, landing, result)) return;
    std::string landingBase = !landingResponse.finalUrl.empty() ? landingResponse.finalUrl
                              : landingUrl.empty()              ? withJson(target.first)
                                                                : landingUrl;
    LandingLinks links = checkLanding(landing, landingBase, landingUrl, result);

    if (!links.conformance.empty() && withinBudget(kConformance)) {
        std::string conformanceUrl = withJson(links.conformance);
        common::Json conformance;
        if (readJson(budget.fetch(conformanceUrl, limits.maxDocumentBytes), kConformance, "The conformance document",
                     conformanceUrl, limits, conformance, result))
            checkConformance(conformance, conformanceUrl, result);
    }
    if (target.kind == Kind::Landing && !links.data.empty() && withinBudget(kCollections)) {
        std::string dataUrl = withJson(links.data);
        common::Json collections;
        if (readJson(budget.fetch(dataUrl, limits.maxDocumentBytes), kCollections, "The collections document", dataUrl,
                     limits, collections, result))
            checkCollections(collections, false, dataUrl, result);
    }
}

}  // namespace tweeling::federation::probe
