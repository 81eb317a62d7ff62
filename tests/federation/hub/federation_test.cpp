// Integration tests of federation: real twin-registry nodes and twin-federation hubs on loopback,
// two levels deep, harvesting each other's /feed.
#include "live_federation.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace tweeling::test;
using namespace tweeling::test::federation;
using tweeling::common::Json;

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
    // The server reads the sources' states at most every two seconds; on a loaded machine the
    // first read after the failed round may come later, so poll (up to 15 s).
    bool stale = false;
    for (int i = 0; i < 75 && !stale; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        records = hub.search("source=gm0363&limit=1");
        const auto& harvest = records["features"][0]["harvest"];
        stale = harvest.HasMember("stale") && harvest["stale"].GetBool();
    }
    CHECK(stale);

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
    // A node played by static files: the feed page is whatever we write (signed like a node's).
    FakeNode fake(dir, "gm0363");
    Hub hub(dir, "pv27");
    hub.addSource("fake", fake.url());

    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    Json invalid;
    invalid.CopyFrom(all[1], invalid.GetAllocator());
    invalid["properties"]["adminUnits"][0].SetString("GM363");
    std::vector<std::string> entries = {fake.put(1, tweeling::common::toString(all[0])),
                                        fake.put(2, tweeling::common::toString(invalid)),
                                        fake.put(3, tweeling::common::toString(all[2]))};

    SECTION("broken JSON: the page is refused whole") {
        fake.page("feed", "e1", 3, entries, true);
        CHECK(hub.harvest().exitCode == 1);
        Json report = hub.report("fake");
        CHECK(std::string(report["error"].GetString()).find("not valid JSON") != std::string::npos);
        CHECK(hub.matched("source=fake") == 0);
        CHECK(hub.source("fake")["cursor"].GetInt() == 0);
    }
    SECTION("an invalid record is rejected alone, with its pointer; the rest of the page is kept") {
        fake.page("feed", "e1", 3, entries);
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
    FakeNode fake(dir, "gm0363");
    Hub hub(dir, "pv27");
    hub.addSource("paged", fake.url());
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    auto entry = [&](int seq) { return fake.put(seq, tweeling::common::toString(all[seq - 1])); };
    fake.page("feed?after=0&limit=1000", "e1", 3, {entry(1), entry(2)});
    // The second page is not there yet: the node went away mid-harvest.
    CHECK(hub.harvest().exitCode == 1);
    CHECK(hub.source("paged")["cursor"].GetInt() == 2);
    CHECK(hub.matched("source=paged") == 2);
    CHECK(std::string(hub.report("paged")["error"].GetString()).find("404") != std::string::npos);

    fake.page("feed?after=2&limit=1000", "e1", 3, {entry(3)});
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
    std::string nodeKey = parse(get(amsterdam.url + "/.well-known/tweeling.json").body)["publicKey"].GetString();
    std::string body = "{\"id\":\"gm0363\",\"url\":\"" + amsterdam.url +
                       "\",\"kind\":\"tweeling\",\"every\":\"15m\",\"allowPrivate\":true,\"publicKey\":\"" +
                       nodeKey + "\"}";
    HttpRequest badKey{"POST", hub.baseUrl() + "/sources",
                       "{\"id\":\"x\",\"url\":\"http://example.org\",\"publicKey\":\"not-a-key\"}",
                       {"Content-Type: application/json", "Authorization: Bearer " + admin}};
    auto refusedKey = send(badKey);
    CHECK(refusedKey.status == 400);
    CHECK(refusedKey.body.find("/publicKey") != std::string::npos);

    HttpRequest anonymous{"POST", hub.baseUrl() + "/sources", body, {"Content-Type: application/json"}};
    CHECK(send(anonymous).status == 401);
    // A header that is not a bearer token is answered as a node answers it (RFC 6750 §3.1).
    HttpRequest basic{"POST", hub.baseUrl() + "/sources", body,
                      {"Content-Type: application/json", "Authorization: Basic YWRtaW46YWRtaW4="}};
    auto refusedBasic = send(basic);
    CHECK(refusedBasic.status == 401);
    CHECK(refusedBasic.header("www-authenticate") == "Bearer realm=\"tweeling-hub\", error=\"invalid_request\"");
    // The scheme is case-insensitive (RFC 9110 §11.1): a 400 about /kind, not a 401, shows the key was taken.
    HttpRequest badKind{"POST", hub.baseUrl() + "/sources",
                        "{\"id\":\"x\",\"url\":\"http://example.org\",\"kind\":\"sparql\"}",
                        {"Content-Type: application/json", "Authorization: BEARER " + admin}};
    auto bad = send(badKind);
    CHECK(bad.status == 400);
    CHECK(bad.body.find("/kind") != std::string::npos);
    HttpRequest badAllow{"POST", hub.baseUrl() + "/sources",
                         "{\"id\":\"x\",\"url\":\"http://example.org\",\"allowPrivate\":\"yes\"}",
                         {"Content-Type: application/json", "Authorization: Bearer " + admin}};
    bad = send(badAllow);
    CHECK(bad.status == 400);
    CHECK(bad.body.find("/allowPrivate") != std::string::npos);
    HttpRequest badPin{"POST", hub.baseUrl() + "/sources",
                       "{\"id\":\"x\",\"url\":\"https://example.org\",\"tlsPin\":\"sha1//abc\"}",
                       {"Content-Type: application/json", "Authorization: Bearer " + admin}};
    bad = send(badPin);
    CHECK(bad.status == 400);
    CHECK(bad.body.find("/tlsPin") != std::string::npos);

    HttpRequest add{"POST", hub.baseUrl() + "/sources", body,
                    {"Content-Type: application/json", "Authorization: Bearer " + admin}};
    auto added = send(add);
    INFO(added.body);
    REQUIRE(added.status == 201);
    CHECK(added.header("location") == hub.baseUrl() + "/sources/gm0363");
    CHECK(parse(added.body)["allowPrivate"].GetBool());
    CHECK(parse(added.body)["tlsPin"].IsNull());
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
    // The source lists the key pinned for its origin, for hubs further on.
    REQUIRE(list["sources"][0]["origins"].Size() == 1);
    CHECK(std::string(list["sources"][0]["origins"][0]["publicKey"].GetString()) == nodeKey);

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

TEST_CASE("a source on 127.0.0.1 added without --allow-private is refused; nothing is stored") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub hub(dir, "pv27");
    hub.addSource("gm0363", amsterdam.url, "tweeling", "0.3", false);
    hub.addSource("allowed", amsterdam.url);
    const std::string refusal =
        "refused to connect to 127.0.0.1 (loopback address): the source was not added with --allow-private";

    auto listed = run({hubProgram(), "sources", "list", "--db", hub.db});
    CHECK(listed.out.find("allowed\ttweeling\t" + amsterdam.url) != std::string::npos);
    CHECK(listed.out.find("private addresses allowed") != std::string::npos);
    CHECK(listed.out.find("gm0363\ttweeling\t" + amsterdam.url + "\tnever-harvested\t0 records\tlast success never\n") !=
          std::string::npos);

    auto result = hub.harvest("gm0363");
    INFO(result.out << result.err);
    CHECK(result.exitCode == 1);
    CHECK(result.out.find(refusal) != std::string::npos);
    Json source = hub.source("gm0363");
    CHECK(std::string(source["state"].GetString()) == "down");
    CHECK_FALSE(source["allowPrivate"].GetBool());
    CHECK(std::string(source["lastError"].GetString()).find(refusal) != std::string::npos);
    Json report = hub.report("gm0363");
    CHECK(std::string(report["status"].GetString()) == "down");
    CHECK(std::string(report["error"].GetString()).find(refusal) != std::string::npos);
    CHECK(count(report, "added") == 0);
    CHECK(hub.matched("source=gm0363") == 0);
    CHECK(hub.source("gm0363")["cursor"].GetInt() == 0);

    // The same node added with --allow-private is harvested.
    REQUIRE(hub.harvest("allowed").exitCode == 0);
    CHECK(hub.source("allowed")["allowPrivate"].GetBool());
    CHECK(hub.matched("source=allowed") == 9);
}

