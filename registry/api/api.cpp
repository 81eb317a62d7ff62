#include "api/api.hpp"

#include "api/dcat.hpp"
#include "api/errors.hpp"
#include "api/html.hpp"
#include "api/http_helpers.hpp"
#include "api/ingest.hpp"
#include "api/query.hpp"
#include "common/http.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "common/time.hpp"
#include "common/url.hpp"
#include "record/record.hpp"
#include "record/vocabulary.hpp"

#include <openssl/rand.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace tweeling::generated {
extern const char* const kOpenApiDocument;
extern const char* const kOpenApiHubAddition;
}

namespace tweeling::registry::api {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

namespace {

constexpr const char* kCollectionId = "twins";
constexpr const char* kGeoJson = "application/geo+json";
constexpr const char* kJson = "application/json";
constexpr const char* kProblemJson = "application/problem+json";

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
};

void key(Writer& writer, const char* name) { writer.Key(name); }
void string(Writer& writer, const std::string& value) {
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}
void member(Writer& writer, const char* name, const std::string& value) {
    writer.Key(name);
    string(writer, value);
}

void link(Writer& writer, const std::string& href, const char* rel, const char* type, const std::string& title) {
    writer.StartObject();
    member(writer, "href", href);
    member(writer, "rel", rel);
    if (type) member(writer, "type", type);
    if (!title.empty()) member(writer, "title", title);
    writer.EndObject();
}

std::string bufferText(const rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

Response jsonResponse(int status, const rapidjson::StringBuffer& buffer, const char* type = kJson) {
    Response response;
    response.status = status;
    response.contentType = type;
    response.body = bufferText(buffer);
    return response;
}

Response problemResponse(const ProblemType& type, const std::string& detail, const std::string& instance,
                         const ApiError* error = nullptr) {
    Response response;
    response.status = type.status;
    response.contentType = kProblemJson;
    response.body = problemDocument(type, detail, instance, error);
    if (error) response.headers = error->headers();
    return response;
}

std::string encodePathSegment(const std::string& text) { return common::percentEncode(text, common::percent::kPathSegment); }
std::string encodeQueryValue(const std::string& text) { return common::percentEncode(text, common::percent::kQueryValue); }

std::string uuid4() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    char text[37];
    std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                  bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                  bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
    return text;
}

// Query parameters are bounded: a value longer than any the API needs (a CQL2 filter, a list of
// ids) is refused rather than carried into links, headers and problem documents. The request
// target as a whole is bounded by the HTTP server (ServerOptions::maxRequestLineBytes).
constexpr std::size_t kMaxParameterNameBytes = 64;
constexpr std::size_t kMaxParameterValueBytes = 4096;

void checkParameterSizes(const Request& request) {
    for (const auto& [name, value] : request.query) {
        if (name.size() > kMaxParameterNameBytes)
            throw std::move(ApiError(problem::kInvalidQueryParameter,
                                     "A parameter name is longer than " + std::to_string(kMaxParameterNameBytes) +
                                         " bytes: '" + common::truncateUtf8(name, kMaxParameterNameBytes) + "'")
                                .parameter(common::truncateUtf8(name, kMaxParameterNameBytes)));
        // A CQL2 filter may be longer: the parser bounds it (store::cql2::kMaxFilterLength) and its
        // expression, and answers 400 naming `filter`.
        if (value.size() > kMaxParameterValueBytes && name != "filter")
            throw badParameter(name, "is " + std::to_string(value.size()) + " bytes long; at most " +
                                         std::to_string(kMaxParameterValueBytes) + " are accepted");
    }
}

// OGC API – Features/Records: a parameter the API does not define is a 400, not silently ignored.
void checkParameters(const Request& request, std::initializer_list<const char*> allowed) {
    for (const auto& [name, value] : request.query) {
        bool known = name == "f";
        for (const char* candidate : allowed) known = known || name == candidate;
        if (!known) throw badParameter(name, "is not a parameter of " + request.path);
        if (name == "f" && value != "json" && value != "geojson" && value != "jsonld" && value != "ttl" &&
            value != "html")
            throw badParameter(
                "f",
                "must be json, geojson, jsonld (DCAT-AP JSON-LD), ttl (DCAT-AP Turtle) or html; got '" + value + "'");
    }
}

// DCAT-AP content negotiation: f=jsonld|ttl, or Accept (application/ld+json, text/turtle).
std::optional<dcat::Format> negotiatedDcat(const Request& request) {
    auto f = request.query.find("f");
    return dcat::negotiate(f == request.query.end() ? nullptr : &f->second, request.header("accept"));
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

// A record's entity tag, without quotes (store::entityTag).
std::string recordTag(const store::StoredRecord& stored) {
    return store::entityTag(stored.hash, stored.signature);
}

// RFC 9110 §13.1: If-None-Match uses weak comparison and may list several tags or "*";
// If-Match uses strong comparison.
bool etagMatches(const std::string& header, const std::string& etag, bool weak) {
    for (std::string tag : common::splitList(header)) {
        if (tag == "*") return true;
        if (tag.rfind("W/", 0) == 0) {
            if (!weak) continue;
            tag = tag.substr(2);
        }
        if (tag == etag) return true;
    }
    return false;
}

// The entity tags of an If-Match or If-None-Match header of a write, without their quotes ("*" as
// it is), for store::WriteCondition; nullopt when the header is absent. If-Match compares strongly
// (RFC 9110 §13.1.1): its weak tags never match and are left out; If-None-Match compares weakly.
std::optional<std::vector<std::string>> preconditionTags(const Request& request, const char* name) {
    auto found = request.headers.find(name);
    if (found == request.headers.end()) return std::nullopt;
    const bool weak = std::strcmp(name, "if-none-match") == 0;
    std::vector<std::string> tags;
    for (std::string tag : common::splitList(found->second)) {
        if (tag.rfind("W/", 0) == 0) {
            if (!weak) continue;
            tag = tag.substr(2);
        }
        if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
        tags.push_back(std::move(tag));
    }
    return tags;
}

ApiError preconditionFailed(const Request& request, bool held, const std::string& id) {
    if (!held) return ApiError(problem::kPreconditionFailed, "If-Match was sent but there is no record '" + id + "'");
    if (request.headers.count("if-match") && !request.headers.count("if-none-match"))
        return ApiError(problem::kPreconditionFailed, "The record has changed since the ETag in If-Match");
    if (!request.headers.count("if-match"))
        return ApiError(problem::kPreconditionFailed,
                        "The record '" + id + "' exists and If-None-Match asks not to replace it (or this version)");
    return ApiError(problem::kPreconditionFailed, "The record does not meet the If-Match and If-None-Match conditions");
}

}  // namespace

std::string Request::header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? "" : it->second;
}

