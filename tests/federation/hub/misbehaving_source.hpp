#pragma once
// A Tweeling node that misbehaves on request, for the hub's robustness tests. It signs and serves
// two records like a node (its identity at /.well-known/tweeling.json, its /feed one entry a page)
// while its scenario is Good; in any other scenario, every /feed request after the records it
// served (after >= 2) is answered the scenario's way: slowly, cut short, endlessly, with an error
// status, a redirect, bytes that are not what they claim, a reset, or not at all. Raw sockets, since
// most of these are below what TestServer (harvest/test_server.hpp) can be told to do. Listens on
// 127.0.0.1 on a free port; stop() (or the destructor) closes every connection and joins every
// thread, releasing the answers that never end.
#include "common/json.hpp"
#include "common/signature.hpp"
#include "support/http_client.hpp"  // readFile, sourcePath

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tweeling::test::federation {

enum class Misbehaviour {
    Good,
    DripByteASecond,  // a page's headers, then one byte of its body a second
    TruncateMidJson,  // Content-Length of the whole page, half of it, then the connection closes
    EndlessStream,    // a chunked body that never ends
    Status500,
    Status429LongRetryAfter,  // 429 with Retry-After: 3600
    Status503RetryAfter,      // 503 with Retry-After: 1
    RedirectLoop,             // 302 to itself
    RedirectToPrivate,        // 302 to the cloud metadata address
    InvalidUtf8,              // a page whose record title holds bytes that are not UTF-8
    WrongContentType,         // 200 with an HTML page (a proxy's or portal's), text/html
    GzipBomb,                 // 2 MB of gzip (Content-Encoding: gzip) that inflates to 2 GiB of zeros
    HugeJsonString,           // a page holding a 50 MB JSON string
    ResetConnection,          // the request read, then the connection reset (SO_LINGER 0 close)
    EpochFlap,                // the next page names the stored epoch, the one after it another
    WrongKey,                 // a changed record, signed by another key than the node's
    Silent,                   // the connection accepted, the request read, never an answer
};

class MisbehavingSource {
public:
    explicit MisbehavingSource(std::string origin) : m_origin(std::move(origin)) {
        for (int seq = 1; seq <= 2; ++seq) {
            const std::string id = m_origin + "-r" + std::to_string(seq);
            m_records.push_back(record(id, "Gebouwen " + id));
        }
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_listener < 0) throw std::runtime_error("socket() failed");
        int yes = 1;
        ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listener, 64) != 0 ||
            ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            ::close(m_listener);
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        m_port = ntohs(address.sin_port);
        m_acceptThread = std::thread([this] { acceptLoop(); });
    }
    ~MisbehavingSource() { stop(); }
    MisbehavingSource(const MisbehavingSource&) = delete;
    MisbehavingSource& operator=(const MisbehavingSource&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    std::string publicKey() const { return m_key.publicKey().base64Url(); }
    void behave(Misbehaviour scenario) { m_scenario = scenario; }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_stopping) return;
            m_stopping = true;
            for (int fd : m_open) ::shutdown(fd, SHUT_RDWR);
        }
        m_wake.notify_all();
        ::shutdown(m_listener, SHUT_RDWR);
        if (m_acceptThread.joinable()) m_acceptThread.join();
        ::close(m_listener);
        std::vector<std::thread> threads;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            threads.swap(m_threads);
        }
        for (auto& thread : threads) thread.join();
    }

    // The gzip bomb: a gzip header, then `megabytes` deflate blocks of 1 MiB of zeros each, every one
    // ended by a full flush, so each is the same 1037 bytes (what zlib's deflate at level 9 makes of
    // 1 MiB of zeros after a Z_FULL_FLUSH). No trailer: no reader gets that far.
    static std::string gzipBomb(int megabytes) {
        static const unsigned char header[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03};
        static const unsigned char blockStart[] = {0xec, 0xc1, 0x31, 0x01, 0x00, 0x00, 0x00, 0xc2,
                                                   0xa0, 0xf5, 0x4f, 0x6d, 0x08, 0x5f, 0xa0};
        static const unsigned char blockEnd[] = {0x3e, 0x03, 0x00, 0x00, 0xff, 0xff};
        std::string block(reinterpret_cast<const char*>(blockStart), sizeof blockStart);
        block.append(1016, '\0');
        block.append(reinterpret_cast<const char*>(blockEnd), sizeof blockEnd);
        std::string body(reinterpret_cast<const char*>(header), sizeof header);
        body.reserve(body.size() + block.size() * static_cast<std::size_t>(megabytes));
        for (int i = 0; i < megabytes; ++i) body += block;
        return body;
    }

