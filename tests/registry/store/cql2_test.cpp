// CQL2 text: the parser (grammar, precedence, errors with offsets) and its compilation to SQL,
// checked against a store with known records and a hand-written oracle per filter.
#include "store/cql2.hpp"

#include "common/time.hpp"
#include "store/planner.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <set>

using namespace tweeling::registry::store;
using tweeling::test::makeRecord;
using tweeling::test::openStore;
using tweeling::test::TempDir;
using tweeling::test::TestRecord;

namespace {

std::int64_t at(const char* text) { return *tweeling::common::parseRfc3339(text); }
std::int64_t atEnd(const char* text) { return *tweeling::common::parseRfc3339End(text); }

const std::string kGm0518 = "https://identifier.overheid.nl/tooi/id/gemeente/gm0518";
const std::string kGm0363 = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";

TestRecord withRights(TestRecord record, std::string license, std::string rights) {
    record.fields.license = std::move(license);
    record.fields.rights = std::move(rights);
    return record;
}

// Twelve records with every queryable varied; the filters below are checked against an oracle
// written in C++ over these same values.
struct Catalog {
    TempDir dir;
    std::unique_ptr<Store> store = openStore(dir.file("registry.db"));
    std::vector<TestRecord> records;

    Catalog() {
        records = {
            makeRecord("r1", "Gebouwen Den Haag LoD2")
                .themes({"buildings"})
                .formats({"3dtiles", "cityjson"})
                .adminUnits({"GM0518", "PV28"})
                .publisher(kGm0518)
                .bbox(4.2, 52.0, 4.4, 52.1)
                .time(at("2020-01-01"), atEnd("2021-12-31"))
                .updated(at("2024-01-10T08:00:00Z")),
            makeRecord("r2", "Hittestresskaart Den Haag 2023")
                .description("Gevoelstemperatuur op een hete dag")
                .themes({"heat-stress"})
                .formats({"wms"})
                .adminUnits({"GM0518"})
                .type("simulation-result")
                .publisher(kGm0518)
                .bbox(4.2, 52.0, 4.4, 52.1)
                .time(at("2023-01-01"), atEnd("2023-12-31"))
                .updated(at("2024-01-31T23:59:59Z")),
            makeRecord("r3", "Hoogtemodel Delft")
                .themes({"terrain", "pointcloud"})
                .formats({"las", "copc"})
                .adminUnits({"GM0503"})
                .bbox(4.3, 51.95, 4.4, 52.03)
                .updated(at("2023-06-01T00:00:00Z")),
            makeRecord("r4", "Overstromingskans Rotterdam")
                .themes({"flooding", "water"})
                .formats({"gpkg"})
                .adminUnits({"GM0599"})
                .type("simulation-result")
                .publisher("")
                .bbox(4.4, 51.85, 4.6, 51.97)
                .time(at("2022-03-01"), atEnd("2022-03-31"))
                .updated(at("2024-02-01T00:00:00Z")),
            makeRecord("r5", "Bomenkaart Amsterdam")
                .description("Alle gebouwen en bomen in de stad, 100% compleet")
                .themes({"vegetation"})
                .formats({"geojson"})
                .adminUnits({"GM0363", "PV27"})
                .bbox(4.75, 52.3, 5.0, 52.43)
                .time(at("2019-01-01"), std::nullopt)
                .updated(at("2022-05-05T12:00:00Z")),
            makeRecord("r6", "3D Tiles Nederland")
                .from("pv28")
                .themes({"buildings"})
                .formats({"3dtiles"})
                .adminUnits({"PV28"})
                .type("service")
                .publisher("https://identifier.overheid.nl/tooi/id/provincie/pv28")
                .bbox(3.3, 50.7, 7.2, 53.6)
                .updated(at("2021-01-01T00:00:00Z")),
            makeRecord("r7", "energielabels woningen")
                .themes({"energy"})
                .formats({"csv"})
                .time(at("2021-01-01"), atEnd("2021-12-31"))
                .updated(at("2020-12-31T00:00:00Z")),
            makeRecord("r8", "x' OR 1=1 --").themes({}).updated(at("2019-03-03T00:00:00Z")),
            makeRecord("r9", "BIM Stopera")
                .type("model")
                .themes({"bim", "buildings"})
                .formats({"ifc"})
                .adminUnits({"GM0363"})
                .bbox(4.89, 52.36, 4.91, 52.37)
                .updated(at("2024-01-31T00:00:00Z")),
            makeRecord("r10", "Kademuren_ondergrond")
                .type("model")
                .themes({"subsurface", "infrastructure"})
                .formats({"citygml"})
                .adminUnits({"GM0599"})
                .bbox(4.45, 51.9, 4.5, 51.93)
                .time(at("2024-04-20"), atEnd("2024-04-20"))
                .updated(at("2024-04-21T00:00:00Z")),
            makeRecord("r11", "Wateroverlast 70mm")
                .type("simulation-result")
                .themes({"flooding"})
                .formats({"geotiff"})
                .adminUnits({"GM0344", "WS0155"})
                .bbox(5.0, 52.0, 5.2, 52.15)
                .time(at("2023-11-02T14:00:00Z"), at("2023-11-02T14:00:00Z"))
                .updated(at("2023-11-03T00:00:00Z")),
            makeRecord("r12", "Geluidkaart wegverkeer")
                .type("simulation-result")
                .themes({"noise", "mobility"})
                .formats({"gpkg"})
                .adminUnits({"GM0344"})
                .bbox(5.05, 52.05, 5.15, 52.12)
                .time(at("2022-01-01"), atEnd("2022-12-31"))
                .updated(at("2023-01-01T00:00:00Z")),
        };
        records[2] = withRights(records[2], "CC-BY-4.0", "public");
        records[5] = withRights(records[5], "", "public");
        records[8] = withRights(records[8], "CC-BY-4.0", "restricted");
        records[9] = withRights(records[9], "CC-BY-4.0", "restricted");
        records[10] = withRights(records[10], "CC0-1.0", "");
        std::vector<PutRequest> batch;
        for (const TestRecord& record : records) batch.push_back(record.request());
        store->putBatch(batch);
    }

