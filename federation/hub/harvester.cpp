#include "hub/harvester.hpp"

#include "harvest/fetcher.hpp"
#include "hub/ckan_job.hpp"
#include "hub/csw_job.hpp"
#include "hub/dcat_job.hpp"
#include "hub/crawl_job.hpp"
#include "hub/feed_job.hpp"
#include "hub/write_queue.hpp"

#include <memory>

// The round: a job per source (feed_job.cpp, crawl_job.cpp), all on one fetcher, their pages
// written by one writer (write_queue.hpp), then each source's bookkeeping and report.
namespace tweeling::federation::hub {

Harvester::Harvester(registry::store::Store& store, SourceRegistry& sources, const registry::record::Profile& profile,
                     HarvesterOptions options)
    : m_store(store), m_sources(sources), m_profile(profile), m_options(options), m_keys(store) {}

std::unique_ptr<Job> Harvester::makeJob(const SourceState& state, WriteQueue& writes) {
    switch (state.config.kind) {
        case SourceKind::Tweeling:
            return std::make_unique<FeedJob>(m_store, m_sources, m_profile, m_options, state, m_keys, writes,
                                             m_cancelled);
        case SourceKind::Ckan:
            return std::make_unique<CkanJob>(m_store, m_sources, m_profile, m_options, state, m_keys, writes,
                                             m_cancelled);
        case SourceKind::Csw:
            return std::make_unique<CswJob>(m_store, m_sources, m_profile, m_options, state, m_keys, writes,
                                            m_cancelled);
        case SourceKind::Dcat:
            return std::make_unique<DcatJob>(m_store, m_sources, m_profile, m_options, state, m_keys, writes,
                                             m_cancelled);
        case SourceKind::OgcApiRecords: break;
    }
    return std::make_unique<CrawlJob>(m_store, m_sources, m_profile, m_options, state, m_keys, writes, m_cancelled);
}

void Harvester::run(const std::vector<std::unique_ptr<Job>>& jobs,
                    const std::function<void(Job&, harvest::Fetcher&)>& start) {
    harvest::Fetcher fetcher(m_options.maxInFlight);
    // cancel() wakes the fetcher from another thread: it is known to it only while it lives.
    struct Published {
        Harvester& harvester;
        Published(Harvester& h, harvest::Fetcher& fetcher) : harvester(h) {
            std::lock_guard<std::mutex> lock(harvester.m_fetcherMutex);
            harvester.m_fetcher = &fetcher;
        }
        ~Published() {
            std::lock_guard<std::mutex> lock(harvester.m_fetcherMutex);
            harvester.m_fetcher = nullptr;
        }
    } published(*this, fetcher);
    for (auto& job : jobs) start(*job, fetcher);
    fetcher.run();
}

std::vector<HarvestReport> Harvester::harvest(const std::vector<std::string>& sourceIds) {
    WriteQueue writes(4);  // declared before the jobs: they push to it until it is drained
    std::vector<std::unique_ptr<Job>> jobs;
    std::vector<HarvestReport> reports;
    for (const auto& id : sourceIds) {
        auto state = m_sources.get(id);
        if (state) jobs.push_back(makeJob(*state, writes));
    }
    run(jobs, [](Job& job, harvest::Fetcher& fetcher) { job.start(fetcher); });
    writes.drain();
    for (auto& job : jobs) {
        HarvestReport report = job->finishReport();
        m_sources.recordAttempt(report.source, report.status, report.error, report.rejected);
        // A run that stopped at its budget goes on in the next round, not an interval later.
        if (report.continues) m_sources.queue(report.source);
        m_sources.saveReport(report.source, report.toJson());
        reports.push_back(std::move(report));
    }
    return reports;
}

std::optional<HarvestReport> Harvester::harvestRecord(const std::string& sourceId, const std::string& recordId) {
    auto state = m_sources.get(sourceId);
    if (!state) return std::nullopt;
    WriteQueue writes(1);
    std::vector<std::unique_ptr<Job>> jobs;
    jobs.push_back(makeJob(*state, writes));
    run(jobs, [&](Job& job, harvest::Fetcher& fetcher) { job.startRecord(fetcher, recordId); });
    writes.drain();
    return jobs.front()->finishReport();
}

void Harvester::cancel() {
    m_cancelled = true;
    std::lock_guard<std::mutex> lock(m_fetcherMutex);
    if (m_fetcher) m_fetcher->wake();
}

std::int64_t Harvester::releaseDeletions(const std::string& sourceId) {
    return m_sources.pendingDeletions().release(sourceId);
}

}  // namespace tweeling::federation::hub
