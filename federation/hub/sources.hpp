#pragma once
// The sources a hub federates, their harvest state (cursor, epoch, health) and their harvest
// reports. Kept in the hub's own SQLite database beside the records (tables created here), so a
// page of records and the cursor that follows it commit in one transaction. SourceRegistry is the
// one owner of the `sources` and `harvest_reports` tables; it holds the source's pending deletions
// through PendingDeletions (deletions.hpp), the owner of theirs.
#include "hub/deletions.hpp"
#include "record/size.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

enum class SourceKind { Tweeling, OgcApiRecords, Ckan, Csw, Dcat };
const char* kindName(SourceKind kind);
std::optional<SourceKind> parseKind(const std::string& text);

// The default cap on one response of a source (a feed or items page). The largest /feed page a
// conforming node or hub serves is its byte budget plus one entry of at most one record (about
// 5 MiB): the cap leaves room for a foreign catalog's larger pages and for hub members of records.
inline constexpr std::int64_t kDefaultMaxBytes = 64ll << 20;
static_assert(kDefaultMaxBytes >=
                  8 * static_cast<std::int64_t>(registry::store::kFeedPageBytes + registry::record::kMaxRecordBytes),
              "a source's fetch cap must stay well above the largest /feed page a hub serves");

struct SourceConfig {
    std::string id;    // [a-z0-9][a-z0-9._-]{0,63}
    std::string url;   // Tweeling: the node's base URL; OGC API – Records: the collection URL
    SourceKind kind = SourceKind::Tweeling;
    std::int64_t everySeconds = 900;
    long connectTimeoutMs = 5000;
    long totalTimeoutMs = 30000;
    std::int64_t maxBytes = kDefaultMaxBytes;
    double maxDeleteFraction = 0.30;  // a harvest deleting more than this share of records deletes none
    // Lets the harvester connect to loopback, private and link-local addresses for this source (a
    // node on the hub's own machine or network); otherwise such connections are refused.
    bool allowPrivate = false;
    std::string tlsPin;  // "sha256//<base64>" public-key pin of the source's server (https only); empty: none
};

struct SourceState {
    SourceConfig config;
    std::string added;
    std::string state = "never-harvested";  // ok | degraded | down | never-harvested
    std::optional<std::string> lastAttempt;
    std::optional<std::string> lastSuccess;
    std::optional<std::string> lastError;
    int consecutiveFailures = 0;
    std::int64_t nextHarvest = 0;  // epoch seconds; 0 = as soon as possible
    std::string epoch;             // the source's epoch at the last harvest (Tweeling)
    std::int64_t cursor = 0;       // the last feed seq applied (Tweeling)
    // A catalog without a feed (CKAN, CSW): the newest modification time its records carried in the
    // last complete round, in the catalog's own format and clock (so the hub's clock never matters);
    // empty: none yet. And how many complete rounds of changes only followed its last full listing.
    std::string catalogSince;
    int roundsSinceFull = 0;
    std::int64_t recordsRejected = 0;  // in the last harvest
    std::int64_t recordsHeld = 0;      // filled from the store when listing
    std::int64_t pendingDeletions = 0;
};

// Checks a config; returns a sentence naming the bad field, or nullopt.
std::optional<std::string> validateConfig(const SourceConfig& config);

class SourceRegistry {
public:
    explicit SourceRegistry(registry::store::Store& store);  // creates the tables when missing

    // Throws std::invalid_argument (bad config) or std::runtime_error (id taken).
    void add(const SourceConfig& config);
    // Removes the source, its records (with tombstones), its reports and its pending deletions.
    // Returns false when there is no such source.
    bool remove(const std::string& id);
    std::optional<SourceState> get(const std::string& id) const;
    std::vector<SourceState> list() const;
    // Sources whose next harvest is due at `now` (epoch seconds).
    std::vector<std::string> due(std::int64_t now) const;
    // Makes a source due now (POST /sources/{id}/harvest).
    bool queue(const std::string& id);

    // The harvester's bookkeeping after a run (one transaction). `state`: ok (complete), degraded
    // (the source answered but the harvest was partial or held deletions back), down (the source
    // could not be reached or answered with an error). A harvest that is not ok counts as a failure
    // for the backoff; records are never removed for it.
    void recordAttempt(const std::string& id, const std::string& state, const std::string& error,
                       std::int64_t rejected);

    // The feed's position, as statements within the caller's transaction, so that it moves with
    // the page it follows (or with the resync marks it starts).
    // A resync: the cursor starts again from 0 under the source's new epoch.
    void restartFeed(registry::store::Database& database, const std::string& id, const std::string& epoch) const;
    // After a page: the cursor is its last seq; `epoch` is stored when not empty (a first harvest).
    void advanceCursor(registry::store::Database& database, const std::string& id, std::int64_t cursor,
                       const std::string& epoch) const;

    // After a complete round of a catalog without a feed: `since` (when not empty) becomes its
    // catalogSince; a full listing sets roundsSinceFull to 0, a round of changes adds one.
    void recordCatalogRound(const std::string& id, const std::string& since, bool full);

    // Reports (JSON text) of harvest runs; the newest first.
    void saveReport(const std::string& id, const std::string& reportJson);
    std::optional<std::string> latestReport(const std::string& id) const;

    registry::store::Store& store() { return m_store; }
    PendingDeletions& pendingDeletions() { return m_deletions; }

private:
    registry::store::Store& m_store;
    PendingDeletions m_deletions;
};

// Admin keys are publisher keys with this publisher: they manage sources and may not publish.
inline constexpr const char* kAdminPublisher = "urn:tweeling:admin";

}  // namespace tweeling::federation::hub

namespace tweeling::federation::hub {
// "90", "90s", "15m", "2h", "1d" -> seconds; nullopt when not understood.
std::optional<std::int64_t> parseDuration(const std::string& text);
}  // namespace tweeling::federation::hub
