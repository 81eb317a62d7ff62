#include "store/store.hpp"

#include "common/sha256.hpp"
#include "common/time.hpp"
#include "store/connection.hpp"
#include "store/crypto.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

using namespace tweeling::registry::store;
using tweeling::test::makeRecord;
using tweeling::test::openStore;
using tweeling::test::TempDir;

namespace {

std::int64_t countRows(const std::string& path, const std::string& sql) {
    Database database(path, Database::Mode::ReadOnly);
    Statement statement(database, sql);
    return statement.step() ? statement.int64(0) : -1;
}

SearchQuery textQuery(std::vector<std::string> terms) {
    SearchQuery query;
    query.terms = std::move(terms);
    query.limit = 100;
    return query;
}

}  // namespace

TEST_CASE("a record is created, read, replaced, left unchanged and removed", "[store]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    auto record = makeRecord("bag-3d", "Gebouwen Amsterdam").bbox(4.7, 52.2, 5.1, 52.5);

    REQUIRE(store->put(record.request()) == PutOutcome::Created);
    auto stored = store->get("bag-3d");
    REQUIRE(stored);
    CHECK(stored->key == "bag-3d");
    CHECK(stored->origin == "gm0363");
    CHECK(stored->id == "bag-3d");
    CHECK(stored->json == record.json());
    CHECK(stored->seq == 1);
    CHECK(stored->updated == 1700000000);
    CHECK(stored->hash == tweeling::common::sha256Hex(record.json()));
    CHECK(stored->hash.size() == 64);
    auto byOrigin = store->get("gm0363", "bag-3d");
    REQUIRE(byOrigin);
    CHECK(byOrigin->json == record.json());

    SECTION("the same JSON again is Unchanged and writes no feed entry") {
        REQUIRE(store->put(record.request()) == PutOutcome::Unchanged);
        auto page = store->feed(0, 100);
        CHECK(page.latest == 1);
        REQUIRE(page.entries.size() == 1);
        CHECK(store->get("bag-3d")->seq == 1);
    }

    SECTION("a changed record is Replaced, gets a new seq, and its old feed entry goes") {
        record.version("2").title("Gebouwen Amsterdam 2024");
        REQUIRE(store->put(record.request()) == PutOutcome::Replaced);
        auto replaced = store->get("bag-3d");
        REQUIRE(replaced);
        CHECK(replaced->json == record.json());
        CHECK(replaced->seq == 2);
        auto page = store->feed(0, 100);
        CHECK(page.latest == 2);
        REQUIRE(page.entries.size() == 1);
        CHECK(page.entries[0].seq == 2);
        CHECK(page.entries[0].op == "put");
        REQUIRE(page.entries[0].json);
        CHECK(*page.entries[0].json == record.json());
        CHECK(countRows(dir.file("registry.db"), "SELECT count(*) FROM records") == 1);
    }

    SECTION("remove leaves a tombstone and every index row goes") {
        REQUIRE(store->remove("gm0363", "bag-3d"));
        CHECK_FALSE(store->get("bag-3d"));
        CHECK_FALSE(store->get("gm0363", "bag-3d"));
        auto page = store->feed(0, 100);
        CHECK(page.latest == 2);
        REQUIRE(page.entries.size() == 1);
        CHECK(page.entries[0].op == "delete");
        CHECK(page.entries[0].seq == 2);
        CHECK(page.entries[0].id == "bag-3d");
        CHECK(page.entries[0].key == "bag-3d");
        CHECK(page.entries[0].origin == "gm0363");
        CHECK_FALSE(page.entries[0].json);
        CHECK_FALSE(page.entries[0].at.empty());
        CHECK(tweeling::common::parseRfc3339(page.entries[0].at));

        const std::string path = dir.file("registry.db");
        CHECK(countRows(path, "SELECT count(*) FROM record_values") == 0);
        CHECK(countRows(path, "SELECT count(*) FROM records_rtree") == 0);
        CHECK(countRows(path, "SELECT count(*) FROM records_fts WHERE records_fts MATCH 'gebouwen'") == 0);
        CHECK(store->search(textQuery({"gebouwen"})).numberMatched == 0);

        SECTION("removing again reports absence and writes nothing") {
            CHECK_FALSE(store->remove("gm0363", "bag-3d"));
            CHECK(store->feed(0, 100).latest == 2);
        }
        SECTION("putting it again replaces the tombstone") {
            REQUIRE(store->put(record.request()) == PutOutcome::Created);
            auto again = store->feed(0, 100);
            CHECK(again.latest == 3);
            REQUIRE(again.entries.size() == 1);
            CHECK(again.entries[0].op == "put");
            CHECK(store->search(textQuery({"gebouwen"})).numberMatched == 1);
        }
    }
}