private:
    struct Record {
        std::string id;
        std::string json;
        std::string signature;
    };

    Record record(const std::string& id, const std::string& title,
                  const tweeling::common::SigningKey* signer = nullptr) const {
        tweeling::common::Json all;
        const std::string samples = readFile(sourcePath("deploy/samples/gm0363-amsterdam.json"));
        all.Parse(samples.c_str(), samples.size());
        tweeling::common::Json doc;
        doc.CopyFrom(all[0], doc.GetAllocator());
        doc["id"].SetString(id.c_str(), doc.GetAllocator());
        doc["properties"]["title"].SetString(title.c_str(), doc.GetAllocator());
        const std::string updated = doc["properties"]["updated"].GetString();
        const auto& key = signer ? *signer : m_key;
        return {id, tweeling::common::toString(doc),
                key.sign(tweeling::common::signedBytes(m_origin, id, "put", updated, &doc))};
    }

    std::string entry(int seq, const Record& r) const {
        return "{\"seq\":" + std::to_string(seq) + ",\"op\":\"put\",\"id\":\"" + r.id + "\",\"origin\":\"" + m_origin +
               "\",\"at\":\"2026-11-30T10:00:00Z\",\"signature\":\"" + r.signature + "\",\"record\":" + r.json + "}";
    }

    std::string page(const std::string& epoch, std::int64_t latest, const std::string& entries) const {
        return "{\"epoch\":\"" + epoch + "\",\"origin\":\"" + m_origin + "\",\"publicKey\":\"" + publicKey() +
               "\",\"latest\":" + std::to_string(latest) + ",\"entries\":[" + entries + "],\"next\":null}";
    }

    // The good feed: one entry a page while there is one after `after`.
    std::string goodPage(std::int64_t after) const {
        const std::int64_t seq = after + 1;
        return page("e1", 2,
                    seq <= 2 ? entry(static_cast<int>(seq), m_records[static_cast<std::size_t>(seq - 1)]) : "");
    }

    static std::string head(int status, const std::string& reason, const std::string& headers) {
        return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n" + headers + "Connection: close\r\n\r\n";
    }
    static std::string json(const std::string& body) {
        return head(200, "OK",
                    "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") +
               body;
    }

    void acceptLoop() {
        for (;;) {
            const int fd = ::accept(m_listener, nullptr, nullptr);
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_stopping) {
                if (fd >= 0) ::close(fd);
                return;
            }
            if (fd < 0) continue;
            m_open.insert(fd);
            m_threads.emplace_back([this, fd] { serve(fd); });
        }
    }

    // Waits `ms` (forever when negative); false when the server stops.
    bool pause(int ms) {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (ms < 0)
            m_wake.wait(lock, [this] { return m_stopping; });
        else
            m_wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stopping; });
        return !m_stopping;
    }

    static bool sendAll(int fd, const char* data, std::size_t size) {
        std::size_t sent = 0;
        while (sent < size) {
            const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }
    static bool sendAll(int fd, const std::string& data) { return sendAll(fd, data.data(), data.size()); }

    // One request a connection (every answer says Connection: close).
    void serve(int fd) {
        std::string request;
        char chunk[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) break;
            request.append(chunk, static_cast<std::size_t>(n));
        }
        const auto space = request.find(' ');
        const std::string path =
            space == std::string::npos ? "" : request.substr(space + 1, request.find(' ', space + 1) - space - 1);
        bool reset = false;
        if (!path.empty()) reset = answer(fd, path);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_open.erase(fd);
        if (reset) {
            linger abort{1, 0};  // close() then sends RST, not FIN
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        }
        ::close(fd);
    }

    // Answers one request; true to reset the connection instead of closing it.
    bool answer(int fd, const std::string& path) {
        if (path == "/.well-known/tweeling.json") {
            sendAll(fd, json("{\"nodeId\":\"" + m_origin + "\",\"kind\":\"node\",\"publicKey\":\"" + publicKey() +
                             "\",\"keyRotations\":[]}"));
            return false;
        }
        const std::string prefix = "/feed?after=";
        if (path.rfind(prefix, 0) != 0) {
            sendAll(fd, head(404, "Not Found", "Content-Length: 0\r\n"));
            return false;
        }
        const std::int64_t after = std::stoll(path.substr(prefix.size()));
        const Misbehaviour scenario = m_scenario.load();
        if (scenario == Misbehaviour::Good || after < 2) {
            sendAll(fd, json(goodPage(after)));
            return false;
        }
        // The next record the source would serve: a new version of its first one.
        const std::string next = entry(static_cast<int>(after + 1), record(m_records[0].id, "Gewijzigd"));
        switch (scenario) {
            case Misbehaviour::Good:
                break;
            case Misbehaviour::DripByteASecond: {
                const std::string body = page("e1", after + 1, next);
                if (!sendAll(fd, head(200, "OK",
                                      "Content-Type: application/json\r\nContent-Length: " +
                                          std::to_string(body.size()) + "\r\n")))
                    return false;
                for (char byte : body)
                    if (!sendAll(fd, &byte, 1) || !pause(1000)) return false;
                return false;
            }
            case Misbehaviour::TruncateMidJson: {
                const std::string body = page("e1", after + 1, next);
                sendAll(fd, head(200, "OK",
                                 "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                                     "\r\n") +
                                body.substr(0, body.size() / 2));
                return false;
            }
            case Misbehaviour::EndlessStream: {
                if (!sendAll(fd, head(200, "OK", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n")))
                    return false;
                std::string piece = "{\"epoch\":\"e1\",\"entries\":[";
                const std::string more(64 * 1024, ' ');
                for (;;) {
                    char size[32];
                    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
                    if (!sendAll(fd, size + piece + "\r\n")) return false;
                    piece = more;
                    std::lock_guard<std::mutex> lock(m_mutex);
                    if (m_stopping) return false;
                }
            }
            case Misbehaviour::Status500:
                sendAll(fd, head(500, "Internal Server Error", "Content-Length: 0\r\n"));
                return false;
            case Misbehaviour::Status429LongRetryAfter:
                sendAll(fd, head(429, "Too Many Requests", "Retry-After: 3600\r\nContent-Length: 0\r\n"));
                return false;
            case Misbehaviour::Status503RetryAfter:
                sendAll(fd, head(503, "Service Unavailable", "Retry-After: 1\r\nContent-Length: 0\r\n"));
                return false;
            case Misbehaviour::RedirectLoop:
                sendAll(fd, head(302, "Found", "Location: " + path + "\r\nContent-Length: 0\r\n"));
                return false;
            case Misbehaviour::RedirectToPrivate:
                sendAll(fd,
                        head(302, "Found", "Location: http://169.254.169.254" + path + "\r\nContent-Length: 0\r\n"));
                return false;
            case Misbehaviour::InvalidUtf8: {
                std::string body = page("e1", after + 1, next);
                const auto title = body.find("Gewijzigd");
                body.replace(title, 2, "\xff\xfe");
                sendAll(fd, json(body));
                return false;
            }
            case Misbehaviour::WrongContentType: {
                const std::string body =
                    "<html><body><h1>Even geduld</h1><p>De dienst is tijdelijk niet "
                    "beschikbaar.</p></body></html>";
                sendAll(fd, head(200, "OK",
                                 "Content-Type: text/html; charset=utf-8\r\nContent-Length: " +
                                     std::to_string(body.size()) + "\r\n") +
                                body);
                return false;
            }
            case Misbehaviour::GzipBomb: {
                const std::string body = gzipBomb(2048);
                sendAll(fd, head(200, "OK",
                                 "Content-Type: application/json\r\nContent-Encoding: gzip\r\n"
                                 "Content-Length: " +
                                     std::to_string(body.size()) + "\r\n") +
                                body);
                return false;
            }
            case Misbehaviour::HugeJsonString: {
                constexpr std::size_t kStringBytes = 50u << 20;
                const std::string start = "{\"epoch\":\"e1\",\"origin\":\"" + m_origin +
                                          "\",\"latest\":" + std::to_string(after + 1) + ",\"padding\":\"";
                const std::string end = "\",\"entries\":[" + next + "],\"next\":null}";
                if (!sendAll(fd, head(200, "OK",
                                      "Content-Type: application/json\r\nContent-Length: " +
                                          std::to_string(start.size() + kStringBytes + end.size()) + "\r\n") +
                                     start))
                    return false;
                const std::string piece(64 * 1024, 'a');
                for (std::size_t sent = 0; sent < kStringBytes; sent += piece.size())
                    if (!sendAll(fd, piece)) return false;
                sendAll(fd, end);
                return false;
            }
            case Misbehaviour::ResetConnection:
                return true;
            case Misbehaviour::EpochFlap: {
                // The first page of the round goes on in the stored epoch with the record unchanged;
                // the page after it names another epoch.
                const std::string body =
                    after == 2 ? page("e1", 4, entry(3, m_records[0])) : page("e2", 4, entry(4, m_records[1]));
                sendAll(fd, json(body));
                return false;
            }
            case Misbehaviour::WrongKey: {
                const auto stranger = tweeling::common::SigningKey::generate();
                sendAll(fd, json(page("e1", after + 1,
                                      entry(static_cast<int>(after + 1),
                                            record(m_records[0].id, "Gewijzigd door een ander", &stranger)))));
                return false;
            }
            case Misbehaviour::Silent:
                pause(-1);
                return false;
        }
        return false;
    }

    std::string m_origin;
    tweeling::common::SigningKey m_key = tweeling::common::SigningKey::generate();
    std::vector<Record> m_records;
    std::atomic<Misbehaviour> m_scenario{Misbehaviour::Good};
    int m_listener = -1;
    int m_port = 0;
    std::thread m_acceptThread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::set<int> m_open;
    std::vector<std::thread> m_threads;
};

}  // namespace tweeling::test::federation
