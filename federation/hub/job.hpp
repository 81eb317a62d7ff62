#pragma once
// What one harvest run of one source does, whatever its kind: how it fetches (the source's network
// edges and the run's budget), how it prepares a record (the one ingest path, api::prepare, then
// provenance and compression), how it counts outcomes into its report, and how its deletions end
// (held until the run is complete, then settled against the source's threshold). FeedJob (feed_job.hpp) and
// CrawlJob (crawl_job.hpp) add the walk through their source. A job lives for one round.
#include "adapters/mapped_record.hpp"
#include "harvest/fetcher.hpp"
#include "hub/deletions.hpp"
#include "hub/harvester.hpp"
#include "hub/report.hpp"
#include "hub/sources.hpp"
#include "hub/trust.hpp"
#include "hub/write_queue.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace tweeling::federation::hub {

std::int64_t nowSeconds();
std::string trimSlash(std::string url);
// scheme://host[:port] of a URL; empty when it has no scheme.
std::string hostOf(const std::string& url);

class Job {
public:
    Job(registry::store::Store& store, SourceRegistry& sources, const registry::record::Profile& profile,
        const HarvesterOptions& options, SourceState state, KeyRing& keys, WriteQueue& writes,
        const std::atomic<bool>& cancelled);
    virtual ~Job() = default;
    virtual void start(harvest::Fetcher& fetcher) = 0;
    // Fetches one record of the source now, by the catalog's own request for one (CKAN
    // package_show, …), instead of a round: `twin-federation harvest --source ID --record ID`.
    // It writes that record (added, updated or unchanged) and deletes nothing. A kind without such a
    // request fails the run, saying so.
    virtual void startRecord(harvest::Fetcher& fetcher, const std::string& id);

    // The report once the round is over (every write drained).
    HarvestReport finishReport();
    const std::string& sourceId() const { return m_state.config.id; }

protected:
    harvest::FetchOptions fetchOptions() const;
    // Submits `request` with the run's cancellation and the page callback's error handling.
    void submit(harvest::Fetcher& fetcher, harvest::FetchRequest request,
                std::function<void(harvest::Fetcher&, harvest::FetchResult&&)> onPage);
    // `accept`: the Accept header's value (JSON by default; a DCAT catalog asks for RDF).
    void fetch(harvest::Fetcher& fetcher, const std::string& url,
               std::function<void(harvest::Fetcher&, harvest::FetchResult&&)> onPage,
               const std::string& accept = "application/json, application/geo+json");
    // The same for a catalog that speaks XML (CSW): a POST of `xmlBody`, or a GET when it is empty,
    // asking for XML back.
    void fetchXml(harvest::Fetcher& fetcher, const std::string& url, const std::string& xmlBody,
                  std::function<void(harvest::Fetcher&, harvest::FetchResult&&)> onPage);

    // True once the run's time budget is spent or the hub is stopping.
    bool outOfTime() const { return m_cancelled.load() || std::chrono::steady_clock::now() >= m_deadline; }
    // Whether the run may fetch another page after `pages` pages.
    bool withinBudget(int pages) const { return pages < m_options.maxRunPages && !outOfTime(); }
    std::string budgetSpent() const;
    // For the report of a body that is not JSON: " (served as text/html)" when the response said
    // it was something else (a proxy's or portal's HTML page, the usual cause), else "".
    static std::string servedAs(const harvest::FetchResult& result);
    // The run stops before its end, with more to read (its budget is spent, or the hub stops).
    virtual void stopEarly() = 0;

    void fail(const std::string& status, const std::string& error);
    // A listing without a cursor (a crawl, a catalog) stopped before its end (`noun`: "crawl",
    // "listing"): what it read is kept, nothing is deleted; when the hub is stopping the next round
    // goes on, else the run is degraded. What stopEarly does for every kind but a feed.
    void stopIncompleteListing(const std::string& noun);
    // A foreign catalog's records are unsigned and take the source's id as their origin: false (the
    // run failed, nothing written) when that id is an origin that signs its records at this hub.
    // `verifier` holds the source id as an unsigned origin (KeyRing::load).
    bool foreignOriginFree(Verifier& verifier, const std::string& where);
    // A catalog with rounds of changes (CKAN, CSW): whether this round is a full listing
    // (fullListingDue); a round of changes says so in the report, naming what it asks for (`things`:
    // "packages", "records").
    bool beginCatalogRound(const std::string& things);
    // The report is written by the fetcher's thread and the writer's: always under this lock.
    template <typename Change>
    void report(Change change) {
        std::lock_guard<std::mutex> lock(m_reportMutex);
        change(m_report);
    }

    // The outcome of preparing one record: a write, or a rejection, maybe with warnings.
    struct Prepared {
        bool ok = false;
        bool collision = false;  // rejected as an unsigned record under a signing origin's name
        bool badSignature = false;  // rejected: signed, but not by the key pinned for its origin
        registry::store::PutRequest put;
        RecordProblems rejected;
        std::optional<RecordProblems> warned;
    };

    // Prepares a record's write by the one ingest path (registry/api/ingest.hpp, prepare) with this
    // hub's additions. Touches no member state but constants, so pages are prepared on several
    // threads. A record that a hub upstream mapped from a foreign catalog arrives marked
    // `validation.status: "warn"`: it travels on with the same warnings unless an essential member is
    // wrong, so hubs of hubs agree with the hub that crawled it. `judgedWarnings`: the record was
    // validated already (mapped by an adapter), and is kept with these warnings.
    Prepared prepare(common::Json& doc, const std::string& origin, const std::string& where,
                     const common::Problems* judgedWarnings = nullptr) const;

