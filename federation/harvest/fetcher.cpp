#include "harvest/fetcher.hpp"

#include "common/text.hpp"
#include "harvest/address_policy.hpp"
#include "harvest/curl_handles.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <limits>
#include <random>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace tweeling::federation::harvest {
namespace {

using Clock = std::chrono::steady_clock;

// Politeness towards one registry node, and the reason libcurl never queues a transfer itself (its
// TIMEOUT_MS would then count time spent waiting for a connection): we admit at most this many
// transfers per scheme://host:port, and tell libcurl the same limit as a backstop.
constexpr std::size_t kMaxTransfersPerHost = 6;
// The longest curl_multi_poll sleeps without a libcurl timer or a retry falling due.
constexpr long kMaxPollMs = 1000;

// "https://Node.example:8443/feed?x" -> "https://node.example:8443": the unit of per-host admission.
std::string hostKeyOf(const std::string& url) {
    const auto scheme = url.find("://");
    const auto start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto end = url.find_first_of("/?#", start);
    return common::toLowerAscii(url.substr(0, end));
}

bool isHttpUrl(const std::string& url) {
    const std::string lower = common::toLowerAscii(url.substr(0, 8));
    return lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0;
}

bool isHttpsUrl(const std::string& url) { return common::toLowerAscii(url.substr(0, 8)) == "https://"; }

// Why a request cannot start at all, or an empty string.
std::string refusalBeforeStart(const FetchRequest& request) {
    const std::string& url = request.url;
    if (!isHttpUrl(url)) {
        const auto colon = url.find(':');
        const std::string scheme = colon == std::string::npos || colon > 16 ? "" : url.substr(0, colon);
        return "not an http(s) URL: " + url + (scheme.empty() ? "" : " (" + scheme + ": is not fetched)");
    }
    if (!request.options.tlsPin.empty() && !isHttpsUrl(url))
        return "not an https URL: " + url + " (a source with a TLS pin is fetched over https only)";
    return {};
}

// "host:port" of a URL for error sentences; the URL itself when it cannot be parsed.
std::string hostAndPort(const std::string& url) {
    try {
        curl::UrlHandle handle = curl::makeUrl();
        curl::check(curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0), "curl_url_set");
        char* host = nullptr;
        char* port = nullptr;
        curl::check(curl_url_get(handle.get(), CURLUPART_HOST, &host, 0), "curl_url_get");
        std::string text = host;
        curl_free(host);
        if (curl_url_get(handle.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
            text += std::string(":") + port;
            curl_free(port);
        }
        return text;
    } catch (const curl::CurlError&) {
        return url;
    }
}

std::string formatSeconds(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", seconds);
    return text;
}

const char* standardReason(long status) {
    switch (status) {
        case 300: return "Multiple Choices";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 406: return "Not Acceptable";
        case 408: return "Request Timeout";
        case 410: return "Gone";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "";
    }
}

bool isSuccess(long status) { return (status >= 200 && status < 300) || status == 304; }

bool isRetryableStatus(long status) { return status >= 500 || status == 429 || status == 408; }

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

    void resetAttempt() {
        body.clear();
        bodyBytes = 0;
        tooLarge = false;
        headers.clear();
        reason.clear();
        errorBuffer[0] = '\0';
    }
};

// Decoded body bytes (libcurl hands us what is left after gzip/deflate). MAXFILESIZE cannot stop a
// chunked or compressed body, so the cap is enforced here; returning less than given aborts.
std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    if (transfer->bodyBytes + bytes > transfer->request.options.maxBytes) {
        transfer->tooLarge = true;
        return 0;
    }
    transfer->bodyBytes += bytes;
    transfer->body.append(data, bytes);
    return bytes;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    const std::string line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response (after a redirect or a 1xx): only the last one's headers and body count.
        transfer->resetAttempt();
        const auto code = line.find(' ');
        const auto reason = code == std::string::npos ? code : line.find(' ', code + 1);
        if (reason != std::string::npos) transfer->reason = common::trim(line.substr(reason + 1));
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon != std::string::npos && colon > 0) {
        transfer->headers[common::toLowerAscii(common::trim(line.substr(0, colon)))] = common::trim(line.substr(colon + 1));
    }
    return bytes;
}

