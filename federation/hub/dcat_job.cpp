#include "hub/dcat_job.hpp"

#include "adapters/dcat/dcat.hpp"

namespace tweeling::federation::hub {

using registry::store::WriteBatch;

void DcatJob::start(harvest::Fetcher& fetcher) {
    // A foreign catalog's records are unsigned and take the source's id as their origin: an id
    // that names an origin signing here (a node added under another source id) collides.
    m_keys.load(m_verifier, {}, {m_state.config.id});
    next(fetcher, m_state.config.url);
}

void DcatJob::next(harvest::Fetcher& fetcher, const std::string& url) {
    m_visited.insert(url);
    fetch(
        fetcher, url, [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onPage(f, result); },
        adapters::kDcatAccept);
}

// As CrawlJob: stopped early the listing is incomplete, so what it did not reach is not taken for
// deleted.
void DcatJob::stopEarly() { stopIncompleteListing("listing"); }

void DcatJob::onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
    ++m_report.pages;
    const std::string status = m_report.pages == 1 ? "down" : "degraded";
    std::string where = "DCAT page " + std::to_string(m_report.pages) + " (" + result.url + ")";
    if (!result.ok) {
        fail(status, result.error + " (GET " + result.url + "); no deletions were applied");
        return;
    }
    // Relative IRIs resolve against where the page was found, after redirects.
    const std::string pageUrl = result.finalUrl.empty() ? result.url : result.finalUrl;
    auto type = result.headers.find("content-type");
    adapters::DcatPage page;
    if (auto error =
            adapters::readDcatPage(result.body, type == result.headers.end() ? "" : type->second, pageUrl, page)) {
        fail(status, where + " is " + *error + "; no deletions were applied");
        return;
    }
    if (!foreignOriginFree(m_verifier, where)) return;
    const std::string& origin = m_state.config.id;  // a foreign catalog is its records' origin
    adapters::MappingContext context{origin, m_state.config.url};
    WriteBatch batch;
    for (adapters::rdf::TermId node : page.resources)
        takeMapped(adapters::mapDcatResource(adapters::DcatResource{*page.graph, node, pageUrl}, context, m_profile),
                   where, m_seen, batch);
    count(m_store.apply(batch));

    if (!page.next.empty()) {
        // As a crawl: never to another host (a catalog cannot send the hub's requests elsewhere).
        if (hostOf(page.next) != hostOf(pageUrl)) {
            fail("degraded", where + " names as its next page " + page.next +
                                 ", on another host; the listing stops there, what it read is kept, and no "
                                 "deletions were applied");
            return;
        }
        if (m_visited.count(page.next)) {
            fail("degraded", where + " names as its next page " + page.next +
                                 ", which this listing has read already (a page loop); what it read is kept, and "
                                 "no deletions were applied");
            return;
        }
        if (withinBudget(m_report.pages))
            next(fetcher, page.next);
        else
            stopEarly();
        return;
    }
    deleteUnseen(m_seen, origin);
    settleDeletions();
    m_done = true;
}

}  // namespace tweeling::federation::hub
