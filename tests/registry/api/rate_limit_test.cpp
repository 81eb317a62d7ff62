// The token buckets on a hand-driven clock: no sleeps, no wall-clock assertions.
#include "api/rate_limit.hpp"
#include "api/errors.hpp"
#include "common/json.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace tweeling::registry::api;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
    RateLimiter::Clock function() {
        return [this] { return now; };
    }
};

}  // namespace

TEST_CASE("a bucket admits its burst, then refuses with the seconds until the next token", "[rate-limit]") {
    FakeClock clock;
    RateLimiter limiter(RateLimit{1, 3}, 1000, clock.function());
    for (int i = 0; i < 3; ++i) CHECK(limiter.admit("198.51.100.7").admitted);
    auto refused = limiter.admit("198.51.100.7");
    CHECK_FALSE(refused.admitted);
    CHECK(refused.retryAfter == 1s);
    // Another client has its own bucket.
    CHECK(limiter.admit("198.51.100.8").admitted);
    // Refused requests take no token: after the promised second, one request passes, the next not.
    clock.now += 1s;
    CHECK(limiter.admit("198.51.100.7").admitted);
    CHECK_FALSE(limiter.admit("198.51.100.7").admitted);
    // A long quiet spell refills to the burst, not beyond.
    clock.now += 1h;
    for (int i = 0; i < 3; ++i) CHECK(limiter.admit("198.51.100.7").admitted);
    CHECK_FALSE(limiter.admit("198.51.100.7").admitted);
}

TEST_CASE("Retry-After is whole seconds, rounded up, at least 1", "[rate-limit]") {
    FakeClock clock;
    SECTION("a slow rate") {
        RateLimiter limiter(RateLimit{0.1, 1}, 1000, clock.function());
        CHECK(limiter.admit("k").admitted);
        CHECK(limiter.admit("k").retryAfter == 10s);
        clock.now += 2500ms;
        CHECK(limiter.admit("k").retryAfter == 8s);  // 7.5 s rounded up
        clock.now += 7500ms;
        CHECK(limiter.admit("k").admitted);
    }
    SECTION("a fast rate") {
        RateLimiter limiter(RateLimit{1000, 1}, 1000, clock.function());
        CHECK(limiter.admit("k").admitted);
        auto refused = limiter.admit("k");
        CHECK_FALSE(refused.admitted);
        CHECK(refused.retryAfter == 1s);  // a millisecond away, but Retry-After counts seconds
        clock.now += 1ms;
        CHECK(limiter.admit("k").admitted);
    }
}

TEST_CASE("a disabled limit admits everything and keeps no buckets", "[rate-limit]") {
    RateLimiter limiter(RateLimit{0, 5});
    for (int i = 0; i < 1000; ++i) CHECK(limiter.admit("same").admitted);
    CHECK(limiter.size() == 0);
}

TEST_CASE("the buckets stay bounded under a flood of distinct addresses", "[rate-limit]") {
    FakeClock clock;
    const std::size_t cap = 320;
    RateLimiter limiter(RateLimit{1, 2}, cap, clock.function());
    // Every address is still owed tokens (not idle), so only the cap can bound the map.
    for (int i = 0; i < 100000; ++i)
        limiter.admit("10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
                      std::to_string(i % 256));
    CHECK(limiter.size() <= cap);
    CHECK(limiter.size() >= cap / 2);
    // The most recent clients are still limited: evictions hit the least recently seen.
    CHECK(limiter.admit("10.1.134.159").admitted);  // i = 99999, had 1 token left
    CHECK_FALSE(limiter.admit("10.1.134.159").admitted);
}

TEST_CASE("idle buckets are dropped when new clients come", "[rate-limit]") {
    FakeClock clock;
    RateLimiter limiter(RateLimit{10, 5}, 100000, clock.function());
    for (int i = 0; i < 1000; ++i) limiter.admit("client-" + std::to_string(i));
    CHECK(limiter.size() == 1000);
    clock.now += 1s;  // every bucket is full again: the same as no bucket
    for (int i = 0; i < 1000; ++i) limiter.admit("other-" + std::to_string(i));
    CHECK(limiter.size() < 1100);
}

TEST_CASE("buckets are safe to share between threads", "[rate-limit]") {
    FakeClock clock;  // time stands still: exactly the burst is admitted, however the threads interleave
    RateLimiter limiter(RateLimit{1, 1000}, 1000, clock.function());
    std::atomic<int> admitted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i)
                if (limiter.admit(i % 2 ? "a" : "b").admitted) admitted.fetch_add(1);
        });
    for (auto& thread : threads) thread.join();
    CHECK(admitted.load() == 2000);
}

