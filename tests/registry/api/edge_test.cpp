// The hardened HTTP edge of the real programs (README "Hardening"): rate limits per client address and
// per publisher key (429 + Retry-After), --trusted-proxy, slow clients cut off by the header and body
// timeouts while others are served, the options' validation, and the nginx example; and the HTTP layer
// from raw sockets: malformed requests, pipelining, closing, HEAD, writes judged by their head.
#include "common/json.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

using namespace tweeling::test;
using tweeling::common::Json;

namespace {

const std::string kAmsterdam = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";
const std::string kTooManyRequestsType = "https://w3id.org/tweeling/problem/too-many-requests";

std::string registry() {
    return binPath("twin-registry");
}

Json parse(const std::string& text) {
    Json doc;
    doc.Parse(text.c_str(), text.size());
    INFO(text);
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.IsObject());
    return doc;
}

// A 429 as promised: a problem document naming the limit, and Retry-After in whole seconds >= 1.
long checkTooManyRequests(const HttpResponse& response, const std::string& limitName) {
    INFO(response.body);
    REQUIRE(response.status == 429);
    CHECK(response.header("content-type") == "application/problem+json");
    std::string retryAfter = response.header("retry-after");
    REQUIRE_FALSE(retryAfter.empty());
    REQUIRE(retryAfter.find_first_not_of("0123456789") == std::string::npos);
    long seconds = std::stol(retryAfter);
    CHECK(seconds >= 1);
    Json problem = parse(response.body);
    CHECK(std::string(problem["type"].GetString()) == kTooManyRequestsType);
    CHECK(problem["status"].GetInt() == 429);
    std::string detail = problem["detail"].GetString();
    CHECK(detail.find(limitName) != std::string::npos);
    CHECK(detail.find("Retry after " + retryAfter + " s") != std::string::npos);
    return seconds;
}

