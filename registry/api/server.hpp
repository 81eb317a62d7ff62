#pragma once
// Serves an Api over HTTP with Pistache. Hides Pistache's lifecycle pitfalls (docs/ARCHITECTURE.md): body
// limits set explicitly, the request head bounded before Pistache parses it, short header/body
// timeouts, unknown methods answered before routing, and a drain of in-flight requests before
// shutdown; and the per-client-address rate limit.
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
    // Pistache refuses requests above this on its own; our per-route limit (ApiOptions::maxBodyBytes)
    // answers with a problem document below it.
    std::size_t maxRequestBytes = 4 * 1024 * 1024;
    // The request head is bounded apart from the body, before Pistache's parser sees it: a request
    // line (method, target, version) longer than maxRequestLineBytes gets 414, a head (request line
    // and header fields) longer than maxHeadBytes 431, and the connection is closed. Pistache parses
    // an incomplete head again from its start on every chunk that arrives, so a head of megabytes
    // would hold the connection's reactor thread, and every connection on it, for seconds. The
    // request line has room for the longest CQL2 `filter` (store::cql2::kMaxFilterLength, 16 KiB) with
    // the usual percent-encoding of its spaces and quotes.
    std::size_t maxRequestLineBytes = 24 * 1024;
    std::size_t maxHeadBytes = 32 * 1024;
    // Pistache answers 408 and closes a connection whose request line and headers are not complete
    // headerTimeout after it opened, or whose body is not complete bodyTimeout after that: deadlines,
    // not idle timers (measured on 0.0.5). A slow-drip client holds a connection that long, no thread.
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
