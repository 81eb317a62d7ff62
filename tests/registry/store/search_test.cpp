#include "store/search.hpp"

#include "common/time.hpp"
#include "store/cql2.hpp"
#include "store/planner.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <iomanip>
#include <set>
#include <thread>

using namespace tweeling::registry::store;
using tweeling::registry::record::Bbox;
using tweeling::test::makeRecord;
using tweeling::test::openStore;
using tweeling::test::TempDir;

namespace {

std::int64_t at(const char* text) { return *tweeling::common::parseRfc3339(text); }
std::int64_t atEnd(const char* text) { return *tweeling::common::parseRfc3339End(text); }

// Seven records across the Netherlands; r6 comes from another node (pv28), r7 has no footprint.
struct Catalog {
    TempDir dir;
    std::unique_ptr<Store> store = openStore(dir.file("registry.db"));

    Catalog() {
        std::vector<PutRequest> batch = {
            makeRecord("r1", "Gebouwen Den Haag LoD2")
                .themes({"buildings"})
                .formats({"3dtiles", "cityjson"})
                .adminUnits({"GM0518"})
                .publisher("https://identifier.overheid.nl/tooi/id/gemeente/gm0518")
                .bbox(4.2, 52.0, 4.4, 52.1)
                .time(at("2020-01-01"), atEnd("2021-12-31"))
                .updated(100)
                .request(),
            makeRecord("r2", "Hittestresskaart Den Haág 2023")
                .description("Gevoelstemperatuur op een hete dag")
                .themes({"heat-stress"})
                .formats({"wms"})
                .adminUnits({"GM0518", "PV28"})
                .type("simulation-result")
                .publisher("https://identifier.overheid.nl/tooi/id/gemeente/gm0518")
                .bbox(4.2, 52.0, 4.4, 52.1)
                .time(at("2023-01-01"), atEnd("2023-12-31"))
                .updated(300)
                .request(),
            makeRecord("r3", "Hoogtemodel Delft")
                .themes({"terrain"})
                .formats({"las"})
                .adminUnits({"GM0503"})
                .bbox(4.3, 51.95, 4.4, 52.03)
                .updated(200)
                .request(),
            makeRecord("r4", "Overstromingskans Rotterdam")
                .keywords({"water", "dijk"})
                .themes({"flooding"})
                .formats({"gpkg"})
                .adminUnits({"GM0599"})
                .type("simulation-result")
                .bbox(4.4, 51.85, 4.6, 51.97)
                .time(at("2022-03-01"), atEnd("2022-03-31"))
                .updated(400)
                .request(),
            makeRecord("r5", "Bomenkaart Amsterdam")
                .description("Alle gebouwen en bomen in de stad")
                .themes({"vegetation"})
                .formats({"geojson"})
                .adminUnits({"GM0363"})
                .bbox(4.75, 52.3, 5.0, 52.43)
                .time(at("2019-01-01"), std::nullopt)
                .updated(150)
                .request(),
            makeRecord("r6", "3D Tiles Nederland")
                .from("pv28")
                .themes({"buildings"})
                .formats({"3dtiles"})
                .adminUnits({"PV28"})
                .publisher("https://identifier.overheid.nl/tooi/id/provincie/pv28")
                .bbox(3.3, 50.7, 7.2, 53.6)
                .updated(250)
                .request(),
            makeRecord("r7", "energielabels woningen")
                .themes({"energy"})
                .formats({"csv"})
                .adminUnits({"GM0363"})
                .time(at("2021-01-01"), atEnd("2021-12-31"))
                .updated(350)
                .request(),
        };
        store->putBatch(batch);
    }

    SearchResult search(SearchQuery query) const { return store->search(query); }
};

std::vector<std::string> keysOf(const SearchResult& result) {
    std::vector<std::string> keys;
    for (const SearchHit& hit : result.hits) keys.push_back(hit.key);
    return keys;
}

std::set<std::string> keySet(const SearchResult& result) {
    std::vector<std::string> keys = keysOf(result);
    return {keys.begin(), keys.end()};
}

SearchQuery query() {
    SearchQuery q;
    q.limit = 100;
    return q;
}

SearchQuery terms(std::vector<std::string> values) {
    SearchQuery q = query();
    q.terms = std::move(values);
    return q;
}

using Keys = std::set<std::string>;

}  // namespace

TEST_CASE("the planner turns a query into constraints and an order", "[search][planner]") {
    SearchQuery q = terms({"gebouw"});
    q.bbox = Bbox{4, 52, 5, 53};
    q.timeStart = 10;
    q.themes = {"water", "buildings", "water"};
    planner::Plan plan = planner::makePlan(q);
    REQUIRE(plan.constraints.size() == 4);
    CHECK(plan.order == planner::Order::Relevance);
    REQUIRE(plan.text());
    CHECK(plan.constraints[2].kind == planner::Constraint::Kind::Time);
    CHECK(plan.constraints[2].end == tweeling::common::kOpenEnd);
    CHECK(plan.constraints[3].values == std::vector<std::string>{"buildings", "water"});
    // Values never reach the SQL text: only placeholders do.
    planner::SqlQuery page = planner::pageSql(plan);
    CHECK(page.sql.find("gebouw") == std::string::npos);
    CHECK(page.sql.find("water") == std::string::npos);
    CHECK(std::count(page.sql.begin(), page.sql.end(), '?') == static_cast<long>(page.params.size()));
    planner::SqlQuery count = planner::countSql(plan);
    CHECK(std::count(count.sql.begin(), count.sql.end(), '?') == static_cast<long>(count.params.size()));

    CHECK(planner::makePlan(query()).order == planner::Order::Updated);
    SearchQuery relevanceWithoutWords = query();
    relevanceWithoutWords.sort = SortKey::Relevance;
    relevanceWithoutWords.terms = {"--"};
    CHECK(planner::makePlan(relevanceWithoutWords).order == planner::Order::Updated);
    CHECK(planner::makePlan(relevanceWithoutWords).constraints.empty());
}

