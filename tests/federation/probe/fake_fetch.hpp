#pragma once
// What the probe tests share: a Fetch that serves files from memory, real files and broken copies
// of them, and short ways to read a probe's checks. The fake answers as a server that honours
// Range would: at most maxBytes of the body, `truncated` when there was more, 404 for any URL it
// does not hold.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "probe/probe.hpp"
#include "support/http_client.hpp"

namespace tweeling::test {

namespace probe = federation::probe;

class FakeFetch {
public:
    void serve(const std::string& url, std::string body, std::string contentType = {}) {
        m_files[url] = File{std::move(body), std::move(contentType), 200};
    }
    // An answer without a body: 401, 403, 410, 500, ...
    void answer(const std::string& url, long status) { m_files[url] = File{{}, "text/html", status}; }

    // The Fetch to give a probe; this object must outlive it.
    probe::Fetch fetch() {
        return [this](const std::string& url, std::size_t maxBytes) { return get(url, maxBytes); };
    }
    // Every request made, in order: (url, maxBytes).
    const std::vector<std::pair<std::string, std::size_t>>& requests() const { return m_requests; }

private:
    struct File {
        std::string body, contentType;
        long status = 200;
    };

    probe::FetchResponse get(const std::string& url, std::size_t maxBytes) {
        m_requests.emplace_back(url, maxBytes);
        probe::FetchResponse response;
        response.finalUrl = url;
        auto found = m_files.find(url);
        response.status = found == m_files.end() ? 404 : found->second.status;
        if (response.status != 200) {
            response.contentType = "text/html";
            response.error = "HTTP " + std::to_string(response.status);
            return response;
        }
        const File& file = found->second;
        response.ok = true;
        response.contentType = file.contentType;
        response.truncated = file.body.size() > maxBytes;
        response.body = file.body.substr(0, maxBytes);
        if (response.truncated) response.status = 206;
        return response;
    }

    std::map<std::string, File> m_files;
    std::vector<std::pair<std::string, std::size_t>> m_requests;
};

inline std::string fixture(const std::string& relative) {
    return readFile(sourcePath("tests/fixtures/" + relative));
}

// `text` with the first `from` replaced: a broken copy of a real file. The test stops when `from`
// is not there, so an edit that no longer applies cannot pass unnoticed.
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
    std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// The status of the first check with `id` ("pass", "warn", "fail"), or "missing".
inline std::string statusOf(const probe::ProbeResult& result, const std::string& id) {
    for (const probe::Check& check : result.checks)
        if (check.id == id) return probe::statusName(check.status);
    return "missing";
}

inline std::string messageOf(const probe::ProbeResult& result, const std::string& id) {
    for (const probe::Check& check : result.checks)
        if (check.id == id) return check.message;
    return {};
}

// Every check that did not pass, one a line ("id warn: message"): "" when all passed, so a test
// that expects none shows them when it fails.
inline std::string problemsOf(const probe::ProbeResult& result) {
    std::string out;
    for (const probe::Check& check : result.checks)
        if (check.status != probe::Status::Pass)
            out += check.id + " " + probe::statusName(check.status) + ": " + check.message + "\n";
    return out;
}

// The ids of the checks in the order they ran.
inline std::vector<std::string> idsOf(const probe::ProbeResult& result) {
    std::vector<std::string> ids;
    for (const probe::Check& check : result.checks) ids.push_back(check.id);
    return ids;
}

}  // namespace tweeling::test
