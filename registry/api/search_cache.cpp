#include "api/search_cache.hpp"

namespace tweeling::registry::api {

SearchCache::SearchCache(std::size_t maxEntries, std::size_t maxBytes, std::chrono::milliseconds maxAge)
    : m_maxEntries(maxEntries), m_maxBytes(maxBytes), m_maxAge(maxAge) {}

std::shared_ptr<const SearchCache::Page> SearchCache::find(const std::string& key, std::int64_t seq) {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto found = m_byKey.find(key);
    if (found == m_byKey.end()) {
        ++m_misses;
        return nullptr;
    }
    auto entry = found->second;
    if (entry->seq != seq || std::chrono::steady_clock::now() - entry->made > m_maxAge) {
        evict(entry);
        ++m_misses;
        return nullptr;
    }
    m_entries.splice(m_entries.begin(), m_entries, entry);
    ++m_hits;
    return entry->page;
}

void SearchCache::store(const std::string& key, std::int64_t seq, Page page) {
    const std::size_t bytes = key.size() + page.head.size() + page.tail.size() + page.contentType.size();
    if (m_maxEntries == 0 || bytes > m_maxBytes / 16) return;
    auto made = std::chrono::steady_clock::now();
    auto shared = std::make_shared<const Page>(std::move(page));
    std::lock_guard<std::mutex> lock(m_mutex);
    auto found = m_byKey.find(key);
    if (found != m_byKey.end()) {
        // A page answered at an older snapshot than the one kept does not replace it.
        if (found->second->seq > seq) return;
        evict(found->second);
    }
    m_entries.push_front(Entry{key, seq, made, std::move(shared), bytes});
    m_byKey.emplace(key, m_entries.begin());
    m_bytes += bytes;
    while (!m_entries.empty() && (m_entries.size() > m_maxEntries || m_bytes > m_maxBytes))
        evict(std::prev(m_entries.end()));
}

void SearchCache::evict(std::list<Entry>::iterator entry) {
    m_bytes -= entry->bytes;
    m_byKey.erase(entry->key);
    m_entries.erase(entry);
}

std::uint64_t SearchCache::hits() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_hits;
}

std::uint64_t SearchCache::misses() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_misses;
}

std::size_t SearchCache::entries() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_entries.size();
}

}  // namespace tweeling::registry::api
