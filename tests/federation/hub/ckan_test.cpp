// A hub in this process harvests a CKAN catalog played by a TestServer: package_search page by
// page (start/rows, oldest change first), a package that disappeared deleted by the next complete
// listing, and a catalog answering garbage degraded with nothing lost.
#include "live_federation.hpp"

#include "common/url.hpp"
#include "federation/harvest/test_server.hpp"
#include "hub/harvester.hpp"
#include "hub/sources.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <mutex>
#include <string>
#include <vector>

using namespace tweeling::test;
using namespace tweeling::test::federation;
namespace hub = tweeling::federation::hub;

namespace {

// The value of query parameter `name` in a request target ("" if absent).
std::string queryValue(const std::string& target, const std::string& name) {
    std::size_t query = target.find('?');
    if (query == std::string::npos) return {};
    std::string rest = "&" + target.substr(query + 1);
    std::size_t at = rest.find("&" + name + "=");
    if (at == std::string::npos) return {};
    std::size_t start = at + name.size() + 2;
    return rest.substr(start, rest.find('&', start) - start);
}

// A made-up municipal package.
std::string dutchPackage(const std::string& name, const std::string& title,
                         const std::string& modified = "2025-06-01T12:00:00.000000") {
    return R"({"name": ")" + name + R"(", "title": ")" + title + R"(", "notes": "3D-gebouwen van de gemeente.",
        "license_id": "cc-zero", "metadata_created": "2025-01-01T00:00:00.000000",
        "metadata_modified": ")" + modified + R"(",
        "organization": {"name": "gemeente-delft", "title": "Gemeente Delft"},
        "maintainer": "Geo Delft", "maintainer_email": "geo@delft.example",
        "tags": [{"name": "gebouwen"}, {"name": "3D"}],
        "extras": [{"key": "spatial", "value": "{\"type\": \"Point\", \"coordinates\": [4.36, 52.01]}"}],
        "resources": [{"url": "https://data.delft.example/)" + name + R"(.city.json", "format": "CityJSON"},
                      {"url": "https://data.delft.example/)" + name + R"(/tileset.json", "format": "3D Tiles"}]})";
}

// A CKAN catalog: its packages (JSON texts) served by package_search, or garbage when told.
class ScriptedCkan {
public:
    ScriptedCkan() : m_server([this](const std::string& target) { return answer(target); }) {
        Json demo = parse(readFile(sourcePath("tests/fixtures/ckan/ckan-demo__package_search_rows3.json")));
        for (const auto& package : demo["result"]["results"].GetArray()) m_packages.push_back(tweeling::common::toString(package));
    }
    std::string url() const { return m_server.url("/data"); }
    void add(const std::string& package) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_packages.push_back(package);
    }
    // Replaces the package named `name` (a changed package: CKAN moves it to the end of a listing
    // sorted by metadata_modified).
    void replace(const std::string& name, const std::string& package) {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (auto it = m_packages.begin(); it != m_packages.end(); ++it) {
            if (parse(*it)["name"].GetString() != name) continue;
            m_packages.erase(it);
            break;
        }
        m_packages.push_back(package);
    }
    void removeAt(std::size_t index) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_packages.erase(m_packages.begin() + static_cast<std::ptrdiff_t>(index));
    }
    void garbage(bool on) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_garbage = on;
    }
    // The count the pages after the first report is off by `delta`: packages came or went while
    // the catalog was listed.
    void unsteady(int delta) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_unsteady = delta;
    }
    std::vector<std::string> targets() const {
        std::vector<std::string> out;
        for (const auto& request : m_server.requests()) out.push_back(request.path);
        return out;
    }

