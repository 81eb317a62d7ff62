#pragma once
// Runs the asset probes inside `twin-federation serve`, beside the harvest scheduler and on a thread
// of their own, so a slow asset server never holds up a harvest round: a cycle whenever a round has
// written records (wake) and otherwise every `interval`, each cycle bounded by ProberOptions::batch.
#include "hub/asset_probes.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace tweeling::federation::hub {

class ProbeScheduler {
public:
    ProbeScheduler(AssetProber& prober, std::function<void(const ProbeSummary&)> onCycle = {},
                   std::chrono::milliseconds interval = std::chrono::seconds(30));
    ~ProbeScheduler();
    void start();
    void wake();
    // Stops after the record being probed (at most a few fetch timeouts).
    void stop();

private:
    void loop();

    AssetProber& m_prober;
    std::function<void(const ProbeSummary&)> m_onCycle;
    std::chrono::milliseconds m_interval;
    std::mutex m_mutex;
    std::condition_variable m_condition;
    bool m_woken = true;  // a first cycle at once
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
};

}  // namespace tweeling::federation::hub