TEST_CASE("search without filters returns everything, newest first", "[search]") {
    Catalog catalog;
    SearchResult result = catalog.search(query());
    CHECK(result.numberMatched == 7);
    CHECK(keysOf(result) == std::vector<std::string>{"r4", "r7", "r2", "pv28:r6", "r3", "r5", "r1"});
    REQUIRE(result.hits.size() == 7);
    CHECK(result.hits[3].origin == "pv28");
    CHECK(result.hits[0].json == catalog.store->get("r4")->json);
    CHECK(result.hits[0].seq == catalog.store->get("r4")->seq);
}

TEST_CASE("text search", "[search][text]") {
    Catalog catalog;
    SECTION("prefix, case and diacritics") {
        CHECK(keySet(catalog.search(terms({"gebouw"}))) == Keys{"r1", "r5"});  // title and description
        CHECK(keySet(catalog.search(terms({"GEBOUWEN"}))) == Keys{"r1", "r5"});
        CHECK(keySet(catalog.search(terms({"Den Haág"}))) == Keys{"r1", "r2"});
        CHECK(keySet(catalog.search(terms({"den haag"}))) == Keys{"r1", "r2"});
        CHECK(keySet(catalog.search(terms({"hitte"}))) == Keys{"r2"});
        CHECK(keySet(catalog.search(terms({"dijk"}))) == Keys{"r4"});  // keywords
        CHECK(catalog.search(terms({"gebouwenblok"})).numberMatched == 0);
    }
    SECTION("words of one term are AND-ed, terms are OR-ed") {
        CHECK(catalog.search(terms({"haag rotterdam"})).numberMatched == 0);
        CHECK(keySet(catalog.search(terms({"haag", "rotterdam"}))) == Keys{"r1", "r2", "r4"});
        CHECK(keySet(catalog.search(terms({"den haag lod2"}))) == Keys{"r1"});
        CHECK(keySet(catalog.search(terms({"den haag lod2", "delft"}))) == Keys{"r1", "r3"});
    }
    SECTION("terms without words are ignored; no words at all means no text filter") {
        CHECK(keySet(catalog.search(terms({"--", "delft"}))) == Keys{"r3"});
        CHECK(catalog.search(terms({",", " "})).numberMatched == 7);
    }
    SECTION("FTS5 syntax in a term is taken as words") {
        CHECK(catalog.search(terms({"\"delft"})).numberMatched == 1);
        CHECK(catalog.search(terms({"title:delft"})).numberMatched == 0);  // needs the word "title" too
        CHECK(catalog.search(terms({"delft OR rotterdam"})).numberMatched == 0);
        CHECK(catalog.search(terms({"NEAR(delft)"})).numberMatched == 0);
    }
    SECTION("relevance ranks a title match above a description match") {
        SearchResult result = catalog.search(terms({"gebouwen"}));
        CHECK(keysOf(result) == std::vector<std::string>{"r1", "r5"});
    }
}

TEST_CASE("bbox search intersects footprints", "[search][bbox]") {
    Catalog catalog;
    SearchQuery q = query();
    q.bbox = Bbox{4.25, 52.05, 4.3, 52.08};
    CHECK(keySet(catalog.search(q)) == Keys{"r1", "r2", "pv28:r6"});
    q.bbox = Bbox{5.0, 52.43, 5.1, 52.5};  // touches r5's corner: intersection is inclusive
    CHECK(keySet(catalog.search(q)) == Keys{"r5", "pv28:r6"});
    q.bbox = Bbox{5.0000001, 52.4300001, 5.1, 52.5};  // just past it: only the exact bbox can tell
    CHECK(keySet(catalog.search(q)) == Keys{"pv28:r6"});
    q.bbox = Bbox{0, 0, 1, 1};
    CHECK(catalog.search(q).numberMatched == 0);
    q.bbox = Bbox{-180, -90, 180, 90};
    CHECK(catalog.search(q).numberMatched == 6);  // r7 has no footprint
}