    std::string keyOf(const TestRecord& record) const {
        return store->itemKey(record.origin.empty() ? std::string(tweeling::test::kNodeId) : record.origin,
                              record.fields.id);
    }

    std::set<std::string> run(const std::string& filter, SearchQuery query = {}) const {
        query.filter = std::make_shared<const cql2::Expression>(cql2::parse(filter));
        query.limit = 1000;
        SearchResult result = store->search(query);
        std::set<std::string> keys;
        for (const SearchHit& hit : result.hits) keys.insert(hit.key);
        REQUIRE(result.numberMatched == static_cast<std::int64_t>(keys.size()));
        return keys;
    }

    std::set<std::string> expect(
        const std::function<bool(const tweeling::registry::record::IndexedRecord&)>& oracle) const {
        std::set<std::string> keys;
        for (const TestRecord& record : records)
            if (oracle(record.fields)) keys.insert(keyOf(record));
        return keys;
    }
};

using Fields = tweeling::registry::record::IndexedRecord;

bool has(const std::vector<std::string>& values, const std::string& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}
bool hasTime(const Fields& f) { return f.timeStart || f.timeEnd; }
std::int64_t startOf(const Fields& f) { return f.timeStart.value_or(tweeling::common::kOpenStart); }
std::int64_t endOf(const Fields& f) { return f.timeEnd.value_or(tweeling::common::kOpenEnd); }
bool intersects(const Fields& f, double minX, double minY, double maxX, double maxY) {
    return f.bbox && f.bbox->minX <= maxX && f.bbox->maxX >= minX && f.bbox->minY <= maxY && f.bbox->maxY >= minY;
}
std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// The offset a filter error reports, or -1 when the filter parsed.
long errorOffset(const std::string& filter, std::string* message = nullptr) {
    try {
        cql2::parse(filter);
    } catch (const cql2::FilterError& error) {
        if (message) *message = error.what();
        return static_cast<long>(error.offset());
    }
    return -1;
}

}  // namespace

TEST_CASE("CQL2 comparisons map each queryable to its column or postings", "[cql2]") {
    Catalog catalog;
    CHECK(catalog.run("id = 'r3'") == catalog.expect([](const Fields& f) { return f.id == "r3"; }));
    CHECK(catalog.run("id = 'pv28:r6'") == std::set<std::string>{"pv28:r6"});
    CHECK(catalog.run("type = 'simulation-result'") ==
          catalog.expect([](const Fields& f) { return f.type == "simulation-result"; }));
    CHECK(catalog.run("type <> 'dataset'") == catalog.expect([](const Fields& f) { return f.type != "dataset"; }));
    CHECK(catalog.run("'model' = type") == catalog.expect([](const Fields& f) { return f.type == "model"; }));
    CHECK(catalog.run("title = 'Hoogtemodel Delft'") == std::set<std::string>{"r3"});
    CHECK(catalog.run("title > 'H' AND title < 'I'") ==
          catalog.expect([](const Fields& f) { return f.title > "H" && f.title < "I"; }));
    CHECK(catalog.run("description = 'Gevoelstemperatuur op een hete dag'") == std::set<std::string>{"r2"});
    CHECK(catalog.run("publisher = '" + kGm0518 + "'") ==
          catalog.expect([](const Fields& f) { return f.publisherId == kGm0518; }));
    CHECK(catalog.run("origin = 'pv28'") == std::set<std::string>{"pv28:r6"});
    CHECK(catalog.run("origin <> 'pv28'").size() == catalog.records.size() - 1);
    CHECK(catalog.run("license = 'CC-BY-4.0'") ==
          catalog.expect([](const Fields& f) { return f.license == "CC-BY-4.0"; }));
    CHECK(catalog.run("rights = 'restricted'") ==
          catalog.expect([](const Fields& f) { return f.rights == "restricted"; }));
    CHECK(catalog.run("themes = 'buildings'") ==
          catalog.expect([](const Fields& f) { return has(f.themes, "buildings"); }));
    CHECK(catalog.run("themes <> 'buildings'") ==
          catalog.expect([](const Fields& f) { return !has(f.themes, "buildings"); }));
    CHECK(catalog.run("formats = 'gpkg'") == catalog.expect([](const Fields& f) { return has(f.formats, "gpkg"); }));
    CHECK(catalog.run("adminUnits = 'PV28'") ==
          catalog.expect([](const Fields& f) { return has(f.adminUnits, "PV28"); }));
    CHECK(catalog.run("\"adminUnits\" = 'GM0599'") ==
          catalog.expect([](const Fields& f) { return has(f.adminUnits, "GM0599"); }));
    // Literal against literal, booleans.
    CHECK(catalog.run("'a' = 'a'").size() == catalog.records.size());
    CHECK(catalog.run("1 = 2").empty());
    CHECK(catalog.run("TRUE").size() == catalog.records.size());
    CHECK(catalog.run("FALSE").empty());
    CHECK(catalog.run("NOT FALSE AND TRUE = TRUE").size() == catalog.records.size());
    // CASEI on both sides.
    CHECK(catalog.run("CASEI(title) = CASEI('hoogtemodel delft')") == std::set<std::string>{"r3"});
    CHECK(catalog.run("title = 'hoogtemodel delft'").empty());
    CHECK(catalog.run("CASEI(themes) = CASEI('BUILDINGS')") ==
          catalog.expect([](const Fields& f) { return has(f.themes, "buildings"); }));
}

