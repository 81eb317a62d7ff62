#include "api/server.hpp"

#include "api/errors.hpp"
#include "api/http_parser.hpp"
#include "common/text.hpp"
#include "common/time.hpp"
#include "common/url.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/net.h>
#include <pistache/peer.h>

#include <sys/socket.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

namespace tweeling::registry::api {
namespace {

std::mutex g_logMutex;

// The headers every response carries, the server's own refusals included: the API version (NL API
// Design Rules /core/version-header), CORS for a public API, and the security headers the ADR asks
// (/core/transport/security-headers). The HTML pages and the web UI send their own
// Content-Security-Policy and Referrer-Policy (html::addSecurityHeaders); `own` holds the lower-case
// names a response already has, which are not sent twice. Strict-Transport-Security comes from the
// TLS proxy (deploy/nginx): this server speaks plain HTTP.
void addStandardHeaders(std::string& head, const std::vector<std::string>& own) {
    auto add = [&](const char* name, const char* lowerName, const char* value) {
        if (std::find(own.begin(), own.end(), lowerName) == own.end())
            head.append(name).append(": ").append(value).append("\r\n");
    };
    add("API-Version", "api-version", kApiVersion);
    add("Access-Control-Allow-Origin", "access-control-allow-origin", "*");
    // Lets a browser script of another origin read the version (CORS exposes only a few by default).
    add("Access-Control-Expose-Headers", "access-control-expose-headers", "API-Version, ETag, Link, Location");
    add("X-Content-Type-Options", "x-content-type-options", "nosniff");
    add("X-Frame-Options", "x-frame-options", "DENY");
    add("Referrer-Policy", "referrer-policy", "no-referrer");
    // What has no policy of its own (JSON, problem documents, Turtle) renders and loads nothing.
    add("Content-Security-Policy", "content-security-policy", "default-src 'none'; frame-ancestors 'none'");
}

// A header name or value as it goes on the wire: a CR or LF (which would end the field and start
// another, RFC 9112 §5) becomes a space.
std::string fieldText(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c == '\r' || c == '\n') c = ' ';
    return out;
}

std::string httpDate() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday], utc.tm_mday,
                  kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return text;
}

// The bytes of a response: status line, header fields, and the body unless the request was HEAD.
// Content-Length is the body's length, for HEAD too (RFC 9110 §9.3.2); 1xx, 204 and 304 have none.
std::string serialize(const Response& response, bool headRequest, bool authenticated, bool keepAlive) {
    std::string bytes = "HTTP/1.1 " + std::to_string(response.status) + " ";
    const char* reason = Pistache::Http::codeString(static_cast<Pistache::Http::Code>(response.status));
    bytes.append(reason && *reason ? reason : "Unknown").append("\r\n");
    bytes.append("Date: ").append(httpDate()).append("\r\n");
    if (!response.contentType.empty())
        bytes.append("Content-Type: ").append(fieldText(response.contentType)).append("\r\n");
    std::vector<std::string> own;
    for (const auto& header : response.headers) own.push_back(common::toLowerAscii(header.first));
    // An answer to an authenticated request (a write, a hub's admin routes) is kept by no cache
    // (ADR /core/transport/security-headers); public reads stay cacheable (README, "NL API
    // Design Rules").
    if (authenticated && std::find(own.begin(), own.end(), "cache-control") == own.end())
        bytes.append("Cache-Control: no-store\r\n");
    addStandardHeaders(bytes, own);
    for (const auto& [name, value] : response.headers) {
        const std::string lower = common::toLowerAscii(name);
        if (lower == "connection" || lower == "content-length" || lower == "transfer-encoding") continue;
        bytes.append(fieldText(name)).append(": ").append(fieldText(value)).append("\r\n");
    }
    bytes.append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
    const bool bodyless = response.status < 200 || response.status == 204 || response.status == 304;
    if (!bodyless) bytes.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
    bytes.append("\r\n");
    if (!bodyless && !headRequest) bytes.append(response.body);
    return bytes;
}

