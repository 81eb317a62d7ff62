// The in-memory indexes brought to a search's snapshot: the facet bitmaps (facetIndexAt) and the
// term index (termIndexAt), caught up from the change log or built again; and the background
// builder thread that does the work a search must not wait for (prepareIndexes, wakeBuilder,
// stopBuilder). Store::Private's locks are described in store_private.hpp.
#include "store/connection.hpp"
#include "store/facet_index.hpp"
#include "store/store.hpp"
#include "store/store_private.hpp"
#include "store/term_index.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace tweeling::registry::store {

std::shared_ptr<const FacetIndex> Store::Private::facetIndexAt(Connection& connection, std::int64_t seq) const {
    std::lock_guard<std::mutex> lock(facetMutex);
    for (const auto& version : facetVersions)
        if (version->seq == seq) return version;
    std::shared_ptr<const FacetIndex> newest = facetVersions.empty() ? nullptr : facetVersions.back();
    // A snapshot older than every kept version (a write and a newer faceted query came in between).
    if (newest && newest->seq > seq) return nullptr;
    std::shared_ptr<const FacetIndex> next;
    if (newest) {
        // Beyond this many rids a rebuild costs about as much as catching up.
        constexpr std::size_t kMaxCatchUp = 100000;
        std::optional<std::vector<std::int64_t>> rids = changedRids(newest->seq, seq);
        if (rids && rids->size() <= kMaxCatchUp) {
            next = planner::catchUpFacetIndex(connection, *newest, *rids, seq);
            if (next) ++facetStats.catchUps;
        }
    }
    if (!next) {
        next = planner::buildFacetIndex(connection, seq);
        if (!next) return nullptr;
        ++facetStats.builds;
    }
    facetVersions.push_back(next);
    constexpr std::size_t kVersionsKept = 3;
    while (facetVersions.size() > kVersionsKept) facetVersions.pop_front();
    facetStats.seq = seq;
    facetSeq = seq;
    // The term index catches up from the same log: keep what it has not read yet.
    const std::int64_t termsAt = termSeq.load();
    trimChanges(termsAt >= 0 ? std::min(seq, termsAt) : seq);
    return next;
}

Store::Private::TermIndexLease Store::Private::termIndexAt(Connection& connection, std::int64_t seq,
                                                           IndexWork work) const {
    // Caught up or built, the index is looked at again: another thread may have moved it on.
    for (int attempt = 0; attempt < 3; ++attempt) {
        {
            std::shared_lock<std::shared_mutex> lock = readTermIndex();
            if (termIndex && termIndex->seq() == seq) return TermIndexLease{std::move(lock), termIndex.get()};
            if (termIndex && termIndex->seq() > seq) return {};  // a snapshot older than the index
        }
        {
            std::unique_lock<std::shared_mutex> lock = writeTermIndex();
            if (termIndex && termIndex->seq() >= seq) continue;
            if (termIndex) {
                std::optional<std::vector<std::int64_t>> rids = changedRids(termIndex->seq(), seq);
                // A request catches up a few records itself; more are the builder's (searches
                // meanwhile use FTS5), so that no request waits for seconds of index work.
                if (rids && work == IndexWork::Search && rids->size() > kInlineCatchUp) {
                    lock.unlock();
                    wakeBuilder();
                    return {};
                }
                if (rids && termIndex->catchUp(connection, *rids, seq)) {
                    termSeq = seq;
                    {
                        std::lock_guard<std::mutex> stats(termStatsMutex);
                        ++termStats.catchUps;
                    }
                    const std::int64_t facetsAt = facetSeq.load();
                    trimChanges(facetsAt >= 0 ? std::min(seq, facetsAt) : seq);
                    continue;
                }
            }
        }
        if (work == IndexWork::Search) {
            wakeBuilder();
            return {};
        }
        // Built outside termMutex: searches meanwhile keep using FTS5 (or the older index, at
        // their older snapshots). One build at a time; a second caller waits for it and looks again.
        std::unique_lock<std::mutex> building(termBuildMutex);
        {
            std::shared_lock<std::shared_mutex> lock = readTermIndex();
            if (termIndex && termIndex->seq() >= seq) continue;
        }
        std::unique_ptr<TermIndex> built = TermIndex::build(connection, seq);
        if (!built) return {};
        std::unique_lock<std::shared_mutex> lock = writeTermIndex();
        if (!termIndex || termIndex->seq() <= seq) {
            termIndex = std::move(built);
            termSeq = seq;
            std::lock_guard<std::mutex> stats(termStatsMutex);
            ++termStats.builds;
        }
    }
    return {};
}

void Store::Private::prepareIndexes() const {
    if (options.sqlSearchOnly) return;
    ConnectionPool::Lease connection = readers.acquire();
    ReadSnapshot snapshot(connection->database());
    const std::int64_t seq = latestSeq(*connection);
    facetIndexAt(*connection, seq);
    termIndexAt(*connection, seq, IndexWork::Build);
}

void Store::Private::wakeBuilder() const {
    if (options.sqlSearchOnly || !options.indexBuilder) return;
    std::lock_guard<std::mutex> lock(builderMutex);
    if (builderStopping) return;
    builderWanted = true;
    if (builder.joinable()) {
        builderWake.notify_one();
        return;
    }
    builder = std::thread([this] {
        std::unique_lock<std::mutex> lock(builderMutex);
        while (true) {
            builderWake.wait(lock, [this] { return builderWanted || builderStopping; });
            if (builderStopping) return;
            builderWanted = false;
            lock.unlock();
            try {
                prepareIndexes();
            } catch (const std::exception&) {
                // Left as they were: searches use FTS5 and SQL, and the next wake tries again.
            }
            lock.lock();
        }
    });
}

void Store::Private::stopBuilder() {
    {
        std::lock_guard<std::mutex> lock(builderMutex);
        builderStopping = true;
    }
    builderWake.notify_one();
    if (builder.joinable()) builder.join();
}

void Store::prepareIndexes() const { m_private->prepareIndexes(); }

void Store::refreshIndexes() const { m_private->wakeBuilder(); }

TermIndexStats Store::termIndexStats() const {
    TermIndexStats stats;
    {
        std::lock_guard<std::mutex> lock(m_private->termStatsMutex);
        stats = m_private->termStats;
    }
    std::shared_lock<std::shared_mutex> lock = m_private->readTermIndex();
    if (m_private->termIndex) {
        stats.terms = static_cast<std::int64_t>(m_private->termIndex->termCount());
        stats.memoryBytes = static_cast<std::int64_t>(m_private->termIndex->memoryBytes());
    }
    return stats;
}

FacetIndexStats Store::facetIndexStats() const {
    std::lock_guard<std::mutex> lock(m_private->facetMutex);
    return m_private->facetStats;
}

}  // namespace tweeling::registry::store
