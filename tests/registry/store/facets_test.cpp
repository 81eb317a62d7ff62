// Facets: counts per value over every record a query matches, checked against brute force over a
// generated catalog, for combinations of q, bbox, value lists and CQL2 filters.
#include "store/cql2.hpp"
#include "store/planner.hpp"
#include "store/search.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>

using namespace tweeling::registry::store;
using tweeling::registry::record::Bbox;
using tweeling::registry::record::IndexedRecord;
using tweeling::test::makeRecord;
using tweeling::test::openStore;
using tweeling::test::TempDir;
using tweeling::test::TestRecord;

namespace {

const std::vector<std::string> kWords = {"gebouwen", "bomen", "hittestress", "water",
                                         "geluid",   "wegen", "dijken",      "parken"};
const std::vector<std::string> kCities = {"Delft", "Utrecht", "Zwolle", "Amsterdam"};
const std::vector<std::string> kThemes = {"buildings", "heat-stress", "flooding", "vegetation", "noise", "terrain"};
const std::vector<std::string> kFormats = {"3dtiles", "wms", "gpkg", "las", "csv"};
const std::vector<std::string> kUnits = {"GM0363", "GM0599", "GM0344", "PV27", "PV28"};
const std::vector<std::string> kTypes = {"dataset", "model", "simulation-result", "service"};
const std::vector<std::string> kPublishers = {"", "https://identifier.overheid.nl/tooi/id/gemeente/gm0363",
                                              "https://identifier.overheid.nl/tooi/id/gemeente/gm0599",
                                              "https://identifier.overheid.nl/tooi/id/provincie/pv27"};
const std::vector<std::string> kLicenses = {"", "CC0-1.0", "CC-BY-4.0"};
const std::vector<std::string> kRights = {"", "public", "restricted"};
// A hub's verdict: records it has not judged ("") are not counted.
const std::vector<std::string> kValidations = {"", "pass", "warn", "fail"};

using Counts = std::vector<std::pair<std::string, std::int64_t>>;

struct Generated {
    TempDir dir;
    std::unique_ptr<Store> store = openStore(dir.file("registry.db"));
    std::vector<IndexedRecord> records;

    explicit Generated(int count) {
        std::mt19937 random(20240601);
        auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
        auto some = [&](const std::vector<std::string>& from, int most) {
            std::vector<std::string> out;
            int n = static_cast<int>(random() % (most + 1));
            for (int i = 0; i < n; ++i) {
                std::string value = pick(from);
                if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
            }
            return out;
        };
        std::vector<PutRequest> batch;
        for (int i = 0; i < count; ++i) {
            std::string title = pick(kWords) + " " + pick(kWords) + " " + pick(kCities);
            TestRecord record = makeRecord("g" + std::to_string(i), title)
                                    .themes(some(kThemes, 3))
                                    .formats(some(kFormats, 2))
                                    .adminUnits(some(kUnits, 2))
                                    .type(pick(kTypes))
                                    .publisher(pick(kPublishers))
                                    .updated(1600000000 + static_cast<std::int64_t>(random() % 100000000));
            record.fields.license = pick(kLicenses);
            record.fields.rights = pick(kRights);
            record.fields.validation = pick(kValidations);
            if (random() % 5 != 0) {
                double x = 3.4 + (random() % 3500) / 1000.0, y = 50.8 + (random() % 2600) / 1000.0;
                double w = (random() % 400) / 1000.0, h = (random() % 300) / 1000.0;
                record.bbox(x, y, x + w, y + h);
            }
            records.push_back(record.fields);
            batch.push_back(record.request());
        }
        store->putBatch(batch);
    }
};

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// Words are whole vocabulary words here, so the FTS prefix match is "a word starts with the term".
bool textMatches(const IndexedRecord& record, const std::string& term) {
    std::string text = lower(record.title + " " + record.description);
    std::size_t pos = 0;
    while ((pos = text.find(lower(term), pos)) != std::string::npos) {
        if (pos == 0 || text[pos - 1] == ' ') return true;
        ++pos;
    }
    return false;
}

bool anyOf(const std::vector<std::string>& values, const std::vector<std::string>& wanted) {
    if (wanted.empty()) return true;
    for (const auto& value : values)
        if (std::find(wanted.begin(), wanted.end(), value) != wanted.end()) return true;
    return false;
}

std::vector<std::string> facetValues(const IndexedRecord& record, const std::string& facet) {
    if (facet == "themes") return record.themes;
    if (facet == "formats") return record.formats;
    if (facet == "adminUnits") return record.adminUnits;
    std::string value = facet == "type"        ? record.type
                        : facet == "publisher" ? record.publisherId
                        : facet == "license"   ? record.license
                        : facet == "validation" ? record.validation
                        : facet == "origin"     ? std::string(tweeling::test::kNodeId)
                                               : record.rights;
    if (value.empty()) return {};
    return {value};
}

Counts bruteForce(const std::vector<const IndexedRecord*>& matches, const std::string& facet, std::size_t limit) {
    std::map<std::string, std::int64_t> counts;
    for (const IndexedRecord* record : matches)
        for (const std::string& value : facetValues(*record, facet)) ++counts[value];
    Counts out(counts.begin(), counts.end());
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (out.size() > limit) out.resize(limit);
    return out;
}

Counts countsOf(const Facet& facet) {
    Counts out;
    for (const FacetValue& value : facet.values) out.emplace_back(value.value, value.count);
    return out;
}

std::vector<std::string> allFacets() { return {std::begin(kFacetNames), std::end(kFacetNames)}; }

}  // namespace

