// A hub in this process harvests a DCAT-AP catalog played by a TestServer: Hydra pages (Turtle, then
// JSON-LD, each read by its Content-Type), a dataset that disappeared deleted by the next complete
// listing, a mass deletion held back, and a catalog failing mid-way (a 500, malformed Turtle, a page
// loop) degraded with nothing lost or deleted.
#include "live_federation.hpp"

#include "adapters/dcat/dcat.hpp"
#include "api/dcat.hpp"
#include "federation/harvest/test_server.hpp"
#include "hub/harvester.hpp"
#include "hub/sources.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

using namespace tweeling::test;
using namespace tweeling::test::federation;
namespace hub = tweeling::federation::hub;

namespace {

struct Dataset {
    std::string name;
    std::string title;  // "" = none (the profile cannot take it)
};

const char* const kTooiDelft = "https://identifier.overheid.nl/tooi/id/gemeente/gm0503";

std::string turtleOf(const Dataset& d) {
    std::string out = "<https://data.delft.example/id/dataset/" + d.name + "> a dcat:Dataset ;\n  dct:identifier \"" +
                      d.name + "\" ;\n";
    if (!d.title.empty()) out += "  dct:title \"" + d.title + "\"@nl ;\n";
    out +=
        "  dct:description \"3D-gebouwen van de gemeente.\"@nl ;\n"
        "  dct:modified \"2025-06-01T12:00:00Z\"^^xsd:dateTime ;\n"
        "  dcat:keyword \"gebouwen\"@nl ;\n"
        "  dct:publisher <" +
        std::string(kTooiDelft) +
        "> ;\n"
        "  dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <https://data.delft.example/" +
        d.name + ".city.json> ] .\n";
    return out;
}

std::string jsonLdOf(const Dataset& d) {
    std::string out = R"({"@id": "https://data.delft.example/id/dataset/)" + d.name +
                      R"(", "@type": "dcat:Dataset", "dct:identifier": ")" + d.name + "\", ";
    if (!d.title.empty()) out += R"("dct:title": {"@value": ")" + d.title + R"(", "@language": "nl"}, )";
    out += R"("dct:description": {"@value": "3D-gebouwen van de gemeente.", "@language": "nl"},
        "dct:modified": {"@value": "2025-06-01T12:00:00Z", "@type": "xsd:dateTime"},
        "dcat:keyword": {"@value": "gebouwen", "@language": "nl"},
        "dct:publisher": {"@id": ")" +
           std::string(kTooiDelft) + R"("},
        "dcat:distribution": {"@type": "dcat:Distribution",
                              "dcat:downloadURL": {"@id": "https://data.delft.example/)" +
           d.name + R"(.city.json"}}})";
    return out;
}

// A DCAT-AP catalog of `pageSize` datasets a page: odd pages in Turtle, even ones in JSON-LD, linked by
// hydra:next (relative IRIs). Told so, a page answers 500, malformed Turtle, or names page 1 as next.
class ScriptedDcat {
public:
    ScriptedDcat() : m_server([this](const std::string& target) { return answer(target); }) {}
    std::string url() const { return m_server.url("/dcat"); }
    void add(const std::string& name, const std::string& title) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_datasets.push_back({name, title});
    }
    void remove(const std::string& name) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_datasets.erase(
            std::remove_if(m_datasets.begin(), m_datasets.end(), [&](const Dataset& d) { return d.name == name; }),
            m_datasets.end());
    }
    void failPage(int page) { set(m_failPage, page); }
    void malformedPage(int page) { set(m_malformedPage, page); }
    void loopFromPage(int page) { set(m_loopFrom, page); }
    void elsewhereFromPage(int page) { set(m_elsewhereFrom, page); }
    std::vector<SeenRequest> requests() const { return m_server.requests(); }

