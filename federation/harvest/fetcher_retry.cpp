// What an attempt's end means (judge), and retries: the timer queue, the backoff, Retry-After.
#include "harvest/fetcher_private.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>

namespace tweeling::federation::harvest {
namespace {

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

// The sentence for a transfer that libcurl failed, and whether to retry it; false when the sentence
// is complete, true when libcurl's own detail is to follow it.
bool describeFailure(const Transfer& transfer, CURLcode code, const std::string& where, double attemptSeconds,
                     long osErrno, bool connected, Verdict& verdict) {
    const FetchOptions& options = transfer.request.options;
    switch (code) {
        case CURLE_WRITE_ERROR:
            if (transfer.tooLarge) {
                verdict.error = "response larger than " + std::to_string(options.maxBytes) + " bytes";
                return false;
            }
            break;
        case CURLE_TOO_MANY_REDIRECTS:
            verdict.error = "too many redirects (more than " + std::to_string(options.maxRedirects) + ")";
            return false;
        case CURLE_UNSUPPORTED_PROTOCOL:
            if (!options.tlsPin.empty())
                verdict.error = "redirect to a non-https URL refused (the source has a TLS pin)";
            else
                verdict.error = isHttpUrl(transfer.request.url) ? "redirect to a non-http(s) URL refused"
                                                                : "not an http(s) URL: " + transfer.request.url;
            return false;
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            verdict.error = "the TLS public key of " + where + " does not match the source's pin";
            return false;
        case CURLE_PEER_FAILED_VERIFICATION:
            verdict.error = "the TLS certificate of " + where + " is not trusted";
            break;
        case CURLE_SSL_CACERT_BADFILE:
            verdict.error = "cannot read the CA bundle " + options.caBundlePath;
            break;
        case CURLE_URL_MALFORMAT:
            verdict.error = "malformed URL: " + transfer.request.url;
            return false;
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
            return false;
        case CURLE_COULDNT_CONNECT:
            verdict.retry = true;
            verdict.error = (osErrno == ECONNREFUSED ? "connection refused by " : "could not connect to ") + where;
            return false;
        case CURLE_COULDNT_RESOLVE_HOST:
            verdict.retry = true;
            verdict.error = "host name of " + where + " could not be resolved";
            return false;
        case CURLE_GOT_NOTHING:
            verdict.retry = true;
            verdict.error = "empty reply from " + where;
            return false;
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
    return true;
}

}  // namespace

Verdict judge(const Transfer& transfer, CURLcode code, long status, const std::string& effectiveUrl,
              double attemptSeconds, long osErrno, bool connected) {
    Verdict verdict;
    if (code == CURLE_COULDNT_CONNECT && !transfer.refusal.empty()) {
        // A refusal is final: asking again reaches the same address.
        verdict.error = transfer.request.options.allowPrivate
                            ? transfer.refusal
                            : transfer.refusal + ": the source was not added with --allow-private";
        return verdict;
    }
    // A body cut at the cap on request (truncateAtMax) ends the transfer as libcurl's write error.
    const bool cutOnRequest = code == CURLE_WRITE_ERROR && transfer.tooLarge && transfer.request.options.truncateAtMax;
    if (code == CURLE_OK || cutOnRequest) {
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
    if (!describeFailure(transfer, code, where, attemptSeconds, osErrno, connected, verdict)) return verdict;
    // Keep libcurl's own detail for the rarer failures: it names what went wrong.
    verdict.error += std::string(": ") + (transfer.errorBuffer[0] ? transfer.errorBuffer : curl_easy_strerror(code));
    return verdict;
}


void Fetcher::Private::promoteDueRetries() {
    const auto now = Clock::now();
    // Retries go before new work: they were submitted earlier.
    std::vector<std::unique_ptr<Transfer>> due;
    while (!retries.empty() && retries.begin()->first <= now) {
        due.push_back(std::move(retries.begin()->second));
        retries.erase(retries.begin());
    }
    for (auto it = due.rbegin(); it != due.rend(); ++it) waiting.push_front(std::move(*it));
}


// Another attempt, after the backoff (or the server's Retry-After on 429 and 503), when the failure
// is worth one and attempts remain: then the transfer is in the timer queue. A Retry-After longer
// than backoffMaxMs ends the request now, saying so: asking again sooner than the server asked is
// not polite, and waiting an hour inside a harvest round holds the round (and every source in it)
// until its budget cancels the request, which then reports no cause at all.
bool Fetcher::Private::scheduleRetry(std::unique_ptr<Transfer>& transfer, Verdict& verdict, long status) {
    const FetchOptions& options = transfer->request.options;
    if (verdict.ok || !verdict.retry || transfer->attempts >= options.maxAttempts) return false;
    long delayMs = backoffDelayMs(transfer->attempts + 1, options, jitter(random));
    if (status == 429 || status == 503) {
        auto retryAfter = transfer->headers.find("retry-after");
        if (retryAfter != transfer->headers.end()) {
            const long serverDelayMs = parseRetryAfterMs(retryAfter->second);
            if (serverDelayMs > options.backoffMaxMs) {
                verdict.error += "; the server asks to retry after " + formatSeconds(serverDelayMs / 1000.0) +
                                 ", longer than the longest wait (" + formatSeconds(options.backoffMaxMs / 1000.0) +
                                 "), so not now";
                return false;
            }
            if (serverDelayMs >= 0) delayMs = serverDelayMs;
        }
    }
    transfer->lastFailure = verdict.error;
    retries.emplace(Clock::now() + std::chrono::milliseconds(delayMs), std::move(transfer));
    return true;
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
