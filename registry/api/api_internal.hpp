#pragma once
// What the files of the Api share (internal to registry/api: only api.cpp, routes.cpp, the handler
// files, etag.cpp and openapi.cpp include it): the per-request Context, shorthands for writing JSON,
// the parameter check, DCAT-AP negotiation and entity tags.
#include "api/api.hpp"
#include "api/dcat.hpp"
#include "api/errors.hpp"
#include "api/http_helpers.hpp"
#include "common/url.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::registry::api {
namespace detail {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kCollectionId = "twins";

// The answer for a problem of kind `type` (api.cpp); `error` adds its members and headers.
Response problemResponse(const ProblemType& type, const std::string& detail, const std::string& instance,
                         const ApiError* error = nullptr);
// The path without the versioned base path (/v1 -> /, /v1/collections -> /collections); nullopt when
// it does not start with it (/v10, /collections).
std::optional<std::string> withoutVersionPath(const std::string& path);
constexpr const char* kGeoJson = "application/geo+json";
constexpr const char* kJson = "application/json";

inline void key(Writer& writer, const char* name) { writer.Key(name); }
inline void string(Writer& writer, const std::string& value) {
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}
inline void member(Writer& writer, const char* name, const std::string& value) {
    writer.Key(name);
    string(writer, value);
}

inline void link(Writer& writer, const std::string& href, const char* rel, const char* type, const std::string& title) {
    writer.StartObject();
    member(writer, "href", href);
    member(writer, "rel", rel);
    if (type) member(writer, "type", type);
    if (!title.empty()) member(writer, "title", title);
    writer.EndObject();
}

inline std::string bufferText(const rapidjson::StringBuffer& buffer) {
    return std::string(buffer.GetString(), buffer.GetSize());
}

inline Response jsonResponse(int status, const rapidjson::StringBuffer& buffer, const char* type = kJson) {
    Response response;
    response.status = status;
    response.contentType = type;
    response.body = bufferText(buffer);
    return response;
}

inline std::string encodePathSegment(const std::string& text) {
    return common::percentEncode(text, common::percent::kPathSegment);
}
inline std::string encodeQueryValue(const std::string& text) {
    return common::percentEncode(text, common::percent::kQueryValue);
}

}  // namespace detail

struct Api::Context {
    std::string base;  // e.g. http://127.0.0.1:8080 (no trailing slash); ends in /v1 when asked there
    std::string versionedBase;  // base of the major-versioned API (kApiVersionPath), for /api's servers
    const Request* request = nullptr;  // for content negotiation where a handler takes no request
    std::string collectionUrl() const { return base + "/collections/" + detail::kCollectionId; }
    std::string itemsUrl() const { return collectionUrl() + "/items"; }
    std::string itemUrl(const std::string& key) const { return itemsUrl() + "/" + detail::encodePathSegment(key); }
};

namespace detail {

// DCAT-AP content negotiation: f=jsonld|ttl, or Accept (application/ld+json, text/turtle).
std::optional<dcat::Format> negotiatedDcat(const Request& request);
dcat::CatalogInfo dcatCatalogInfo(const ApiOptions& options, const std::string& base);

// The CRS a response's geometries are shown in: the `crs` parameter's (crs_negotiation.hpp), CRS84
// without one. A 400 for a CRS not offered, and for another CRS than CRS84 with DCAT-AP (`dcat`),
// whose geometries are CRS84 only.
const OfferedCrs& responseCrs(const Request& request, bool dcat);
// What a record's entity tag gets for a CRS other than CRS84 ("-epsg28992"): each is its own
// representation.
std::string crsTagSuffix(const OfferedCrs& crs);

// Entity tags (etag.cpp). A record's entity tag, without quotes (store::entityTag).
std::string recordTag(const store::StoredRecord& stored);
// RFC 9110 §13.1: If-None-Match uses weak comparison and may list several tags or "*";
// If-Match uses strong comparison.
bool etagMatches(const std::string& header, const std::string& etag, bool weak);
// The entity tags of an If-Match or If-None-Match header of a write, without their quotes ("*" as
// it is), for store::WriteCondition; nullopt when the header is absent. If-Match compares strongly
// (RFC 9110 §13.1.1): its weak tags never match and are left out; If-None-Match compares weakly.
std::optional<std::vector<std::string>> preconditionTags(const Request& request, const char* name);
// The 412 of a write whose If-Match or If-None-Match the store found unmet.
ApiError preconditionFailed(const Request& request, bool held, const std::string& id);

}  // namespace detail
}  // namespace tweeling::registry::api
