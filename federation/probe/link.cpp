// Any format without a probe of its own: the link answers, and the server's Content-Type fits the
// media type the record claims. A client picks its reader by that type, so a server that sends
// text/html (an error or login page) for a zip breaks downloads that the record promises.
#include <array>
#include <string>
#include <string_view>

#include "common/text.hpp"
#include "probe/fetch_checks.hpp"
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

namespace {

constexpr const char* kContentType = "link.contentType";

// Pairs that name the same kind of content, as servers and catalogs write them.
constexpr std::array<std::array<std::string_view, 2>, 5> kSameTypes = {{
    {"application/zip", "application/x-zip-compressed"},
    {"application/zip", "application/x-zip"},
    {"application/xml", "text/xml"},
    {"application/json", "text/json"},
    {"application/gzip", "application/x-gzip"},
}};

std::string bareType(std::string_view mediaType) {
    std::string_view type = mediaType.substr(0, mediaType.find(';'));
    return common::toLowerAscii(common::trimView(type));
}

bool sameType(const std::string& a, const std::string& b) {
    if (a == b) return true;
    for (const auto& pair : kSameTypes)
        if ((a == pair[0] && b == pair[1]) || (a == pair[1] && b == pair[0])) return true;
    return false;
}

// "application/geo+json" served as "application/json": the generic type of the structured syntax
// suffix (RFC 6839) is a correct, if vaguer, description of the content.
bool isSuffixBase(const std::string& claimed, const std::string& served) {
    std::size_t plus = claimed.rfind('+');
    std::size_t slash = claimed.find('/');
    if (plus == std::string::npos || slash == std::string::npos || plus < slash) return false;
    std::string suffix = claimed.substr(plus + 1);
    return served == "application/" + suffix || served == "text/" + suffix;
}

void checkContentType(const FetchResponse& response, const std::string& mediaType, ProbeResult& result) {
    std::string claimed = bareType(mediaType);
    std::string served = bareType(response.contentType);
    if (served.empty() || served == "application/octet-stream") {
        addCheck(result, kContentType, Status::Warn,
                 std::string("The server sends ") + (served.empty() ? "no Content-Type" : "application/octet-stream") +
                     (claimed.empty() ? "" : " instead of " + quoted(claimed)) +
                     ", so clients cannot tell what the file is without the record.");
    } else if (claimed.empty()) {
        addCheck(result, kContentType, Status::Pass,
                 "The server says " + quoted(served) + "; the record states no media type to compare it with.");
    } else if (sameType(claimed, served)) {
        addCheck(result, kContentType, Status::Pass, "The server says " + quoted(served) + ", as the record does.");
    } else if (isSuffixBase(claimed, served)) {
        addCheck(result, kContentType, Status::Pass,
                 "The server says " + quoted(served) + ", the generic form of the record's " + quoted(claimed) + ".");
    } else {
        addCheck(result, kContentType, Status::Warn,
                 "The server says " + quoted(served) + ", but the record says " + quoted(claimed) +
                     ": clients that trust the server will not read it as the record promises.");
    }
}

}  // namespace

void probeLink(const std::string& url, const std::string& mediaType, const Fetch& fetch, const Limits& limits,
               ProbeResult& result) {
    RequestBudget budget(fetch, limits);
    FetchResponse response = budget.fetch(url, limits.maxHeaderBytes);
    if (!checkReachable(response, url, result)) return;
    addCheck(result, kReachableCheck, Status::Pass, "The link answers (HTTP " + std::to_string(response.status) + ").");
    checkContentType(response, mediaType, result);
}

}  // namespace tweeling::federation::probe
