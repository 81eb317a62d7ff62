#include "hub/probe_fetch.hpp"

#include "common/text.hpp"
#include "hub/job.hpp"  // hostOf

namespace tweeling::federation::hub {

void HostSlots::acquire(const std::string& host) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_freed.wait(lock, [&] { return m_inFlight[host] < m_perHost; });
    ++m_inFlight[host];
}

void HostSlots::release(const std::string& host) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (--m_inFlight[host] <= 0) m_inFlight.erase(host);
    }
    m_freed.notify_all();
}

probe::Fetch makeProbeFetch(harvest::FetchOptions options, HostSlots& slots, const std::atomic<bool>& cancelled) {
    return [options, &slots, &cancelled](const std::string& url, std::size_t maxBytes) {
        harvest::FetchOptions request = options;
        if (maxBytes == 0) maxBytes = 1;
        request.maxBytes = maxBytes;
        request.truncateAtMax = true;
        // Probes are a check, not a harvest: no retry, so a dead link costs one timeout at most
        // (the record is probed again on schedule).
        request.maxAttempts = 1;
        const std::string host = hostOf(url);
        slots.acquire(host);
        harvest::FetchResult result;
        try {
            result = harvest::fetchOne(url, request, {"Range: bytes=0-" + std::to_string(maxBytes - 1)},
                                       [&cancelled] { return cancelled.load(); });
        } catch (...) {
            slots.release(host);
            throw;
        }
        slots.release(host);
        probe::FetchResponse response;
        response.ok = result.ok;
        response.status = result.status;
        response.body = std::move(result.body);
        response.truncated = result.truncated;
        // A 206 whose Content-Range says there is more is a cut body too.
        auto range = result.headers.find("content-range");
        if (result.status == 206 && range != result.headers.end()) {
            auto slash = range->second.rfind('/');
            if (slash != std::string::npos) {
                const std::string total = common::trim(range->second.substr(slash + 1));
                if (total != "*" && total != std::to_string(response.body.size())) response.truncated = true;
            }
        }
        auto type = result.headers.find("content-type");
        if (type != result.headers.end())
            response.contentType = common::toLowerAscii(common::trim(type->second.substr(0, type->second.find(';'))));
        response.finalUrl = result.finalUrl.empty() ? url : result.finalUrl;
        response.error = result.error;
        if (!response.ok && response.error.empty()) response.error = "HTTP " + std::to_string(result.status);
        return response;
    };
}

}  // namespace tweeling::federation::hub
