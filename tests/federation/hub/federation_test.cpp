// Integration tests of federation: real twin-registry nodes and twin-federation hubs on loopback,
// two levels deep, harvesting each other's /feed.
#include "common/json.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace tweeling::test;
using tweeling::common::Json;

namespace {

std::string registryProgram() { return binPath("twin-registry"); }
std::string hubProgram() { return binPath("twin-federation"); }
const std::string kAmsterdam = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";

Json parse(const std::string& text) {
    Json doc;
    doc.Parse(text.c_str(), text.size());
    INFO(text);
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

// A registry node with one municipality's samples, restartable on the same port and database.
struct Node {
    std::string id;
    std::string db;
    std::string key;
    std::string listen = "127.0.0.1:0";
    std::unique_ptr<ServerProcess> server;
    std::string url;

    Node(const TempDir& dir, std::string nodeId, const std::string& samples, const std::string& publisher)
        : id(std::move(nodeId)), db(dir.file(id + ".db")) {
        if (!samples.empty()) {
            auto imported = run({registryProgram(), "import", "--db", db, "--node-id", id, sourcePath(samples)});
            INFO(imported.err);
            REQUIRE(imported.exitCode == 0);
        }
        auto created = run({registryProgram(), "keys", "create", "--db", db, "--node-id", id, "--publisher", publisher});
        REQUIRE(created.exitCode == 0);
        key = trimmed(created.out);
        start();
    }
    void start() {
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            registryProgram(), "serve", "--db", db, "--listen", listen, "--node-id", id, "--quiet"});
        url = server->baseUrl();
        listen = url.substr(std::string("http://").size());  // restart on the same port
    }
    void stop() { server.reset(); }
    std::string item(const std::string& recordId) const { return url + "/collections/twins/items/" + recordId; }
};

struct Hub {
    std::string id;
    std::string db;
    std::unique_ptr<ServerProcess> server;
    std::string url;

    Hub(const TempDir& dir, std::string hubId) : id(std::move(hubId)), db(dir.file(id + ".db")) {
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            hubProgram(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--hub-id", id, "--quiet", "--no-harvest"});
        url = server->baseUrl();
    }
    void addSource(const std::string& sourceId, const std::string& sourceUrl, const std::string& kind = "tweeling",
                   const std::string& fraction = "0.3") {
        auto added = run({hubProgram(), "sources", "add", "--db", db, "--id", sourceId, "--url", sourceUrl, "--kind",
                          kind, "--max-delete-fraction", fraction, "--timeout-ms", "3000"});
        INFO(added.err);
        REQUIRE(added.exitCode == 0);
    }
    CommandResult harvest(const std::string& source = "") {
        std::vector<std::string> argv{hubProgram(), "harvest", "--db", db};
        if (!source.empty()) {
            argv.push_back("--source");
            argv.push_back(source);
        }
        return run(argv);
    }
    Json report(const std::string& source) {
        auto response = get(url + "/sources/" + source + "/reports/latest");
        INFO(response.body);
        REQUIRE(response.status == 200);
        return parse(response.body);
    }
    Json source(const std::string& source) { return parse(get(url + "/sources/" + source).body); }
    Json search(const std::string& query) {
        auto response = get(url + "/collections/twins/items?" + query);
        INFO(response.body);
        REQUIRE(response.status == 200);
        return parse(response.body);
    }
    long matched(const std::string& query) { return search(query)["numberMatched"].GetInt(); }
};

std::string sampleRecord(const std::string& id, const std::string& title) {
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    Json doc;
    doc.CopyFrom(all[0], doc.GetAllocator());
    doc["id"].SetString(id.c_str(), doc.GetAllocator());
    doc["properties"]["title"].SetString(title.c_str(), doc.GetAllocator());
    return tweeling::common::toString(doc);
}

long put(const Node& node, const std::string& id, const std::string& body) {
    HttpRequest request{"PUT", node.item(id), body,
                        {"Content-Type: application/geo+json", "Authorization: Bearer " + node.key}};
    return send(request).status;
}

long remove(const Node& node, const std::string& id) {
    HttpRequest request{"DELETE", node.item(id), "", {"Authorization: Bearer " + node.key}};
    return send(request).status;
}

std::int64_t count(const Json& report, const char* name) { return report["counts"][name].GetInt64(); }

}  // namespace

