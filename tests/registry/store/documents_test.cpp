// Record documents are stored zstd-compressed (schema v7), with a dictionary trained once the
// database holds enough records; every read path must give back the exact JSON that was written,
// whatever the row was written with: no compression (before v7), zstd alone, or a dictionary that
// another process trained.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include "store/search.hpp"

#include <sqlite3.h>

#include <stdexcept>

using namespace tweeling::test;
using tweeling::registry::store::PutRequest;
using tweeling::registry::store::SearchQuery;
using tweeling::registry::store::Store;
using tweeling::registry::store::StoreOptions;

namespace {

std::unique_ptr<Store> openWith(const std::string& path, std::int64_t dictionaryAfter) {
    return openStoreWith(path, [&](StoreOptions& options) { options.dictionaryAfter = dictionaryAfter; });
}

// Runs SQL on the file directly (what another tool, or an older version of Tweeling, would do).
struct RawDatabase {
    sqlite3* handle = nullptr;
    explicit RawDatabase(const std::string& path) {
        REQUIRE(sqlite3_open(path.c_str(), &handle) == SQLITE_OK);
        sqlite3_busy_timeout(handle, 5000);
    }
    ~RawDatabase() { sqlite3_close(handle); }
    std::int64_t integer(const std::string& sql) {
        sqlite3_stmt* statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
        std::int64_t value = sqlite3_column_int64(statement, 0);
        sqlite3_finalize(statement);
        return value;
    }
    void run(const std::string& sql, const std::string& bound = "", bool asBlob = false) {
        sqlite3_stmt* statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
        if (!bound.empty()) {
            if (asBlob)
                sqlite3_bind_blob(statement, 1, bound.data(), static_cast<int>(bound.size()), SQLITE_TRANSIENT);
            else
                sqlite3_bind_text(statement, 1, bound.data(), static_cast<int>(bound.size()), SQLITE_TRANSIENT);
        }
        REQUIRE(sqlite3_step(statement) == SQLITE_DONE);
        sqlite3_finalize(statement);
    }
};

TestRecord numbered(int i) {
    TestRecord record = makeRecord("doc" + std::to_string(i), "Gebouwen en bomen, deel " + std::to_string(i));
    record.description("Een beschrijving van het 3D-model van de gemeente, met LoD 2.2 gebouwen en bomen " +
                       std::to_string(i * 7919));
    record.themes({"buildings"});
    record.extra = "https://data.example.org/3dtiles/" + std::to_string(i) + "/tileset.json";
    return record;
}

void putRange(Store& store, int from, int to) {
    std::vector<PutRequest> batch;
    for (int i = from; i < to; ++i) batch.push_back(numbered(i).request());
    store.putBatch(batch);
}

void requireExact(Store& store, int from, int to) {
    for (int i = from; i < to; ++i) {
        auto stored = store.get(kNodeId, "doc" + std::to_string(i));
        REQUIRE(stored);
        REQUIRE(stored->json == numbered(i).json());
    }
}

}  // namespace

TEST_CASE("record documents are stored compressed and read back byte for byte by get, search and feed", "[store][documents]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = openWith(path, 0);
    putRange(*store, 0, 50);
    requireExact(*store, 0, 50);

    SearchQuery query;
    query.terms = {"deel"};
    query.limit = 100;
    auto result = store->search(query);
    REQUIRE(result.hits.size() == 50);
    for (const auto& hit : result.hits) {
        int i = std::stoi(hit.key.substr(hit.key.find("doc") + 3));
        CHECK(hit.json == numbered(i).json());
    }
    auto feed = store->feed(0, 100);
    REQUIRE(feed.entries.size() == 50);
    for (const auto& entry : feed.entries) CHECK(entry.json == numbered(std::stoi(entry.id.substr(3))).json());

    RawDatabase raw(path);
    CHECK(raw.integer("SELECT count(*) FROM records WHERE typeof(json) = 'blob'") == 50);
    // Smaller on disk than the JSON itself, even without a dictionary.
    std::int64_t stored = raw.integer("SELECT sum(length(json)) FROM records");
    std::int64_t original = 0;
    for (int i = 0; i < 50; ++i) original += static_cast<std::int64_t>(numbered(i).json().size());
    CHECK(stored < original);
    CHECK(raw.integer("SELECT count(*) FROM dictionaries") == 0);  // dictionaryAfter 0: never trained
}

TEST_CASE("a dictionary is trained once enough records are held; documents before and after it read back", "[store][documents]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto reader = openWith(path, 0);  // opened before any dictionary exists (like a second process)
    auto early = openWith(path, 200);  // the same, and it would train one itself
    auto store = openWith(path, 200);
    putRange(*store, 0, 150);
    RawDatabase raw(path);
    CHECK(raw.integer("SELECT count(*) FROM dictionaries") == 0);
    const std::int64_t before = raw.integer("SELECT sum(length(json)) FROM records WHERE rid > 100");  // 50
    putRange(*store, 150, 260);  // now over the threshold: trained after this commit
    REQUIRE(raw.integer("SELECT count(*) FROM dictionaries") == 1);
    putRange(*store, 260, 310);
    // 50 documents written with the dictionary against 50 like them written before it.
    const std::int64_t after = raw.integer("SELECT sum(length(json)) FROM records WHERE rid > 260");
    CHECK(after * 150 < before * 100);  // at least a third smaller
    requireExact(*store, 0, 310);
    // The other store learns the dictionary from the database when it first meets a frame that
    // names it; a store opened afterwards loads it at once.
    requireExact(*reader, 0, 310);
    auto later = openWith(path, 200);
    requireExact(*later, 0, 310);
    // A store opened before the dictionary existed, now writing past the threshold itself, uses
    // the one in the file instead of training a second.
    putRange(*early, 310, 1400);
    requireExact(*later, 0, 1400);
    CHECK(raw.integer("SELECT count(*) FROM dictionaries") == 1);  // trained once
}

TEST_CASE("documents written before compression read as they are; a damaged one is an error, not a crash", "[store][documents]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = openWith(path, 0);
    putRange(*store, 0, 3);
    RawDatabase raw(path);
    raw.run("UPDATE records SET json = ?1 WHERE id = 'doc1'", numbered(1).json());  // TEXT, as before v7
    CHECK(raw.integer("SELECT count(*) FROM records WHERE typeof(json) = 'text'") == 1);
    requireExact(*store, 0, 3);
    raw.run("UPDATE records SET json = ?1 WHERE id = 'doc2'", std::string("\x28\xb5\x2f\xfd\x20\x40\x01", 7), true);
    CHECK_THROWS_AS(store->get(kNodeId, "doc2"), std::runtime_error);
    requireExact(*store, 0, 2);  // the others are unharmed
}