TEST_CASE("sources add takes --tls-pin for https sources and checks it") {
    TempDir dir;
    std::string db = dir.file("hub.db");
    const std::string pin = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
    auto added = run({hubProgram(), "sources", "add", "--db", db, "--id", "pinned", "--url",
                      "https://twin.example.org/registry", "--tls-pin", pin});
    INFO(added.err);
    REQUIRE(added.exitCode == 0);
    auto listed = run({hubProgram(), "sources", "list", "--db", db});
    CHECK(listed.out.find("TLS pin " + pin) != std::string::npos);

    auto plainHttp = run({hubProgram(), "sources", "add", "--db", db, "--id", "plain", "--url",
                          "http://twin.example.org/registry", "--tls-pin", pin});
    CHECK(plainHttp.exitCode == 2);
    CHECK(plainHttp.err.find("tlsPin: a pinned source needs an https URL") != std::string::npos);
    auto malformed = run({hubProgram(), "sources", "add", "--db", db, "--id", "bad", "--url",
                          "https://twin.example.org/registry", "--tls-pin", "YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE="});
    CHECK(malformed.exitCode == 2);
    CHECK(malformed.err.find("tlsPin:") != std::string::npos);

    // A switch given a value means what the value says; anything but true/false is refused.
    REQUIRE(run({hubProgram(), "sources", "add", "--db", db, "--id", "off", "--url", "https://twin.example.org/a",
                 "--allow-private=false"}).exitCode == 0);
    REQUIRE(run({hubProgram(), "sources", "add", "--db", db, "--id", "on", "--url", "https://twin.example.org/b",
                 "--allow-private=yes"}).exitCode == 0);
    listed = run({hubProgram(), "sources", "list", "--db", db});
    CHECK(listed.out.find("off\ttweeling\thttps://twin.example.org/a\tnever-harvested\t0 records\tlast success never\n") !=
          std::string::npos);
    CHECK(listed.out.find("on\ttweeling\thttps://twin.example.org/b\tnever-harvested\t0 records\tlast success never\tprivate addresses allowed") !=
          std::string::npos);
    auto unclear = run({hubProgram(), "sources", "add", "--db", db, "--id", "x", "--url", "https://twin.example.org/c",
                        "--allow-private=maybe"});
    CHECK(unclear.exitCode == 2);
    CHECK(unclear.err.find("--allow-private is a switch") != std::string::npos);

    auto help = run({hubProgram(), "sources", "--help"});
    CHECK((help.out + help.err).find("--allow-private") != std::string::npos);
    CHECK((help.out + help.err).find("--tls-pin") != std::string::npos);
}
