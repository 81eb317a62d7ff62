#pragma once
// A CKAN catalog (data.overheid.nl and the like): its packages listed through the action API,
// GET {url}/api/3/action/package_search?rows=R&start=N&sort=metadata_modified asc, page after page
// until `count` is reached; changes by content hash.
// A full listing (the first round, then every HarvesterOptions::fullListingEvery rounds) finds
// deletions by comparing the names of the complete listing. It has no cursor: stopped early,
// refused by the catalog, or unsteady (the count changed while it was read, or fewer packages came
// than counted), it is incomplete and deletes nothing.
// The rounds between ask only for what changed: fq=metadata_modified:[SINCE TO *], SINCE being
// the newest metadata_modified the last complete round read (the catalog's clock, not the hub's;
// inclusive, so the packages of that very instant come again, unchanged). They delete nothing; a
// round in which nothing changed costs one page.
#include "common/json.hpp"
#include "hub/job.hpp"

#include <set>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

class CkanJob : public Job {
public:
    using Job::Job;

    void start(harvest::Fetcher& fetcher) override;
    // GET {url}/api/3/action/package_show?id=ID.
    void startRecord(harvest::Fetcher& fetcher, const std::string& id) override;

private:
    // The package_search URL of the page starting at `start`.
    std::string pageUrl(long long start) const;
    void next(harvest::Fetcher& fetcher);
    void stopEarly() override;
    void onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result);
    void onPackage(const harvest::FetchResult& result, const std::string& id);
    // Parses a response of the action API; on failure the run fails, naming `where`.
    bool parseResponse(const harvest::FetchResult& result, const std::string& where, common::Json& out);

    std::string m_base;      // the catalog's base URL, without a trailing slash
    long long m_rows = 100;  // packages asked for per page
    long long m_start = 0;   // of the next page
    long long m_count = -1;  // as the first page said
    bool m_full = true;      // a full listing, else the changes since m_state.catalogSince
    std::set<RecordKey> m_seen;
    Verifier m_verifier;
};

}  // namespace tweeling::federation::hub