private:
    Reply answer(const std::string& target) {
        Reply reply;
        reply.headers.push_back({"Content-Type", "application/json"});
        std::lock_guard<std::mutex> lock(m_mutex);
        if (target.rfind("/data/api/3/action/package_show?id=", 0) == 0) {
            std::string id = queryValue(target, "id");
            for (const auto& package : m_packages) {
                if (parse(package)["name"].GetString() != id) continue;
                reply.body = R"({"help": "package_show", "success": true, "result": )" + package + "}";
                return reply;
            }
            reply.status = 404;
            reply.body = R"({"help": "package_show", "success": false, "error": {"message": "Not found", "__type": "Not Found Error"}})";
            return reply;
        }
        if (target.rfind("/data/api/3/action/package_search?", 0) != 0) {
            reply.status = 404;
            reply.body = R"({"success": false, "error": {"message": "Not found"}})";
            return reply;
        }
        if (m_garbage) {
            reply.body = R"({"success": true, "result": {"count": "many", "results": "none"}})";
            return reply;
        }
        std::size_t start = std::stoul(queryValue(target, "start"));
        std::size_t rows = std::stoul(queryValue(target, "rows"));
        // fq=metadata_modified:[SINCE TO *], as Solr reads it: SINCE a date with milliseconds and Z.
        std::vector<const std::string*> listed;
        std::string fq = tweeling::common::percentDecode(queryValue(target, "fq"), true);
        std::string since;
        if (!fq.empty()) {
            const std::string prefix = "metadata_modified:[";
            REQUIRE(fq.rfind(prefix, 0) == 0);
            REQUIRE(fq.size() > prefix.size() + 24);
            since = fq.substr(prefix.size(), 23);  // 2025-06-01T12:00:00.000
            REQUIRE(fq.substr(prefix.size() + 23) == "Z TO *]");
        }
        for (const auto& package : m_packages)
            if (since.empty() || std::string(parse(package)["metadata_modified"].GetString()).substr(0, 23) >= since)
                listed.push_back(&package);
        std::string results;
        for (std::size_t i = start; i < listed.size() && i < start + rows; ++i)
            results += (results.empty() ? "" : ",") + *listed[i];
        long long count = static_cast<long long>(listed.size()) + (start > 0 ? m_unsteady : 0);
        reply.body = R"({"help": "package_search", "success": true, "result": {"count": )" +
                     std::to_string(count) + R"(, "sort": "metadata_modified asc", "results": [)" +
                     results + "]}}";
        return reply;
    }

    mutable std::mutex m_mutex;
    std::vector<std::string> m_packages;
    bool m_garbage = false;
    int m_unsteady = 0;
    TestServer m_server;  // last: it calls answer() from its threads until it is destroyed
};

struct CkanHub {
    TempDir dir;
    std::unique_ptr<tweeling::registry::store::Store> store;
    std::unique_ptr<hub::SourceRegistry> sources;

    explicit CkanHub(const ScriptedCkan& catalog) {
        tweeling::registry::store::StoreOptions options;
        options.path = dir.file("hub.db");
        options.nodeId = "pv27";
        options.indexBuilder = false;
        store = std::make_unique<tweeling::registry::store::Store>(options);
        sources = std::make_unique<hub::SourceRegistry>(*store);
        hub::SourceConfig config;
        config.id = "overheid";
        config.url = catalog.url();
        config.kind = hub::SourceKind::Ckan;
        config.totalTimeoutMs = 3000;
        config.allowPrivate = true;
        sources->add(config);
    }
    // `fullListingEvery` 1: every round lists the whole catalog.
    hub::Harvester harvester(int fullListingEvery = 1) {
        hub::HarvesterOptions options;
        options.itemsPageSize = 2;
        options.fullListingEvery = fullListingEvery;
        return hub::Harvester(*store, *sources, tweeling::registry::record::Profile::builtin(), options);
    }
    hub::HarvestReport round(hub::Harvester& harvester) {
        auto reports = harvester.harvest({"overheid"});
        REQUIRE(reports.size() == 1);
        return reports[0];
    }
    std::int64_t held() const { return store->countOfSource("overheid"); }
};

}  // namespace

