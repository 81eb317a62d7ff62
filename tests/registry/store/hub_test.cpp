// What a federation hub needs from the store: sources, one record by two paths, tombstones that
// travel slower than updates, a page and its cursor in one transaction.
#include "store/sqlite.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace tweeling::test;
using namespace tweeling::registry::store;

namespace {

PutRequest harvested(TestRecord record, const std::string& source, const std::string& origin) {
    PutRequest request = record.from(origin).request();
    request.source = source;
    return request;
}

}  // namespace

TEST_CASE("one record reached by two sources is stored once; the newer wins", "[store][hub]") {
    TempDir dir;
    auto store = openStore(dir.file("hub.db"), "nl");

    auto direct = harvested(makeRecord("gebouwen").updated(1000).version("a"), "gm0363", "gm0363");
    REQUIRE(store->put(direct) == PutOutcome::Created);
    // The same content through the province: unchanged, nothing written.
    auto viaProvince = harvested(makeRecord("gebouwen").updated(1000).version("a"), "pv27", "gm0363");
    CHECK(store->put(viaProvince) == PutOutcome::Unchanged);
    // An older or equally old different version through the province does not replace it.
    auto older = harvested(makeRecord("gebouwen").updated(900).version("old"), "pv27", "gm0363");
    CHECK(store->put(older) == PutOutcome::Stale);
    auto tie = harvested(makeRecord("gebouwen").updated(1000).version("tie"), "pv27", "gm0363");
    CHECK(store->put(tie) == PutOutcome::Stale);
    // A newer version wins and the record now belongs to that source.
    auto newer = harvested(makeRecord("gebouwen").updated(2000).version("new"), "pv27", "gm0363");
    CHECK(store->put(newer) == PutOutcome::Replaced);
    auto held = store->get("gm0363", "gebouwen");
    REQUIRE(held);
    CHECK(held->source == "pv27");
    CHECK(held->key == "gm0363:gebouwen");
    // An older version from its own source is a replay and is refused (signed records); a newer one from
    // it replaces it.
    auto replay = harvested(makeRecord("gebouwen").updated(1500).version("own"), "pv27", "gm0363");
    CHECK(store->put(replay) == PutOutcome::Replayed);
    CHECK(store->get("gm0363", "gebouwen")->updated == 2000);
    auto again = harvested(makeRecord("gebouwen").updated(2500).version("own"), "pv27", "gm0363");
    CHECK(store->put(again) == PutOutcome::Replaced);

    // Two origins may share a local id.
    CHECK(store->put(harvested(makeRecord("gebouwen").updated(1000), "gm0599", "gm0599")) == PutOutcome::Created);
    CHECK(store->countOfSource("pv27") == 1);
    CHECK(store->countOfSource("gm0599") == 1);
}

TEST_CASE("a tombstone from another source does not remove a newer record", "[store][hub]") {
    TempDir dir;
    auto store = openStore(dir.file("hub.db"), "nl");
    REQUIRE(store->put(harvested(makeRecord("r1").updated(5000), "gm0363", "gm0363")) == PutOutcome::Created);

    WriteBatch batch;
    batch.removes.push_back({"gm0363", "r1", "pv27", 4000, "", ""});  // deleted before the held version
    CHECK(store->apply(batch).removes.front() == RemoveOutcome::Kept);
    batch.removes = {{"gm0363", "r1", "pv27", 6000, "", ""}};  // deleted after it: gone
    CHECK(store->apply(batch).removes.front() == RemoveOutcome::Removed);
    CHECK_FALSE(store->get("gm0363", "r1"));
    CHECK(store->apply(batch).removes.front() == RemoveOutcome::Absent);

    // The holding source's own tombstone always removes.
    REQUIRE(store->put(harvested(makeRecord("r2").updated(5000), "gm0363", "gm0363")) == PutOutcome::Created);
    batch.removes = {{"gm0363", "r2", "gm0363", 0, "", ""}};
    CHECK(store->apply(batch).removes.front() == RemoveOutcome::Removed);

    // Tombstones reach the hub's own feed, so the hub above learns of the deletion.
    auto page = store->feed(0, 100);
    int deletes = 0;
    for (const auto& entry : page.entries) deletes += entry.op == "delete";
    CHECK(deletes == 2);
}

