// The change feed (Store::feed, latestSeq) and the change log that the facet bitmaps and the term
// index follow (changedRids, trimChanges; commitWrite in store_write.cpp fills it).
#include "store/store.hpp"

#include "store/store_private.hpp"

namespace tweeling::registry::store {

std::optional<std::vector<std::int64_t>> Store::Private::changedRids(std::int64_t after, std::int64_t upTo) const {
    std::lock_guard<std::mutex> lock(changeMutex);
    if (after < changeFloor) return std::nullopt;
    std::vector<std::int64_t> rids;
    std::int64_t seqs = 0;
    for (auto it = changes.upper_bound(after); it != changes.end() && it->first <= upTo; ++it) {
        ++seqs;
        rids.insert(rids.end(), it->second.begin(), it->second.end());
    }
    // Every seq in between must be one of ours (AUTOINCREMENT hands them out one by one).
    if (seqs != upTo - after) return std::nullopt;
    return rids;
}

void Store::Private::trimChanges(std::int64_t upTo) const {
    std::lock_guard<std::mutex> lock(changeMutex);
    changes.erase(changes.begin(), changes.upper_bound(upTo));
}

std::int64_t latestSeq(Connection& connection) {
    StatementUse statement = connection.statement("SELECT seq FROM sqlite_sequence WHERE name = 'feed'");
    return statement->step() ? statement->int64(0) : 0;
}

FeedPage Store::feed(std::int64_t after, int limit, std::size_t maxBytes) const {
    FeedPage page;
    page.epoch = m_private->epoch;
    page.origin = m_private->options.nodeId;
    ConnectionPool::Lease connection = m_private->readers.acquire();
    ReadSnapshot snapshot(connection->database());
    page.latest = latestSeq(*connection);
    if (limit <= 0) return page;
    // A put entry is the newest entry of a live record (compaction removed the others), so the
    // join always finds the record's current JSON.
    StatementUse statement = connection->statement(
        "SELECT f.seq, f.op, f.origin, f.id, f.key, f.at, r.json, f.deleted_at,"
        " CASE f.op WHEN 'put' THEN r.signature ELSE f.signature END, r.verified FROM feed f"
        " LEFT JOIN records r ON f.op = 'put' AND r.origin = f.origin AND r.id = f.id"
        " WHERE f.seq > ?1 ORDER BY f.seq LIMIT ?2");
    statement->bind(1, after).bind(2, limit);
    constexpr std::size_t kEntryOverhead = 96;  // member names, seq, op, quotes and commas
    std::size_t bytes = 0;
    while (statement->step()) {
        FeedEntry entry;
        entry.seq = statement->int64(0);
        entry.op = statement->text(1);
        entry.origin = statement->text(2);
        entry.id = statement->text(3);
        entry.key = statement->text(4);
        entry.at = statement->text(5);
        if (!statement->isNull(6)) entry.json = connection->documents().decode(*statement, 6, *connection);
        if (!statement->isNull(7)) entry.deletedAt = statement->text(7);
        if (!statement->isNull(8)) entry.signature = statement->text(8);
        entry.verified = entry.op == "put" ? statement->int64(9) != 0 : !entry.signature.empty();
        // What the entry adds to the page: its record, signature and names, and a little JSON around.
        bytes += (entry.json ? entry.json->size() : 0) + entry.signature.size() + entry.id.size() +
                 entry.origin.size() + entry.at.size() + entry.deletedAt.size() + kEntryOverhead;
        page.entries.push_back(std::move(entry));
        if (bytes >= maxBytes) break;
    }
    return page;
}

}  // namespace tweeling::registry::store