struct Api::Context {
    std::string base;  // e.g. http://127.0.0.1:8080 (no trailing slash)
    const Request* request = nullptr;  // for content negotiation where a handler takes no request
    std::string collectionUrl() const { return base + "/collections/" + kCollectionId; }
    std::string itemsUrl() const { return collectionUrl() + "/items"; }
    std::string itemUrl(const std::string& key) const { return itemsUrl() + "/" + encodePathSegment(key); }
};

// Adds the per-response navigation links (self, alternate, collection) in front of a stored record's
// links and writes it. Stored records never hold navigation links (normalizeForStorage strips them).
void Api::writeRecord(Writer& writer, const std::string& storedJson, const std::string& source,
                      const std::string& key, const Context& context, const std::string& signature,
                      bool verified) const {
    // Parsed in place, in a copy: its strings are not copied again one by one (a tenth of a search
    // page's CPU went to that). The copy outlives `doc`, whose strings point into it.
    std::string text;
    text.reserve(storedJson.size() + 1);
    text.assign(storedJson);
    common::Json doc;
    doc.ParseInsitu(text.data());
    if (doc.HasParseError() || !doc.IsObject()) {
        writer.RawValue(storedJson.c_str(), storedJson.size(), rapidjson::kObjectType);
        return;
    }
    std::string itemUrl = context.itemUrl(key);
    auto& allocator = doc.GetAllocator();
    common::JsonValue links(rapidjson::kArrayType);
    auto addLink = [&](const std::string& href, const char* rel, const char* type, const char* title) {
        common::JsonValue linkValue(rapidjson::kObjectType);
        linkValue.AddMember("href", common::JsonValue(href.c_str(), allocator), allocator);
        linkValue.AddMember("rel", common::JsonValue(rel, allocator), allocator);
        linkValue.AddMember("type", common::JsonValue(type, allocator), allocator);
        linkValue.AddMember("title", common::JsonValue(title, allocator), allocator);
        links.PushBack(linkValue, allocator);
    };
    addLink(itemUrl, "self", kGeoJson, "This record");
    addLink(itemUrl + "?f=json", "alternate", kJson, "This record as JSON");
    addLink(context.collectionUrl(), "collection", kJson, "The catalog this record belongs to");
    auto existing = doc.FindMember("links");
    if (existing != doc.MemberEnd()) {
        if (existing->value.IsArray())
            for (auto& value : existing->value.GetArray()) links.PushBack(value, allocator);
        existing->value = links;  // a "links" that is not an array is replaced, never doubled
    } else {
        doc.AddMember("links", links, allocator);
    }
    // EraseMember keeps the other members' order (RemoveMember moves the last one into the hole).
    if (doc.HasMember("signature")) doc.EraseMember("signature");
    if (doc.HasMember("verified")) doc.EraseMember("verified");
    if (!signature.empty()) doc.AddMember("signature", common::JsonValue(signature.c_str(), allocator), allocator);
    doc.AddMember("verified", verified, allocator);
    if (m_decorator) m_decorator(doc, source);
    doc.Accept(writer);
}