// Every connection libcurl opens comes here with the address it is about to connect to (after DNS,
// for each redirect hop): the one place the address policy is applied. Refusing makes libcurl try
// the host's next address, if any, or fail the attempt with CURLE_COULDNT_CONNECT.
curl_socket_t onOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* transfer = static_cast<Transfer*>(user);
    try {
        const FetchOptions& options = transfer->request.options;
        const sockaddr* target = &address->addr;
        bool allowed = options.allowPrivate || purpose != CURLSOCKTYPE_IPCXN;
        if (!allowed) {
            const AddressKind kind = classifyAddress(target);
            allowed = kind == AddressKind::Public ||
                      (options.treatAsPublicForTests && options.treatAsPublicForTests(target));
            if (!allowed && transfer->refusal.empty())
                transfer->refusal = "refused to connect to " + addressText(target) + " (" + describe(kind) + ")";
        }
        if (!allowed) return CURL_SOCKET_BAD;
    } catch (...) {
        return CURL_SOCKET_BAD;  // never let an exception cross libcurl
    }
    return ::socket(address->family, address->socktype, address->protocol);
}

// What one finished attempt means.
struct Verdict {
    bool ok = false;
    bool retry = false;
    std::string error;
};

Verdict judge(const Transfer& transfer, CURLcode code, long status, const std::string& effectiveUrl,
              double attemptSeconds, long osErrno, bool connected) {
    const FetchOptions& options = transfer.request.options;
    Verdict verdict;
    if (code == CURLE_COULDNT_CONNECT && !transfer.refusal.empty()) {
        // A refusal is final: asking again reaches the same address.
        verdict.error = transfer.refusal + ": the source was not added with --allow-private";
        return verdict;
    }
    if (code == CURLE_OK) {
        if (isSuccess(status)) {
            verdict.ok = true;
            return verdict;
        }
        std::string reason = transfer.reason.empty() ? standardReason(status) : transfer.reason;
        verdict.error = "HTTP " + std::to_string(status) + (reason.empty() ? "" : " " + reason);
        verdict.retry = isRetryableStatus(status);
        return verdict;
    }
    const std::string where = hostAndPort(effectiveUrl);
    switch (code) {
        case CURLE_WRITE_ERROR:
            if (transfer.tooLarge) {
                verdict.error = "response larger than " + std::to_string(options.maxBytes) + " bytes";
                return verdict;
            }
            break;
        case CURLE_TOO_MANY_REDIRECTS:
            verdict.error = "too many redirects (more than " + std::to_string(options.maxRedirects) + ")";
            return verdict;
        case CURLE_UNSUPPORTED_PROTOCOL:
            if (!options.tlsPin.empty())
                verdict.error = "redirect to a non-https URL refused (the source has a TLS pin)";
            else
                verdict.error = isHttpUrl(transfer.request.url) ? "redirect to a non-http(s) URL refused"
                                                                : "not an http(s) URL: " + transfer.request.url;
            return verdict;
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            verdict.error = "the TLS public key of " + where + " does not match the source's pin";
            return verdict;
        case CURLE_PEER_FAILED_VERIFICATION:
            verdict.error = "the TLS certificate of " + where + " is not trusted";
            break;
        case CURLE_SSL_CACERT_BADFILE:
            verdict.error = "cannot read the CA bundle " + options.caBundlePath;
            break;
        case CURLE_URL_MALFORMAT:
            verdict.error = "malformed URL: " + transfer.request.url;
            return verdict;
        case CURLE_OPERATION_TIMEDOUT:
            verdict.retry = true;
            if (!connected) {
                verdict.error = "connecting to " + where + " timed out after " + formatSeconds(attemptSeconds);
            } else if (std::strstr(transfer.errorBuffer, "too slow")) {
                verdict.error = "timed out: under " + std::to_string(options.lowSpeedBytesPerSecond) +
                                " bytes/s for " + std::to_string(options.lowSpeedSeconds) + " s";
            } else {
                verdict.error = "timed out after " + formatSeconds(attemptSeconds);
            }
            return verdict;
        case CURLE_COULDNT_CONNECT:
            verdict.retry = true;
            verdict.error = (osErrno == ECONNREFUSED ? "connection refused by " : "could not connect to ") + where;
            return verdict;
        case CURLE_COULDNT_RESOLVE_HOST:
            verdict.retry = true;
            verdict.error = "host name of " + where + " could not be resolved";
            return verdict;
        case CURLE_GOT_NOTHING:
            verdict.retry = true;
            verdict.error = "empty reply from " + where;
            return verdict;
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            verdict.retry = true;
            verdict.error = "connection to " + where + " broken off";
            break;
        default:
            verdict.error = std::string("transfer failed");
            break;
    }
    // Keep libcurl's own detail for the rarer failures: it names what went wrong.
    verdict.error += std::string(": ") + (transfer.errorBuffer[0] ? transfer.errorBuffer : curl_easy_strerror(code));
    return verdict;
}

}  // namespace

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

    explicit Private(int maxInFlightTransfers)
        : multi(curl::makeMulti()),
          privatePool(curl::makeShare()),
          maxInFlight(static_cast<std::size_t>(std::max(1, maxInFlightTransfers))),
          random(std::random_device{}()) {
        curl::setOption(multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(maxInFlight));
        curl::setOption(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS,
                        static_cast<long>(std::min(maxInFlight, kMaxTransfersPerHost)));
        curl::check(curl_share_setopt(privatePool.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT), "curl_share_setopt");
    }

    ~Private() {
        // Only after run() was left by an exception: detach what libcurl still holds.
        for (auto& [handle, transfer] : active) curl_multi_remove_handle(multi.get(), handle);
    }

    std::size_t perHostLimit() const { return std::min(maxInFlight, kMaxTransfersPerHost); }

    curl::EasyHandle takeHandle() {
        if (idleHandles.empty()) return curl::makeEasy();
        curl::EasyHandle handle = std::move(idleHandles.back());
        idleHandles.pop_back();
        curl_easy_reset(handle.get());  // keeps its caches; options start over
        return handle;
    }

    void configure(Transfer& transfer) {
        CURL* easy = transfer.easy.get();
        const FetchOptions& options = transfer.request.options;
        curl::setOption(easy, CURLOPT_URL, transfer.request.url.c_str());
        curl::setOption(easy, CURLOPT_NOSIGNAL, 1L);
        curl::setOption(easy, CURLOPT_PRIVATE, static_cast<void*>(&transfer));
        curl::setOption(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer);
        curl::setOption(easy, CURLOPT_ACCEPT_ENCODING, "");
        curl::setOption(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMs);
        curl::setOption(easy, CURLOPT_TIMEOUT_MS, options.totalTimeoutMs);
        curl::setOption(easy, CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond);
        curl::setOption(easy, CURLOPT_LOW_SPEED_TIME, options.lowSpeedSeconds);
        curl::setOption(easy, CURLOPT_FOLLOWLOCATION, 1L);
        curl::setOption(easy, CURLOPT_MAXREDIRS, static_cast<long>(options.maxRedirects));
        // With a pin, a redirect to plain http would skip it.
        const char* protocols = options.tlsPin.empty() ? "http,https" : "https";
        curl::setOption(easy, CURLOPT_PROTOCOLS_STR, protocols);
        curl::setOption(easy, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
        curl::setOption(easy, CURLOPT_SSL_VERIFYPEER, 1L);
        curl::setOption(easy, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!options.caBundlePath.empty()) curl::setOption(easy, CURLOPT_CAINFO, options.caBundlePath.c_str());
        if (!options.tlsPin.empty()) curl::setOption(easy, CURLOPT_PINNEDPUBLICKEY, options.tlsPin.c_str());
        // A proxy would be the address checked, not the target: none, whatever the environment says.
        curl::setOption(easy, CURLOPT_PROXY, "");
        curl::setOption(easy, CURLOPT_OPENSOCKETFUNCTION, &onOpenSocket);
        curl::setOption(easy, CURLOPT_OPENSOCKETDATA, static_cast<void*>(&transfer));
        const bool privatePoolUsed = options.allowPrivate || static_cast<bool>(options.treatAsPublicForTests);
        curl::setOption(easy, CURLOPT_SHARE, privatePoolUsed ? privatePool.get() : static_cast<CURLSH*>(nullptr));
        curl::setOption(easy, CURLOPT_USERAGENT, options.userAgent.c_str());
        curl::setOption(easy, CURLOPT_WRITEFUNCTION, &onBody);
        curl::setOption(easy, CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
        curl::setOption(easy, CURLOPT_HEADERFUNCTION, &onHeader);
        curl::setOption(easy, CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
        transfer.headerList.reset();
        for (const std::string& header : transfer.request.headers) curl::append(transfer.headerList, header);
        if (transfer.headerList) curl::setOption(easy, CURLOPT_HTTPHEADER, transfer.headerList.get());
    }

    void startAttempt(std::unique_ptr<Transfer> transfer) {
        if (transfer->attempts++ == 0) transfer->firstStart = Clock::now();
        transfer->resetAttempt();
        transfer->refusal.clear();
        if (std::string refusal = refusalBeforeStart(transfer->request); !refusal.empty()) {
            deliverFailure(std::move(transfer), refusal);
            return;
        }
        try {
            transfer->easy = takeHandle();
            configure(*transfer);
            curl::check(curl_multi_add_handle(multi.get(), transfer->easy.get()), "curl_multi_add_handle");
        } catch (const curl::CurlError& error) {
            // Cannot happen with a sane libcurl; still, the request gets its one answer.
            transfer->easy.reset();
            deliverFailure(std::move(transfer), std::string("could not start the transfer: ") + error.what());
            return;
        }
        ++activePerHost[transfer->hostKey];
        CURL* handle = transfer->easy.get();
        active.emplace(handle, std::move(transfer));
    }

    // Gives waiting transfers to libcurl while there is room, overall and per host.
    void admit() {
        // Indexes, not iterators: a failed start delivers a result, and its callback may submit.
        for (std::size_t i = 0; i < waiting.size() && active.size() < maxInFlight;) {
            if (activePerHost[waiting[i]->hostKey] >= perHostLimit()) {
                ++i;
                continue;
            }
            std::unique_ptr<Transfer> transfer = std::move(waiting[i]);
            waiting.erase(waiting.begin() + static_cast<std::ptrdiff_t>(i));
            startAttempt(std::move(transfer));
        }
    }

    void promoteDueRetries() {
        const auto now = Clock::now();
        // Retries go before new work: they were submitted earlier.
        std::vector<std::unique_ptr<Transfer>> due;
        while (!retries.empty() && retries.begin()->first <= now) {
            due.push_back(std::move(retries.begin()->second));
            retries.erase(retries.begin());
        }
        for (auto it = due.rbegin(); it != due.rend(); ++it) waiting.push_front(std::move(*it));
    }

    void finishAttempt(CURL* handle, CURLcode code) {
        auto found = active.find(handle);
        if (found == active.end()) return;
        std::unique_ptr<Transfer> transfer = std::move(found->second);
        active.erase(found);
        --activePerHost[transfer->hostKey];

        long status = 0;
        char* effectiveUrl = nullptr;
        curl_off_t totalMicroseconds = 0;
        curl_off_t connectMicroseconds = 0;
        long osErrno = 0;
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &effectiveUrl);
        curl_easy_getinfo(handle, CURLINFO_TOTAL_TIME_T, &totalMicroseconds);
        curl_easy_getinfo(handle, CURLINFO_CONNECT_TIME_T, &connectMicroseconds);
        curl_easy_getinfo(handle, CURLINFO_OS_ERRNO, &osErrno);
        const std::string finalUrl = effectiveUrl ? effectiveUrl : transfer->request.url;

        curl_multi_remove_handle(multi.get(), handle);
        idleHandles.push_back(std::move(transfer->easy));
        transfer->headerList.reset();

        const Verdict verdict = judge(*transfer, code, status, finalUrl, totalMicroseconds / 1e6, osErrno,
                                      connectMicroseconds > 0 || status != 0);
        const FetchOptions& options = transfer->request.options;
        if (!verdict.ok && verdict.retry && transfer->attempts < options.maxAttempts) {
            long delayMs = backoffDelayMs(transfer->attempts + 1, options, jitter(random));
            if (status == 429 || status == 503) {
                auto retryAfter = transfer->headers.find("retry-after");
                if (retryAfter != transfer->headers.end()) {
                    const long serverDelayMs = parseRetryAfterMs(retryAfter->second);
                    if (serverDelayMs >= 0) delayMs = std::min(serverDelayMs, options.backoffMaxMs);
                }
            }
            retries.emplace(Clock::now() + std::chrono::milliseconds(delayMs), std::move(transfer));
            return;
        }

        FetchResult result;
        result.url = transfer->request.url;
        result.finalUrl = finalUrl;
        result.status = status;
        result.headers = std::move(transfer->headers);
        result.ok = verdict.ok;
        result.attempts = transfer->attempts;
        result.seconds = std::chrono::duration<double>(Clock::now() - transfer->firstStart).count();
        // A cut-off body is not a document; keep error bodies (problem details help reports).
        if (!transfer->tooLarge) result.body = std::move(transfer->body);
        if (!verdict.ok) {
            result.error = verdict.error;
            if (transfer->attempts > 1) result.error += " (" + std::to_string(transfer->attempts) + " attempts)";
        }
        deliver(std::move(transfer), std::move(result));
    }

    // The answer to a request that never reached libcurl.
    void deliverFailure(std::unique_ptr<Transfer> transfer, const std::string& error) {
        FetchResult result;
        result.url = transfer->request.url;
        result.finalUrl = result.url;
        result.attempts = transfer->attempts;
        result.error = error;
        deliver(std::move(transfer), std::move(result));
    }

    void deliver(std::unique_ptr<Transfer> transfer, FetchResult&& result) {
        auto callback = std::move(transfer->request.onDone);
        transfer.reset();
        if (!callback) return;
        try {
            callback(std::move(result));
        } catch (...) {
            // The other transfers still get their answers; run() rethrows the first exception.
            if (!callbackError) callbackError = std::current_exception();
        }
    }

    long pollTimeoutMs() {
        long timeoutMs = -1;
        curl::check(curl_multi_timeout(multi.get(), &timeoutMs), "curl_multi_timeout");
        if (timeoutMs < 0 || timeoutMs > kMaxPollMs) timeoutMs = kMaxPollMs;
        if (!retries.empty()) {
            const auto untilRetry = std::chrono::ceil<std::chrono::milliseconds>(retries.begin()->first - Clock::now());
            timeoutMs = std::min<long>(timeoutMs, std::max<long>(0, static_cast<long>(untilRetry.count())));
        }
        return timeoutMs;
    }

    static bool isCancelled(const Transfer& transfer) {
        return transfer.request.cancelled && transfer.request.cancelled();
    }

    // Ends every cancelled request, wherever it is: waiting, in libcurl, or asleep before a retry.
    // Collected first, answered after: an answer's callback may submit (or cancel) more.
    void dropCancelled() {
        std::vector<std::unique_ptr<Transfer>> cancelled;
        for (auto it = waiting.begin(); it != waiting.end();) {
            if (!isCancelled(**it)) {
                ++it;
                continue;
            }
            cancelled.push_back(std::move(*it));
            it = waiting.erase(it);
        }
        for (auto it = retries.begin(); it != retries.end();) {
            if (!isCancelled(*it->second)) {
                ++it;
                continue;
            }
            cancelled.push_back(std::move(it->second));
            it = retries.erase(it);
        }
        for (auto it = active.begin(); it != active.end();) {
            if (!isCancelled(*it->second)) {
                ++it;
                continue;
            }
            std::unique_ptr<Transfer> transfer = std::move(it->second);
            it = active.erase(it);
            --activePerHost[transfer->hostKey];
            curl_multi_remove_handle(multi.get(), transfer->easy.get());  // aborts the transfer
            idleHandles.push_back(std::move(transfer->easy));
            transfer->headerList.reset();
            cancelled.push_back(std::move(transfer));
        }
        for (auto& transfer : cancelled) {
            FetchResult result;
            result.url = transfer->request.url;
            result.finalUrl = result.url;
            result.attempts = transfer->attempts;
            result.cancelled = true;
            result.error = "cancelled";
            deliver(std::move(transfer), std::move(result));
        }
    }

    void drive() {
        for (;;) {
            dropCancelled();
            promoteDueRetries();
            admit();
            if (active.empty() && waiting.empty() && retries.empty()) return;

            // With nothing added, curl_multi_poll simply sleeps until the next retry is due.
            curl::check(curl_multi_poll(multi.get(), nullptr, 0, static_cast<int>(pollTimeoutMs()), nullptr),
                        "curl_multi_poll");
            int stillRunning = 0;
            curl::check(curl_multi_perform(multi.get(), &stillRunning), "curl_multi_perform");

            int queued = 0;
            while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
                if (message->msg == CURLMSG_DONE) finishAttempt(message->easy_handle, message->data.result);
            }
        }
    }
};