std::string createKey(const std::string& db) {
    auto result = run({registry(), "keys", "create", "--db", db, "--publisher", kAmsterdam, "--node-id", "gm0363"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    std::string key = result.out;
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    return key;
}

// The first Amsterdam sample with another id.
std::string sampleRecord(const std::string& id) {
    Json all;
    std::string text = readFile(sourcePath("deploy/samples/gm0363-amsterdam.json"));
    all.Parse(text.c_str(), text.size());
    REQUIRE(all.IsArray());
    Json doc;
    doc.CopyFrom(all[0], doc.GetAllocator());
    doc["id"].SetString(id.c_str(), doc.GetAllocator());
    return tweeling::common::toString(doc);
}

HttpResponse publish(const std::string& items, const std::string& id, const std::string& key) {
    HttpRequest request;
    request.method = "POST";
    request.url = items;
    request.body = sampleRecord(id);
    request.headers = {"Content-Type: application/geo+json", "Authorization: Bearer " + key, "Expect:"};
    return send(request);
}

int portOf(const std::string& baseUrl) {
    return std::stoi(baseUrl.substr(baseUrl.rfind(':') + 1));
}

// A TCP connection to the server: non-blocking, or blocking with a 5 s receive timeout.
int connectLoopback(int port, bool nonBlocking) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    if (nonBlocking) {
        fcntl(fd, F_SETFL, O_NONBLOCK);
    } else {
        timeval timeout{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    return fd;
}

}  // namespace

namespace {

// One response read from a blocking socket: its head (lower-cased) and body, by Content-Length.
struct RawResponse {
    std::string head;
    std::string body;
};

RawResponse readResponse(int fd) {
    std::string data;
    char chunk[4096];
    RawResponse out;
    std::size_t headEnd = std::string::npos, length = 0;
    while (true) {
        if (headEnd == std::string::npos && (headEnd = data.find("\r\n\r\n")) != std::string::npos) {
            out.head = data.substr(0, headEnd);
            for (char& c : out.head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto at = out.head.find("content-length:");
            length = at == std::string::npos ? 0 : std::stoul(out.head.substr(at + 15));
        }
        if (headEnd != std::string::npos && data.size() >= headEnd + 4 + length) break;
        ssize_t got = recv(fd, chunk, sizeof chunk, 0);
        REQUIRE(got > 0);  // not closed, not timed out (SO_RCVTIMEO)
        data.append(chunk, static_cast<std::size_t>(got));
    }
    out.body = data.substr(headEnd + 4, length);
    return out;
}

void sendText(int fd, const std::string& text) {
    REQUIRE(::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
}

}  // namespace

TEST_CASE("HTTP/1.1 connections persist without a Connection header; close and HTTP/1.0 are honoured", "[edge]") {
    TempDir dir;
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--quiet"});
    const int port = portOf(node.baseUrl());
    {
        // As curl, GDAL and most HTTP/1.1 clients ask: no Connection header. Three requests, one connection.
        int fd = connectLoopback(port, false);
        for (int i = 0; i < 3; ++i) {
            sendText(fd, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawResponse response = readResponse(fd);
            INFO(response.head);
            CHECK(response.head.rfind("http/1.1 200", 0) == 0);
            CHECK(response.head.find("connection: keep-alive") != std::string::npos);
            CHECK(response.body.find("\"status\":\"ok\"") != std::string::npos);
        }
        close(fd);
    }
    for (const char* request : {"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                "GET /health HTTP/1.0\r\n\r\n"}) {
        int fd = connectLoopback(port, false);
        sendText(fd, request);
        RawResponse response = readResponse(fd);
        INFO(request);
        CHECK(response.head.find("connection: close") != std::string::npos);
        close(fd);
    }
}

TEST_CASE("a client over its rate limit gets 429 with Retry-After; /health stays exempt", "[edge]") {
    TempDir dir;
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--quiet", "--rate-limit", "0.1", "--rate-burst", "3"});
    const std::string items = node.baseUrl() + "/collections/twins/items";
    for (int i = 0; i < 3; ++i) CHECK(get(items).status == 200);
    long retryAfter = checkTooManyRequests(get(items), "client address");
    CHECK(retryAfter <= 10);                                    // one token per 10 s
    CHECK(get(node.baseUrl() + "/collections").status == 429);  // the limit is per client, not per path
    // Monitoring keeps working while the client is limited.
    for (int i = 0; i < 5; ++i) CHECK(get(node.baseUrl() + "/health").status == 200);
    // Without --trusted-proxy, X-Forwarded-For is the client's own claim and changes nothing.
    CHECK(get(items, {"X-Forwarded-For: 203.0.113.50"}).status == 429);
}

TEST_CASE("a limited client passes again after Retry-After", "[edge]") {
    TempDir dir;
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--quiet", "--rate-limit", "1", "--rate-burst", "1"});
    const std::string url = node.baseUrl() + "/collections";
    HttpResponse limited;
    for (int attempt = 0; attempt < 10 && limited.status != 429; ++attempt) limited = get(url);
    long retryAfter = checkTooManyRequests(limited, "client address");
    std::this_thread::sleep_for(std::chrono::seconds(retryAfter) + std::chrono::milliseconds(100));
    CHECK(get(url).status == 200);
}

TEST_CASE("behind a trusted proxy each forwarded client has its own limit (options from a config file)", "[edge]") {
    TempDir dir;
    {
        std::ofstream config(dir.file("node.conf"));
        config << "rate-limit = 0.1\nrate-burst = 1\n"
               << "# repeatable: both lines count\ntrusted-proxy = 10.0.0.0/8\ntrusted-proxy = 127.0.0.1\n";
    }
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--config", dir.file("node.conf")});
    const std::string url = node.baseUrl() + "/collections";
    CHECK(get(url, {"X-Forwarded-For: 203.0.113.7"}).status == 200);
    checkTooManyRequests(get(url, {"X-Forwarded-For: 203.0.113.7"}), "client address");
    CHECK(get(url, {"X-Forwarded-For: 203.0.113.8"}).status == 200);
    // A forged left-most entry does not make a new client; a chain through trusted proxies is followed.
    CHECK(get(url, {"X-Forwarded-For: 198.51.100.1, 203.0.113.8"}).status == 429);
    CHECK(get(url, {"X-Forwarded-For: 203.0.113.9, 10.1.2.3"}).status == 200);
    // The proxy's own requests (no header) have the proxy's bucket.
    CHECK(get(url).status == 200);
    CHECK(get(url).status == 429);
    // The request log names the forwarded client.
    CHECK(node.logText().find("\"client\":\"203.0.113.9\"") != std::string::npos);
}

TEST_CASE("a publisher key over its write limit gets 429; other keys and reads go on", "[edge]") {
    TempDir dir;
    const std::string db = dir.file("node.db");
    std::string first = createKey(db), second = createKey(db);
    ServerProcess node({registry(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--node-id", "gm0363", "--quiet",
                        "--rate-limit", "0", "--publish-rate-limit", "0.1", "--publish-rate-burst", "2"});
    const std::string items = node.baseUrl() + "/collections/twins/items";
    for (const char* id : {"gm0363-edge-1", "gm0363-edge-2"}) {
        auto created = publish(items, id, first);
        INFO(created.body);
        CHECK(created.status == 201);
    }
    checkTooManyRequests(publish(items, "gm0363-edge-3", first), "publisher key");
    CHECK(get(items + "/gm0363-edge-3").status == 404);  // refused before the body was read
    // A delete is a write too.
    HttpRequest remove;
    remove.method = "DELETE";
    remove.url = items + "/gm0363-edge-1";
    remove.headers = {"Authorization: Bearer " + first};
    checkTooManyRequests(send(remove), "publisher key");
    CHECK(get(items + "/gm0363-edge-1").status == 200);
    // Another key has its own bucket; reads are not writes.
    CHECK(publish(items, "gm0363-edge-3", second).status == 201);
    for (int i = 0; i < 5; ++i) CHECK(get(items).status == 200);
    // A wrong key is refused as before (401), not counted against anyone.
    CHECK(publish(items, "gm0363-edge-4", "twk_000000000000_nonsense").status == 401);
}

TEST_CASE("a hub limits per client address too", "[edge]") {
    std::string hub = binPath("twin-federation");
    if (access(hub.c_str(), X_OK) != 0) {
        WARN("twin-federation is not built; skipped");
        return;
    }
    TempDir dir;
    ServerProcess server({hub, "serve", "--db", dir.file("hub.db"), "--listen", "127.0.0.1:0", "--hub-id", "edge",
                          "--quiet", "--no-harvest", "--rate-limit", "0.1", "--rate-burst", "1"});
    CHECK(get(server.baseUrl() + "/sources").status == 200);
    checkTooManyRequests(get(server.baseUrl() + "/sources"), "client address");
    CHECK(get(server.baseUrl() + "/health").status == 200);
}

TEST_CASE("a hub limits each admin key's writes", "[edge]") {
    std::string hub = binPath("twin-federation");
    if (access(hub.c_str(), X_OK) != 0) {
        WARN("twin-federation is not built; skipped");
        return;
    }
    TempDir dir;
    auto created = run({hub, "keys", "create", "--admin", "--db", dir.file("hub.db"), "--hub-id", "edge"});
    REQUIRE(created.exitCode == 0);
    std::string admin = created.out.substr(0, created.out.find('\n'));
    ServerProcess server({hub, "serve", "--db", dir.file("hub.db"), "--listen", "127.0.0.1:0", "--quiet",
                          "--no-harvest", "--publish-rate-limit", "0.1", "--publish-rate-burst", "2"});
    auto add = [&](const std::string& id) {
        return send({"POST", server.baseUrl() + "/sources",
                     "{\"id\":\"" + id + "\",\"url\":\"https://example.org/" + id + "\"}",
                     {"Content-Type: application/json", "Authorization: Bearer " + admin}});
    };
    CHECK(add("a").status == 201);
    CHECK(add("b").status == 201);
    checkTooManyRequests(add("c"), "publisher key");
    CHECK(get(server.baseUrl() + "/sources/c").status == 404);  // refused before anything was stored
}

TEST_CASE("slow-drip clients are cut off by the header and body timeouts while others are served", "[edge]") {
    TempDir dir;
    const std::string key = createKey(dir.file("node.db"));
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--quiet", "--threads", "2", "--header-timeout", "2", "--body-timeout", "2"});
    const int port = portOf(node.baseUrl());
    constexpr int kHeaderDrips = 40, kBodyDrips = 5;
    // Never complete: the header has no blank line within the bytes dripped; the body is 100 bytes.
    // The write has a good key: a write without one is refused by its head, before any body.
    const std::string header = "GET /collections/twins/items HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: dripping";
    const std::string bodyHead =
        "POST /collections/twins/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key +
        "\r\nContent-Type: application/geo+json\r\nContent-Length: 100\r\n\r\n";

    struct Connection {
        int fd = -1;
        bool body = false;
        std::size_t sent = 0;
        bool closed = false;
        std::string received;
    };
    std::vector<Connection> connections(kHeaderDrips + kBodyDrips);
    for (std::size_t i = 0; i < connections.size(); ++i) {
        connections[i].fd = connectLoopback(port, true);
        connections[i].body = i >= static_cast<std::size_t>(kHeaderDrips);
        if (connections[i].body) send(connections[i].fd, bodyHead.data(), bodyHead.size(), MSG_NOSIGNAL);
    }

    // One byte a second on every open connection; reads whatever the server says. Bounded: the
    // timeouts are 2 s, so 20 rounds are a hang guard, not a time assertion.
    std::atomic<int> open{static_cast<int>(connections.size())};
    std::thread dripper([&] {
        for (int round = 0; round < 20 && open.load() > 0; ++round) {
            for (auto& connection : connections) {
                if (connection.closed) continue;
                char buffer[512];
                ssize_t got;
                while ((got = recv(connection.fd, buffer, sizeof buffer, 0)) > 0)
                    connection.received.append(buffer, got);
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                    connection.closed = true;
                    open.fetch_sub(1);
                    continue;
                }
                char byte = connection.body ? 'x' : header[connection.sent % header.size()];
                if (send(connection.fd, &byte, 1, MSG_NOSIGNAL) == 1) ++connection.sent;
            }
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    });

    // Meanwhile another client is served normally (a stall would hit the 5 s client timeout).
    int served = 0;
    for (int i = 0; i < 10; ++i) {
        for (const char* path : {"/health", "/collections/twins/items"}) {
            HttpRequest request;
            request.url = node.baseUrl() + path;
            request.timeoutMs = 5000;
            HttpResponse response = send(request);
            if (response.status == 200) ++served;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    dripper.join();
    CHECK(served == 20);

    int cutOff = 0, answered408 = 0;
    for (auto& connection : connections) {
        if (connection.closed) ++cutOff;
        if (connection.received.rfind("HTTP/1.1 408", 0) == 0) ++answered408;
        INFO("sent " << connection.sent << " bytes, got: " << connection.received);
        CHECK(connection.sent < header.size());  // closed before the request could ever be complete
        close(connection.fd);
    }
    CHECK(cutOff == kHeaderDrips + kBodyDrips);
    CHECK(answered408 == kHeaderDrips + kBodyDrips);
}

namespace {

int statusOf(const RawResponse& response) {
    return response.head.size() >= 12 ? std::atoi(response.head.c_str() + 9) : 0;
}

std::size_t longestHeaderLine(const std::string& head) {
    std::size_t longest = 0, start = 0;
    while (start <= head.size()) {
        auto end = head.find("\r\n", start);
        if (end == std::string::npos) end = head.size();
        longest = std::max(longest, end - start);
        start = end + 2;
    }
    return longest;
}

// One GET on a fresh connection, as raw bytes: the client sends the whole request, then reads.
RawResponse rawGet(int port, const std::string& target) {
    int fd = connectLoopback(port, false);
    sendText(fd, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    RawResponse response = readResponse(fd);
    close(fd);
    return response;
}

}  // namespace

TEST_CASE("request targets and query values are bounded, and no response header grows with the query", "[edge]") {
    TempDir dir;
    auto imported = run({registry(), "import", "--db", dir.file("node.db"), "--node-id", "gm0363",
                         sourcePath("deploy/samples/gm0363-amsterdam.json")});
    REQUIRE(imported.exitCode == 0);
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--quiet", "--rate-limit", "0"});
    const int port = portOf(node.baseUrl());
    const std::string items = "/collections/twins/items";

    // A 1 MB URL: 414, a problem document that does not echo it.
    RawResponse huge = rawGet(port, items + "?q=" + std::string(1000000, 'a'));
    INFO(huge.head << "\n" << huge.body.substr(0, 500));
    CHECK(statusOf(huge) == 414);
    CHECK(huge.head.find("content-type: application/problem+json") != std::string::npos);
    CHECK(parse(huge.body)["status"].GetInt() == 414);
    CHECK(huge.body.size() < 1024);

    // A 12 KB query: refused, or answered with small header lines (Python's http.client gives up on
    // a line of 64 KiB); either way every header line is small.
    RawResponse long12k = rawGet(port, items + "?q=gebouwen&themes=" + std::string(12000, 'x'));
    INFO(long12k.head.substr(0, 2000));
    const int status12k = statusOf(long12k);
    CHECK(((status12k >= 400 && status12k < 500) || longestHeaderLine(long12k.head) < 4096));
    CHECK(longestHeaderLine(long12k.head) < 4096);

    // A query within the bounds, with values of 3,000 bytes: answered, and its Link header stays
    // small (the links that repeat the query are in the body).
    const std::string within =
        items + "?q=gebouwen&themes=" + std::string(3000, 'x') + "&formats=" + std::string(3000, 'y');
    for (const std::string& target : {within, within + "&f=html", items + "?q=gebouwen"}) {
        RawResponse answered = rawGet(port, target);
        INFO(target.substr(0, 100) << "\n" << answered.head.substr(0, 2000));
        CHECK(statusOf(answered) == 200);
        CHECK(longestHeaderLine(answered.head) < 4096);
        CHECK(answered.head.find("link: <") != std::string::npos);  // the short links are still there
    }

    // One value over its bound: 400 naming the parameter, without echoing the value.
    RawResponse tooLong = rawGet(port, items + "?q=gebouwen&themes=" + std::string(5000, 'z'));
    INFO(tooLong.body.substr(0, 500));
    CHECK(statusOf(tooLong) == 400);
    Json problem = parse(tooLong.body);
    CHECK(std::string(problem["parameter"].GetString()) == "themes");
    CHECK(tooLong.body.find(std::string(100, 'z')) == std::string::npos);
}

TEST_CASE("a client streaming a huge request head is refused early while others are served", "[edge]") {
    TempDir dir;
    // One reactor thread: the streaming client and the others share it.
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--quiet", "--threads", "1", "--rate-limit", "0"});
    const int port = portOf(node.baseUrl());

    // A header line that never ends, written 64 KiB at a time for up to 10 s, reading between
    // writes. Catch's assertions are not thread-safe: the thread only records what happened.
    int fd = connectLoopback(port, true);
    std::atomic<bool> streaming{true};
    std::string received;
    bool closed = false;
    std::size_t sent = 0;
    std::thread streamer([&] {
        const std::string start = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ";
        ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
        const std::string chunk(64 * 1024, 'h');
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < until) {
            char buffer[4096];
            ssize_t got;
            while ((got = recv(fd, buffer, sizeof buffer, 0)) > 0)
                received.append(buffer, static_cast<std::size_t>(got));
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                closed = true;
                break;
            }
            if (!received.empty()) break;  // answered
            ssize_t written = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
            if (written > 0) {
                sent += static_cast<std::size_t>(written);
            } else if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                closed = true;
                break;
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        }
        streaming.store(false);
    });

    // Meanwhile, and after, /health answers promptly (each within 2 s, a generous bound).
    int asked = 0, healthy = 0;
    for (int after = 0; after < 5; after += streaming.load() ? 0 : 1) {
        HttpRequest request;
        request.url = node.baseUrl() + "/health";
        request.timeoutMs = 2000;
        ++asked;
        try {
            if (send(request).status == 200) ++healthy;
        } catch (const std::exception&) {
            // timed out: counted as not healthy
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (asked > 1000) break;
    }
    streamer.join();
    close(fd);
    CHECK(healthy == asked);
    INFO("sent " << sent << " bytes; got: " << received.substr(0, 300));
    CHECK((received.rfind("HTTP/1.1 431", 0) == 0 || (received.empty() && closed)));
    // Refused soon after the 32 KiB bound, not after megabytes (kernel buffers hold a few).
    CHECK(sent < 16 * 1024 * 1024);
}

TEST_CASE("the hardening options are checked and documented", "[edge]") {
    TempDir dir;
    const std::string db = dir.file("node.db");
    for (std::vector<std::string> bad : {std::vector<std::string>{"--rate-limit", "fast"},
                                         {"--rate-limit", "-1"},
                                         {"--rate-burst", "0"},
                                         {"--publish-rate-limit", "10x"},
                                         {"--header-timeout", "0"},
                                         {"--header-timeout", "2.5"},
                                         {"--body-timeout", "99999"},
                                         {"--trusted-proxy", "proxy.example.org"},
                                         {"--trusted-proxy", "10.0.0.0/40"},
                                         {"--tls-cert", "cert.pem"}}) {
        std::vector<std::string> argv = {registry(), "serve", "--db", db, "--listen", "127.0.0.1:0"};
        argv.insert(argv.end(), bad.begin(), bad.end());
        auto result = run(argv);
        INFO(bad[0] << " " << bad[1] << ": " << result.err);
        CHECK(result.exitCode == 2);
    }
    auto help = run({registry(), "serve", "--help"});
    CHECK(help.exitCode == 0);
    for (const char* option : {"--rate-limit", "--rate-burst", "--publish-rate-limit", "--publish-rate-burst",
                               "--header-timeout", "--body-timeout", "--trusted-proxy"})
        CHECK(help.out.find(option) != std::string::npos);
}

TEST_CASE("the nginx example passes nginx -t", "[edge]") {
    const char* nginx = "/usr/sbin/nginx";
    if (access(nginx, X_OK) != 0) {
        WARN("nginx is not installed (Debian package nginx); the example was not checked");
        return;
    }
    TempDir dir;
    // The example names Let's Encrypt's files; nginx -t loads them, so point it at a throwaway pair.
    auto made = run({"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                     "/CN=localhost", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem")});
    REQUIRE(made.exitCode == 0);
    std::string site = readFile(sourcePath("deploy/nginx/tweeling.conf"));
    for (std::size_t at; (at = site.find("/etc/letsencrypt/live/")) != std::string::npos;) {
        auto end = site.find(';', at);
        bool key = site.substr(at, end - at).find("privkey") != std::string::npos;
        site.replace(at, end - at, dir.file(key ? "key.pem" : "cert.pem"));
    }
    {
        std::ofstream out(dir.file("tweeling.conf"));
        out << site;
        std::ofstream main(dir.file("nginx.conf"));
        main << "pid " << dir.file("nginx.pid") << ";\nerror_log " << dir.file("error.log") << ";\n"
             << "events {}\nhttp {\n  access_log off;\n  include " << dir.file("tweeling.conf") << ";\n}\n";
    }
    auto result = run({nginx, "-t", "-q", "-p", dir.path(), "-c", dir.file("nginx.conf")});
    INFO(result.out << result.err);
    CHECK(result.exitCode == 0);
}

TEST_CASE("the example configuration files, hardening lines included, are accepted", "[edge]") {
    TempDir dir;
    // The command line wins over the file's db and listen lines.
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--quiet",
                        "--config", sourcePath("deploy/twin-registry.conf.example")});
    CHECK(get(node.baseUrl() + "/health").status == 200);
    std::string hub = binPath("twin-federation");
    if (access(hub.c_str(), X_OK) != 0) return;
    ServerProcess federation({hub, "serve", "--db", dir.file("hub.db"), "--listen", "127.0.0.1:0", "--quiet",
                              "--no-harvest", "--config", sourcePath("deploy/twin-federation.conf.example")});
    CHECK(get(federation.baseUrl() + "/health").status == 200);
}

// ---- The HTTP layer (api/http_parser.hpp, api/server.cpp; docs/RELIABILITY.md "The HTTP layer") ----

namespace {

// Everything the server sends until it closes the connection; `closed` false when the 5 s receive
// timeout ended the read instead.
struct UntilClose {
    std::string data;
    bool closed = false;
};

UntilClose readUntilClose(int fd) {
    UntilClose out;
    char chunk[4096];
    for (;;) {
        ssize_t got = recv(fd, chunk, sizeof chunk, 0);
        if (got == 0) {
            out.closed = true;
            return out;
        }
        if (got < 0) return out;
        out.data.append(chunk, static_cast<std::size_t>(got));
    }
}

// The statuses of the responses in `data`, in order (each found by its status line).
std::vector<int> statusesIn(const std::string& data) {
    std::vector<int> statuses;
    for (std::size_t at = data.find("HTTP/1.1 "); at != std::string::npos; at = data.find("HTTP/1.1 ", at + 1))
        statuses.push_back(std::atoi(data.c_str() + at + 9));
    return statuses;
}

long metricOf(const std::string& baseUrl, const std::string& statusClass) {
    std::string text = get(baseUrl + "/metrics").body;
    std::string name = "tweeling_http_requests_total{code=\"" + statusClass + "\"} ";
    auto at = text.find(name);
    REQUIRE(at != std::string::npos);
    return std::stol(text.substr(at + name.size()));
}

}  // namespace

TEST_CASE("what the request parser refuses is a problem document, logged and counted", "[edge][http]") {
    TempDir dir;
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--rate-limit", "0"});
    const int port = portOf(node.baseUrl());
    const long clientErrorsBefore = metricOf(node.baseUrl(), "4xx"), serverErrorsBefore = metricOf(node.baseUrl(), "5xx");
    const std::string host = "Host: 127.0.0.1\r\n";
    struct Case {
        std::string request;
        int status;
        const char* naming;  // in the problem's detail
    };
    const std::vector<Case> refused{
        {"POST /collections/twins/items HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400, "Content-Length"},
        {"POST /collections/twins/items HTTP/1.1\r\n" + host + "Content-Length: 99999999999999999999999\r\n\r\n", 413,
         "Content-Length"},
        {"POST /collections/twins/items HTTP/1.1\r\n" + host + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
         400, "Transfer-Encoding"},
        {"POST /collections/twins/items HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 400,
         "Content-Length"},
        {"POST /collections/twins/items HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", 501, "gzip"},
        {"GET /health HTTP/1.1\r\n" + host + "Accept : */*\r\n\r\n", 400, "Accept"},
        {"GET /health HTTP/1.1\r\n" + host + "X-Folded: a\r\n b\r\n\r\n", 400, "obs-fold"},
        {"GET /health HTTP/1.1\r\n" + host + "X-Bare: a\rb\r\n\r\n", 400, "CR or LF"},
        {"GET /health HTTP/1.1\r\n\r\n", 400, "Host"},
        {"GET /health HTTP/1.1\r\n" + host + host + "\r\n", 400, "Host"},
        {"GET /health#top HTTP/1.1\r\n" + host + "\r\n", 400, "request-target"},
        {"G@T /health HTTP/1.1\r\n" + host + "\r\n", 400, "method"},
        {"GET /health HTTP/1.1\r\n" + host + "X[1]: a\r\n\r\n", 400, "X[1]"},
        {"GET /health HTTP/2.0\r\n" + host + "\r\n", 505, "HTTP/2.0"},
        {"GET /health HTTP/1.1\r\n" + host + "Expect: teapot\r\n\r\n", 417, "teapot"},
        // Not a write (those are judged by their head first: 401 without a key), so the body is read.
        {"POST /health HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nxyz\r\n", 400, "chunk"}};
    for (const auto& each : refused) {
        int fd = connectLoopback(port, false);
        sendText(fd, each.request);
        UntilClose answer = readUntilClose(fd);
        close(fd);
        INFO(each.request << "\n-> " << answer.data);
        CHECK(answer.closed);  // the connection's further bytes cannot be trusted: closed after the answer
        const auto headEnd = answer.data.find("\r\n\r\n");
        REQUIRE(headEnd != std::string::npos);
        CHECK(statusesIn(answer.data).at(0) == each.status);
        CHECK(answer.data.find("Content-Type: application/problem+json") < headEnd);
        CHECK(answer.data.find("API-Version: ") < headEnd);
        Json problem = parse(answer.data.substr(headEnd + 4));
        CHECK(problem["status"].GetInt() == each.status);
        CHECK(std::string(problem["detail"].GetString()).find(each.naming) != std::string::npos);
    }
    // Counted in /metrics and logged, like every other answer.
    long clientErrors = 0, serverErrors = 0;
    for (const auto& each : refused) (each.status < 500 ? clientErrors : serverErrors) += 1;
    CHECK(metricOf(node.baseUrl(), "4xx") - clientErrorsBefore == clientErrors);
    CHECK(metricOf(node.baseUrl(), "5xx") - serverErrorsBefore == serverErrors);
    std::string log = node.logText();
    for (int status : {400, 413, 417, 501, 505})
        CHECK(log.find("\"status\":" + std::to_string(status) + ",") != std::string::npos);

    // Header values Pistache's typed headers used to choke on are just values: the request is served.
    for (const char* field : {"Cache-Control: max-stale", "Cache-Control: immutable", "Cache-Control: stale-if-error=1",
                              "Cache-Control: No-Cache", "Accept:", "Accept: ;;;/,q=x"}) {
        for (const char* path : {"/health", "/collections"}) {
            HttpRequest request;
            request.url = node.baseUrl() + path;
            request.headers = {field};
            HttpResponse response = send(request);
            INFO(field << " on " << path << ": " << response.body);
            CHECK(response.status == 200);
        }
    }
}

TEST_CASE("pipelined requests are all answered, in order; a pipelined PUT is executed", "[edge][http]") {
    TempDir dir;
    const std::string db = dir.file("node.db");
    const std::string key = createKey(db);
    ServerProcess node({registry(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--node-id", "gm0363", "--quiet",
                        "--rate-limit", "0"});
    const int port = portOf(node.baseUrl());
    const std::string host = "Host: 127.0.0.1\r\n";
    {
        int fd = connectLoopback(port, false);
        sendText(fd, "GET /health HTTP/1.1\r\n" + host + "\r\nGET /nothing HTTP/1.1\r\n" + host +
                         "\r\nGET /conformance HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
        UntilClose answers = readUntilClose(fd);
        close(fd);
        INFO(answers.data);
        CHECK(answers.closed);
        CHECK(statusesIn(answers.data) == std::vector<int>{200, 404, 200});
        CHECK(answers.data.find("\"status\":\"ok\"") < answers.data.find("not-found"));
        CHECK(answers.data.find("not-found") < answers.data.find("conformsTo"));
    }
    {
        const std::string record = sampleRecord("gm0363-pipelined");
        int fd = connectLoopback(port, false);
        sendText(fd, "PUT /collections/twins/items/gm0363-pipelined HTTP/1.1\r\n" + host +
                         "Authorization: Bearer " + key + "\r\nContent-Type: application/geo+json\r\nContent-Length: " +
                         std::to_string(record.size()) + "\r\n\r\n" + record +
                         "GET /collections/twins/items/gm0363-pipelined HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
        UntilClose answers = readUntilClose(fd);
        close(fd);
        INFO(answers.data.substr(0, 3000));
        CHECK(statusesIn(answers.data) == std::vector<int>{201, 200});
    }
    CHECK(get(node.baseUrl() + "/collections/twins/items/gm0363-pipelined").status == 200);
    {
        // Far more answers than the server holds for a client that does not read yet (1 MiB): it
        // waits while they are unread and goes on as they are read, until every one is answered.
        constexpr int kRequests = 1500;
        std::string burst;
        for (int i = 0; i < kRequests; ++i)
            burst += "GET /collections HTTP/1.1\r\n" + host + (i + 1 == kRequests ? "Connection: close\r\n\r\n" : "\r\n");
        int fd = connectLoopback(port, false);
        sendText(fd, burst);
        UntilClose answers = readUntilClose(fd);
        close(fd);
        CHECK(answers.closed);
        std::vector<int> statuses = statusesIn(answers.data);
        CHECK(statuses.size() == static_cast<std::size_t>(kRequests));
        CHECK(std::count(statuses.begin(), statuses.end(), 200) == kRequests);
        CHECK(answers.data.size() > 2 * 1024 * 1024);
    }
}

TEST_CASE("the server closes after Connection: close and HTTP/1.0; HEAD has the GET's Content-Length", "[edge][http]") {
    TempDir dir;
    ServerProcess node({registry(), "serve", "--db", dir.file("node.db"), "--listen", "127.0.0.1:0", "--node-id",
                        "gm0363", "--quiet", "--rate-limit", "0"});
    const int port = portOf(node.baseUrl());
    for (const char* request : {"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                "GET /health HTTP/1.0\r\n\r\n", "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"}) {
        int fd = connectLoopback(port, false);
        sendText(fd, request);
        RawResponse response = readResponse(fd);
        INFO(request);
        CHECK(response.head.find("connection: close") != std::string::npos);
        char byte;
        CHECK(recv(fd, &byte, 1, 0) == 0);  // the end of the stream, not the 5 s receive timeout
        close(fd);
    }

    int fd = connectLoopback(port, false);
    sendText(fd, "GET /collections HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    RawResponse full = readResponse(fd);
    REQUIRE_FALSE(full.body.empty());
    // HEAD, then a GET on the same connection: the GET's status line follows HEAD's head directly.
    sendText(fd, "HEAD /collections HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Connection: close\r\n\r\n");
    UntilClose answers = readUntilClose(fd);
    close(fd);
    INFO(answers.data);
    const auto headEnd = answers.data.find("\r\n\r\n");
    REQUIRE(headEnd != std::string::npos);
    std::string head = answers.data.substr(0, headEnd + 2);
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(head.find("content-length: " + std::to_string(full.body.size()) + "\r\n") != std::string::npos);
    CHECK(answers.data.compare(headEnd + 4, 12, "HTTP/1.1 200") == 0);
    CHECK(statusesIn(answers.data) == std::vector<int>{200, 200});
}

TEST_CASE("a write is judged by its head: refused before its body, or told 100 Continue", "[edge][http]") {
    TempDir dir;
    const std::string db = dir.file("node.db");
    const std::string key = createKey(db);
    ServerProcess node({registry(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--node-id", "gm0363", "--quiet",
                        "--rate-limit", "0", "--publish-rate-limit", "0.01", "--publish-rate-burst", "1"});
    const int port = portOf(node.baseUrl());
    const std::string record = sampleRecord("gm0363-continue");
    auto head = [&](const std::string& id, const std::string& bearer) {
        return "PUT /collections/twins/items/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bearer +
               "\r\nContent-Type: application/geo+json\r\nExpect: 100-continue\r\nContent-Length: " +
               std::to_string(record.size()) + "\r\n\r\n";
    };
    const long clientErrorsBefore = metricOf(node.baseUrl(), "4xx");
    {
        // A bad key: 401 while the body has not been sent, and the connection closed after it.
        int fd = connectLoopback(port, false);
        sendText(fd, head("gm0363-continue", "twk_000000000000_nonsense"));
        UntilClose answer = readUntilClose(fd);
        close(fd);
        INFO(answer.data);
        CHECK(answer.closed);
        CHECK(statusesIn(answer.data) == std::vector<int>{401});
        CHECK(answer.data.find("application/problem+json") != std::string::npos);
        CHECK(answer.data.find("Cache-Control: no-store") != std::string::npos);
    }
    {
        // A good key: 100 Continue before the body, then the write.
        int fd = connectLoopback(port, false);
        sendText(fd, head("gm0363-continue", key));
        char interim[25];
        std::size_t got = 0;
        while (got < sizeof interim) {
            ssize_t n = recv(fd, interim + got, sizeof interim - got, 0);
            REQUIRE(n > 0);
            got += static_cast<std::size_t>(n);
        }
        CHECK(std::string(interim, sizeof interim) == "HTTP/1.1 100 Continue\r\n\r\n");
        sendText(fd, record);
        RawResponse written = readResponse(fd);
        INFO(written.body);
        CHECK(written.head.rfind("http/1.1 201", 0) == 0);
        close(fd);
    }
    {
        // The key's write rate is spent (a burst of 1): 429 before the body too.
        int fd = connectLoopback(port, false);
        sendText(fd, head("gm0363-continue-2", key));
        UntilClose answer = readUntilClose(fd);
        close(fd);
        INFO(answer.data);
        CHECK(statusesIn(answer.data) == std::vector<int>{429});
    }
    CHECK(metricOf(node.baseUrl(), "4xx") - clientErrorsBefore == 2);
    CHECK(get(node.baseUrl() + "/collections/twins/items/gm0363-continue-2").status == 404);
}