TEST_CASE("an unsigned copy never replaces or removes a signed record; a signed copy replaces an unsigned one",
          "[store][hub][trust]") {
    TempDir dir;
    auto store = openStore(dir.file("hub.db"), "nl");
    auto signedBy = [](PutRequest request) {
        request.signature = "c2lnbmVk";
        request.verified = true;
        return request;
    };
    REQUIRE(store->put(signedBy(harvested(makeRecord("r1").updated(1000).version("a"), "gm0363", "gm0363"))) ==
            PutOutcome::Created);

    // Newer, from another path or from its own: refused, whatever `updated` it claims.
    CHECK(store->put(harvested(makeRecord("r1").updated(9000).version("forged"), "evil", "gm0363")) ==
          PutOutcome::Unsigned);
    CHECK(store->put(harvested(makeRecord("r1").updated(9000).version("forged"), "gm0363", "gm0363")) ==
          PutOutcome::Unsigned);
    auto held = store->get("gm0363", "r1");
    REQUIRE(held);
    CHECK(held->verified);
    CHECK(held->source == "gm0363");
    CHECK(held->updated == 1000);

    // An unsigned deletion from another path, however late, keeps it; a signed one removes it.
    WriteBatch batch;
    batch.removes.push_back({"gm0363", "r1", "evil", 9000, "", ""});
    CHECK(store->apply(batch).removes.front() == RemoveOutcome::Kept);
    CHECK(store->get("gm0363", "r1"));
    batch.removes = {{"gm0363", "r1", "pv27", 9000, "2030-01-01T00:00:00Z", "c2lnbmVk"}};
    CHECK(store->apply(batch).removes.front() == RemoveOutcome::Removed);

    // Held unsigned (stored before the origin's key was known): the signed copy takes its place,
    // even when not newer, and the same content now signed is written too.
    REQUIRE(store->put(harvested(makeRecord("r2").updated(5000).version("u"), "evil", "gm0363")) == PutOutcome::Created);
    CHECK(store->put(signedBy(harvested(makeRecord("r2").updated(1000).version("s"), "gm0363", "gm0363"))) ==
          PutOutcome::Replaced);
    CHECK(store->get("gm0363", "r2")->verified);
    CHECK(store->get("gm0363", "r2")->source == "gm0363");
    REQUIRE(store->put(harvested(makeRecord("r3").updated(1000).version("same"), "evil", "gm0363")) ==
            PutOutcome::Created);
    CHECK(store->put(signedBy(harvested(makeRecord("r3").updated(1000).version("same"), "gm0363", "gm0363"))) ==
          PutOutcome::Replaced);
    CHECK(store->get("gm0363", "r3")->verified);

    // A path's unsigned withdrawal still removes its own copy (a resync, a source removed).
    batch.removes = {{"gm0363", "r3", "gm0363", 0, "", ""}};
    CHECK(store->apply(batch).removes.front() == RemoveOutcome::Removed);
}

TEST_CASE("a page and its cursor commit together or not at all", "[store][hub][transaction]") {
    TempDir dir;
    auto store = openStore(dir.file("hub.db"), "nl");
    store->write([](Database& db) { db.exec("CREATE TABLE cursors(source TEXT PRIMARY KEY, seq INTEGER)"); });

    WriteBatch page;
    page.puts.push_back(harvested(makeRecord("a").updated(1), "gm0363", "gm0363"));
    page.puts.push_back(harvested(makeRecord("b").updated(1), "gm0363", "gm0363"));
    store->apply(page, [](Database& db) { db.exec("INSERT INTO cursors VALUES ('gm0363', 2)"); });
    CHECK(store->countOfSource("gm0363") == 2);

    WriteBatch next;
    next.puts.push_back(harvested(makeRecord("c").updated(1), "gm0363", "gm0363"));
    CHECK_THROWS(store->apply(next, [](Database&) { throw std::runtime_error("crash while saving the cursor"); }));
    CHECK_FALSE(store->get("gm0363", "c"));
    std::int64_t cursor = -1;
    store->read([&](Database& db) {
        Statement statement(db, "SELECT seq FROM cursors WHERE source = 'gm0363'");
        if (statement.step()) cursor = statement.int64(0);
    });
    CHECK(cursor == 2);
}

TEST_CASE("a source's records are listed, searched and removed with tombstones", "[store][hub]") {
    TempDir dir;
    auto store = openStore(dir.file("hub.db"), "nl");
    for (int i = 0; i < 5; ++i)
        store->put(harvested(makeRecord("a" + std::to_string(i)).updated(1), "gm0363", "gm0363"));
    for (int i = 0; i < 3; ++i)
        store->put(harvested(makeRecord("b" + std::to_string(i)).updated(1), "gm0599", "gm0599"));

    SearchQuery query;
    query.sources = {"gm0599"};
    auto result = store->search(query);
    CHECK(result.numberMatched == 3);
    for (const auto& hit : result.hits) CHECK(hit.source == "gm0599");

    CHECK(store->recordsOfSource("gm0363").size() == 5);
    std::int64_t latest = store->feed(0, 1).latest;
    CHECK(store->removeSource("gm0363") == 5);
    CHECK(store->countOfSource("gm0363") == 0);
    CHECK(store->countOfSource("gm0599") == 3);
    auto after = store->feed(latest, 100);
    CHECK(after.entries.size() == 5);
    for (const auto& entry : after.entries) CHECK(entry.op == "delete");
}

