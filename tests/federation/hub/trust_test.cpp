// Trust across the federation (signed records): records signed by their origin, keys pinned at hubs,
// signed key rotation, replays refused — with real nodes and hubs on loopback.
#include "live_federation.hpp"

#include "store/store.hpp"

#include <sqlite3.h>

using namespace tweeling::test;
using namespace tweeling::test::federation;

namespace {

// Changes one byte of a stored record behind the node's back (its signature stays the old one).
// The stored document is read through a Store (it is zstd-compressed on disk) and written back as
// TEXT, the form a database from before compression holds and every version reads as is.
void tamper(const std::string& db, const std::string& id) {
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
    sqlite3_busy_timeout(handle, 5000);
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(handle, "SELECT origin FROM records WHERE id = ?1", -1, &statement, nullptr) == SQLITE_OK);
    sqlite3_bind_text(statement, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
    std::string origin = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    std::string json;
    {
        tweeling::registry::store::StoreOptions options;
        options.path = db;
        options.dictionaryAfter = 0;
        tweeling::registry::store::Store store(options);
        auto stored = store.get(origin, id);
        REQUIRE(stored);
        json = stored->json;
    }
    auto at = json.find("\"title\":\"");
    REQUIRE(at != std::string::npos);
    json.insert(at + 9, "X");
    REQUIRE(sqlite3_prepare_v2(handle, "UPDATE records SET json = ?2 WHERE id = ?1", -1, &statement, nullptr) == SQLITE_OK);
    sqlite3_bind_text(statement, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(statement, 2, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(statement) == SQLITE_DONE);
    CHECK(sqlite3_changes(handle) == 1);
    sqlite3_finalize(statement);
    sqlite3_close(handle);
}

std::string firstSampleId() {
    return parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")))[0]["id"].GetString();
}

std::string publicKeyOf(const std::string& url) {
    auto identity = get(url + "/.well-known/tweeling.json");
    REQUIRE(identity.status == 200);
    return parse(identity.body)["publicKey"].GetString();
}

bool rejectedFor(const Json& report, const std::string& id, const std::string& pointer) {
    for (const auto& rejected : report["rejected"].GetArray())
        if (id == rejected["id"].GetString())
            for (const auto& problem : rejected["problems"].GetArray())
                if (pointer == problem["pointer"].GetString()) return true;
    return false;
}

}  // namespace

TEST_CASE("a node signs its records: identity, feed and items carry the signature") {
    TempDir dir;
    Node node(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Json identity = parse(get(node.url + "/.well-known/tweeling.json").body);
    CHECK(std::string(identity["nodeId"].GetString()) == "gm0363");
    std::string key = identity["publicKey"].GetString();
    CHECK(key.size() == 43);  // 32 bytes, base64url without padding
    CHECK(std::string(parse(get(node.url + "/").body)["publicKey"].GetString()) == key);
    // The private key sits next to the database, readable by its owner only.
    CHECK((std::filesystem::status(node.db + ".signing-key.pem").permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

    Json feed = parse(get(node.url + "/feed?limit=100").body);
    CHECK(std::string(feed["publicKey"].GetString()) == key);
    auto verifier = tweeling::common::PublicKey::fromBase64Url(key);
    for (const auto& entry : feed["entries"].GetArray()) {
        const auto& record = entry["record"];
        std::string bytes = tweeling::common::signedBytes("gm0363", entry["id"].GetString(), "put",
                                                          record["properties"]["updated"].GetString(), &record);
        CHECK(verifier.verify(bytes, entry["signature"].GetString()));
    }
    Json item = parse(get(node.item(firstSampleId())).body);
    CHECK(item["verified"].GetBool());
    CHECK(std::string(item["signature"].GetString()) == feed["entries"][0]["signature"].GetString());

    // A deletion is signed too: over null and the time of the deletion.
    REQUIRE(remove(node, firstSampleId()) == 204);
    Json after = parse(get(node.url + "/feed?after=" + std::to_string(feed["latest"].GetInt64())).body);
    REQUIRE(after["entries"].Size() == 1);
    const auto& tombstone = after["entries"][0];
    CHECK(std::string(tombstone["op"].GetString()) == "delete");
    CHECK(verifier.verify(tweeling::common::signedBytes("gm0363", firstSampleId(), "delete",
                                                        tombstone["updated"].GetString(), nullptr),
                          tombstone["signature"].GetString()));
}

TEST_CASE("a record changed by one byte after signing is rejected at the hub and reported") {
    TempDir dir;
    Node node(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    tamper(node.db, firstSampleId());
    Hub hub(dir, "pv27");
    hub.addSource("gm0363", node.url);
    hub.harvest();
    Json report = hub.report("gm0363");
    CHECK(count(report, "rejected") == 1);
    CHECK(count(report, "added") == 8);
    CHECK(rejectedFor(report, firstSampleId(), "/signature"));
    CHECK(hub.matched("ids=" + firstSampleId()) == 0);
    Json held = hub.search("limit=100");
    for (const auto& record : held["features"].GetArray()) CHECK(record["verified"].GetBool());
}

TEST_CASE("a record relayed by a province hub verifies at the national hub against its origin's key") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub province(dir, "pv27");
    Hub nation(dir, "nl");
    province.addSource("gm0363", amsterdam.url);
    nation.addSource("pv27", province.url);
    REQUIRE(province.harvest().exitCode == 0);
    auto harvested = nation.harvest();
    INFO(harvested.out);
    REQUIRE(harvested.exitCode == 0);

    Json found = nation.search("origin=gm0363&limit=100");
    REQUIRE(found["numberMatched"].GetInt() == 9);
    Json atNode = parse(get(amsterdam.item(firstSampleId())).body);
    for (const auto& record : found["features"].GetArray()) {
        CHECK(record["verified"].GetBool());
        if (firstSampleId() == record["id"].GetString())
            CHECK(std::string(record["signature"].GetString()) == atNode["signature"].GetString());
    }
    // The national hub learned Amsterdam's key from the province's /sources.
    auto keys = run({hubProgram(), "sources", "keys", "--db", nation.db});
    CHECK(keys.out.find("gm0363\t" + publicKeyOf(amsterdam.url) + "\tpinned\tvia pv27") != std::string::npos);

    // A new version travels the same way, signed and verified.
    REQUIRE(put(amsterdam, firstSampleId(), sampleRecord(firstSampleId(), "Gebouwen, nieuwe versie")) == 200);
    REQUIRE(province.harvest().exitCode == 0);
    REQUIRE(nation.harvest().exitCode == 0);
    CHECK(std::string(nation.search("ids=" + firstSampleId())["features"][0]["properties"]["title"].GetString()) ==
          "Gebouwen, nieuwe versie");
}

TEST_CASE("a tampered record at a province hub is rejected at the national hub") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub province(dir, "pv27");
    Hub nation(dir, "nl");
    province.addSource("gm0363", amsterdam.url);
    REQUIRE(province.harvest().exitCode == 0);
    tamper(province.db, firstSampleId());  // before the national hub has seen anything
    nation.addSource("pv27", province.url);
    nation.harvest();
    Json report = nation.report("pv27");
    CHECK(count(report, "added") == 8);
    CHECK(rejectedFor(report, firstSampleId(), "/signature"));
}

TEST_CASE("a key first seen waits for approval; a key other than the pinned one is refused") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Node rotterdam(dir, "gm0599", "deploy/samples/gm0599-rotterdam.json",
                   "https://identifier.overheid.nl/tooi/id/gemeente/gm0599");
    Hub hub(dir, "pv27");
    // Added without --public-key: nothing is harvested until an administrator approves the key.
    auto added = run({hubProgram(), "sources", "add", "--db", hub.db, "--id", "gm0363", "--url", amsterdam.url,
                      "--allow-private"});
    REQUIRE(added.exitCode == 0);
    CHECK(hub.harvest().exitCode == 1);
    Json report = hub.report("gm0363");
    CHECK(std::string(report["error"].GetString()).find("sources approve gm0363") != std::string::npos);
    CHECK(hub.matched("source=gm0363") == 0);
    // Approving another key than the one waiting does nothing.
    CHECK(run({hubProgram(), "sources", "approve", "gm0363", "--db", hub.db, "--public-key",
               publicKeyOf(rotterdam.url)})
              .exitCode == 1);
    auto approved = run({hubProgram(), "sources", "approve", "gm0363", "--db", hub.db, "--public-key",
                         publicKeyOf(amsterdam.url)});
    INFO(approved.err);
    CHECK(approved.exitCode == 0);
    CHECK(hub.harvest().exitCode == 0);
    CHECK(hub.matched("source=gm0363") == 9);

    // A source added with another node's key is refused: Rotterdam's key pinned for a URL that
    // presents Amsterdam's... here: Amsterdam's key for Rotterdam's node.
    auto wrong = run({hubProgram(), "sources", "add", "--db", hub.db, "--id", "gm0599", "--url", rotterdam.url,
                      "--allow-private", "--public-key", publicKeyOf(amsterdam.url)});
    REQUIRE(wrong.exitCode == 0);
    CHECK(hub.harvest("gm0599").exitCode == 1);
    CHECK(std::string(hub.report("gm0599")["error"].GetString()).find("refused a key change") != std::string::npos);
    CHECK(hub.matched("source=gm0599") == 0);
}

TEST_CASE("an announced key rotation is followed; an unannounced key change is refused") {
    TempDir dir;
    Node node(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub province(dir, "pv27");
    Hub nation(dir, "nl");
    province.addSource("gm0363", node.url);
    nation.addSource("pv27", province.url);
    REQUIRE(province.harvest().exitCode == 0);
    REQUIRE(nation.harvest().exitCode == 0);
    std::string oldKey = publicKeyOf(node.url);
    const std::string item = node.url + "/collections/twins/items/" + firstSampleId();
    const std::string etagBefore = get(item).header("etag");
    REQUIRE_FALSE(etagBefore.empty());

    // Rotation: announced by a statement signed with the old key, records re-signed.
    node.stop();
    auto rotated = run({registryProgram(), "keys", "rotate-signing", "--db", node.db});
    INFO(rotated.err);
    REQUIRE(rotated.exitCode == 0);
    std::string newKey = trimmed(rotated.out);
    CHECK(newKey != oldKey);
    CHECK(std::filesystem::exists(node.db + ".signing-key.pem"));
    node.start();
    Json identity = parse(get(node.url + "/.well-known/tweeling.json").body);
    CHECK(std::string(identity["publicKey"].GetString()) == newKey);
    REQUIRE(identity["keyRotations"].Size() == 1);
    CHECK(std::string(identity["keyRotations"][0]["previousKey"].GetString()) == oldKey);
    // The record's content is the same, its signature is not: so is its representation, and a
    // cache holding the old one must not get 304 for it.
    const std::string etagAfter = get(item).header("etag");
    CHECK(etagAfter != etagBefore);
    CHECK(get(item, {"If-None-Match: " + etagBefore}).status == 200);
    CHECK(get(item, {"If-None-Match: " + etagAfter}).status == 304);
    REQUIRE(put(node, "nieuw-na-rotatie", sampleRecord("nieuw-na-rotatie", "Na de rotatie")) == 201);

    auto followed = province.harvest();
    INFO(followed.out);
    CHECK(followed.exitCode == 0);
    Json report = province.report("gm0363");
    CHECK(count(report, "added") == 1);
    CHECK(count(report, "rejected") == 0);
    auto keys = run({hubProgram(), "sources", "keys", "--db", province.db});
    CHECK(keys.out.find(oldKey + "\tretired") != std::string::npos);
    CHECK(keys.out.find(newKey + "\tpinned") != std::string::npos);
    // The national hub follows it through the province's /sources without any manual step.
    REQUIRE(nation.harvest().exitCode == 0);
    Json relayed = nation.search("ids=nieuw-na-rotatie");
    REQUIRE(relayed["numberMatched"].GetInt() == 1);
    CHECK(relayed["features"][0]["verified"].GetBool());
    CHECK(run({hubProgram(), "sources", "keys", "--db", nation.db}).out.find(newKey + "\tpinned") != std::string::npos);
    // Records signed before the rotation and held at the hubs still verify as relayed.
    CHECK(nation.matched("origin=gm0363") == 10);

    // An unannounced change: the key file replaced by a fresh one, without a signed statement.
    node.stop();
    std::filesystem::remove(node.db + ".signing-key.pem");
    node.start();
    REQUIRE(put(node, "nieuw-ander-sleutel", sampleRecord("nieuw-ander-sleutel", "Met een andere sleutel")) == 201);
    CHECK(province.harvest().exitCode == 1);
    Json refused = province.report("gm0363");
    CHECK(std::string(refused["error"].GetString()).find("refused a key change") != std::string::npos);
    CHECK(province.matched("ids=nieuw-ander-sleutel") == 0);
    CHECK(province.matched("source=gm0363") == 10);  // what was held stays
}

TEST_CASE("a replayed older version of a record is refused and reported") {
    TempDir dir;
    FakeNode fake(dir, "gm0363");
    Hub hub(dir, "pv27");
    hub.addSource("gm0363", fake.url());
    std::string id = firstSampleId();
    Json older = parse(sampleRecord(id, "Versie 1"));
    older["properties"]["updated"].SetString("2026-01-01T00:00:00Z");
    Json newer = parse(sampleRecord(id, "Versie 2"));
    newer["properties"]["updated"].SetString("2026-06-01T00:00:00Z");
    // Round 1 serves the newer version; round 2 (after seq 1) replays the older one, validly signed.
    fake.page("feed?after=0&limit=1000", "e1", 1, {fake.put(1, tweeling::common::toString(newer))});
    fake.page("feed?after=1&limit=1000", "e1", 2, {fake.put(2, tweeling::common::toString(older))});
    REQUIRE(hub.harvest().exitCode == 0);
    CHECK(count(hub.report("gm0363"), "added") == 1);
    hub.harvest();
    Json report = hub.report("gm0363");
    CHECK(count(report, "rejected") == 1);
    CHECK(rejectedFor(report, id, "/properties/updated"));
    Json held = hub.search("ids=" + id);
    REQUIRE(held["numberMatched"].GetInt() == 1);
    CHECK(std::string(held["features"][0]["properties"]["title"].GetString()) == "Versie 2");
}

TEST_CASE("an entry without a signature, or signed by another key, is rejected") {
    TempDir dir;
    FakeNode fake(dir, "gm0363");
    Hub hub(dir, "pv27");
    hub.addSource("gm0363", fake.url());
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    std::string unsigned_ = "{\"seq\":2,\"op\":\"put\",\"id\":\"" + std::string(all[1]["id"].GetString()) +
                            "\",\"origin\":\"gm0363\",\"at\":\"2026-11-30T10:00:00Z\",\"record\":" +
                            tweeling::common::toString(all[1]) + "}";
    FakeNode impostor(dir, "gm0363-impostor");
    impostor.origin = "gm0363";  // signs as gm0363 with its own key
    fake.page("feed?after=0&limit=1000", "e1", 3,
              {fake.put(1, tweeling::common::toString(all[0])), unsigned_,
               impostor.put(3, tweeling::common::toString(all[2]))});
    hub.harvest();
    Json report = hub.report("gm0363");
    CHECK(count(report, "added") == 1);
    CHECK(count(report, "rejected") == 2);
    CHECK(rejectedFor(report, all[1]["id"].GetString(), "/signature"));
    CHECK(rejectedFor(report, all[2]["id"].GetString(), "/signature"));
}

namespace {

// Feed entries of a hub that relays records it does not sign (as it does a foreign catalog's).
std::string unsignedPut(int seq, const std::string& origin, const Json& record) {
    return "{\"seq\":" + std::to_string(seq) + ",\"op\":\"put\",\"id\":\"" + record["id"].GetString() +
           "\",\"origin\":\"" + origin + "\",\"at\":\"2030-01-01T00:00:00Z\",\"record\":" +
           tweeling::common::toString(record) + "}";
}

std::string unsignedDelete(int seq, const std::string& origin, const std::string& id) {
    return "{\"seq\":" + std::to_string(seq) + ",\"op\":\"delete\",\"id\":\"" + id + "\",\"origin\":\"" + origin +
           "\",\"at\":\"2030-01-01T00:00:00Z\",\"updated\":\"2030-01-01T00:00:00Z\"}";
}

Json newerSample(const std::string& id, const std::string& title) {
    Json record = parse(sampleRecord(id, title));
    record["properties"]["updated"].SetString("2030-01-01T00:00:00Z");
    return record;
}

struct HeldRecord {
    bool verified = false;
    std::string title, signature, source;
};

HeldRecord held(Hub& hub, const std::string& origin, const std::string& id) {
    auto response = get(hub.url + "/collections/twins/items/" + origin + ":" + id);
    INFO(origin << ":" << id << " " << response.body);
    REQUIRE(response.status == 200);
    Json record = parse(response.body);
    return {record["verified"].GetBool(), record["properties"]["title"].GetString(),
            record.HasMember("signature") ? record["signature"].GetString() : "",
            record["harvest"]["source"].GetString()};
}

}  // namespace

TEST_CASE("a hub listing a signing origin as an unsigned catalog can neither replace nor delete its records") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub hub(dir, "nl");
    hub.addSource("gm0363", amsterdam.url);
    REQUIRE(hub.harvest().exitCode == 0);
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    const std::string first = all[0]["id"].GetString(), second = all[1]["id"].GetString(),
                      third = all[2]["id"].GetString();
    HeldRecord before = held(hub, "gm0363", first);
    REQUIRE(before.verified);

    // A source approved under its own key that says it is a hub crawling a catalog named gm0363,
    // and sends unsigned puts and deletes under that name (newer than anything held); beside
    // them, records of a catalog of its own, which are its to relay unsigned.
    FakeNode hostile(dir, "evil");
    hostile.playHub("[{\"id\":\"gm0363\",\"kind\":\"ogcapi-records\"},{\"id\":\"evil-catalog\",\"kind\":\"ogcapi-records\"}]");
    Json own = parse(sampleRecord("eigen-record", "Een eigen catalogusrecord"));
    hostile.page("feed?after=0&limit=1000", "e1", 5,
                 {unsignedPut(1, "gm0363", newerSample(first, "Vervalst")),
                  unsignedPut(2, "gm0363", newerSample("gm0363-geplant", "Geplant")),
                  unsignedDelete(3, "gm0363", second), unsignedDelete(4, "gm0363", third),
                  unsignedPut(5, "evil-catalog", own)});
    hub.addSource("evil", hostile.url(), "tweeling", "1");
    auto round = hub.harvest();
    INFO(round.out);
    CHECK(round.exitCode == 1);  // not "ok": the operator must hear of an impostor

    Json report = hub.report("evil");
    INFO(tweeling::common::toString(report));
    CHECK(std::string(report["status"].GetString()) == "degraded");
    CHECK(std::string(report["error"].GetString()).find("gm0363") != std::string::npos);
    CHECK(count(report, "rejected") == 4);
    CHECK(count(report, "deleted") == 0);
    CHECK(count(report, "added") == 1);  // its own catalog's record
    for (const std::string& id : {first, std::string("gm0363-geplant"), second, third})
        CHECK(rejectedFor(report, id, "/origin"));

    // The genuine records are intact: the same content, still verified, none deleted or added.
    HeldRecord after = held(hub, "gm0363", first);
    CHECK(after.verified);
    CHECK(after.title == before.title);
    CHECK(after.signature == before.signature);
    CHECK(after.source == "gm0363");
    CHECK(held(hub, "gm0363", second).verified);
    CHECK(held(hub, "gm0363", third).verified);
    CHECK(hub.matched("origin=gm0363") == 9);
    CHECK(hub.matched("source=evil") == 1);
    CHECK(hub.matched("origin=evil-catalog") == 1);

    // And they stay so through another round of both.
    REQUIRE(hub.harvest("gm0363").exitCode == 0);
    hub.harvest("evil");
    CHECK(hub.matched("origin=gm0363") == 9);
    CHECK(held(hub, "gm0363", first).title == before.title);
}

TEST_CASE("a relaying hub's unsigned tombstones do not remove a signing origin's records") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    // A province hub vouches for Amsterdam's key and relays its signed records faithfully, then
    // withdraws two of them with tombstones of its own, which Amsterdam did not sign.
    FakeNode province(dir, "pv27");
    province.playHub("[{\"id\":\"gm0363\",\"kind\":\"tweeling\",\"origins\":[{\"origin\":\"gm0363\",\"publicKey\":\"" +
                     publicKeyOf(amsterdam.url) + "\"}]}]");
    Json feed = parse(get(amsterdam.url + "/feed?after=0&limit=100").body);
    std::vector<std::string> entries;
    int seq = 0;
    for (auto& entry : feed["entries"].GetArray()) {
        entry["seq"].SetInt64(++seq);
        entries.push_back(tweeling::common::toString(entry));
    }
    REQUIRE(seq == 9);
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    const std::string first = all[0]["id"].GetString(), second = all[1]["id"].GetString();
    entries.push_back(unsignedDelete(10, "gm0363", first));
    entries.push_back(unsignedDelete(11, "gm0363", second));
    province.page("feed?after=0&limit=1000", "e1", 11, entries);

    Hub hub(dir, "nl");
    hub.addSource("pv27", province.url(), "tweeling", "1");
    auto round = hub.harvest();
    INFO(round.out);
    Json report = hub.report("pv27");
    INFO(tweeling::common::toString(report));
    CHECK(count(report, "added") == 9);
    CHECK(count(report, "deleted") == 0);
    CHECK(count(report, "rejected") == 2);
    CHECK(rejectedFor(report, first, "/signature"));
    CHECK(rejectedFor(report, second, "/signature"));
    CHECK(hub.matched("origin=gm0363") == 9);
    CHECK(held(hub, "gm0363", first).verified);

    // Amsterdam's own signed tombstone, relayed by the same hub, does remove it.
    REQUIRE(remove(amsterdam, first) == 204);
    Json tombstone = parse(get(amsterdam.url + "/feed?after=" + std::to_string(feed["latest"].GetInt64())).body);
    REQUIRE(tombstone["entries"].Size() == 1);
    tombstone["entries"][0]["seq"].SetInt64(12);
    province.page("feed?after=11&limit=1000", "e1", 12, {tweeling::common::toString(tombstone["entries"][0])});
    REQUIRE(hub.harvest().exitCode == 0);
    CHECK(count(hub.report("pv27"), "deleted") == 1);
    CHECK(hub.matched("origin=gm0363") == 8);

    // The province is rebuilt (a new epoch) and lists only three of them: its listing is not
    // Amsterdam's word, so the others stay.
    province.page("feed?after=12&limit=1000", "e2", 4, {});
    province.page("feed?after=0&limit=1000", "e2", 4, {entries[1], entries[2], entries[3]});
    REQUIRE(hub.harvest().exitCode == 0);
    Json resync = hub.report("pv27");
    INFO(tweeling::common::toString(resync));
    CHECK(resync["resync"].GetBool());
    CHECK(count(resync, "deleted") == 0);
    CHECK(tweeling::common::toString(resync["notes"]).find("kept 8 records") != std::string::npos);
    CHECK(hub.matched("origin=gm0363") == 8);
}

TEST_CASE("a foreign catalog added under a signing origin's id is refused; the origin's records stay") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Hub hub(dir, "nl");
    hub.addSource("amsterdam", amsterdam.url);  // the node's origin is gm0363, its source id not
    REQUIRE(hub.harvest().exitCode == 0);
    const std::string first = firstSampleId();
    HeldRecord before = held(hub, "gm0363", first);