TEST_CASE("datetime search intersects temporal extents", "[search][time]") {
    Catalog catalog;
    SearchQuery q = query();
    q.timeStart = at("2022-01-01");
    q.timeEnd = atEnd("2022-12-31");
    CHECK(keySet(catalog.search(q)) == Keys{"r4", "r5"});  // r5 is open-ended since 2019
    q.timeStart = std::nullopt;
    q.timeEnd = atEnd("2019-06-30");
    CHECK(keySet(catalog.search(q)) == Keys{"r5"});
    q.timeStart = at("2023-12-31");
    q.timeEnd = std::nullopt;
    CHECK(keySet(catalog.search(q)) == Keys{"r2", "r5"});
    q.timeStart = at("2021-12-31T23:59:59Z");  // inclusive at the instant r1 and r7 end
    q.timeEnd = at("2021-12-31T23:59:59Z");
    CHECK(keySet(catalog.search(q)) == Keys{"r1", "r5", "r7"});
    q.timeStart = tweeling::common::kOpenStart;
    q.timeEnd = tweeling::common::kOpenEnd;
    CHECK(catalog.search(q).numberMatched == 5);  // r3 and r6 have no time
}

TEST_CASE("value filters: any value within a list, every list must hold", "[search][values]") {
    Catalog catalog;
    SearchQuery q = query();
    q.themes = {"buildings"};
    CHECK(keySet(catalog.search(q)) == Keys{"r1", "pv28:r6"});
    q.themes = {"buildings", "flooding"};
    CHECK(keySet(catalog.search(q)) == Keys{"r1", "r4", "pv28:r6"});
    q.formats = {"3dtiles"};
    CHECK(keySet(catalog.search(q)) == Keys{"r1", "pv28:r6"});
    q.adminUnits = {"PV28"};
    CHECK(keySet(catalog.search(q)) == Keys{"pv28:r6"});

    SearchQuery formats = query();
    formats.formats = {"cityjson", "las"};
    CHECK(keySet(catalog.search(formats)) == Keys{"r1", "r3"});
    SearchQuery units = query();
    units.adminUnits = {"GM0518"};
    CHECK(keySet(catalog.search(units)) == Keys{"r1", "r2"});
    SearchQuery types = query();
    types.types = {"simulation-result"};
    CHECK(keySet(catalog.search(types)) == Keys{"r2", "r4"});
    SearchQuery origins = query();
    origins.origins = {"pv28"};
    CHECK(keySet(catalog.search(origins)) == Keys{"pv28:r6"});
    origins.origins = {"gm0363"};
    CHECK(catalog.search(origins).numberMatched == 6);
    SearchQuery ids = query();
    ids.ids = {"r1", "pv28:r6", "r6", "nope"};
    CHECK(keySet(catalog.search(ids)) == Keys{"r1", "pv28:r6"});
    SearchQuery publishers = query();
    publishers.publishers = {"https://identifier.overheid.nl/tooi/id/gemeente/gm0518"};
    CHECK(keySet(catalog.search(publishers)) == Keys{"r1", "r2"});
    SearchQuery unknown = query();
    unknown.themes = {"noise"};
    CHECK(catalog.search(unknown).numberMatched == 0);
}

TEST_CASE("combined filters", "[search][combined]") {
    Catalog catalog;
    SearchQuery q = terms({"haag"});
    q.bbox = Bbox{4.25, 52.05, 4.3, 52.08};
    q.timeStart = at("2023-06-01");
    q.timeEnd = at("2023-06-02");
    q.themes = {"heat-stress", "flooding"};
    CHECK(keysOf(catalog.search(q)) == std::vector<std::string>{"r2"});

    SearchQuery buildings = terms({"gebouw"});
    buildings.themes = {"buildings"};
    CHECK(keysOf(catalog.search(buildings)) == std::vector<std::string>{"r1"});

    SearchQuery datasets = terms({"den haag", "rotterdam"});
    datasets.types = {"dataset"};
    CHECK(keysOf(catalog.search(datasets)) == std::vector<std::string>{"r1"});

    SearchQuery spatialText = terms({"nederland", "delft"});
    spatialText.bbox = Bbox{4.35, 51.96, 4.36, 51.97};
    spatialText.sort = SortKey::Title;
    spatialText.descending = false;
    CHECK(keysOf(catalog.search(spatialText)) == std::vector<std::string>{"pv28:r6", "r3"});

    SearchQuery nothing = terms({"delft"});
    nothing.origins = {"pv28"};
    CHECK(catalog.search(nothing).numberMatched == 0);
}

TEST_CASE("sort orders", "[search][sort]") {
    Catalog catalog;
    SearchQuery q = query();
    q.sort = SortKey::Title;
    q.descending = false;
    CHECK(keysOf(catalog.search(q)) ==
          std::vector<std::string>{"pv28:r6", "r5", "r7", "r1", "r2", "r3", "r4"});  // case-insensitive
    q.descending = true;
    CHECK(keysOf(catalog.search(q)) ==
          std::vector<std::string>{"r4", "r3", "r2", "r1", "r7", "r5", "pv28:r6"});
    q.sort = SortKey::Updated;
    q.descending = false;
    CHECK(keysOf(catalog.search(q)) ==
          std::vector<std::string>{"r1", "r5", "r3", "pv28:r6", "r2", "r7", "r4"});
    SearchQuery text = terms({"haag", "rotterdam"});
    text.sort = SortKey::Updated;
    CHECK(keysOf(catalog.search(text)) == std::vector<std::string>{"r4", "r2", "r1"});
}

