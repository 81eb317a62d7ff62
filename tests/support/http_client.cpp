#include "support/http_client.hpp"

#include "common/url.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tweeling::test {
namespace {

std::once_flag g_curlInit;

size_t writeBody(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

size_t writeHeader(char* data, size_t size, size_t count, void* user) {
    auto* headers = static_cast<std::map<std::string, std::string>*>(user);
    std::string line(data, size * count);
    auto colon = line.find(':');
    if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100 or redirect)
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        auto begin = value.find_first_not_of(" \t");
        auto end = value.find_last_not_of(" \t\r\n");
        (*headers)[name] = begin == std::string::npos ? "" : value.substr(begin, end - begin + 1);
    }
    return size * count;
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
}

HttpResponse send(const HttpRequest& request) {
    std::call_once(g_curlInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    CURL* curl = curl_easy_init();
    if (!curl) throw std::runtime_error("curl_easy_init failed");
    HttpResponse response;
    curl_slist* headers = nullptr;
    // Pistache does not answer "Expect: 100-continue": never send it (curl would wait ~1 s for it).
    headers = curl_slist_append(headers, "Expect:");
    for (const auto& header : request.headers) headers = curl_slist_append(headers, header.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    // The path as the test wrote it: "/ui/../x" must reach the server, not be tidied into "/x".
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, writeBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, writeHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeoutMs);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) throw std::runtime_error(std::string("HTTP request failed: ") + curl_easy_strerror(rc) +
                                                 " (" + request.method + " " + request.url + ")");
    return response;
}

HttpResponse get(const std::string& url, std::vector<std::string> headers) {
    HttpRequest request;
    request.url = url;
    request.headers = std::move(headers);
    return send(request);
}

std::string urlEncode(const std::string& text) {
    return tweeling::common::percentEncode(text, tweeling::common::percent::kUnreserved);
}

ServerProcess::ServerProcess(std::vector<std::string> argv, int startTimeoutMs) {
    int pipeFds[2];
    if (pipe(pipeFds) != 0) throw std::runtime_error("pipe failed");
    m_pid = fork();
    if (m_pid < 0) throw std::runtime_error("fork failed");
    if (m_pid == 0) {
        dup2(pipeFds[1], 2);
        close(pipeFds[0]);
        close(pipeFds[1]);
        std::vector<char*> args;
        for (auto& arg : argv) args.push_back(arg.data());
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    close(pipeFds[1]);
    m_stderr = pipeFds[0];
    fcntl(m_stderr, F_SETFL, O_NONBLOCK);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(startTimeoutMs);
    const std::string marker = "listening on ";
    while (std::chrono::steady_clock::now() < deadline) {
        drain(100);
        auto at = m_log.find(marker);
        if (at != std::string::npos) {
            auto end = m_log.find_first_of(" \n\"", at + marker.size());
            if (end != std::string::npos) {
                m_baseUrl = m_log.substr(at + marker.size(), end - at - marker.size());
                return;
            }
        }
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            throw std::runtime_error("server exited during start-up:\n" + m_log);
        }
    }
    stop(SIGKILL);
    throw std::runtime_error("server did not start in time:\n" + m_log);
}

ServerProcess::~ServerProcess() {
    stop(SIGTERM);
    if (m_stderr >= 0) close(m_stderr);
}

void ServerProcess::drain(int timeoutMs) {
    if (m_stderr < 0) return;
    pollfd fd{m_stderr, POLLIN, 0};
    if (poll(&fd, 1, timeoutMs) <= 0) return;
    char buffer[4096];
    ssize_t n;
    while ((n = read(m_stderr, buffer, sizeof buffer)) > 0) m_log.append(buffer, static_cast<size_t>(n));
}

std::string ServerProcess::logText() {
    drain(50);
    return m_log;
}

int ServerProcess::stop(int signal) {
    if (m_pid <= 0) return -1;
    kill(m_pid, signal);
    int status = 0;
    for (int i = 0; i < 200; ++i) {
        drain(10);
        pid_t r = waitpid(m_pid, &status, WNOHANG);
        if (r == m_pid) {
            m_pid = -1;
            drain(10);
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    kill(m_pid, SIGKILL);
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    return -1;
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tweeling-test-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed");
    m_path = buffer.data();
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

common::Json parseJsonText(const std::string& text) {
    common::Json doc;
    if (auto error = common::parseUntrusted(text, doc))
        throw std::runtime_error("not JSON at byte " + std::to_string(error->offset) + ": " + error->message);
    return doc;
}

std::string sourcePath(const std::string& relative) { return std::string(TWEELING_SOURCE_DIR) + "/" + relative; }
std::string binPath(const std::string& program) { return std::string(TWEELING_BIN_DIR) + "/" + program; }

int spawnRedirected(const std::vector<std::string>& argv, const std::string& inPath, const std::string& outPath,
                    const std::string& errPath) {
    pid_t pid = fork();
    if (pid == 0) {
        int in = open(inPath.c_str(), O_RDONLY);
        int out = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        std::vector<std::string> copy = argv;
        std::vector<char*> args;
        for (auto& arg : copy) args.push_back(arg.data());
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

HttpResponse sendWithDefaults(HttpRequest request, std::vector<std::string> defaults,
                              const std::vector<std::string>& extra) {
    for (const auto& header : extra) {
        std::string name = header.substr(0, header.find_first_of(":;"));
        for (auto it = defaults.begin(); it != defaults.end();)
            it = it->rfind(name, 0) == 0 ? defaults.erase(it) : std::next(it);
        defaults.push_back(header);
    }
    request.headers = std::move(defaults);
    return send(request);
}

CommandResult run(const std::vector<std::string>& argv, const std::string& stdinText) {
    TempDir dir;
    std::string inPath = dir.file("in"), outPath = dir.file("out"), errPath = dir.file("err");
    std::ofstream(inPath, std::ios::binary) << stdinText;
    pid_t pid = spawnRedirected(argv, inPath, outPath, errPath);
    int status = 0;
    waitpid(pid, &status, 0);
    CommandResult result;
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = readFile(outPath);
    result.err = readFile(errPath);
    return result;
}

}  // namespace tweeling::test