TEST_CASE("CQL2 updated compares with TIMESTAMP and DATE (a DATE is its whole day)", "[cql2]") {
    Catalog catalog;
    auto updated = [&](auto predicate) {
        return catalog.expect([&](const Fields& f) { return predicate(f.updated); });
    };
    std::int64_t dayStart = at("2024-01-31"), dayEnd = atEnd("2024-01-31");
    CHECK(catalog.run("updated = TIMESTAMP('2024-01-10T08:00:00Z')") == std::set<std::string>{"r1"});
    CHECK(catalog.run("updated > TIMESTAMP('2024-01-01T00:00:00Z')") ==
          updated([](std::int64_t u) { return u > at("2024-01-01T00:00:00Z"); }));
    CHECK(catalog.run("updated = DATE('2024-01-31')") ==
          updated([&](std::int64_t u) { return u >= dayStart && u <= dayEnd; }));
    CHECK(catalog.run("updated = DATE('2024-01-31')") == std::set<std::string>{"r2", "r9"});
    CHECK(catalog.run("updated <> DATE('2024-01-31')") ==
          updated([&](std::int64_t u) { return u < dayStart || u > dayEnd; }));
    CHECK(catalog.run("updated < DATE('2024-01-31')") == updated([&](std::int64_t u) { return u < dayStart; }));
    CHECK(catalog.run("updated <= DATE('2024-01-31')") == updated([&](std::int64_t u) { return u <= dayEnd; }));
    CHECK(catalog.run("updated > DATE('2024-01-31')") == updated([&](std::int64_t u) { return u > dayEnd; }));
    CHECK(catalog.run("updated >= DATE('2024-01-31')") == updated([&](std::int64_t u) { return u >= dayStart; }));
    CHECK(catalog.run("DATE('2024-01-31') < updated") == updated([&](std::int64_t u) { return u > dayEnd; }));
    CHECK(catalog.run("updated BETWEEN DATE('2023-01-01') AND DATE('2023-12-31')") ==
          updated([](std::int64_t u) { return u >= at("2023-01-01") && u <= atEnd("2023-12-31"); }));
    CHECK(catalog.run("updated NOT BETWEEN TIMESTAMP('2023-01-01T00:00:00Z') AND TIMESTAMP('2023-12-31T00:00:00Z')") ==
          updated([](std::int64_t u) { return u < at("2023-01-01") || u > at("2023-12-31"); }));
    CHECK(catalog.run("updated IN (DATE('2024-01-31'), TIMESTAMP('2023-06-01T00:00:00Z'))") ==
          std::set<std::string>{"r2", "r3", "r9"});
}

TEST_CASE("CQL2 AND binds tighter than OR; NOT and parentheses", "[cql2]") {
    Catalog catalog;
    auto expected = catalog.expect([](const Fields& f) {
        return f.type == "service" || (f.type == "simulation-result" && f.license == "CC0-1.0");
    });
    CHECK(catalog.run("type = 'service' OR type = 'simulation-result' AND license = 'CC0-1.0'") == expected);
    CHECK(catalog.run("type = 'simulation-result' AND license = 'CC0-1.0' OR type = 'service'") == expected);
    CHECK(catalog.run("(type = 'service' OR type = 'simulation-result') AND license = 'CC0-1.0'") ==
          catalog.expect([](const Fields& f) {
              return (f.type == "service" || f.type == "simulation-result") && f.license == "CC0-1.0";
          }));
    CHECK(catalog.run("NOT type = 'dataset' AND themes = 'buildings'") ==
          catalog.expect([](const Fields& f) { return f.type != "dataset" && has(f.themes, "buildings"); }));
    CHECK(catalog.run("NOT (type = 'dataset' OR themes = 'buildings')") ==
          catalog.expect([](const Fields& f) { return !(f.type == "dataset" || has(f.themes, "buildings")); }));
    CHECK(catalog.run("not not (type = 'model')") == catalog.expect([](const Fields& f) { return f.type == "model"; }));
    CHECK(catalog.run("((((id = 'r1'))))  or  id = 'r2'") == std::set<std::string>{"r1", "r2"});
}

