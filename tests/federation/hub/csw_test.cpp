// A hub in this process harvests a CSW 2.0.2 catalog played by a TestServer that answers POSTed
// GetRecords with ISO 19139 records (pycsw's real ones and Dutch ones made from the project's
// fixture): paging by nextRecord, a record removed deleted after a full listing, a mass deletion held
// back, broken answers degrading the source with nothing lost, and rounds of changes that send the
// Modified constraint and cost one page when nothing changed.
#include "live_federation.hpp"

#include "federation/harvest/test_server.hpp"
#include "hub/csw_job.hpp"
#include "hub/harvester.hpp"
#include "hub/sources.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

using namespace tweeling::test;
using namespace tweeling::test::federation;
namespace hub = tweeling::federation::hub;

namespace {

std::string fixture(const std::string& name) {
    return readFile(sourcePath("tests/fixtures/csw/" + name));
}

// The gmd:MD_Metadata elements of a GetRecordsResponse, as text (their namespaces are declared on the
// response's root, which ScriptedCsw's answers declare too).
std::vector<std::string> recordsOf(const std::string& response) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while ((at = response.find("<gmd:MD_Metadata", at)) != std::string::npos) {
        std::size_t end = response.find("</gmd:MD_Metadata>", at) + std::string("</gmd:MD_Metadata>").size();
        out.push_back(response.substr(at, end - at));
        at = end;
    }
    return out;
}

// A Dutch record made from the fixture: its own id, title and dateStamp.
std::string dutchRecord(const std::string& id, const std::string& title, const std::string& stamp) {
    std::string text = fixture("nl-3d-gebouwen-rotterdam.xml");
    text = text.substr(text.find("<gmd:MD_Metadata"));
    text = std::regex_replace(text, std::regex("b6f1c3a2-3d0e-4c5a-9f77-0a1b2c3d4e5f"), id);
    text = std::regex_replace(text, std::regex("3D-gebouwen Rotterdam \\(LoD2.2\\)"), title);
    return std::regex_replace(text, std::regex("2025-09-15T10:30:00"), stamp);
}

std::string dateStampOf(const std::string& record) {
    std::smatch match;
    std::regex stamp("<gmd:dateStamp>\\s*<gco:Date(Time)?>([^<]+)<");
    return std::regex_search(record, match, stamp) ? match[2].str() : std::string();
}

std::string attribute(const std::string& body, const std::string& name) {
    std::smatch match;
    return std::regex_search(body, match, std::regex(name + "=\"([0-9]+)\"")) ? match[1].str() : std::string();
}

// A CSW catalog: its ISO records answered to POSTed GetRecords, filtered by the request's
// apiso:Modified and apiso:Subject constraints; broken when told.
class ScriptedCsw {
public:
    enum class Break { None, Malformed, ExceptionReport, ServerErrorOnPage2, LoopingNextRecord };

    ScriptedCsw() : m_server([this](const SeenRequest& request) { return answer(request); }) {
        m_records = recordsOf(fixture("pycsw-apiso__GetRecords-all_full_iso19139.xml"));
    }
    std::string url(const std::string& query = "") const { return m_server.url("/geonetwork/srv/dut/csw") + query; }
    void add(const std::string& record) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_records.push_back(record);
    }
    void replaceAt(std::size_t index, const std::string& record) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_records[index] = record;
    }
    void removeAt(std::size_t index) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_records.erase(m_records.begin() + static_cast<std::ptrdiff_t>(index));
    }
    void breakWith(Break how) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_break = how;
    }
    std::vector<SeenRequest> requests() const { return m_server.requests(); }
    void forget() { m_seenBefore = m_server.requests().size(); }
    std::vector<SeenRequest> requestsSinceForget() const {
        auto all = m_server.requests();
        return {all.begin() + static_cast<std::ptrdiff_t>(m_seenBefore), all.end()};
    }

