// I3S scene layers: the scene layer document (3dSceneLayer.json, or a SceneServer/layers/0 URL that
// serves it without a suffix): its layer type, store version and profile, spatial reference and
// extent. A scene layer package (.slpk) is a zip and is recognised but not opened.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>

#include "adapters/json_members.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "probe/crs_names.hpp"
#include "probe/fetch_checks.hpp"
#include "probe/json_numbers.hpp"
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

namespace {

using common::JsonValue;

constexpr const char* kJson = "i3s.json";
constexpr const char* kLayerType = "i3s.layerType";
constexpr const char* kVersion = "i3s.version";
constexpr const char* kSpatialReference = "i3s.spatialReference";
constexpr const char* kExtent = "i3s.extent";

// Esri's own well-known ids start at 100000 (102100 is Web Mercator); below that a wkid is an EPSG code.
constexpr long long kFirstEsriWkid = 100000;

std::optional<long long> integerMember(const JsonValue& object, const char* name) {
    const JsonValue* value = common::member(object, name);
    if (!value || !value->IsInt64()) return std::nullopt;
    return value->GetInt64();
}

// The layer document: the document itself, or the first of a scene service's `layers`.
const JsonValue* layerOf(const JsonValue& doc, std::string& pointer) {
    if (common::member(doc, "layerType")) return &doc;
    const JsonValue* layers = adapters::arrayMember(doc, "layers");
    if (layers && !layers->Empty() && (*layers)[0].IsObject() && common::member((*layers)[0], "layerType")) {
        pointer = "/layers/0";
        return &(*layers)[0];
    }
    return &doc;
}

void checkLayerType(const JsonValue& layer, const std::string& pointer, ProbeResult& result) {
    auto type = common::stringMember(layer, "layerType");
    std::string at = pointer + "/layerType";
    for (const char* known : {"3DObject", "IntegratedMesh", "Point", "PointCloud", "Building"}) {
        if (type && *type == known) {
            addCheck(result, kLayerType, Status::Pass, std::string("A scene layer of type ") + known + ".", at);
            return;
        }
    }
    addCheck(result, kLayerType, Status::Fail,
             type ? "The layer type " + quoted(*type) +
                        " is not an I3S one (3DObject, IntegratedMesh, Point, PointCloud, Building)."
                  : "The document has no layerType: it is not an I3S scene layer document.",
             at);
}

// store.version; a Building layer has no store (its sublayers have theirs).
void checkVersion(const JsonValue& layer, const std::string& pointer, ProbeResult& result) {
    const JsonValue* store = adapters::objectMember(layer, "store");
    auto type = common::stringMember(layer, "layerType");
    if (!store) {
        if (type && *type == "Building")
            addCheck(result, kVersion, Status::Pass,
                     "A Building scene layer has no store of its own; its sublayers state their versions.",
                     pointer + "/store");
        else
            addCheck(result, kVersion, Status::Fail, "The layer has no store, which says its version and profile.",
                     pointer + "/store");
        return;
    }
    auto version = common::stringMember(*store, "version");
    auto profile = common::stringMember(*store, "profile");
    std::string at = pointer + "/store/version";
    if (!version) {
        addCheck(result, kVersion, Status::Warn, "store.version is missing: clients have to guess the I3S version.",
                 at);
        return;
    }
    result.facts.version = std::string(*version);
    std::string what = "I3S " + std::string(*version) + (profile ? ", profile " + quoted(*profile) : "");
    if (version->size() >= 3 && version->substr(0, 2) == "1." &&
        std::isdigit(static_cast<unsigned char>((*version)[2])))
        addCheck(result, kVersion, Status::Pass, what + ".", at);
    else
        addCheck(result, kVersion, Status::Warn, "store.version " + quoted(*version) + " is not an I3S 1.x version.",
                 at);
}

// The CRS of a spatialReference object as AssetFacts names it: "EPSG:<code>" from latestWkid or
// wkid, else its WKT; "" when it names neither. `esriWkid` is set to a wkid that is Esri's own.
std::string crsOf(const JsonValue& reference, std::optional<long long>& esriWkid) {
    auto latest = integerMember(reference, "latestWkid");
    auto wkid = integerMember(reference, "wkid");
    for (const auto& code : {latest, wkid}) {
        if (code && *code > 0 && *code < kFirstEsriWkid) return epsgName(*code);
        if (code && !esriWkid) esriWkid = code;
    }
    auto wkt = common::stringMember(reference, "wkt");
    return wkt ? common::toValidUtf8(*wkt) : std::string();
}

void addCrs(const std::string& name, ProbeResult& result) {
    if (name.empty()) return;
    for (const std::string& known : result.facts.crs)
        if (known == name) return;
    result.facts.crs.push_back(name);
}

// The layer's CRS (crsOf), and its check. store.indexCRS and vertexCRS (I3S 1.6 and earlier) are
// facts too; an indexCRS that contradicts the spatialReference leaves clients to pick one.
std::string checkSpatialReference(const JsonValue& layer, const std::string& pointer, ProbeResult& result) {
    std::string at = pointer + "/spatialReference";
    const JsonValue* reference = adapters::objectMember(layer, "spatialReference");
    const JsonValue* store = adapters::objectMember(layer, "store");
    auto indexCrs = store ? common::stringMember(*store, "indexCRS") : std::nullopt;
    auto vertexCrs = store ? common::stringMember(*store, "vertexCRS") : std::nullopt;
    std::string indexName = indexCrs ? epsgName(*indexCrs) : std::string();
    std::optional<long long> esriWkid;
    std::string layerCrs = reference ? crsOf(*reference, esriWkid) : std::string();
    addCrs(layerCrs, result);
    addCrs(indexName, result);
    if (vertexCrs) addCrs(epsgName(*vertexCrs), result);

    if (!reference) {
        if (!indexName.empty())
            addCheck(result, kSpatialReference, Status::Warn,
                     "The layer has no spatialReference; only store.indexCRS names its CRS (" + indexName + ").", at);
        else
            addCheck(result, kSpatialReference, Status::Fail,
                     "The layer has no spatialReference, so clients cannot place it.", at);
        return indexName;
    }
    if (layerCrs.empty() && esriWkid)
        addCheck(result, kSpatialReference, Status::Warn,
                 "spatialReference names only Esri's wkid " + std::to_string(*esriWkid) +
                     ", no EPSG code (latestWkid), which clients outside ArcGIS need.",
                 at);
    else if (layerCrs.empty())
        addCheck(result, kSpatialReference, Status::Fail, "spatialReference has no wkid, latestWkid or wkt.", at);
    else if (!indexName.empty() && indexName != layerCrs)
        addCheck(result, kSpatialReference, Status::Warn,
                 "spatialReference says " + layerCrs + " but store.indexCRS says " + indexName + ".", at);
    else
        addCheck(result, kSpatialReference, Status::Pass,
                 layerCrs.compare(0, 5, "EPSG:") == 0 ? layerCrs + "." : "spatialReference is given as WKT.", at);
    return layerCrs;
}

void checkExtent(const JsonValue& layer, const std::string& pointer, const std::string& crs, ProbeResult& result) {
    const JsonValue* store = adapters::objectMember(layer, "store");
    const JsonValue* extent = store ? common::member(*store, "extent") : nullptr;
    const JsonValue* fullExtent = adapters::objectMember(layer, "fullExtent");
    std::string at = pointer + "/store/extent";
    std::array<double, 4> box{};
    std::string boxCrs = crs;
    if (extent) {
        auto numbers = numberArray(extent, 4);
        if (!numbers) {
            addCheck(result, kExtent, Status::Fail, "store.extent must be 4 numbers [xmin, ymin, xmax, ymax].", at);
            return;
        }
        std::copy(numbers->begin(), numbers->end(), box.begin());
    } else if (fullExtent) {
        // I3S 1.7 and later state the extent at the layer, with its own spatial reference.
        at = pointer + "/fullExtent";
        const char* const names[4] = {"xmin", "ymin", "xmax", "ymax"};
        for (int i = 0; i < 4; ++i) {
            const JsonValue* value = common::member(*fullExtent, names[i]);
            if (!value || !value->IsNumber()) {
                addCheck(result, kExtent, Status::Fail, "fullExtent must have numbers xmin, ymin, xmax and ymax.", at);
                return;
            }
            box[i] = value->GetDouble();
        }
        if (const JsonValue* reference = adapters::objectMember(*fullExtent, "spatialReference")) {
            std::optional<long long> esriWkid;
            std::string own = crsOf(*reference, esriWkid);
            if (!own.empty()) boxCrs = own;
        }
    } else {
        addCheck(result, kExtent, Status::Warn, "The layer states no extent (store.extent or fullExtent).", at);
        return;
    }
    if (box[0] > box[2] || box[1] > box[3]) {
        addCheck(result, kExtent, Status::Fail,
                 "The extent has a minimum above its maximum: it must be [xmin, ymin, xmax, ymax].", at);
        return;
    }
    if (boxCrs == "EPSG:4326" && (box[0] < -180 || box[2] > 180 || box[1] < -90 || box[3] > 90)) {
        addCheck(result, kExtent, Status::Fail,
                 "The extent lies outside longitude -180..180 and latitude -90..90 of EPSG:4326.", at);
        return;
    }
    result.facts.extent = box;
    result.facts.extentCrs = boxCrs;
    addCheck(result, kExtent, Status::Pass, "The extent is 4 numbers with min <= max.", at);
}

}  // namespace