private:
    void set(int& what, int value) {
        std::lock_guard<std::mutex> lock(m_mutex);
        what = value;
    }

    Reply answer(const std::string& target) {
        std::lock_guard<std::mutex> lock(m_mutex);
        Reply reply;
        int page = 1;
        if (target.rfind("/dcat?page=", 0) == 0)
            page = std::stoi(target.substr(11));
        else if (target != "/dcat") {
            reply.status = 404;
            return reply;
        }
        if (page == m_failPage) {
            reply.status = 500;
            reply.body = "Internal Server Error";
            return reply;
        }
        const std::size_t pageSize = 2;
        std::size_t first = (static_cast<std::size_t>(page) - 1) * pageSize;
        std::size_t end = std::min(m_datasets.size(), first + pageSize);
        bool last = end >= m_datasets.size();
        std::string next = m_loopFrom == page        ? "/dcat"
                           : m_elsewhereFrom == page ? "https://elsewhere.example/dcat?page=2"
                                                     : "?page=" + std::to_string(page + 1);
        std::string self = page == 1 ? "/dcat" : "?page=" + std::to_string(page);
        bool hasNext = !last || m_loopFrom == page || m_elsewhereFrom == page;
        if (page % 2 == 1 || page == m_malformedPage) {
            reply.headers.push_back({"Content-Type", "text/turtle; charset=utf-8"});
            reply.body =
                "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n"
                "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n";
            for (std::size_t i = first; i < end; ++i) reply.body += turtleOf(m_datasets[i]);
            reply.body += "<" + self + "> a hydra:PartialCollectionView";
            if (hasNext) reply.body += " ;\n  hydra:next <" + next + ">";
            reply.body += " .\n";
            if (page == m_malformedPage)
                reply.body += "<https://data.delft.example/broken> dct:title \"unterminated .\n";
            return reply;
        }
        reply.headers.push_back({"Content-Type", "application/ld+json"});
        reply.body = R"({"@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
            "xsd": "http://www.w3.org/2001/XMLSchema#", "hydra": "http://www.w3.org/ns/hydra/core#"}, "@graph": [)";
        for (std::size_t i = first; i < end; ++i) reply.body += jsonLdOf(m_datasets[i]) + ",";
        reply.body += R"({"@id": ")" + self + R"(", "@type": "hydra:PartialCollectionView")";
        if (hasNext) reply.body += R"(, "hydra:next": {"@id": ")" + next + R"("})";
        reply.body += "}]}";
        return reply;
    }

    mutable std::mutex m_mutex;
    std::vector<Dataset> m_datasets;
    int m_failPage = 0, m_malformedPage = 0, m_loopFrom = 0, m_elsewhereFrom = 0;
    TestServer m_server;  // last: it calls answer() from its threads until it is destroyed
};

struct DcatHub {
    TempDir dir;
    std::unique_ptr<tweeling::registry::store::Store> store;
    std::unique_ptr<hub::SourceRegistry> sources;

    explicit DcatHub(const ScriptedDcat& catalog) {
        tweeling::registry::store::StoreOptions options;
        options.path = dir.file("hub.db");
        options.nodeId = "pv27";
        options.indexBuilder = false;
        store = std::make_unique<tweeling::registry::store::Store>(options);
        sources = std::make_unique<hub::SourceRegistry>(*store);
        hub::SourceConfig config;
        config.id = "delft";
        config.url = catalog.url();
        config.kind = hub::SourceKind::Dcat;
        config.totalTimeoutMs = 3000;
        config.allowPrivate = true;
        sources->add(config);
    }
    hub::Harvester harvester() {
        hub::HarvesterOptions options;
        options.maxAttempts = 1;  // a 500 is not retried in these tests
        return hub::Harvester(*store, *sources, tweeling::registry::record::Profile::builtin(), options);
    }
    hub::HarvestReport round(hub::Harvester& harvester) {
        auto reports = harvester.harvest({"delft"});
        REQUIRE(reports.size() == 1);
        return reports[0];
    }
    std::int64_t held() const { return store->countOfSource("delft"); }
};

}  // namespace

