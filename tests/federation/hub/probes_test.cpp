// The hub's asset probes over its records (hub/asset_probes.cpp) and the national tileset assembled
// from what they found (hub/assembly.cpp): records held in a Store, their assets served by a fake
// Fetch from the real 3D Tiles fixtures and broken variants of them.
#include "live_federation.hpp"

#include "api/errors.hpp"
#include "api/ingest.hpp"
#include "hub/assembly.hpp"
#include "hub/asset_probes.hpp"
#include "hub/sources.hpp"
#include "probe/probe.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <cmath>
#include <map>
#include <mutex>
#include <set>

using namespace tweeling::test;
using namespace tweeling::test::federation;
namespace hub = tweeling::federation::hub;
namespace probe = tweeling::federation::probe;
namespace store = tweeling::registry::store;
using tweeling::common::Json;

namespace {

constexpr double kRadians = M_PI / 180;

// Asset servers played from memory: url -> body; anything else is a 404.
struct Assets {
    std::mutex mutex;
    std::map<std::string, std::string> files;
    int requests = 0;

    probe::Fetch fetch() {
        return [this](const std::string& url, std::size_t maxBytes) {
            std::lock_guard<std::mutex> lock(mutex);
            ++requests;
            probe::FetchResponse response;
            response.finalUrl = url;
            auto found = files.find(url);
            if (found == files.end()) {
                response.status = 404;
                response.error = "HTTP 404 Not Found";
                return response;
            }
            response.ok = true;
            response.status = 200;
            response.body = found->second.substr(0, maxBytes);
            response.truncated = found->second.size() > maxBytes;
            response.contentType = url.size() > 5 && url.substr(url.size() - 5) == ".json" ? "application/json"
                                                                                            : "application/octet-stream";
            return response;
        };
    }
};

std::string fixture(const std::string& name) { return readFile(sourcePath("tests/fixtures/3d-tiles/" + name)); }

// The real tileset with an external "city" tileset, with its root region moved to `region` (degrees).
std::string tilesetAt(double west, double south, double east, double north, bool inDegrees = false) {
    Json doc = parse(fixture("1.0__TilesetWithRequestVolume__tileset.json"));
    auto& values = doc["root"]["boundingVolume"]["region"];
    const double factor = inDegrees ? 1 : kRadians;
    values[0].SetDouble(west * factor);
    values[1].SetDouble(south * factor);
    values[2].SetDouble(east * factor);
    values[3].SetDouble(north * factor);
    return tweeling::common::toString(doc);
}

// Serves a tileset at base + "tileset.json" with the real external tileset and b3dm content beside it.
void serveTileset(Assets& assets, const std::string& base, const std::string& tileset) {
    assets.files[base + "tileset.json"] = tileset;
    Json city = parse(fixture("1.0__TilesetWithRequestVolume__city__tileset.json"));
    assets.files[base + "city/tileset.json"] = tweeling::common::toString(city);
    const std::string b3dm = fixture("1.0__TilesetWithRequestVolume__city__ul.b3dm");
    for (const char* tile : {"ll", "lr", "ur", "ul"}) assets.files[base + "city/" + std::string(tile) + ".b3dm"] = b3dm;
    // The root's own content, if the tileset names one.
    Json doc = parse(tileset);
    std::function<void(const tweeling::common::JsonValue&)> walk = [&](const tweeling::common::JsonValue& tile) {
        if (tile.HasMember("content") && tile["content"].HasMember("uri")) {
            std::string uri = tile["content"]["uri"].GetString();
            if (uri.find(".json") == std::string::npos && !assets.files.count(base + uri)) assets.files[base + uri] = b3dm;
        }
        if (tile.HasMember("children"))
            for (const auto& child : tile["children"].GetArray()) walk(child);
    };
    walk(doc["root"]);
}

// Holds an Amsterdam record from source gm0363 whose one distribution is `href` in `format`.
void hold(store::Store& hubStore, const std::string& id, const std::string& href, const std::string& format,
          const std::string& theme = "buildings") {
    Json doc = parse(sampleRecord(id, "Gebouwen " + id));
    auto& allocator = doc.GetAllocator();
    auto& distribution = doc["properties"]["distributions"][0];
    distribution["href"].SetString(href.c_str(), allocator);
    distribution["format"].SetString(format.c_str(), allocator);
    doc["properties"]["themes"][0]["concepts"][0]["id"].SetString(theme.c_str(), allocator);
    tweeling::registry::api::IngestPolicy policy;
    policy.origin = "gm0363";
    policy.source = "gm0363";
    auto prepared = tweeling::registry::api::prepare(doc, tweeling::registry::record::Profile::builtin(), policy);
    REQUIRE(prepared.put);
    REQUIRE(hubStore.put(*prepared.put) != store::PutOutcome::Stale);
}

Json validationOf(store::Store& hubStore, const std::string& key) {
    auto held = hubStore.get(key);
    REQUIRE(held);
    Json doc = parse(held->json);
    REQUIRE(doc.HasMember("validation"));
    Json out;
    out.CopyFrom(doc["validation"], out.GetAllocator());
    return out;
}

// The status of check `id` in a validation member ("" when absent); the worst when it occurs twice.
std::string statusOf(const Json& validation, const std::string& id) {
    std::string worst;
    for (const auto& check : validation["checks"].GetArray()) {
        if (check["id"].GetString() != id) continue;
        std::string status = check["status"].GetString();
        if (worst.empty() || status == "fail" || (status == "warn" && worst == "pass")) worst = status;
    }
    return worst;
}

struct HubUnderTest {
    TempDir dir;
    std::unique_ptr<store::Store> hubStore;
    std::unique_ptr<hub::SourceRegistry> sources;
    Assets assets;
    std::unique_ptr<hub::AssetProber> prober;

