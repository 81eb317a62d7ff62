#pragma once
// A tiny scriptable HTTP/1.1 server on 127.0.0.1 for transport tests: one thread accepts, one
// thread per connection answers requests from a handler, with keep-alive, delays, stalls, chunked
// bodies and connection counting. Header-only so that it is not taken for a test file. Stopped (and
// every thread joined) by stop() or the destructor; stalled answers are released by stopping.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tweeling::test {

struct Reply {
    int status = 200;
    std::string reason;  // empty: a standard phrase
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int delayMs = 0;       // wait before answering
    bool stall = false;    // never answer (until the server stops)
    bool chunked = false;  // Transfer-Encoding: chunked, no Content-Length
    bool close = false;    // Connection: close after this answer
};

struct SeenRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;  // by Content-Length (a POST's; no chunked request bodies)
};

class TestServer {
public:
    using Handler = std::function<Reply(const std::string& path)>;
    // For servers that read more than the path (a POST's body, a header).
    using RequestHandler = std::function<Reply(const SeenRequest& request)>;

    explicit TestServer(Handler handler)
        : TestServer(RequestHandler([handler = std::move(handler)](const SeenRequest& request) {
              return handler(request.path);
          })) {}

    explicit TestServer(RequestHandler handler) : m_handler(std::move(handler)) {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_listener < 0) throw std::runtime_error("socket() failed");
        int yes = 1;
        ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
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

    ~TestServer() { stop(); }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    int port() const { return m_port; }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    int connectionsAccepted() const { return m_connections.load(); }
    int requestsSeen() const { return m_requests.load(); }
    int maxConcurrentRequests() const { return m_maxConcurrent.load(); }
    std::vector<SeenRequest> requests() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_seen;
    }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_stopping) return;
            m_stopping = true;
            for (int fd : m_openConnections) ::shutdown(fd, SHUT_RDWR);
        }
        m_wake.notify_all();
        ::shutdown(m_listener, SHUT_RDWR);  // wakes accept()
        if (m_acceptThread.joinable()) m_acceptThread.join();
        ::close(m_listener);
        std::vector<std::thread> threads;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            threads.swap(m_connectionThreads);
        }
        for (auto& thread : threads) thread.join();
    }

private:
    void acceptLoop() {
        for (;;) {
            const int fd = ::accept(m_listener, nullptr, nullptr);
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_stopping) {
                if (fd >= 0) ::close(fd);
                return;
            }
            if (fd < 0) continue;
            ++m_connections;
            m_openConnections.insert(fd);
            m_connectionThreads.emplace_back([this, fd] { serve(fd); });
        }
    }

    // Waits up to `ms` (forever when negative); false when the server is stopping.
    bool pause(int ms) {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (ms < 0) {
            m_wake.wait(lock, [this] { return m_stopping; });
        } else {
            m_wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stopping; });
        }
        return !m_stopping;
    }

    static bool sendAll(int fd, const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    static std::string lower(std::string text) {
        for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return text;
    }

    static const char* phrase(int status) {
        switch (status) {
            case 200: return "OK";
            case 301: return "Moved Permanently";
            case 302: return "Found";
            case 304: return "Not Modified";
            case 404: return "Not Found";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }

    void serve(int fd) {
        std::string buffer;
        bool keepOpen = true;
        while (keepOpen) {
            std::size_t end;
            while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
                char chunk[4096];
                const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) {
                    keepOpen = false;
                    break;
                }
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            if (!keepOpen) break;
            const std::string head = buffer.substr(0, end);
            buffer.erase(0, end + 4);

            SeenRequest request;
            std::size_t lineEnd = head.find("\r\n");
            const std::string requestLine = head.substr(0, lineEnd);
            const auto space1 = requestLine.find(' ');
            const auto space2 = requestLine.find(' ', space1 + 1);
            request.method = requestLine.substr(0, space1);
            request.path = requestLine.substr(space1 + 1, space2 - space1 - 1);
            while (lineEnd != std::string::npos) {
                const std::size_t start = lineEnd + 2;
                lineEnd = head.find("\r\n", start);
                const std::string line =
                    head.substr(start, lineEnd == std::string::npos ? std::string::npos : lineEnd - start);
                const auto colon = line.find(':');
                if (colon == std::string::npos) continue;
                std::string value = line.substr(colon + 1);
                value.erase(0, value.find_first_not_of(' '));
                request.headers[lower(line.substr(0, colon))] = value;
            }
            const bool clientCloses = lower(request.headers["connection"]) == "close";
            const std::size_t length = request.headers.count("content-length")
                                           ? static_cast<std::size_t>(std::stoul(request.headers["content-length"]))
                                           : 0;
            while (buffer.size() < length) {
                char chunk[4096];
                const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) break;
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            if (buffer.size() < length) break;
            request.body = buffer.substr(0, length);
            buffer.erase(0, length);

            Reply reply;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_seen.push_back(request);
                ++m_requests;
                const int now = ++m_concurrent;
                if (now > m_maxConcurrent) m_maxConcurrent = now;
                reply = m_handler(request);  // serialised: handlers may keep plain state
            }
            bool alive = true;
            if (reply.stall) alive = pause(-1);
            else if (reply.delayMs > 0) alive = pause(reply.delayMs);
            if (alive) alive = answer(fd, reply, clientCloses);
            --m_concurrent;
            keepOpen = alive && !reply.close && !clientCloses;
        }
        std::lock_guard<std::mutex> lock(m_mutex);
        m_openConnections.erase(fd);
        ::close(fd);
    }

    bool answer(int fd, const Reply& reply, bool clientCloses) {
        std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                           (reply.reason.empty() ? phrase(reply.status) : reply.reason) + "\r\n";
        for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
        head += reply.close || clientCloses ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
        if (!reply.chunked) {
            head += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
            return sendAll(fd, head + reply.body);
        }
        head += "Transfer-Encoding: chunked\r\n\r\n";
        if (!sendAll(fd, head)) return false;
        constexpr std::size_t kChunk = 16 * 1024;
        for (std::size_t offset = 0; offset < reply.body.size(); offset += kChunk) {
            const std::size_t size = std::min(kChunk, reply.body.size() - offset);
            char sizeLine[32];
            std::snprintf(sizeLine, sizeof sizeLine, "%zx\r\n", size);
            // The client may hang up once it has seen enough: that ends this answer, quietly.
            if (!sendAll(fd, sizeLine + reply.body.substr(offset, size) + "\r\n")) return false;
        }
        return sendAll(fd, "0\r\n\r\n");
    }

    RequestHandler m_handler;
    int m_listener = -1;
    int m_port = 0;
    std::thread m_acceptThread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::set<int> m_openConnections;
    std::vector<std::thread> m_connectionThreads;
    std::vector<SeenRequest> m_seen;
    std::atomic<int> m_connections{0};
    std::atomic<int> m_requests{0};
    std::atomic<int> m_concurrent{0};
    std::atomic<int> m_maxConcurrent{0};
};

// A port on which nothing listens: the socket is bound (so no one else gets it) but never listens,
// so connecting is refused. Released when destroyed.
class RefusingPort {
public:
    RefusingPort() {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("cannot bind a loopback port");
        }
        m_port = ntohs(address.sin_port);
    }
    ~RefusingPort() { ::close(m_fd); }
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;
    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
};

}  // namespace tweeling::test
