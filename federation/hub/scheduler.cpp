#include "hub/scheduler.hpp"

#include <iostream>

namespace tweeling::federation::hub {

Scheduler::Scheduler(Harvester& harvester, SourceRegistry& sources, std::function<void(const HarvestReport&)> onReport,
                     std::chrono::milliseconds tick)
    : m_harvester(harvester), m_sources(sources), m_onReport(std::move(onReport)), m_tick(tick) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() { m_thread = std::thread([this] { loop(); }); }

void Scheduler::wake() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_woken = true;
    }
    m_condition.notify_all();
}

void Scheduler::stop() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_condition.notify_all();
    m_harvester.cancel();
    if (m_thread.joinable()) m_thread.join();
}

void Scheduler::loop() {
    while (true) {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_condition.wait_for(lock, m_tick, [this] { return m_stopping || m_woken; });
            if (m_stopping) return;
            m_woken = false;
        }
        try {
            auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
            auto due = m_sources.due(now);
            if (due.empty()) continue;
            for (const auto& report : m_harvester.harvest(due))
                if (m_onReport) m_onReport(report);
            m_rounds.fetch_add(1);
        } catch (const std::exception& error) {
            // A round that fails as a whole (e.g. the disk is full) is retried at the next tick.
            std::cerr << "{\"event\":\"harvest-round-failed\",\"error\":\"" << error.what() << "\"}" << std::endl;
        }
    }
}

}  // namespace tweeling::federation::hub
