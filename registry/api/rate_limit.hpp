#pragma once
// Token-bucket rate limits at the HTTP edge: one bucket per client address (HttpServer) and one per
// publisher key (Api's write admission). Buckets live in a fixed number of shards, each behind its own
// mutex held only for the arithmetic of one bucket, and a shard holds a bounded number of buckets: a
// full bucket (an idle client) is the same as no bucket and is dropped, and a flood of distinct
// addresses evicts the least recently seen ones instead of growing the map.
#include "api/api.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tweeling::registry::api {

struct RateLimit {
    double perSecond = 0;  // tokens added per second; 0: no limit
    double burst = 1;      // bucket size: requests allowed at once after a quiet spell
    bool enabled() const { return perSecond > 0; }
};

// Production defaults (README "Hardening"). Per address: a GIS client paging a search or a harvester
// makes a few requests a second; 100/s with bursts of 200 never touches them but stops one address
// from taking every worker. Per key: publishing is a batch job; 10 writes/s (bursts of 50) is a
// 36,000-record hour, and larger loads go through `twin-registry import`.
inline constexpr RateLimit kDefaultClientLimit{100, 200};
inline constexpr RateLimit kDefaultPublishLimit{10, 50};

class RateLimiter {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr std::size_t kDefaultMaxKeys = 50000;

    // `maxKeys` bounds the memory (about 200 bytes a bucket); `clock` is injectable for tests.
    explicit RateLimiter(RateLimit limit, std::size_t maxKeys = kDefaultMaxKeys, Clock clock = {});
    ~RateLimiter();
    RateLimiter(const RateLimiter&) = delete;
    RateLimiter& operator=(const RateLimiter&) = delete;

    struct Decision {
        bool admitted = true;
        std::chrono::seconds retryAfter{0};  // when refused: whole seconds until a token is there (>= 1)
    };
    // Takes a token from `key`'s bucket if it has one.
    Decision admit(const std::string& key);
    const RateLimit& limit() const { return m_limit; }
    std::size_t size() const;  // buckets held now

private:
    struct Shard;
    RateLimit m_limit;
    Clock m_clock;
    std::size_t m_maxKeysPerShard;
    std::vector<std::unique_ptr<Shard>> m_shards;
};

// The key a client address is limited by: IPv4 as is, IPv6 by its /64 (one subscriber usually has a
// whole /64, so per-address buckets would be free to multiply), IPv4-mapped IPv6 as IPv4.
std::string clientKey(const std::string& address);

// The `detail` of a 429: which limit, and when to retry.
std::string describeLimit(const RateLimit& limit, const char* what, std::chrono::seconds retryAfter);

// The 429 problem document the HTTP layer sends (same type URI as ApiError tooManyRequests).
Response tooManyRequestsResponse(const std::string& detail, std::chrono::seconds retryAfter,
                                 const std::string& instance);

// Installs the per-key limit on authenticated writes (publish, replace, delete) of `api`; a refused
// write gets 429 before its body is read. Does nothing when the limit is disabled.
void limitWritesPerKey(Api& api, RateLimit limit, RateLimiter::Clock clock = {});

// Trusted reverse proxies (--trusted-proxy): exact addresses or CIDR ranges, IPv4 or IPv6.
class TrustedProxies {
public:
    TrustedProxies() = default;
    // Throws std::invalid_argument for an entry that is not an address or ADDRESS/PREFIX.
    explicit TrustedProxies(const std::vector<std::string>& entries);
    bool empty() const { return m_ranges.empty(); }
    bool contains(const std::string& address) const;
    // The client behind `peer`: when `peer` is trusted, the right-most entry of X-Forwarded-For that
    // is not a trusted proxy (a proxy appends the address it saw, so everything left of the first
    // untrusted hop is the client's own claim). Otherwise, or when the header is missing or
    // malformed, `peer` or the last trusted hop.
    std::string clientAddress(const std::string& peer, const std::string& forwardedFor) const;

private:
    struct Range {
        int family = 0;
        unsigned char bytes[16] = {};
        int prefix = 0;
    };
    std::vector<Range> m_ranges;
};

}  // namespace tweeling::registry::api