private:
    Reply answer(const SeenRequest& request) {
        Reply reply;
        reply.headers.push_back({"Content-Type", "application/xml"});
        std::lock_guard<std::mutex> lock(m_mutex);
        const std::string byId = "/geonetwork/srv/dut/csw?service=CSW&version=2.0.2&request=GetRecordById&";
        if (request.method == "GET" && request.path.rfind(byId, 0) == 0) {
            std::string id = request.path.substr(request.path.find("&id=") + 4);
            std::string found;
            for (const auto& record : m_records)
                if (record.find("<gco:CharacterString>" + id + "</gco:CharacterString>") != std::string::npos)
                    found = record;
            reply.body = "<csw:GetRecordByIdResponse xmlns:csw=\"http://www.opengis.net/cat/csw/2.0.2\" "
                         "xmlns:gmd=\"http://www.isotc211.org/2005/gmd\" xmlns:gco=\"http://www.isotc211.org/2005/gco\" "
                         "xmlns:gml=\"http://www.opengis.net/gml\" xmlns:srv=\"http://www.isotc211.org/2005/srv\" "
                         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" +
                         found + "</csw:GetRecordByIdResponse>";
            return reply;
        }
        if (request.method != "POST" || request.path != "/geonetwork/srv/dut/csw") {
            reply.status = 404;
            reply.body = fixture("ows-exception-report.xml");
            return reply;
        }
        long long start = std::stoll(attribute(request.body, "startPosition"));
        long long max = std::stoll(attribute(request.body, "maxRecords"));
        if (m_break == Break::Malformed) {
            reply.body = "<csw:GetRecordsResponse xmlns:csw=\"http://www.opengis.net/cat/csw/2.0.2\"><oops>";
            return reply;
        }
        if (m_break == Break::ExceptionReport) {
            reply.body = fixture("ows-exception-report.xml");
            return reply;
        }
        if (m_break == Break::ServerErrorOnPage2 && start > 1) {
            reply.status = 500;
            reply.body = "<html>Internal Server Error</html>";
            return reply;
        }
        std::smatch match;
        std::string since, keyword;
        if (std::regex_search(request.body, match,
                              std::regex("apiso:Modified</ogc:PropertyName><ogc:Literal>([^<]+)</ogc:Literal>")))
            since = match[1].str();
        if (std::regex_search(request.body, match,
                              std::regex("apiso:Subject</ogc:PropertyName><ogc:Literal>([^<]+)</ogc:Literal>")))
            keyword = match[1].str();
        std::vector<const std::string*> matching;
        for (const auto& record : m_records) {
            if (!since.empty() && dateStampOf(record) < since) continue;
            if (!keyword.empty() && record.find(">" + keyword + "<") == std::string::npos) continue;
            matching.push_back(&record);
        }
        std::string records;
        long long returned = 0;
        for (long long i = start - 1; i >= 0 && i < static_cast<long long>(matching.size()) && i < start - 1 + max;
             ++i) {
            records += *matching[static_cast<std::size_t>(i)] + "\n";
            ++returned;
        }
        long long matched = static_cast<long long>(matching.size());
        long long next = start + returned > matched ? 0 : start + returned;
        if (m_break == Break::LoopingNextRecord && next > 0) next = 1;
        reply.body =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<csw:GetRecordsResponse "
            "xmlns:csw=\"http://www.opengis.net/cat/csw/2.0.2\" xmlns:gmd=\"http://www.isotc211.org/2005/gmd\" "
            "xmlns:gco=\"http://www.isotc211.org/2005/gco\" xmlns:gml=\"http://www.opengis.net/gml\" "
            "xmlns:srv=\"http://www.isotc211.org/2005/srv\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"2.0.2\">"
            "<csw:SearchStatus timestamp=\"2026-01-01T00:00:00Z\"/><csw:SearchResults numberOfRecordsMatched=\"" +
            std::to_string(matched) + "\" numberOfRecordsReturned=\"" + std::to_string(returned) + "\" nextRecord=\"" +
            std::to_string(next) + "\" recordSchema=\"http://www.isotc211.org/2005/gmd\" elementSet=\"full\">\n" +
            records + "</csw:SearchResults></csw:GetRecordsResponse>\n";
        return reply;
    }

    mutable std::mutex m_mutex;
    std::vector<std::string> m_records;
    Break m_break = Break::None;
    std::size_t m_seenBefore = 0;
    TestServer m_server;  // last: it calls answer() from its threads until it is destroyed
};

struct CswHub {
    TempDir dir;
    std::unique_ptr<tweeling::registry::store::Store> store;
    std::unique_ptr<hub::SourceRegistry> sources;