Api::Api(ApiOptions options, store::Store& store, const record::Profile& profile)
    : m_options(std::move(options)), m_store(store), m_profile(profile), m_metrics(std::make_shared<Metrics>()) {
    while (!m_options.publicUrl.empty() && m_options.publicUrl.back() == '/') m_options.publicUrl.pop_back();
    if (m_options.searchCacheEntries > 0)
        m_searchCache = std::make_shared<SearchCache>(m_options.searchCacheEntries, m_options.searchCacheBytes,
                                                      m_options.searchCacheMaxAge);
}

Response Api::handle(const Request& received) const {
    // A browser's search form sends its empty fields too (q=gebouwen&bbox=&datetime=&type=): an
    // empty query parameter is one left out, on every endpoint (README, "HTTP surface").
    std::optional<Request> withoutEmpty;
    if (std::any_of(received.query.begin(), received.query.end(),
                    [](const auto& entry) { return entry.second.empty(); })) {
        withoutEmpty = received;
        for (auto it = withoutEmpty->query.begin(); it != withoutEmpty->query.end();)
            it = it->second.empty() ? withoutEmpty->query.erase(it) : std::next(it);
    }
    const Request& request = withoutEmpty ? *withoutEmpty : received;
    Context context;
    context.request = &request;
    if (!m_options.publicUrl.empty()) {
        context.base = m_options.publicUrl;
    } else {
        std::string host = request.header("host");
        // Only trust a Host header that looks like a host[:port]; anything else falls back to a
        // relative base so a forged header cannot inject markup into links.
        bool plausible = !host.empty() && host.size() < 256 &&
                         std::all_of(host.begin(), host.end(), [](unsigned char c) {
                             return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
                         });
        context.base = plausible ? "http://" + host : "";
    }
    auto started = std::chrono::steady_clock::now();
    Response response;
    try {
        checkParameterSizes(request);
        response = route(request, context);
    } catch (const ApiError& error) {
        response = problemResponse(error.type(), error.detail(), request.rawPath, &error);
    } catch (const store::QueryTooComplex& error) {
        ApiError problem(problem::kInvalidQueryParameter,
                         "The search is too large for the database to compile; use fewer conditions or terms" +
                             (error.parameter().empty() ? std::string() : " in '" + error.parameter() + "'"));
        problem.parameter(error.parameter());
        response = problemResponse(problem.type(), problem.detail(), request.rawPath, &problem);
    } catch (const std::exception& error) {
        if (m_errorLog) m_errorLog(error.what());
        response = problemResponse(problem::kInternalError,
                                   "The server could not complete the request. The error has been logged.",
                                   request.rawPath);
    } catch (...) {
        if (m_errorLog) m_errorLog("unknown exception");
        response = problemResponse(problem::kInternalError,
                                   "The server could not complete the request. The error has been logged.",
                                   request.rawPath);
    }
    std::size_t statusClass = static_cast<std::size_t>(std::clamp(response.status / 100, 1, 5)) - 1;
    m_metrics->requests[statusClass].fetch_add(1, std::memory_order_relaxed);
    m_metrics->microseconds.fetch_add(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::steady_clock::now() - started)
                                          .count()),
                                      std::memory_order_relaxed);
    return response;
}

// Prometheus text exposition (version 0.0.4).
namespace {

// One metric without labels: its HELP and TYPE lines, then its sample.
template <typename Value>
void metric(std::ostringstream& out, const char* name, const char* type, const char* help, Value value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << name << ' ' << value << '\n';
}

}  // namespace

Response Api::metrics() const {
    store::StoreHealth health = m_store.health();
    std::ostringstream out;
    out << "# HELP tweeling_http_requests_total HTTP requests answered, by status class.\n"
        << "# TYPE tweeling_http_requests_total counter\n";
    for (int i = 0; i < 5; ++i)
        out << "tweeling_http_requests_total{code=\"" << (i + 1) << "xx\"} " << m_metrics->requests[i].load() << "\n";
    metric(out, "tweeling_http_request_seconds_total", "counter", "Time spent answering requests.",
           static_cast<double>(m_metrics->microseconds.load()) / 1e6);
    metric(out, "tweeling_records", "gauge", "Records held.", health.records);
    metric(out, "tweeling_feed_latest_seq", "gauge", "The highest change-feed sequence number.", health.latestSeq);
    metric(out, "tweeling_store_up", "gauge", "1 when the store answers.", health.ok ? 1 : 0);
    store::FacetIndexStats facets = m_store.facetIndexStats();
    metric(out, "tweeling_facet_index_builds_total", "counter", "Facet bitmaps built from scratch.", facets.builds);
    metric(out, "tweeling_facet_index_catchups_total", "counter",
           "Facet bitmaps brought up to date from the records writes touched.", facets.catchUps);
    store::TermIndexStats terms = m_store.termIndexStats();
    metric(out, "tweeling_term_index_terms", "gauge", "Terms in the in-memory index that answers the words of q.", terms.terms);
    metric(out, "tweeling_term_index_bytes", "gauge", "Memory held by the term index's postings and terms.", terms.memoryBytes);
    metric(out, "tweeling_term_index_builds_total", "counter", "Term indexes built from every record.", terms.builds);
    metric(out, "tweeling_term_index_catchups_total", "counter",
           "Term indexes brought up to date from the records writes touched.", terms.catchUps);
    metric(out, "tweeling_searches_term_index_total", "counter", "Searches whose words the term index matched and ranked.",
           terms.answered);
    metric(out, "tweeling_searches_expanded_total", "counter",
           "Searches left to FTS5 whose words were matched as their exact terms.", terms.expanded);
    if (m_searchCache) {
        metric(out, "tweeling_search_cache_hits_total", "counter",
               "Searches answered by a page kept for the latest seq.", m_searchCache->hits());
        metric(out, "tweeling_search_cache_misses_total", "counter",
               "Cacheable searches that had to be answered afresh.", m_searchCache->misses());
        metric(out, "tweeling_search_cache_entries", "gauge", "Search pages kept.", m_searchCache->entries());
    }
    Response response;
    response.contentType = "text/plain; version=0.0.4; charset=utf-8";
    response.body = out.str();
    return response;
}

