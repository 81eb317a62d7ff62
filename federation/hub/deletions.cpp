#include "hub/deletions.hpp"

#include "store/sqlite.hpp"

namespace tweeling::federation::hub {

using registry::store::BatchOutcome;
using registry::store::Database;
using registry::store::RemoveOutcome;
using registry::store::RemoveRequest;
using registry::store::Statement;
using registry::store::WriteBatch;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS pending_deletions(
  source TEXT NOT NULL,
  origin TEXT NOT NULL,
  id TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (source, origin, id)
) WITHOUT ROWID;
)sql";

bool hasColumn(Database& database, const char* table, const char* column) {
    Statement statement(database, std::string("PRAGMA table_info(") + table + ")");
    while (statement.step())
        if (statement.text(1) == column) return true;
    return false;
}

}  // namespace

PendingDeletions::PendingDeletions(registry::store::Store& store) : m_store(store) {
    m_store.write([](Database& database) {
        database.exec(kSchema);
        // Deletions waiting for the end of a run keep the origin's signed time and signature, so
        // the tombstone this hub relays can be verified further on.
        if (!hasColumn(database, "pending_deletions", "signature")) {
            database.exec("ALTER TABLE pending_deletions ADD COLUMN signature TEXT");
            database.exec("ALTER TABLE pending_deletions ADD COLUMN deleted_at_text TEXT");
        }
    });
}

void PendingDeletions::mark(Database& database, const std::string& source, const std::vector<RecordKey>& records,
                            std::int64_t at, OnConflict onConflict) const {
    Statement insert(database, std::string("INSERT OR ") + (onConflict == OnConflict::Keep ? "IGNORE" : "REPLACE") +
                                   " INTO pending_deletions(source, origin, id, deleted_at) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& record : records) {
        insert.bind(1, source).bind(2, record.first).bind(3, record.second).bind(4, at);
        insert.execute();
    }
}

void PendingDeletions::hold(Database& database, const std::string& source,
                            const std::vector<RemoveRequest>& deletions) const {
    Statement pending(database,
                      "INSERT OR REPLACE INTO pending_deletions(source, origin, id, deleted_at,"
                      " deleted_at_text, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const auto& deletion : deletions) {
        pending.bind(1, source).bind(2, deletion.origin).bind(3, deletion.id).bind(4, deletion.deletedAt);
        if (deletion.signature.empty()) {
            pending.bindNull(5).bindNull(6);
        } else {
            pending.bind(5, deletion.deletedAtText).bind(6, deletion.signature);
        }
        pending.execute();
    }
}

void PendingDeletions::cancel(Database& database, const std::string& source,
                              const std::vector<RecordKey>& listed) const {
    Statement cancel(database, "DELETE FROM pending_deletions WHERE source = ?1 AND origin = ?2 AND id = ?3");
    for (const auto& key : listed) {
        cancel.bind(1, source).bind(2, key.first).bind(3, key.second);
        cancel.execute();
    }
}

void PendingDeletions::forget(Database& database, const std::string& source) const {
    Statement clear(database, "DELETE FROM pending_deletions WHERE source = ?1");
    clear.bind(1, source);
    clear.execute();
}

void PendingDeletions::markNow(const std::string& source, const std::vector<RecordKey>& records, std::int64_t at,
                               OnConflict onConflict) {
    m_store.write([&](Database& database) { mark(database, source, records, at, onConflict); });
}

std::vector<RemoveRequest> PendingDeletions::list(const std::string& source) const {
    std::vector<RemoveRequest> pending;
    m_store.read([&](Database& database) {
        Statement statement(database, "SELECT origin, id, deleted_at, deleted_at_text, signature"
                                      " FROM pending_deletions WHERE source = ?1");
        statement.bind(1, source);
        while (statement.step()) {
            RemoveRequest request{statement.text(0), statement.text(1), source, statement.int64(2),
                                  statement.isNull(3) ? std::string() : statement.text(3),
                                  statement.isNull(4) ? std::string() : statement.text(4)};
            pending.push_back(std::move(request));
        }
    });
    return pending;
}

std::int64_t PendingDeletions::count(const std::string& source) const {
    std::int64_t count = 0;
    m_store.read([&](Database& database) {
        Statement statement(database, "SELECT count(*) FROM pending_deletions WHERE source = ?1");
        statement.bind(1, source);
        if (statement.step()) count = statement.int64(0);
    });
    return count;
}

Settlement PendingDeletions::settle(const std::string& source, double maxDeleteFraction) {
    Settlement settlement;
    std::vector<RemoveRequest> pending = list(source);
    if (pending.empty()) return settlement;
    settlement.pending = static_cast<std::int64_t>(pending.size());
    settlement.held = m_store.countOfSource(source);
    double allowed = maxDeleteFraction * static_cast<double>(settlement.held);
    if (static_cast<double>(pending.size()) > allowed) {
        settlement.heldBack = true;
        return settlement;
    }
    settlement.applied = apply(source, std::move(pending));
    return settlement;
}

std::int64_t PendingDeletions::release(const std::string& source) {
    BatchOutcome outcome = apply(source, list(source));
    std::int64_t removed = 0;
    for (auto result : outcome.removes) removed += result == RemoveOutcome::Removed;
    return removed;
}

BatchOutcome PendingDeletions::apply(const std::string& source, std::vector<RemoveRequest> deletions) {
    WriteBatch batch;
    batch.removes = std::move(deletions);
    return m_store.apply(batch, [&](Database& database) { forget(database, source); });
}

}  // namespace tweeling::federation::hub
