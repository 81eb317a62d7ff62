#pragma once
// The HTTP API of a registry node, independent of the transport: a decoded request in, a complete
// response out. server.cpp adapts Pistache to it; tests can call it directly. One catch point:
// known errors become application/problem+json (RFC 9457), anything else a generic 500 whose details
// go only to the log.
#include "api/search_cache.hpp"
#include "record/profile.hpp"
#include "record/size.hpp"
#include "store/store.hpp"

#include <cstddef>
#include <memory>
#include <cstdint>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tweeling::registry::api {

class StaticFiles;  // static_files.hpp
struct OfferedCrs;  // crs_negotiation.hpp

// The version of this HTTP API, in full semver (NL API Design Rules /core/version-header): every
// response of both programs carries it as the `API-Version` header (server.cpp), and /api as
// `info.version`. Raise it when the API changes (the minor number for additions, the major number,
// and with it kApiVersionPath, for a change that breaks clients); the program's own version is
// the CMake project version.
inline constexpr const char* kApiVersion = "1.0.0";
// The API also answers under this prefix (/core/uri-version): /v1/collections is /collections, and
// links in its answers keep the prefix. /api lists it as the server URL. README, "NL API Design Rules".
inline constexpr const char* kApiVersionPath = "/v1";

struct ApiOptions {
    std::string nodeId;
    std::string name = "Tweeling registry node";
    std::string description = "Metadata of 3D datasets, models and simulation results of a digital twin.";
    std::string publicUrl;                  // base URL used in links; empty: taken from the Host header
    // Who answers for this API: /api's info.contact (NL API Design Rules /core/doc-openapi-contact).
    // Empty name: `name`; empty url: the landing page; the email only when configured.
    struct Contact {
        std::string name;
        std::string url;
        std::string email;
    };
    Contact contact;
    // Publish bodies above this get 413 before they are parsed; the record itself is then held to
    // the same limit on its normalised form (record/size.hpp).
    std::size_t maxBodyBytes = record::kMaxRecordBytes;
    // A /feed page ends after the entry that passes this many bytes (store.hpp, kFeedPageBytes).
    std::size_t feedPageBytes = store::kFeedPageBytes;
    // A hub's records arrive by harvest: publishing methods then answer 405.
    bool publishing = true;
    // /api also describes the hub's routes (schemas/openapi-hub.json merged into schemas/openapi.json).
    bool openApiHub = false;
    // "node" or "hub", in /.well-known/tweeling.json: a hub there also points at its /sources,
    // where it lists the keys of the origins it relays.
    std::string kind = "node";
    // More links for the landing page (a hub adds its sources): {href relative to base, rel, title}.
    struct LandingLink {
        std::string path;
        std::string rel;
        std::string title;
        std::string type = "application/json";
    };
    std::vector<LandingLink> landingLinks;
    // Finished search pages kept for the data version they answer (search_cache.hpp); 0 entries: none.
    std::size_t searchCacheEntries = 256;
    std::size_t searchCacheBytes = 64 * 1024 * 1024;
    std::chrono::milliseconds searchCacheMaxAge{1000};
    // The built web UI (web/dist), served at {base}/ui/ and loaded by every HTML page when it holds
    // app.js (static_files.hpp); empty, or without app.js: the API only.
    std::string webDir;
};

struct Request {
    std::string method;                          // "GET", "POST", ...
    std::string path;                            // percent-decoded path, without query
    std::string rawPath;                         // as received (for links)
    std::map<std::string, std::string> query;    // percent-decoded names and values
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string clientAddress;
    // Set by Api::admit when it has run the write admission (the key's rate) for this request: the
    // write then does not count against the key twice.
    bool writeAdmitted = false;
    std::string header(const std::string& lowerName) const;
};

