// The multi loop: admission per host, attempts given to libcurl and their ends, answers,
// cancelling. A request's setup is in fetcher_request.cpp, retries in fetcher_retry.cpp.
#include "harvest/fetcher.hpp"

#include "harvest/fetcher_private.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace tweeling::federation::harvest {

void Fetcher::Private::startAttempt(std::unique_ptr<Transfer> transfer) {
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


void Fetcher::Private::admit() {
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


void Fetcher::Private::finishAttempt(CURL* handle, CURLcode code) {
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

    Verdict verdict = judge(*transfer, code, status, finalUrl, totalMicroseconds / 1e6, osErrno,
                                  connectMicroseconds > 0 || status != 0);
    if (scheduleRetry(transfer, verdict, status)) return;

    FetchResult result;
    result.url = transfer->request.url;
    result.finalUrl = finalUrl;
    result.status = status;
    result.headers = std::move(transfer->headers);
    result.ok = verdict.ok;
    result.attempts = transfer->attempts;
    result.seconds = std::chrono::duration<double>(Clock::now() - transfer->firstStart).count();
    // A cut-off body is not a document; keep error bodies (problem details help reports).
    if (!transfer->tooLarge || transfer->request.options.truncateAtMax) result.body = std::move(transfer->body);
    result.truncated = transfer->tooLarge && transfer->request.options.truncateAtMax;
    if (!verdict.ok) {
        result.error = verdict.error;
        if (transfer->attempts > 1) result.error += " (" + std::to_string(transfer->attempts) + " attempts)";
    }
    deliver(std::move(transfer), std::move(result));
}


void Fetcher::Private::deliverFailure(std::unique_ptr<Transfer> transfer, const std::string& error) {
    FetchResult result;
    result.url = transfer->request.url;
    result.finalUrl = result.url;
    result.attempts = transfer->attempts;
    result.error = error;
    deliver(std::move(transfer), std::move(result));
}


void Fetcher::Private::deliver(std::unique_ptr<Transfer> transfer, FetchResult&& result) {
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


long Fetcher::Private::pollTimeoutMs() {
    long timeoutMs = -1;
    curl::check(curl_multi_timeout(multi.get(), &timeoutMs), "curl_multi_timeout");
    if (timeoutMs < 0 || timeoutMs > kMaxPollMs) timeoutMs = kMaxPollMs;
    if (!retries.empty()) {
        const auto untilRetry = std::chrono::ceil<std::chrono::milliseconds>(retries.begin()->first - Clock::now());
        timeoutMs = std::min<long>(timeoutMs, std::max<long>(0, static_cast<long>(untilRetry.count())));
    }
    return timeoutMs;
}


// Collected first, answered after: an answer's callback may submit (or cancel) more.
void Fetcher::Private::dropCancelled() {
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
        result.failedBefore = std::move(transfer->lastFailure);
        deliver(std::move(transfer), std::move(result));
    }
}


void Fetcher::Private::drive() {
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

FetchResult fetchOne(const std::string& url, const FetchOptions& options, const std::vector<std::string>& headers,
                     std::function<bool()> cancelled) {
    FetchResult result;
    Fetcher fetcher(1);
    fetcher.submit(FetchRequest{url, headers, options, [&result](FetchResult&& done) { result = std::move(done); },
                                std::move(cancelled)});
    fetcher.run();
    return result;
}

}  // namespace tweeling::federation::harvest
