#include "hub/ckan_job.hpp"

#include <algorithm>

#include "adapters/ckan/ckan.hpp"
#include "common/json.hpp"
#include "common/url.hpp"

namespace tweeling::federation::hub {

using common::Json;
using common::JsonValue;
using registry::store::WriteBatch;

namespace {

// CKAN refuses rows above its ckan.search.rows_max (1000 by default).
constexpr long long kMaxRows = 1000;

// A package's metadata_modified as CKAN writes it ("2025-06-01T12:00:00.123456", UTC without a
// zone) as a Solr date for fq ("2025-06-01T12:00:00.123Z"): the fraction cut to milliseconds, which
// moves the bound earlier, never later, so nothing changed at that instant is missed.
std::string solrDate(std::string text) {
    if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) text.pop_back();
    auto dot = text.find('.');
    if (dot != std::string::npos && text.size() > dot + 4) text.resize(dot + 4);
    return text + "Z";
}

}  // namespace

void CkanJob::start(harvest::Fetcher& fetcher) {
    m_base = trimSlash(m_state.config.url);
    m_rows = std::clamp<long long>(m_options.itemsPageSize, 1, kMaxRows);
    // A foreign catalog's records are unsigned and take the source's id as their origin: an id
    // that names an origin signing here (a node added under another source id) collides.
    m_keys.load(m_verifier, {}, {m_state.config.id});
    m_full = beginCatalogRound("packages");
    next(fetcher);
}

std::string CkanJob::pageUrl(long long start) const {
    // Oldest change first: a package changed while the listing is read moves behind the pages
    // still to come rather than being missed ahead of them.
    std::string url = m_base + "/api/3/action/package_search?rows=" + std::to_string(m_rows) +
                      "&start=" + std::to_string(start) + "&sort=metadata_modified%20asc";
    if (!m_full) {
        url += "&fq=" + common::percentEncode("metadata_modified:[" + solrDate(m_state.catalogSince) + " TO *]",
                                              common::percent::kQueryValue);
    }
    return url;
}

void CkanJob::next(harvest::Fetcher& fetcher) {
    fetch(fetcher, pageUrl(m_start), [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onPage(f, result); });
}

// As CrawlJob: stopped early the listing is incomplete, so what it did not reach is not taken for
// deleted.
void CkanJob::stopEarly() { stopIncompleteListing("listing"); }

bool CkanJob::parseResponse(const harvest::FetchResult& result, const std::string& where, Json& out) {
    if (!result.ok) {
        fail(m_report.pages == 1 ? "down" : "degraded",
             result.error + " (GET " + result.url + "); no deletions were applied");
        return false;
    }
    if (auto error = common::parseUntrusted(result.body, out, 256)) {
        fail("degraded", where + " is not valid JSON (byte " + std::to_string(error->offset) + ": " + error->message +
                             ")" + servedAs(result) + "; no deletions were applied");
        return false;
    }
    return true;
}


void CkanJob::startRecord(harvest::Fetcher& fetcher, const std::string& id) {
    m_base = trimSlash(m_state.config.url);
    m_keys.load(m_verifier, {}, {m_state.config.id});
    std::string url = m_base + "/api/3/action/package_show?id=" + common::percentEncode(id, common::percent::kUnreserved);
    fetch(fetcher, url, [this, id](harvest::Fetcher&, harvest::FetchResult&& result) { onPackage(result, id); });
}

void CkanJob::onPackage(const harvest::FetchResult& result, const std::string& id) {
    ++m_report.pages;
    const std::string where = "package_show";
    Json response;
    if (!parseResponse(result, where, response)) return;
    const JsonValue* package = nullptr;
    if (auto error = adapters::readCkanPackageShow(response, package)) {
        fail("degraded", where + ": " + *error + "; nothing was deleted (a package gone leaves at the next full listing)");
        return;
    }
    if (!foreignOriginFree(m_verifier, where)) return;
    std::set<RecordKey> seen;
    count(m_store.apply(mapForeignPage(std::vector<const JsonValue*>{package}, where, m_base, &adapters::mapCkanPackage, seen)));
    if (seen.empty() || seen.begin()->second != id) {
        report([&](HarvestReport& r) {
            r.notes.push_back("package_show for '" + id.substr(0, 200) + "' answered with the package '" +
                              (seen.empty() ? std::string("(none)") : seen.begin()->second) +
                              "' (CKAN also finds a package by its UUID)");
        });
    }
    m_done = true;
}

void CkanJob::onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
    ++m_report.pages;
    std::string where = "package_search page " + std::to_string(m_report.pages) + " (start " +
                        std::to_string(m_start) + ")";
    Json page;
    if (!parseResponse(result, where, page)) return;
    adapters::CkanSearchPage packages;
    if (auto error = adapters::readCkanSearchPage(page, packages)) {
        fail("degraded", where + ": " + *error + "; no deletions were applied");
        return;
    }
    if (!foreignOriginFree(m_verifier, where)) return;
    const std::string& origin = m_state.config.id;  // a foreign catalog is its records' origin
    if (m_count < 0) m_count = packages.count;
    for (const JsonValue* package : packages.packages) {
        auto modified = package->FindMember("metadata_modified");
        if (modified != package->MemberEnd() && modified->value.IsString() && modified->value.GetStringLength() < 64)
            noteModified(modified->value.GetString());
    }
    count(m_store.apply(mapForeignPage(packages.packages, where, m_base, &adapters::mapCkanPackage, m_seen)));
    m_start += static_cast<long long>(packages.packages.size());

    if (!m_full) {
        // Changes only: read to the end of what the last page counts (a package changed meanwhile
        // moves to the end, so the count may grow); nothing is deleted.
        if (m_start < packages.count && !packages.packages.empty()) {
            if (withinBudget(m_report.pages))
                next(fetcher);
            else
                stopEarly();
            return;
        }
        finishCatalogRound(false);
        m_done = true;
        return;
    }

    bool unsteady = packages.count != m_count;
    bool more = m_start < packages.count && !packages.packages.empty();
    if (more && !unsteady) {
        if (withinBudget(m_report.pages))
            next(fetcher);
        else
            stopEarly();
        return;
    }
    if (unsteady || m_start < packages.count ||
        static_cast<long long>(m_seen.size()) < std::min(m_count, packages.count)) {
        // Packages came or went while the listing was read (or the pages overlapped): which are
        // gone cannot be told from it; the next round lists again.
        report([&](HarvestReport& r) {
            r.notes.push_back("the catalog changed while it was listed (count " + std::to_string(m_count) + ", then " +
                              std::to_string(packages.count) + "; " + std::to_string(m_seen.size()) +
                              " packages read): no deletions were applied");
        });
        m_done = true;
        return;
    }
    deleteUnseen(m_seen, origin);
    settleDeletions();
    finishCatalogRound(true);
    m_done = true;
}

}  // namespace tweeling::federation::hub