TEST_CASE("numberMatched is exact whatever the page", "[search][paging]") {
    Catalog catalog;
    SearchQuery q = query();
    q.limit = 2;
    SearchResult first = catalog.search(q);
    CHECK(first.numberMatched == 7);
    CHECK(first.hits.size() == 2);
    q.offset = 6;
    SearchResult last = catalog.search(q);
    CHECK(last.numberMatched == 7);
    CHECK(keysOf(last) == std::vector<std::string>{"r1"});
    q.offset = 50;
    SearchResult beyond = catalog.search(q);
    CHECK(beyond.numberMatched == 7);
    CHECK(beyond.hits.empty());
    q.offset = 0;
    q.limit = 0;
    SearchResult countOnly = catalog.search(q);
    CHECK(countOnly.numberMatched == 7);
    CHECK(countOnly.hits.empty());
    SearchQuery text = terms({"den haag"});
    text.limit = 1;
    CHECK(catalog.search(text).numberMatched == 2);
}

TEST_CASE("paging is stable across ties: no duplicates, no gaps", "[search][paging]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    std::vector<PutRequest> batch;
    for (int i = 0; i < 25; ++i)
        batch.push_back(makeRecord("same-" + std::to_string(i), "Gelijke titel")
                            .updated(1000)
                            .bbox(4, 52, 5, 53)
                            .themes({"buildings"})
                            .request());
    store->putBatch(batch);

    struct Case {
        SortKey sort;
        bool descending;
        bool text;
    };
    for (Case c : {Case{SortKey::Default, true, true}, Case{SortKey::Default, true, false},
                   Case{SortKey::Updated, false, false}, Case{SortKey::Title, false, true},
                   Case{SortKey::Title, true, false}, Case{SortKey::Relevance, false, true}}) {
        std::vector<std::string> seen;
        for (std::int64_t offset = 0; offset < 30; offset += 7) {
            SearchQuery q;
            if (c.text) q.terms = {"gelijke"};
            q.themes = {"buildings"};
            q.sort = c.sort;
            q.descending = c.descending;
            q.limit = 7;
            q.offset = offset;
            SearchResult result = store->search(q);
            CHECK(result.numberMatched == 25);
            for (const auto& hit : result.hits) seen.push_back(hit.key);
        }
        CHECK(seen.size() == 25);
        CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 25);
    }
}

TEST_CASE("replacing and removing a record keeps every index in step", "[search]") {
    Catalog catalog;
    auto changed = makeRecord("r3", "Puntenwolk Leiden")
                       .themes({"pointcloud"})
                       .formats({"laz"})
                       .bbox(4.45, 52.12, 4.52, 52.18)
                       .updated(500);
    REQUIRE(catalog.store->put(changed.request()) == PutOutcome::Replaced);
    CHECK(catalog.search(terms({"delft"})).numberMatched == 0);
    CHECK(keysOf(catalog.search(terms({"leiden"}))) == std::vector<std::string>{"r3"});
    SearchQuery terrain = query();
    terrain.themes = {"terrain"};
    CHECK(catalog.search(terrain).numberMatched == 0);
    SearchQuery pointcloud = query();
    pointcloud.themes = {"pointcloud"};
    pointcloud.formats = {"laz"};
    CHECK(keysOf(catalog.search(pointcloud)) == std::vector<std::string>{"r3"});
    SearchQuery oldPlace = query();
    oldPlace.bbox = Bbox{4.35, 51.96, 4.36, 51.97};
    CHECK(keySet(catalog.search(oldPlace)) == Keys{"pv28:r6"});
    SearchQuery newPlace = query();
    newPlace.bbox = Bbox{4.5, 52.15, 4.51, 52.16};
    CHECK(keySet(catalog.search(newPlace)) == Keys{"r3", "pv28:r6"});
    CHECK(keysOf(catalog.search(query())).front() == "r3");  // updated 500 is now the newest

    REQUIRE(catalog.store->remove("", "r3"));
    CHECK(catalog.search(terms({"leiden"})).numberMatched == 0);
    CHECK(catalog.search(pointcloud).numberMatched == 0);
    CHECK(keySet(catalog.search(newPlace)) == Keys{"pv28:r6"});
    CHECK(catalog.search(query()).numberMatched == 6);
}

namespace {

// Relevance as the README states it: each word adds its idf times the weight of the fields it
// occurs in (title 10, keywords 5, description 1); equal scores come newest first. Checked on both
// search paths (the index-only candidates and the general SQL plan).
struct RankedCatalog {
    TempDir dir;
    std::string path = dir.file("ranked.db");
    std::unique_ptr<Store> store = openStore(path);
    std::unique_ptr<Store> sqlOnly;

    explicit RankedCatalog(int titleOnlyRecords) {
        std::vector<PutRequest> batch = {
            makeRecord("all", "Hittestress").description("hittestress").keywords({"hittestress"}).updated(2019).request(),
            makeRecord("title-new", "Hittestress model").updated(2023).request(),
            makeRecord("title-old", "Hittestress kaart").updated(2020).request(),
            makeRecord("keywords", "Kaart").keywords({"hittestress"}).updated(2024).request(),
            makeRecord("description", "Kaart").description("over hittestress").updated(2025).request(),
            makeRecord("rare-word", "Kaart").description("bomen").updated(2018).request(),
        };
        // Records that match nothing: they make a word that few records hold rare (high idf).
        for (int i = 0; i < 100; ++i) batch.push_back(makeRecord("other" + std::to_string(i), "Gebouwen").updated(1000 + i).request());
        // Many records with the word in the title alone: one large score group.
        for (int i = 0; i < titleOnlyRecords; ++i)
            batch.push_back(makeRecord("many" + std::to_string(i), "Hittestress " + std::to_string(i)).updated(3000 + i).request());
        store->putBatch(batch);
        sqlOnly = tweeling::test::openSqlOnly(path);
    }

