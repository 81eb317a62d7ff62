#include "hub/probe_scheduler.hpp"

#include <iostream>

namespace tweeling::federation::hub {

ProbeScheduler::ProbeScheduler(AssetProber& prober, std::function<void(const ProbeSummary&)> onCycle,
                               std::chrono::milliseconds interval)
    : m_prober(prober), m_onCycle(std::move(onCycle)), m_interval(interval) {}

ProbeScheduler::~ProbeScheduler() { stop(); }

void ProbeScheduler::start() {
    if (!m_thread.joinable()) m_thread = std::thread([this] { loop(); });
}

void ProbeScheduler::wake() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_woken = true;
    }
    m_condition.notify_all();
}

void ProbeScheduler::stop() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_condition.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void ProbeScheduler::loop() {
    while (true) {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_condition.wait_for(lock, m_interval, [this] { return m_woken || m_stopping.load(); });
            if (m_stopping) return;
            m_woken = false;
        }
        try {
            // A full batch means more is waiting: go on at once.
            for (ProbeSummary summary = m_prober.runOnce(m_stopping); !m_stopping;
                 summary = m_prober.runOnce(m_stopping)) {
                if (summary.probed > 0 && m_onCycle) m_onCycle(summary);
                if (summary.probed == 0) break;
            }
        } catch (const std::exception& error) {
            // A probe cycle that fails (the database busy or full) is tried again next time.
            std::cerr << "{\"event\":\"probe-error\",\"what\":\"" << error.what() << "\"}" << std::endl;
        }
    }
}

}  // namespace tweeling::federation::hub
