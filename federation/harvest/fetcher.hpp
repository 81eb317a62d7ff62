#pragma once
// Concurrent HTTP fetching for harvesting, on one libcurl multi handle: many transfers in flight,
// connection reuse, gzip, connect and total timeouts, a stall guard, a cap on response size, at most
// a few redirects (http/https only), and retries with exponential backoff and jitter on timeouts,
// connection failures, 5xx and 429 (honouring Retry-After up to backoffMaxMs). A stuck transfer
// cannot block the others: every transfer has a hard deadline.
//
// Network edges: only http and https; TLS certificates are always verified (optionally against a
// given CA bundle, and a source may pin its server's public key); connections to loopback, private,
// link-local (cloud metadata), CGNAT, multicast and reserved addresses are refused unless the request
// allows private addresses. That check is made on the address of every connection as libcurl opens
// it (after DNS, for every redirect hop), so a name that resolves differently later or a redirect
// cannot slip past it; connections opened for requests that allow private addresses are kept in a
// pool of their own, so a request that does not allow them never reuses one. Proxies from the
// environment are not used, since the check must see the real target. A refusal is not retried.
//
// Threading: a Fetcher is used from one thread (but for wake()). Callbacks run on the thread that
// calls run(), and may submit more requests (the next page of a feed).
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct sockaddr;

namespace tweeling::federation::harvest {

struct FetchOptions {
    long connectTimeoutMs = 5000;
    long totalTimeoutMs = 30000;          // per attempt, including time queued inside libcurl
    std::size_t maxBytes = 64u << 20;     // counted on the decoded body, so gzip bombs stop too
    // What a body over maxBytes is: false, a failed fetch ("response larger than N bytes"); true,
    // its first maxBytes, delivered as a success with FetchResult::truncated (an asset probe reads
    // the start of a file, and a server may ignore its Range header).
    bool truncateAtMax = false;
    int maxRedirects = 3;
    int maxAttempts = 4;                  // first try + retries
    long backoffBaseMs = 500;             // delay before retry n: base * 2^(n-1) * jitter(0.5..1.5)
    // The longest delay before a retry. A server's Retry-After beyond it is not waited for: the
    // request fails at once, its error saying when the server asked to be asked again.
    long backoffMaxMs = 30000;
    long lowSpeedBytesPerSecond = 10;     // below this for lowSpeedSeconds: abort the attempt
    long lowSpeedSeconds = 15;
    std::string userAgent = "Tweeling-harvester/0.1";
    // Lifts the refusal of non-public addresses (address_policy.hpp): for sources on the hub's own
    // machine or network, added with --allow-private.
    bool allowPrivate = false;
    std::string caBundlePath;  // PEM file of the CAs to trust; empty: the system's
    // Public-key pin of the server, "sha256//<base64 of the SPKI's SHA-256>" (several joined by ';').
    // With a pin only https is fetched, redirects included.
    std::string tlsPin;
    // For tests only: return true to have an address treated as public (so a server on 127.0.0.1 can
    // play a public one). Requests with it share the allowPrivate requests' connection pool.
    std::function<bool(const sockaddr*)> treatAsPublicForTests;
};

struct FetchResult {
    std::string url;        // the URL asked for
    std::string finalUrl;   // after redirects
    long status = 0;        // HTTP status of the last attempt, 0 when there was no response
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names, last value wins
    bool ok = false;        // transfer completed with a 2xx status (or 304)
    bool cancelled = false;  // ended by FetchRequest::cancelled
    // When cancelled after a failed attempt (while waiting for, or running, a retry): that failure,
    // e.g. "timed out after 30.0 s". A source that never answers is then reported as such, not as a
    // run that merely ran out of time.
    std::string failedBefore;
    bool truncated = false;  // FetchOptions::truncateAtMax: the body is the first maxBytes of more
    std::string error;      // when !ok: a sentence for reports, e.g. "timed out after 30 s (4 attempts)"
    int attempts = 0;
    double seconds = 0;     // wall time of all attempts together
};

struct FetchRequest {
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    FetchOptions options;
    std::function<void(FetchResult&&)> onDone;
    // Asked while the request waits, runs or sleeps before a retry (at least once a second, and at
    // once after wake()): true ends it there, not retried, with `cancelled` set in its result. A
    // harvest run past its budget, or a hub shutting down, stops its transfers this way.
    std::function<bool()> cancelled = nullptr;
    // Not empty: the request is a POST with this body (give its Content-Type in `headers`); a CSW
    // catalog's GetRecords. Retried like a GET, so only for requests that change nothing.
    std::string body = {};
};

class Fetcher {
public:
    explicit Fetcher(int maxInFlight = 16);
    ~Fetcher();
    Fetcher(const Fetcher&) = delete;
    Fetcher& operator=(const Fetcher&) = delete;

    void submit(FetchRequest request);
    // Drives all transfers (and retries) until none is pending; callbacks run in here.
    void run();
    // How many transfers are running or waiting (for tests and metrics).
    std::size_t pending() const;
    // Makes run() ask every request's `cancelled` now instead of at its next wake-up. The one
    // method that may be called from another thread.
    void wake();

private:
    struct Private;
    std::unique_ptr<Private> m_private;
};

// Convenience for one request (CLI, tests, asset probes); `cancelled` as FetchRequest::cancelled.
FetchResult fetchOne(const std::string& url, const FetchOptions& options = {},
                     const std::vector<std::string>& headers = {}, std::function<bool()> cancelled = nullptr);

// Parses Retry-After (delta seconds or an HTTP date) into milliseconds from now; -1 if absent/bad.
long parseRetryAfterMs(const std::string& value);
// The delay before attempt `attempt` (2 = first retry): exponential with jitter, capped.
long backoffDelayMs(int attempt, const FetchOptions& options, double jitter01);

}  // namespace tweeling::federation::harvest
