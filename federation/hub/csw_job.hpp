#pragma once
// A CSW 2.0.2 catalog with ISO 19139 records (GeoNetwork: the Nationaal Georegister; pycsw): its
// records listed by POSTing GetRecords (outputSchema http://www.isotc211.org/2005/gmd, resultType
// results, ElementSetName full, maxRecords = the hub's items page size, at most kMaxCswRecords),
// page after page by startPosition = the previous page's nextRecord until nextRecord is 0 (or
// passes numberOfRecordsMatched); a nextRecord that does not move forward is refused as a loop.
// POST rather than GET KVP: an OGC Filter travels as XML, not percent-encoded inside a URL, and
// GeoNetwork parses a POSTed Filter most reliably.
//
// The source URL is the CSW endpoint; its query parameter `keyword` (repeatable) is the hub's, not
// the catalog's: only records with that keyword (apiso:Subject; several: any of them) are harvested,
// and it is not sent on (https://nationaalgeoregister.nl/geonetwork/srv/dut/csw?keyword=3D).
//
// A full listing (the first round, then every HarvesterOptions::fullListingEvery rounds) finds
// deletions by comparing the fileIdentifiers of the complete listing, as for CKAN: stopped early,
// refused, or unsteady (numberOfRecordsMatched changed, or fewer distinct records came), it deletes
// nothing. The rounds between add apiso:Modified >= SINCE (PropertyIsGreaterThanOrEqualTo; SINCE
// the newest gmd:dateStamp the last complete round read, as the catalog wrote it) and delete
// nothing; a round in which nothing changed costs one page.
#include "adapters/xml.hpp"
#include "hub/job.hpp"

#include <set>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

// The most records asked for in one GetRecords page: full ISO records are 10-50 kB each, so a page
// of 500 stays within a few tens of megabytes (the fetch cap is 64 MiB).
constexpr long long kMaxCswRecords = 500;

// What a csw source's URL says: the endpoint to POST to (without the hub's own parameters) and the
// keywords records must have.
struct CswSourceUrl {
    std::string endpoint;
    std::vector<std::string> keywords;
};
CswSourceUrl parseCswSourceUrl(const std::string& url);

// The GetRecords request body: ISO records, full, from `startPosition` (1-based), at most
// `maxRecords`, with an ogc:Filter of the keywords (any of them) and, when `modifiedSince` is not
// empty, apiso:Modified >= it (both together with ogc:And).
std::string cswGetRecordsRequest(long long startPosition, long long maxRecords,
                                 const std::vector<std::string>& keywords, const std::string& modifiedSince);

class CswJob : public Job {
public:
    using Job::Job;

    void start(harvest::Fetcher& fetcher) override;
    // GET {endpoint}?service=CSW&version=2.0.2&request=GetRecordById&id=ID (ISO 19139, full).
    void startRecord(harvest::Fetcher& fetcher, const std::string& id) override;

private:
    void next(harvest::Fetcher& fetcher);
    void stopEarly() override;
    void onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result);
    void onRecord(const harvest::FetchResult& result, const std::string& id);
    // The response as XML; on failure (an HTTP error, with the ows:ExceptionReport it may carry, or
    // XML that is not well-formed) the run fails, naming `where` and saying `nothingDone`: down on
    // the run's first page, else degraded.
    bool readResponse(const harvest::FetchResult& result, const std::string& where, const char* method,
                      const std::string& nothingDone, adapters::xml::Document& document);

    CswSourceUrl m_source;
    long long m_maxRecords = 100;  // records asked for per page
    long long m_start = 1;         // startPosition of the next page
    long long m_matched = -1;      // numberOfRecordsMatched as the first page said
    bool m_full = true;            // a full listing, else the changes since m_state.catalogSince
    std::set<RecordKey> m_seen;
    Verifier m_verifier;
};

}  // namespace tweeling::federation::hub
