#include "harvest/fetcher.hpp"

#include "federation/harvest/test_server.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace tweeling::federation::harvest;
using tweeling::test::RefusingPort;
using tweeling::test::Reply;
using tweeling::test::TestServer;

namespace {

// Short everything, so the whole binary stays fast; each test widens only what it exercises. The
// test servers listen on 127.0.0.1, so private addresses are allowed unless a test says otherwise.
FetchOptions quickOptions() {
    FetchOptions options;
    options.allowPrivate = true;
    options.connectTimeoutMs = 2000;
    options.totalTimeoutMs = 5000;
    options.maxAttempts = 3;
    options.backoffBaseMs = 10;
    options.backoffMaxMs = 100;
    return options;
}

Reply text(const std::string& body, int status = 200) {
    Reply reply;
    reply.status = status;
    reply.body = body;
    reply.headers = {{"Content-Type", "text/plain"}};
    return reply;
}

// "Tweeling gzip body: {"records":[1,2,3]}" compressed with `printf ... | gzip -9n | xxd -i`.
const unsigned char kGzipBody[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x0b, 0x29, 0x4f, 0x4d, 0xcd,
    0xc9, 0xcc, 0x4b, 0x57, 0x48, 0xaf, 0xca, 0x2c, 0x50, 0x48, 0xca, 0x4f, 0xa9, 0xb4, 0x52,
    0xa8, 0x56, 0x2a, 0x4a, 0x4d, 0xce, 0x2f, 0x4a, 0x29, 0x56, 0xb2, 0x8a, 0x36, 0xd4, 0x31,
    0xd2, 0x31, 0x8e, 0xad, 0x05, 0x00, 0x9b, 0x73, 0x2e, 0xcf, 0x27, 0x00, 0x00, 0x00};

// 131072 zero bytes gzipped (`head -c 131072 /dev/zero | gzip -9n`): 161 bytes on the wire. The
// middle of the deflate stream is 127 zero bytes, so it is built rather than spelled out.
std::string zeroBomb() {
    const unsigned char head[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc1, 0x31,
                                  0x01, 0x00, 0x00, 0x00, 0xc2, 0xa0, 0xf5, 0x4f, 0xed, 0x61, 0x0d, 0xa0};
    const unsigned char tail[] = {0x6e, 0xcd, 0xcd, 0xe8, 0x7e, 0x00, 0x00, 0x02, 0x00};
    std::string bytes(reinterpret_cast<const char*>(head), sizeof head);
    bytes.append(127, '\0');
    bytes.append(reinterpret_cast<const char*>(tail), sizeof tail);
    return bytes;
}

}  // namespace

TEST_CASE("a 200 answer arrives with its body and lower-case headers", "[fetcher]") {
    TestServer server([](const std::string& path) {
        Reply reply = text("hello from " + path);
        reply.headers.push_back({"X-Twin-Epoch", "7"});
        return reply;
    });
    const FetchResult result = fetchOne(server.url("/feed"), quickOptions(), {"X-Source: pv27"});
    server.stop();

    CHECK(result.ok);
    CHECK(result.error.empty());
    CHECK(result.status == 200);
    CHECK(result.body == "hello from /feed");
    CHECK(result.headers.at("x-twin-epoch") == "7");
    CHECK(result.headers.at("content-type") == "text/plain");
    CHECK(result.attempts == 1);
    CHECK(result.url == server.url("/feed"));
    CHECK(result.finalUrl == server.url("/feed"));
    const auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].headers.at("x-source") == "pv27");
    CHECK(seen[0].headers.at("user-agent") == "Tweeling-harvester/0.1");
}

