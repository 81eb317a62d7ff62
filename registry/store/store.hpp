#pragma once
// The store: SQLite is the durable truth for records, their search indexes (FTS5, R*Tree, value
// postings), the change feed and publisher keys. Every write is one transaction, so a crash never
// leaves a record without its index rows or its feed entry.
//
// Threading: one Store is shared by all HTTP worker threads. Writes are serialised on one writer
// connection; reads use a per-thread read-only connection (WAL lets them run beside the writer).
#include "common/signature.hpp"
#include "record/record.hpp"
#include "store/search.hpp"

#include <cstdint>
#include <functional>
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
    // A node signs the records published on it, and their tombstones, with this key (README,
    // "Signed records"). A hub relays the signatures of the records' origins instead.
    std::shared_ptr<const common::SigningKey> signingKey;
    // Answer every search with the general SQL plan, never the index-only candidate path (tests
    // compare the two).
    bool sqlSearchOnly = false;
    // A search that finds the facet bitmaps or the term index behind wakes a background thread to
    // bring them up to date (Store::refreshIndexes). false: no such thread; they are brought up to
    // date only by prepareIndexes() (and small catch-ups by searches).
    bool indexBuilder = true;
    // Record documents are stored zstd-compressed; once the database holds this many records a
    // dictionary is trained from them (about 0.3 s, once) and compresses what is written after.
    // 0: never train.
    std::int64_t dictionaryAfter = 2000;
    // The database file may grow to at most this many pages (PRAGMA max_page_count; pages are
    // 4096 bytes): a write beyond it fails as a full disk does (SqliteError::diskFull(), a 507 at
    // the API) and changes nothing. 0: no limit but the disk's. `serve --max-db-pages`.
    std::int64_t maxPageCount = 0;
};

class Database;

struct StoredRecord {
    std::string key;     // item key: the local id for this node's own records
    std::string origin;
    std::string id;
    std::string json;    // normalised record JSON
    std::int64_t seq = 0;      // feed seq of the last change
    std::int64_t updated = 0;  // properties.updated (epoch seconds)
    std::string hash;          // content hash (ETag, change detection)
    std::string source;        // hub: the source it came by; "" when published here
    std::string signature;     // the origin's Ed25519 signature (base64url); "" when unsigned
    bool verified = false;     // signature checked against the origin's pinned key
};

// Stale: a hub already holds this record from another source with the same or a newer `updated`
// (the newer record wins when one record reaches a hub by two paths); nothing was written.
// Replayed: a hub already holds a newer version (a later `updated`) of this record from the same
// source, so an older one arriving again is refused.
// Unsigned: a hub holds this record with its origin's verified signature, and the copy offered is
// not verified: refused whatever its `updated` and whichever path it came by, so that no path
// without the origin's key can change a signed record. (The other way round, a verified copy
// replaces an unverified one from another path even when it is not newer.)
enum class PutOutcome { Created, Replaced, Unchanged, Stale, Replayed, Unsigned };

struct PutRequest {
    record::IndexedRecord fields;
    std::string origin;
    std::string json;  // normalised record JSON (record::normalizeForStorage)
    // Hub: the source the record came by ("" when published on this node).
    std::string source;
    // Change detection: when set, the record is Unchanged if the held record has this hash, and it
    // is stored as the record's hash. Hubs pass the hash of the record without their own `harvest`
    // member (which carries the harvest time). Empty: the SHA-256 of `json`.
    std::string contentHash;
    // Hub: the origin's signature as received, and whether it verified against the origin's pinned
    // key. On a node with a signing key, records published here are signed by the store.
    std::string signature;
    bool verified = false;
    // The stored form of `json` (Store::compressDocument), when the caller compressed it off the
    // writer's thread; empty: the store compresses it inside the write.
    std::string document;
};

// Kept: the record is held from another source and was updated after `deletedAt`, so a tombstone
// travelling by a slower path does not remove a newer record; or it is held from another source
// with its origin's verified signature and the deletion is not signed by the origin.
enum class RemoveOutcome { Removed, Absent, Kept };