void logLine(const std::string& method, const std::string& path, int status, double ms, const std::string& client) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("time");
    writer.String(common::nowRfc3339().c_str());
    writer.Key("method");
    writer.String(method.c_str(), static_cast<rapidjson::SizeType>(method.size()));
    writer.Key("path");
    writer.String(path.c_str(), static_cast<rapidjson::SizeType>(path.size()));
    writer.Key("status");
    writer.Int(status);
    writer.Key("ms");
    writer.Double(static_cast<double>(static_cast<long long>(ms * 1000)) / 1000.0);
    writer.Key("client");
    writer.String(client.c_str());
    writer.EndObject();
    std::lock_guard<std::mutex> lock(g_logMutex);
    std::cerr << buffer.GetString() << '\n';
}

void logError(const char* what, const std::exception& error) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("error");
    writer.String(what);
    writer.Key("what");
    const std::string text = common::toValidUtf8(error.what());
    writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    writer.EndObject();
    std::lock_guard<std::mutex> lock(g_logMutex);
    std::cerr << buffer.GetString() << '\n';
}

Response problem(const ProblemType& type, const std::string& detail, const std::string& instance = "") {
    Response response;
    response.status = type.status;
    response.contentType = "application/problem+json";
    response.body = problemDocument(type, detail, instance);
    return response;
}

struct Shared {
    const Api* api = nullptr;
    bool logRequests = true;
    http::ParserLimits limits;                   // from ServerOptions when the server starts
    std::unique_ptr<RateLimiter> clientLimiter;  // null: no per-address limit
    TrustedProxies trustedProxies;
    std::atomic<int> inFlight{0};
    std::atomic<bool> stopping{false};
};

// Pistache's endpoint enforces the header, body and keep-alive deadlines (ServerOptions) from a timer
// that looks at the parser it keeps for every connection: when that parser was last reset, whether
// it is in its body step, and whether the connection is idle. Requests are parsed by
// http::RequestParser instead, so this parser is never fed: the handler resets it when a request
// starts and moves it to the body step when its head is complete, and Pistache's timer keeps
// answering 408 and closing as before.
class DeadlineClock : public Pistache::Http::RequestParser {
public:
    DeadlineClock() : Pistache::Http::RequestParser(64) {}
    void requestStarts() { reset(); }
    void bodyStarts() { currentStep = 2; }  // Pistache's BodyStep: the body deadline applies
};

// One connection's state, kept with it (Peer data).
struct Connection {
    explicit Connection(const http::ParserLimits& limits) : parser(limits) {}
    http::RequestParser parser;
    Request request;                  // the current request once its head is complete
    std::optional<Response> refusal;  // the answer to it decided from its head (its body is not read)
    std::chrono::steady_clock::time_point started;
    bool closing = false;  // answered and closing: what else comes is read and dropped
    std::size_t discarded = 0;
    std::size_t unsent = 0;  // bytes of answers handed to Pistache and not yet written
    bool paused = false;     // requests wait until the answers before them are written
};

// How far a connection's answers may run ahead of the client reading them (pipelining) before its
// next requests wait.
constexpr std::size_t kMaxUnsentBytes = 1024 * 1024;

constexpr const char* kConnectionData = "tweeling.connection";
constexpr const char* kAllowedMethods = "GET, HEAD, POST, PUT, DELETE, OPTIONS";

bool knownMethod(const std::string& method) {
    return method == "GET" || method == "HEAD" || method == "POST" || method == "PUT" || method == "DELETE" ||
           method == "OPTIONS" || method == "PATCH";
}

class Handler : public Pistache::Http::Handler {
public:
    HTTP_PROTOTYPE(Handler)
    explicit Handler(std::shared_ptr<Shared> shared) : m_shared(std::move(shared)) {}

    // Never called: onInput parses and answers requests itself.
    void onRequest(const Pistache::Http::Request&, Pistache::Http::ResponseWriter) override {}

