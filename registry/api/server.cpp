#include "api/server.hpp"

#include "api/errors.hpp"
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
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

namespace tweeling::registry::api {
namespace {

bool knownMethod(Pistache::Http::Method method, std::string& name) {
    using Pistache::Http::Method;
    switch (method) {
        case Method::Get: name = "GET"; return true;
        case Method::Head: name = "HEAD"; return true;
        case Method::Post: name = "POST"; return true;
        case Method::Put: name = "PUT"; return true;
        case Method::Delete: name = "DELETE"; return true;
        case Method::Options: name = "OPTIONS"; return true;
        case Method::Patch: name = "PATCH"; return true;
        default: name = "OTHER"; return false;
    }
}

// Pistache 0.0.5 writes only typed headers into responses (raw ones are dropped), so every header
// we send goes through this one typed header with a run-time name.
class NamedHeader : public Pistache::Http::Header::Header {
public:
    NamedHeader(std::string name, std::string value) : m_name(std::move(name)), m_value(std::move(value)) {}
    const char* name() const override { return m_name.c_str(); }
    void write(std::ostream& stream) const override { stream << m_value; }
#ifdef SAFE_HEADER_CAST
    uint64_t hash() const override { return std::hash<std::string>{}(m_name); }
#endif

private:
    std::string m_name;
    std::string m_value;
};

std::mutex g_logMutex;

// The headers every response carries, the server's own refusals included: the API version (NL API
// Design Rules /core/version-header), CORS for a public API, and the security headers the ADR asks
// (/core/transport/security-headers). The HTML pages and the web UI send their own
// Content-Security-Policy and Referrer-Policy (html::addSecurityHeaders); `own` holds the lower-case
// names a response already has, which are not sent twice. Strict-Transport-Security comes from the
// TLS proxy (deploy/nginx): this server speaks plain HTTP.
void addStandardHeaders(Pistache::Http::Header::Collection& headers, const std::vector<std::string>& own = {}) {
    auto add = [&](const char* name, const char* lowerName, const char* value) {
        if (std::find(own.begin(), own.end(), lowerName) == own.end())
            headers.add(std::make_shared<NamedHeader>(name, value));
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

void logLine(const std::string& method, const std::string& path, int status, double ms, const std::string& client) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("time");
    writer.String(common::nowRfc3339().c_str());
    writer.Key("method");
    writer.String(method.c_str());
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

struct Shared {
    const Api* api = nullptr;
    bool logRequests = true;
    // Set from ServerOptions when the server starts.
    std::size_t maxRequestLineBytes = 0;
    std::size_t maxHeadBytes = 0;
    std::size_t maxRequestBytes = 0;
    std::unique_ptr<RateLimiter> clientLimiter;  // null: no per-address limit
    TrustedProxies trustedProxies;
    std::atomic<int> inFlight{0};
    std::atomic<bool> stopping{false};
};

// How far one connection is into the head of its current request, counted on the raw bytes before
// Pistache's parser sees them (ServerOptions::maxHeadBytes). Kept with the connection (Peer data).
struct HeadCount {
    bool inHead = true;         // false while the body comes (Pistache bounds it by maxRequestSize)
    bool inRequestLine = true;  // the head's first line (empty lines before it are skipped)
    std::size_t headBytes = 0;
    std::size_t lineBytes = 0;  // of the current line, without CR
    bool refused = false;       // answered 414 or 431: what else comes is discarded
    std::size_t discarded = 0;

    enum class Verdict { Fine, RequestLineTooLong, HeadTooLarge };
    // Counts one chunk: what of it is head (up to the empty line that ends the head) and whether
    // that is over a bound.
    Verdict count(const char* data, std::size_t length, std::size_t maxRequestLine, std::size_t maxHead) {
        for (std::size_t i = 0; i < length && inHead; ++i) {
            ++headBytes;
            const char c = data[i];
            if (c == '\n') {
                if (lineBytes > 0)
                    inRequestLine = false;
                else if (!inRequestLine)
                    inHead = false;  // the empty line after the header fields
                lineBytes = 0;
            } else if (c != '\r') {
                ++lineBytes;
                if (inRequestLine && lineBytes > maxRequestLine) return Verdict::RequestLineTooLong;
            }
            if (headBytes > maxHead) return inRequestLine ? Verdict::RequestLineTooLong : Verdict::HeadTooLarge;
        }
        return Verdict::Fine;
    }
    void nextRequest() {
        inHead = inRequestLine = true;
        headBytes = lineBytes = 0;
    }
};

constexpr const char* kHeadCountData = "tweeling.headCount";

class Handler : public Pistache::Http::Handler {
public:
    HTTP_PROTOTYPE(Handler)
    explicit Handler(std::shared_ptr<Shared> shared) : m_shared(std::move(shared)) {}

    // Pistache::Http::Handler::onInput (0.0.5) with the request head counted and bounded before its
    // parser is fed; otherwise the same steps, except that an unexpected exception is answered with a
    // generic problem document instead of its what().
    void onInput(const char* buffer, std::size_t length, const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
        auto head = std::static_pointer_cast<HeadCount>(peer->tryGetData(kHeadCountData));
        if (!head) {
            head = std::make_shared<HeadCount>();
            peer->putData(kHeadCountData, head);
        }
        if (head->refused) {
            head->discarded += length;
            // A client that sends its whole request before it reads (most do) gets to read the
            // answer; beyond a request's worth of bytes the connection is closed (the reactor sees
            // the end of input and lets it go). Dropping costs no parsing.
            if (head->discarded > m_shared->maxRequestBytes) ::shutdown(peer->fd(), SHUT_RDWR);
            return;
        }
        auto parser = getParser(peer);
        if (head->inHead) {
            switch (head->count(buffer, length, m_shared->maxRequestLineBytes, m_shared->maxHeadBytes)) {
                case HeadCount::Verdict::Fine:
                    break;
                case HeadCount::Verdict::RequestLineTooLong:
                    refuse(
                        peer, *head, problem::kUriTooLong,
                        "The request line is longer than " + std::to_string(m_shared->maxRequestLineBytes) + " bytes");
                    return;
                case HeadCount::Verdict::HeadTooLarge:
                    refuse(peer, *head, problem::kHeaderFieldsTooLarge,
                           "The request line and header fields are longer than " +
                               std::to_string(m_shared->maxHeadBytes) + " bytes");
                    return;
            }
        }
        if (!parser->feed(buffer, length)) {
            // Pistache answers 413 and then parses the rest of the body as the next request.
            refuse(peer, *head, problem::kRequestTooLarge,
                   "The request is larger than " + std::to_string(m_shared->maxRequestBytes) + " bytes");
            return;
        }
        auto& request = parser->request;
        try {
            if (parser->parse() == Pistache::Http::Private::State::Done) {
                Pistache::Http::ResponseWriter response(request.version(), transport(), this, peer);
                request.copyAddress(peer->address());
                peer->setIdle(false);
                onRequest(request, std::move(response));
                parser->reset();
                head->nextRequest();
            }
        } catch (const Pistache::Http::HttpError& error) {
            Pistache::Http::ResponseWriter response(request.version(), transport(), this, peer);
            response.send(static_cast<Pistache::Http::Code>(error.code()), error.reason());
            parser->reset();
            head->nextRequest();
        } catch (const std::exception& error) {
            {
                std::lock_guard<std::mutex> lock(g_logMutex);
                std::cerr << "{\"error\":\"reading a request failed\",\"what\":\"" << error.what() << "\"}\n";
            }
            Pistache::Http::ResponseWriter response(request.version(), transport(), this, peer);
            response.headers().add(std::make_shared<NamedHeader>("Content-Type", "application/problem+json"));
            addStandardHeaders(response.headers());
            response.send(Pistache::Http::Code::Internal_Server_Error,
                          problemDocument(problem::kInternalError,
                                          "The server could not complete the request. The error has been logged.", ""));
            parser->reset();
            head->nextRequest();
        }
    }

    void onRequest(const Pistache::Http::Request& pistacheRequest, Pistache::Http::ResponseWriter writer) override {
        auto started = std::chrono::steady_clock::now();
        m_shared->inFlight.fetch_add(1);
        struct Guard {
            std::atomic<int>& counter;
            ~Guard() { counter.fetch_sub(1); }
        } guard{m_shared->inFlight};

        Request request;
        std::string methodName;
        Response response;
        try {
            response = answer(pistacheRequest, request, methodName);
        } catch (const std::exception& error) {
            {
                std::lock_guard<std::mutex> lock(g_logMutex);
                std::cerr << "{\"error\":\"request handling failed\",\"what\":\"" << error.what() << "\"}\n";
            }
            response = problem(problem::kInternalError,
                               "The server could not complete the request. The error has been logged.");
        }
        try {
            send(pistacheRequest, writer, response, methodName == "HEAD");
        } catch (const std::exception& error) {
            std::lock_guard<std::mutex> lock(g_logMutex);
            std::cerr << "{\"error\":\"sending the response failed\",\"what\":\"" << error.what() << "\"}\n";
        }
        if (m_shared->logRequests) {
            double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            logLine(methodName.empty() ? "?" : methodName, request.rawPath, response.status, ms, request.clientAddress);
        }
    }

private:
    static Response problem(const ProblemType& type, const std::string& detail, const std::string& instance = "") {
        Response response;
        response.status = type.status;
        response.contentType = "application/problem+json";
        response.body = problemDocument(type, detail, instance);
        return response;
    }

    // The answer to one request: refused while stopping, over the client's rate, or for a method
    // this server does not know (before any routing: Pistache's router has a data race on unknown
    // methods); OPTIONS here; everything else by the Api. Fills `request` and `methodName`.
    Response answer(const Pistache::Http::Request& pistacheRequest, Request& request, std::string& methodName) {
        bool known = knownMethod(pistacheRequest.method(), methodName);
        request.rawPath = pistacheRequest.resource();
        request.path = common::percentDecode(request.rawPath, false);
        request.clientAddress = pistacheRequest.address().host();
        if (!m_shared->trustedProxies.empty()) {
            auto forwarded = pistacheRequest.headers().tryGetRaw("X-Forwarded-For");
            if (forwarded)
                request.clientAddress = m_shared->trustedProxies.clientAddress(request.clientAddress, forwarded->value());
        }
        RateLimiter::Decision admission;
        if (m_shared->clientLimiter && !(request.path == "/health" && (methodName == "GET" || methodName == "HEAD")))
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
        if (!known) {
            Response response = problem(problem::kMethodNotAllowed, "This method is not supported by this server");
            response.headers.emplace_back("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
            return response;
        }
        const auto& query = pistacheRequest.query();
        for (auto it = query.parameters_begin(); it != query.parameters_end(); ++it)
            request.query[common::percentDecode(it->first, true)] = common::percentDecode(it->second, true);
        for (const auto& header : pistacheRequest.headers().list()) {
            std::ostringstream value;
            header->write(value);
            request.headers[common::toLowerAscii(header->name())] = value.str();
        }
        for (const auto& [name, raw] : pistacheRequest.headers().rawList())
            request.headers[common::toLowerAscii(name)] = raw.value();
        request.body = pistacheRequest.body();
        request.method = methodName;
        if (methodName != "OPTIONS") return m_shared->api->handle(request);
        Response response;
        response.status = 204;
        response.contentType.clear();
        response.headers.emplace_back("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
        response.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE");
        response.headers.emplace_back("Access-Control-Allow-Headers",
                                      "Authorization, Content-Type, If-Match, If-None-Match");
        return response;
    }

    // Writes `response` with the headers every answer carries; for HEAD without its body.
    static void send(const Pistache::Http::Request& pistacheRequest, Pistache::Http::ResponseWriter& writer,
                     const Response& response, bool head) {
        auto& headers = writer.headers();
        auto add = [&](const std::string& name, const std::string& value) {
            headers.add(std::make_shared<NamedHeader>(name, value));
        };
        if (!response.contentType.empty()) add("Content-Type", response.contentType);
        std::vector<std::string> own;
        for (const auto& header : response.headers) own.push_back(common::toLowerAscii(header.first));
        // An answer to an authenticated request (a write, a hub's admin routes) is kept by no cache
        // (ADR /core/transport/security-headers); public reads stay cacheable (README, "NL API
        // Design Rules").
        const auto& received = pistacheRequest.headers();
        if ((received.has("Authorization") || received.tryGetRaw("Authorization")) &&
            std::find(own.begin(), own.end(), "cache-control") == own.end())
            add("Cache-Control", "no-store");
        addStandardHeaders(headers, own);
        // HTTP/1.1 connections persist unless the client or the response says close (RFC 9112
        // §9.3). Pistache closes when the request has no Connection header, which is how curl,
        // GDAL and most HTTP/1.1 clients ask: a new TCP connection for every request.
        using Pistache::Http::ConnectionControl;
        namespace PistacheHeader = Pistache::Http::Header;
        auto asked = pistacheRequest.headers().tryGet<PistacheHeader::Connection>();
        bool keepAlive = asked ? asked->control() == ConnectionControl::KeepAlive
                               : pistacheRequest.version() == Pistache::Http::Version::Http11;
        for (const auto& [name, value] : response.headers) {
            const std::string lower = common::toLowerAscii(name);
            if (lower == "connection") {
                keepAlive = keepAlive && common::toLowerAscii(value) != "close";
                continue;
            }
            add(name, value);
        }
        headers.remove<PistacheHeader::Connection>();
        headers.add<PistacheHeader::Connection>(keepAlive ? ConnectionControl::KeepAlive : ConnectionControl::Close);
        auto code = static_cast<Pistache::Http::Code>(response.status);
        if (head)
            writer.send(code);
        else
            writer.send(code, response.body);
    }

    // Answers a request over a bound with a problem document, then closes the connection: its
    // remaining bytes cannot be told apart from a next request. Nothing of the request is echoed.
    void refuse(const std::shared_ptr<Pistache::Tcp::Peer>& peer, HeadCount& head, const ProblemType& type,
                const std::string& detail) {
        head.refused = true;
        getParser(peer)->reset();
        const int status = type.status;
        const std::string body = problemDocument(type, detail, "");
        Pistache::Http::ResponseWriter response(Pistache::Http::Version::Http11, transport(), this, peer);
        response.headers().add(std::make_shared<NamedHeader>("Content-Type", "application/problem+json"));
        addStandardHeaders(response.headers());
        response.headers().add<Pistache::Http::Header::Connection>(Pistache::Http::ConnectionControl::Close);
        std::weak_ptr<Pistache::Tcp::Peer> written = peer;
        // Once the answer is out, a FIN follows it; the client's further bytes are read and dropped
        // (onInput) so that it can read the answer before the connection closes.
        response.send(static_cast<Pistache::Http::Code>(status), body)
            .then(
                [written](ssize_t) {
                    if (auto open = written.lock()) ::shutdown(open->fd(), SHUT_WR);
                },
                [](std::exception_ptr) {});
        if (m_shared->logRequests) logLine("?", "", status, 0, peer->address().host());
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
    m_private->shared->maxRequestLineBytes = m_private->options.maxRequestLineBytes;
    m_private->shared->maxHeadBytes = m_private->options.maxHeadBytes;
    m_private->shared->maxRequestBytes = m_private->options.maxRequestBytes;
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
                               .maxRequestSize(options.maxRequestBytes)
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