TEST_CASE("publish, replace and delete travel through a province hub to the national hub") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Node rotterdam(dir, "gm0599", "deploy/samples/gm0599-rotterdam.json",
                   "https://identifier.overheid.nl/tooi/id/gemeente/gm0599");
    Hub province(dir, "pv27");
    Hub nation(dir, "nl");
    province.addSource("gm0363", amsterdam.url);
    nation.addSource("pv27", province.url);
    nation.addSource("gm0599", rotterdam.url);

    auto first = province.harvest();
    INFO(first.out << first.err);
    REQUIRE(first.exitCode == 0);
    REQUIRE(nation.harvest().exitCode == 0);

    // Found at the national hub with its origin and the path it came by.
    Json fromAmsterdam = nation.search("origin=gm0363&limit=100");
    CHECK(fromAmsterdam["numberMatched"].GetInt() == 9);
    for (const auto& record : fromAmsterdam["features"].GetArray()) {
        CHECK(std::string(record["origin"].GetString()) == "gm0363");
        CHECK(std::string(record["harvest"]["source"].GetString()) == "pv27");
        CHECK(std::string(record["harvest"]["hash"].GetString()).size() == 64);
    }
    CHECK(nation.matched("source=gm0599") == 9);
    CHECK(nation.matched("q=gebouwen&bbox=4.7,52.2,5.1,52.5") >= 1);
    Json report = nation.report("pv27");
    CHECK(count(report, "added") == 9);
    CHECK(std::string(report["status"].GetString()) == "ok");

    // An unchanged second round writes nothing.
    REQUIRE(province.harvest().exitCode == 0);
    REQUIRE(nation.harvest().exitCode == 0);
    CHECK(count(nation.report("pv27"), "unchanged") + count(nation.report("pv27"), "added") == 0);

    // Replace at the node: updated everywhere.
    Json sample = parse(sampleRecord("x", "x"));
    std::string firstId = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")))[0]["id"].GetString();
    REQUIRE(put(amsterdam, firstId, sampleRecord(firstId, "Gebouwen Amsterdam, nieuwe versie")) == 200);
    REQUIRE(province.harvest().exitCode == 0);
    REQUIRE(nation.harvest().exitCode == 0);
    CHECK(count(nation.report("pv27"), "updated") == 1);
    auto atNation = get(nation.url + "/collections/twins/items/gm0363:" + firstId);
    REQUIRE(atNation.status == 200);
    // The record's own id works too while only one origin uses it; the self link names the key.
    auto byOwnId = get(nation.url + "/collections/twins/items/" + firstId);
    REQUIRE(byOwnId.status == 200);
    CHECK(std::string(parse(byOwnId.body)["links"][0]["href"].GetString()) ==
          nation.url + "/collections/twins/items/gm0363:" + firstId);
    CHECK(nation.matched("ids=" + firstId) == 1);
    CHECK(std::string(parse(atNation.body)["properties"]["title"].GetString()) == "Gebouwen Amsterdam, nieuwe versie");

    // Delete at the node: gone everywhere.
    REQUIRE(remove(amsterdam, firstId) == 204);
    REQUIRE(province.harvest().exitCode == 0);
    REQUIRE(nation.harvest().exitCode == 0);
    CHECK(get(province.url + "/collections/twins/items/gm0363:" + firstId).status == 404);
    CHECK(get(nation.url + "/collections/twins/items/gm0363:" + firstId).status == 404);
    CHECK(count(nation.report("pv27"), "deleted") == 1);
    CHECK(nation.matched("origin=gm0363") == 8);

    // The national hub's own feed is harvestable in turn.
    Json feed = parse(get(nation.url + "/feed?after=0&limit=100").body);
    CHECK(feed["entries"].Size() > 0);
}

