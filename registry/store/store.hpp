#pragma once
// The store: SQLite is the durable truth for records, their search indexes (FTS5, R*Tree, value
// postings), the change feed and publisher keys. Every write is one transaction, so a crash never
// leaves a record without its index rows or its feed entry.
//
// Threading: one Store is shared by all HTTP worker threads. Writes are serialised on one writer
// connection; reads use a per-thread read-only connection (WAL lets them run beside the writer).
#include "record/record.hpp"
#include "store/search.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::store {

struct StoreOptions {
    std::string path = "twin-registry.db";
    // This node's id, the origin of records published here. Fixed in the database the first time
    // it is known; empty means "what the database says" ("local" for a new one).
    std::string nodeId;
    std::int64_t cacheKiB = 65536;  // SQLite page cache per connection
};

struct StoredRecord {
    std::string key;     // item key: the local id for this node's own records
    std::string origin;
    std::string id;
    std::string json;    // normalised record JSON
    std::int64_t seq = 0;      // feed seq of the last change
    std::int64_t updated = 0;  // properties.updated (epoch seconds)
    std::string hash;          // hex SHA-256 of json
};

enum class PutOutcome { Created, Replaced, Unchanged };

struct PutRequest {
    record::IndexedRecord fields;
    std::string origin;
    std::string json;  // normalised record JSON (record::normalizeForStorage)
};

struct FeedEntry {
    std::int64_t seq = 0;
    std::string op;  // "put" | "delete"
    std::string origin;
    std::string id;
    std::string key;
    std::optional<std::string> json;  // the record for "put"
    std::string at;  // RFC 3339 time of the change
};

struct FeedPage {
    std::string epoch;
    std::string origin;   // this node's id
    std::int64_t latest = 0;  // highest seq in the feed
    std::vector<FeedEntry> entries;
};

struct KeyInfo {
    std::string keyId;      // public, non-secret part of the key (shown by `keys list`)
    std::string publisher;  // TOOI URI the key may publish for
    std::string created;
    std::optional<std::string> expires;
    bool revoked = false;
};

struct StoreHealth {
    bool ok = false;
    std::int64_t records = 0;
    std::int64_t latestSeq = 0;
    std::string epoch;
    std::string detail;
};

class Store {
public:
    explicit Store(StoreOptions options);  // opens or creates, runs migrations (user_version)
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const std::string& epoch() const;   // random id made when the database was created
    const std::string& nodeId() const;
    std::string itemKey(const std::string& origin, const std::string& id) const;

    // Create or replace one record in one transaction (record row, FTS5, R*Tree, postings, feed).
    // An identical JSON (same SHA-256) is Unchanged and writes nothing.
    PutOutcome put(const PutRequest& request);
    // Many records in one transaction (import, harvest pages). Outcomes in request order.
    std::vector<PutOutcome> putBatch(const std::vector<PutRequest>& requests);
    // Deletes and leaves a tombstone in the feed. Returns false when no such record.
    bool remove(const std::string& origin, const std::string& id);

    std::optional<StoredRecord> get(const std::string& key) const;
    std::optional<StoredRecord> get(const std::string& origin, const std::string& id) const;

    // Entries with seq > after, in seq order, at most `limit`. The feed keeps only the latest entry
    // per record (older entries of a replaced record are compacted away); tombstones stay.
    FeedPage feed(std::int64_t after, int limit) const;

    SearchResult search(const SearchQuery& query) const;

    // Publisher keys. createKey returns the full secret key, which is shown once and never stored:
    // only its SHA-256 is kept. authenticate compares in constant time and rejects revoked or
    // expired keys.
    std::string createKey(const std::string& publisher, std::optional<std::string> expires = std::nullopt);
    std::optional<KeyInfo> authenticate(std::string_view presentedKey) const;
    std::vector<KeyInfo> listKeys() const;
    bool revokeKey(const std::string& keyId);

    StoreHealth health() const;

private:
    struct Private;
    std::unique_ptr<Private> m_private;
};

}  // namespace tweeling::registry::store
