// The index-only candidate path of search must answer exactly as the general SQL plan does: same
// numberMatched, same records in the same order, for every combination of words, bbox, time and
// values, every sort order and page, including footprints that touch a query's edge to the last bit.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include "store/cql2.hpp"
#include "store/planner.hpp"

#include <random>

using namespace tweeling::test;
using tweeling::registry::store::SearchQuery;
using tweeling::registry::store::SortKey;
using tweeling::registry::store::Store;

namespace {

std::vector<std::string> keysOf(const tweeling::registry::store::SearchResult& result) {
    std::vector<std::string> keys;
    for (const auto& hit : result.hits) keys.push_back(hit.key);
    return keys;
}

// Facets of both answers: the same values with the same counts, in the same order.
void requireSameFacets(const tweeling::registry::store::SearchResult& fast,
                       const tweeling::registry::store::SearchResult& reference) {
    REQUIRE(fast.facets.size() == reference.facets.size());
    for (std::size_t i = 0; i < fast.facets.size(); ++i) {
        INFO(fast.facets[i].name);
        REQUIRE(fast.facets[i].values.size() == reference.facets[i].values.size());
        for (std::size_t v = 0; v < fast.facets[i].values.size(); ++v) {
            CHECK(fast.facets[i].values[v].value == reference.facets[i].values[v].value);
            CHECK(fast.facets[i].values[v].count == reference.facets[i].values[v].count);
        }
    }
}

// A catalog of 600 records with words, themes, formats, ties in `updated`, footprints on and beside
// the edges of the box 4.5,51.8,5.5,52.4, and time extents (or none).
void fillCatalog(Store& store) {
    std::mt19937 random(42);
    auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    const std::vector<std::string> words = {"hittestress", "gebouwen", "bomen", "wateroverlast", "geluid", "terrein"};
    const std::vector<std::string> themes = {"heat-stress", "buildings", "trees", "flooding"};
    const std::vector<std::string> formats = {"3dtiles", "cityjson", "copc"};
    // The query box used below is 4.5,51.8,5.5,52.4: footprints on and just beside its edges.
    const std::vector<double> edgesX = {4.5, 5.5, std::nextafter(4.5, 0.0), std::nextafter(5.5, 10.0), 4.5000001, 5.4999999};
    const std::vector<double> edgesY = {51.8, 52.4, std::nextafter(51.8, 0.0), std::nextafter(52.4, 100.0)};
    std::vector<tweeling::registry::store::PutRequest> puts;
    for (int i = 0; i < 600; ++i) {
        TestRecord record = makeRecord("r" + std::to_string(i), words[pick(6)] + " " + words[pick(6)] + " kaart " + std::to_string(i % 7));
        record.description(pick(3) == 0 ? "over " + words[pick(6)] : "Beschrijving");
        record.themes({themes[pick(4)]});
        if (pick(2)) record.formats({formats[pick(3)]});
        record.updated(1700000000 + pick(40) * 86400);  // many ties
        int shape = pick(10);
        if (shape < 6) {
            double x = 3.4 + pick(300) / 100.0, y = 50.8 + pick(270) / 100.0;
            record.bbox(x, y, x + pick(30) / 100.0, y + pick(30) / 100.0);
        } else if (shape < 9) {
            // Touching an edge from outside, exactly on it, or a hair inside.
            double x = edgesX[pick(static_cast<int>(edgesX.size()))];
            double y = edgesY[pick(static_cast<int>(edgesY.size()))];
            bool left = pick(2);
            record.bbox(left ? x - 0.3 : x, left ? y - 0.3 : y, left ? x : x + 0.3, left ? y : y + 0.3);
        }  // else: no footprint
        if (pick(3)) {
            std::int64_t start = 1500000000LL + pick(100) * 8640000LL;
            record.time(start, start + pick(50) * 8640000LL);
        }
        puts.push_back(record.request());
    }
    store.putBatch(puts);
}

}  // namespace

