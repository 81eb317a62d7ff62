#include "hub/csw_job.hpp"

#include <algorithm>

#include "adapters/csw/csw.hpp"
#include "adapters/url.hpp"
#include "adapters/xml.hpp"
#include "api/html.hpp"
#include "common/text.hpp"
#include "common/url.hpp"

namespace tweeling::federation::hub {

namespace xml = adapters::xml;

CswSourceUrl parseCswSourceUrl(const std::string& url) {
    CswSourceUrl out;
    std::string withoutFragment = url.substr(0, url.find('#'));
    std::size_t question = withoutFragment.find('?');
    out.endpoint = withoutFragment.substr(0, question);
    if (question == std::string::npos) return out;
    std::string kept;
    std::string query = withoutFragment.substr(question + 1);
    std::size_t at = 0;
    while (at <= query.size()) {
        std::size_t end = query.find('&', at);
        if (end == std::string::npos) end = query.size();
        std::string pair = query.substr(at, end - at);
        at = end + 1;
        if (pair.empty()) continue;
        std::size_t equals = pair.find('=');
        std::string name = common::toLowerAscii(common::percentDecode(pair.substr(0, equals), true));
        if (name == "keyword") {
            std::string value =
                common::trim(equals == std::string::npos ? "" : common::percentDecode(pair.substr(equals + 1), true));
            if (!value.empty() && std::find(out.keywords.begin(), out.keywords.end(), value) == out.keywords.end())
                out.keywords.push_back(value);
            continue;
        }
        kept += (kept.empty() ? "" : "&") + pair;
    }
    if (!kept.empty()) out.endpoint += "?" + kept;
    return out;
}

std::string cswGetRecordsRequest(long long startPosition, long long maxRecords,
                                 const std::vector<std::string>& keywords, const std::string& modifiedSince) {
    using registry::api::html::escape;
    std::vector<std::string> conditions;
    if (!keywords.empty()) {
        std::string any;
        for (const std::string& keyword : keywords)
            any += "<ogc:PropertyIsEqualTo><ogc:PropertyName>apiso:Subject</ogc:PropertyName><ogc:Literal>" +
                   escape(keyword) + "</ogc:Literal></ogc:PropertyIsEqualTo>";
        conditions.push_back(keywords.size() == 1 ? any : "<ogc:Or>" + any + "</ogc:Or>");
    }
    if (!modifiedSince.empty())
        conditions.push_back(
            "<ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>apiso:Modified</ogc:PropertyName><ogc:Literal>" +
            escape(modifiedSince) + "</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo>");
    std::string constraint;
    if (!conditions.empty()) {
        std::string filter =
            conditions.size() == 1 ? conditions[0] : "<ogc:And>" + conditions[0] + conditions[1] + "</ogc:And>";
        constraint = "<csw:Constraint version=\"1.1.0\"><ogc:Filter>" + filter + "</ogc:Filter></csw:Constraint>";
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<csw:GetRecords xmlns:csw=\"http://www.opengis.net/cat/csw/2.0.2\" "
           "xmlns:ogc=\"http://www.opengis.net/ogc\" "
           "xmlns:gmd=\"http://www.isotc211.org/2005/gmd\" xmlns:apiso=\"http://www.opengis.net/cat/csw/apiso/1.0\" "
           "service=\"CSW\" version=\"2.0.2\" resultType=\"results\" startPosition=\"" +
           std::to_string(startPosition) + "\" maxRecords=\"" + std::to_string(maxRecords) +
           "\" outputFormat=\"application/xml\" outputSchema=\"http://www.isotc211.org/2005/gmd\">"
           "<csw:Query typeNames=\"gmd:MD_Metadata\"><csw:ElementSetName>full</csw:ElementSetName>" +
           constraint + "</csw:Query></csw:GetRecords>\n";
}

void CswJob::start(harvest::Fetcher& fetcher) {
    m_source = parseCswSourceUrl(m_state.config.url);
    m_maxRecords = std::clamp<long long>(m_options.itemsPageSize, 1, kMaxCswRecords);
    // A foreign catalog's records are unsigned and take the source's id as their origin: an id
    // that names an origin signing here (a node added under another source id) collides.
    m_keys.load(m_verifier, {}, {m_state.config.id});
    m_full = beginCatalogRound("records");
    next(fetcher);
}

void CswJob::next(harvest::Fetcher& fetcher) {
    std::string body =
        cswGetRecordsRequest(m_start, m_maxRecords, m_source.keywords, m_full ? "" : m_state.catalogSince);
    fetchXml(fetcher, m_source.endpoint, body,
             [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onPage(f, result); });
}

// As CkanJob: stopped early the listing is incomplete, so what it did not reach is not taken for
// deleted.
void CswJob::stopEarly() { stopIncompleteListing("listing"); }

void CswJob::startRecord(harvest::Fetcher& fetcher, const std::string& id) {
    m_source = parseCswSourceUrl(m_state.config.url);
    m_keys.load(m_verifier, {}, {m_state.config.id});
    // GetRecordById is a GET: the keyword constraint does not apply to a record asked for by id.
    std::string url = adapters::cswRecordByIdUrl(m_source.endpoint, id);
    if (url.empty()) {
        fail("down", "the source's URL is not an http(s) URL");
        return;
    }
    fetchXml(fetcher, url, "", [this, id](harvest::Fetcher&, harvest::FetchResult&& result) { onRecord(result, id); });
}

bool CswJob::readResponse(const harvest::FetchResult& result, const std::string& where, const char* method,
                          const std::string& nothingDone, xml::Document& document) {
    const char* status = m_report.pages == 1 ? "down" : "degraded";
    if (!result.ok) {
        // An HTTP error may still carry the catalog's ows:ExceptionReport: it says why.
        std::string why = result.error;
        std::string ignored;
        if (xml::Document report = xml::Document::parse(result.body, ignored, 1 << 20))
            if (auto exception = adapters::cswException(report.root())) why += "; " + *exception;
        fail(status, where + ": " + why + " (" + method + " " + result.url + "); " + nothingDone);
        return false;
    }
    std::string parseError;
    document = xml::Document::parse(result.body, parseError, m_state.config.maxBytes);
    if (!document) {
        fail(status, where + " is not XML a hub can read (" + parseError + "); " + nothingDone);
        return false;
    }
    return true;
}


void CswJob::onRecord(const harvest::FetchResult& result, const std::string& id) {
    ++m_report.pages;
    const std::string where = "GetRecordById";
    const std::string nothingDone = "nothing was deleted (a record gone leaves at the next full listing)";
    xml::Document document;
    if (!readResponse(result, where, "GET", nothingDone, document)) return;
    xml::Element record;
    if (auto error = adapters::readCswGetRecordByIdResponse(document.root(), record)) {
        fail("degraded", where + ": " + *error + "; " + nothingDone);
        return;
    }
    if (!foreignOriginFree(m_verifier, where)) return;
    std::set<RecordKey> seen;
    count(m_store.apply(
        mapForeignPage(std::vector<xml::Element>{record}, where, m_source.endpoint, &adapters::mapIsoRecord, seen)));
    if (seen.empty() || seen.begin()->second != id) {
        report([&](HarvestReport& r) {
            r.notes.push_back("GetRecordById for '" + id.substr(0, 200) + "' answered with the record '" +
                              (seen.empty() ? std::string("(none)") : seen.begin()->second.substr(0, 200)) + "'");
        });
    }
    m_done = true;
}

void CswJob::onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
    ++m_report.pages;
    std::string where =
        "GetRecords page " + std::to_string(m_report.pages) + " (startPosition " + std::to_string(m_start) + ")";
    xml::Document document;
    if (!readResponse(result, where, "POST", "no deletions were applied", document)) return;
    adapters::CswSearchPage page;
    if (auto error = adapters::readCswGetRecordsResponse(document.root(), page)) {
        fail(m_report.pages == 1 ? "down" : "degraded", where + ": " + *error + "; no deletions were applied");
        return;
    }
    if (!foreignOriginFree(m_verifier, where)) return;
    const std::string& origin = m_state.config.id;  // a foreign catalog is its records' origin
    if (m_matched < 0) m_matched = page.matched;
    for (const xml::Element& record : page.records) {
        xml::Element stamp = record.child(xml::ns::kGmd, "dateStamp").firstChild();
        std::string modified = stamp ? stamp.text(64) : std::string();
        if (!modified.empty() && modified.size() < 64) noteModified(modified);
    }
    count(m_store.apply(mapForeignPage(page.records, where, m_source.endpoint, &adapters::mapIsoRecord, m_seen)));

    const long long at = m_start;
    bool more = page.next > 0 && page.next <= page.matched && !page.records.empty();
    if (more && page.next <= at) {
        fail("degraded", where + ": nextRecord " + std::to_string(page.next) + " does not move past startPosition " +
                             std::to_string(at) + " (the catalog would page in a loop); no deletions were applied");
        return;
    }
    if (more) m_start = page.next;

    if (!m_full) {
        // Changes only: read to the end of what the catalog announces; nothing is deleted.
        if (more) {
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

    bool unsteady = page.matched != m_matched;
    if (more && !unsteady) {
        if (withinBudget(m_report.pages))
            next(fetcher);
        else
            stopEarly();
        return;
    }
    if (unsteady || static_cast<long long>(m_seen.size()) < std::min(m_matched, page.matched)) {
        // Records came or went while the listing was read (or the pages overlapped): which are gone
        // cannot be told from it; the next round lists again.
        report([&](HarvestReport& r) {
            r.notes.push_back("the catalog changed while it was listed (numberOfRecordsMatched " +
                              std::to_string(m_matched) + ", then " + std::to_string(page.matched) + "; " +
                              std::to_string(m_seen.size()) + " records read): no deletions were applied");
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
