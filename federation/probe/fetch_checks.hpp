#pragma once
// What every probe does around its fetches: it counts its requests against Limits::maxRequests,
// reports a distribution URL that does not answer under one check id, `link.reachable`, whatever
// the format (so reports and searches find broken links by one id), and quotes what a server sent
// in its messages without letting it grow the report or break its UTF-8.
#include <cstddef>
#include <string>
#include <string_view>

#include "probe/probe.hpp"

namespace tweeling::federation::probe {

inline constexpr const char* kReachableCheck = "link.reachable";

// A probe's requests, at most limits.maxRequests (or a probe's own smaller cap) of them. One more
// is answered without a request, as a failure whose error says the limit was reached, so a probe
// handles it like any other failed fetch.
class RequestBudget {
public:
    RequestBudget(const Fetch& fetch, const Limits& limits, int cap = -1);
    FetchResponse fetch(const std::string& url, std::size_t maxBytes);
    bool canFetch() const { return m_left > 0; }

private:
    const Fetch& m_fetch;
    int m_left;
};

void addCheck(ProbeResult& result, const char* id, Status status, std::string message, std::string pointer = {},
              std::string url = {});

// For the distribution's own URL: a 2xx sets result.reachable and returns true, adding no check (a
// probe that has nothing else to say adds its own pass). Otherwise adds `link.reachable`: warn for
// 401/403 (restricted: usable by those with access), fail for everything else, and returns false.
bool checkReachable(const FetchResponse& response, const std::string& url, ProbeResult& result);

// The reason a response other than a 2xx gives: its error, or "HTTP <status>".
std::string failureText(const FetchResponse& response);

// `text` as a server sent it, for a message: valid UTF-8, at most about 80 bytes, in quotes.
std::string quoted(std::string_view text);

// "64 KiB", "16 MiB", "123 bytes": sizes in messages.
std::string byteSize(std::size_t bytes);

}  // namespace tweeling::federation::probe