TEST_CASE(
    "in process: a DCAT catalog is harvested through its Hydra pages; a dataset gone is deleted; a page that "
    "fails loses nothing",
    "[dcat]") {
    ScriptedDcat catalog;
    for (const char* name : {"3d-gebouwen", "3d-bomen", "3d-bruggen", "3d-tunnels"})
        catalog.add(name, std::string("3D ") + name + " Delft");
    DcatHub hub(catalog);
    auto harvester = hub.harvester();
    REQUIRE(hub::parseKind("dcat") == hub::SourceKind::Dcat);
    REQUIRE(std::string(hub::kindName(hub::SourceKind::Dcat)) == "dcat");

    // Two pages of two: Turtle, then JSON-LD.
    auto first = hub.round(harvester);
    INFO(first.toText());
    CHECK(first.status == "ok");
    CHECK(first.pages == 2);
    CHECK(first.added == 4);
    CHECK(first.rejected == 0);
    CHECK(hub.held() == 4);
    auto requests = catalog.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].path == "/dcat");
    CHECK(requests[1].path == "/dcat?page=2");
    CHECK(requests[0].headers["accept"] == "text/turtle, application/ld+json;q=0.9, application/n-triples;q=0.8");

    // A record read from the JSON-LD page: the source is its origin, the IRI and page its provenance.
    auto stored = hub.store->get("delft", "3d-bruggen");
    REQUIRE(stored);
    Json record = parse(stored->json);
    CHECK(std::string(record["origin"].GetString()) == "delft");
    CHECK(std::string(record["properties"]["publisher"]["id"].GetString()) == kTooiDelft);
    CHECK(std::string(record["properties"]["source"]["iri"].GetString()) ==
          "https://data.delft.example/id/dataset/3d-bruggen");
    CHECK(std::string(record["properties"]["source"]["page"].GetString()) == catalog.url() + "?page=2");
    CHECK(std::string(record["properties"]["distributions"][0]["format"].GetString()) == "cityjson");
    CHECK(std::string(record["harvest"]["source"].GetString()) == "delft");

    auto again = hub.round(harvester);
    INFO(again.toText());
    CHECK(again.status == "ok");
    CHECK(again.unchanged == 4);

    // One of four gone (under the 30% threshold): deleted after the complete listing.
    catalog.remove("3d-bomen");
    auto gone = hub.round(harvester);
    INFO(gone.toText());
    CHECK(gone.status == "ok");
    CHECK(gone.deleted == 1);
    CHECK(hub.held() == 3);
    CHECK_FALSE(hub.store->get("delft", "3d-bomen"));

    // A 500 on page 2: degraded, nothing deleted, nothing lost (3d-tunnels, gone from the catalog,
    // might have been on the page not read).
    catalog.remove("3d-tunnels");
    catalog.add("3d-water", "3D-water Delft");
    catalog.failPage(2);
    auto failed = hub.round(harvester);
    INFO(failed.toText());
    CHECK(failed.status == "degraded");
    CHECK(failed.deleted == 0);
    CHECK(failed.error.find("no deletions were applied") != std::string::npos);
    CHECK(hub.held() == 3);

    // Malformed Turtle on page 1: the source is down; nothing deleted.
    catalog.failPage(0);
    catalog.malformedPage(1);
    auto malformed = hub.round(harvester);
    INFO(malformed.toText());
    CHECK(malformed.status == "down");
    CHECK(malformed.error.find("not readable as Turtle") != std::string::npos);
    CHECK(malformed.deleted == 0);
    CHECK(hub.held() == 3);

    // A page that names page 1 as its next: a loop, refused; nothing deleted.
    catalog.malformedPage(0);
    catalog.loopFromPage(1);
    auto loop = hub.round(harvester);
    INFO(loop.toText());
    CHECK(loop.status == "degraded");
    CHECK(loop.error.find("page loop") != std::string::npos);
    CHECK(loop.deleted == 0);
    CHECK(hub.held() == 3);

    // A next page on another host: not followed; nothing deleted.
    catalog.loopFromPage(0);
    catalog.elsewhereFromPage(1);
    auto elsewhere = hub.round(harvester);
    INFO(elsewhere.toText());
    CHECK(elsewhere.status == "degraded");
    CHECK(elsewhere.error.find("another host") != std::string::npos);
    CHECK(elsewhere.deleted == 0);
    CHECK(catalog.requests().back().path == "/dcat");
    CHECK(hub.held() == 3);

    // Healed: the complete listing deletes the dataset that went while the catalog was failing.
    catalog.elsewhereFromPage(0);
    auto healed = hub.round(harvester);
    INFO(healed.toText());
    CHECK(healed.status == "ok");
    CHECK(healed.added == 1);
    CHECK(healed.deleted == 1);
    CHECK(hub.held() == 3);
    CHECK_FALSE(hub.store->get("delft", "3d-tunnels"));
}

