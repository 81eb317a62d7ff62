#pragma once
// The guts of Fetcher, shared by the files that implement it: fetcher.cpp (the multi loop: admission,
// attempts, answers, cancelling), fetcher_request.cpp (a request's setup: its libcurl options and
// callbacks, the address policy at connect time) and fetcher_retry.cpp (what an attempt's end
// means, retries and their backoff). Internal to federation/harvest.
#include "harvest/curl_handles.hpp"
#include "harvest/fetcher.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace tweeling::federation::harvest {

using Clock = std::chrono::steady_clock;

// Politeness towards one registry node, and the reason libcurl never queues a transfer itself (its
// TIMEOUT_MS would then count time spent waiting for a connection): we admit at most this many
// transfers per scheme://host:port, and tell libcurl the same limit as a backstop.
constexpr std::size_t kMaxTransfersPerHost = 6;
// The longest curl_multi_poll sleeps without a libcurl timer or a retry falling due.
constexpr long kMaxPollMs = 1000;

// "https://Node.example:8443/feed?x" -> "https://node.example:8443": the unit of per-host admission.
std::string hostKeyOf(const std::string& url);
bool isHttpUrl(const std::string& url);
// Why a request cannot start at all, or an empty string.
std::string refusalBeforeStart(const FetchRequest& request);

// One submitted request, across all its attempts.
struct Transfer {
    FetchRequest request;
    std::string hostKey;
    int attempts = 0;
    Clock::time_point firstStart;

    // State of the current attempt; reset when it starts and by each new response in a redirect chain.
    curl::EasyHandle easy;
    curl::StringList headerList;
    std::string body;
    std::size_t bodyBytes = 0;
    bool tooLarge = false;
    std::map<std::string, std::string> headers;
    std::string reason;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    // Why the address policy refused a connection of this attempt (the first refusal), or empty.
    // Kept across the responses of a redirect chain: the refusal comes after the redirect's headers.
    std::string refusal;
    // Why the last finished attempt failed, when it is to be retried: what a cancelled request says
    // it was struggling with (FetchResult::failedBefore).
    std::string lastFailure;

    void resetAttempt() {
        body.clear();
        bodyBytes = 0;
        tooLarge = false;
        headers.clear();
        reason.clear();
        errorBuffer[0] = '\0';
    }
};

// What one finished attempt means.
struct Verdict {
    bool ok = false;
    bool retry = false;
    std::string error;
};

// What an attempt that ended with `code` (and HTTP `status`) means.
Verdict judge(const Transfer& transfer, CURLcode code, long status, const std::string& effectiveUrl,
              double attemptSeconds, long osErrno, bool connected);

struct Fetcher::Private {
    // Declared first so it is destroyed last, after every easy handle it might still reference.
    curl::MultiHandle multi;
    // The connection pool of requests that allow private addresses (the multi handle holds the
    // other): a connection to a private address is never reused by a request that does not allow
    // one, since libcurl reuses connections without opening a socket, so without asking the policy.
    // Destroyed after the easy handles that use it, before the multi handle.
    curl::ShareHandle privatePool;
    std::size_t maxInFlight;
    std::vector<curl::EasyHandle> idleHandles;  // reused: keeps allocations and settings warm
    std::deque<std::unique_ptr<Transfer>> waiting;  // admission queue: not yet given to libcurl
    std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
    std::unordered_map<std::string, std::size_t> activePerHost;
    std::multimap<Clock::time_point, std::unique_ptr<Transfer>> retries;  // timer queue
    std::mt19937_64 random;
    std::uniform_real_distribution<double> jitter{0.0, 1.0};
    std::exception_ptr callbackError;
    bool running = false;

    explicit Private(int maxInFlightTransfers);
    ~Private();

    std::size_t perHostLimit() const { return std::min(maxInFlight, kMaxTransfersPerHost); }

    // fetcher_request.cpp: an idle easy handle (reset) or a new one; the options of one attempt.
    curl::EasyHandle takeHandle();
    void configure(Transfer& transfer);

    // fetcher.cpp: the multi loop.
    void startAttempt(std::unique_ptr<Transfer> transfer);
    // Gives waiting transfers to libcurl while there is room, overall and per host.
    void admit();
    void finishAttempt(CURL* handle, CURLcode code);
    // The answer to a request that never reached libcurl.
    void deliverFailure(std::unique_ptr<Transfer> transfer, const std::string& error);
    void deliver(std::unique_ptr<Transfer> transfer, FetchResult&& result);
    long pollTimeoutMs();
    static bool isCancelled(const Transfer& transfer) {
        return transfer.request.cancelled && transfer.request.cancelled();
    }
    // Ends every cancelled request, wherever it is: waiting, in libcurl, or asleep before a retry.
    void dropCancelled();
    void drive();

    // fetcher_retry.cpp: the timer queue.
    void promoteDueRetries();
    // May add to verdict.error why it is not retried.
    bool scheduleRetry(std::unique_ptr<Transfer>& transfer, Verdict& verdict, long status);
};

}  // namespace tweeling::federation::harvest