TEST_CASE("many transfers to several nodes run at once and share connections", "[fetcher]") {
    auto handler = [](const std::string& path) {
        Reply reply = text("item " + path);
        reply.delayMs = 20;  // long enough for transfers to overlap
        return reply;
    };
    TestServer first(handler), second(handler), third(handler);
    std::vector<TestServer*> servers{&first, &second, &third};
    Fetcher fetcher(16);
    constexpr int kPerServer = 12;
    constexpr int kRequests = 3 * kPerServer;
    std::vector<std::string> bodies(kRequests);
    int done = 0;
    for (int i = 0; i < kRequests; ++i) {
        const std::string url = servers[i % 3]->url("/item/" + std::to_string(i));
        fetcher.submit({url, {}, quickOptions(), [&, i](FetchResult&& result) {
                            CHECK(result.ok);
                            bodies[i] = result.body;
                            ++done;
                        }});
    }
    CHECK(fetcher.pending() == kRequests);
    fetcher.run();
    for (TestServer* server : servers) server->stop();

    CHECK(fetcher.pending() == 0);
    CHECK(done == kRequests);
    for (int i = 0; i < kRequests; ++i) CHECK(bodies[i] == "item /item/" + std::to_string(i));
    for (TestServer* server : servers) {
        CHECK(server->requestsSeen() == kPerServer);
        CHECK(server->maxConcurrentRequests() > 1);
        CHECK(server->maxConcurrentRequests() <= 6);           // politeness: per-node cap
        CHECK(server->connectionsAccepted() < kPerServer);     // keep-alive: connections were reused
    }
}

TEST_CASE("admission is ours: queued transfers wait outside libcurl, so queue time is not timed", "[fetcher]") {
    TestServer server([](const std::string&) {
        Reply reply = text("slowish");
        reply.delayMs = 100;
        return reply;
    });
    FetchOptions options = quickOptions();
    // Less than the 10 x 100 ms the last one waits in our queue, yet 8 times what one transfer
    // needs, so a loaded machine does not make this fail.
    options.totalTimeoutMs = 800;
    options.maxAttempts = 1;
    Fetcher fetcher(1);
    int ok = 0;
    for (int i = 0; i < 10; ++i) {
        fetcher.submit({server.url("/x"), {}, options, [&](FetchResult&& result) {
                            CHECK(result.error == "");
                            if (result.ok) ++ok;
                        }});
    }
    fetcher.run();
    server.stop();

    CHECK(ok == 10);
    CHECK(server.maxConcurrentRequests() == 1);
    CHECK(server.connectionsAccepted() == 1);
}

TEST_CASE("a gzip body is asked for and decoded", "[fetcher]") {
    TestServer server([](const std::string&) {
        Reply reply;
        reply.body.assign(reinterpret_cast<const char*>(kGzipBody), sizeof kGzipBody);
        reply.headers = {{"Content-Encoding", "gzip"}, {"Content-Type", "application/json"}};
        return reply;
    });
    const FetchResult result = fetchOne(server.url("/feed"), quickOptions());
    server.stop();

    CHECK(result.ok);
    CHECK(result.body == R"(Tweeling gzip body: {"records":[1,2,3]})");
    CHECK(server.requests().at(0).headers.at("accept-encoding").find("gzip") != std::string::npos);
}

TEST_CASE("the size cap counts decoded bytes, so a gzip bomb stops", "[fetcher]") {
    TestServer server([](const std::string&) {
        Reply reply;
        reply.body = zeroBomb();
        reply.headers = {{"Content-Encoding", "gzip"}};
        return reply;
    });
    FetchOptions options = quickOptions();
    options.maxBytes = 65536;
    const FetchResult result = fetchOne(server.url("/bomb"), options);
    server.stop();

    CHECK_FALSE(result.ok);
    CHECK(result.error == "response larger than 65536 bytes");
    CHECK(result.attempts == 1);
    CHECK(result.body.empty());
}