    explicit CswHub(const std::string& url) {
        tweeling::registry::store::StoreOptions options;
        options.path = dir.file("hub.db");
        options.nodeId = "pv27";
        options.indexBuilder = false;
        store = std::make_unique<tweeling::registry::store::Store>(options);
        sources = std::make_unique<hub::SourceRegistry>(*store);
        hub::SourceConfig config;
        config.id = "ngr";
        config.url = url;
        config.kind = hub::SourceKind::Csw;
        config.totalTimeoutMs = 3000;
        config.allowPrivate = true;
        sources->add(config);
    }
    // fullListingEvery 1: every round is a full listing.
    hub::Harvester harvester(int fullListingEvery = 24) {
        hub::HarvesterOptions options;
        options.itemsPageSize = 3;
        options.maxAttempts = 1;  // a 500 is not retried here
        options.fullListingEvery = fullListingEvery;
        return hub::Harvester(*store, *sources, tweeling::registry::record::Profile::builtin(), options);
    }
    hub::HarvestReport round(hub::Harvester& harvester) {
        auto reports = harvester.harvest({"ngr"});
        REQUIRE(reports.size() == 1);
        return reports[0];
    }
    std::int64_t held() const { return store->countOfSource("ngr"); }
};

}  // namespace

TEST_CASE("in process: a CSW catalog is harvested by nextRecord; later rounds ask only for changes", "[csw]") {
    ScriptedCsw catalog;  // pycsw's five records and two Dutch ones: three pages of three
    catalog.add(dutchRecord("nl-3d-rotterdam", "3D-gebouwen Rotterdam", "2025-09-15T10:30:00"));
    catalog.add(dutchRecord("nl-3d-delft", "3D-gebouwen Delft", "2025-09-16T08:00:00"));
    CswHub hub(catalog.url());
    auto harvester = hub.harvester();
    REQUIRE(hub::parseKind("csw") == hub::SourceKind::Csw);
    REQUIRE(std::string(hub::kindName(hub::SourceKind::Csw)) == "csw");

    auto first = hub.round(harvester);
    INFO(first.toText());
    CHECK(first.status == "ok");
    CHECK(first.pages == 3);
    CHECK(first.added == 7);
    CHECK(first.rejected == 0);
    auto requests = catalog.requests();
    REQUIRE(requests.size() == 3);
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const SeenRequest& request = requests[i];
        CHECK(request.method == "POST");
        CHECK(request.path == "/geonetwork/srv/dut/csw");
        CHECK(request.headers.at("content-type").find("application/xml") == 0);
        CHECK(request.body.find("outputSchema=\"http://www.isotc211.org/2005/gmd\"") != std::string::npos);
        CHECK(request.body.find("resultType=\"results\"") != std::string::npos);
        CHECK(request.body.find("<csw:ElementSetName>full</csw:ElementSetName>") != std::string::npos);
        CHECK(attribute(request.body, "maxRecords") == "3");
        CHECK(request.body.find("apiso:Modified") == std::string::npos);  // a full listing
    }
    CHECK(attribute(requests[0].body, "startPosition") == "1");
    CHECK(attribute(requests[1].body, "startPosition") == "4");
    CHECK(attribute(requests[2].body, "startPosition") == "7");

    // The hub's record: the source as origin, unsigned, its fileIdentifier and GetRecordById URL.
    auto stored = hub.store->get("ngr", "nl-3d-delft");
    REQUIRE(stored);
    Json record = parse(stored->json);
    CHECK(std::string(record["origin"].GetString()) == "ngr");
    CHECK_FALSE(stored->verified);
    CHECK(std::string(record["properties"]["source"]["fileIdentifier"].GetString()) == "nl-3d-delft");
    CHECK(std::string(record["links"][0]["href"].GetString())
              .find(catalog.url() + "?service=CSW&version=2.0.2"
                                    "&request=GetRecordById") == 0);
    CHECK(std::string(record["properties"]["crs"][0].GetString()) == "http://www.opengis.net/def/crs/EPSG/0/28992");

    // Nothing changed: one page, asking for what was modified since the newest dateStamp read.
    catalog.forget();
    auto quiet = hub.round(harvester);
    INFO(quiet.toText());
    CHECK(quiet.status == "ok");
    CHECK(quiet.pages == 1);
    CHECK(quiet.added == 0);
    auto asked = catalog.requestsSinceForget();
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].body.find("<ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>apiso:Modified</ogc:PropertyName>"
                             "<ogc:Literal>2025-09-16T08:00:00</ogc:Literal>") != std::string::npos);

    // A new record: the round of changes reads it (and the one of the same instant, unchanged).
    catalog.add(dutchRecord("nl-3d-utrecht", "3D-gebouwen Utrecht", "2025-10-01T09:00:00"));
    auto changed = hub.round(harvester);
    INFO(changed.toText());
    CHECK(changed.status == "ok");
    CHECK(changed.pages == 1);
    CHECK(changed.added == 1);
    CHECK(changed.deleted == 0);
    CHECK(hub.held() == 8);
}

