#pragma once
// Harvests each source on its interval, inside `twin-federation serve`, on one background thread.
// A round takes every source that is due; a queued source (POST /sources/{id}/harvest) is due at
// once. Failing sources are pushed back by SourceRegistry::recordAttempt (backoff).
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
    void stop();  // waits for a running round to finish (bounded by the fetch timeouts)
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
