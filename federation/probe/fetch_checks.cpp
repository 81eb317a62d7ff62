// What every probe does around its fetches (fetch_checks.hpp).
#include "probe/fetch_checks.hpp"

#include <algorithm>
#include <utility>

#include "common/text.hpp"

namespace tweeling::federation::probe {

namespace {

constexpr std::size_t kQuoteBytes = 80;

}  // namespace

RequestBudget::RequestBudget(const Fetch& fetch, const Limits& limits, int cap)
    : m_fetch(fetch), m_left(cap >= 0 ? std::min(cap, limits.maxRequests) : limits.maxRequests) {}

FetchResponse RequestBudget::fetch(const std::string& url, std::size_t maxBytes) {
    if (m_left <= 0) {
        FetchResponse refused;
        refused.error = "not fetched: the probe's request limit was reached";
        return refused;
    }
    --m_left;
    return m_fetch(url, maxBytes);
}

void addCheck(ProbeResult& result, const char* id, Status status, std::string message, std::string pointer,
              std::string url) {
    result.checks.push_back(Check{id, status, std::move(message), std::move(pointer), std::move(url)});
}

std::string failureText(const FetchResponse& response) {
    if (!response.error.empty()) return common::truncateUtf8(common::toValidUtf8(response.error), 200);
    if (response.status != 0) return "HTTP " + std::to_string(response.status);
    return "no response";
}

bool checkReachable(const FetchResponse& response, const std::string& url, ProbeResult& result) {
    if (response.ok) {
        result.reachable = true;
        return true;
    }
    std::string where = common::truncateUtf8(common::toValidUtf8(url), 200);
    if (response.status == 401 || response.status == 403)
        addCheck(result, kReachableCheck, Status::Warn,
                 where + " is restricted (HTTP " + std::to_string(response.status) +
                     "): only clients with access can use it, and nothing in it was checked.");
    else
        addCheck(result, kReachableCheck, Status::Fail, where + " did not answer: " + failureText(response) + ".");
    return false;
}

std::string quoted(std::string_view text) {
    std::string shown = common::truncateUtf8(common::toValidUtf8(text), kQuoteBytes);
    // Binary bytes (a wrong magic number) would otherwise put control characters in the report.
    for (char& c : shown)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
    return "\"" + shown + "\"";
}

std::string byteSize(std::size_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

}  // namespace tweeling::federation::probe