TEST_CASE("a hub's verdict on a record: filtered and counted, a new feed entry, never on a newer version",
          "[store][hub]") {
    TempDir dir;
    for (bool sqlOnly : {false, true}) {
        StoreOptions options;
        options.path = dir.file(sqlOnly ? "sql.db" : "hub.db");
        options.nodeId = "nl";
        options.sqlSearchOnly = sqlOnly;
        options.indexBuilder = false;
        Store store(options);
        for (const char* id : {"a", "b", "c"})
            REQUIRE(store.put(harvested(makeRecord(id).updated(1000), "gm0363", "gm0363")) == PutOutcome::Created);
        auto held = store.get("gm0363:a");
        REQUIRE(held);
        const std::int64_t before = store.currentSeq();

        std::string judged = held->json;
        judged.insert(judged.size() - 1, R"(,"validation":{"status":"fail","checks":[]})");
        auto b = store.get("gm0363:b");
        std::vector<Annotation> verdicts = {{"gm0363:a", held->hash, judged, "fail"},
                                            {"gm0363:b", b->hash, b->json, "pass"},
                                            {"gm0363:c", "not-the-held-hash", "{}", "pass"}};
        CHECK(store.annotate(verdicts) == std::vector<bool>{true, true, false});

        auto after = store.get("gm0363:a");
        CHECK(after->json == judged);
        CHECK(after->hash == held->hash);  // the content did not change
        CHECK(after->seq > before);
        CHECK(store.get("gm0363:c")->json != "{}");
        auto page = store.feed(before, 10);
        REQUIRE(page.entries.size() == 2);
        CHECK(page.entries[0].key == "gm0363:a");
        CHECK(*page.entries[0].json == judged);

        SearchQuery query;
        query.validations = {"fail"};
        query.facets = {"validation"};
        query.limit = 10;
        SearchResult result = store.search(query);
        REQUIRE(result.numberMatched == 1);
        CHECK(result.hits[0].key == "gm0363:a");
        query.validations.clear();
        result = store.search(query);
        CHECK(result.numberMatched == 3);
        REQUIRE(result.facets.size() == 1);
        REQUIRE(result.facets[0].values.size() == 2);  // c has no verdict: not counted
        CHECK(result.facets[0].values[0].value == "fail");
        CHECK(result.facets[0].values[0].count == 1);
        CHECK(result.facets[0].values[1].value == "pass");

        // A verdict changes: the old posting goes.
        CHECK(store.annotate({{"gm0363:a", held->hash, held->json, "warn"}}) == std::vector<bool>{true});
        query.validations = {"fail"};
        CHECK(store.search(query).numberMatched == 0);
        query.validations = {"warn", "pass"};
        CHECK(store.search(query).numberMatched == 2);
    }
}

TEST_CASE("the origin facet counts the records of each publishing node, kept up to date", "[store][hub][facets]") {
    TempDir dir;
    for (bool sqlOnly : {false, true}) {
        StoreOptions options;
        options.path = dir.file(sqlOnly ? "sql.db" : "hub.db");
        options.nodeId = "nl";
        options.sqlSearchOnly = sqlOnly;
        options.indexBuilder = false;
        Store store(options);
        for (const char* id : {"a", "b", "c"})
            REQUIRE(store.put(harvested(makeRecord(id).updated(1000), "pv27", "gm0363")) == PutOutcome::Created);
        REQUIRE(store.put(harvested(makeRecord("d").updated(1000), "gm0599", "gm0599")) == PutOutcome::Created);
        SearchQuery query;
        query.facets = {"origin"};
        query.limit = 1;
        auto counts = [&] {
            std::map<std::string, std::int64_t> out;
            const SearchResult result = store.search(query);
            for (const auto& value : result.facets.at(0).values) out[value.value] = value.count;
            return out;
        };
        CHECK(counts() == std::map<std::string, std::int64_t>{{"gm0363", 3}, {"gm0599", 1}});
        // Caught up after a write, and narrowed by the query.
        REQUIRE(store.put(harvested(makeRecord("e").updated(1000), "gm0599", "gm0599")) == PutOutcome::Created);
        CHECK(counts() == std::map<std::string, std::int64_t>{{"gm0363", 3}, {"gm0599", 2}});
        query.origins = {"gm0599"};
        CHECK(counts() == std::map<std::string, std::int64_t>{{"gm0599", 2}});
    }
}
