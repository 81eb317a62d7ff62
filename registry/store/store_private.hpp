#pragma once
// The guts of Store, shared by the .cpp files that implement it (store.cpp, search.cpp, keys.cpp).
// Internal to registry/store.
#include "store/connection.hpp"
#include "store/store.hpp"

#include <mutex>
#include <string>

namespace tweeling::registry::store {

struct Store::Private {
    explicit Private(StoreOptions storeOptions);

    // The origin of a request: this node's id when the caller left it empty.
    std::string resolveOrigin(const std::string& origin) const;
    void resolveNodeId();
    std::string itemKey(const std::string& origin, const std::string& id) const;

    // One record inside the caller's write transaction; the caller holds writeMutex.
    PutOutcome putInTransaction(const PutRequest& request);
    RemoveOutcome removeInTransaction(const RemoveRequest& request);
    void ftsRemove(std::int64_t rid);
    void ftsAdd(std::int64_t rid, const record::IndexedRecord& fields);
    // Appends a feed entry and compacts older entries of the same record; returns the new seq.
    std::int64_t appendFeed(const char* op, const std::string& origin, const std::string& id,
                            const std::string& key);

    StoreOptions options;  // fixed after construction (nodeId resolved from the database)
    std::string epoch;
    // Writes are serialised on one connection. Declared before the pool so that read connections
    // close first and the writer, closing last, checkpoints the WAL.
    std::mutex writeMutex;
    Connection writer;
    mutable ConnectionPool readers;
};

}  // namespace tweeling::registry::store