TEST_CASE("a chunked body without Content-Length beyond maxBytes is cut off, not retried", "[fetcher]") {
    TestServer server([](const std::string&) {
        Reply reply = text(std::string(2u << 20, 'x'));
        reply.chunked = true;
        return reply;
    });
    FetchOptions options = quickOptions();
    options.maxBytes = 1u << 20;
    const FetchResult result = fetchOne(server.url("/big"), options);
    server.stop();

    CHECK_FALSE(result.ok);
    CHECK(result.error == "response larger than 1048576 bytes");
    CHECK(result.attempts == 1);
    CHECK(server.requestsSeen() == 1);
}

TEST_CASE("truncateAtMax: a server that ignores Range gives the first maxBytes, as a success", "[fetcher]") {
    TestServer server([](const std::string& path) {
        if (path == "/missing") {
            Reply missing = text(std::string(100000, 'n'));
            missing.status = 404;
            return missing;
        }
        Reply reply = text(std::string(1u << 20, 'x') + "tail");
        reply.chunked = true;
        return reply;
    });
    FetchOptions options = quickOptions();
    options.maxBytes = 4096;
    options.truncateAtMax = true;
    const FetchResult result = fetchOne(server.url("/big.las"), options, {"Range: bytes=0-4095"});
    const FetchResult small = fetchOne(server.url("/missing"), options);
    server.stop();

    CHECK(result.ok);
    CHECK(result.truncated);
    CHECK(result.body == std::string(4096, 'x'));
    CHECK(result.attempts == 1);
    CHECK_FALSE(small.ok);  // an error status stays an error, however the body was cut
    CHECK(small.error.rfind("HTTP 404", 0) == 0);
}

TEST_CASE("503 twice then 200 succeeds on the third attempt", "[fetcher]") {
    int calls = 0;
    TestServer server([&calls](const std::string&) { return ++calls <= 2 ? text("busy", 503) : text("fine"); });
    const FetchResult result = fetchOne(server.url("/feed"), quickOptions());
    server.stop();

    CHECK(result.ok);
    CHECK(result.body == "fine");
    CHECK(result.attempts == 3);
    CHECK(result.error.empty());
}

TEST_CASE("503 every time gives up after maxAttempts with a readable error", "[fetcher]") {
    TestServer server([](const std::string&) { return text("busy", 503); });
    const FetchResult result = fetchOne(server.url("/feed"), quickOptions());
    server.stop();

    CHECK_FALSE(result.ok);
    CHECK(result.status == 503);
    CHECK(result.error == "HTTP 503 Service Unavailable (3 attempts)");
    CHECK(server.requestsSeen() == 3);
}

TEST_CASE("429 with Retry-After waits as the server asks", "[fetcher]") {
    int calls = 0;
    TestServer server([&calls](const std::string&) {
        if (++calls > 1) return text("fine");
        Reply reply = text("slow down", 429);
        reply.headers.push_back({"Retry-After", "1"});
        return reply;
    });
    FetchOptions options = quickOptions();
    options.backoffMaxMs = 5000;  // the cap must not shorten the server's 1 s
    const auto start = std::chrono::steady_clock::now();
    const FetchResult result = fetchOne(server.url("/feed"), options);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    server.stop();

    CHECK(result.ok);
    CHECK(result.attempts == 2);
    CHECK(elapsed >= 0.9);
}

TEST_CASE("404 is final: no retry", "[fetcher]") {
    TestServer server([](const std::string&) { return text("no such page", 404); });
    const FetchResult result = fetchOne(server.url("/missing"), quickOptions());
    server.stop();

    CHECK_FALSE(result.ok);
    CHECK(result.status == 404);
    CHECK(result.attempts == 1);
    CHECK(result.error == "HTTP 404 Not Found");
    CHECK(result.body == "no such page");
    CHECK(server.requestsSeen() == 1);
}