TEST_CASE("a node that goes down keeps its records searchable, marked stale; the next round recovers") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub hub(dir, "pv27");
    hub.addSource("gm0363", amsterdam.url);
    REQUIRE(hub.harvest().exitCode == 0);

    amsterdam.stop();
    auto failed = hub.harvest();
    CHECK(failed.exitCode == 1);
    Json source = hub.source("gm0363");
    CHECK(std::string(source["state"].GetString()) == "down");
    CHECK(std::string(source["lastError"].GetString()).find("refused") != std::string::npos);
    Json report = hub.report("gm0363");
    CHECK(std::string(report["status"].GetString()) == "down");
    CHECK(std::string(report["error"].GetString()).find("refused") != std::string::npos);
    Json records = hub.search("source=gm0363&limit=100");
    CHECK(records["numberMatched"].GetInt() == 9);
    // The scheduler's state is read every few seconds by the decorator.
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    records = hub.search("source=gm0363&limit=1");
    CHECK(records["features"][0]["harvest"]["stale"].GetBool());

    amsterdam.start();
    REQUIRE(hub.harvest().exitCode == 0);
    CHECK(std::string(hub.source("gm0363")["state"].GetString()) == "ok");
    CHECK(hub.matched("source=gm0363") == 9);
}

TEST_CASE("a rebuilt node (new epoch) is resynced: what it no longer has is removed") {
    TempDir dir;
    auto node = std::make_unique<Node>(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub hub(dir, "pv27");
    hub.addSource("gm0363", node->url);
    REQUIRE(hub.harvest().exitCode == 0);
    REQUIRE(hub.matched("source=gm0363") == 9);

    // Rebuild: a new database holding 7 of the 9 records, on the same address.
    std::string listen = node->listen;
    node->stop();
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    std::ofstream subset(dir.file("subset.ndjson"));
    for (rapidjson::SizeType i = 0; i < 7; ++i) subset << tweeling::common::toString(all[i]) << "\n";
    subset.close();
    std::filesystem::remove(node->db);
    REQUIRE(run({registryProgram(), "import", "--db", node->db, "--node-id", "gm0363", dir.file("subset.ndjson")})
                .exitCode == 0);
    node->listen = listen;
    node->start();

    auto result = hub.harvest();
    INFO(result.out);
    REQUIRE(result.exitCode == 0);
    Json report = hub.report("gm0363");
    CHECK(report["resync"].GetBool());
    CHECK(count(report, "deleted") == 2);
    CHECK(hub.matched("source=gm0363") == 7);
    CHECK(std::string(hub.source("gm0363")["epoch"].GetString()) ==
          std::string(parse(get(node->url + "/feed?limit=1").body)["epoch"].GetString()));
}

TEST_CASE("more deletions than the threshold are held back until released") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub hub(dir, "pv27");
    hub.addSource("gm0363", amsterdam.url);
    REQUIRE(hub.harvest().exitCode == 0);

    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    for (rapidjson::SizeType i = 0; i < 4; ++i) REQUIRE(remove(amsterdam, all[i]["id"].GetString()) == 204);
    auto held = hub.harvest();
    CHECK(held.exitCode == 1);
    Json report = hub.report("gm0363");
    CHECK(std::string(report["status"].GetString()) == "degraded");
    CHECK(count(report, "heldDeletions") == 4);
    CHECK(count(report, "deleted") == 0);
    CHECK(std::string(report["notes"][0].GetString()).find("held back 4 deletions") != std::string::npos);
    CHECK(hub.matched("source=gm0363") == 9);
    CHECK(std::string(hub.source("gm0363")["state"].GetString()) == "degraded");

    auto released = run({hubProgram(), "sources", "release-deletions", "gm0363", "--db", hub.db});
    CHECK(released.exitCode == 0);
    CHECK(hub.matched("source=gm0363") == 5);
}

