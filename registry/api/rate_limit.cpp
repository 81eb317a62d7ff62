#include "api/rate_limit.hpp"

#include "api/errors.hpp"
#include "common/text.hpp"

#include <arpa/inet.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <list>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace tweeling::registry::api {
namespace {

// Enough shards that worker threads rarely meet on one mutex; few enough that a sweep is cheap.
constexpr std::size_t kShards = 16;
// X-Forwarded-For hops looked at, right to left: more is a forged header, not a proxy chain.
constexpr int kMaxForwardedHops = 32;

std::string number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// An address as bytes: 4 for IPv4 (also for IPv4-mapped IPv6), 16 for IPv6. False if not an address.
struct Address {
    int family = 0;
    unsigned char bytes[16] = {};
};

bool parseAddress(std::string text, Address& address) {
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    auto zone = text.find('%');
    if (zone != std::string::npos) text = text.substr(0, zone);
    if (inet_pton(AF_INET, text.c_str(), address.bytes) == 1) {
        address.family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text.c_str(), address.bytes) != 1) return false;
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(address.bytes, kMapped, sizeof kMapped) == 0) {
        std::memmove(address.bytes, address.bytes + 12, 4);
        address.family = AF_INET;
    } else {
        address.family = AF_INET6;
    }
    return true;
}

bool samePrefix(const unsigned char* a, const unsigned char* b, int bits) {
    int whole = bits / 8;
    if (std::memcmp(a, b, static_cast<std::size_t>(whole)) != 0) return false;
    int rest = bits % 8;
    if (rest == 0) return true;
    unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

// ---- the buckets -------------------------------------------------------------------------------

struct RateLimiter::Shard {
    struct Bucket {
        std::string key;
        double tokens = 0;
        std::chrono::steady_clock::time_point updated;
    };
    std::mutex mutex;
    std::list<Bucket> recency;  // front: most recently seen; the list nodes own the keys
    std::unordered_map<std::string_view, std::list<Bucket>::iterator> index;

    void drop(std::list<Bucket>::iterator bucket) {
        index.erase(std::string_view(bucket->key));
        recency.erase(bucket);
    }
};

RateLimiter::RateLimiter(RateLimit limit, std::size_t maxKeys, Clock clock)
    : m_limit(limit), m_clock(std::move(clock)), m_maxKeysPerShard(std::max<std::size_t>(1, maxKeys / kShards)) {
    if (!m_clock) m_clock = [] { return std::chrono::steady_clock::now(); };
    m_limit.burst = std::max(1.0, m_limit.burst);
    for (std::size_t i = 0; i < kShards; ++i) m_shards.push_back(std::make_unique<Shard>());
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Decision RateLimiter::admit(const std::string& key) {
    if (!m_limit.enabled()) return {};
    const auto now = m_clock();
    const double rate = m_limit.perSecond, burst = m_limit.burst;
    auto refilled = [&](const Shard::Bucket& bucket) {
        double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
        return std::min(burst, bucket.tokens + std::max(0.0, elapsed) * rate);
    };

    Shard& shard = *m_shards[std::hash<std::string>{}(key) % m_shards.size()];
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto found = shard.index.find(std::string_view(key));
    std::list<Shard::Bucket>::iterator bucket;
    if (found != shard.index.end()) {
        bucket = found->second;
        shard.recency.splice(shard.recency.begin(), shard.recency, bucket);
        bucket->tokens = refilled(*bucket);
    } else {
        // A full bucket is the same as none: forget idle clients, least recently seen first, and when
        // the shard is still full (a flood of distinct clients) forget the least recently seen anyway.
        while (!shard.recency.empty() &&
               (refilled(shard.recency.back()) >= burst || shard.index.size() >= m_maxKeysPerShard))
            shard.drop(std::prev(shard.recency.end()));
        shard.recency.push_front(Shard::Bucket{key, burst, now});
        bucket = shard.recency.begin();
        shard.index.emplace(std::string_view(bucket->key), bucket);
    }
    bucket->updated = now;
    if (bucket->tokens >= 1.0) {
        bucket->tokens -= 1.0;
        return {};
    }
    double wait = std::ceil((1.0 - bucket->tokens) / rate);
    Decision refused;
    refused.admitted = false;
    refused.retryAfter = std::chrono::seconds(static_cast<long long>(std::clamp(wait, 1.0, 86400.0)));
    return refused;
}

std::size_t RateLimiter::size() const {
    std::size_t total = 0;
    for (const auto& shard : m_shards) {
        std::lock_guard<std::mutex> lock(shard->mutex);
        total += shard->index.size();
    }
    return total;
}

// ---- addresses -----------------------------------------------------------------------------------

std::string clientKey(const std::string& address) {
    Address parsed;
    if (!parseAddress(address, parsed)) return address;
    char text[INET6_ADDRSTRLEN] = {};
    if (parsed.family == AF_INET6) {
        std::memset(parsed.bytes + 8, 0, 8);
        inet_ntop(AF_INET6, parsed.bytes, text, sizeof text);
        return std::string(text) + "/64";
    }
    inet_ntop(AF_INET, parsed.bytes, text, sizeof text);
    return text;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
    for (const auto& raw : entries) {
        std::string entry = common::trim(raw, common::kHttpWhitespace);
        if (entry.empty()) continue;
        std::string address = entry;
        int prefix = -1;
        auto slash = entry.find('/');
        if (slash != std::string::npos) {
            address = entry.substr(0, slash);
            std::string bits = entry.substr(slash + 1);
            if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit))
                throw std::invalid_argument("'" + entry + "' is not an address or ADDRESS/PREFIX");
            prefix = std::stoi(bits);
        }
        Address parsed;
        if (!parseAddress(address, parsed))
            throw std::invalid_argument("'" + entry + "' is not an IPv4 or IPv6 address or range");
        int width = parsed.family == AF_INET ? 32 : 128;
        if (prefix > width) throw std::invalid_argument("'" + entry + "': the prefix is longer than the address");
        Range range;
        range.family = parsed.family;
        std::memcpy(range.bytes, parsed.bytes, sizeof range.bytes);
        range.prefix = prefix < 0 ? width : prefix;
        m_ranges.push_back(range);
    }
}