TEST_CASE("the candidate path and the SQL plan agree on every query shape", "[search][candidates]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = openStore(path);
    fillCatalog(*store);
    auto sqlOnly = openSqlOnly(path);

    int compared = 0;
    for (int q = 0; q < 3; ++q)
        for (int b = 0; b < 3; ++b)
            for (int t = 0; t < 3; ++t)
                for (int v = 0; v < 3; ++v)
                    for (SortKey sort : {SortKey::Default, SortKey::Updated, SortKey::Title}) {
                        SearchQuery query;
                        if (q == 1) query.terms = {"hittestress"};
                        if (q == 2) query.terms = {"bomen kaart", "geluid"};
                        if (b == 1) query.bbox = tweeling::registry::record::Bbox{4.5, 51.8, 5.5, 52.4};
                        if (b == 2) query.bbox = tweeling::registry::record::Bbox{5.5, 52.4, 6.0, 53.0};
                        if (t == 1) query.timeStart = 1600000000;  // open interval: datetime=../..
                        if (t == 2) {
                            query.timeStart = 1550000000;
                            query.timeEnd = 1560000000;
                        }
                        if (v == 1) query.themes = {"heat-stress", "trees"};
                        if (v == 2) query.formats = {"cityjson"};
                        query.sort = sort;
                        query.descending = sort != SortKey::Title;
                        for (auto [offset, limit] : {std::pair<int, int>{0, 10}, {7, 25}, {0, 1000}}) {
                            query.offset = offset;
                            query.limit = limit;
                            auto fast = store->search(query);
                            auto reference = sqlOnly->search(query);
                            INFO("q=" << q << " b=" << b << " t=" << t << " v=" << v << " sort=" << int(sort)
                                      << " offset=" << offset << " limit=" << limit);
                            REQUIRE(fast.numberMatched == reference.numberMatched);
                            REQUIRE(keysOf(fast) == keysOf(reference));
                            ++compared;
                        }
                    }
    CHECK(compared == 3 * 3 * 3 * 3 * 3 * 3);
    // The edge cases were really in play: some footprints touch the query box exactly.
    SearchQuery touching;
    touching.bbox = tweeling::registry::record::Bbox{4.5, 51.8, 5.5, 52.4};
    touching.limit = 0;
    CHECK(store->search(touching).numberMatched > 0);
}

TEST_CASE("facets counted with value bitmaps equal the SQL plan's, and follow writes", "[search][candidates][facets]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = openStore(path);
    fillCatalog(*store);
    auto sqlOnly = openSqlOnly(path);
    auto check = [&](SearchQuery query) {
        query.facets = {"themes", "formats", "type", "publisher", "license", "rights"};
        query.facetLimit = 3;
        auto fast = store->search(query);
        auto reference = sqlOnly->search(query);
        REQUIRE(fast.numberMatched == reference.numberMatched);
        REQUIRE(keysOf(fast) == keysOf(reference));
        requireSameFacets(fast, reference);
    };
    SearchQuery words;
    words.terms = {"hittestress"};
    check(words);
    SearchQuery box;
    box.bbox = tweeling::registry::record::Bbox{4.5, 51.8, 5.5, 52.4};
    box.themes = {"trees", "heat-stress"};
    check(box);
    SearchQuery filtered;  // a shape outside the candidate path: ids
    filtered.ids = {"r1", "r2", "r3", "r40"};
    check(filtered);
    // A write moves the feed seq: the bitmaps follow it.
    store->put(makeRecord("extra", "hittestress extra").themes({"flooding"}).formats({"copc"}).request());
    check(words);
}

TEST_CASE("facet bitmaps follow each write from the rids it touched, and rebuild after another process wrote", "[search][candidates][facets]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = openStore(path);
    fillCatalog(*store);
    auto sqlOnly = openSqlOnly(path);
    auto check = [&](const std::string& step) {
        INFO(step);
        for (bool whole : {true, false}) {
            SearchQuery query;
            if (!whole) query.terms = {"hittestress"};
            query.facets = {"themes", "formats", "type", "publisher", "license", "rights"};
            query.facetLimit = 50;
            query.limit = 0;
            auto fast = store->search(query);
            auto reference = sqlOnly->search(query);
            REQUIRE(fast.numberMatched == reference.numberMatched);
            requireSameFacets(fast, reference);
        }
        // Value lists are read from the same bitmaps: they must follow the writes as well.
        for (const auto& themes : std::vector<std::vector<std::string>>{{"noise"}, {"trees", "energy"}, {"heat-stress"}}) {
            SearchQuery query;
            query.themes = themes;
            query.limit = 1000;
            auto fast = store->search(query);
            auto reference = sqlOnly->search(query);
            CHECK(fast.numberMatched == reference.numberMatched);
            CHECK(keysOf(fast) == keysOf(reference));
        }
    };
    check("first build");
    REQUIRE(store->facetIndexStats().builds == 1);

    // A replace that moves a record to a new theme, format, type, publisher, license and rights.
    TestRecord moved = makeRecord("r3", "hittestress verplaatst").themes({"noise"}).formats({"gltf"}).type("model");
    moved.publisher("https://identifier.overheid.nl/tooi/id/gemeente/gm0599");
    moved.fields.license = "CC-BY-4.0";
    moved.fields.rights = "restricted";
    store->put(moved.request());
    check("replace with new values");
    // A batch of new records, one delete, a delete of the last value holder, and a re-put.
    std::vector<tweeling::registry::store::PutRequest> batch;
    for (int i = 0; i < 5; ++i)
        batch.push_back(makeRecord("new" + std::to_string(i), "hittestress nieuw").themes({"heat-stress", "energy"}).request());
    store->putBatch(batch);
    check("batch of new records");
    REQUIRE(store->remove(kNodeId, "r5"));
    REQUIRE(store->remove(kNodeId, "r3"));  // the only record with theme noise, license CC-BY-4.0
    check("deletes");
    store->put(makeRecord("r3", "hittestress terug").themes({"trees"}).request());
    check("re-put of a deleted record");
    // The same record twice between two faceted queries.
    store->put(makeRecord("new1", "hittestress een").themes({"flooding"}).request());
    store->put(makeRecord("new1", "hittestress twee").themes({"buildings"}).request());
    check("two versions in between");
    CHECK(store->facetIndexStats().builds == 1);
    CHECK(store->facetIndexStats().catchUps == 5);

    // Another process (here: another Store on the same file) writes: this store's log misses the
    // seq, so the bitmaps are rebuilt rather than trusted.
    {
        auto other = openStore(path);
        other->put(makeRecord("r7", "hittestress elders").themes({"air-quality"}).request());
    }
    check("after another writer");
    CHECK(store->facetIndexStats().builds == 2);
    store->put(makeRecord("r8", "hittestress weer hier").themes({"air-quality"}).request());
    check("and caught up again after");
    CHECK(store->facetIndexStats().catchUps == 6);
}

