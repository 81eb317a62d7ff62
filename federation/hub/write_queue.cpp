#include "hub/write_queue.hpp"

namespace tweeling::federation::hub {

WriteQueue::WriteQueue(std::size_t maxPending) : m_max(maxPending) { m_thread = std::thread([this] { run(); }); }

WriteQueue::~WriteQueue() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_ready.notify_all();
    m_thread.join();
}

void WriteQueue::push(std::function<void()> task) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_room.wait(lock, [&] { return m_tasks.size() < m_max; });
    m_tasks.push_back(std::move(task));
    m_ready.notify_all();
}

void WriteQueue::drain() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [&] { return m_tasks.empty() && !m_busy; });
}

void WriteQueue::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_ready.wait(lock, [&] { return m_stop || !m_tasks.empty(); });
            if (m_tasks.empty()) return;
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
            m_busy = true;
        }
        m_room.notify_all();
        task();  // tasks catch their own errors
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_busy = false;
        }
        m_idle.notify_all();
    }
}

}  // namespace tweeling::federation::hub
