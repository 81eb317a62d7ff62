#pragma once
// Harvests each source on its interval, inside `twin-federation serve`, on one background thread.
// A round takes every source that is due; a queued source (POST /sources/{id}/harvest) is due at
// once. Failing sources are pushed back by SourceRegistry::recordAttempt (backoff).
//
// Sources must not hold one another up. Decision: rather than a thread per source, every run has a
// budget of pages and seconds (HarvesterOptions::maxRunPages, maxRunSeconds; a transfer still
// running at its end is cancelled), so a round lasts at most about the largest budget and a source
// that falls due meanwhile waits no longer than that. A feed that is not through by then goes on
// from its committed cursor in the next round, a tick later, together with whatever else is due.
// One round at a time keeps one libcurl multi handle, one writer thread and the key ring's
// read-then-write steps on one thread, as they were built for.
#include "hub/harvester.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace tweeling::federation::hub {

class Scheduler {
public:
    Scheduler(Harvester& harvester, SourceRegistry& sources,
              std::function<void(const HarvestReport&)> onReport = {},
              std::chrono::milliseconds tick = std::chrono::milliseconds(1000));
    ~Scheduler();
    void start();
    void wake();  // look for due sources now
    // Cancels a running round (Harvester::cancel: transfers aborted, nothing half-written) and waits
    // for it, about a second; no round starts after.
    void stop();
    std::uint64_t roundsCompleted() const { return m_rounds.load(); }

private:
    void loop();

    Harvester& m_harvester;
    SourceRegistry& m_sources;
    std::function<void(const HarvestReport&)> m_onReport;
    std::chrono::milliseconds m_tick;
    std::mutex m_mutex;
    std::condition_variable m_condition;
    bool m_woken = false;
    bool m_stopping = false;
    std::atomic<std::uint64_t> m_rounds{0};
    std::thread m_thread;
};

}  // namespace tweeling::federation::hub