TEST_CASE("in process: a CSW record gone is deleted by a full listing; a mass deletion is held back", "[csw]") {
    ScriptedCsw catalog;
    catalog.add(dutchRecord("nl-3d-rotterdam", "3D-gebouwen Rotterdam", "2025-09-15T10:30:00"));
    catalog.add(dutchRecord("nl-3d-delft", "3D-gebouwen Delft", "2025-09-16T08:00:00"));
    CswHub hub(catalog.url());
    auto harvester = hub.harvester(1);  // every round a full listing
    REQUIRE(hub.round(harvester).added == 7);

    // A round of changes only would not see it go: the full listing does.
    catalog.removeAt(5);  // nl-3d-rotterdam
    auto gone = hub.round(harvester);
    INFO(gone.toText());
    CHECK(gone.status == "ok");
    CHECK(gone.deleted == 1);
    CHECK(hub.held() == 6);
    CHECK_FALSE(hub.store->get("ngr", "nl-3d-rotterdam"));

    // Four of six gone (over the 30% threshold): nothing is deleted, the source is degraded.
    for (int i = 0; i < 4; ++i) catalog.removeAt(0);
    auto mass = hub.round(harvester);
    INFO(mass.toText());
    CHECK(mass.status == "degraded");
    CHECK(mass.deleted == 0);
    CHECK(mass.heldDeletions == 4);
    CHECK(hub.held() == 6);
}

TEST_CASE("in process: a broken CSW catalog degrades the source with nothing lost", "[csw]") {
    ScriptedCsw catalog;
    catalog.add(dutchRecord("nl-3d-rotterdam", "3D-gebouwen Rotterdam", "2025-09-15T10:30:00"));
    catalog.add(dutchRecord("nl-3d-delft", "3D-gebouwen Delft", "2025-09-16T08:00:00"));
    CswHub hub(catalog.url());
    auto harvester = hub.harvester(1);
    REQUIRE(hub.round(harvester).added == 7);
    catalog.removeAt(0);  // would be deleted by a complete listing

    catalog.breakWith(ScriptedCsw::Break::Malformed);
    auto malformed = hub.round(harvester);
    INFO(malformed.toText());
    CHECK(malformed.status == "down");
    CHECK(malformed.error.find("not well-formed XML") != std::string::npos);
    CHECK(malformed.deleted == 0);
    CHECK(hub.held() == 7);

    catalog.breakWith(ScriptedCsw::Break::ExceptionReport);
    auto exception = hub.round(harvester);
    INFO(exception.toText());
    CHECK(exception.status == "down");
    CHECK(exception.error.find("ows:ExceptionReport: InvalidParameterValue (outputSchema)") != std::string::npos);
    CHECK(hub.held() == 7);

    catalog.breakWith(ScriptedCsw::Break::ServerErrorOnPage2);
    auto midway = hub.round(harvester);
    INFO(midway.toText());
    CHECK(midway.status == "degraded");
    CHECK(midway.pages == 2);
    CHECK(midway.error.find("500") != std::string::npos);
    CHECK(midway.deleted == 0);
    CHECK(midway.heldDeletions == 0);
    CHECK(hub.held() == 7);

    catalog.breakWith(ScriptedCsw::Break::LoopingNextRecord);
    auto loop = hub.round(harvester);
    INFO(loop.toText());
    CHECK(loop.status == "degraded");
    CHECK(loop.error.find("loop") != std::string::npos);
    CHECK(loop.pages == 1);
    CHECK(hub.held() == 7);

    catalog.breakWith(ScriptedCsw::Break::None);
    auto healed = hub.round(harvester);
    INFO(healed.toText());
    CHECK(healed.status == "ok");
    CHECK(healed.deleted == 1);
    CHECK(hub.held() == 6);
}

