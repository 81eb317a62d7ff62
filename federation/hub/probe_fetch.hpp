#pragma once
// The network side of the asset probes (probe/probe.hpp): a probe::Fetch over the harvester's
// fetcher, with the same network edges as harvesting the record's source (its address policy and
// --allow-private, timeouts), a byte cap asked for with an HTTP Range, and at most a few requests in
// flight per host, whichever probes ask.
#include "harvest/fetcher.hpp"
#include "probe/probe.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

namespace tweeling::federation::hub {

// Requests in flight per host (scheme://host:port), shared by every probe of a hub.
class HostSlots {
public:
    explicit HostSlots(int perHost) : m_perHost(perHost < 1 ? 1 : perHost) {}
    void acquire(const std::string& host);
    void release(const std::string& host);

private:
    const int m_perHost;
    std::mutex m_mutex;
    std::condition_variable m_freed;
    std::map<std::string, int> m_inFlight;
};

// A Fetch that asks for `url` with these options (maxBytes and truncateAtMax set per request). A
// request ends at once, unanswered, when `cancelled` becomes true (the hub shutting down).
probe::Fetch makeProbeFetch(harvest::FetchOptions options, HostSlots& slots, const std::atomic<bool>& cancelled);

}  // namespace tweeling::federation::hub