void probeI3s(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result) {
    RequestBudget budget(fetch, limits);
    FetchResponse response = budget.fetch(url, limits.maxDocumentBytes);
    if (!checkReachable(response, url, result)) return;
    if (response.body.compare(0, 4, "PK\x03\x04") == 0) {
        addCheck(result, kJson, Status::Warn,
                 "The file is a scene layer package (a zip, .slpk), so it was not checked.");
        return;
    }
    if (response.truncated) {
        addCheck(result, kJson, Status::Fail,
                 "The scene layer document is larger than " + byteSize(limits.maxDocumentBytes) +
                     ", so it was not checked.");
        return;
    }
    common::Json doc;
    if (auto error = common::parseUntrusted(response.body, doc)) {
        addCheck(result, kJson, Status::Fail,
                 "The scene layer document is not valid JSON (at byte " + std::to_string(error->offset) +
                     "): " + error->message,
                 error->pointer.value_or(""));
        return;
    }
    if (!doc.IsObject()) {
        addCheck(result, kJson, Status::Fail, "The scene layer document is not a JSON object.");
        return;
    }
    addCheck(result, kJson, Status::Pass, "The scene layer document is a JSON object.");
    std::string pointer;
    const JsonValue& layer = *layerOf(doc, pointer);
    checkLayerType(layer, pointer, result);
    checkVersion(layer, pointer, result);
    std::string crs = checkSpatialReference(layer, pointer, result);
    checkExtent(layer, pointer, crs, result);
}

}  // namespace tweeling::federation::probe