TEST_CASE("in process: a CSW source's keyword is the hub's constraint, not sent on as a parameter", "[csw]") {
    auto parsed =
        hub::parseCswSourceUrl("https://nationaalgeoregister.nl/geonetwork/srv/dut/csw?keyword=3D&keyword=LoD2%202");
    CHECK(parsed.endpoint == "https://nationaalgeoregister.nl/geonetwork/srv/dut/csw");
    CHECK(parsed.keywords == std::vector<std::string>{"3D", "LoD2 2"});
    CHECK(hub::parseCswSourceUrl("https://example.org/csw?portal=x&keyword=3D").endpoint ==
          "https://example.org/csw?portal=x");
    std::string both = hub::cswGetRecordsRequest(1, 10, {"3D", "a<b"}, "2025-01-01");
    CHECK(both.find("<ogc:And><ogc:Or>") != std::string::npos);
    CHECK(both.find("<ogc:Literal>a&lt;b</ogc:Literal>") != std::string::npos);

    ScriptedCsw catalog;
    catalog.add(dutchRecord("nl-3d-rotterdam", "3D-gebouwen Rotterdam", "2025-09-15T10:30:00"));
    CswHub hub(catalog.url("?keyword=3D"));
    auto harvester = hub.harvester();
    auto round = hub.round(harvester);
    INFO(round.toText());
    CHECK(round.status == "ok");
    CHECK(round.added == 1);  // only the record with the keyword 3D
    auto requests = catalog.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].path == "/geonetwork/srv/dut/csw");
    CHECK(requests[0].body.find("<ogc:PropertyIsEqualTo><ogc:PropertyName>apiso:Subject</ogc:PropertyName>"
                                "<ogc:Literal>3D</ogc:Literal>") != std::string::npos);
}

TEST_CASE("in process: harvest --record fetches one CSW record by GetRecordById, deleting nothing", "[csw]") {
    ScriptedCsw catalog;
    catalog.add(dutchRecord("nl-3d-rotterdam", "3D-gebouwen Rotterdam", "2025-09-15T10:30:00"));
    catalog.add(dutchRecord("nl-3d-delft", "3D-gebouwen Delft", "2025-09-16T08:00:00"));
    CswHub hub(catalog.url("?keyword=3D"));
    auto harvester = hub.harvester();
    REQUIRE(hub.round(harvester).added == 2);

    catalog.replaceAt(6, dutchRecord("nl-3d-delft", "3D-gebouwen Delft, herzien", "2025-10-02T12:00:00"));
    catalog.removeAt(5);  // nl-3d-rotterdam: only a full listing removes it
    catalog.forget();
    auto one = harvester.harvestRecord("ngr", "nl-3d-delft");
    REQUIRE(one);
    INFO(one->toText());
    CHECK(one->status == "ok");
    CHECK(one->pages == 1);
    CHECK(one->updated == 1);
    CHECK(one->deleted == 0);
    auto asked = catalog.requestsSinceForget();
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].method == "GET");
    CHECK(asked[0].path == "/geonetwork/srv/dut/csw?service=CSW&version=2.0.2&request=GetRecordById&elementSetName=full"
                           "&outputSchema=http%3A%2F%2Fwww.isotc211.org%2F2005%2Fgmd&id=nl-3d-delft");
    auto stored = hub.store->get("ngr", "nl-3d-delft");
    REQUIRE(stored);
    CHECK(std::string(parse(stored->json)["properties"]["title"].GetString()) == "3D-gebouwen Delft, herzien");
    CHECK(hub.held() == 2);

    // An id the catalog does not know: degraded, nothing deleted.
    auto unknown = harvester.harvestRecord("ngr", "nl-3d-rotterdam");
    REQUIRE(unknown);
    INFO(unknown->toText());
    CHECK(unknown->status == "degraded");
    CHECK(unknown->error.find("holds no ISO 19139 record") != std::string::npos);
    CHECK(hub.held() == 2);
}
