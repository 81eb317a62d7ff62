// The Api's entry point: Api::handle (the one catch point, where known errors become problem
// documents), the parameter checks every request passes, and the Prometheus metrics.
#include "api/api.hpp"
#include "api/api_internal.hpp"

#include "api/query.hpp"
#include "api/static_files.hpp"
#include "common/text.hpp"
#include "store/sqlite.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <sstream>

namespace tweeling::registry::api {

using namespace detail;

namespace {

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

}  // namespace

namespace detail {

Response problemResponse(const ProblemType& type, const std::string& detail, const std::string& instance,
                         const ApiError* error) {
    Response response;
    response.status = type.status;
    response.contentType = "application/problem+json";
    response.body = problemDocument(type, detail, instance, error);
    if (error) response.headers = error->headers();
    return response;
}

std::optional<std::string> withoutVersionPath(const std::string& path) {
    const std::string prefix = kApiVersionPath;
    if (path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    if (path.size() == prefix.size()) return std::string("/");
    if (path[prefix.size()] != '/') return std::nullopt;
    return path.substr(prefix.size());
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

}  // namespace detail

std::string Request::header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? "" : it->second;
}

Api::Api(ApiOptions options, store::Store& store, const record::Profile& profile)
    : m_options(std::move(options)), m_store(store), m_profile(profile), m_metrics(std::make_shared<Metrics>()) {
    while (!m_options.publicUrl.empty() && m_options.publicUrl.back() == '/') m_options.publicUrl.pop_back();
    if (m_options.searchCacheEntries > 0)
        m_searchCache = std::make_shared<SearchCache>(m_options.searchCacheEntries, m_options.searchCacheBytes,
                                                      m_options.searchCacheMaxAge);
    if (hasWebUi(m_options.webDir)) m_webUi = std::make_shared<const StaticFiles>(m_options.webDir);
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
    // The versioned base path (kApiVersionPath) is stripped here, the one place that knows it: every
    // route, the hub's too, sees the path without it, and links keep it through the base.
    std::optional<Request> unversioned;
    const std::string& receivedPath = received.rawPath.empty() ? received.path : received.rawPath;
    if (withoutVersionPath(receivedPath)) {
        unversioned = withoutEmpty ? std::move(*withoutEmpty) : received;
        withoutEmpty.reset();
        unversioned->path = withoutVersionPath(unversioned->path).value_or(unversioned->path);
        if (!unversioned->rawPath.empty()) unversioned->rawPath = *withoutVersionPath(unversioned->rawPath);
    }
    const Request& request = unversioned ? *unversioned : withoutEmpty ? *withoutEmpty : received;
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
    context.versionedBase = context.base + kApiVersionPath;
    if (unversioned) context.base = context.versionedBase;
    auto started = std::chrono::steady_clock::now();
    Response response;
    try {
        checkParameterSizes(request);
        response = route(request, context);
    } catch (const ApiError& error) {
        response = problemResponse(error.type(), error.detail(), received.rawPath, &error);
    } catch (const store::QueryTooComplex& error) {
        ApiError problem(problem::kInvalidQueryParameter,
                         "The search is too large for the database to compile; use fewer conditions or terms" +
                             (error.parameter().empty() ? std::string() : " in '" + error.parameter() + "'"));
        problem.parameter(error.parameter());
        response = problemResponse(problem.type(), problem.detail(), received.rawPath, &problem);
    } catch (const store::SqliteError& error) {
        // A full disk (or the --max-db-pages limit) and a write lock held too long by another
        // process (an import) are the operator's to fix, not bugs: the client learns which, and that
        // nothing was stored (the write's transaction rolled back), never SQLite's own text.
        if (m_errorLog) m_errorLog(error.what());
        if (error.diskFull())
            response = problemResponse(problem::kInsufficientStorage,
                                       "The database is full (its disk, or its size limit): nothing was changed. "
                                       "Reads still work; retry the write once the operator has freed space.",
                                       received.rawPath);
        else if (error.busy())
            response = problemResponse(problem::kDatabaseBusy,
                                       "The database is locked by another writer (an import?): nothing was changed. "
                                       "Retry later.",
                                       received.rawPath);
        else
            response = problemResponse(problem::kInternalError,
                                       "The server could not complete the request. The error has been logged.",
                                       received.rawPath);
        if (error.busy()) response.headers.emplace_back("Retry-After", "5");
    } catch (const std::exception& error) {
        if (m_errorLog) m_errorLog(error.what());
        response = problemResponse(problem::kInternalError,
                                   "The server could not complete the request. The error has been logged.",
                                   received.rawPath);
    } catch (...) {
        if (m_errorLog) m_errorLog("unknown exception");
        response = problemResponse(problem::kInternalError,
                                   "The server could not complete the request. The error has been logged.",
                                   received.rawPath);
    }
    countAnswer(response.status, std::chrono::steady_clock::now() - started);
    return response;
}

void Api::countAnswer(int status, std::chrono::steady_clock::duration elapsed) const {
    std::size_t statusClass = static_cast<std::size_t>(std::clamp(status / 100, 1, 5)) - 1;
    m_metrics->requests[statusClass].fetch_add(1, std::memory_order_relaxed);
    m_metrics->microseconds.fetch_add(
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()),
        std::memory_order_relaxed);
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

}  // namespace tweeling::registry::api
