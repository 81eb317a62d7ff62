#pragma once
// A DCAT-AP catalog (Turtle or JSON-LD; adapters/dcat/dcat.hpp): its first page at the source URL,
// then the pages Hydra names (hydra:next of a hydra:PartialCollectionView, or the older
// hydra:PagedCollection's hydra:nextPage) within the run's page budget; changes by content hash,
// deletions by comparing the ids of a complete listing. The listing is complete only when it
// reached a page without a next one; stopped early, refused (a failed or unreadable page: the first
// one makes the source down, a later one degraded), looping back to a page already read or sent to
// another host, it is incomplete and deletes nothing.
#include "hub/job.hpp"

#include <set>
#include <string>

namespace tweeling::federation::hub {

class DcatJob : public Job {
public:
    using Job::Job;

    void start(harvest::Fetcher& fetcher) override;

private:
    void next(harvest::Fetcher& fetcher, const std::string& url);
    void stopEarly() override;
    void onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result);

    std::set<std::string> m_visited;  // page URLs asked for, to refuse a page loop
    std::set<RecordKey> m_seen;
    Verifier m_verifier;
};

}  // namespace tweeling::federation::hub