TEST_CASE("in process: a CKAN catalog is harvested page by page; a package gone is deleted; garbage loses nothing",
          "[ckan]") {
    ScriptedCkan catalog;
    catalog.add(dutchPackage("3d-gebouwen-delft", "3D-gebouwen Delft"));
    CkanHub hub(catalog);
    auto harvester = hub.harvester();
    REQUIRE(hub::parseKind("ckan") == hub::SourceKind::Ckan);
    REQUIRE(std::string(hub::kindName(hub::SourceKind::Ckan)) == "ckan");

    // Two pages of two: the three real demo.ckan.org packages and a Dutch one.
    auto first = hub.round(harvester);
    INFO(first.toText());
    CHECK(first.status == "ok");
    CHECK(first.pages == 2);
    CHECK(first.added == 4);
    CHECK(first.rejected == 0);
    CHECK(first.warnings == 4);  // every CKAN package lacks what the profile wants (crs, adminUnits, ...)
    CHECK(hub.held() == 4);
    std::vector<std::string> targets = catalog.targets();
    REQUIRE(targets.size() == 2);
    CHECK(targets[0] == "/data/api/3/action/package_search?rows=2&start=0&sort=metadata_modified%20asc");
    CHECK(targets[1] == "/data/api/3/action/package_search?rows=2&start=2&sort=metadata_modified%20asc");

    // The hub's record carries the source as its origin and the package's page as a link.
    auto stored = hub.store->get("overheid", "3d-gebouwen-delft");
    REQUIRE(stored);
    Json record = parse(stored->json);
    CHECK(std::string(record["origin"].GetString()) == "overheid");
    CHECK(std::string(record["properties"]["publisher"]["name"].GetString()) == "Gemeente Delft");
    CHECK(std::string(record["links"][0]["href"].GetString()) == catalog.url() + "/dataset/3d-gebouwen-delft");
    // A package's extras survive the ingest path under properties.source.
    auto italian = hub.store->get("overheid", "2016-regione-asia-est-oceania-classi-di-eta");
    REQUIRE(italian);
    Json withExtras = parse(italian->json);
    CHECK(std::string(withExtras["properties"]["source"]["extras"]["Anno"].GetString()) == "2016");

    // Unchanged: nothing written again.
    auto again = hub.round(harvester);
    INFO(again.toText());
    CHECK(again.status == "ok");
    CHECK(again.unchanged == 4);

    // One of four disappeared (under the 30% threshold): deleted after the complete listing.
    catalog.removeAt(1);
    auto gone = hub.round(harvester);
    INFO(gone.toText());
    CHECK(gone.status == "ok");
    CHECK(gone.deleted == 1);
    CHECK(hub.held() == 3);
    CHECK_FALSE(hub.store->get("overheid", "1617in10-regulation-of-sale-of-overseas-properties-20170426-c"));

    // Garbage: degraded, nothing deleted or lost.
    catalog.garbage(true);
    auto broken = hub.round(harvester);
    INFO(broken.toText());
    CHECK(broken.status == "degraded");
    CHECK(broken.deleted == 0);
    CHECK(broken.error.find("count") != std::string::npos);
    CHECK(hub.held() == 3);

    catalog.garbage(false);
    auto healed = hub.round(harvester);
    INFO(healed.toText());
    CHECK(healed.status == "ok");
    CHECK(healed.unchanged == 3);
    CHECK(hub.held() == 3);
}

TEST_CASE("in process: a CKAN listing deletes nothing when unsteady, and holds deletions over the threshold",
          "[ckan]") {
    ScriptedCkan catalog;  // the three demo packages and two Dutch ones: three pages of two
    catalog.add(dutchPackage("3d-gebouwen-delft", "3D-gebouwen Delft"));
    catalog.add(dutchPackage("3d-bomen-delft", "3D-bomen Delft"));
    CkanHub hub(catalog);
    auto harvester = hub.harvester();
    REQUIRE(hub.round(harvester).added == 5);

    // One package gone, but the second page's count differs from the first's: no deletion.
    catalog.removeAt(0);
    catalog.unsteady(1);
    auto unsteady = hub.round(harvester);
    INFO(unsteady.toText());
    CHECK(unsteady.status == "ok");
    CHECK(unsteady.deleted == 0);
    CHECK(unsteady.heldDeletions == 0);
    CHECK(unsteady.toText().find("no deletions were applied") != std::string::npos);
    CHECK(hub.held() == 5);

    // Steady again: the one of five (20%) is deleted.
    catalog.unsteady(0);
    auto steady = hub.round(harvester);
    INFO(steady.toText());
    CHECK(steady.deleted == 1);
    CHECK(hub.held() == 4);

    // Two of four gone: over the 30% threshold, held until released.
    catalog.removeAt(0);
    catalog.removeAt(0);
    auto held = hub.round(harvester);
    INFO(held.toText());
    CHECK(held.status == "degraded");
    CHECK(held.heldDeletions == 2);
    CHECK(held.deleted == 0);
    CHECK(hub.held() == 4);
    CHECK(harvester.releaseDeletions("overheid") == 2);
    CHECK(hub.held() == 2);
}