    std::vector<std::string> ranked(std::vector<std::string> words, int offset, int limit, bool best = true,
                                    bool withBbox = false) {
        SearchQuery q;
        q.terms = std::move(words);
        q.sort = SortKey::Relevance;
        q.descending = best;
        q.offset = offset;
        q.limit = limit;
        if (withBbox) q.bbox = Bbox{-180, -90, 180, 90};  // records have no footprint: none match
        auto fast = store->search(q);
        auto reference = sqlOnly->search(q);
        std::vector<std::string> keys, referenceKeys;
        for (const auto& hit : fast.hits) keys.push_back(hit.key.substr(hit.key.find(':') + 1));
        for (const auto& hit : reference.hits) referenceKeys.push_back(hit.key.substr(hit.key.find(':') + 1));
        CHECK(fast.numberMatched == reference.numberMatched);
        CHECK(keys == referenceKeys);
        return keys;
    }
};

}  // namespace

TEST_CASE("relevance weighs fields and rare words; equal scores come newest first", "[search][relevance]") {
    RankedCatalog catalog(0);
    using Keys = std::vector<std::string>;
    // The score groups are small here: their order comes from each row's `updated`.
    CHECK(catalog.ranked({"hittestress"}, 0, 10) == Keys{"all", "title-new", "title-old", "keywords", "description"});
    CHECK(catalog.ranked({"hittestress"}, 1, 2) == Keys{"title-new", "title-old"});
    CHECK(catalog.ranked({"hittestress"}, 0, 10, false) == Keys{"description", "keywords", "title-old", "title-new", "all"});
    // bomen is in one record of 106, hittestress in five: bomen in a description outweighs
    // hittestress in a description, not hittestress in keywords.
    CHECK(catalog.ranked({"hittestress", "bomen"}, 0, 10) ==
          Keys{"all", "title-new", "title-old", "keywords", "rare-word", "description"});
    CHECK(catalog.ranked({"hittestress"}, 0, 10, true, true).empty());
    CHECK(catalog.ranked({"hitte"}, 0, 3) == Keys{"all", "title-new", "title-old"});  // words match as prefixes
}

TEST_CASE("relevance orders a large score group by walking the updated index", "[search][relevance]") {
    RankedCatalog catalog(300);
    using Keys = std::vector<std::string>;
    // 302 records hold the word in their title alone; the newest of them come first after "all".
    CHECK(catalog.ranked({"hittestress"}, 0, 4) == Keys{"all", "many299", "many298", "many297"});
    CHECK(catalog.ranked({"hittestress"}, 300, 5) == Keys{"many0", "title-new", "title-old", "keywords", "description"});
    CHECK(catalog.ranked({"hittestress"}, 0, 3, false) == Keys{"description", "keywords", "title-old"});
}

TEST_CASE("words matched as their exact terms answer as the FTS5 prefix query does", "[search][relevance][terms]") {
    TempDir dir;
    std::string path = dir.file("terms.db");
    auto store = openStore(path);
    // "gebouw" extends to many terms (more than the 16 a word is expanded to), "hitte" to a few,
    // "bomen" to itself alone; words in every field, with accents and capitals.
    std::vector<PutRequest> batch;
    for (int i = 0; i < 40; ++i) {
        auto record = makeRecord("t" + std::to_string(i), "Gebouw" + std::string(1, static_cast<char>('a' + i % 20)) + " kaart")
                          .description(i % 3 ? "Hittestress in de stad" : "Hitte en droogte, Bomen")
                          .keywords({i % 2 ? "hittestresskaart" : "bomen", "Créteil"})
                          .updated(1000 + i);
        batch.push_back(record.request());
    }
    store->putBatch(batch);
    store->prepareIndexes();  // as a server does at start: searches find the index built
    auto reference = tweeling::test::openSqlOnly(path);  // never expands: the FTS5 prefix query
    auto compare = [&](std::vector<std::string> terms) {
        for (bool best : {true, false}) {
            SearchQuery q;
            q.terms = terms;
            q.sort = SortKey::Relevance;
            q.descending = best;
            q.limit = 100;
            auto fast = store->search(q);
            auto slow = reference->search(q);
            INFO(terms.front() << (best ? "" : " ascending"));
            CHECK(fast.numberMatched == slow.numberMatched);
            CHECK(keysOf(fast) == keysOf(slow));
        }
    };
    for (const char* word : {"hitte", "hittestress", "bomen", "kaart", "creteil", "CRÉTEIL", "gebouwa", "zzz"}) compare({word});
    compare({"hitte bomen"});
    compare({"hitte", "bomen", "kaart"});
    compare({"gebouw"});  // over 16 terms
    auto stats = store->termIndexStats();
    CHECK(stats.builds == 1);
    CHECK(stats.answered > 0);
    CHECK(stats.expanded == 0);  // every search above was answered by the term index
    CHECK(stats.terms > 20);
    // A shape the index does not answer (a CQL2 condition left to SQL) goes to FTS5, its words expanded.
    {
        SearchQuery filtered;
        filtered.terms = {"hitte"};
        filtered.filter = std::make_shared<const cql2::Expression>(cql2::parse("updated > TIMESTAMP('1970-01-01T00:00:00Z')"));
        filtered.limit = 100;
        auto fast = store->search(filtered);
        CHECK(fast.numberMatched == reference->search(filtered).numberMatched);
        CHECK(fast.numberMatched > 0);
        CHECK(keysOf(fast) == keysOf(reference->search(filtered)));
        CHECK(store->termIndexStats().expanded == 1);
    }

    // A word written since the list was made is found: the list follows this store's writes...
    store->put(makeRecord("new", "Zonnepanelen op daken").request());
    compare({"zonnepan"});  // a prefix of the new term only: found only if the list has the term
    compare({"zonnepanelen"});
    SearchQuery newWord;
    newWord.terms = {"zonnepan"};
    CHECK(store->search(newWord).numberMatched == 1);
    CHECK(store->termIndexStats().catchUps == 1);
    // ...and is listed again when another process wrote.
    {
        auto other = openStore(path);
        other->put(makeRecord("elsewhere", "Windturbines langs de dijk").request());
    }
    // The search that finds the index behind does not build it: FTS5 answers it, the same.
    compare({"windturb"});
    SearchQuery found;
    found.terms = {"windturb"};
    CHECK(store->search(found).numberMatched == 1);
    store->prepareIndexes();  // after the background build the search woke, if it is still going
    CHECK(store->termIndexStats().builds == 2);
    const auto answered = store->termIndexStats().answered;
    compare({"windturb"});
    CHECK(store->termIndexStats().answered == answered + 2);
}