Response Api::route(const Request& request, const Context& context) const {
    // A path or a query value that is not UTF-8 is refused here, before any route (the hub's too)
    // sees it.
    std::vector<std::string> segments = pathSegments(request);
    requireUtf8Parameters(request.query);
    const std::string& method = request.method;
    bool isGet = method == "GET" || method == "HEAD";

    auto only = [&](const char* allowed) {
        if (!isGet) throw methodNotAllowed(method, allowed);
    };

    // The pages a browser or crawler lands on also come as HTML (f=html, or an Accept preferring
    // text/html) and carry RFC 8288 Link headers (html.hpp). The JSON handler answers either way.
    auto page = [&](html::Page kind, const std::function<Response(const Context&)>& answer) {
        if (!html::wanted(request)) {
            Response response = answer(context);
            html::addLinkHeader(kind, response, context.base);
            return response;
        }
        Request plain = html::jsonRequest(request);
        Context plainContext = context;
        plainContext.request = &plain;
        Response response = html::render(kind, answer(plainContext), request, context.base);
        std::string etag = html::header(response, "ETag");
        if (response.status == 200 && !etag.empty() && etagMatches(request.header("if-none-match"), etag, true)) {
            response.status = 304;
            response.contentType.clear();
            response.body.clear();
        }
        return response;
    };

    if (m_extension) {
        if (auto response = m_extension(request, context.base)) return *response;
    }
    if (segments.empty()) {
        only("GET, HEAD");
        return page(html::Page::Landing, [&](const Context& at) { return landing(at); });
    }
    const std::string& first = segments[0];
    if (segments.size() == 2 && first == ".well-known" && segments[1] == "tweeling.json")
        return only("GET, HEAD"), identity(context);
    if (segments.size() == 1) {
        if (first == "conformance") return only("GET, HEAD"), conformance(context);
        if (first == "collections") return only("GET, HEAD"), collections(context);
        if (first == "feed") return only("GET, HEAD"), feed(request, context);
        if (first == "health") return only("GET, HEAD"), health();
        if (first == "metrics") return only("GET, HEAD"), metrics();
        if (first == "api") return only("GET, HEAD"), openApi(context);
    }
    if (first == "collections" && segments.size() >= 2) {
        if (segments[1] != kCollectionId)
            throw ApiError(problem::kNotFound, "There is no collection '" + segments[1] + "'; this node serves 'twins'");
        if (segments.size() == 2)
            return only("GET, HEAD"), page(html::Page::Collection, [&](const Context& at) { return collection(at); });
        if (segments.size() == 3 && segments[2] == "queryables") return only("GET, HEAD"), queryables(context, false);
        if (segments.size() == 3 && segments[2] == "sortables") return only("GET, HEAD"), queryables(context, true);
        if (segments[2] == "items") {
            if (segments.size() == 3) {
                if (isGet) return page(html::Page::Items, [&](const Context& at) { return items(*at.request, at); });
                if (method == "POST" && m_options.publishing) return publish(request, context, nullptr);
                throw methodNotAllowed(method, m_options.publishing ? "GET, HEAD, POST" : "GET, HEAD");
            }
            if (segments.size() == 4) {
                const std::string& key = segments[3];
                if (isGet)
                    return page(html::Page::Record, [&](const Context& at) { return item(*at.request, at, key); });
                if (method == "PUT" && m_options.publishing) return publish(request, context, &key);
                if (method == "DELETE" && m_options.publishing) return remove(request, context, key);
                throw methodNotAllowed(method, m_options.publishing ? "GET, HEAD, PUT, DELETE" : "GET, HEAD");
            }
        }
    }
    throw ApiError(problem::kNotFound, "There is nothing at " + request.path);
}

Response Api::landing(const Context& context) const {
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
        link(writer, context.base + extra.path, extra.rel.c_str(), kJson, extra.title);
    writer.EndArray();
    writer.EndObject();
    return jsonResponse(200, buffer);
}

Response Api::conformance(const Context& context) const {
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
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    key(writer, "collections");
    writer.StartArray();
    writeCollection(writer, context.base, m_options.name, m_options.description);
    writer.EndArray();
    key(writer, "links");
    writer.StartArray();
    link(writer, context.base + "/collections", "self", kJson, "The catalogs of this node");
    writer.EndArray();
    writer.EndObject();
    return jsonResponse(200, buffer);
}