TEST_CASE("CQL2 LIKE, IN, BETWEEN and IS NULL", "[cql2]") {
    Catalog catalog;
    CHECK(catalog.run("title LIKE 'hoogte%'") == std::set<std::string>{"r3"});
    CHECK(catalog.run("title LIKE '%DEN HAAG%'") ==
          catalog.expect([](const Fields& f) { return lower(f.title).find("den haag") != std::string::npos; }));
    CHECK(catalog.run("title LIKE 'Bomenkaar_ Amsterdam'") == std::set<std::string>{"r5"});
    CHECK(catalog.run("title NOT LIKE '%a%'") ==
          catalog.expect([](const Fields& f) { return lower(f.title).find('a') == std::string::npos; }));
    // An escaped wildcard matches itself only.
    CHECK(catalog.run("description LIKE '%100\\% compleet'") == std::set<std::string>{"r5"});
    CHECK(catalog.run("title LIKE 'Kademuren\\_%'") == std::set<std::string>{"r10"});
    CHECK(catalog.run("title LIKE 'Kademuren\\_x%'").empty());
    CHECK(catalog.run("themes LIKE 'infra%'") == std::set<std::string>{"r10"});

    CHECK(catalog.run("type IN ('model', 'service')") ==
          catalog.expect([](const Fields& f) { return f.type == "model" || f.type == "service"; }));
    CHECK(catalog.run("type NOT IN ('model', 'service', 'dataset')") ==
          catalog.expect([](const Fields& f) { return f.type == "simulation-result"; }));
    CHECK(catalog.run("themes IN ('water', 'energy', 'nope')") ==
          catalog.expect([](const Fields& f) { return has(f.themes, "water") || has(f.themes, "energy"); }));
    CHECK(catalog.run("adminUnits NOT IN ('GM0518', 'GM0599')") ==
          catalog.expect([](const Fields& f) { return !has(f.adminUnits, "GM0518") && !has(f.adminUnits, "GM0599"); }));
    CHECK(catalog.run("id IN ('r1', 'r2', 'r404')") == std::set<std::string>{"r1", "r2"});
    CHECK(catalog.run("publisher IN ('" + kGm0518 + "', '" + kGm0363 + "')") ==
          catalog.expect([](const Fields& f) { return f.publisherId == kGm0518 || f.publisherId == kGm0363; }));

    CHECK(catalog.run("title BETWEEN 'A' AND 'C'") ==
          catalog.expect([](const Fields& f) { return f.title >= "A" && f.title <= "C"; }));

    CHECK(catalog.run("geometry IS NULL") == catalog.expect([](const Fields& f) { return !f.bbox; }));
    CHECK(catalog.run("geometry IS NOT NULL") == catalog.expect([](const Fields& f) { return f.bbox.has_value(); }));
    CHECK(catalog.run("datetime IS NULL") == catalog.expect([](const Fields& f) { return !hasTime(f); }));
    CHECK(catalog.run("time IS NOT NULL") == catalog.expect([](const Fields& f) { return hasTime(f); }));
    CHECK(catalog.run("themes IS NULL") == std::set<std::string>{"r8"});
    CHECK(catalog.run("formats IS NULL") == catalog.expect([](const Fields& f) { return f.formats.empty(); }));
    CHECK(catalog.run("publisher IS NULL") == catalog.expect([](const Fields& f) { return f.publisherId.empty(); }));
    CHECK(catalog.run("license IS NULL") == std::set<std::string>{"pv28:r6"});
    CHECK(catalog.run("rights IS NOT NULL").size() == catalog.records.size() - 1);
    CHECK(catalog.run("updated IS NULL").empty());
}