    HubUnderTest() {
        store::StoreOptions options;
        options.path = dir.file("hub.db");
        options.nodeId = "nl";
        options.indexBuilder = false;
        hubStore = std::make_unique<store::Store>(options);
        sources = std::make_unique<hub::SourceRegistry>(*hubStore);
        hub::SourceConfig config;
        config.id = "gm0363";
        config.url = "https://gm0363.example";
        sources->add(config);
        hub::ProberOptions probing;
        probing.fetchForTests = assets.fetch();
        probing.workers = 2;
        prober = std::make_unique<hub::AssetProber>(*hubStore, *sources, probing);
    }
};

// Amsterdam's footprint in the sample records: 4.7288..5.0792 E, 52.2782..52.4311 N.
void serveAmsterdam(HubUnderTest& hub) {
    serveTileset(hub.assets, "https://tiles.example/good/", tilesetAt(4.80, 52.30, 4.95, 52.40));
    serveTileset(hub.assets, "https://tiles.example/degrees/", tilesetAt(4.80, 52.30, 4.95, 52.40, true));
    // The real sample where it is: Philadelphia, not Amsterdam.
    serveTileset(hub.assets, "https://tiles.example/elsewhere/", fixture("1.0__TilesetWithRequestVolume__tileset.json"));
}

}  // namespace

TEST_CASE("probes judge each record's assets: the verdict is in the hub's copy, searchable, per source",
          "[hub][probe]") {
    HubUnderTest hub;
    serveAmsterdam(hub);
    hold(*hub.hubStore, "good", "https://tiles.example/good/tileset.json", "3dtiles");
    hold(*hub.hubStore, "degrees", "https://tiles.example/degrees/tileset.json", "3dtiles");
    hold(*hub.hubStore, "elsewhere", "https://tiles.example/elsewhere/tileset.json", "3dtiles");
    hold(*hub.hubStore, "dead", "https://files.example/gone.city.json", "cityjson");
    const std::string signedBefore = parse(hub.hubStore->get("gm0363:good")->json)["properties"]["title"].GetString();

    std::atomic<bool> never{false};
    hub::ProbeSummary summary = hub.prober->runOnce(never);
    CHECK(summary.probed == 4);
    CHECK(summary.fail == 3);
    CHECK(summary.rewritten == 4);

    Json good = validationOf(*hub.hubStore, "gm0363:good");
    CHECK(std::string(good["status"].GetString()) == "pass");
    CHECK(good.HasMember("checkedAt"));
    CHECK(statusOf(good, "3dtiles.region") == "pass");
    CHECK(statusOf(good, "claims.extent") == "pass");
    CHECK(statusOf(good, "claims.netherlands") == "pass");
    // The origin's content is untouched: only the hub's member was added.
    CHECK(parse(hub.hubStore->get("gm0363:good")->json)["properties"]["title"].GetString() == signedBefore);

    Json degrees = validationOf(*hub.hubStore, "gm0363:degrees");
    CHECK(std::string(degrees["status"].GetString()) == "fail");
    CHECK(statusOf(degrees, "3dtiles.region") == "fail");
    Json elsewhere = validationOf(*hub.hubStore, "gm0363:elsewhere");
    CHECK(statusOf(elsewhere, "3dtiles.region") == "pass");
    CHECK(statusOf(elsewhere, "claims.extent") == "fail");
    Json dead = validationOf(*hub.hubStore, "gm0363:dead");
    CHECK(statusOf(dead, "link.reachable") == "fail");
    for (const auto& check : dead["checks"].GetArray())
        if (std::string(check["id"].GetString()) == "link.reachable") CHECK(check["distribution"].GetInt() == 0);

    // Searchable, and counted.
    store::SearchQuery query;
    query.validations = {"fail"};
    query.facets = {"validation"};
    query.limit = 10;
    store::SearchResult failing = hub.hubStore->search(query);
    CHECK(failing.numberMatched == 3);
    query.validations = {"pass"};
    CHECK(hub.hubStore->search(query).numberMatched == 1);

    // Nothing changed, nothing due: the next cycle probes nothing and writes nothing.
    const std::int64_t seq = hub.hubStore->currentSeq();
    CHECK(hub.prober->runOnce(never).probed == 0);
    CHECK(hub.hubStore->currentSeq() == seq);

    // A record that changes is probed again, alone; its fixed asset passes.
    hold(*hub.hubStore, "degrees", "https://tiles.example/good/tileset.json", "3dtiles");
    summary = hub.prober->runOnce(never);
    CHECK(summary.probed == 1);
    CHECK(std::string(validationOf(*hub.hubStore, "gm0363:degrees")["status"].GetString()) == "pass");

    // Quality per source: the share of records passing each check.
    hub::SourceQuality quality = hub.prober->quality("gm0363");
    CHECK(quality.held == 4);
    CHECK(quality.probed == 4);
    CHECK(quality.fail == 2);
    CHECK(quality.pass == 2);
    bool sawExtent = false;
    for (const auto& check : quality.checks)
        if (check.id == "claims.extent") {
            sawExtent = true;
            CHECK(check.records == 3);
            CHECK(check.fail == 1);
            CHECK(check.pass == 2);
        }
    CHECK(sawExtent);
    REQUIRE(quality.failing.size() == 2);
    CHECK(quality.failing[0].key == "gm0363:dead");
    Json qualityDoc;
    qualityDoc.SetObject();
    qualityDoc.AddMember("quality", hub::qualityJson(quality, qualityDoc.GetAllocator()), qualityDoc.GetAllocator());
    CHECK(qualityDoc["quality"]["score"].GetDouble() == Approx(0.5));
}