TEST_CASE("in process: between full listings a CKAN round asks only for the packages modified since the last",
          "[ckan]") {
    ScriptedCkan catalog;  // the three demo packages (2017) and two Dutch ones: three pages of two
    catalog.add(dutchPackage("3d-gebouwen-delft", "3D-gebouwen Delft", "2025-06-01T12:00:00.000000"));
    catalog.add(dutchPackage("3d-bomen-delft", "3D-bomen Delft", "2025-06-02T08:30:00.250999"));
    CkanHub hub(catalog);
    auto harvester = hub.harvester(3);  // full, changes, changes, full, ...

    auto full = hub.round(harvester);
    INFO(full.toText());
    CHECK(full.added == 5);
    CHECK(full.pages == 3);
    CHECK(catalog.targets().back().find("fq=") == std::string::npos);
    auto state = hub.sources->get("overheid");
    REQUIRE(state);
    CHECK(state->catalogSince == "2025-06-02T08:30:00.250999");  // the catalog's newest, as it wrote it
    CHECK(state->roundsSinceFull == 0);

    // Nothing changed: one page, holding only the package of that very instant, unchanged.
    std::size_t before = catalog.targets().size();
    auto quiet = hub.round(harvester);
    INFO(quiet.toText());
    CHECK(quiet.status == "ok");
    CHECK(quiet.pages == 1);
    CHECK(quiet.unchanged == 1);
    CHECK(quiet.added + quiet.updated + quiet.deleted == 0);
    REQUIRE(catalog.targets().size() == before + 1);
    CHECK(catalog.targets().back() ==
          "/data/api/3/action/package_search?rows=2&start=0&sort=metadata_modified%20asc"
          "&fq=metadata_modified:%5B2025-06-02T08:30:00.250Z%20TO%20%2A%5D");
    CHECK(quiet.toText().find("changes only") != std::string::npos);

    // One package changed, one gone: the change is taken, the deletion waits for a full listing.
    catalog.replace("3d-gebouwen-delft", dutchPackage("3d-gebouwen-delft", "3D-gebouwen Delft 2025", "2025-07-01T09:00:00.000000"));
    catalog.removeAt(0);
    auto changes = hub.round(harvester);
    INFO(changes.toText());
    CHECK(changes.status == "ok");
    CHECK(changes.updated == 1);
    CHECK(changes.deleted == 0);
    CHECK(hub.held() == 5);
    Json changed = parse(hub.store->get("overheid", "3d-gebouwen-delft")->json);
    CHECK(std::string(changed["properties"]["title"].GetString()) == "3D-gebouwen Delft 2025");
    CHECK(hub.sources->get("overheid")->catalogSince == "2025-07-01T09:00:00.000000");

    // The third round is a full listing again: the package gone is deleted.
    auto relisted = hub.round(harvester);
    INFO(relisted.toText());
    CHECK(relisted.pages == 2);
    CHECK(relisted.deleted == 1);
    CHECK(hub.held() == 4);
    CHECK(hub.sources->get("overheid")->roundsSinceFull == 0);

    // A round of changes the catalog refuses moves nothing: the next asks from the same time.
    catalog.garbage(true);
    auto broken = hub.round(harvester);
    CHECK(broken.status == "degraded");
    CHECK(hub.sources->get("overheid")->catalogSince == "2025-07-01T09:00:00.000000");
    CHECK(hub.sources->get("overheid")->roundsSinceFull == 0);
    catalog.garbage(false);
    auto healed = hub.round(harvester);
    CHECK(healed.status == "ok");
    CHECK(healed.pages == 1);
    CHECK(hub.held() == 4);
}

TEST_CASE("in process: one CKAN package fetched now by package_show, writing it and deleting nothing", "[ckan]") {
    ScriptedCkan catalog;
    catalog.add(dutchPackage("3d-gebouwen-delft", "3D-gebouwen Delft"));
    CkanHub hub(catalog);
    auto harvester = hub.harvester();
    REQUIRE(hub.round(harvester).added == 4);
    auto before = hub.sources->get("overheid");
    REQUIRE(before);
    std::string lastReport = *hub.sources->latestReport("overheid");

    catalog.replace("3d-gebouwen-delft", dutchPackage("3d-gebouwen-delft", "3D-gebouwen Delft, herzien", "2025-08-01T00:00:00.000000"));
    auto one = harvester.harvestRecord("overheid", "3d-gebouwen-delft");
    REQUIRE(one);
    INFO(one->toText());
    CHECK(one->status == "ok");
    CHECK(one->updated == 1);
    CHECK(one->pages == 1);
    CHECK(catalog.targets().back() == "/data/api/3/action/package_show?id=3d-gebouwen-delft");
    Json record = parse(hub.store->get("overheid", "3d-gebouwen-delft")->json);
    CHECK(std::string(record["properties"]["title"].GetString()) == "3D-gebouwen Delft, herzien");
    // No round: the schedule, the watermark and the last report are the round's.
    auto after = hub.sources->get("overheid");
    CHECK(after->nextHarvest == before->nextHarvest);
    CHECK(after->catalogSince == before->catalogSince);
    CHECK(*hub.sources->latestReport("overheid") == lastReport);

    // A package the catalog does not know: the run fails saying so, and nothing is deleted.
    auto missing = harvester.harvestRecord("overheid", "bestaat-niet");
    REQUIRE(missing);
    INFO(missing->toText());
    CHECK(missing->status != "ok");
    CHECK(missing->error.find("404") != std::string::npos);
    CHECK(hub.held() == 4);
    CHECK_FALSE(harvester.harvestRecord("nobody", "x"));
}