TEST_CASE("CQL2 S_INTERSECTS with BBOX and WKT matches footprint envelopes", "[cql2]") {
    Catalog catalog;
    auto boxed = [&](double minX, double minY, double maxX, double maxY) {
        return catalog.expect([=](const Fields& f) { return intersects(f, minX, minY, maxX, maxY); });
    };
    CHECK(catalog.run("S_INTERSECTS(geometry, BBOX(4.7, 52.2, 5.1, 52.5))") == boxed(4.7, 52.2, 5.1, 52.5));
    CHECK(catalog.run("S_INTERSECTS(geometry, BBOX(4.7, 52.2, 5.1, 52.5))") ==
          std::set<std::string>{"r5", "pv28:r6", "r9"});
    CHECK(catalog.run("s_intersects(BBOX(4.45,51.9,4.46,51.91), geometry)") == boxed(4.45, 51.9, 4.46, 51.91));
    CHECK(catalog.run("S_INTERSECTS(geometry, BBOX(4.7, 52.2, 0, 5.1, 52.5, 100))") == boxed(4.7, 52.2, 5.1, 52.5));
    // The polygon's envelope is (4.85 52.35, 4.95 52.4): it reaches r5 and r9 (and the province).
    CHECK(catalog.run("S_INTERSECTS(geometry, POLYGON((4.85 52.35, 4.95 52.35, 4.95 52.4, 4.85 52.35)))") ==
          boxed(4.85, 52.35, 4.95, 52.4));
    CHECK(catalog.run("S_INTERSECTS(geometry, POINT(4.3 52.05))") == boxed(4.3, 52.05, 4.3, 52.05));
    CHECK(catalog.run("S_INTERSECTS(geometry, POINT Z (4.3 52.05 3))") == boxed(4.3, 52.05, 4.3, 52.05));
    CHECK(catalog.run("S_INTERSECTS(geometry, LINESTRING(0 0, 1 1))").empty());
    CHECK(catalog.run("S_INTERSECTS(geometry, MULTIPOINT((4.3 52.05), (5.1 52.1)))") == boxed(4.3, 52.05, 5.1, 52.1));
    CHECK(catalog.run("S_INTERSECTS(geometry, MULTIPOINT(4.3 52.05, 5.1 52.1))") == boxed(4.3, 52.05, 5.1, 52.1));
    CHECK(catalog.run("S_INTERSECTS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5.0 52.0, 5.2 52.0, 5.2 52.1, 5.0 "
                      "52.0))))") == boxed(0, 0, 5.2, 52.1));
    CHECK(catalog.run("NOT S_INTERSECTS(geometry, BBOX(4.7, 52.2, 5.1, 52.5))") ==
          catalog.expect([](const Fields& f) { return f.bbox && !intersects(f, 4.7, 52.2, 5.1, 52.5); }));
    CHECK(catalog.run("NOT NOT S_INTERSECTS(geometry, BBOX(4.7, 52.2, 5.1, 52.5))") == boxed(4.7, 52.2, 5.1, 52.5));
    CHECK(
        catalog.run("NOT (id = 'r8' OR S_INTERSECTS(geometry, BBOX(4.7, 52.2, 5.1, 52.5)))") ==
        catalog.expect([](const Fields& f) { return f.id != "r8" && f.bbox && !intersects(f, 4.7, 52.2, 5.1, 52.5); }));
}

TEST_CASE("CQL2 temporal functions compare the record's temporal extent", "[cql2]") {
    Catalog catalog;
    auto timed = [&](auto predicate) {
        return catalog.expect([&](const Fields& f) { return hasTime(f) && predicate(startOf(f), endOf(f)); });
    };
    std::int64_t d0 = at("2022-03-15"), d1 = atEnd("2022-03-15");
    CHECK(catalog.run("T_INTERSECTS(datetime, DATE('2022-03-15'))") ==
          timed([&](std::int64_t s, std::int64_t e) { return s <= d1 && e >= d0; }));
    CHECK(catalog.run("T_INTERSECTS(datetime, DATE('2022-03-15'))") == std::set<std::string>{"r4", "r5", "r12"});
    CHECK(catalog.run("T_AFTER(datetime, DATE('2020-01-01'))") ==
          timed([](std::int64_t s, std::int64_t) { return s > atEnd("2020-01-01"); }));
    CHECK(catalog.run("T_BEFORE(time, TIMESTAMP('2022-01-01T00:00:00Z'))") ==
          timed([](std::int64_t, std::int64_t e) { return e < at("2022-01-01T00:00:00Z"); }));
    CHECK(catalog.run("T_INTERSECTS(datetime, INTERVAL('2023-11-02T13:00:00Z', '2023-11-02T15:00:00Z'))") ==
          std::set<std::string>{"r2", "r5", "r11"});
    CHECK(catalog.run("T_INTERSECTS(datetime, INTERVAL('2024-01-01', '..'))") ==
          timed([](std::int64_t, std::int64_t e) { return e >= at("2024-01-01"); }));
    CHECK(catalog.run("T_INTERSECTS(datetime, INTERVAL('..', '2019-06-01'))") == std::set<std::string>{"r5"});
    CHECK(
        catalog.run("T_INTERSECTS(INTERVAL(DATE('2021-06-01'), TIMESTAMP('2021-06-02T00:00:00Z')), datetime)") ==
        timed([](std::int64_t s, std::int64_t e) { return s <= at("2021-06-02T00:00:00Z") && e >= at("2021-06-01"); }));
    CHECK(catalog.run("T_DISJOINT(datetime, INTERVAL('2021-01-01', '2023-12-31'))") ==
          timed([](std::int64_t s, std::int64_t e) { return e < at("2021-01-01") || s > atEnd("2023-12-31"); }));
    CHECK(catalog.run("T_EQUALS(datetime, DATE('2024-04-20'))") == std::set<std::string>{"r10"});
    CHECK(catalog.run("T_AFTER(updated, DATE('2024-01-31'))") ==
          catalog.expect([](const Fields& f) { return f.updated > atEnd("2024-01-31"); }));
    // Records without time never match a temporal predicate, not even negated.
    CHECK(catalog.run("NOT T_AFTER(datetime, DATE('2020-01-01'))") ==
          timed([](std::int64_t s, std::int64_t) { return !(s > atEnd("2020-01-01")); }));
}