struct RemoveRequest {
    std::string origin;
    std::string id;
    std::string source;  // hub: the source announcing the deletion
    std::int64_t deletedAt = INT64_MAX;  // epoch seconds of the deletion at its origin
    // Hub: the origin's time of deletion as it signed it (RFC 3339), and its signature, set only
    // when it verified against the origin's key. Without it a deletion removes no verified record
    // held from another source: an unsigned deletion speaks for its own path at most.
    std::string deletedAtText;
    std::string signature;
};

// A publisher's write on conditions: the key's ownership and the HTTP preconditions (RFC 9110
// §13.1), checked against the record held once the write transaction has begun, so that no other
// write can come between the check and the write. Checked before the write, two clients doing
// read-modify-write with If-Match could both pass and one change be lost.
struct WriteCondition {
    // The publisher (properties.publisher.id) a held record must have; empty: any.
    std::string owner;
    // If-Match: the held record's entityTag() must be one of these, or "*" for any held record;
    // nullopt: no such condition. Strong comparison: the caller leaves weak tags out.
    std::optional<std::vector<std::string>> ifMatch;
    // If-None-Match: refused when the held record's entityTag() is one of these, or when any record
    // is held and "*" is one of them (a create that must not replace).
    std::optional<std::vector<std::string>> ifNoneMatch;
};

enum class Refusal { None, NotOwner, PreconditionFailed };

struct ConditionalOutcome {
    Refusal refusal = Refusal::None;         // None: the write was applied
    bool held = false;                       // a record was held when the conditions were checked
    std::string heldOwner;                   // the held record's publisher (for a NotOwner message)
    PutOutcome put = PutOutcome::Unchanged;  // putIf
    bool removed = false;                    // removeIf
    // putIf: the record as the write left it (read in the same transaction, so that the entity tag
    // a client gets back is the one of its own write and never of a later one).
    std::string hash;
    std::string signature;
    bool verified = false;
};

// A record's entity tag (an HTTP ETag, without quotes): its content hash and, when it is signed, the
// start of its signature. The representation carries the signature, which changes when the node's
// key is rotated although the content does not: a strong validator must change with it (RFC 9110
// §8.8.1).
std::string entityTag(std::string_view hash, std::string_view signature);

// A hub's own verdict on a record it holds (its `validation` member, outside the origin's signed
// content): the record's whole stored JSON with the verdict in it, and the verdict's status for the
// `validation` filter and facet ("" for none).
struct Annotation {
    std::string key;         // item key
    std::string hash;        // the content hash of the version that was judged
    std::string json;        // the record's JSON as it is to be served
    std::string validation;  // "pass" | "warn" | "fail" | ""
};

struct WriteBatch {
    std::vector<PutRequest> puts;  // applied first, in order
    std::vector<RemoveRequest> removes;
};

struct BatchOutcome {
    std::vector<PutOutcome> puts;
    std::vector<RemoveOutcome> removes;
};

struct FeedEntry {
    std::int64_t seq = 0;
    std::string op;  // "put" | "delete"
    std::string origin;
    std::string id;
    std::string key;
    std::optional<std::string> json;  // the record for "put"
    std::string at;  // RFC 3339 time of the change (here)
    std::string deletedAt;  // "delete": the origin's time of deletion, as signed
    std::string signature;  // the origin's signature of the entry; "" when unsigned
    bool verified = false;
};