TEST_CASE("broken feed pages and invalid records are reported; nothing is half-applied") {
    TempDir dir;
    // A node played by static files: the feed page is whatever we write.
    std::filesystem::create_directories(dir.file("site"));
    ServerProcess site({"/usr/bin/env", "python3", sourcePath("tests/support/static_server.py"), dir.file("site")});
    Hub hub(dir, "pv27");
    hub.addSource("fake", site.baseUrl());

    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    Json invalid;
    invalid.CopyFrom(all[1], invalid.GetAllocator());
    invalid["properties"]["adminUnits"][0].SetString("GM363");
    auto entry = [](int seq, const std::string& record, const std::string& id) {
        return "{\"seq\":" + std::to_string(seq) + ",\"op\":\"put\",\"id\":\"" + id +
               "\",\"origin\":\"gm0363\",\"at\":\"2026-11-30T10:00:00Z\",\"record\":" + record + "}";
    };
    std::string page = "{\"epoch\":\"e1\",\"origin\":\"gm0363\",\"latest\":3,\"entries\":[" +
                       entry(1, tweeling::common::toString(all[0]), all[0]["id"].GetString()) + "," +
                       entry(2, tweeling::common::toString(invalid), all[1]["id"].GetString()) + "," +
                       entry(3, tweeling::common::toString(all[2]), all[2]["id"].GetString()) + "],\"next\":null}";

    SECTION("broken JSON: the page is refused whole") {
        std::ofstream(dir.file("site/feed")) << page.substr(0, page.size() / 2);
        CHECK(hub.harvest().exitCode == 1);
        Json report = hub.report("fake");
        CHECK(std::string(report["error"].GetString()).find("not valid JSON") != std::string::npos);
        CHECK(hub.matched("source=fake") == 0);
        CHECK(hub.source("fake")["cursor"].GetInt() == 0);
    }
    SECTION("an invalid record is rejected alone, with its pointer; the rest of the page is kept") {
        std::ofstream(dir.file("site/feed")) << page;
        auto result = hub.harvest();
        INFO(result.out);
        Json report = hub.report("fake");
        CHECK(count(report, "added") == 2);
        CHECK(count(report, "rejected") == 1);
        REQUIRE(report["rejected"].Size() == 1);
        CHECK(std::string(report["rejected"][0]["id"].GetString()) == all[1]["id"].GetString());
        CHECK(std::string(report["rejected"][0]["problems"][0]["pointer"].GetString()) == "/properties/adminUnits/0");
        CHECK(hub.matched("source=fake") == 2);
        CHECK(hub.source("fake")["cursor"].GetInt() == 3);
        auto text = run({hubProgram(), "report", "--db", hub.db, "--source", "fake"});
        CHECK(text.out.find("/properties/adminUnits/0") != std::string::npos);
    }
}

TEST_CASE("a harvest that stops between feed pages resumes at the page where it stopped") {
    TempDir dir;
    std::filesystem::create_directories(dir.file("site"));
    ServerProcess site({"/usr/bin/env", "python3", sourcePath("tests/support/static_server.py"), dir.file("site")});
    Hub hub(dir, "pv27");
    hub.addSource("paged", site.baseUrl());
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    auto entry = [&](int seq) {
        return "{\"seq\":" + std::to_string(seq) + ",\"op\":\"put\",\"id\":\"" +
               std::string(all[seq - 1]["id"].GetString()) + "\",\"origin\":\"gm0363\",\"record\":" +
               tweeling::common::toString(all[seq - 1]) + "}";
    };
    std::ofstream(dir.file("site/feed?after=0&limit=1000"))
        << "{\"epoch\":\"e1\",\"origin\":\"gm0363\",\"latest\":3,\"entries\":[" << entry(1) << "," << entry(2)
        << "],\"next\":\"x\"}";
    // The second page is not there yet: the node went away mid-harvest.
    CHECK(hub.harvest().exitCode == 1);
    CHECK(hub.source("paged")["cursor"].GetInt() == 2);
    CHECK(hub.matched("source=paged") == 2);
    CHECK(std::string(hub.report("paged")["error"].GetString()).find("404") != std::string::npos);

    std::ofstream(dir.file("site/feed?after=2&limit=1000"))
        << "{\"epoch\":\"e1\",\"origin\":\"gm0363\",\"latest\":3,\"entries\":[" << entry(3) << "],\"next\":null}";
    CHECK(hub.harvest().exitCode == 0);
    Json report = hub.report("paged");
    CHECK(count(report, "added") == 1);  // page one is not fetched again
    CHECK(report["pages"].GetInt() == 1);
    CHECK(hub.source("paged")["cursor"].GetInt() == 3);
    CHECK(hub.matched("source=paged") == 3);
}