TEST_CASE("CQL2 array functions compare whole lists", "[cql2]") {
    Catalog catalog;
    CHECK(catalog.run("A_CONTAINS(themes, ('bim', 'buildings'))") == std::set<std::string>{"r9"});
    CHECK(catalog.run("A_OVERLAPS(themes, ('bim', 'water'))") ==
          catalog.expect([](const Fields& f) { return has(f.themes, "bim") || has(f.themes, "water"); }));
    CHECK(catalog.run("A_CONTAINEDBY(formats, ('3dtiles', 'cityjson', 'wms'))") == catalog.expect([](const Fields& f) {
        for (const auto& value : f.formats)
            if (value != "3dtiles" && value != "cityjson" && value != "wms") return false;
        return true;
    }));
    CHECK(catalog.run("A_EQUALS(adminUnits, ('PV28', 'GM0518', 'GM0518'))") == std::set<std::string>{"r1"});
}

TEST_CASE("CQL2 values are parameters, never SQL text", "[cql2]") {
    Catalog catalog;
    // The quote is doubled inside the literal: this is one string, matching one record exactly.
    CHECK(catalog.run("title = 'x'' OR 1=1 --'") == std::set<std::string>{"r8"});
    CHECK(catalog.run("title = 'x'' OR ''1''=''1'").empty());
    CHECK(catalog.run("title = 'x''); DROP TABLE records; --'").empty());
    CHECK(catalog.run("title LIKE '%'' OR 1=1 --%'") == std::set<std::string>{"r8"});
    CHECK(catalog.run("TRUE").size() == catalog.records.size());  // the table is still there

    planner::SqlQuery sql =
        planner::filterSql(cql2::parse("title = 'geheim' AND themes IN ('a', 'b') AND "
                                       "S_INTERSECTS(geometry, BBOX(1,2,3,4))"));
    CHECK(sql.sql.find("geheim") == std::string::npos);
    CHECK(sql.sql.find("'a'") == std::string::npos);
    CHECK(std::count(sql.sql.begin(), sql.sql.end(), '?') == static_cast<long>(sql.params.size()));
    CHECK(std::get<std::string>(sql.params.at(0)) == "geheim");
    // Quoted property names still go through the whitelist.
    CHECK(errorOffset("\"title; DROP TABLE records\" = 'x'") == 0);
}

TEST_CASE("CQL2 filters combine with q, bbox and the property parameters", "[cql2]") {
    Catalog catalog;
    SearchQuery query;
    query.terms = {"den haag", "rotterdam"};
    CHECK(catalog.run("type = 'simulation-result'", query) == std::set<std::string>{"r2", "r4"});
    query.bbox = tweeling::registry::record::Bbox{4.1, 51.9, 4.45, 52.2};
    query.themes = {"heat-stress", "flooding"};
    CHECK(catalog.run("type = 'simulation-result' AND updated > DATE('2020-01-01')", query) ==
          std::set<std::string>{"r2", "r4"});
    query.sort = SortKey::Relevance;  // the FTS-driven page query binds the filter after the MATCH
    CHECK(catalog.run("adminUnits = 'GM0518'", query) == std::set<std::string>{"r2"});
    query.sort = SortKey::Title;
    CHECK(catalog.run("adminUnits = 'GM0599' OR id = 'r2'", query) == std::set<std::string>{"r2", "r4"});
}