TEST_CASE("facet counts equal brute-force counts over the whole query, not the page", "[search][facets]") {
    Generated catalog(400);
    struct Case {
        const char* name;
        std::function<void(SearchQuery&)> setUp;
        std::function<bool(const IndexedRecord&)> matches;
    };
    const Bbox box{4.0, 51.5, 5.5, 52.5};
    auto inBox = [box](const IndexedRecord& r) {
        return r.bbox && r.bbox->minX <= box.maxX && r.bbox->maxX >= box.minX && r.bbox->minY <= box.maxY &&
               r.bbox->maxY >= box.minY;
    };
    std::vector<Case> cases = {
        {"everything", [](SearchQuery&) {}, [](const IndexedRecord&) { return true; }},
        {"q", [](SearchQuery& q) { q.terms = {"hittestress"}; },
         [](const IndexedRecord& r) { return textMatches(r, "hittestress"); }},
        {"bbox", [box](SearchQuery& q) { q.bbox = box; }, inBox},
        {"themes",
         [](SearchQuery& q) {
             q.themes = {"buildings", "flooding"};
         },
         [](const IndexedRecord& r) {
             return anyOf(r.themes, {"buildings", "flooding"});
         }},
        {"license and rights",
         [](SearchQuery& q) {
             q.licenses = {"CC-BY-4.0", "CC0-1.0"};
             q.rights = {"public"};
         },
         [](const IndexedRecord& r) {
             return (r.license == "CC-BY-4.0" || r.license == "CC0-1.0") && r.rights == "public";
         }},
        {"validation",
         [](SearchQuery& q) { q.validations = {"fail", "warn"}; },
         [](const IndexedRecord& r) { return r.validation == "fail" || r.validation == "warn"; }},
        {"q + bbox + themes",
         [box](SearchQuery& q) {
             q.terms = {"water", "bomen"};
             q.bbox = box;
             q.themes = {"buildings", "flooding"};
         },
         [inBox](const IndexedRecord& r) {
             return (textMatches(r, "water") || textMatches(r, "bomen")) && inBox(r) &&
                    anyOf(r.themes, {"buildings", "flooding"});
         }},
        {"filter",
         [](SearchQuery& q) {
             q.filter = std::make_shared<const cql2::Expression>(
                 cql2::parse("type <> 'model' AND license = 'CC0-1.0' AND adminUnits IN ('GM0363', 'PV27')"));
         },
         [](const IndexedRecord& r) {
             return r.type != "model" && r.license == "CC0-1.0" && anyOf(r.adminUnits, {"GM0363", "PV27"});
         }},
        {"q + filter + publisher, sorted by relevance",
         [](SearchQuery& q) {
             q.terms = {"gebouwen"};
             q.sort = SortKey::Relevance;
             q.publishers = {kPublishers[1], kPublishers[3]};
             q.filter =
                 std::make_shared<const cql2::Expression>(cql2::parse("NOT themes = 'noise' OR formats = 'wms'"));
         },
         [](const IndexedRecord& r) {
             return textMatches(r, "gebouwen") && anyOf({r.publisherId}, {kPublishers[1], kPublishers[3]}) &&
                    (!anyOf(r.themes, {"noise"}) || anyOf(r.formats, {"wms"}));
         }},
        {"nothing", [](SearchQuery& q) { q.ids = {"nope"}; }, [](const IndexedRecord&) { return false; }},
    };
    for (const Case& testCase : cases) {
        SECTION(testCase.name) {
            std::vector<const IndexedRecord*> matches;
            for (const IndexedRecord& record : catalog.records)
                if (testCase.matches(record)) matches.push_back(&record);
            for (std::int64_t offset : {0, 7, 100000}) {
                for (int facetLimit : {50, 2}) {
                    SearchQuery query;
                    testCase.setUp(query);
                    query.limit = 5;
                    query.offset = offset;
                    query.facets = allFacets();
                    query.facetLimit = facetLimit;
                    SearchResult result = catalog.store->search(query);
                    INFO("offset " << offset << ", facetLimit " << facetLimit);
                    REQUIRE(result.numberMatched == static_cast<std::int64_t>(matches.size()));
                    REQUIRE(result.facets.size() == allFacets().size());
                    for (std::size_t i = 0; i < result.facets.size(); ++i) {
                        const Facet& facet = result.facets[i];
                        INFO("facet " << facet.name);
                        CHECK(facet.name == allFacets()[i]);
                        CHECK(countsOf(facet) == bruteForce(matches, facet.name, static_cast<std::size_t>(facetLimit)));
                    }
                    // Every record has one type: its counts add up to numberMatched.
                    std::int64_t types = 0;
                    for (const FacetValue& value : result.facets[2].values) types += value.count;
                    if (facetLimit >= static_cast<int>(kTypes.size())) CHECK(types == result.numberMatched);
                }
            }
        }
    }
}