    void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
        peer->putData(ParserData, std::make_shared<DeadlineClock>());
        peer->putData(kConnectionData, std::make_shared<Connection>(m_shared->limits));
    }

    void onInput(const char* buffer, std::size_t length, const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
        auto connection = std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionData));
        auto clock = std::static_pointer_cast<DeadlineClock>(peer->tryGetData(ParserData));
        if (!connection || !clock) return;
        if (connection->closing) {
            connection->discarded += length;
            // A client that sends its whole request before it reads (most do) gets to read the
            // answer; beyond a request's worth of bytes the connection is closed (the reactor sees
            // the end of input and lets it go). Dropping costs no parsing.
            if (connection->discarded > m_shared->limits.maxBodyBytes) ::shutdown(peer->fd(), SHUT_RDWR);
            return;
        }
        if (peer->isIdle()) {  // the first byte of a next request on a kept-alive connection
            peer->setIdle(false);
            clock->requestStarts();
        }
        connection->parser.feed(buffer, length);
        if (connection->paused &&
            connection->parser.buffered() > m_shared->limits.maxHeadBytes + m_shared->limits.maxBodyBytes) {
            // Requests sent far ahead of reading their answers: the client is cut off, not buffered.
            connection->closing = true;
            ::shutdown(peer->fd(), SHUT_RDWR);
            return;
        }
        serveSafely(*connection, *clock, peer);
    }