TEST_CASE("in process: a DCAT harvest holds a mass deletion, and reports a dataset it cannot take with reasons",
          "[dcat]") {
    ScriptedDcat catalog;
    for (const char* name : {"a", "b", "c", "d", "e"}) catalog.add(name, std::string("3D dataset ") + name);
    catalog.add("untitled", "");
    DcatHub hub(catalog);
    auto harvester = hub.harvester();

    auto first = hub.round(harvester);
    INFO(first.toText());
    CHECK(first.added == 5);
    CHECK(first.rejected == 1);
    REQUIRE(first.rejectedRecords.size() == 1);
    CHECK(first.rejectedRecords[0].id == "untitled");
    REQUIRE_FALSE(first.rejectedRecords[0].problems.empty());
    CHECK(first.rejectedRecords[0].problems[0].pointer == "/properties/title");
    CHECK(first.rejectedRecords[0].where.find("DCAT page 3") == 0);

    // Two of five gone: over the 30% threshold, held until released.
    catalog.remove("a");
    catalog.remove("b");
    auto held = hub.round(harvester);
    INFO(held.toText());
    CHECK(held.status == "degraded");
    CHECK(held.heldDeletions == 2);
    CHECK(held.deleted == 0);
    CHECK(hub.held() == 5);
    CHECK(harvester.releaseDeletions("delft") == 2);
    CHECK(hub.held() == 3);
}

TEST_CASE("a Tweeling node's own DCAT-AP catalog (Turtle and JSON-LD) maps back onto the record it came from",
          "[dcat]") {
    namespace dcatOut = tweeling::registry::api::dcat;
    namespace adapters = tweeling::federation::adapters;
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    const tweeling::common::JsonValue* sample = nullptr;
    for (const auto& record : all.GetArray())
        if (std::string(record["id"].GetString()) == "gm0363-3dbag-lod22-cityjson") sample = &record;
    REQUIRE(sample);
    Json record;
    record.CopyFrom(*sample, record.GetAllocator());
    record.AddMember("origin", "gm0363", record.GetAllocator());
    dcatOut::CatalogInfo info;
    info.base = "https://node.example";
    info.iri = info.base + "/collections/twins";
    info.homepage = info.base + "/";
    info.title = "Gemeente Amsterdam";
    info.description = "Digitale tweelingen";
    info.publisherIri = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";
    info.publisherName = "Gemeente Amsterdam";
    info.nodeId = "gm0363";
    dcatOut::Paging paging;
    paging.self = info.iri + "/items?f=ttl";
    paging.first = paging.self;
    paging.next = info.iri + "/items?f=ttl&offset=1";
    paging.total = 2;
    paging.limit = 1;
    std::vector<dcatOut::Entry> entries{{&record, info.iri + "/items/gm0363-3dbag-lod22-cityjson"}};

    std::vector<std::string> mapped;
    for (auto format : {dcatOut::Format::Turtle, dcatOut::Format::JsonLd}) {
        std::string body = dcatOut::catalog(format, info, entries, paging);
        adapters::DcatPage page;
        auto error = adapters::readDcatPage(body, dcatOut::mediaType(format), paging.self, page);
        INFO(body);
        REQUIRE_FALSE(error);
        CHECK(page.next == paging.next);  // the node's hydra paging is followed
        REQUIRE(page.resources.size() == 1);
        adapters::MappedRecord out = adapters::mapDcatResource(
            adapters::DcatResource{*page.graph, page.resources[0], paging.self},
            adapters::MappingContext{"amsterdam", paging.self}, tweeling::registry::record::Profile::builtin());
        INFO(tweeling::common::toString(out.record));
        CHECK(out.rejections.empty());
        const auto& p = out.record["properties"];
        CHECK(std::string(p["title"].GetString()) == "3D-gebouwen Amsterdam LoD2.2 (3DBAG, CityJSON)");
        CHECK(std::string(p["publisher"]["id"].GetString()) ==
              "https://identifier.overheid.nl/tooi/id/gemeente/gm0363");
        CHECK(std::string(p["publisher"]["name"].GetString()) == "Gemeente Amsterdam");
        CHECK(std::string(p["license"].GetString()) == "CC-BY-4.0");
        CHECK(std::string(p["updated"].GetString()).rfind("2024-04-20", 0) == 0);
        CHECK(std::string(out.record["geometry"]["type"].GetString()) == "Polygon");
        REQUIRE(p["distributions"].Size() == 2);
        CHECK(std::string(p["distributions"][0]["format"].GetString()) == "cityjson");
        CHECK(std::string(p["distributions"][1]["format"].GetString()) == "cityjsonseq");
        CHECK(std::string(p["themes"][0]["concepts"][0]["id"].GetString()) == "buildings");
        Json copy;
        copy.CopyFrom(out.record, copy.GetAllocator());
        copy["properties"].RemoveMember("source");  // names the syntax-independent page only
        mapped.push_back(tweeling::common::toString(copy));
    }
    CHECK(mapped[0] == mapped[1]);  // Turtle and JSON-LD of the node's catalog map alike
}
