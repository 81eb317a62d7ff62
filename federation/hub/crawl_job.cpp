#include "hub/crawl_job.hpp"

#include "adapters/ogc_records.hpp"
#include "common/json.hpp"

namespace tweeling::federation::hub {

using common::Json;
using common::JsonValue;
using registry::store::WriteBatch;

void CrawlJob::start(harvest::Fetcher& fetcher) {
    std::string url = trimSlash(m_state.config.url);
    if (url.size() < 6 || url.compare(url.size() - 6, 6, "/items") != 0) url += "/items";
    url += "?limit=" + std::to_string(m_options.itemsPageSize);
    m_host = hostOf(url);
    // A foreign catalog's records are unsigned and take the source's id as their origin: an
    // id that names an origin signing here (a node added under another source id) collides.
    m_keys.load(m_verifier, {}, {m_state.config.id});
    next(fetcher, url);
}

void CrawlJob::next(harvest::Fetcher& fetcher, const std::string& url) {
    fetch(fetcher, url, [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onPage(f, result); });
}

// A crawl has no cursor: stopped early it is incomplete, so what it did not reach is not taken
// for deleted. Its budget spent, the catalog is larger (or slower) than one run may take, which
// the operator must see; a hub shutting down is no fault of the source.
void CrawlJob::stopEarly() { stopIncompleteListing("crawl"); }

void CrawlJob::refuseCollidingPage(const std::vector<const JsonValue*>& features, const std::string& where,
                                   Verifier::Result check) {
    const std::string& origin = m_state.config.id;
    adapters::MappingContext context{m_state.config.id, m_state.config.url};
    // The first page's records are listed so that the operator sees what collided, and the crawl
    // stops there.
    for (const JsonValue* feature : features) {
        adapters::MappedRecord mapped = adapters::mapOgcRecord(*feature, context, m_profile);
        m_report.reject({mapped.id, origin, where,
                         {{Verifier::pointer(check), Verifier::explain(check, origin, "put", origin)}}});
    }
    fail("degraded", "the records of this catalog would take the origin " + origin +
                         ", which signs its records at this hub: nothing was harvested; add the catalog "
                         "under another source id");
}

void CrawlJob::onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
    ++m_report.pages;
    std::string where = "items page " + std::to_string(m_report.pages);
    if (!result.ok) {
        fail(m_report.pages == 1 ? "down" : "degraded",
             result.error + " (GET " + result.url + "); no deletions were applied");
        return;
    }
    Json page;
    if (auto error = common::parseUntrusted(result.body, page, 256)) {
        fail("degraded", where + " is not valid JSON (byte " + std::to_string(error->offset) + ": " + error->message +
                             ")" + servedAs(result) + "; no deletions were applied");
        return;
    }
    adapters::ItemsPage items;
    if (auto error = adapters::readItemsPage(page, result.finalUrl.empty() ? result.url : result.finalUrl, items)) {
        fail("degraded", where + ": " + *error + "; no deletions were applied");
        return;
    }
    const std::string& origin = m_state.config.id;  // a foreign catalog is its records' origin
    Verifier::Result check = m_verifier.verify(origin, "", "put", "", nullptr, "");
    if (check != Verifier::Result::Unsigned) {
        refuseCollidingPage(items.features, where, check);  // nothing of it is written, nor deleted
        return;
    }
    count(m_store.apply(mapForeignPage(items.features, where, m_state.config.url, &adapters::mapOgcRecord, m_seen)));

    if (!items.nextUrl.empty()) {
        if (hostOf(items.nextUrl) != m_host) {
            fail("degraded", where + ": the next link leaves the catalog's host (" + items.nextUrl +
                                 "); the crawl stopped and no deletions were applied");
            return;
        }
        if (withinBudget(m_report.pages))
            next(fetcher, items.nextUrl);
        else
            stopEarly();
        return;
    }
    deleteUnseen(m_seen, origin);
    settleDeletions();
    m_done = true;
}

}  // namespace tweeling::federation::hub