Fetcher::Fetcher(int maxInFlight) : m_private(std::make_unique<Private>(maxInFlight)) {}

Fetcher::~Fetcher() = default;

void Fetcher::submit(FetchRequest request) {
    auto transfer = std::make_unique<Transfer>();
    transfer->hostKey = hostKeyOf(request.url);
    transfer->request = std::move(request);
    m_private->waiting.push_back(std::move(transfer));
}

// An exception escaping a callback does not stop the round: every other request still gets its one
// answer, then run() rethrows the first such exception (later ones are dropped) and the Fetcher is
// usable again. Only a libcurl failure (curl::CurlError) leaves run() early; the transfers still
// pending then never get an answer, and the destructor releases them.
void Fetcher::run() {
    Private& p = *m_private;
    if (p.running) throw std::logic_error("Fetcher::run() called from inside a fetch callback");
    p.running = true;
    try {
        p.drive();
    } catch (...) {
        p.running = false;
        throw;
    }
    p.running = false;
    if (p.callbackError) {
        std::exception_ptr error = std::exchange(p.callbackError, nullptr);
        std::rethrow_exception(error);
    }
}

void Fetcher::wake() {
    curl_multi_wakeup(m_private->multi.get());
}

std::size_t Fetcher::pending() const {
    const Private& p = *m_private;
    return p.waiting.size() + p.active.size() + p.retries.size();
}