TEST_CASE("item keys are the id for this node and origin-qualified for others", "[store]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    CHECK(store->nodeId() == "gm0363");
    CHECK(store->itemKey("gm0363", "abc") == "abc");
    CHECK(store->itemKey("pv28", "abc") == "pv28:abc");

    REQUIRE(store->put(makeRecord("abc").from("pv28").request()) == PutOutcome::Created);
    REQUIRE(store->put(makeRecord("abc").request()) == PutOutcome::Created);
    auto foreign = store->get("pv28:abc");
    REQUIRE(foreign);
    CHECK(foreign->origin == "pv28");
    CHECK(foreign->id == "abc");
    auto own = store->get("abc");
    REQUIRE(own);
    CHECK(own->origin == "gm0363");
    CHECK(store->get("pv28", "abc")->key == "pv28:abc");

    auto page = store->feed(0, 10);
    REQUIRE(page.entries.size() == 2);
    CHECK(page.entries[0].key == "pv28:abc");
    CHECK(page.entries[0].origin == "pv28");
    CHECK(page.entries[1].key == "abc");
    CHECK(page.origin == "gm0363");

    CHECK(store->remove("pv28", "abc"));
    CHECK_FALSE(store->get("pv28:abc"));
    CHECK(store->get("abc"));
}

TEST_CASE("a record without an id is refused", "[store]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    CHECK_THROWS_AS(store->put(makeRecord("").request()), std::invalid_argument);
    CHECK(store->feed(0, 10).latest == 0);
}

TEST_CASE("the feed is ordered, compacted and paged", "[store][feed]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    for (int i = 1; i <= 5; ++i) store->put(makeRecord("r" + std::to_string(i)).request());  // seq 1..5
    store->put(makeRecord("r2").version("b").request());  // seq 6, drops seq 2
    store->remove("", "r4");                                // seq 7 tombstone, drops seq 4
    store->put(makeRecord("r6").request());                 // seq 8

    auto all = store->feed(0, 100);
    CHECK(all.latest == 8);
    CHECK(all.epoch == store->epoch());
    std::vector<std::int64_t> seqs;
    std::vector<std::string> ids;
    for (const auto& entry : all.entries) {
        seqs.push_back(entry.seq);
        ids.push_back(entry.id + ":" + entry.op);
    }
    CHECK(seqs == std::vector<std::int64_t>{1, 3, 5, 6, 7, 8});
    CHECK(ids == std::vector<std::string>{"r1:put", "r3:put", "r5:put", "r2:put", "r4:delete", "r6:put"});
    CHECK(*all.entries[3].json == makeRecord("r2").version("b").json());

    SECTION("after and limit page through without gaps or duplicates") {
        std::vector<std::int64_t> paged;
        std::int64_t after = 0;
        for (int guard = 0; guard < 10; ++guard) {
            auto page = store->feed(after, 4);
            CHECK(page.latest == 8);
            if (page.entries.empty()) break;
            CHECK(page.entries.size() <= 4);
            for (const auto& entry : page.entries) paged.push_back(entry.seq);
            after = page.entries.back().seq;
        }
        CHECK(paged == seqs);
        auto second = store->feed(3, 2);
        REQUIRE(second.entries.size() == 2);
        CHECK(second.entries[0].seq == 5);
        CHECK(second.entries[1].seq == 6);
    }
    SECTION("after the end or a zero limit gives no entries but the latest seq") {
        auto end = store->feed(8, 10);
        CHECK(end.entries.empty());
        CHECK(end.latest == 8);
        auto none = store->feed(0, 0);
        CHECK(none.entries.empty());
        CHECK(none.latest == 8);
    }
    SECTION("latest is the highest seq ever assigned") {
        // The tombstone of r6 takes seq 9; putting r6 again takes 10 and compacts 9 away.
        store->remove("", "r6");
        store->put(makeRecord("r6").version("c").request());
        auto page = store->feed(8, 10);
        CHECK(page.latest == 10);
        REQUIRE(page.entries.size() == 1);
        CHECK(page.entries[0].seq == 10);
        CHECK(store->health().latestSeq == 10);
    }
}