struct Response {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// A program built on the registry core (the hub) adds routes and decorates records through these.
// `base` is the base URL for links. Return nullopt when the route is not yours. Throw ApiError
// (api/errors.hpp) for expected failures.
using RouteExtension = std::function<std::optional<Response>(const Request& request, const std::string& base)>;
// Called with each record before it is served, with the source it came by ("" on a node).
using RecordDecorator = std::function<void(common::Json& record, const std::string& source)>;

class Api {
public:
    Api(ApiOptions options, store::Store& store, const record::Profile& profile);
    Response handle(const Request& request) const;
    // Judges a request by its head alone, before its body is read (the HTTP server asks, so that a
    // refused write is answered at once and a client sending "Expect: 100-continue" is told before
    // it sends the body): for the routes that publish, the key (401) and its write rate (429).
    // nullopt: read the body and handle() the request (a key that passed is not counted twice);
    // otherwise the refusal. Not counted in /metrics: the server does that (countAnswer).
    std::optional<Response> admit(Request& head) const;
    // Counts an answer in /metrics. handle() counts its own; the HTTP server counts the answers it
    // gives without handle() (a malformed request, a client over its rate, admit()'s refusals).
    void countAnswer(int status, std::chrono::steady_clock::duration elapsed) const;
    // Called with the text of an unexpected exception (the client only sees a generic 500).
    void setErrorLog(std::function<void(const std::string&)> log) { m_errorLog = std::move(log); }
    void setRouteExtension(RouteExtension extension) { m_extension = std::move(extension); }
    void setRecordDecorator(RecordDecorator decorator) { m_decorator = std::move(decorator); }
    // More collections for GET /collections, each a JSON object (a hub's 3D GeoVolumes containers).
    void setExtraCollections(std::function<std::vector<std::string>(const std::string& base)> extra) {
        m_extraCollections = std::move(extra);
    }
    // Called with the key id of each authenticated write (publish, replace, delete) before its body is
    // read; throws ApiError to refuse it. The per-key rate limit installs itself here (rate_limit.hpp).
    void setWriteAdmission(std::function<void(const std::string& keyId)> admission) {
        m_writeAdmission = std::move(admission);
    }
    // Runs the write admission for a write handled by a route extension (a hub's admin writes).
    void admitWrite(const std::string& keyId) const {
        if (m_writeAdmission) m_writeAdmission(keyId);
    }
    const ApiOptions& options() const { return m_options; }
    // True when the web UI is served at /ui/ and loaded by the HTML pages (decided at construction).
    bool webUiAvailable() const { return m_webUi != nullptr; }

private:
    struct Context;
    Response route(const Request& request, const Context& context) const;
    Response landing(const Context& context) const;
    Response conformance(const Context& context) const;
    Response collections(const Context& context) const;
    Response collection(const Context& context) const;
    Response queryables(const Context& context, bool sortables) const;
    Response items(const Request& request, const Context& context) const;
    Response item(const Request& request, const Context& context, const std::string& key) const;
    std::optional<Response> dcatCatalog(const Request& request, const Context& context, bool search) const;  // DCAT-AP
    Response publish(const Request& request, const Context& context, const std::string* pathKey) const;
    Response remove(const Request& request, const Context& context, const std::string& key) const;
    Response feed(const Request& request, const Context& context) const;
    Response health() const;
    Response identity(const Context& context) const;
    Response metrics() const;
    Response openApi(const Context& context) const;
    Response webUi(const Request& request, const std::vector<std::string>& segments) const;

    ApiOptions m_options;
    store::Store& m_store;
    const record::Profile& m_profile;
    // `signature`/`verified`: the origin's signature of the record and whether it was verified
    // (README, "Signed records"), written as top-level members. `crs`: the CRS its geometry is
    // shown in (crs_negotiation.hpp); null for CRS84, as stored.
    void writeRecord(rapidjson::Writer<rapidjson::StringBuffer>& writer, const std::string& storedJson,
                     const std::string& source, const std::string& key, const Context& context,
                     const std::string& signature, bool verified, const OfferedCrs* crs = nullptr) const;

    std::function<void(const std::string&)> m_errorLog;
    struct Metrics {
        std::atomic<std::uint64_t> requests[5] = {};  // by status class 1xx..5xx
        std::atomic<std::uint64_t> microseconds{0};
    };
    std::shared_ptr<Metrics> m_metrics;
    std::shared_ptr<SearchCache> m_searchCache;  // null when disabled
    std::shared_ptr<const StaticFiles> m_webUi;  // null without a web UI
    RouteExtension m_extension;
    RecordDecorator m_decorator;
    std::function<std::vector<std::string>(const std::string& base)> m_extraCollections;
    std::function<void(const std::string&)> m_writeAdmission;
};

}  // namespace tweeling::registry::api