bool TrustedProxies::contains(const std::string& address) const {
    if (m_ranges.empty()) return false;
    Address parsed;
    if (!parseAddress(common::trim(address, common::kHttpWhitespace), parsed)) return false;
    for (const auto& range : m_ranges)
        if (range.family == parsed.family && samePrefix(range.bytes, parsed.bytes, range.prefix)) return true;
    return false;
}

std::string TrustedProxies::clientAddress(const std::string& peer, const std::string& forwardedFor) const {
    if (forwardedFor.empty() || !contains(peer)) return peer;
    std::string client = peer;
    std::string_view rest(forwardedFor);
    for (int hop = 0; hop < kMaxForwardedHops && !rest.empty(); ++hop) {
        auto comma = rest.rfind(',');
        std::string entry =
            common::trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1), common::kHttpWhitespace);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
        Address parsed;
        if (!parseAddress(entry, parsed)) return client;  // not written by a proxy of ours
        if (!contains(entry)) return entry;
        client = entry;
    }
    return client;
}

// ---- responses ------------------------------------------------------------------------------------

Response tooManyRequestsResponse(const std::string& detail, std::chrono::seconds retryAfter,
                                 const std::string& instance) {
    Response response;
    response.status = problem::kTooManyRequests.status;
    response.contentType = "application/problem+json";
    response.body = problemDocument(problem::kTooManyRequests, detail, instance);
    response.headers.emplace_back("Retry-After", std::to_string(retryAfter.count()));
    return response;
}

std::string describeLimit(const RateLimit& limit, const char* what, std::chrono::seconds retryAfter) {
    return std::string("Rate limit per ") + what + ": " + number(limit.perSecond) + " per second (bursts of " +
           number(limit.burst) + "). Retry after " + std::to_string(retryAfter.count()) + " s.";
}

void limitWritesPerKey(Api& api, RateLimit limit, RateLimiter::Clock clock) {
    if (!limit.enabled()) return;
    auto limiter = std::make_shared<RateLimiter>(limit, RateLimiter::kDefaultMaxKeys, std::move(clock));
    api.setWriteAdmission([limiter](const std::string& keyId) {
        auto decision = limiter->admit(keyId);
        if (!decision.admitted)
            throw tooManyRequests(describeLimit(limiter->limit(), "publisher key (writes)", decision.retryAfter),
                                  decision.retryAfter);
    });
}

}  // namespace tweeling::registry::api