Response Api::collection(const Context& context) const {
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

Response Api::items(const Request& request, const Context& context) const {
    checkParameters(request, {"q", "bbox", "bbox-crs", "datetime", "type", "ids", "themes", "formats", "adminUnits",
                              "origin", "source", "publisher", "limit", "offset", "sortby", "filter", "filter-lang",
                              "filter-crs", "facets", "facetLimit"});
    if (auto dcat = dcatCatalog(request, context, true)) return std::move(*dcat);  // DCAT-AP page of results
    // A page answered at the latest seq, less than searchCacheMaxAge ago, is served again.
    std::string cacheKey;
    if (m_searchCache) {
        std::string cacheControl = common::toLowerAscii(request.header("cache-control"));
        if (cacheControl.find("no-cache") == std::string::npos && cacheControl.find("no-store") == std::string::npos) {
            cacheKey = context.itemsUrl();
            for (const auto& [name, value] : request.query)
                cacheKey += '&' + encodeQueryValue(name) + '=' + encodeQueryValue(value);
            if (auto page = m_searchCache->find(cacheKey, m_store.currentSeq())) {
                Response response;
                response.contentType = page->contentType;
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
    for (const auto& hit : result.hits) writeRecord(writer, hit.json, hit.source, hit.key, context, hit.signature, hit.verified);
    writer.EndArray();
    if (!query.facets.empty()) {
        // "facets": {"themes": [{"value": "buildings", "count": 12}, ...], ...}: one member per facet
        // asked for (in that order), counted over every record the query matches (not only this
        // page), most frequent first, ties by value; at most facetLimit values each.
        key(writer, "facets");
        writer.StartObject();
        for (const auto& facet : result.facets) {
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
    if (!cacheKey.empty()) {
        SearchCache::Page page;
        page.head = response.body.substr(0, timeStampAt);
        page.tail = response.body.substr(timeStampEnd);
        page.contentType = response.contentType;
        m_searchCache->store(cacheKey, result.seq, std::move(page));
    }
    return response;
}

Response Api::item(const Request& request, const Context& context, const std::string& key) const {
    checkParameters(request, {});
    // On a hub the item key is origin:id; the record's own id works too when only one origin uses it.
    auto stored = m_store.find(key);
    if (!stored) throw ApiError(problem::kRecordNotFound, "There is no record with id '" + key + "'");
    std::optional<dcat::Format> dcatFormat = negotiatedDcat(request);
    // Each representation has its own strong ETag (RFC 9110 §8.8.3).
    std::string etag = "\"" + recordTag(*stored) + (dcatFormat ? std::string("-") + dcat::formatParameter(*dcatFormat) : "") + "\"";
    Response response;
    response.headers.emplace_back("ETag", etag);
    response.headers.emplace_back("Vary", "Accept");
    if (etagMatches(request.header("if-none-match"), etag, true)) {
        response.status = 304;
        response.contentType.clear();
        return response;
    }
    if (dcatFormat) {
        common::Json doc;
        doc.Parse(stored->json.c_str(), stored->json.size());
        if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("stored record " + key + " is not a JSON object");
        if (m_decorator) m_decorator(doc, stored->source);
        response.status = 200;
        response.contentType = dcat::mediaType(*dcatFormat);
        response.body = dcat::record(*dcatFormat, dcatCatalogInfo(m_options, context.base), {&doc, context.itemUrl(stored->key)});
        return response;
    }
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writeRecord(writer, stored->json, stored->source, stored->key, context, stored->signature, stored->verified);
    bool plainJson = request.query.count("f") && request.query.at("f") == "json";
    response.status = 200;
    response.contentType = plainJson ? kJson : kGeoJson;
    response.body = bufferText(buffer);
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

namespace {

store::KeyInfo authenticate(const Request& request, const store::Store& store) {
    static const BearerChallenge kPublisher{"tweeling",
                                            "Publishing needs a publisher key: send 'Authorization: Bearer <key>'",
                                            "The publisher key is unknown, revoked or expired"};
    return authenticateBearer(request, store, kPublisher);
}

std::string publisherOf(const common::JsonValue& record) {
    const common::JsonValue* properties = common::member(record, "properties");
    if (!properties) return "";
    const common::JsonValue* publisher = common::member(*properties, "publisher");
    if (!publisher) return "";
    auto id = common::stringMember(*publisher, "id");
    return id ? std::string(*id) : "";
}

}  // namespace

Response Api::publish(const Request& request, const Context& context, const std::string* pathKey) const {
    store::KeyInfo keyInfo = authenticate(request, m_store);
    if (m_writeAdmission) m_writeAdmission(keyInfo.keyId);

    std::string contentType = common::toLowerAscii(request.header("content-type"));
    auto semicolon = contentType.find(';');
    std::string mediaType = contentType.substr(0, semicolon);
    while (!mediaType.empty() && mediaType.back() == ' ') mediaType.pop_back();
    if (mediaType != "application/json" && mediaType != "application/geo+json")
        throw ApiError(problem::kUnsupportedMediaType,
                       "Send the record as application/json or application/geo+json (got '" +
                           (contentType.empty() ? std::string("nothing") : contentType) + "')");
    if (request.body.size() > m_options.maxBodyBytes)
        throw ApiError(problem::kRecordTooLarge,
                       "A record may be at most " + std::to_string(m_options.maxBodyBytes) + " bytes; this one is " +
                           std::to_string(request.body.size()));

    common::Json doc;
    if (auto error = common::parseUntrusted(request.body, doc)) {
        ApiError problem(problem::kMalformedJson,
                         "The body is not valid JSON at byte " + std::to_string(error->offset) + ": " + error->message);
        problem.extra("offset", static_cast<long long>(error->offset));
        if (error->pointer) problem.problems({{*error->pointer, error->message}});
        throw problem;
    }
    if (!doc.IsObject())
        throw std::move(ApiError(problem::kInvalidRecord, "The body must be a JSON object (a GeoJSON Feature)")
                            .problems({{"", "must be a JSON object (a GeoJSON Feature)"}}));

    // The id: from the path for PUT (the body may omit it, or must agree), made up for POST without one.
    std::string id;
    auto bodyId = common::stringMember(doc, "id");
    if (pathKey) {
        if (bodyId && *bodyId != *pathKey)
            throw std::move(ApiError(problem::kInvalidRecord,
                                     "The record's id '" + std::string(*bodyId) + "' differs from the id in the path '" +
                                         *pathKey + "'")
                                .problems({{"/id", "must equal the id in the path ('" + *pathKey + "')"}}));
        id = *pathKey;
    } else if (bodyId) {
        id = std::string(*bodyId);
    } else if (!common::member(doc, "id")) {
        id = uuid4();
    }
    if (!id.empty() && !common::member(doc, "id"))
        doc.AddMember("id", common::JsonValue(id.c_str(), doc.GetAllocator()), doc.GetAllocator());

    const std::string& origin = m_options.nodeId;
    Prepared prepared = prepareRecord(doc, m_profile, origin);
    if (prepared.tooLarge)
        throw std::move(
            ApiError(problem::kRecordTooLarge, prepared.problems.front().message).problems(prepared.problems));
    if (!prepared.put) {
        const auto& problems = prepared.problems;
        std::string detail = "The record does not follow the twin record profile (" +
                             std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems") +
                             "): " + problems.front().pointer + " " + problems.front().message;
        throw std::move(ApiError(problem::kInvalidRecord, detail).problems(problems));
    }
    std::string publisher = publisherOf(doc);
    if (publisher != keyInfo.publisher)
        throw ApiError(problem::kForbidden,
                       "This key publishes for " + keyInfo.publisher + " and may not publish a record of " +
                           (publisher.empty() ? std::string("no publisher") : publisher));

    // Ownership, If-Match and If-None-Match are checked by the store inside the write transaction:
    // checked before it, two clients doing read-modify-write could both pass and one change be lost.
    store::WriteCondition condition;
    if (pathKey) {
        condition.owner = keyInfo.publisher;
        condition.ifMatch = preconditionTags(request, "if-match");
        condition.ifNoneMatch = preconditionTags(request, "if-none-match");
    } else {
        condition.ifNoneMatch = std::vector<std::string>{"*"};  // POST creates, never replaces
    }
    store::ConditionalOutcome outcome = m_store.putIf(*prepared.put, condition);
    std::string key = m_store.itemKey(origin, id);
    if (outcome.refusal == store::Refusal::NotOwner)
        throw ApiError(problem::kForbidden,
                       "The record '" + id + "' belongs to " + outcome.heldOwner + "; this key publishes for " +
                           keyInfo.publisher);
    if (outcome.refusal == store::Refusal::PreconditionFailed) {
        if (!pathKey)
            throw std::move(
                ApiError(problem::kConflict,
                         "A record with id '" + id + "' exists already; replace it with PUT " + context.itemUrl(key))
                    .header("Location", context.itemUrl(key)));
        throw preconditionFailed(request, outcome.held, id);
    }

    Response response;
    response.status = outcome.put == store::PutOutcome::Created ? 201 : 200;
    response.contentType = kGeoJson;
    response.headers.emplace_back("Location", context.itemUrl(key));
    // The record as this write left it, with its own entity tag: read back later, it could already
    // be another client's newer version, whose tag would let this client overwrite what it never saw.
    response.headers.emplace_back("ETag", "\"" + store::entityTag(outcome.hash, outcome.signature) + "\"");
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writeRecord(writer, prepared.put->json, prepared.put->source, key, context, outcome.signature, outcome.verified);
    response.body = bufferText(buffer);
    return response;
}

Response Api::remove(const Request& request, const Context& /*context*/, const std::string& key) const {
    store::KeyInfo keyInfo = authenticate(request, m_store);
    if (m_writeAdmission) m_writeAdmission(keyInfo.keyId);
    // The key names one origin and id for good; whether the record is still held, whose it is and
    // its preconditions are checked inside the delete's transaction.
    auto existing = m_store.get(key);
    if (!existing) throw ApiError(problem::kRecordNotFound, "There is no record with id '" + key + "'");
    store::WriteCondition condition;
    condition.owner = keyInfo.publisher;
    condition.ifMatch = preconditionTags(request, "if-match");
    condition.ifNoneMatch = preconditionTags(request, "if-none-match");
    store::ConditionalOutcome outcome = m_store.removeIf(existing->origin, existing->id, condition);
    if (outcome.refusal == store::Refusal::NotOwner)
        throw ApiError(problem::kForbidden,
                       "The record '" + key + "' belongs to " + outcome.heldOwner + "; this key publishes for " +
                           keyInfo.publisher);
    if (outcome.refusal == store::Refusal::PreconditionFailed) throw preconditionFailed(request, outcome.held, key);
    if (!outcome.removed) throw ApiError(problem::kRecordNotFound, "There is no record with id '" + key + "'");
    Response response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

Response Api::feed(const Request& request, const Context& context) const {
    checkParameters(request, {"after", "limit"});
    std::int64_t after = 0;
    int limit = 1000;
    auto number = [&](const char* name, long long max) -> std::optional<long long> {
        auto it = request.query.find(name);
        if (it == request.query.end()) return std::nullopt;
        const std::string& text = it->second;
        bool ok = !text.empty() && text.size() <= 18 &&
                  std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
        if (!ok) throw badParameter(name, "must be a whole number ≥ 0, got '" + text + "'");
        long long value = std::atoll(text.c_str());
        if (max > 0 && (value < 1 || value > max))
            throw badParameter(name, "must be from 1 to " + std::to_string(max) + ", got '" + text + "'");
        return value;
    };
    if (auto value = number("after", 0)) after = *value;
    if (auto value = number("limit", 10000)) limit = static_cast<int>(*value);

    // Bounded in bytes as well as in entries, so that a page of large records stays far below the
    // fetch cap of the hubs that harvest it; `next` continues after the last entry served.
    store::FeedPage page = m_store.feed(after, limit, m_options.feedPageBytes);
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    member(writer, "epoch", page.epoch);
    member(writer, "origin", page.origin);
    if (auto signer = m_store.signingKey()) member(writer, "publicKey", signer->publicKey().base64Url());
    key(writer, "latest");
    writer.Int64(page.latest);
    key(writer, "entries");
    writer.StartArray();
    std::int64_t last = after;
    for (const auto& entry : page.entries) {
        writer.StartObject();
        key(writer, "seq");
        writer.Int64(entry.seq);
        member(writer, "op", entry.op);
        member(writer, "id", entry.id);
        member(writer, "origin", entry.origin);
        member(writer, "at", entry.at);
        if (!entry.deletedAt.empty()) member(writer, "updated", entry.deletedAt);
        if (!entry.signature.empty()) member(writer, "signature", entry.signature);
        if (entry.json) {
            key(writer, "record");
            writer.RawValue(entry.json->c_str(), entry.json->size(), rapidjson::kObjectType);
        }
        writer.EndObject();
        last = entry.seq;
    }
    writer.EndArray();
    key(writer, "next");
    if (last < page.latest && !page.entries.empty())
        string(writer, context.base + "/feed?after=" + std::to_string(last) + "&limit=" + std::to_string(limit));
    else
        writer.Null();
    key(writer, "links");
    writer.StartArray();
    link(writer, context.base + "/feed?after=" + std::to_string(after) + "&limit=" + std::to_string(limit), "self",
         kJson, "This page of the change feed");
    writer.EndArray();
    writer.EndObject();
    return jsonResponse(200, buffer);
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

Response Api::openApi(const Context& context) const {
    common::Json doc;
    doc.Parse(generated::kOpenApiDocument);
    if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("embedded OpenAPI document is not valid JSON");
    auto& allocator = doc.GetAllocator();
    if (m_options.openApiHub) {
        // The hub's additions (schemas/openapi-hub.json) merge in deeply: objects member by member,
        // arrays appended (e.g. the search's `source` parameter), anything else replaced.
        common::Json addition;
        addition.Parse(generated::kOpenApiHubAddition);
        if (addition.HasParseError() || !addition.IsObject())
            throw std::runtime_error("embedded OpenAPI hub addition is not valid JSON");
        std::function<void(common::JsonValue&, const common::JsonValue&)> merge = [&](common::JsonValue& target,
                                                                                       const common::JsonValue& from) {
            for (auto it = from.MemberBegin(); it != from.MemberEnd(); ++it) {
                auto existing = target.FindMember(it->name);
                if (existing == target.MemberEnd()) {
                    target.AddMember(common::JsonValue(it->name, allocator), common::JsonValue(it->value, allocator), allocator);
                } else if (existing->value.IsObject() && it->value.IsObject()) {
                    merge(existing->value, it->value);
                } else if (existing->value.IsArray() && it->value.IsArray()) {
                    for (const auto& element : it->value.GetArray())
                        existing->value.PushBack(common::JsonValue(element, allocator), allocator);
                } else {
                    existing->value.CopyFrom(it->value, allocator);
                }
            }
        };
        merge(doc, addition);
    }
    if (!m_options.publishing) {
        // Records arrive by harvest: no publishing operations, and no tag left without an operation.
        auto paths = doc.FindMember("paths");
        if (paths != doc.MemberEnd() && paths->value.IsObject()) {
            for (auto [path, methods] : {std::pair<const char*, std::vector<const char*>>{"/collections/twins/items", {"post"}},
                                         {"/collections/twins/items/{recordId}", {"put", "delete"}}}) {
                auto item = paths->value.FindMember(path);
                if (item == paths->value.MemberEnd() || !item->value.IsObject()) continue;
                for (const char* method : methods) item->value.RemoveMember(method);
            }
            std::vector<std::string> used;
            for (auto& item : paths->value.GetObject()) {
                if (!item.value.IsObject()) continue;
                for (auto& operation : item.value.GetObject()) {
                    if (!operation.value.IsObject()) continue;
                    auto tags = operation.value.FindMember("tags");
                    if (tags == operation.value.MemberEnd() || !tags->value.IsArray()) continue;
                    for (const auto& tag : tags->value.GetArray())
                        if (tag.IsString()) used.emplace_back(tag.GetString());
                }
            }
            auto tags = doc.FindMember("tags");
            if (tags != doc.MemberEnd() && tags->value.IsArray()) {
                auto& list = tags->value;
                for (auto it = list.Begin(); it != list.End();) {
                    const common::JsonValue* name = it->IsObject() ? common::member(*it, "name") : nullptr;
                    bool keep = name == nullptr || !name->IsString() ||
                                std::find(used.begin(), used.end(), name->GetString()) != used.end();
                    it = keep ? it + 1 : list.Erase(it);
                }
            }
        }
        // Drop the components only the removed operations used ("#/components/KIND/NAME" references,
        // and security requirements naming a scheme), following references between components.
        auto components = doc.FindMember("components");
        if (components != doc.MemberEnd() && components->value.IsObject()) {
            std::vector<std::string> reached;
            std::vector<const common::JsonValue*> pending;
            std::function<void(const common::JsonValue&)> collect = [&](const common::JsonValue& value) {
                auto reach = [&](const std::string& ref) {
                    if (std::find(reached.begin(), reached.end(), ref) != reached.end()) return;
                    reached.push_back(ref);
                    auto slash = ref.find('/', 13);  // after "#/components/"
                    if (ref.rfind("#/components/", 0) != 0 || slash == std::string::npos) return;
                    const auto* kind = common::member(components->value, ref.substr(13, slash - 13).c_str());
                    const auto* target = kind && kind->IsObject() ? common::member(*kind, ref.substr(slash + 1).c_str()) : nullptr;
                    if (target) pending.push_back(target);
                };
                if (value.IsArray()) {
                    for (const auto& element : value.GetArray()) collect(element);
                } else if (value.IsObject()) {
                    for (const auto& entry : value.GetObject()) {
                        std::string name = entry.name.GetString();
                        if (name == "$ref" && entry.value.IsString()) reach(entry.value.GetString());
                        if (name == "security" && entry.value.IsArray())
                            for (const auto& requirement : entry.value.GetArray())
                                if (requirement.IsObject())
                                    for (const auto& scheme : requirement.GetObject())
                                        reach(std::string("#/components/securitySchemes/") + scheme.name.GetString());
                        collect(entry.value);
                    }
                }
            };
            for (const auto& entry : doc.GetObject())
                if (std::string(entry.name.GetString()) != "components") collect(entry.value);
            while (!pending.empty()) {
                const common::JsonValue* next = pending.back();
                pending.pop_back();
                collect(*next);
            }
            for (auto& kind : components->value.GetObject()) {
                if (!kind.value.IsObject()) continue;
                std::string prefix = std::string("#/components/") + kind.name.GetString() + "/";
                for (auto it = kind.value.MemberBegin(); it != kind.value.MemberEnd();) {
                    bool used = std::find(reached.begin(), reached.end(), prefix + it->name.GetString()) != reached.end();
                    it = used ? it + 1 : kind.value.EraseMember(it);
                }
            }
        }
    }
    // The servers entry is this server, so generated clients work against it as they are.
    common::JsonValue servers(rapidjson::kArrayType);
    common::JsonValue server(rapidjson::kObjectType);
    server.AddMember("url", common::JsonValue((context.base.empty() ? "/" : context.base).c_str(), allocator), allocator);
    server.AddMember("description", common::JsonValue(m_options.name.c_str(), allocator), allocator);
    servers.PushBack(server, allocator);
    doc.RemoveMember("servers");
    doc.AddMember("servers", servers, allocator);
    Response response;
    response.contentType = "application/vnd.oai.openapi+json;version=3.0";
    response.body = common::toString(doc);
    return response;
}

}  // namespace tweeling::registry::api