TEST_CASE("facets are optional, deduplicated and checked", "[search][facets]") {
    Generated catalog(20);
    SearchQuery query;
    CHECK(catalog.store->search(query).facets.empty());
    query.facets = {"type", "themes", "type"};
    SearchResult result = catalog.store->search(query);
    REQUIRE(result.facets.size() == 2);
    CHECK(result.facets[0].name == "type");
    CHECK(result.facets[1].name == "themes");
    query.limit = 0;  // no page, still counted
    CHECK(catalog.store->search(query).facets.size() == 2);
    CHECK(countsOf(catalog.store->search(query).facets[0]) == countsOf(result.facets[0]));
    query.facets = {"colour"};
    CHECK_THROWS_AS(catalog.store->search(query), std::invalid_argument);
}

TEST_CASE("facet SQL keeps the candidates as the outer loop and uses indexes", "[search][facets]") {
    planner::Plan open = planner::makePlan(SearchQuery{});
    open.facets = {"themes", "license"};
    // Without constraints: straight from the postings' key or the column index.
    CHECK(planner::facetSql(open, "themes").sql.find("FROM record_values WHERE kind = ?") != std::string::npos);
    CHECK(planner::facetSql(open, "license").sql.find("FROM records WHERE license <> ''") != std::string::npos);

    SearchQuery filtered;
    filtered.terms = {"water"};
    filtered.bbox = Bbox{4, 51, 5, 52};
    planner::Plan plan = planner::makePlan(filtered);
    planner::SqlQuery themes = planner::facetSql(plan, "themes");
    CHECK(themes.sql.find("CROSS JOIN record_values v") != std::string::npos);
    CHECK(std::count(themes.sql.begin(), themes.sql.end(), '?') == static_cast<long>(themes.params.size()));
    // The kind comes first, the plan's parameters follow, the limit last.
    CHECK(std::get<std::string>(themes.params.front()) == planner::kTheme);
    CHECK(std::get<std::int64_t>(themes.params.back()) == plan.facetLimit);
    CHECK_THROWS_AS(planner::facetSql(plan, "colour"), std::invalid_argument);
}

TEST_CASE("the whole catalog's facets follow every write (counted once per feed seq)", "[search][facets]") {
    TempDir dir;
    auto store = openStore(dir.file("node.db"));
    store->put(makeRecord("a").themes({"buildings"}).request());
    store->put(makeRecord("b").themes({"buildings", "noise"}).request());
    SearchQuery query;
    query.facets = {"themes"};
    auto counts = [&] {
        std::map<std::string, std::int64_t> out;
        SearchResult result = store->search(query);
        for (const auto& value : result.facets.at(0).values) out[value.value] = value.count;
        return std::make_pair(result.numberMatched, out);
    };
    // Asked twice: the second answer comes from the counts kept for this feed seq.
    CHECK(counts() == std::make_pair(std::int64_t{2}, std::map<std::string, std::int64_t>{{"buildings", 2}, {"noise", 1}}));
    CHECK(counts() == std::make_pair(std::int64_t{2}, std::map<std::string, std::int64_t>{{"buildings", 2}, {"noise", 1}}));
    store->put(makeRecord("c").themes({"noise"}).request());
    CHECK(counts().second == std::map<std::string, std::int64_t>{{"buildings", 2}, {"noise", 2}});
    store->put(makeRecord("b").themes({"terrain"}).version("2").request());
    CHECK(counts().second == std::map<std::string, std::int64_t>{{"buildings", 1}, {"noise", 1}, {"terrain", 1}});
    REQUIRE(store->remove("", "a"));
    CHECK(counts() == std::make_pair(std::int64_t{2}, std::map<std::string, std::int64_t>{{"noise", 1}, {"terrain", 1}}));
    // The page of results still comes with them.
    query.limit = 5;
    CHECK(store->search(query).hits.size() == 2);
}
