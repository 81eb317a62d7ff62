#pragma once
// A generic OGC API – Records catalog: crawl its items by `next` links (never to another host);
// changes by content hash, deletions by comparing the ids of a complete crawl. A crawl has no
// cursor: stopped early it is incomplete and deletes nothing.
#include "hub/job.hpp"

#include <set>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

class CrawlJob : public Job {
public:
    using Job::Job;

    void start(harvest::Fetcher& fetcher) override;

private:
    void next(harvest::Fetcher& fetcher, const std::string& url);
    void stopEarly() override;
    void onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result);
    // Nothing of a catalog whose records would take the name of a signing origin is written.
    void refuseCollidingPage(const std::vector<const common::JsonValue*>& features, const std::string& where,
                             Verifier::Result check);

    std::string m_host;
    std::set<RecordKey> m_seen;
    Verifier m_verifier;
};

}  // namespace tweeling::federation::hub