// The byte budget of one /feed page: a page ends after the entry that passes it. With a record at
// most record::kMaxRecordBytes (record/size.hpp), the largest page a node or hub serves is about
// 5 MiB, far below the fetch cap of the hubs that read it (hub/sources.hpp).
inline constexpr std::size_t kFeedPageBytes = 4u << 20;

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
    // "revoked", "expired" (its expiry has passed, or cannot be read: it is refused) or "active".
    std::string status() const;
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
    // Many batches in one transaction (an all-or-nothing import of a large file, in bounded memory):
    // `next` fills its argument with the next batch and returns false when there is none. An
    // exception from `next` rolls everything back and propagates. Returns every outcome, in order.
    std::vector<PutOutcome> putBatches(const std::function<bool(std::vector<PutRequest>&)>& next);
    // Many records in one transaction (import, harvest pages). Outcomes in request order.
    std::vector<PutOutcome> putBatch(const std::vector<PutRequest>& requests);
    // Deletes and leaves a tombstone in the feed. Returns false when no such record.
    bool remove(const std::string& origin, const std::string& id);
    // put and remove on a WriteCondition, checked inside their write transaction; a refused write
    // writes nothing. removeIf of a record not held is neither refused nor removed.
    ConditionalOutcome putIf(const PutRequest& request, const WriteCondition& condition);
    ConditionalOutcome removeIf(const std::string& origin, const std::string& id, const WriteCondition& condition);
    // Puts and removes in ONE transaction; `inTransaction`, when given, runs inside the same
    // transaction after them on the writer connection (a harvester advances its cursor there, so a
    // page and its cursor commit together). Any exception rolls everything back.
    BatchOutcome apply(const WriteBatch& batch, const std::function<void(Database&)>& inTransaction = {});
    // Hub: replaces the stored JSON and the validation status of records, in one transaction, each
    // only when the record still has the hash that was judged (a newer version waits for its own
    // verdict). Each applied one is a new feed entry, like any change. Returns which were applied.
    std::vector<bool> annotate(const std::vector<Annotation>& annotations);
    // Runs `work` in one write transaction on the writer connection (extension tables of a hub).
    void write(const std::function<void(Database&)>& work);
    // Runs `work` on a read-only connection, in one snapshot.
    void read(const std::function<void(Database&)>& work) const;

    // Hub: the (origin, id) of every record held from `source`, and their number.
    std::vector<std::pair<std::string, std::string>> recordsOfSource(const std::string& source) const;
    std::int64_t countOfSource(const std::string& source) const;
    // Hub: removes every record held from `source` (with tombstones) in one transaction.
    std::int64_t removeSource(const std::string& source);

    std::optional<StoredRecord> get(const std::string& key) const;
    std::optional<StoredRecord> get(const std::string& origin, const std::string& id) const;
    // The record with this item key or, failing that, the only record whose own id is `id` (on a
    // hub, where item keys are origin:id); nullopt when none or when several origins use the id.
    std::optional<StoredRecord> find(const std::string& keyOrId) const;

    // Entries with seq > after, in seq order, at most `limit`, and no more once their records and
    // signatures pass `maxBytes` (but always the first, so a reader moves on whatever its size). The
    // feed keeps only the latest entry per record (older entries of a replaced record are compacted
    // away); tombstones stay.
    FeedPage feed(std::int64_t after, int limit, std::size_t maxBytes = SIZE_MAX) const;

    SearchResult search(const SearchQuery& query) const;
    // The feed seq of the latest write (by any process): the version of the data, which
    // SearchResult::seq is compared with.
    std::int64_t currentSeq() const;
    // The stored form of a record's JSON (a zstd frame), for PutRequest::document; thread-safe.
    std::string compressDocument(std::string_view json) const;
    // Brings the facet bitmaps and the term index to the latest write now, on the caller's thread,
    // after any build under way (a server calls it at start, so that the first searches find them
    // built), and how they have been kept since.
    void prepareIndexes() const;
    // The same on the store's background builder; returns at once (a hub calls it when a harvest
    // round has written, so that no search finds them behind). Searches wake it themselves too.
    void refreshIndexes() const;
    FacetIndexStats facetIndexStats() const;
    TermIndexStats termIndexStats() const;

    // Publisher keys. createKey returns the full secret key, which is shown once and never stored:
    // only its SHA-256 is kept. authenticate compares in constant time and rejects revoked or
    // expired keys.
    std::string createKey(const std::string& publisher, std::optional<std::string> expires = std::nullopt);
    std::optional<KeyInfo> authenticate(std::string_view presentedKey) const;
    std::vector<KeyInfo> listKeys() const;
    bool revokeKey(const std::string& keyId);

    StoreHealth health() const;

    // Signing (nodes). The key records are signed with (null when the store does not sign), and
    // the history of signed key rotations, as a JSON array of statements (README, "Key rotation").
    std::shared_ptr<const common::SigningKey> signingKey() const;
    std::string keyRotations() const;
    // Replaces the signing key: records `statementJson` (the rotation statement signed by the old
    // key) in the history and re-signs every record and tombstone published here with `next`, all
    // in one transaction.
    std::int64_t rotateSigningKey(std::shared_ptr<const common::SigningKey> next, const std::string& statementJson);

private:
    struct Private;
    std::unique_ptr<Private> m_private;
};

}  // namespace tweeling::registry::store