FetchResult fetchOne(const std::string& url, const FetchOptions& options, const std::vector<std::string>& headers) {
    FetchResult result;
    Fetcher fetcher(1);
    fetcher.submit(FetchRequest{url, headers, options, [&result](FetchResult&& done) { result = std::move(done); }});
    fetcher.run();
    return result;
}

long parseRetryAfterMs(const std::string& value) {
    const std::string text = common::trim(value);
    if (text.empty()) return -1;
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
        constexpr long kMaxSeconds = std::numeric_limits<long>::max() / 1000;
        if (text.size() > 12) return kMaxSeconds * 1000;  // absurd, but "later" rather than "bad"
        return std::min(std::stol(text), kMaxSeconds) * 1000;
    }
    // Every HTTP-date form names a month or weekday; this keeps curl_getdate from reading "-5".
    if (std::none_of(text.begin(), text.end(), [](unsigned char c) { return std::isalpha(c); })) return -1;
    const time_t when = curl_getdate(text.c_str(), nullptr);
    if (when == -1) return -1;
    const double seconds = std::difftime(when, std::time(nullptr));
    return seconds <= 0 ? 0 : static_cast<long>(seconds * 1000);
}

long backoffDelayMs(int attempt, const FetchOptions& options, double jitter01) {
    if (attempt < 2) return 0;
    const double factor = 0.5 + std::clamp(jitter01, 0.0, 1.0);
    // Exponent capped well below overflow; the cap on the delay applies long before.
    const double delay = std::ldexp(static_cast<double>(options.backoffBaseMs), std::min(attempt - 2, 60)) * factor;
    return static_cast<long>(std::min(delay, static_cast<double>(options.backoffMaxMs)));
}

}  // namespace tweeling::federation::harvest
