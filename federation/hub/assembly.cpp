#include "hub/assembly.hpp"

#include "api/errors.hpp"
#include "api/http_helpers.hpp"
#include "api/query.hpp"
#include "common/text.hpp"
#include "common/json.hpp"
#include "record/vocabulary.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace tweeling::federation::hub {

using registry::api::ApiError;
using registry::api::Request;
using registry::api::Response;
namespace problem = registry::api::problem;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

namespace {

constexpr double kDegrees = 180.0 / M_PI;
constexpr std::size_t kMaxListedLeftOut = 100;
constexpr std::size_t kMaxCachedQueries = 64;

void text(Writer& writer, const char* name, const std::string& value) {
    writer.Key(name);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void region(Writer& writer, const std::array<double, 6>& values) {
    writer.Key("boundingVolume");
    writer.StartObject();
    writer.Key("region");
    writer.StartArray();
    for (double value : values) writer.Double(value);
    writer.EndArray();
    writer.EndObject();
}

void stringArray(Writer& writer, const char* name, const std::set<std::string>& values) {
    writer.Key(name);
    writer.StartArray();
    for (const std::string& value : values) writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    writer.EndArray();
}

// The records' own LoDs (properties.lod) include one of `wanted`.
bool hasLod(const std::string& json, const std::vector<std::string>& wanted) {
    common::Json doc;
    if (common::parseUntrusted(json, doc) || !doc.IsObject()) return false;
    const auto* properties = common::member(doc, "properties");
    const auto* lods = properties ? common::member(*properties, "lod") : nullptr;
    if (!lods || !lods->IsArray()) return false;
    for (const auto& lod : lods->GetArray())
        if (lod.IsString() && std::find(wanted.begin(), wanted.end(), lod.GetString()) != wanted.end()) return true;
    return false;
}

std::string title(const std::string& json) {
    common::Json doc;
    if (common::parseUntrusted(json, doc) || !doc.IsObject()) return "";
    const auto* properties = common::member(doc, "properties");
    return properties ? std::string(common::stringMember(*properties, "title").value_or("")) : "";
}

Response jsonResponse(std::string body) {
    Response response;
    response.status = 200;
    response.contentType = "application/json";
    response.body = std::move(body);
    return response;
}

}  // namespace

std::string TwinAssembly::tileset(const std::map<std::string, std::string>& parameters) {
    std::map<std::string, std::string> search;
    std::vector<std::string> lods;
    static const std::set<std::string> kKnown = {"q",      "bbox",     "bbox-crs",  "datetime", "type",
                                                 "ids",    "themes",   "adminUnits", "origin",  "source",
                                                 "publisher", "filter", "filter-lang", "filter-crs", "validation",
                                                 "lod",    "f",        "license",   "rights"};
    for (const auto& [name, value] : parameters) {
        if (!kKnown.count(name))
            throw registry::api::badParameter(name, "is not a parameter of the national tileset; use bbox, themes, "
                                                    "adminUnits, lod or another search parameter");
        if (name == "lod") {
            for (const std::string& lod : common::splitList(value)) {
                if (std::find(std::begin(registry::record::kLods), std::end(registry::record::kLods), lod) ==
                    std::end(registry::record::kLods))
                    throw registry::api::badParameter("lod", "'" + lod + "' is not a CityJSON LoD (0 to 3.3)");
                lods.push_back(lod);
            }
        } else if (name == "f") {
            if (value != "json")
                throw registry::api::badParameter("f", "the national tileset is JSON only (3D Tiles): use f=json");
        } else {
            search[name] = value;
        }
    }
    registry::store::SearchQuery query = registry::api::parseSearchQuery(search);
    query.formats = {"3dtiles"};
    query.limit = kMaxTwinChildren;
    query.offset = 0;
    query.facets.clear();
    query.sort = registry::store::SortKey::Updated;
    query.descending = true;

    std::string cacheKey;
    for (const auto& [name, value] : parameters) cacheKey += name + "=" + value + "&";
    const std::int64_t seq = m_store.currentSeq();
    {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        if (m_cacheSeq != seq) {
            m_cache.clear();
            m_cacheSeq = seq;
        }
        auto cached = m_cache.find(cacheKey);
        if (cached != m_cache.end()) return cached->second;
    }

    registry::store::SearchResult result = m_store.search(query);
    std::vector<std::string> keys;
    std::map<std::string, std::string> titles;
    for (const auto& hit : result.hits) {
        if (!lods.empty() && !hasLod(hit.json, lods)) continue;
        keys.push_back(hit.key);
        titles[hit.key] = title(hit.json);
    }
    const std::vector<ProbedTileset> children = m_prober.tilesets(keys);
    const auto leftOut = m_prober.notAssembled(keys);

    std::array<double, 6> root{};
    bool any = false;
    double maxError = 0;
    std::set<std::string> used, required;
    for (const ProbedTileset& child : children) {
        if (!any) root = child.region;
        for (int i = 0; i < 2; ++i) root[i] = std::min(root[i], child.region[i]);
        for (int i = 2; i < 4; ++i) root[i] = std::max(root[i], child.region[i]);
        root[4] = std::min(root[4], child.region[4]);
        root[5] = std::max(root[5], child.region[5]);
        any = true;
        maxError = std::max(maxError, child.geometricError);
        used.insert(child.extensionsUsed.begin(), child.extensionsUsed.end());
        required.insert(child.extensionsRequired.begin(), child.extensionsRequired.end());
    }
    if (!any) {
        // Nothing to show: the region asked for (or the Netherlands), so the tileset stays valid.
        const registry::record::Bbox box = query.bbox.value_or(registry::record::Bbox{3.0, 50.7, 7.3, 53.7});
        root = {box.minX / kDegrees, box.minY / kDegrees, box.maxX / kDegrees, box.maxY / kDegrees, 0, 0};
    }

    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    writer.Key("asset");
    writer.StartObject();
    text(writer, "version", "1.1");
    text(writer, "generator", "Tweeling federation hub");
    text(writer, "tilesetVersion", std::to_string(seq));
    writer.EndObject();
    writer.Key("geometricError");
    writer.Double(maxError);
    if (!used.empty()) stringArray(writer, "extensionsUsed", used);
    if (!required.empty()) stringArray(writer, "extensionsRequired", required);
    writer.Key("root");
    writer.StartObject();
    region(writer, root);
    writer.Key("geometricError");
    writer.Double(maxError);
    text(writer, "refine", "ADD");
    writer.Key("children");
    writer.StartArray();
    for (const ProbedTileset& child : children) {
        writer.StartObject();
        region(writer, child.region);
        writer.Key("geometricError");
        writer.Double(child.geometricError);
        writer.Key("content");
        writer.StartObject();
        text(writer, "uri", child.href);
        writer.EndObject();
        writer.Key("extras");
        writer.StartObject();
        text(writer, "record", child.key);
        text(writer, "title", titles[child.key]);
        writer.Key("regionFrom");
        writer.String(child.regionFromAsset ? "tileset" : "footprint");
        writer.EndObject();
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    writer.Key("extras");
    writer.StartObject();
    writer.Key("matched");
    writer.Int64(result.numberMatched);
    writer.Key("children");
    writer.Int64(static_cast<std::int64_t>(children.size()));
    if (result.numberMatched > static_cast<std::int64_t>(result.hits.size())) {
        text(writer, "truncated", "only the " + std::to_string(kMaxTwinChildren) +
                                      " most recently updated matching records are assembled; narrow the bbox or themes");
    }
    writer.Key("leftOut");
    writer.StartArray();
    for (std::size_t i = 0; i < leftOut.size() && i < kMaxListedLeftOut; ++i) {
        writer.StartObject();
        text(writer, "record", leftOut[i].first);
        text(writer, "reason", leftOut[i].second);
        writer.EndObject();
    }
    writer.EndArray();
    writer.Key("leftOutCount");
    writer.Int64(static_cast<std::int64_t>(leftOut.size()));
    writer.EndObject();
    writer.EndObject();

    std::string body(buffer.GetString(), buffer.GetSize());
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (m_cacheSeq == seq && m_cache.size() < kMaxCachedQueries) m_cache[cacheKey] = body;
    return body;
}

std::vector<std::string> TwinAssembly::collections(const std::string& base) {
    // The themes that have 3D Tiles records, each a collection; the whole twin first.
    registry::store::SearchQuery query;
    query.formats = {"3dtiles"};
    query.facets = {"themes"};
    query.limit = 0;
    registry::store::SearchResult result = m_store.search(query);
    std::vector<std::pair<std::string, std::string>> wanted = {{kTwinCollection, ""}};
    if (!result.facets.empty())
        for (const auto& value : result.facets[0].values)
            wanted.emplace_back(std::string(kTwinCollection) + "-" + value.value, value.value);
    std::vector<std::string> out;
    for (const auto& [id, theme] : wanted) {
        std::map<std::string, std::string> parameters;
        if (!theme.empty()) parameters["themes"] = theme;
        common::Json assembled;
        const std::string tilesetJson = tileset(parameters);
        assembled.Parse(tilesetJson.c_str(), tilesetJson.size());
        const auto& values = assembled["root"]["boundingVolume"]["region"];
        rapidjson::StringBuffer buffer;
        Writer writer(buffer);
        writer.StartObject();
        text(writer, "id", id);
        text(writer, "title", theme.empty() ? "The national 3D twin" : "The national 3D twin: " + theme);
        text(writer, "description",
             "The 3D Tiles tilesets of the records this hub holds" + (theme.empty() ? "" : " with theme " + theme) +
                 ", assembled as one tileset whose children are fetched from their publishers' own servers");
        text(writer, "collectionType", "3d-container");
        writer.Key("extent");
        writer.StartObject();
        writer.Key("spatial");
        writer.StartObject();
        writer.Key("bbox");
        writer.StartArray();
        writer.StartArray();
        for (int i = 0; i < 4; ++i) writer.Double(values[i].GetDouble() * kDegrees);
        writer.EndArray();
        writer.EndArray();
        text(writer, "crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
        writer.EndObject();
        writer.EndObject();
        writer.Key("links");
        writer.StartArray();
        const std::string self = base + "/collections/" + id;
        for (const auto& [href, rel, type, linkTitle] :
             std::vector<std::array<std::string, 4>>{
                 {self, "self", "application/json", "This collection"},
                 {self + "/3dtiles", "items", "application/json+3dtiles", "The assembled 3D Tiles 1.1 tileset"},
                 {self + "/3dtiles", "http://www.opengis.net/def/rel/ogc/1.0/3dtiles", "application/json+3dtiles",
                  "The assembled 3D Tiles 1.1 tileset"}}) {
            writer.StartObject();
            text(writer, "href", href);
            text(writer, "rel", rel);
            text(writer, "type", type);
            text(writer, "title", linkTitle);
            writer.EndObject();
        }
        writer.EndArray();
        writer.EndObject();
        out.emplace_back(buffer.GetString(), buffer.GetSize());
    }
    return out;
}

std::optional<Response> TwinAssembly::handle(const Request& request, const std::string& base,
                                             const std::vector<std::string>& segments) {
    const bool isGet = request.method == "GET" || request.method == "HEAD";
    if (segments.size() == 2 && segments[0] == "twin" && segments[1] == "tileset.json") {
        if (!isGet) throw registry::api::methodNotAllowed(request.method, "GET, HEAD");
        return jsonResponse(tileset(request.query));
    }
    if (segments.size() < 2 || segments[0] != "collections") return std::nullopt;
    const std::string& id = segments[1];
    if (id.rfind(kTwinCollection, 0) != 0) return std::nullopt;
    const std::string theme = id.size() > std::string(kTwinCollection).size() + 1 && id[std::string(kTwinCollection).size()] == '-'
                                  ? id.substr(std::string(kTwinCollection).size() + 1)
                                  : "";
    if (id != kTwinCollection && theme.empty()) return std::nullopt;
    const auto& themes = registry::record::kTwinThemes;
    if (!theme.empty() && std::find(themes.begin(), themes.end(), theme) == themes.end())
        throw ApiError(problem::kNotFound, "There is no collection '" + id + "'");
    if (!isGet) throw registry::api::methodNotAllowed(request.method, "GET, HEAD");
    if (segments.size() == 2) {
        for (const std::string& collection : collections(base)) {
            common::Json doc;
            doc.Parse(collection.c_str(), collection.size());
            if (doc["id"].GetString() == id) return jsonResponse(collection);
        }
        throw ApiError(problem::kNotFound, "There is no collection '" + id + "': no record with theme " + theme +
                                               " has a 3D Tiles distribution");
    }
    if (segments.size() == 3 && segments[2] == "3dtiles") {
        std::map<std::string, std::string> parameters = request.query;
        if (!theme.empty()) parameters["themes"] = theme;
        return jsonResponse(tileset(parameters));
    }
    throw ApiError(problem::kNotFound, "There is nothing at " + request.path);
}

}  // namespace tweeling::federation::hub