TEST_CASE("the national tileset has exactly the matching records' passing tilesets as children", "[hub][assembly]") {
    HubUnderTest hub;
    serveAmsterdam(hub);
    hold(*hub.hubStore, "good", "https://tiles.example/good/tileset.json", "3dtiles");
    hold(*hub.hubStore, "trees", "https://tiles.example/good/tileset.json", "3dtiles", "vegetation");
    hold(*hub.hubStore, "degrees", "https://tiles.example/degrees/tileset.json", "3dtiles");
    hold(*hub.hubStore, "dead", "https://files.example/gone.city.json", "cityjson");
    std::atomic<bool> never{false};
    hub.prober->runOnce(never);
    hold(*hub.hubStore, "late", "https://tiles.example/good/tileset.json", "3dtiles");  // not probed yet

    hub::TwinAssembly assembly(*hub.hubStore, *hub.prober);
    Json all = parse(assembly.tileset({}));
    CHECK(std::string(all["asset"]["version"].GetString()) == "1.1");
    CHECK(std::string(all["root"]["refine"].GetString()) == "ADD");
    auto& children = all["root"]["children"];
    REQUIRE(children.Size() == 2);
    std::set<std::string> records;
    for (const auto& child : children.GetArray()) {
        records.insert(child["extras"]["record"].GetString());
        CHECK(std::string(child["content"]["uri"].GetString()) == "https://tiles.example/good/tileset.json");
        const auto& region = child["boundingVolume"]["region"];
        CHECK(region[0].GetDouble() == Approx(4.80 * kRadians));
        CHECK(region[1].GetDouble() == Approx(52.30 * kRadians));
        CHECK(region[2].GetDouble() == Approx(4.95 * kRadians));
        CHECK(region[3].GetDouble() == Approx(52.40 * kRadians));
        CHECK(child["geometricError"].GetDouble() >= 0);
        CHECK(all["root"]["geometricError"].GetDouble() >= child["geometricError"].GetDouble());
    }
    CHECK(records == std::set<std::string>{"gm0363:good", "gm0363:trees"});
    // The root's region is the union of its children's.
    CHECK(all["root"]["boundingVolume"]["region"][0].GetDouble() == Approx(4.80 * kRadians));
    // What was left out, and why.
    std::map<std::string, std::string> leftOut;
    for (const auto& entry : all["extras"]["leftOut"].GetArray())
        leftOut[entry["record"].GetString()] = entry["reason"].GetString();
    CHECK(leftOut.size() == 2);
    CHECK(leftOut["gm0363:late"] == "not probed yet");
    CHECK(leftOut["gm0363:degrees"].find("3dtiles.region") != std::string::npos);

    // Themes, bbox and lod select children.
    Json trees = parse(assembly.tileset({{"themes", "vegetation"}}));
    REQUIRE(trees["root"]["children"].Size() == 1);
    CHECK(std::string(trees["root"]["children"][0]["extras"]["record"].GetString()) == "gm0363:trees");
    CHECK(parse(assembly.tileset({{"bbox", "5.5,51.0,6.0,51.5"}}))["root"]["children"].Size() == 0);
    CHECK(parse(assembly.tileset({{"lod", "2.2"}}))["root"]["children"].Size() == 2);
    CHECK(parse(assembly.tileset({{"lod", "1.2"}}))["root"]["children"].Size() == 0);
    CHECK_THROWS_AS(assembly.tileset({{"lod", "7"}}), tweeling::registry::api::ApiError);
    CHECK_THROWS_AS(assembly.tileset({{"bbox", "north"}}), tweeling::registry::api::ApiError);
    CHECK_THROWS_AS(assembly.tileset({{"limit", "5"}}), tweeling::registry::api::ApiError);

    // The assembled root passes the same checks as any tileset.
    hub.assets.files["https://hub.example/twin/tileset.json"] = assembly.tileset({});
    probe::ProbeResult result =
        probe::probeDistribution("3dtiles", "https://hub.example/twin/tileset.json", "application/json", hub.assets.fetch());
    for (const auto& check : result.checks) {
        INFO(check.id << ": " << check.message);
        CHECK(check.status != probe::Status::Fail);
    }

    // As OGC API – 3D GeoVolumes: the whole twin and one collection per theme.
    std::map<std::string, Json> collections;
    for (const std::string& text : assembly.collections("https://hub.example")) {
        Json doc = parse(text);
        collections[doc["id"].GetString()] = std::move(doc);
    }
    REQUIRE(collections.count("twin-3d"));
    REQUIRE(collections.count("twin-3d-buildings"));
    REQUIRE(collections.count("twin-3d-vegetation"));
    CHECK(std::string(collections["twin-3d"]["collectionType"].GetString()) == "3d-container");
    const auto& bbox = collections["twin-3d-vegetation"]["extent"]["spatial"]["bbox"][0];
    CHECK(bbox[0].GetDouble() == Approx(4.80));
    CHECK(bbox[3].GetDouble() == Approx(52.40));
    bool tilesLink = false;
    for (const auto& link : collections["twin-3d-vegetation"]["links"].GetArray())
        tilesLink = tilesLink ||
                    std::string(link["href"].GetString()) == "https://hub.example/collections/twin-3d-vegetation/3dtiles";
    CHECK(tilesLink);
}

