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

#include <string>
#include <vector>

namespace tweeling::federation::hub {

struct HarvesterOptions {
    int maxInFlight = 16;
    int feedPageSize = 1000;
    int itemsPageSize = 100;
    int maxPages = 100000;  // per source and run: a guard against endless `next` chains
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

    // Applies the deletions held back for a source (after an admin has checked them).
    std::int64_t releaseDeletions(const std::string& sourceId);

private:
    registry::store::Store& m_store;
    SourceRegistry& m_sources;
    const registry::record::Profile& m_profile;
    HarvesterOptions m_options;
    KeyRing m_keys;
};

}  // namespace tweeling::federation::hub