TEST_CASE("CQL2 errors name the construct and its character offset", "[cql2]") {
    std::string message;
    CHECK(errorOffset("foo = 'x'", &message) == 0);
    CHECK(message.find("unknown property 'foo'") != std::string::npos);
    CHECK(message.find("at offset 0") != std::string::npos);
    CHECK(errorOffset("title = 'x' AND bar = 1", &message) == 16);
    CHECK(message.find("'bar'") != std::string::npos);
    // Offsets count characters, not bytes.
    CHECK(errorOffset("title = 'Haág' AND foo = 1") == 19);
    CHECK(errorOffset("title = ", &message) == 8);
    CHECK(message.find("end of filter") != std::string::npos);
    CHECK(errorOffset("title = 'abc", &message) == 8);
    CHECK(message.find("unterminated") != std::string::npos);
    CHECK(errorOffset("title = 5", &message) == 6);
    CHECK(message.find("type mismatch") != std::string::npos);
    CHECK(errorOffset("updated > '2020-01-01'", &message) == 8);
    CHECK(message.find("TIMESTAMP") != std::string::npos);
    CHECK(errorOffset("themes < 'a'", &message) == 7);
    CHECK(message.find("list") != std::string::npos);
    CHECK(errorOffset("geometry = 'x'") == 0);
    CHECK(errorOffset("datetime = DATE('2020-01-01')", &message) == 0);
    CHECK(message.find("T_INTERSECTS") != std::string::npos);
    CHECK(errorOffset("title != 'x'", &message) == 6);
    CHECK(errorOffset("S_CROSSES(geometry, BBOX(1,2,3,4))", &message) == 0);
    CHECK(message.find("S_CROSSES") != std::string::npos);
    CHECK(errorOffset("id = 'a' OR T_MEETS(datetime, DATE('2020-01-01'))", &message) == 12);
    CHECK(message.find("T_MEETS") != std::string::npos);
    CHECK(errorOffset("UPPER(title) = 'X'", &message) == 0);
    CHECK(message.find("UPPER") != std::string::npos);
    CHECK(errorOffset("ACCENTI(title) = 'x'") == 0);
    CHECK(errorOffset("S_INTERSECTS(geometry, BBOX(1,2,3))", &message) == 23);
    CHECK(message.find("4 numbers") != std::string::npos);
    CHECK(errorOffset("S_INTERSECTS(geometry, BBOX(190,2,200,4))") == 23);
    CHECK(errorOffset("S_INTERSECTS(geometry, BBOX(5,2,3,4))") == 23);
    CHECK(errorOffset("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))", &message) == 31);
    CHECK(message.find("end where it starts") != std::string::npos);
    CHECK(errorOffset("S_INTERSECTS(title, BBOX(1,2,3,4))") == 13);
    CHECK(errorOffset("S_INTERSECTS(BBOX(1,2,3,4), BBOX(1,2,3,4))") == 0);
    CHECK(errorOffset("T_AFTER(datetime, '2020-01-01')", &message) == 18);
    CHECK(message.find("DATE(") != std::string::npos);
    CHECK(errorOffset("T_AFTER(title, DATE('2020-01-01'))") == 8);
    CHECK(errorOffset("T_AFTER(datetime, DATE('2020-13-01'))") == 23);
    CHECK(errorOffset("T_AFTER(datetime, DATE('2020-01-01T00:00:00Z'))") == 23);
    CHECK(errorOffset("T_AFTER(datetime, INTERVAL('2021-01-01', '2020-01-01'))", &message) == 18);
    CHECK(errorOffset("A_CONTAINS(title, ('a'))") == 11);
    CHECK(errorOffset("A_CONTAINS(themes, 'a')") == 19);
    CHECK(errorOffset("title LIKE 5") == 11);
    CHECK(errorOffset("title IN (title)") == 10);
    CHECK(errorOffset("'x' IS NULL") == 0);
    CHECK(errorOffset("title = NULL", &message) == 8);
    CHECK(message.find("IS NULL") != std::string::npos);
    CHECK(errorOffset("title = 'a' title = 'b'", &message) == 12);
    CHECK(errorOffset("(title = 'a'", &message) == 12);
    CHECK(errorOffset("()") == 1);
    CHECK(errorOffset("") == 0);
    CHECK(errorOffset("title = 'a' AND") == 15);
    CHECK(errorOffset("title ~ 'a'", &message) == 6);
    CHECK(errorOffset("title NOT = 'a'") == 10);
    CHECK(errorOffset("title") == 5);
    CHECK(errorOffset("title = 'a' OR ID = 'b'", &message) == 15);  // property names are case-sensitive

    // Nesting is limited before anything recurses deeply.
    std::string deep(cql2::kMaxDepth + 1, '(');
    CHECK(errorOffset(deep + "TRUE" + std::string(cql2::kMaxDepth + 1, ')'), &message) == cql2::kMaxDepth);
    CHECK(message.find("nests deeper") != std::string::npos);
    std::string fine(cql2::kMaxDepth, '(');
    CHECK(errorOffset(fine + "TRUE" + std::string(cql2::kMaxDepth, ')')) == -1);
    std::string nots;
    for (int i = 0; i < 1000; ++i) nots += "NOT ";
    CHECK(errorOffset(nots + "TRUE") == 4 * cql2::kMaxDepth);
    CHECK(errorOffset(std::string(cql2::kMaxFilterLength + 1, ' ')) >= 0);
}

namespace {

// `count` conditions joined by `joiner`, cycling through kinds that compile differently (columns,
// postings, LIKE, IN, BETWEEN, functions).
std::string chainOf(int count, const std::string& joiner) {
    static const char* const kinds[] = {
        "title LIKE '%gebouw%'",
        "themes = 'buildings'",
        "NOT adminUnits IN ('GM0363', 'GM0518')",
        "updated BETWEEN TIMESTAMP('2020-01-01T00:00:00Z') AND TIMESTAMP('2030-01-01T00:00:00Z')",
        "S_INTERSECTS(geometry, BBOX(3, 50, 7, 54))",
        "T_INTERSECTS(datetime, INTERVAL('2000-01-01', '..'))",
        "A_OVERLAPS(formats, ('3dtiles', 'wms'))",
        "A_CONTAINEDBY(themes, ('buildings', 'heat-stress'))",
        "A_EQUALS(adminUnits, ('GM0518', 'PV28'))",
        "CASEI(title) = CASEI('Gebouwen Den Haag LoD2')",
        "license IS NULL",
        "id <> 'x'"};
    std::string out;
    for (int i = 0; i < count; ++i) out += (i ? joiner : "") + kinds[i % (sizeof kinds / sizeof *kinds)];
    return out;
}

// `levels` parentheses, alternating AND and OR, a condition beside each: a AND (b OR (c AND (...))).
std::string nestingOf(int levels, const std::string& innermost) {
    std::string out = innermost;
    for (int i = 0; i < levels; ++i)
        out = "id <> 'n" + std::to_string(i) + "'" + (i % 2 ? " OR (" : " AND (") + out + ")";
    return out;
}

}  // namespace