namespace {

// Records of random words from a small list whose words are prefixes of one another, in random
// fields: what the term index must answer exactly as FTS5 does.
struct WordCatalog {
    std::vector<std::string> words = {"hitte", "hittestress", "Hittekaart", "bomen", "boom", "gebouw", "gebouwen",
                                      "dijk", "water", "waterkering", "zon", "zonnepanelen", "3d", "kaart", "Créteil"};
    std::uint32_t state = 12345;
    std::uint32_t next(std::uint32_t below) {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % below;
    }
    std::string text(int most) {
        std::string out;
        for (std::uint32_t i = 0, n = next(static_cast<std::uint32_t>(most) + 1); i < n; ++i) {
            if (!out.empty()) out += ' ';
            out += words[next(static_cast<std::uint32_t>(words.size()))];
        }
        return out;
    }
    PutRequest record(const std::string& id) {
        std::vector<std::string> keywords;
        for (std::uint32_t i = 0, n = next(3); i < n; ++i) keywords.push_back(words[next(static_cast<std::uint32_t>(words.size()))]);
        const double x = 3.5 + next(30) * 0.1, y = 50.8 + next(25) * 0.1;
        const std::uint32_t kind = next(3);  // no time, an interval, an instant
        const std::int64_t start = 1000 + next(20) * 10;
        std::optional<std::int64_t> from = kind ? std::optional<std::int64_t>(start) : std::nullopt;
        std::optional<std::int64_t> to = kind ? std::optional<std::int64_t>(kind == 1 ? start + 30 : start) : std::nullopt;
        return makeRecord(id, text(3))
            .time(from, to)
            .description(text(6))
            .keywords(keywords)
            .themes({next(2) ? "heat-stress" : "buildings"})
            .bbox(x, y, x + 0.05, y + 0.05)
            .updated(1000 + next(50))  // many ties
            .request();
    }
};

}  // namespace