    // A catalog whose records would take the origin gm0363: one with an id Amsterdam uses, newer.
    std::filesystem::create_directories(dir.file("site/collections/metadata"));
    Json foreign = parse(readFile(sourcePath("tests/fixtures/ogcapi-records/pygeoapi-demo__dutch-metadata__record_35149dfb.json")));
    Json colliding;
    colliding.CopyFrom(foreign, colliding.GetAllocator());
    colliding["id"].SetString(first.c_str(), colliding.GetAllocator());
    colliding["properties"]["updated"].SetString("2030-01-01T00:00:00Z");
    std::ofstream(dir.file("site/collections/metadata/items"))
        << "{\"type\":\"FeatureCollection\",\"features\":[" << tweeling::common::toString(foreign) << ","
        << tweeling::common::toString(colliding) << "],\"links\":[]}";
    ServerProcess site({"/usr/bin/env", "python3", sourcePath("tests/support/static_server.py"), dir.file("site")});
    hub.addSource("gm0363", site.baseUrl() + "/collections/metadata", "ogcapi-records", "1");
    CHECK(hub.harvest("gm0363").exitCode == 1);

    Json report = hub.report("gm0363");
    INFO(tweeling::common::toString(report));
    CHECK(std::string(report["status"].GetString()) == "degraded");
    CHECK(std::string(report["error"].GetString()).find("signs its records") != std::string::npos);
    CHECK(count(report, "added") + count(report, "updated") + count(report, "deleted") == 0);
    CHECK(rejectedFor(report, first, "/origin"));
    CHECK(rejectedFor(report, foreign["id"].GetString(), "/origin"));
    CHECK(hub.matched("source=gm0363") == 0);
    CHECK(hub.matched("origin=gm0363") == 9);
    HeldRecord after = held(hub, "gm0363", first);
    CHECK(after.verified);
    CHECK(after.title == before.title);
    CHECK(after.source == "amsterdam");

    // Removing the refused source removes nothing of Amsterdam's.
    CHECK(run({hubProgram(), "sources", "remove", "gm0363", "--db", hub.db}).exitCode == 0);
    CHECK(hub.matched("origin=gm0363") == 9);
}
