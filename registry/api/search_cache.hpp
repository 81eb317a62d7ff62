#pragma once
// Finished search pages, kept for the data version they were answered at (README, "A walk through
// publishing and searching"; docs/ARCHITECTURE.md, "The store").
//
// A page of /items (JSON or GeoJSON) is kept under its request (base URL, every parameter) with
// the feed seq of the snapshot that answered it. It is served again only while the store's latest
// seq is still that one, so any write, by this process or another, retires every page at once;
// and at most `maxAge` after it was made, for what the feed does not version (a hub marks the
// records of sources that are down). Its timeStamp is written anew for each response. A request
// with `Cache-Control: no-cache` (or `no-store`) is always answered afresh.
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tweeling::registry::api {

class SearchCache {
public:
    // A page's body is head + the timeStamp member + tail.
    struct Page {
        std::string head;
        std::string tail;
        std::string contentType;
    };

    SearchCache(std::size_t maxEntries, std::size_t maxBytes, std::chrono::milliseconds maxAge);

    // The page kept under `key` for `seq`, if it is not older than maxAge; nullptr otherwise.
    std::shared_ptr<const Page> find(const std::string& key, std::int64_t seq);
    // Keeps a page (not when it alone is larger than a sixteenth of maxBytes), evicting the least
    // recently used beyond maxEntries or maxBytes.
    void store(const std::string& key, std::int64_t seq, Page page);

    std::uint64_t hits() const;
    std::uint64_t misses() const;
    std::size_t entries() const;

private:
    struct Entry {
        std::string key;
        std::int64_t seq = 0;
        std::chrono::steady_clock::time_point made;
        std::shared_ptr<const Page> page;
        std::size_t bytes = 0;
    };
    void evict(std::list<Entry>::iterator entry);

    const std::size_t m_maxEntries;
    const std::size_t m_maxBytes;
    const std::chrono::milliseconds m_maxAge;
    mutable std::mutex m_mutex;
    std::list<Entry> m_entries;  // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> m_byKey;
    std::size_t m_bytes = 0;
    std::uint64_t m_hits = 0;
    std::uint64_t m_misses = 0;
};

}  // namespace tweeling::registry::api