TEST_CASE("CQL2 value conditions lifted out of a filter answer as the same conditions left in SQL", "[search][candidates][cql2]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = openStore(path);
    fillCatalog(*store);
    namespace cql2 = tweeling::registry::store::cql2;
    // Left: lifted to value constraints (index-only). Right: the same records by a formulation the
    // planner keeps in SQL (CASEI; the catalog's values are lower case, so it matches the same).
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"themes = 'heat-stress'", "CASEI(themes) = CASEI('heat-stress')"},
        {"formats IN ('copc', 'cityjson')", "CASEI(formats) IN (CASEI('copc'), CASEI('cityjson'))"},
        {"themes = 'trees' AND formats = 'copc'", "CASEI(themes) = CASEI('trees') AND CASEI(formats) = CASEI('copc')"},
        {"themes IN ('trees', 'flooding') AND title LIKE '%kaart 3%'",
         "CASEI(themes) IN (CASEI('trees'), CASEI('flooding')) AND title LIKE '%kaart 3%'"},
    };
    for (const auto& [lifted, kept] : pairs) {
        for (bool withWords : {false, true}) {
            SearchQuery a, b;
            a.filter = std::make_shared<const cql2::Expression>(cql2::parse(lifted));
            b.filter = std::make_shared<const cql2::Expression>(cql2::parse(kept));
            if (withWords) a.terms = b.terms = {"bomen"};
            a.limit = b.limit = 1000;
            a.sort = b.sort = SortKey::Updated;
            INFO(lifted << (withWords ? " + q" : ""));
            auto fast = store->search(a);
            auto reference = store->search(b);
            CHECK(fast.numberMatched > 0);
            CHECK(fast.numberMatched == reference.numberMatched);
            CHECK(keysOf(fast) == keysOf(reference));
        }
    }
    // The lifted plan really has value constraints and no SQL condition left.
    SearchQuery query;
    query.filter = std::make_shared<const cql2::Expression>(cql2::parse("themes = 'trees' AND formats = 'copc'"));
    auto plan = tweeling::registry::store::planner::makePlan(query);
    REQUIRE(plan.constraints.size() == 2);
    for (const auto& constraint : plan.constraints)
        CHECK(constraint.kind == tweeling::registry::store::planner::Constraint::Kind::Values);
}

TEST_CASE("a bbox matching thousands of records gives the same ids in the same order on both paths", "[search][candidates]") {
    // Enough matches (over 4,096) that the candidate path sorts the R*Tree's ids by radix.
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = openStore(path);
    std::mt19937 random(7);
    std::vector<tweeling::registry::store::PutRequest> puts;
    for (int i = 0; i < 6000; ++i) {
        double x = 3.4 + (random() % 3000) / 1000.0, y = 50.8 + (random() % 2700) / 1000.0;
        puts.push_back(makeRecord("b" + std::to_string(i), "Vak " + std::to_string(i))
                           .bbox(x, y, x + 0.01, y + 0.01)
                           .updated(1700000000 + static_cast<int>(random() % 1000))
                           .request());
    }
    store->putBatch(puts);
    auto sqlOnly = openSqlOnly(path);
    for (auto [offset, limit] : {std::pair<int, int>{0, 10}, {4000, 50}, {0, 10000}}) {
        SearchQuery query;
        query.bbox = tweeling::registry::record::Bbox{3.0, 50.0, 7.5, 54.0};
        query.offset = offset;
        query.limit = limit;
        auto fast = store->search(query);
        auto reference = sqlOnly->search(query);
        INFO("offset " << offset << " limit " << limit);
        CHECK(fast.numberMatched == 6000);
        REQUIRE(fast.numberMatched == reference.numberMatched);
        CHECK(keysOf(fast) == keysOf(reference));
        // With words as well: the intersection of two id lists of thousands.
        query.terms = {"vak"};
        CHECK(store->search(query).numberMatched == 6000);
        CHECK(keysOf(store->search(query)) == keysOf(sqlOnly->search(query)));
    }
}