TEST_CASE("the term index answers words as FTS5 does, and follows writes", "[search][relevance][terms]") {
    TempDir dir;
    std::string path = dir.file("index.db");
    // No background builder: what a search itself does to the index is seen in the counters.
    auto store = tweeling::test::openStoreWith(path, [](StoreOptions& options) { options.indexBuilder = false; });
    auto reference = tweeling::test::openSqlOnly(path);  // FTS5 alone
    WordCatalog catalog;
    std::vector<PutRequest> batch;
    for (int i = 0; i < 300; ++i) batch.push_back(catalog.record("r" + std::to_string(i)));
    store->putBatch(batch);
    store->prepareIndexes();  // as a server does at start: searches find the index built

    const std::vector<std::vector<std::string>> queries = {
        {"hitte"}, {"hit"}, {"hittestress"}, {"b"}, {"boom"}, {"gebouw"}, {"zon"}, {"3d"}, {"creteil"}, {"onbekend"},
        {"hitte bomen"}, {"water dijk kaart"},
        // OR over groups: a word's fields count only where its own group matches.
        {"hitte bomen", "dijk"}, {"zon", "gebouwen kaart", "3d"}, {"hitte", "hitte"}};
    int compared = 0;
    auto compareAll = [&](const char* stage) {
        for (const auto& terms : queries) {
            for (int shape = 0; shape < 8; ++shape) {
                SearchQuery q;
                q.terms = terms;
                q.limit = 400;
                if (shape == 1) q.descending = false, q.sort = SortKey::Relevance;
                if (shape == 2) q.sort = SortKey::Updated;
                if (shape == 3) q.facets = {"themes"};
                if (shape == 4) q.bbox = Bbox{4.0, 51.0, 5.5, 52.5};
                if (shape == 5) q.themes = {"heat-stress"}, q.offset = 7, q.limit = 20;
                // Footprints and times that touch the query's edges match (closed intervals).
                if (shape == 6) q.timeStart = 1050, q.timeEnd = 1100;
                if (shape == 7) q.bbox = Bbox{3.6, 50.9, 4.6, 51.9}, q.timeStart = 1100;
                auto fast = store->search(q);
                auto slow = reference->search(q);
                INFO(stage << ": " << terms.front() << (terms.size() > 1 ? ",…" : "") << " shape " << shape);
                CHECK(fast.numberMatched == slow.numberMatched);
                CHECK(keysOf(fast) == keysOf(slow));
                if (shape == 3) {
                    REQUIRE(fast.facets.size() == 1);
                    REQUIRE(slow.facets.size() == 1);
                    CHECK(fast.facets[0].values.size() == slow.facets[0].values.size());
                }
                ++compared;
            }
        }
    };
    compareAll("built");
    auto stats = store->termIndexStats();
    CHECK(stats.builds == 1);
    CHECK(stats.answered == static_cast<std::int64_t>(compared));
    {
        SearchQuery some;
        some.terms = {"hitte"};
        REQUIRE(store->search(some).numberMatched > 20);
    }

    // Replacements that move words between fields, deletes, new records, and a record replaced twice.
    for (int round = 0; round < 3; ++round) {
        std::vector<PutRequest> changes;
        for (int i = 0; i < 30; ++i) changes.push_back(catalog.record("r" + std::to_string(catalog.next(300))));
        for (int i = 0; i < 10; ++i) changes.push_back(catalog.record("new" + std::to_string(round) + "-" + std::to_string(i)));
        store->putBatch(changes);
        for (int i = 0; i < 10; ++i) {
            store->remove("", "r" + std::to_string(catalog.next(300)));
        }
        store->put(catalog.record("r1"));
        store->put(catalog.record("r1"));
        compareAll("after writes");
    }
    stats = store->termIndexStats();
    CHECK(stats.builds == 1);
    CHECK(stats.catchUps == 3);

    // A write by another process: the log cannot vouch for it, so the index is built again.
    {
        auto other = openStore(path);
        other->put(makeRecord("elsewhere", "Windturbines langs de dijk").request());
    }
    SearchQuery found;
    found.terms = {"windturb"};
    CHECK(store->search(found).numberMatched == 1);
    compareAll("before the build");
    stats = store->termIndexStats();
    CHECK(stats.builds == 1);  // a search never builds: FTS5 answered them all
    CHECK(stats.answered == static_cast<std::int64_t>(compared) - 8 * static_cast<std::int64_t>(queries.size()) + 1);
    store->prepareIndexes();
    stats = store->termIndexStats();
    CHECK(stats.builds == 2);
    const int before = compared;
    compareAll("rebuilt");
    CHECK(store->termIndexStats().answered == stats.answered + (compared - before));

    // More changed records than a search catches up itself (5,000): it is answered by FTS5, and
    // the index catches up when brought up to date.
    {
        std::vector<PutRequest> many;
        for (int i = 0; i < 5001; ++i) many.push_back(catalog.record("bulk" + std::to_string(i)));
        store->putBatch(many);
    }
    stats = store->termIndexStats();
    compareAll("behind by 5,001");
    CHECK(store->termIndexStats().answered == stats.answered);
    CHECK(store->termIndexStats().catchUps == stats.catchUps);
    store->prepareIndexes();
    CHECK(store->termIndexStats().catchUps == stats.catchUps + 1);
    CHECK(store->termIndexStats().builds == stats.builds);
    compareAll("caught up");
    CHECK(store->termIndexStats().answered == stats.answered + 8 * static_cast<std::int64_t>(queries.size()));
}

TEST_CASE("searches on other threads never hide a write from the search after it, nor block it", "[search][terms][threads]") {
    TempDir dir;
    auto store = openStore(dir.file("threads.db"));
    WordCatalog catalog;
    std::vector<PutRequest> batch;
    for (int i = 0; i < 500; ++i) batch.push_back(catalog.record("r" + std::to_string(i)));
    store->putBatch(batch);
    store->prepareIndexes();
    // Two threads search without pause (holding the index as they read it) while this one writes
    // and, after each write, searches for what it wrote: the index must be caught up in between.
    std::atomic<bool> stop{false};
    std::atomic<int> searched{0};
    auto reader = [&] {
        SearchQuery q;
        q.terms = {"hitte"};
        q.bbox = Bbox{3.0, 50.0, 7.0, 54.0};
        while (!stop) {
            store->search(q);
            ++searched;
        }
    };
    std::thread first(reader), second(reader);
    int found = 0;
    for (int i = 0; i < 40; ++i) {
        const std::string word = "windmolen" + std::to_string(i) + "x";
        store->put(makeRecord("w" + std::to_string(i), "Kaart " + word).request());
        SearchQuery q;
        q.terms = {word};
        found += store->search(q).numberMatched == 1;
    }
    stop = true;
    first.join();
    second.join();
    CHECK(found == 40);
    CHECK(searched > 0);
    CHECK(store->termIndexStats().catchUps >= 1);
}

