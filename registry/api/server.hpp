#pragma once
// Serves an Api over HTTP/1.1. Pistache is the TCP transport only (listener, epoll reactors, the
// deadlines); requests are read by our strict parser (api/http_parser.hpp) and answers written as
// bytes, so that every answer, the server's own refusals included, is a problem document when it is
// an error, logged and counted in /metrics (docs/ARCHITECTURE.md, "Dependency pitfalls"). Requests
// are answered in order (pipelining), judged by their head before their body is read (per-address
// rate limit, Api::admit, 100 Continue), and a connection is closed right after an answer that
// ends it; in-flight requests are drained before shutdown.
#include "api/api.hpp"
#include "api/rate_limit.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tweeling::registry::api {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (see HttpServer::port())
    int threads = 2;
    // A request body above this gets 413 (by its Content-Length, before it is read; a chunked body
    // as it comes), and the connection is closed. Our per-route limit (ApiOptions::maxBodyBytes)
    // answers with a problem document below it.
    std::size_t maxRequestBytes = 4 * 1024 * 1024;
    // The request head is bounded apart from the body: a request line (method, target, version)
    // longer than maxRequestLineBytes gets 414, a head (request line and header fields) longer than
    // maxHeadBytes 431, as soon as the bound is passed, and the connection is closed. The request
    // line has room for the longest CQL2 `filter` (store::cql2::kMaxFilterLength, 16 KiB) with the
    // usual percent-encoding of its spaces and quotes.
    std::size_t maxRequestLineBytes = 24 * 1024;
    std::size_t maxHeadBytes = 32 * 1024;
    // Pistache's timer answers 408 and closes a connection whose request head is not complete
    // headerTimeout after the request started (the connection opened, or its first byte came after
    // an answer), or whose body is not complete bodyTimeout after that start: deadlines, not idle
    // timers (measured on 0.0.5). A slow-drip client holds a connection that long, no thread. An
    // idle kept-alive connection is closed keepaliveTimeout after the last answer. Pistache's own
    // defaults (60 s, 60 s, 300 s) would invite slow clients.
    std::chrono::seconds headerTimeout{10};
    std::chrono::seconds bodyTimeout{30};
    std::chrono::seconds keepaliveTimeout{30};
    bool logRequests = true;  // one JSON line per request on stderr
    // Token bucket per client address (429 with Retry-After when empty). GET/HEAD /health is exempt:
    // load balancers and monitoring poll it, often from the same address as the traffic they watch.
    RateLimit clientLimit = kDefaultClientLimit;
    // Peers whose X-Forwarded-For is believed (addresses or CIDR ranges): behind them the client
    // address (limits, log) is the right-most untrusted entry of that header.
    std::vector<std::string> trustedProxies;
};

class HttpServer {
public:
    HttpServer(ServerOptions options, const Api& api);
    ~HttpServer();
    void start();  // binds and serves on background threads
    std::uint16_t port() const;
    // Stops taking new requests (they get 503), waits up to `drain` for in-flight requests, then
    // shuts the listener down.
    void stop(std::chrono::milliseconds drain = std::chrono::milliseconds(10000));

private:
    struct Private;
    std::unique_ptr<Private> m_private;
};

}  // namespace tweeling::registry::api
