#pragma once
// The one thread that writes harvested pages, so that the next pages are fetched, checked and
// prepared (on the fetcher's thread and one helper) while it writes: preparation and SQLite's single
// writer overlap instead of taking turns. Tasks run in push order, so a source's pages, and then
// the end of its run, commit in feed order. At most `maxPending` pages wait (memory stays bounded):
// push() blocks the fetcher's thread until there is room.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tweeling::federation::hub {

class WriteQueue {
public:
    explicit WriteQueue(std::size_t maxPending);
    ~WriteQueue();  // runs what was pushed, then joins the thread
    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;

    // Tasks catch their own errors.
    void push(std::function<void()> task);
    // Returns once every task pushed so far has run.
    void drain();

private:
    void run();

    std::size_t m_max;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_room, m_idle;
    std::deque<std::function<void()>> m_tasks;
    bool m_busy = false;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace tweeling::federation::hub