TEST_CASE("hubs harvesting each other neither loop nor duplicate; origins may share ids") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "", kAmsterdam);
    Node utrecht(dir, "gm0344", "", "https://identifier.overheid.nl/tooi/id/gemeente/gm0344");
    // Two origins publish the same local id.
    REQUIRE(put(amsterdam, "shared-id", sampleRecord("shared-id", "Gebouwen Amsterdam")) == 201);
    Json utrechtRecord = parse(sampleRecord("shared-id", "Gebouwen Utrecht"));
    utrechtRecord["properties"]["publisher"]["id"].SetString("https://identifier.overheid.nl/tooi/id/gemeente/gm0344");
    REQUIRE(put(utrecht, "shared-id", tweeling::common::toString(utrechtRecord)) == 201);

    Hub a(dir, "hub-a");
    Hub b(dir, "hub-b");
    a.addSource("gm0363", amsterdam.url);
    a.addSource("hub-b", b.url);
    b.addSource("gm0344", utrecht.url);
    b.addSource("hub-a", a.url);
    for (int round = 0; round < 3; ++round) {
        a.harvest();
        b.harvest();
    }
    CHECK(a.matched("") == 2);
    CHECK(b.matched("") == 2);
    CHECK(a.matched("ids=gm0363:shared-id,gm0344:shared-id") == 2);
    CHECK(get(a.url + "/collections/twins/items/shared-id").status == 404);  // ambiguous: name the origin
    std::int64_t latestA = parse(get(a.url + "/feed?limit=1").body)["latest"].GetInt64();
    std::int64_t latestB = parse(get(b.url + "/feed?limit=1").body)["latest"].GetInt64();
    a.harvest();
    b.harvest();
    CHECK(parse(get(a.url + "/feed?limit=1").body)["latest"].GetInt64() == latestA);
    CHECK(parse(get(b.url + "/feed?limit=1").body)["latest"].GetInt64() == latestB);
    CHECK(count(a.report("hub-b"), "added") == 0);
}