TEST_CASE("a stalled server times out while a parallel request completes first", "[fetcher]") {
    TestServer server([](const std::string& path) {
        Reply reply = text("quick");
        reply.stall = path == "/stuck";
        return reply;
    });
    FetchOptions stuckOptions = quickOptions();
    stuckOptions.totalTimeoutMs = 1000;
    stuckOptions.maxAttempts = 1;
    std::vector<std::string> order;
    FetchResult stuck;
    Fetcher fetcher;
    fetcher.submit({server.url("/stuck"), {}, stuckOptions, [&](FetchResult&& result) {
                        order.push_back("stuck");
                        stuck = std::move(result);
                    }});
    fetcher.submit({server.url("/fast"), {}, quickOptions(), [&](FetchResult&& result) {
                        CHECK(result.ok);
                        order.push_back("fast");
                    }});
    fetcher.run();
    server.stop();

    REQUIRE(order == std::vector<std::string>{"fast", "stuck"});
    CHECK_FALSE(stuck.ok);
    CHECK(stuck.status == 0);
    CHECK(stuck.error.find("timed out after") == 0);
    CHECK(stuck.attempts == 1);
}

TEST_CASE("redirects: a short chain is followed, a long one and a non-http target are refused", "[fetcher]") {
    TestServer server([](const std::string& path) {
        Reply reply;
        if (path == "/to-ftp") {
            reply.status = 302;
            reply.headers = {{"Location", "ftp://127.0.0.1/file"}};
        } else if (path.rfind("/hop/", 0) == 0) {
            const int left = std::stoi(path.substr(5));
            if (left == 0) return text("arrived");
            reply.status = 302;
            reply.headers = {{"Location", "/hop/" + std::to_string(left - 1)}};
        }
        return reply;
    });
    FetchOptions options = quickOptions();
    options.maxRedirects = 3;

    const FetchResult shortChain = fetchOne(server.url("/hop/2"), options);
    CHECK(shortChain.ok);
    CHECK(shortChain.body == "arrived");
    CHECK(shortChain.url == server.url("/hop/2"));
    CHECK(shortChain.finalUrl == server.url("/hop/0"));

    const FetchResult longChain = fetchOne(server.url("/hop/4"), options);
    CHECK_FALSE(longChain.ok);
    CHECK(longChain.error == "too many redirects (more than 3)");
    CHECK(longChain.attempts == 1);

    const FetchResult toFtp = fetchOne(server.url("/to-ftp"), options);
    CHECK_FALSE(toFtp.ok);
    CHECK(toFtp.error == "redirect to a non-http(s) URL refused");
    CHECK(toFtp.attempts == 1);
    server.stop();
}

TEST_CASE("a refused connection is retried and named", "[fetcher]") {
    RefusingPort nobody;
    const std::string where = "127.0.0.1:" + std::to_string(nobody.port());
    const FetchResult result = fetchOne("http://" + where + "/feed", quickOptions());

    CHECK_FALSE(result.ok);
    CHECK(result.status == 0);
    CHECK(result.attempts == 3);
    CHECK(result.error == "connection refused by " + where + " (3 attempts)");
}

TEST_CASE("a non-http URL is refused outright", "[fetcher]") {
    const FetchResult result = fetchOne("ftp://127.0.0.1/file", quickOptions());
    CHECK_FALSE(result.ok);
    CHECK(result.attempts == 1);
    CHECK(result.error.find("not an http(s) URL") == 0);
}

TEST_CASE("a callback can submit the next page", "[fetcher]") {
    TestServer server([](const std::string& path) {
        const int page = std::stoi(path.substr(path.rfind('/') + 1));
        Reply reply = text("page " + std::to_string(page));
        if (page < 3) reply.headers.push_back({"X-Next", "/page/" + std::to_string(page + 1)});
        return reply;
    });
    Fetcher fetcher(4);
    std::vector<std::string> pages;
    std::function<void(FetchResult&&)> onPage = [&](FetchResult&& result) {
        REQUIRE(result.ok);
        pages.push_back(result.body);
        const auto next = result.headers.find("x-next");
        if (next != result.headers.end()) fetcher.submit({server.url(next->second), {}, quickOptions(), onPage});
    };
    fetcher.submit({server.url("/page/1"), {}, quickOptions(), onPage});
    fetcher.run();
    server.stop();

    CHECK(pages == std::vector<std::string>{"page 1", "page 2", "page 3"});
    CHECK(fetcher.pending() == 0);
    CHECK(server.connectionsAccepted() == 1);
}