TEST_CASE("CQL2 filters are bounded in conditions and nesting; the largest allowed ones run", "[cql2]") {
    std::string message;
    // 999 ANDs answered 500 ("Expression tree is too large") from SQLite: now a FilterError at the
    // first condition over the limit.
    std::string tooMany = "id = 'a'";
    for (int i = 0; i < 999; ++i) tooMany += " AND id = 'a'";
    REQUIRE(tooMany.size() < cql2::kMaxFilterLength);
    CHECK(errorOffset(tooMany, &message) ==
          static_cast<long>(std::string(" AND id = 'a'").size()) * cql2::kMaxPredicates);
    CHECK(message.find("more than " + std::to_string(cql2::kMaxPredicates) + " conditions") != std::string::npos);
    CHECK(errorOffset(chainOf(cql2::kMaxPredicates + 1, " OR ")) >= 0);
    CHECK(errorOffset(chainOf(cql2::kMaxPredicates, " OR ")) == -1);
    // Conditions count wherever they are, also inside parentheses and NOT.
    CHECK(errorOffset("(" + chainOf(cql2::kMaxPredicates, " OR ") + ") AND NOT (id = 'x')") >= 0);

    // The largest filters the parser accepts compile to SQL that SQLite runs, alone and beside the
    // other parameters (which add conditions of their own).
    Catalog catalog;
    SearchQuery withParameters;
    withParameters.terms = {"gebouwen", "hitte"};
    withParameters.bbox = tweeling::registry::record::Bbox{3, 50, 7, 54};
    withParameters.themes = {"buildings", "heat-stress"};
    withParameters.ids = {"r1", "r2", "r3"};
    // The chain's own NOT (in one of its kinds) and the '(' are two levels besides the NOTs around it.
    std::string nots;
    for (int i = 0; i < cql2::kMaxDepth - 2; ++i) nots += "NOT ";
    std::string parens(cql2::kMaxDepth - 1, '(');
    const std::string largest[] = {
        chainOf(cql2::kMaxPredicates, " AND "),
        chainOf(cql2::kMaxPredicates, " OR "),
        nots + "(" + chainOf(cql2::kMaxPredicates, " OR ") + ")",
        nestingOf(cql2::kMaxDepth - 1, chainOf(cql2::kMaxPredicates - cql2::kMaxDepth + 1, " AND ")),
        nestingOf(cql2::kMaxDepth - 1, chainOf(cql2::kMaxPredicates - cql2::kMaxDepth + 1, " OR ")),
        parens + chainOf(cql2::kMaxPredicates, " AND ") + std::string(cql2::kMaxDepth - 1, ')'),
    };
    CHECK(errorOffset("NOT " + largest[2]) >= 0);
    CHECK(errorOffset(nestingOf(cql2::kMaxDepth, chainOf(10, " AND "))) >= 0);
    CHECK(errorOffset("(" + largest[5] + ")") >= 0);
    for (std::size_t i = 0; i < std::size(largest); ++i) {
        INFO("filter " << i);
        const std::string& filter = largest[i];
        REQUIRE(errorOffset(filter) == -1);
        CHECK_NOTHROW(catalog.run(filter));
        CHECK_NOTHROW(catalog.run(filter, withParameters));
        SearchQuery faceted = withParameters;
        faceted.facets = {"themes", "formats"};
        CHECK_NOTHROW(catalog.run(filter, faceted));
    }
    CHECK(errorOffset(nestingOf(cql2::kMaxDepth + 1, "TRUE")) >= 0);
}

TEST_CASE("S_INTERSECTS with a BBOX compiles to the same condition as bbox=", "[cql2][planner]") {
    planner::SqlQuery filter = planner::filterSql(cql2::parse("S_INTERSECTS(geometry, BBOX(1,2,3,4))"));
    SearchQuery query;
    query.bbox = tweeling::registry::record::Bbox{1, 2, 3, 4};
    planner::SqlQuery page = planner::pageSql(planner::makePlan(query));
    CHECK(page.sql.find(" WHERE " + filter.sql + " ORDER BY ") != std::string::npos);
    REQUIRE(page.params.size() >= filter.params.size());
    CHECK(std::equal(filter.params.begin(), filter.params.end(), page.params.begin()));
}