    // A foreign catalog's page of records through its adapter (`map`: adapters::mapOgcRecord,
    // adapters::mapCkanPackage, …) and the one ingest path, as the source's own records (its id is
    // their origin): each id noted in `seen` for the deletions of a complete listing, a rejected or
    // warned record into the report, a kept one into the returned writes. `base`: the URL the
    // adapter resolves the records' relative links against.
    template <typename Foreign>
    using Adapter = adapters::MappedRecord (*)(const Foreign& foreign, const adapters::MappingContext& context,
                                               const registry::record::Profile& profile);
    template <typename Foreign>
    registry::store::WriteBatch mapForeignPage(const std::vector<Foreign>& items, const std::string& where,
                                               const std::string& base, Adapter<std::remove_pointer_t<Foreign>> map,
                                               std::set<RecordKey>& seen) {
        adapters::MappingContext context{m_state.config.id, base};
        std::vector<adapters::MappedRecord> mapped;
        mapped.reserve(items.size());
        for (const Foreign& item : items) {
            if constexpr (std::is_pointer_v<Foreign>)
                mapped.push_back(map(*item, context, m_profile));
            else
                mapped.push_back(map(item, context, m_profile));
        }
        return writesOf(std::move(mapped), where, seen);
    }
    // The writes of a page of records an adapter mapped (see mapForeignPage).
    registry::store::WriteBatch writesOf(std::vector<adapters::MappedRecord>&& mapped, const std::string& where,
                                         std::set<RecordKey>& seen);
    // One record an adapter mapped, the way writesOf takes each: for kinds whose foreign records
    // are read one by one (DCAT's RDF resources).
    void takeMapped(adapters::MappedRecord&& mapped, const std::string& where, std::set<RecordKey>& seen,
                    registry::store::WriteBatch& batch);

    // A catalog without a feed (CKAN, CSW): whether this round lists it completely (its first
    // round, the one after HarvesterOptions::fullListingEvery - 1 rounds of changes, or a catalog
    // whose records carry no modification time), or asks only for what changed since
    // m_state.catalogSince.
    bool fullListingDue() const;
    // Notes a record's modification time as the catalog wrote it (ISO 8601, one format per catalog,
    // so that text order is time order); the newest becomes the next round's catalogSince.
    // Thread-safe.
    void noteModified(const std::string& timestamp);
    // The round read its whole listing (full or of changes) and wrote it: its newest modification
    // time becomes the source's catalogSince, and the count of rounds since a full listing moves.
    // A round that ends otherwise calls nothing: the next round asks again from the old time.
    void finishCatalogRound(bool full);

    void count(const registry::store::BatchOutcome& outcome);
    // Lists each refused replay (an older version than the one held), and each unsigned copy of a
    // record held signed, in the report (counted by count()).
    void reportRefusedPuts(const registry::store::WriteBatch& batch, const registry::store::BatchOutcome& outcome);

    // Deletions wait in PendingDeletions until the run is complete; then they are applied in one
    // transaction, unless there are more than the source's threshold, in which case none is.
    void settleDeletions();
    // The records held from this source that a complete listing without them deletes: all but those
    // in `seen` and those of an origin that signs here and is not `ownOrigin` (a hub's relays): the
    // listing of a hub is not signed, and a signing origin's records leave only by its signed
    // tombstone. Notes in the report how many were kept for that reason.
    std::vector<RecordKey> deletableUnlisted(const std::set<RecordKey>& seen, const std::string& ownOrigin);
    // Marks records of this source not seen in a complete listing as deleted (pending).
    void deleteUnseen(const std::set<RecordKey>& seen, const std::string& ownOrigin);

    registry::store::Store& m_store;
    SourceRegistry& m_sources;
    PendingDeletions& m_deletions;
    const registry::record::Profile& m_profile;
    const HarvesterOptions& m_options;
    SourceState m_state;
    KeyRing& m_keys;
    WriteQueue& m_writes;
    const std::atomic<bool>& m_cancelled;              // the harvester's: the hub is stopping
    std::chrono::steady_clock::time_point m_deadline;  // of the run's time budget
    std::mutex m_reportMutex;
    HarvestReport m_report;
    std::string m_harvestedAt;
    std::atomic<bool> m_done{false};
    std::atomic<bool> m_failed{false};
    std::atomic<bool> m_writeFailed{false};  // a page could not be written: no later page may be
    std::atomic<bool> m_stopped{false};      // stopped early by stopEarly(): not a failure
    // Entries refused as unsigned records under the name of a signing origin, and those origins
    // (under m_reportMutex).
    std::int64_t m_collisions = 0;
    std::set<std::string> m_collidingOrigins;
    // Entries whose signature does not verify against their origin's pinned key, and those origins
    // (under m_reportMutex): a key rotated without the hub being told, or records altered on the way.
    std::int64_t m_badSignatures = 0;
    std::set<std::string> m_badSignatureOrigins;
    std::string m_newestModified;  // under m_reportMutex (noteModified)
};

}  // namespace tweeling::federation::hub
