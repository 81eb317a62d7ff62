#pragma once
// A small blocking HTTP client for tests (libcurl easy), and a helper that starts a real program on
// a free loopback port and stops it when the test ends.
#include <map>
#include <string>
#include <vector>

#include "common/json.hpp"

namespace tweeling::test {

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names; last value wins
    std::string header(const std::string& name) const;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::string body;
    std::vector<std::string> headers;  // "Name: value"
    long timeoutMs = 20000;
};

HttpResponse send(const HttpRequest& request);
HttpResponse get(const std::string& url, std::vector<std::string> headers = {});

// Percent-encodes a query value.
std::string urlEncode(const std::string& text);

// Starts `argv` (argv[0] = program path); waits until it prints a line containing "listening on
// http://HOST:PORT" on stderr, and exposes that base URL. Stops it (SIGTERM, then SIGKILL) when
// destroyed. stderr is collected for assertions and shown when start-up fails.
class ServerProcess {
public:
    explicit ServerProcess(std::vector<std::string> argv, int startTimeoutMs = 15000);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    const std::string& baseUrl() const { return m_baseUrl; }
    // Sends SIGTERM and waits; returns the exit status (as from waitpid's WEXITSTATUS), -1 on signal.
    int stop(int signal = 15);
    std::string logText();  // everything read from stderr so far

private:
    void drain(int timeoutMs);
    int m_pid = -1;
    int m_stderr = -1;
    std::string m_log;
    std::string m_baseUrl;
};

// A unique temporary directory, removed with its contents when destroyed.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

std::string readFile(const std::string& path);
// JSON a test wrote itself, parsed as the programs parse untrusted input; throws if it is not JSON.
common::Json parseJsonText(const std::string& text);
std::string sourcePath(const std::string& relative);  // path inside the source tree
std::string binPath(const std::string& program);      // path of a built program

// Runs a command, returns its exit code; captures stdout and stderr.
struct CommandResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};
CommandResult run(const std::vector<std::string>& argv, const std::string& stdinText = "");

// Starts argv[0] (a path) with standard input, output and error from and to these files; returns
// its pid (-1 when fork fails). The child exits 127 when the program cannot be started.
int spawnRedirected(const std::vector<std::string>& argv, const std::string& inPath, const std::string& outPath,
                    const std::string& errPath);

// A request with default headers, each replaced by a header of the same name in `extra`.
HttpResponse sendWithDefaults(HttpRequest request, std::vector<std::string> defaults,
                              const std::vector<std::string>& extra);

}  // namespace tweeling::test