private:
    void serveSafely(Connection& connection, DeadlineClock& clock, const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
        try {
            serve(connection, clock, peer);
        } catch (const std::exception& error) {
            logError("reading a request failed", error);
            answer(connection, peer,
                   problem(problem::kInternalError,
                           "The server could not complete the request. The error has been logged."),
                   false, false);
        }
    }

    // Answers every request complete in the connection's bytes, in order; pauses while the answers
    // not yet written pass kMaxUnsentBytes (a client pipelining requests without reading the answers
    // would otherwise have them all held in memory), and goes on when they are written (answer()).
    void serve(Connection& connection, DeadlineClock& clock, const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
        for (;;) {
            if (connection.unsent > kMaxUnsentBytes) {
                connection.paused = true;
                return;
            }
            switch (connection.parser.next()) {
                case http::RequestParser::Event::NeedMore:
                    if (connection.parser.readingBody()) clock.bodyStarts();
                    return;
                case http::RequestParser::Event::Error: {
                    const auto& error = connection.parser.error();
                    const auto& partial = connection.parser.request();
                    connection.request = Request();
                    connection.request.method = partial.method;
                    connection.request.rawPath = partial.path;
                    connection.request.clientAddress = peer->address().host();
                    connection.started = now();
                    answer(connection, peer, problem(*error.type, error.detail), false, false);
                    return;
                }
                case http::RequestParser::Event::Head:
                    readHead(connection, peer);
                    if (connection.closing) return;
                    break;
                case http::RequestParser::Event::Request: {
                    http::ParsedRequest parsed = connection.parser.take();
                    Response response;
                    bool counted = false;
                    if (connection.refusal) {
                        response = std::move(*connection.refusal);
                        connection.refusal.reset();
                    } else {
                        connection.request.body = std::move(parsed.body);
                        response = handle(connection.request, counted);
                    }
                    answer(connection, peer, std::move(response), parsed.keepAlive, parsed.method == "HEAD", counted);
                    if (connection.closing) return;
                    clock.requestStarts();
                    if (connection.parser.idle()) peer->setIdle(true);
                    break;
                }
            }
        }
    }

    static std::chrono::steady_clock::time_point now() { return std::chrono::steady_clock::now(); }

    // The head of a request is complete: fills connection.request from it and judges it before its
    // body is read. A refusal of a request with a body is answered at once and the connection
    // closed (the body is not read: it is dropped as it comes, see onInput); one without a body is
    // answered in its turn. A request that goes on and asked for it gets "100 Continue".
    void readHead(Connection& connection, const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
        connection.started = now();
        const http::ParsedRequest& head = connection.parser.request();
        Request& request = connection.request;
        request = Request();
        request.method = head.method;
        request.rawPath = head.path;
        request.path = common::percentDecode(request.rawPath, false);
        request.clientAddress = peer->address().host();
        for (const auto& [name, value] : head.fields) {
            auto [at, added] = request.headers.emplace(name, value);
            if (!added) at->second += ", " + value;  // RFC 9110 §5.3
        }
        if (!m_shared->trustedProxies.empty()) {
            auto forwarded = request.headers.find("x-forwarded-for");
            if (forwarded != request.headers.end())
                request.clientAddress =
                    m_shared->trustedProxies.clientAddress(request.clientAddress, forwarded->second);
        }
        request.query = http::parseQuery(head.query);
        connection.refusal = judge(request);
        if (connection.refusal && head.hasBody()) {
            Response refusal = std::move(*connection.refusal);
            connection.refusal.reset();
            answer(connection, peer, std::move(refusal), false, false);
            return;
        }
        if (!connection.refusal && head.expectContinue)
            peer->send(Pistache::RawBuffer(std::string("HTTP/1.1 100 Continue\r\n\r\n"), 25));
    }

    // What the server answers for a request from its head alone: refused while stopping, over the
    // client's rate, for a method this server does not know, or by Api::admit (a write's key and
    // rate); OPTIONS here. nullopt: the Api handles it.
    std::optional<Response> judge(Request& request) {
        const std::string& method = request.method;
        RateLimiter::Decision admission;
        if (m_shared->clientLimiter && !(request.path == "/health" && (method == "GET" || method == "HEAD")))
            admission = m_shared->clientLimiter->admit(clientKey(request.clientAddress));
        if (m_shared->stopping.load()) {
            Response response = problem(problem::kUnavailable, "The server is shutting down", request.rawPath);
            response.headers.emplace_back("Connection", "close");
            return response;
        }
        if (!admission.admitted)
            return tooManyRequestsResponse(
                describeLimit(m_shared->clientLimiter->limit(), "client address", admission.retryAfter),
                admission.retryAfter, request.rawPath);
        if (!knownMethod(method)) {
            Response response = problem(problem::kMethodNotAllowed, "This method is not supported by this server");
            response.headers.emplace_back("Allow", kAllowedMethods);
            return response;
        }
        if (method == "OPTIONS") {
            Response response;
            response.status = 204;
            response.contentType.clear();
            response.headers.emplace_back("Allow", kAllowedMethods);
            response.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE");
            response.headers.emplace_back("Access-Control-Allow-Headers",
                                          "Authorization, Content-Type, If-Match, If-None-Match");
            return response;
        }
        if (request.path == "*")
            return problem(problem::kMalformedRequest, "The request-target '*' is only for OPTIONS");
        return m_shared->api->admit(request);
    }

    // The Api's answer; `counted` when the Api counted it in /metrics.
    Response handle(const Request& request, bool& counted) {
        m_shared->inFlight.fetch_add(1);
        struct Guard {
            std::atomic<int>& counter;
            ~Guard() { counter.fetch_sub(1); }
        } guard{m_shared->inFlight};
        try {
            Response response = m_shared->api->handle(request);
            counted = true;
            return response;
        } catch (const std::exception& error) {
            logError("request handling failed", error);
            return problem(problem::kInternalError,
                           "The server could not complete the request. The error has been logged.");
        }
    }

    // Writes the answer to connection.request, logs it, and counts it in /metrics unless Api::handle
    // did. Without keep-alive (the client's or the response's "Connection: close", HTTP/1.0, an
    // error that leaves the connection's bytes unreadable) a FIN follows the answer (RFC 9112 §9.6)
    // and what the client still sends is dropped, so that it can read the answer before the
    // connection closes.
    void answer(Connection& connection, const std::shared_ptr<Pistache::Tcp::Peer>& peer, Response response,
                bool keepAlive, bool headRequest, bool countedByApi = false) {
        const Request& request = connection.request;
        for (const auto& [name, value] : response.headers)
            if (common::equalsIgnoreCaseAscii(name, "connection") && common::equalsIgnoreCaseAscii(value, "close"))
                keepAlive = false;
        if (m_shared->stopping.load()) keepAlive = false;
        const bool authenticated = request.headers.count("authorization") > 0;
        std::string bytes = serialize(response, headRequest, authenticated, keepAlive);
        const std::size_t size = bytes.size();
        connection.unsent += size;
        if (!keepAlive) connection.closing = true;
        std::weak_ptr<Pistache::Tcp::Peer> weak = peer;
        // Runs on this connection's reactor thread once the bytes are written (Pistache resolves
        // the write's promise there), as onInput does: no lock is needed.
        peer->send(Pistache::RawBuffer(std::move(bytes), size))
            .then(
                [this, weak, size, keepAlive](ssize_t) {
                    auto open = weak.lock();
                    if (!open) return;
                    if (!keepAlive) {
                        ::shutdown(open->fd(), SHUT_WR);
                        return;
                    }
                    auto written = std::static_pointer_cast<Connection>(open->tryGetData(kConnectionData));
                    auto clock = std::static_pointer_cast<DeadlineClock>(open->tryGetData(ParserData));
                    if (!written || !clock) return;
                    written->unsent -= std::min(written->unsent, size);
                    if (written->paused && !written->closing && written->unsent <= kMaxUnsentBytes) {
                        written->paused = false;
                        serveSafely(*written, *clock, open);
                    }
                },
                [](std::exception_ptr) {});
        const auto elapsed = now() - connection.started;
        if (!countedByApi) m_shared->api->countAnswer(response.status, elapsed);
        if (m_shared->logRequests)
            logLine(request.method.empty() ? "?" : request.method, request.rawPath, response.status,
                    std::chrono::duration<double, std::milli>(elapsed).count(), request.clientAddress);
    }

    std::shared_ptr<Shared> m_shared;
};

}  // namespace