TEST_CASE("bbox from the grid of the in-memory index answers as the R*Tree and SQL do, through writes", "[search][bbox][grid]") {
    TempDir dir;
    std::string path = dir.file("grid.db");
    auto store = openStore(path);
    auto reference = tweeling::test::openSqlOnly(path);
    // The grid spans [3.3, 7.3] × [50.7, 53.6]: 64 cells of 0.0625° × 0.0453125°. Points, small
    // boxes, boxes on cell lines and boxes too large for the grid.
    std::uint32_t state = 99;
    auto next = [&](std::uint32_t below) {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % below;
    };
    const double cellX = 4.0 / 64, cellY = 2.9 / 64;
    auto footprint = [&](const std::string& id) {
        // One in seven has a word of its own: a word's few matches are checked one by one, its
        // many against the cells (two paths of the index).
        auto record = makeRecord(id, next(7) == 0 ? "Kaart hittestress" : "Kaart");
        const std::uint32_t kind = next(5);
        const double x = 3.3 + next(4000) * 0.001, y = 50.7 + next(2900) * 0.001;
        if (kind == 0) record.bbox(x, y, x, y);                                                   // a point
        if (kind == 1) record.bbox(x, y, x + 0.01, y + 0.01);                                     // small
        if (kind == 2) {                                                                          // on cell lines
            const double lineX = 3.3 + next(64) * cellX, lineY = 50.7 + next(64) * cellY;
            record.bbox(lineX, lineY, lineX + cellX, lineY + (next(2) ? 0 : cellY));
        }
        if (kind == 3) record.bbox(x, y, std::min(7.3, x + 0.5), std::min(53.6, y + 0.4));     // loose
        return record.updated(1000 + next(100)).request();
    };
    std::vector<PutRequest> batch = {makeRecord("corner-a").bbox(3.3, 50.7, 3.3, 50.7).request(),
                                     makeRecord("corner-b").bbox(7.3, 53.6, 7.3, 53.6).request()};
    for (int i = 0; i < 3000; ++i) batch.push_back(footprint("f" + std::to_string(i)));
    store->putBatch(batch);
    store->prepareIndexes();  // as a server does at start: searches find the index built

    auto compare = [&](const char* stage) {
        std::uint32_t queries = 0;
        for (int k = 0; k < 120; ++k) {
            Bbox box;
            if (k % 3 == 0) {  // edges on cell lines
                const std::uint32_t i = next(60), j = next(60);
                box = Bbox{3.3 + i * cellX, 50.7 + j * cellY, 3.3 + (i + 1 + next(4)) * cellX, 50.7 + (j + 1 + next(4)) * cellY};
            } else if (k % 3 == 1) {  // edges on record coordinates, or off them by less than a float's step
                box = Bbox{3.3 + next(4000) * 0.001, 50.7 + next(2900) * 0.001, 0, 0};
                box.maxX = box.minX + next(800) * 0.001;
                box.maxY = box.minY + next(600) * 0.001;
                const double nudges[] = {0, 0, 1e-9, -1e-9, 1e-13, -1e-13};
                box.minX += nudges[next(6)], box.minY += nudges[next(6)];
                box.maxX += nudges[next(6)], box.maxY += nudges[next(6)];
            } else {  // anywhere, also beyond the grid
                box = Bbox{2.5 + next(5000) * 0.001, 50.0 + next(4000) * 0.001, 0, 0};
                box.maxX = box.minX + next(3000) * 0.001;
                box.maxY = box.minY + next(2000) * 0.001;
            }
            SearchQuery q;
            q.bbox = box;
            q.limit = 5000;
            auto fast = store->search(q);
            auto slow = reference->search(q);
            INFO(stage << ": " << std::setprecision(17) << box.minX << "," << box.minY << "," << box.maxX << "," << box.maxY);
            CHECK(fast.numberMatched == slow.numberMatched);
            CHECK(keysOf(fast) == keysOf(slow));
            queries += fast.numberMatched > 0;
            q.terms = {"hittestress"};
            CHECK(keysOf(store->search(q)) == keysOf(reference->search(q)));
        }
        CHECK(queries > 60);
    };
    compare("built");
    // Moves (records leave their cells), deletes and new records: the grid follows the writes.
    std::vector<PutRequest> moves;
    for (int i = 0; i < 400; ++i) moves.push_back(footprint("f" + std::to_string(next(3000))));
    for (int i = 0; i < 100; ++i) moves.push_back(footprint("n" + std::to_string(i)));
    moves.push_back(makeRecord("outside").bbox(8.0, 54.0, 8.1, 54.1).request());  // beyond the grid: loose
    store->putBatch(moves);
    for (int i = 0; i < 100; ++i) store->remove("", "f" + std::to_string(next(3000)));
    compare("after writes");
    SearchQuery outside;
    outside.bbox = Bbox{7.9, 53.9, 8.05, 54.05};
    CHECK(keysOf(store->search(outside)) == std::vector<std::string>{"outside"});
    CHECK(store->termIndexStats().builds == 1);
}
