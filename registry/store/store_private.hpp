#pragma once
// The guts of Store, shared by the .cpp files that implement it (store.cpp, store_write.cpp,
// store_read.cpp, store_feed.cpp, keys.cpp, and for searching search.cpp, index_builder.cpp,
// fts_query.cpp). Internal to registry/store.
#include "store/connection.hpp"
#include "store/documents.hpp"
#include "store/planner.hpp"
#include "store/store.hpp"
#include "store/term_index.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <set>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <optional>
#include <vector>
#include <string>

namespace tweeling::registry::store {

struct FacetIndex;  // facet_index.hpp

// The highest feed seq (every write appends to the feed): the version of the data.
std::int64_t latestSeq(Connection& connection);
// The number of records: every record has one FTS5 row, and FTS5 keeps their count in its totals
// record (fts_query.cpp). O(1), where count(*) reads a whole index.
std::int64_t ftsRowCount(Connection& connection);

// The signature of one record published on this node: over the canonical JSON of its stored form.
std::string signRecord(const common::SigningKey& key, const std::string& origin, const std::string& id,
                       const std::string& json);

// Locks. What each mutex guards (atomics and members fixed after construction need none):
//
//   writeMutex      writes: the writer connection and its transactions, pendingChanges,
//                   putsSinceDictionaryCheck, recordsEstimate; `signer` changes only under it
//   signerMutex     `signer` (the pointer): read by signingKey(), swapped by rotateSigningKey
//   changeMutex     the change log: `changes` and `changeFloor`
//   facetMutex      facetVersions and facetStats; held for a whole facet build or catch-up
//   termGate        nothing of its own: taken only for the moment of acquiring termMutex
//                   (readTermIndex, writeTermIndex), so that a waiting writer is not starved
//   termMutex       termIndex: shared while a search reads it (a TermIndexLease, held for the rest
//                   of the search), unique while it is replaced or caught up
//   termBuildMutex  nothing of its own: held for a whole build, so that one build runs at a time
//   termStatsMutex  termStats
//   builderMutex    builderWanted, builderStopping and the `builder` thread object (builderWake
//                   waits on it); released while the builder works
//
// The order they may be taken in (a lock is only ever taken after the ones left of it; the
// right-most are leaves, which hold nothing while taking another):
//
//   writeMutex -> signerMutex                                       (rotateSigningKey)
//   writeMutex -> changeMutex                                       (commitWrite)
//   termBuildMutex -> termGate -> termMutex -> facetMutex -> changeMutex
//                                 termMutex -> termStatsMutex
//   builderMutex alone
//
// termGate is released as soon as termMutex is held; termMutex -> facetMutex is a search holding its
// lease while it asks for the facet bitmaps; termMutex -> changeMutex is a catch-up reading and
// trimming the log. Nothing that holds facetMutex or changeMutex asks for a term lock, nothing that
// holds a term lock asks for writeMutex, and wakeBuilder (builderMutex) is called with no term lock
// held. Outside Private, ConnectionPool and DocumentCodec have their own mutexes, taken last.
struct Store::Private {
    explicit Private(StoreOptions storeOptions);

    // The origin of a request: this node's id when the caller left it empty.
    std::string resolveOrigin(const std::string& origin) const;
    void resolveNodeId();
    std::string itemKey(const std::string& origin, const std::string& id) const;

    // One record inside the caller's write transaction; the caller holds writeMutex.
    // `compressed`: the stored form of request.json when the caller already has it.
    PutOutcome putInTransaction(const PutRequest& request, const std::string* compressed);
    RemoveOutcome removeInTransaction(const RemoveRequest& request);
    // Checks a WriteCondition against the record held, inside the caller's write transaction.
    ConditionalOutcome checkCondition(const std::string& origin, const std::string& id,
                                      const WriteCondition& condition);
    void ftsRemove(std::int64_t rid);
    void ftsAdd(std::int64_t rid, const record::IndexedRecord& fields);
    // Appends a feed entry and compacts older entries of the same record; returns the new seq.
    std::int64_t appendFeed(const char* op, const std::string& origin, const std::string& id,
                            const std::string& key, const std::string& at, const std::string& deletedAt = "",
                            const std::string& signature = "");
    // Signs records (and tombstones) published here that have no signature yet: a database made
    // before signing, or one whose key was just rotated (then `all`). Inside the caller's
    // transaction; returns how many were signed.
    std::int64_t signOwnRecords(bool all);

    // Facet bitmaps follow writes by the rids each feed seq touched (see facet_index.hpp).
    // A write notes its rids while in its transaction; commitWrite publishes them to the change log
    // just before COMMIT, so a reader that sees a seq finds its rids logged. The log is complete for
    // the seqs this process wrote after `changeFloor`; a seq written by another process is missing
    // from it, and then the bitmaps are rebuilt.
    void noteChange(std::int64_t seq, std::int64_t rid) { pendingChanges.emplace_back(seq, rid); }
    void commitWrite(Transaction& transaction);
    // The rids changed by seqs (after, upTo], or nothing when the log does not cover all of them.
    std::optional<std::vector<std::int64_t>> changedRids(std::int64_t after, std::int64_t upTo) const;
    void trimChanges(std::int64_t upTo) const;
    // Facet bitmaps valid at feed seq `seq` (the caller's read snapshot): the newest version, caught
    // up from the change log or rebuilt; nullptr when they cannot be had (an older snapshot than
    // every kept version, or rids beyond 32 bits): then facets are counted in SQL.
    std::shared_ptr<const FacetIndex> facetIndexAt(Connection& connection, std::int64_t seq) const;