TEST_CASE("the epoch is made once per database and survives reopening", "[store]") {
    TempDir dir;
    std::string epoch;
    {
        auto store = openStore(dir.file("a.db"));
        epoch = store->epoch();
        store->put(makeRecord("x").request());
    }
    CHECK(epoch.size() == 32);
    CHECK(epoch.find_first_not_of("0123456789abcdef") == std::string::npos);
    {
        auto reopened = openStore(dir.file("a.db"));
        CHECK(reopened->epoch() == epoch);
        CHECK(reopened->get("x"));
        CHECK(reopened->feed(0, 10).latest == 1);
    }
    auto other = openStore(dir.file("b.db"));
    CHECK(other->epoch() != epoch);
    CHECK(other->epoch().size() == 32);
}

TEST_CASE("migrations run once and are idempotent on reopen", "[store][schema]") {
    TempDir dir;
    const std::string path = dir.file("registry.db");
    { auto store = openStore(path); }
    CHECK(countRows(path, "PRAGMA user_version") == latestSchemaVersion());
    CHECK(countRows(path, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'") ==
          latestSchemaVersion());
    CHECK(countRows(path, "SELECT count(*) FROM sqlite_master WHERE name = 'records_fts'") == 1);
    CHECK(countRows(path, "SELECT count(*) FROM sqlite_master WHERE name = 'records_rtree'") == 1);
    {
        auto store = openStore(path);
        store->put(makeRecord("x").request());
    }
    {
        auto store = openStore(path);  // a third open must neither fail nor migrate again
        CHECK(store->get("x"));
    }
    CHECK(countRows(path, "PRAGMA user_version") == latestSchemaVersion());
    CHECK(countRows(path, "SELECT count(*) FROM meta WHERE key = 'epoch'") == 1);

    Database database(path);
    {
        Statement mode(database, "PRAGMA journal_mode");
        REQUIRE(mode.step());
        CHECK(mode.text(0) == "wal");
    }

    SECTION("migrating an up-to-date database is a no-op") {
        migrate(database);
        CHECK(countRows(path, "PRAGMA user_version") == latestSchemaVersion());
    }
    SECTION("a database from newer software is refused") {
        database.exec("PRAGMA user_version = " + std::to_string(latestSchemaVersion() + 1));
        CHECK_THROWS_AS(openStore(path), SqliteError);
    }
}

TEST_CASE("an in-memory path is refused", "[store]") {
    CHECK_THROWS_AS(openStore(":memory:"), std::invalid_argument);
}

TEST_CASE("putBatch writes many records in one transaction", "[store]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    store->put(makeRecord("a").request());
    std::vector<PutRequest> batch = {
        makeRecord("b").request(),
        makeRecord("a").request(),                // identical: Unchanged
        makeRecord("a").version("2").request(),   // Replaced
        makeRecord("c").request(),
        makeRecord("b").version("2").request(),   // replaced within the same batch
    };
    auto outcomes = store->putBatch(batch);
    CHECK(outcomes == std::vector<PutOutcome>{PutOutcome::Created, PutOutcome::Unchanged, PutOutcome::Replaced,
                                              PutOutcome::Created, PutOutcome::Replaced});
    auto page = store->feed(0, 100);
    CHECK(page.latest == 5);
    REQUIRE(page.entries.size() == 3);
    CHECK(page.entries[0].id == "a");
    CHECK(page.entries[1].id == "c");
    CHECK(page.entries[2].id == "b");
    CHECK(store->putBatch({}).empty());
}

TEST_CASE("a failing write rolls back everything it did", "[store][transaction]") {
    TempDir dir;
    const std::string path = dir.file("registry.db");
    auto store = openStore(path);
    auto original = makeRecord("a", "Hoogtemodel Delft").bbox(4.3, 51.9, 4.4, 52.0).themes({"terrain"});
    store->put(original.request());

    auto added = makeRecord("b", "Zonnepanelen Utrecht").bbox(5.0, 52.0, 5.2, 52.2).themes({"energy"});
    auto changed = makeRecord("a", "Waterkeringen Zeeland").bbox(3.5, 51.2, 4.0, 51.7).themes({"water"});
    std::vector<PutRequest> batch = {added.request(), changed.request()};
    SECTION("a constraint violation late in the batch") {
        // An interval that ends before it starts violates a CHECK constraint.
        batch.push_back(makeRecord("c", "Kapotte tijd").time(2000, 1000).request());
        CHECK_THROWS_AS(store->putBatch(batch), SqliteError);
    }
    SECTION("an R*Tree constraint violation late in the batch") {
        batch.push_back(makeRecord("c", "Kapotte bbox").bbox(5, 5, 4, 4).request());
        CHECK_THROWS_AS(store->putBatch(batch), SqliteError);
    }
    SECTION("an invalid request late in the batch") {
        batch.push_back(makeRecord("", "Zonder id").request());
        CHECK_THROWS_AS(store->putBatch(batch), std::invalid_argument);
    }

    CHECK_FALSE(store->get("b"));
    CHECK_FALSE(store->get("c"));
    REQUIRE(store->get("a"));
    CHECK(store->get("a")->json == original.json());
    CHECK(store->get("a")->seq == 1);
    auto page = store->feed(0, 100);
    CHECK(page.latest == 1);
    REQUIRE(page.entries.size() == 1);
    CHECK(page.entries[0].id == "a");

    CHECK(store->search(textQuery({"zonnepanelen"})).numberMatched == 0);
    CHECK(store->search(textQuery({"waterkeringen"})).numberMatched == 0);
    CHECK(store->search(textQuery({"hoogtemodel"})).numberMatched == 1);
    SearchQuery utrecht;
    utrecht.bbox = tweeling::registry::record::Bbox{5.05, 52.05, 5.1, 52.1};
    CHECK(store->search(utrecht).numberMatched == 0);
    SearchQuery delft;
    delft.bbox = tweeling::registry::record::Bbox{4.35, 51.95, 4.36, 51.96};
    CHECK(store->search(delft).numberMatched == 1);
    SearchQuery water;
    water.themes = {"water", "energy"};
    CHECK(store->search(water).numberMatched == 0);
    CHECK(countRows(path, "SELECT count(*) FROM records_rtree") == 1);
    CHECK(countRows(path, "SELECT count(*) FROM record_values WHERE kind = 'theme'") == 1);
    CHECK(countRows(path, "SELECT count(*) FROM records_fts") == 1);

    // The store goes on working, and seqs continue where the committed feed left off.
    REQUIRE(store->putBatch({added.request()}) == std::vector<PutOutcome>{PutOutcome::Created});
    CHECK(store->get("b")->seq == 2);
}

TEST_CASE("health reports records, the latest seq and the epoch", "[store]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    auto empty = store->health();
    CHECK(empty.ok);
    CHECK(empty.records == 0);
    CHECK(empty.latestSeq == 0);
    CHECK(empty.epoch == store->epoch());
    store->put(makeRecord("a").request());
    store->put(makeRecord("b").request());
    store->remove("", "a");
    auto health = store->health();
    CHECK(health.ok);
    CHECK(health.records == 1);
    CHECK(health.latestSeq == 3);
    // The count comes from FTS5's totals (O(1)); it must follow replaces, batches and deletes.
    std::vector<PutRequest> batch;
    for (int i = 0; i < 300; ++i) batch.push_back(makeRecord("n" + std::to_string(i)).request());
    store->putBatch(batch);
    store->put(makeRecord("n7", "Een andere titel").request());  // a replace
    for (int i = 0; i < 300; i += 3) store->remove("", "n" + std::to_string(i));
    store->remove("", "absent");
    CHECK(store->health().records == 1 + 300 - 100);
    SearchQuery all;
    all.limit = 0;
    CHECK(store->search(all).numberMatched == store->health().records);
}

TEST_CASE("connections prepare each statement once and reuse it", "[store]") {
    TempDir dir;
    const std::string path = dir.file("registry.db");
    { auto store = openStore(path); }
    Connection connection(path, Database::Mode::ReadOnly, 1024);
    Statement* first = nullptr;
    {
        StatementUse use = connection.statement("SELECT count(*) FROM records");
        first = &*use;
        REQUIRE(use->step());
    }
    {
        StatementUse use = connection.statement("SELECT count(*) FROM records");
        CHECK(&*use == first);
        REQUIRE(use->step());  // reset after the previous use
        CHECK(use->int64(0) == 0);
    }
    CHECK(connection.cachedStatements() == 1);
}

TEST_CASE("searches on several threads run while another thread writes", "[store][threads]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    constexpr int kBatches = 40;
    constexpr int kPerBatch = 10;

    std::atomic<bool> writing{true};
    std::mutex failureMutex;
    std::vector<std::string> failures;
    auto fail = [&](std::string message) {
        std::lock_guard<std::mutex> lock(failureMutex);
        failures.push_back(std::move(message));
    };

    std::thread writer([&] {
        try {
            for (int batch = 0; batch < kBatches; ++batch) {
                std::vector<PutRequest> requests;
                for (int i = 0; i < kPerBatch; ++i) {
                    int n = batch * kPerBatch + i;
                    requests.push_back(makeRecord("rec-" + std::to_string(n), "Gebouwen wijk " + std::to_string(n))
                                           .bbox(4.0 + n * 0.001, 52.0, 4.1 + n * 0.001, 52.1)
                                           .themes({"buildings"})
                                           .updated(1700000000 + n)
                                           .request());
                }
                store->putBatch(requests);
                if (batch % 5 == 4) store->remove("", "rec-" + std::to_string(batch * kPerBatch));
            }
        } catch (const std::exception& error) {
            fail(std::string("writer: ") + error.what());
        }
        writing = false;
    });

    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&, t] {
            try {
                std::int64_t lastSeq = 0;
                int rounds = 0;
                while (writing || rounds < 3) {
                    ++rounds;
                    SearchQuery query;
                    query.terms = {"gebouw"};
                    query.themes = {"buildings"};
                    if (t % 2) query.bbox = tweeling::registry::record::Bbox{4.0, 51.9, 5.0, 52.2};
                    query.limit = 5;
                    SearchResult result = store->search(query);
                    std::size_t expected = static_cast<std::size_t>(std::min<std::int64_t>(5, result.numberMatched));
                    if (result.hits.size() != expected) fail("page size does not match numberMatched");
                    auto page = store->feed(0, 1000);
                    if (page.latest < lastSeq) fail("latest seq went backwards");
                    lastSeq = page.latest;
                    for (const auto& entry : page.entries)
                        if (entry.op == "put" && !entry.json) fail("put entry without its record");
                    if (!store->health().ok) fail("health not ok");
                    (void)store->get("rec-1");
                }
            } catch (const std::exception& error) {
                fail(std::string("reader: ") + error.what());
            }
        });
    }
    writer.join();
    for (auto& reader : readers) reader.join();
    CHECK(failures.empty());
    for (const auto& failure : failures) INFO(failure);

    SearchQuery query;
    query.terms = {"gebouw"};
    CHECK(store->search(query).numberMatched == kBatches * kPerBatch - kBatches / 5);
}