TEST_CASE("sources are managed over HTTP with an admin key, and the scheduler harvests at once") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    std::string db = dir.file("hub.db");
    auto keyResult = run({hubProgram(), "keys", "create", "--admin", "--db", db, "--hub-id", "pv27"});
    REQUIRE(keyResult.exitCode == 0);
    std::string admin = trimmed(keyResult.out);
    ServerProcess hub({hubProgram(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--quiet"});
    std::string body = "{\"id\":\"gm0363\",\"url\":\"" + amsterdam.url + "\",\"kind\":\"tweeling\",\"every\":\"15m\"}";

    HttpRequest anonymous{"POST", hub.baseUrl() + "/sources", body, {"Content-Type: application/json"}};
    CHECK(send(anonymous).status == 401);
    HttpRequest badKind{"POST", hub.baseUrl() + "/sources",
                        "{\"id\":\"x\",\"url\":\"http://example.org\",\"kind\":\"csw\"}",
                        {"Content-Type: application/json", "Authorization: Bearer " + admin}};
    auto bad = send(badKind);
    CHECK(bad.status == 400);
    CHECK(bad.body.find("/kind") != std::string::npos);

    HttpRequest add{"POST", hub.baseUrl() + "/sources", body,
                    {"Content-Type: application/json", "Authorization: Bearer " + admin}};
    auto added = send(add);
    INFO(added.body);
    REQUIRE(added.status == 201);
    CHECK(added.header("location") == hub.baseUrl() + "/sources/gm0363");
    CHECK(send(add).status == 409);

    // A new source is due at once; wait for the scheduler's first round.
    Json source;
    for (int i = 0; i < 100; ++i) {
        source = parse(get(hub.baseUrl() + "/sources/gm0363").body);
        if (source["lastAttempt"].IsString()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(source["lastAttempt"].IsString());
    CHECK(std::string(source["state"].GetString()) == "ok");
    CHECK(source["recordsHeld"].GetInt() == 9);
    Json list = parse(get(hub.baseUrl() + "/sources").body);
    CHECK(list["sources"].Size() == 1);

    HttpRequest queue{"POST", hub.baseUrl() + "/sources/gm0363/harvest", "", {"Authorization: Bearer " + admin}};
    CHECK(send(queue).status == 202);
    HttpRequest publishAtHub{"POST", hub.baseUrl() + "/collections/twins/items", body,
                             {"Content-Type: application/json", "Authorization: Bearer " + admin}};
    CHECK(send(publishAtHub).status == 405);

    HttpRequest removeSource{"DELETE", hub.baseUrl() + "/sources/gm0363", "", {"Authorization: Bearer " + admin}};
    CHECK(send(removeSource).status == 204);
    CHECK(get(hub.baseUrl() + "/sources/gm0363").status == 404);
    CHECK(parse(get(hub.baseUrl() + "/collections/twins/items").body)["numberMatched"].GetInt() == 0);
}

TEST_CASE("a generic OGC API – Records catalog is crawled and mapped, with warnings") {
    TempDir dir;
    std::filesystem::create_directories(dir.file("site/collections/metadata"));
    std::string record = readFile(sourcePath("tests/fixtures/ogcapi-records/pygeoapi-demo__dutch-metadata__record_35149dfb.json"));
    std::ofstream(dir.file("site/collections/metadata/items"))
        << "{\"type\":\"FeatureCollection\",\"numberMatched\":1,\"features\":[" << record << "],\"links\":[]}";
    ServerProcess site({"/usr/bin/env", "python3", sourcePath("tests/support/static_server.py"), dir.file("site")});
    Hub hub(dir, "nl");
    // A one-record catalog: its single deletion is 100% of it, so this source allows that.
    hub.addSource("pygeoapi", site.baseUrl() + "/collections/metadata", "ogcapi-records", "1");
    auto result = hub.harvest();
    INFO(result.out);
    Json report = hub.report("pygeoapi");
    CHECK(count(report, "added") == 1);
    CHECK(count(report, "warnings") == 1);
    CHECK(report["warnings"][0]["problems"].Size() > 0);
    CHECK(hub.matched("source=pygeoapi") == 1);
    Json mapped = hub.search("source=pygeoapi");
    CHECK(std::string(mapped["features"][0]["validation"]["status"].GetString()) == "warn");
    CHECK(mapped["features"][0]["validation"]["checks"].Size() > 0);

    // A hub above takes the mapped record with its warnings, not as a rejection.
    Hub above(dir, "eu");
    above.addSource("nl", hub.url);
    above.harvest();
    CHECK(above.matched("origin=pygeoapi") == 1);
    CHECK(count(above.report("nl"), "warnings") == 1);
    CHECK(count(above.report("nl"), "rejected") == 0);

    // Unchanged on the next crawl (content hash).
    hub.harvest();
    CHECK(count(hub.report("pygeoapi"), "unchanged") == 1);

    // The record disappears from the catalog: a complete crawl removes it.
    std::ofstream(dir.file("site/collections/metadata/items"))
        << "{\"type\":\"FeatureCollection\",\"features\":[],\"links\":[]}";
    hub.harvest();
    CHECK(count(hub.report("pygeoapi"), "deleted") == 1);
    CHECK(hub.matched("source=pygeoapi") == 0);
}
