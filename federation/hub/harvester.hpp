#pragma once
// One harvest round: every selected source at once on one libcurl multi handle. Tweeling nodes and
// hubs are followed through their change feed from the stored cursor, page by page, each page
// applied in one transaction with its cursor; generic OGC API – Records catalogs are crawled by
// their `next` links. Records are validated with the node's profile; deletions propagate but a run
// that would delete more than a source's threshold deletes none.
#include "hub/report.hpp"
#include "hub/sources.hpp"
#include "hub/trust.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::federation::harvest {
class Fetcher;
}

namespace tweeling::federation::harvest {
class Fetcher;
}

namespace tweeling::federation::hub {

class Job;
class WriteQueue;

struct HarvesterOptions {
    int maxInFlight = 16;
    int feedPageSize = 1000;
    int itemsPageSize = 100;
    // The budget of one source's run in a round: after this many pages, or once this many seconds
    // have passed (a transfer still running then is cancelled), the run stops. A feed stops at its
    // last committed page and continues from there in the next round (the source stays due); a
    // crawl has no cursor, so it is incomplete and applies no deletions. Sources of a round wait
    // for one another, so this is also about the longest a due source waits for a slow or endless
    // one (scheduler.hpp).
    int maxRunPages = 1000;
    int maxRunSeconds = 60;
    // A catalog without a feed (CKAN, CSW) is listed completely, which is how deletions are found,
    // on its first round and then every this many rounds; the rounds between ask only for the
    // records modified since the newest modification time the last complete round saw, and delete
    // nothing. 1: every round is a full listing.
    int fullListingEvery = 24;
    long backoffBaseMs = 500;
    int maxAttempts = 4;
    // PEM file of the certificate authorities https sources are checked against; empty: the system's.
    std::string caBundlePath;
};

class Harvester {
public:
    Harvester(registry::store::Store& store, SourceRegistry& sources, const registry::record::Profile& profile,
              HarvesterOptions options = {});

    // Harvests these sources together and returns a report per source (also saved, and the
    // sources' state updated).
    std::vector<HarvestReport> harvest(const std::vector<std::string>& sourceIds);

    // Fetches one record of a catalog source now (Job::startRecord): the run's report, which is
    // neither saved nor counted in the source's state (it is no round). nullopt: no such source.
    std::optional<HarvestReport> harvestRecord(const std::string& sourceId, const std::string& recordId);

    // Applies the deletions held back for a source (after an admin has checked them).
    std::int64_t releaseDeletions(const std::string& sourceId);

    // Stops the running round, and every later one, at once (the hub is shutting down): transfers
    // are aborted, pages already fetched and checked are committed (each with its cursor, as
    // always), nothing else is. Thread-safe; harvest() then returns within about a second.
    void cancel();

private:
    std::unique_ptr<Job> makeJob(const SourceState& state, WriteQueue& writes);
    // Runs the jobs' fetches on one fetcher until they are done (cancel() stops it).
    void run(const std::vector<std::unique_ptr<Job>>& jobs, const std::function<void(Job&, harvest::Fetcher&)>& start);

    registry::store::Store& m_store;
    SourceRegistry& m_sources;
    const registry::record::Profile& m_profile;
    HarvesterOptions m_options;
    KeyRing m_keys;
    std::atomic<bool> m_cancelled{false};
    std::mutex m_fetcherMutex;              // guards m_fetcher against cancel() from another thread
    harvest::Fetcher* m_fetcher = nullptr;  // the running round's, to wake it on cancel()
};

}  // namespace tweeling::federation::hub