TEST_CASE("client keys: IPv4 as is, IPv6 by /64, IPv4-mapped as IPv4", "[rate-limit]") {
    CHECK(clientKey("192.0.2.1") == "192.0.2.1");
    CHECK(clientKey("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
    CHECK(clientKey("2001:db8:1:2:ffff::1") == clientKey("[2001:db8:1:2::9]"));
    CHECK(clientKey("2001:db8:1:3::1") != clientKey("2001:db8:1:2::1"));
    CHECK(clientKey("::ffff:192.0.2.1") == "192.0.2.1");
    CHECK(clientKey("not an address") == "not an address");
}

TEST_CASE("trusted proxies: the client is the right-most untrusted X-Forwarded-For entry", "[rate-limit]") {
    TrustedProxies proxies({"127.0.0.1", "10.0.0.0/8", "2001:db8::/32"});
    CHECK(proxies.contains("127.0.0.1"));
    CHECK(proxies.contains("10.200.3.4"));
    CHECK(proxies.contains("::ffff:10.1.1.1"));
    CHECK(proxies.contains("2001:db8:5::1"));
    CHECK_FALSE(proxies.contains("127.0.0.2"));
    CHECK_FALSE(proxies.contains("11.0.0.1"));

    // From a trusted peer.
    CHECK(proxies.clientAddress("127.0.0.1", "203.0.113.9") == "203.0.113.9");
    CHECK(proxies.clientAddress("127.0.0.1", "198.51.100.1, 203.0.113.9") == "203.0.113.9");  // left: a claim
    CHECK(proxies.clientAddress("127.0.0.1", "203.0.113.9, 10.1.2.3") == "203.0.113.9");      // a proxy chain
    CHECK(proxies.clientAddress("127.0.0.1", " 2001:db9::7 ") == "2001:db9::7");
    CHECK(proxies.clientAddress("127.0.0.1", "10.0.0.5") == "10.0.0.5");            // only proxies: the first
    CHECK(proxies.clientAddress("127.0.0.1", "") == "127.0.0.1");                   // no header
    CHECK(proxies.clientAddress("127.0.0.1", "unknown") == "127.0.0.1");            // not an address
    CHECK(proxies.clientAddress("127.0.0.1", "nonsense, 10.1.1.1") == "10.1.1.1");  // the last proxy that said
    // From an untrusted peer the header is the client's own claim.
    CHECK(proxies.clientAddress("192.0.2.44", "203.0.113.9") == "192.0.2.44");
    // No proxies configured.
    CHECK(TrustedProxies().clientAddress("127.0.0.1", "203.0.113.9") == "127.0.0.1");

    CHECK_THROWS_AS(TrustedProxies({"localhost"}), std::invalid_argument);
    CHECK_THROWS_AS(TrustedProxies({"10.0.0.0/33"}), std::invalid_argument);
    CHECK_THROWS_AS(TrustedProxies({"10.0.0.0/x"}), std::invalid_argument);
}

TEST_CASE("a 429 is a problem document with Retry-After, the same type from the HTTP layer and the API",
          "[rate-limit]") {
    Response response = tooManyRequestsResponse("Rate limit per client address: 1 per second", 3s, "/feed");
    CHECK(response.status == 429);
    CHECK(response.contentType == "application/problem+json");
    REQUIRE(response.headers.size() == 1);
    CHECK(response.headers[0].first == "Retry-After");
    CHECK(response.headers[0].second == "3");
    tweeling::common::Json doc;
    doc.Parse(response.body.c_str(), response.body.size());
    REQUIRE(doc.IsObject());
    CHECK(std::string(doc["type"].GetString()) == "https://w3id.org/tweeling/problem/too-many-requests");
    CHECK(std::string(doc["title"].GetString()) == problem::kTooManyRequests.title);
    CHECK(doc["status"].GetInt() == 429);
    CHECK(std::string(doc["instance"].GetString()) == "/feed");

    ApiError error = tooManyRequests("x", 7s);
    CHECK(error.status() == 429);
    CHECK(std::string(error.type().code) == "too-many-requests");
    REQUIRE(error.headers().size() == 1);
    CHECK(error.headers()[0].second == "7");
    CHECK(describeLimit(RateLimit{0.5, 2}, "publisher key", 2s) ==
          "Rate limit per publisher key: 0.5 per second (bursts of 2). Retry after 2 s.");
}