struct HttpServer::Private {
    ServerOptions options;
    std::shared_ptr<Shared> shared = std::make_shared<Shared>();
    std::unique_ptr<Pistache::Http::Endpoint> endpoint;
    bool running = false;
};

HttpServer::HttpServer(ServerOptions options, const Api& api) : m_private(std::make_unique<Private>()) {
    m_private->options = std::move(options);
    m_private->shared->api = &api;
    m_private->shared->logRequests = m_private->options.logRequests;
    m_private->shared->limits.maxRequestLineBytes = m_private->options.maxRequestLineBytes;
    m_private->shared->limits.maxHeadBytes = m_private->options.maxHeadBytes;
    m_private->shared->limits.maxBodyBytes = m_private->options.maxRequestBytes;
    if (m_private->options.clientLimit.enabled())
        m_private->shared->clientLimiter = std::make_unique<RateLimiter>(m_private->options.clientLimit);
    m_private->shared->trustedProxies = TrustedProxies(m_private->options.trustedProxies);
}

HttpServer::~HttpServer() {
    try {
        stop(std::chrono::milliseconds(2000));
    } catch (...) {
    }
}

void HttpServer::start() {
    const ServerOptions& options = m_private->options;
    Pistache::Address address(options.host, Pistache::Port(options.port));
    m_private->endpoint = std::make_unique<Pistache::Http::Endpoint>(address);
    auto endpointOptions = Pistache::Http::Endpoint::options()
                               .threads(options.threads)
                               .flags(Pistache::Tcp::Options::ReuseAddr)
                               // Pistache parses no request (http::RequestParser does): its own
                               // buffer is never filled.
                               .maxRequestSize(64)
                               .headerTimeout(options.headerTimeout)
                               .bodyTimeout(options.bodyTimeout)
                               .keepaliveTimeout(options.keepaliveTimeout);
    m_private->endpoint->init(endpointOptions);
    m_private->endpoint->setHandler(std::make_shared<Handler>(m_private->shared));
    m_private->endpoint->serveThreaded();
    m_private->running = true;
}

std::uint16_t HttpServer::port() const {
    return m_private->endpoint ? static_cast<std::uint16_t>(m_private->endpoint->getPort()) : 0;
}

void HttpServer::stop(std::chrono::milliseconds drain) {
    if (!m_private->running) return;
    m_private->shared->stopping.store(true);
    auto deadline = std::chrono::steady_clock::now() + drain;
    while (m_private->shared->inFlight.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    m_private->endpoint->shutdown();
    m_private->running = false;
}

}  // namespace tweeling::registry::api