TEST_CASE("twin-federation probe: by hand for a source or one record; quality and the validation facet follow",
          "[hub][probe][cli]") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub hub(dir, "nl");
    hub.addSource("gm0363", amsterdam.url);
    REQUIRE(hub.harvest().exitCode == 0);
    const long held = hub.matched("limit=1");
    REQUIRE(held > 0);

    // The samples link to the municipalities' servers, which a test machine cannot reach: every
    // record has a failing link, and the command says so with its exit status.
    auto probed = run({hubProgram(), "probe", "--db", hub.db, "--source", "gm0363", "--json"});
    INFO(probed.err);
    CHECK(probed.exitCode == 1);
    Json counts = parse(probed.out);
    CHECK(counts["probed"].GetInt() == held);
    CHECK(counts["fail"].GetInt() + counts["warn"].GetInt() + counts["pass"].GetInt() == held);

    Json source = hub.source("gm0363");
    const auto& quality = source["quality"];
    CHECK(quality["probed"].GetInt() == held);
    CHECK(quality["held"].GetInt() == held);
    Json facets = hub.search("facets=validation&limit=1");
    std::int64_t judged = 0;
    for (const auto& value : facets["facets"]["validation"].GetArray()) judged += value["count"].GetInt64();
    CHECK(judged == held);
    CHECK(hub.report("gm0363")["probes"]["probed"].GetInt() == held);

    auto one = run({hubProgram(), "probe", "--db", hub.db, "--record", "gm0363:gm0363-3dbag-lod22-tiles"});
    CHECK(one.out.find("\"validation\"") != std::string::npos);
    auto missing = run({hubProgram(), "probe", "--db", hub.db, "--record", "gm0363:nope"});
    CHECK(missing.exitCode == 1);
    CHECK(missing.err.find("no record gm0363:nope") != std::string::npos);
}
