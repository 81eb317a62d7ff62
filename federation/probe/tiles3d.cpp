// The 3D Tiles probe (1.0 and 1.1): fetches the distribution's tileset.json, checks it, follows a
// few external tilesets (bounded in depth, number and requests, with cycles caught), and samples one
// content file. The checks of one document are in tiles3d_tileset.cpp; see tiles3d_internal.hpp.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <set>
#include <utility>

#include "adapters/url.hpp"
#include "common/text.hpp"
#include "probe/tiles3d_internal.hpp"

namespace tweeling::federation::probe {
namespace tiles3d {

CheckLog::Entry& CheckLog::entry(const char* id) {
    for (Entry& existing : m_entries)
        if (existing.id == id) return existing;
    m_entries.push_back(Entry{id, {}, {}, 0, Status::Warn});
    return m_entries.back();
}

void CheckLog::found(const char* id, std::string message, bool append) {
    Entry& e = entry(id);
    if (e.passMessage.empty())
        e.passMessage = std::move(message);
    else if (append)
        e.passMessage += " " + message;
}

void CheckLog::problem(const char* id, Status status, std::string message, std::string pointer, std::string url) {
    Entry& e = entry(id);
    if (e.problems.size() < kMaxProblemsPerCheck) {
        e.problems.push_back(Check{id, status, std::move(message), std::move(pointer), std::move(url)});
        return;
    }
    ++e.unlisted;
    if (status == Status::Fail) e.worstUnlisted = Status::Fail;
}

void CheckLog::flushInto(std::vector<Check>& out) const {
    for (const Entry& e : m_entries) {
        if (e.problems.empty()) {
            out.push_back(Check{e.id, Status::Pass, e.passMessage, {}, {}});
            continue;
        }
        out.insert(out.end(), e.problems.begin(), e.problems.end());
        if (e.unlisted > 0)
            out.push_back(Check{e.id,
                                e.worstUnlisted,
                                std::to_string(e.unlisted) + " more problems of this kind were found and not listed.",
                                {},
                                {}});
    }
}

std::optional<FetchResponse> Requests::get(const std::string& url, std::size_t maxBytes) {
    if (m_made >= m_max) return std::nullopt;
    ++m_made;
    return m_fetch(url, maxBytes);
}

std::string quoted(std::string_view text) {
    return "\"" + common::truncateUtf8(text, 100) + "\"";
}

std::string formatNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
    return buffer;
}

std::string pointerIndex(const std::string& pointer, std::size_t index) {
    return pointer + "/" + std::to_string(index);
}

std::string resolveReference(const std::string& baseUrl, std::string_view reference) {
    return adapters::withoutFragment(adapters::resolveUrl(baseUrl, std::string(reference)));
}

bool isJsonUri(std::string_view uri) {
    std::size_t end = uri.find_first_of("?#");
    std::string_view path = uri.substr(0, end);
    return path.size() >= 5 && common::equalsIgnoreCaseAscii(path.substr(path.size() - 5), ".json");
}

bool isHttpUrl(std::string_view url) {
    return adapters::isHttpUrl(url);
}

std::string failureOf(const FetchResponse& response) {
    return response.error.empty() ? "HTTP " + std::to_string(response.status) : response.error;
}

std::uint64_t readLittleEndian(std::string_view bytes, std::size_t at, int size) {
    std::uint64_t value = 0;
    for (int i = size; i-- > 0;) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

namespace {

// Loose on purpose: clients read tileset.json as JSON whatever it is served as, so only a type that
// suggests the server answered with something else (an HTML error or login page) is worth a warning.
void checkContentType(const std::string& contentType, CheckLog& log) {
    if (contentType == "text/html" || contentType == "application/xhtml+xml") {
        log.problem(kContentType, Status::Warn,
                    "tileset.json is served as " + contentType +
                        ", the type of a web page; serve it as application/json so that clients and caches "
                        "treat it as JSON.");
        return;
    }
    std::string_view type = contentType;
    bool json = type == "application/json" || type == "text/json" ||
                (type.size() > 5 && type.substr(type.size() - 5) == "+json");
    if (json)
        log.found(kContentType, "tileset.json is served as " + contentType + ".");
    else if (type.empty())
        log.found(kContentType, "tileset.json is served without a Content-Type; clients read it as JSON anyway.");
    else
        log.found(kContentType, "tileset.json is served as " + contentType +
                                    "; application/json would be better, but clients read it as JSON anyway.");
}

// A fetched document parsed as a tileset: its problems are reported under `id` (3dtiles.json for
// the distribution's own, 3dtiles.external for the others). False when it cannot be used.
bool parseTilesetDocument(const FetchResponse& response, const Limits& limits, const char* id,
                          const std::string& reportUrl, const std::string& pointer, CheckLog& log, common::Json& doc) {
    const std::string what = reportUrl.empty() ? "tileset.json" : "The external tileset " + reportUrl;
    if (response.truncated) {
        log.problem(id, Status::Fail,
                    what + " is larger than the " + std::to_string(limits.maxDocumentBytes) +
                        " bytes the probe reads, so it was not checked.",
                    pointer, reportUrl);
        return false;
    }
    auto error = common::parseUntrusted(response.body, doc, kMaxTilesetJsonDepth);
    if (error) {
        log.problem(id, Status::Fail,
                    what + " is not valid JSON (at byte " + std::to_string(error->offset) + "): " + error->message,
                    pointer, reportUrl);
        return false;
    }
    if (!doc.IsObject()) {
        log.problem(id, Status::Fail, what + " is JSON but not an object, so it is not a tileset.", pointer, reportUrl);
        return false;
    }
    return true;
}

void sample(const ContentSample& content, Requests& requests, const Limits& limits) {
    if (content.implicit)
        sampleImplicit(content, requests, limits);
    else
        checkContentFile(content.url, content.pointer, content.document, requests, limits);
}

struct PendingTileset {
    ExternalReference reference;
    std::string referrerUrl;  // "" for the distribution's own tileset.json
    int depth = 1;
    std::vector<std::string> ancestors;  // the URLs of the tilesets that led here, requested and final
};

// Follows the external tilesets breadth first. A URL among a tileset's own ancestors is a cycle (a
// client following it would never end); one reached before by another path was checked already.
class ExternalWalk {
public:
    ExternalWalk(Requests& requests, const Limits& limits, CheckLog& log, bool contentSampled)
        : m_requests(requests), m_limits(limits), m_log(log), m_contentSampled(contentSampled) {}

    void run(const TilesetScan& rootScan, const std::vector<std::string>& rootUrls) {
        m_visited.insert(rootUrls.begin(), rootUrls.end());
        enqueue(rootScan, "", 1, rootUrls);
        while (!m_queue.empty()) {
            PendingTileset next = std::move(m_queue.front());
            m_queue.pop_front();
            follow(next);
        }
        report();
    }

private:
    void enqueue(const TilesetScan& scan, const std::string& referrerUrl, int depth,
                 const std::vector<std::string>& ancestors) {
        for (const ExternalReference& reference : scan.externals)
            m_queue.push_back(PendingTileset{reference, referrerUrl, depth, ancestors});
    }

    void follow(const PendingTileset& item) {
        const std::string& url = item.reference.url;
        if (std::find(item.ancestors.begin(), item.ancestors.end(), url) != item.ancestors.end()) {
            m_log.problem(kExternal, Status::Fail,
                          "The external tileset " + url +
                              " is one of the tilesets that lead to it: a cycle, which a client would follow "
                              "without end.",
                          item.reference.pointer, item.referrerUrl);
            return;
        }
        if (m_visited.count(url)) return;
        if (item.depth > m_limits.maxExternalDepth) {
            ++m_tooDeep;
            return;
        }
        if (!isHttpUrl(url)) {
            m_log.problem(kExternal, Status::Fail, "The external tileset " + quoted(url) + " is not an http(s) URL.",
                          item.reference.pointer, item.referrerUrl);
            return;
        }
        // No request is kept back for the content file: when the distribution's own tileset names
        // none, only an external tileset can, so following one is the only way to find it.
        if (m_requests.left() <= 0) {
            ++m_overBudget;
            return;
        }
        m_visited.insert(url);
        std::optional<FetchResponse> response = m_requests.get(url, m_limits.maxDocumentBytes);
        if (!response) return;
        if (!response->ok) {
            m_log.problem(kExternal, Status::Fail,
                          "The external tileset " + url + " does not answer: " + failureOf(*response) + ".",
                          item.reference.pointer, url);
            return;
        }
        common::Json doc;
        if (!parseTilesetDocument(*response, m_limits, kExternal, url, item.reference.pointer, m_log, doc)) return;
        std::string finalUrl = response->finalUrl.empty() ? url : response->finalUrl;
        if (finalUrl != url &&
            std::find(item.ancestors.begin(), item.ancestors.end(), finalUrl) != item.ancestors.end()) {
            m_log.problem(kExternal, Status::Fail,
                          "The external tileset " + url + " redirects to " + finalUrl +
                              ", one of the tilesets that lead to it: a cycle.",
                          item.reference.pointer, url);
            return;
        }
        m_visited.insert(finalUrl);
        ++m_followed;
        m_deepest = std::max(m_deepest, item.depth);
        TilesetScan scan = checkTileset(doc, DocumentContext{finalUrl, url, {}, false, &m_log}, nullptr);
        if (!m_contentSampled && scan.content) {
            m_contentSampled = true;
            sample(*scan.content, m_requests, m_limits);
        }
        std::vector<std::string> ancestors = item.ancestors;
        ancestors.push_back(url);
        if (finalUrl != url) ancestors.push_back(finalUrl);
        enqueue(scan, url, item.depth + 1, ancestors);
    }

    void report() {
        if (m_tooDeep > 0)
            m_log.problem(kExternal, Status::Warn,
                          std::to_string(m_tooDeep) + " external tileset(s) nested deeper than " +
                              std::to_string(m_limits.maxExternalDepth) +
                              " levels were not followed, so they were not checked.");
        if (m_overBudget > 0)
            m_log.problem(kExternal, Status::Warn,
                          std::to_string(m_overBudget) +
                              " external tileset(s) were not followed: the probe makes at most " +
                              std::to_string(m_requests.max()) + " requests.");
        if (m_followed > 0)
            m_log.found(kExternal, "Followed " + std::to_string(m_followed) + " external tileset(s), " +
                                       std::to_string(m_deepest) + " level(s) deep.");
    }

    Requests& m_requests;
    const Limits& m_limits;
    CheckLog& m_log;
    bool m_contentSampled;
    std::deque<PendingTileset> m_queue;
    std::set<std::string> m_visited;
    int m_followed = 0, m_deepest = 0, m_tooDeep = 0, m_overBudget = 0;
};

}  // namespace
}  // namespace tiles3d

void probe3dTiles(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result) {
    using namespace tiles3d;
    CheckLog log;
    Requests requests(fetch, limits.maxRequests);
    auto finish = [&] { log.flushInto(result.checks); };

    std::optional<FetchResponse> response = requests.get(url, limits.maxDocumentBytes);
    if (!response) {
        log.problem(kReachable, Status::Warn, "tileset.json was not fetched: the probe may make no requests.");
        return finish();
    }
    result.reachable = response->ok;
    if (!response->ok) {
        log.problem(kReachable, Status::Fail, "tileset.json does not answer: " + failureOf(*response) + ".");
        return finish();
    }
    log.found(kReachable, "tileset.json answers (HTTP " + std::to_string(response->status) + ").");
    checkContentType(response->contentType, log);

    common::Json doc;
    if (!parseTilesetDocument(*response, limits, kJson, "", "", log, doc)) return finish();
    log.found(kJson, "tileset.json is a JSON object (" + std::to_string(response->body.size()) + " bytes).");

    std::string baseUrl = response->finalUrl.empty() ? url : response->finalUrl;
    TilesetScan scan = checkTileset(doc, DocumentContext{baseUrl, "", {}, false, &log}, &result.facts);
    bool sampled = false;
    if (scan.content) {
        sampled = true;
        sample(*scan.content, requests, limits);
    }
    std::vector<std::string> rootUrls{adapters::withoutFragment(url)};
    if (baseUrl != rootUrls.front()) rootUrls.push_back(baseUrl);
    ExternalWalk(requests, limits, log, sampled).run(scan, rootUrls);
    finish();
}

}  // namespace tweeling::federation::probe