TEST_CASE("an exception from a callback reaches run() after every other callback ran", "[fetcher]") {
    TestServer server([](const std::string& path) { return text(path); });
    Fetcher fetcher(2);
    int answered = 0;
    fetcher.submit({server.url("/throws"), {}, quickOptions(), [&](FetchResult&&) {
                        ++answered;
                        throw std::runtime_error("store failed");
                    }});
    for (int i = 0; i < 3; ++i) {
        fetcher.submit({server.url("/fine"), {}, quickOptions(), [&](FetchResult&&) { ++answered; }});
    }
    CHECK_THROWS_WITH(fetcher.run(), "store failed");
    CHECK(answered == 4);
    CHECK(fetcher.pending() == 0);

    // Still usable afterwards.
    bool again = false;
    fetcher.submit({server.url("/again"), {}, quickOptions(), [&](FetchResult&& result) { again = result.ok; }});
    fetcher.run();
    server.stop();
    CHECK(again);
}

TEST_CASE("backoff grows exponentially with jitter and is capped", "[fetcher]") {
    FetchOptions options;
    options.backoffBaseMs = 100;
    options.backoffMaxMs = 1000;
    CHECK(backoffDelayMs(1, options, 0.5) == 0);
    CHECK(backoffDelayMs(2, options, 0.5) == 100);
    CHECK(backoffDelayMs(3, options, 0.5) == 200);
    CHECK(backoffDelayMs(4, options, 0.5) == 400);
    CHECK(backoffDelayMs(5, options, 0.5) == 800);
    CHECK(backoffDelayMs(6, options, 0.5) == 1000);
    CHECK(backoffDelayMs(200, options, 0.5) == 1000);
    CHECK(backoffDelayMs(2, options, 0.0) == 50);
    CHECK(backoffDelayMs(2, options, 1.0) == 150);
    CHECK(backoffDelayMs(4, options, 1.0) == 600);
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date", "[fetcher]") {
    CHECK(parseRetryAfterMs("120") == 120000);
    CHECK(parseRetryAfterMs(" 0 ") == 0);
    CHECK(parseRetryAfterMs("") == -1);
    CHECK(parseRetryAfterMs("soon") == -1);
    CHECK(parseRetryAfterMs("-5") == -1);
    CHECK(parseRetryAfterMs("1.5") == -1);
    CHECK(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT") == 0);  // in the past: now

    const std::time_t inAnHour = std::time(nullptr) + 3600;
    char date[64];
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&inAnHour));
    const long ms = parseRetryAfterMs(date);
    CHECK(ms > 3590000);
    CHECK(ms <= 3600000);
}

// --- network edges ----------------------------------------------------------------------------------

