#pragma once
// Deletions waiting for the end of a source's run: announced in its feed, found missing by a complete
// listing, or marked by a resync. They are applied together once the run is complete, unless they
// exceed the source's threshold: then they wait until an admin releases them. The one owner of the
// `pending_deletions` table; the harvester and the source registry write it only through this class,
// the statements that must commit with a page (or with a source's removal) taking the caller's
// transaction.
#include "store/store.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tweeling::federation::hub {

using RecordKey = std::pair<std::string, std::string>;  // origin, id

// What settle() did with a source's pending deletions.
struct Settlement {
    std::int64_t pending = 0;               // deletions that were waiting
    std::int64_t held = 0;                  // records held from the source when they were counted
    bool heldBack = false;                  // more than the threshold: none was applied, all still wait
    registry::store::BatchOutcome applied;  // when not held back
};

class PendingDeletions {
public:
    explicit PendingDeletions(registry::store::Store& store);  // creates the table when missing

    // What happens to a mark already there: a resync keeps a deletion the source announced (with
    // its signature); a complete listing replaces it.
    enum class OnConflict { Keep, Replace };

    // Statements within a transaction the caller holds.
    // Marks these records of `source` deleted at `at` (epoch seconds), unsigned.
    void mark(registry::store::Database& database, const std::string& source, const std::vector<RecordKey>& records,
              std::int64_t at, OnConflict onConflict) const;
    // Holds deletions the source announced, with the origin's signed time and signature when it signed.
    void hold(registry::store::Database& database, const std::string& source,
              const std::vector<registry::store::RemoveRequest>& deletions) const;
    // Cancels the marks of records the source lists again.
    void cancel(registry::store::Database& database, const std::string& source,
                const std::vector<RecordKey>& listed) const;
    // Forgets every deletion waiting for `source`.
    void forget(registry::store::Database& database, const std::string& source) const;

    // Each in its own transaction.
    // Marks in a transaction of its own (a complete crawl's unseen records).
    void markNow(const std::string& source, const std::vector<RecordKey>& records, std::int64_t at,
                 OnConflict onConflict);
    std::vector<registry::store::RemoveRequest> list(const std::string& source) const;
    std::int64_t count(const std::string& source) const;
    // At the end of a complete run: applies the waiting deletions and forgets them, in one
    // transaction, unless there are more than `maxDeleteFraction` of the records held from the
    // source; then none is applied and they keep waiting.
    Settlement settle(const std::string& source, double maxDeleteFraction);
    // Applies every deletion waiting for `source` (an admin checked them); returns how many records
    // were removed.
    std::int64_t release(const std::string& source);

private:
    registry::store::BatchOutcome apply(const std::string& source,
                                        std::vector<registry::store::RemoveRequest> deletions);

    registry::store::Store& m_store;
};

}  // namespace tweeling::federation::hub
