// The catalog's descriptive resources: landing page, conformance, collections, queryables and
// sortables, identity (/.well-known/tweeling.json) and health.
#include "api/api_internal.hpp"

#include "api/crs_negotiation.hpp"

#include "record/vocabulary.hpp"

namespace tweeling::registry::api {

using namespace detail;

namespace {

const char* const kConformance[] = {
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-collection",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core-query-parameters",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-api",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/searchable-catalog",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/searchable-catalog-sorting",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/searchable-catalog-filtering",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/autodiscovery",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/array-functions",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    // crs, bbox-crs, Content-Crs and the collection's crs and storageCrs (crs_negotiation.hpp).
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
};

}  // namespace

Response Api::landing(const Context& context) const {
    // Only f: any other parameter, or an f the API does not offer, is a 400 naming it (as on items).
    if (context.request) checkParameters(*context.request, {});
    // DCAT-AP (f=jsonld|ttl or Accept): the landing page is the catalog, the same as /collections/twins.
    if (context.request)
        if (auto dcat = dcatCatalog(*context.request, context, false)) return std::move(*dcat);
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    member(writer, "title", m_options.name);
    member(writer, "description", m_options.description);
    member(writer, "nodeId", m_options.nodeId);
    member(writer, "epoch", m_store.epoch());
    if (auto signer = m_store.signingKey()) member(writer, "publicKey", signer->publicKey().base64Url());
    key(writer, "links");
    writer.StartArray();
    link(writer, context.base + "/", "self", kJson, "This landing page");
    link(writer, context.base + "/?f=html", "alternate", "text/html", "This landing page as HTML");
    link(writer, context.base + "/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0",
         "The API definition (OpenAPI 3)");
    link(writer, context.base + "/conformance", "conformance", kJson, "The conformance classes implemented");
    link(writer, context.base + "/collections", "data", kJson, "The catalogs of this node");
    // Autodiscovery (/req/autodiscovery/links): a searchable catalog's access endpoint is its items.
    link(writer, context.itemsUrl(), "http://www.opengis.net/def/rel/ogc/1.0/ogc-catalog", kGeoJson,
         "The searchable catalog of twin records");
    link(writer, context.base + "/feed", "https://w3id.org/tweeling/rel/feed", kJson,
         "The change feed for harvesters");
    link(writer, context.base + "/health", "status", kJson, "Health of this node");
    link(writer, context.base + "/.well-known/tweeling.json", "describedby", kJson,
         "This node's identity: its id, signing key and key rotations");
    for (const auto& extra : m_options.landingLinks)
        link(writer, context.base + extra.path, extra.rel.c_str(), extra.type.c_str(), extra.title);
    writer.EndArray();
    writer.EndObject();
    return jsonResponse(200, buffer);
}

Response Api::conformance(const Context& context) const {
    if (context.request) checkParameters(*context.request, {});
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    key(writer, "conformsTo");
    writer.StartArray();
    for (const char* uri : kConformance) writer.String(uri);
    writer.EndArray();
    key(writer, "links");
    writer.StartArray();
    link(writer, context.base + "/conformance", "self", kJson, "This document");
    writer.EndArray();
    writer.EndObject();
    return jsonResponse(200, buffer);
}

namespace {
void writeCollection(Writer& writer, const std::string& base, const std::string& name, const std::string& description) {
    std::string url = base + "/collections/" + kCollectionId;
    writer.StartObject();
    member(writer, "id", kCollectionId);
    member(writer, "type", "Collection");
    member(writer, "itemType", "record");
    member(writer, "title", name);
    member(writer, "description", description);
    key(writer, "conformsTo");
    writer.StartArray();
    writer.String("http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core");
    writer.EndArray();
    key(writer, "extent");
    writer.StartObject();
    key(writer, "spatial");
    writer.StartObject();
    key(writer, "bbox");
    writer.StartArray();
    writer.StartArray();
    writer.Int(-180);
    writer.Int(-90);
    writer.Int(180);
    writer.Int(90);
    writer.EndArray();
    writer.EndArray();
    member(writer, "crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    writer.EndObject();
    writer.EndObject();
    // OGC API – Features Part 2: the CRSs crs and bbox-crs accept, and the one records are stored in.
    key(writer, "crs");
    writer.StartArray();
    for (const OfferedCrs& crs : offeredCrss()) string(writer, crs.uri);
    writer.EndArray();
    member(writer, "storageCrs", storageCrs().uri);
    key(writer, "defaultSortOrder");
    writer.StartArray();
    writer.StartObject();
    member(writer, "field", "updated");
    member(writer, "direction", "desc");
    writer.EndObject();
    writer.EndArray();
    key(writer, "links");
    writer.StartArray();
    link(writer, url, "self", kJson, "This catalog");
    link(writer, url + "?f=html", "alternate", "text/html", "This catalog as HTML");
    link(writer, url + "/items", "items", kGeoJson, "The records of this catalog");
    link(writer, url + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json",
         "The properties records can be searched by");
    link(writer, url + "/sortables", "http://www.opengis.net/def/rel/ogc/1.0/sortables", "application/schema+json",
         "The properties records can be sorted by");
    link(writer, base + "/", "root", kJson, "The landing page");
    writer.EndArray();
    writer.EndObject();
}
}  // namespace

Response Api::collections(const Context& context) const {
    if (context.request) checkParameters(*context.request, {});
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    key(writer, "collections");
    writer.StartArray();
    writeCollection(writer, context.base, m_options.name, m_options.description);
    if (m_extraCollections)
        for (const std::string& collection : m_extraCollections(context.base))
            writer.RawValue(collection.c_str(), collection.size(), rapidjson::kObjectType);
    writer.EndArray();
    key(writer, "links");
    writer.StartArray();
    link(writer, context.base + "/collections", "self", kJson, "The catalogs of this node");
    writer.EndArray();
    writer.EndObject();
    return jsonResponse(200, buffer);
}

Response Api::collection(const Context& context) const {
    if (context.request) checkParameters(*context.request, {});
    if (context.request)
        if (auto dcat = dcatCatalog(*context.request, context, false)) return std::move(*dcat);
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writeCollection(writer, context.base, m_options.name, m_options.description);
    return jsonResponse(200, buffer);
}

namespace {
template <typename Words>
void enumArray(Writer& writer, const char* name, const char* title, const Words& words, bool many) {
    writer.Key(name);
    writer.StartObject();
    member(writer, "title", title);
    if (many) {
        member(writer, "type", "array");
        writer.Key("items");
        writer.StartObject();
    }
    member(writer, "type", "string");
    writer.Key("enum");
    writer.StartArray();
    for (const char* word : words) writer.String(word);
    writer.EndArray();
    if (many) writer.EndObject();
    writer.EndObject();
}

void simpleProperty(Writer& writer, const char* name, const char* title, const char* type, const char* format) {
    writer.Key(name);
    writer.StartObject();
    member(writer, "title", title);
    member(writer, "type", type);
    if (format) member(writer, "format", format);
    writer.EndObject();
}
}  // namespace

// Queryables and sortables as JSON Schema (OGC API – Features Part 3 / Records).
Response Api::queryables(const Context& context, bool sortables) const {
    if (context.request) checkParameters(*context.request, {});
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    member(writer, "$schema", "https://json-schema.org/draft/2020-12/schema");
    member(writer, "$id", context.collectionUrl() + (sortables ? "/sortables" : "/queryables"));
    member(writer, "type", "object");
    member(writer, "title", sortables ? "Sortables of the twin records" : "Queryables of the twin records");
    writer.Key("properties");
    writer.StartObject();
    if (sortables) {
        simpleProperty(writer, "updated", "Last update of the record", "string", "date-time");
        simpleProperty(writer, "title", "Title", "string", nullptr);
    } else {
        simpleProperty(writer, "id", "Record id (query parameter ids)", "string", nullptr);
        enumArray(writer, "type", "Kind of resource (query parameter type)", record::kRecordTypes, false);
        simpleProperty(writer, "title", "Title (searched by q)", "string", nullptr);
        simpleProperty(writer, "description", "Description (searched by q)", "string", nullptr);
        enumArray(writer, "themes", "Twin themes (query parameter themes)", record::kTwinThemes, true);
        enumArray(writer, "formats", "Distribution formats (query parameter formats)", record::kFormats, true);
        simpleProperty(writer, "adminUnits", "CBS codes GMnnnn, PVnn, WSnnnn (query parameter adminUnits)", "array",
                       nullptr);
        simpleProperty(writer, "publisher", "Publisher TOOI URI (query parameter publisher)", "string", "uri");
        simpleProperty(writer, "origin", "Node the record comes from (query parameter origin)", "string", nullptr);
        simpleProperty(writer, "license", "Licence (SPDX id or URI)", "string", nullptr);
        enumArray(writer, "rights", "Access rights", record::kRightsValues, false);
        simpleProperty(writer, "updated", "Last update of the record", "string", "date-time");
        simpleProperty(writer, "datetime", "Temporal extent (query parameter datetime)", "string", nullptr);
        writer.Key("geometry");
        writer.StartObject();
        member(writer, "title", "Footprint (query parameter bbox)");
        member(writer, "format", "geometry-any");
        writer.EndObject();
    }
    writer.EndObject();
    writer.Key("additionalProperties");
    writer.Bool(false);
    writer.EndObject();
    return jsonResponse(200, buffer, "application/schema+json");
}

// /.well-known/tweeling.json: who this node is and how to check what it signs (README, "Signed
// records"). A hub that meets a key it has not pinned reads the rotations here, each signed by the
// key before it.
Response Api::identity(const Context& context) const {
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    member(writer, "nodeId", m_options.nodeId);
    member(writer, "title", m_options.name);
    member(writer, "epoch", m_store.epoch());
    auto signer = m_store.signingKey();
    key(writer, "publicKey");
    if (signer)
        string(writer, signer->publicKey().base64Url());
    else
        writer.Null();
    member(writer, "signatureAlgorithm", "Ed25519");
    member(writer, "canonicalization", "RFC 8785");
    key(writer, "keyRotations");
    std::string rotations = m_store.keyRotations();
    writer.RawValue(rotations.c_str(), rotations.size(), rapidjson::kArrayType);
    member(writer, "kind", m_options.kind);
    member(writer, "api", context.base + "/");
    member(writer, "feed", context.base + "/feed");
    if (m_options.kind == "hub") member(writer, "sources", context.base + "/sources");
    writer.EndObject();
    return jsonResponse(200, buffer);
}

Response Api::health() const {
    store::StoreHealth health = m_store.health();
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    member(writer, "status", health.ok ? "ok" : "failing");
    member(writer, "nodeId", m_options.nodeId);
    member(writer, "epoch", health.epoch);
    key(writer, "store");
    writer.StartObject();
    key(writer, "ok");
    writer.Bool(health.ok);
    key(writer, "records");
    writer.Int64(health.records);
    key(writer, "latestSeq");
    writer.Int64(health.latestSeq);
    if (!health.detail.empty()) member(writer, "detail", health.detail);
    writer.EndObject();
    writer.EndObject();
    return jsonResponse(health.ok ? 200 : 503, buffer);
}

}  // namespace tweeling::registry::api