namespace {

// The options of a source added without --allow-private.
FetchOptions publicOnly() {
    FetchOptions options = quickOptions();
    options.allowPrivate = false;
    return options;
}

bool isIpv4Loopback(const sockaddr* address) {
    if (address->sa_family != AF_INET) return false;
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    return ntohl(v4.sin_addr.s_addr) == INADDR_LOOPBACK;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a server on 127.0.0.1 is refused without allowPrivate, naming the address, and not retried",
          "[fetcher][network]") {
    TestServer server([](const std::string&) { return text("secret"); });

    const FetchResult refused = fetchOne(server.url("/feed"), publicOnly());
    CHECK_FALSE(refused.ok);
    CHECK(refused.status == 0);
    CHECK(refused.body.empty());
    CHECK(refused.attempts == 1);
    CHECK(refused.error ==
          "refused to connect to 127.0.0.1 (loopback address): the source was not added with --allow-private");
    CHECK(server.connectionsAccepted() == 0);

    const FetchResult allowed = fetchOne(server.url("/feed"), quickOptions());
    server.stop();
    CHECK(allowed.ok);
    CHECK(allowed.body == "secret");
    CHECK(server.requestsSeen() == 1);
}

TEST_CASE("loopback in other spellings is refused too: localhost, ::1, IPv4-mapped, 0.0.0.0, decimal",
          "[fetcher][network]") {
    RefusingPort nobody;
    const std::string port = std::to_string(nobody.port());
    for (const std::string host : {"localhost", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "2130706433", "127.1"}) {
        const FetchResult result = fetchOne("http://" + host + ":" + port + "/", publicOnly());
        INFO(host << ": " << result.error);
        CHECK_FALSE(result.ok);
        CHECK(result.attempts == 1);
        CHECK(result.error.rfind("refused to connect to ", 0) == 0);
        CHECK((contains(result.error, "(loopback address)") || contains(result.error, "(unspecified address)")));
    }
    const FetchResult mapped = fetchOne("http://[::ffff:127.0.0.1]:" + port + "/", publicOnly());
    CHECK(contains(mapped.error, "refused to connect to ::ffff:127.0.0.1 (loopback address)"));
}

TEST_CASE("a redirect from a public server to a private or metadata address is refused", "[fetcher][network]") {
    TestServer server([](const std::string& path) {
        Reply reply;
        reply.status = 302;
        if (path == "/to-metadata") reply.headers = {{"Location", "http://169.254.169.254/latest/meta-data/"}};
        else if (path == "/to-private") reply.headers = {{"Location", "http://10.0.0.1/admin"}};
        else if (path == "/to-mapped") reply.headers = {{"Location", "http://[::ffff:a9fe:a9fe]/latest/meta-data/"}};
        else return text("public page");
        return reply;
    });
    // The test server plays a public one: 127.0.0.1 counts as public, nothing else changes.
    FetchOptions options = publicOnly();
    options.treatAsPublicForTests = isIpv4Loopback;

    const FetchResult direct = fetchOne(server.url("/page"), options);
    CHECK(direct.ok);
    CHECK(direct.body == "public page");

    const FetchResult metadata = fetchOne(server.url("/to-metadata"), options);
    CHECK_FALSE(metadata.ok);
    CHECK(metadata.attempts == 1);
    CHECK(metadata.error ==
          "refused to connect to 169.254.169.254 (link-local address): the source was not added with --allow-private");
    CHECK(metadata.finalUrl == "http://169.254.169.254/latest/meta-data/");

    const FetchResult privateHop = fetchOne(server.url("/to-private"), options);
    CHECK_FALSE(privateHop.ok);
    CHECK(privateHop.attempts == 1);
    CHECK(privateHop.error ==
          "refused to connect to 10.0.0.1 (private address): the source was not added with --allow-private");

    const FetchResult mapped = fetchOne(server.url("/to-mapped"), options);
    CHECK_FALSE(mapped.ok);
    CHECK(contains(mapped.error, "refused to connect to ::ffff:169.254.169.254 (link-local address)"));
    server.stop();
    // Each refused redirect was asked for once: the refusal is not retried.
    CHECK(server.requestsSeen() == 4);
}

TEST_CASE("a source allowed private addresses is still refused cloud metadata addresses", "[fetcher][network]") {
    TestServer server([](const std::string& path) {
        Reply reply;
        reply.status = 302;
        if (path == "/to-metadata") reply.headers = {{"Location", "http://169.254.169.254/latest/meta-data/"}};
        else if (path == "/to-mapped") reply.headers = {{"Location", "http://[::ffff:a9fe:a9fe]/latest/meta-data/"}};
        else if (path == "/to-alibaba") reply.headers = {{"Location", "http://100.100.100.200/latest/meta-data/"}};
        else return text("private page");
        return reply;
    });
    FetchOptions options = quickOptions();  // allowPrivate
    REQUIRE(options.allowPrivate);
    CHECK(fetchOne(server.url("/page"), options).ok);  // 127.0.0.1: a private address, allowed
    for (const char* hop : {"/to-metadata", "/to-mapped", "/to-alibaba"}) {
        const FetchResult result = fetchOne(server.url(hop), options);
        INFO(hop << ": " << result.error);
        CHECK_FALSE(result.ok);
        CHECK(result.attempts == 1);
        CHECK(contains(result.error, "a cloud metadata address: never allowed, not even with --allow-private"));
    }
    server.stop();
}

TEST_CASE("a connection opened for a request allowing private addresses is not reused by one that does not",
          "[fetcher][network]") {
    TestServer server([](const std::string& path) { return text("page " + path); });
    Fetcher fetcher(4);
    FetchResult first;
    FetchResult second;
    FetchResult third;
    // Submitted from the callbacks, so each finds the previous one's connection idle in a pool.
    fetcher.submit({server.url("/allowed"), {}, quickOptions(), [&](FetchResult&& result) {
                        first = std::move(result);
                        fetcher.submit({server.url("/public-only"), {}, publicOnly(), [&](FetchResult&& next) {
                                            second = std::move(next);
                                            fetcher.submit({server.url("/allowed-again"), {}, quickOptions(),
                                                            [&](FetchResult&& last) { third = std::move(last); }});
                                        }});
                    }});
    fetcher.run();
    server.stop();

    CHECK(first.ok);
    CHECK_FALSE(second.ok);
    CHECK(contains(second.error, "refused to connect to 127.0.0.1 (loopback address)"));
    CHECK(third.ok);
    CHECK(server.requestsSeen() == 2);
    CHECK(server.connectionsAccepted() == 1);  // the private pool still reuses its own connections
}

TEST_CASE("only http and https are fetched: file, gopher, ftp and dict URLs are refused before any connection",
          "[fetcher][network]") {
    for (const std::string url : {"file:///etc/passwd", "gopher://127.0.0.1:70/_GET", "ftp://127.0.0.1/file",
                                  "dict://127.0.0.1:11211/stats", "FILE:///etc/hostname", "/relative/path"}) {
        // Even with private addresses allowed: the scheme is checked first.
        const FetchResult result = fetchOne(url, quickOptions());
        INFO(url << ": " << result.error);
        CHECK_FALSE(result.ok);
        CHECK(result.attempts == 1);
        CHECK(result.body.empty());
        CHECK(result.error.rfind("not an http(s) URL: " + url, 0) == 0);
    }
    CHECK(fetchOne("file:///etc/passwd", quickOptions()).error ==
          "not an http(s) URL: file:///etc/passwd (file: is not fetched)");
}

TEST_CASE("a TLS pin means https only, redirects included", "[fetcher][network]") {
    TestServer server([](const std::string&) {
        Reply reply;
        reply.status = 302;
        reply.headers = {{"Location", "http://127.0.0.1:1/plain"}};
        return reply;
    });
    FetchOptions pinned = quickOptions();
    pinned.tlsPin = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
    const FetchResult plain = fetchOne(server.url("/"), pinned);
    server.stop();
    CHECK_FALSE(plain.ok);
    CHECK(plain.error == "not an https URL: " + server.url("/") + " (a source with a TLS pin is fetched over https only)");
    CHECK(server.requestsSeen() == 0);
}

TEST_CASE("TLS: certificates are verified, a CA bundle can be given, and a public-key pin is enforced",
          "[fetcher][network][tls]") {
    using tweeling::test::run;
    using tweeling::test::ServerProcess;
    using tweeling::test::sourcePath;
    using tweeling::test::TempDir;
    TempDir dir;
    const std::string cert = dir.file("cert.pem");
    const std::string key = dir.file("key.pem");
    const auto made = run({"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1"});
    if (made.exitCode != 0) {
        WARN("openssl cannot make a test certificate; skipped: " << made.err);
        return;
    }
    // The pin as `curl --pinnedpubkey` takes it: the base64 SHA-256 of the DER SubjectPublicKeyInfo.
    const auto pinned = run({"/bin/sh", "-c",
                             "openssl x509 -in '" + cert + "' -pubkey -noout | openssl pkey -pubin -outform der | "
                             "openssl dgst -sha256 -binary | openssl base64 -A"});
    REQUIRE(pinned.exitCode == 0);
    const std::string pin = "sha256//" + pinned.out;
    REQUIRE(pin.size() == 52);

    ServerProcess server({"/usr/bin/env", "python3", sourcePath("tests/federation/harvest/tls_server.py"), cert, key});
    const std::string where = server.baseUrl().substr(std::string("http://").size());
    const std::string url = "https://" + where + "/feed";

    FetchOptions options = quickOptions();  // allowPrivate: the server is on 127.0.0.1
    const FetchResult untrusted = fetchOne(url, options);
    CHECK_FALSE(untrusted.ok);
    CHECK(untrusted.attempts == 1);
    CHECK(untrusted.error.rfind("the TLS certificate of " + where + " is not trusted", 0) == 0);

    options.caBundlePath = cert;
    const FetchResult trusted = fetchOne(url, options);
    INFO(trusted.error);
    CHECK(trusted.ok);
    CHECK(trusted.body == "tls ok");

    options.tlsPin = pin;
    const FetchResult matching = fetchOne(url, options);
    INFO(matching.error);
    CHECK(matching.ok);

    options.tlsPin = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
    const FetchResult otherKey = fetchOne(url, options);
    CHECK_FALSE(otherKey.ok);
    CHECK(otherKey.attempts == 1);
    CHECK(otherKey.error == "the TLS public key of " + where + " does not match the source's pin");

    options.tlsPin.clear();
    options.caBundlePath = dir.file("missing.pem");
    const FetchResult noBundle = fetchOne(url, options);
    CHECK_FALSE(noBundle.ok);
    CHECK(noBundle.error.rfind("cannot read the CA bundle " + dir.file("missing.pem"), 0) == 0);
}

TEST_CASE("a cancelled request ends at once, wherever it is, and is not retried") {
    TestServer server([](const std::string& path) {
        Reply reply;
        reply.stall = path == "/stall";
        reply.status = path == "/busy" ? 503 : 200;
        reply.headers.emplace_back("Retry-After", "30");  // the retry would wait half a minute
        return reply;
    });
    std::atomic<bool> cancel{false};
    Fetcher fetcher(4);
    std::vector<FetchResult> results;
    for (const char* path : {"/stall", "/busy"}) {
        FetchRequest request{
            server.url(path), {}, quickOptions(), [&](FetchResult&& result) { results.push_back(std::move(result)); }};
        request.options.totalTimeoutMs = 60000;
        request.options.backoffMaxMs = 60000;
        request.cancelled = [&] { return cancel.load(); };
        fetcher.submit(std::move(request));
    }
    // Cancelled from another thread, as a hub shutting down does: wake() makes run() look at once.
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel = true;
        fetcher.wake();
    });
    const auto started = std::chrono::steady_clock::now();
    fetcher.run();
    const auto took = std::chrono::steady_clock::now() - started;
    canceller.join();
    server.stop();

    CHECK(took < std::chrono::seconds(2));
    REQUIRE(results.size() == 2);
    for (const auto& result : results) {
        CHECK(result.cancelled);
        CHECK_FALSE(result.ok);
        CHECK(result.error == "cancelled");
        // What a request waiting to retry had failed with, for its report; nothing had failed yet for
        // the one still in its first attempt.
        CHECK(result.failedBefore == (result.url == server.url("/busy") ? "HTTP 503 Service Unavailable" : ""));
    }
    CHECK(fetcher.pending() == 0);
}