    // The terms of records_fts in memory (term_index.hpp), valid at one feed seq: the words of `q`
    // are matched and ranked from it. It follows this process's writes from the change log, like
    // the facet bitmaps; it is built again when the log cannot vouch for the seqs in between (a
    // write by another process) or too many records changed. A search never builds it, nor catches
    // up more than kInlineCatchUp records: it wakes the background builder and is answered by FTS5
    // meanwhile (a build takes about 7 s at 1M records; no request waits for it).
    struct TermIndexLease {
        std::shared_lock<std::shared_mutex> lock;
        const TermIndex* index = nullptr;
        explicit operator bool() const { return index != nullptr; }
    };
    enum class IndexWork {
        Search,  // a request: catch up a little, else wake the builder and return empty
        Build,   // the builder or the warm-up: catch up or build here, after any build under way
    };
    static constexpr std::size_t kInlineCatchUp = 5000;
    // The index at snapshot `seq` (the caller's), read-locked for the caller; empty when it is not
    // at `seq` and cannot be brought there now.
    TermIndexLease termIndexAt(Connection& connection, std::int64_t seq, IndexWork work = IndexWork::Search) const;
    // Store::search inside the caller's read snapshot.
    SearchResult searchAt(Connection& connection, const SearchQuery& query) const;
    // Brings the facet bitmaps and the term index to the latest seq, on the caller's thread.
    void prepareIndexes() const;
    // Wakes the background builder (started on first use), which runs prepareIndexes().
    void wakeBuilder() const;
    void stopBuilder();
    mutable std::mutex builderMutex;
    mutable std::condition_variable builderWake;
    mutable bool builderWanted = false;
    mutable bool builderStopping = false;
    mutable std::thread builder;
    mutable std::shared_mutex termMutex;  // shared: searches reading the index; unique: changing it
    // termMutex is taken through termGate, so that a catch-up waiting for it is not starved by a
    // stream of searches (glibc's rwlock prefers readers): while a writer waits, new searches wait
    // behind it. A thread never asks for the index while it holds it.
    mutable std::mutex termGate;
    std::shared_lock<std::shared_mutex> readTermIndex() const {
        std::lock_guard<std::mutex> gate(termGate);
        return std::shared_lock<std::shared_mutex>(termMutex);
    }
    std::unique_lock<std::shared_mutex> writeTermIndex() const {
        std::lock_guard<std::mutex> gate(termGate);
        return std::unique_lock<std::shared_mutex>(termMutex);
    }
    mutable std::unique_ptr<TermIndex> termIndex;
    mutable std::mutex termBuildMutex;    // held during a build
    mutable std::mutex termStatsMutex;
    mutable TermIndexStats termStats;
    mutable std::atomic<std::int64_t> termSeq{-1};   // termIndex's seq, read without the lock
    mutable std::atomic<std::int64_t> facetSeq{-1};  // the newest facet bitmaps' seq
    // Rewrites `plan`'s words as their exact terms (an FTS5 prefix query merges the doclists of
    // every term it covers, and costs 2-3 times as much), with the terms of `index`; leaves the
    // plan alone when a word has too many terms or the rewrite exceeds kMaxRankedPhrases phrases.
    void expandWords(Connection& connection, const TermIndex& index, planner::Constraint& text) const;

    StoreOptions options;  // fixed after construction (nodeId resolved from the database)
    // The signing key; replaced only by rotateSigningKey, under writeMutex and signerMutex.
    std::shared_ptr<const common::SigningKey> signer;
    mutable std::mutex signerMutex;
    mutable std::mutex facetMutex;
    // The last few versions of the facet bitmaps (facet_index.hpp), oldest first; one build at a time.
    mutable std::deque<std::shared_ptr<const FacetIndex>> facetVersions;
    mutable FacetIndexStats facetStats;
    std::vector<std::pair<std::int64_t, std::int64_t>> pendingChanges;  // seq, rid; under writeMutex
    mutable std::mutex changeMutex;
    mutable std::map<std::int64_t, std::vector<std::int64_t>> changes;  // seq -> rids
    mutable std::int64_t changeFloor = 0;
    std::string epoch;
    // Stored documents (zstd); declared before the connections that point at it.
    DocumentCodec documents;
    std::int64_t putsSinceDictionaryCheck = 0;  // under writeMutex
    std::int64_t recordsEstimate = -1;  // under writeMutex; -1 until first counted
    // Trains the documents' dictionary once the database holds enough records (StoreOptions::
    // dictionaryAfter); called after a commit, under writeMutex.
    void maybeTrainDictionary();
    // Writes are serialised on one connection. Declared before the pool so that read connections
    // close first and the writer, closing last, checkpoints the WAL.
    std::mutex writeMutex;
    Connection writer;
    mutable ConnectionPool readers;
};

}  // namespace tweeling::registry::store
