// Integration tests of CQL2 filtering and facets: the real twin-registry program with the sample
// records of deploy/samples imported, driven over HTTP.
#include "common/json.hpp"
#include "store/cql2.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace tweeling::test;
using tweeling::common::Json;
using tweeling::common::JsonValue;

namespace {

Json parseJson(const std::string& text) {
    Json doc;
    doc.Parse(text.c_str(), text.size());
    INFO(text);
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

std::string registryProgram() { return binPath("twin-registry"); }

// A node serving every sample catalog.
struct SampleNode {
    TempDir dir;
    std::string db = dir.file("node.db");
    std::unique_ptr<ServerProcess> server;
    std::string items;

    SampleNode() {
        std::vector<std::string> argv = {registryProgram(), "import", "--db", db, "--node-id", "gm0363"};
        for (const char* sample :
             {"gm0363-amsterdam.json", "gm0599-rotterdam.json", "gm0344-utrecht.json", "gm0392-haarlem.json"})
            argv.push_back(sourcePath(std::string("deploy/samples/") + sample));
        auto result = run(argv);
        INFO(result.err);
        REQUIRE(result.exitCode == 0);
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            registryProgram(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--node-id", "gm0363"});
        items = server->baseUrl() + "/collections/twins/items";
    }

    Json search(const std::string& query) const {
        auto response = get(items + "?" + query);
        INFO(query << " → " << response.body);
        REQUIRE(response.status == 200);
        return parseJson(response.body);
    }
    Json problem(const std::string& query, const std::string& parameter) const {
        auto response = get(items + "?" + query);
        INFO(query << " → " << response.body);
        REQUIRE(response.status == 400);
        CHECK(response.header("content-type").find("application/problem+json") == 0);
        Json doc = parseJson(response.body);
        CHECK(doc["status"].GetInt() == 400);
        REQUIRE(doc.HasMember("parameter"));
        CHECK(doc["parameter"].GetString() == parameter);
        return doc;
    }
};

std::string filter(const std::string& cql) { return "filter=" + urlEncode(cql); }

bool contains(const JsonValue& array, const std::string& value) {
    for (const auto& item : array.GetArray())
        if (item.IsString() && item.GetString() == value) return true;
    return false;
}

std::set<std::string> themeIds(const JsonValue& feature) {
    std::set<std::string> ids;
    for (const auto& theme : feature["properties"]["themes"].GetArray())
        for (const auto& concept : theme["concepts"].GetArray()) ids.insert(concept["id"].GetString());
    return ids;
}

// The start of a record's temporal extent as written ("" when it has none).
std::string timeStart(const JsonValue& feature) {
    if (!feature.HasMember("time") || !feature["time"].IsObject()) return "";
    const JsonValue& time = feature["time"];
    if (time.HasMember("date")) return time["date"].GetString();
    if (time.HasMember("timestamp")) return time["timestamp"].GetString();
    if (time.HasMember("interval") && time["interval"][0].IsString()) return time["interval"][0].GetString();
    return "";
}

std::set<std::string> idsOf(const Json& page) {
    std::set<std::string> ids;
    for (const auto& feature : page["features"].GetArray()) ids.insert(feature["id"].GetString());
    return ids;
}

}  // namespace

TEST_CASE("filter= answers CQL2 text over the queryables") {
    SampleNode node;
    Json all = node.search("limit=1");
    const int total = all["numberMatched"].GetInt();
    REQUIRE(total >= 30);

    SECTION("list properties: has the value") {
        Json heat = node.search(filter("themes='heat-stress' AND adminUnits='GM0599'") + "&limit=100");
        Json same = node.search("themes=heat-stress&adminUnits=GM0599&limit=100");
        REQUIRE(heat["numberMatched"].GetInt() >= 1);
        CHECK(heat["numberMatched"].GetInt() == same["numberMatched"].GetInt());
        CHECK(idsOf(heat) == idsOf(same));
        for (const auto& feature : heat["features"].GetArray()) {
            CHECK(contains(feature["properties"]["adminUnits"], "GM0599"));
            CHECK(themeIds(feature).count("heat-stress") == 1);
        }
        // filter-lang at its only value, and filter-crs at its default, are accepted.
        Json explicitLang =
            node.search(filter("themes='heat-stress' AND adminUnits='GM0599'") + "&filter-lang=cql2-text&filter-crs=" +
                        urlEncode("http://www.opengis.net/def/crs/OGC/1.3/CRS84"));
        CHECK(explicitLang["numberMatched"].GetInt() == heat["numberMatched"].GetInt());
    }

    SECTION("S_INTERSECTS matches the same records as bbox=") {
        Json spatial = node.search(filter("S_INTERSECTS(geometry,BBOX(4.7,52.2,5.1,52.5))") + "&limit=100");
        Json box = node.search("bbox=4.7,52.2,5.1,52.5&limit=100");
        REQUIRE(spatial["numberMatched"].GetInt() >= 1);
        CHECK(spatial["numberMatched"].GetInt() < total);
        CHECK(idsOf(spatial) == idsOf(box));
        Json polygon =
            node.search(filter("S_INTERSECTS(geometry, POLYGON((4.7 52.2, 5.1 52.2, 5.1 52.5, 4.7 52.5, 4.7 52.2)))") +
                        "&limit=100");
        CHECK(idsOf(polygon) == idsOf(box));
    }

    SECTION("temporal functions against the record's time") {
        Json after = node.search(filter("T_AFTER(datetime, DATE('2020-01-01'))") + "&limit=100");
        REQUIRE(after["numberMatched"].GetInt() >= 1);
        for (const auto& feature : after["features"].GetArray()) CHECK(timeStart(feature) > "2020-01-01");
        // T_AFTER, its negation and the records without time partition the catalog: a record
        // without time is unknown under NOT too.
        Json notAfter = node.search(filter("NOT T_AFTER(datetime, DATE('2020-01-01'))") + "&limit=100");
        Json timeless = node.search(filter("datetime IS NULL") + "&limit=100");
        CHECK(after["numberMatched"].GetInt() + notAfter["numberMatched"].GetInt() +
                  timeless["numberMatched"].GetInt() ==
              total);
        for (const auto& feature : notAfter["features"].GetArray()) {
            CHECK_FALSE(timeStart(feature).empty());
            CHECK(timeStart(feature).substr(0, 10) <= "2020-01-01");
        }
        Json interval = node.search(filter("T_INTERSECTS(datetime, INTERVAL('2036-01-01','..'))"));
        CHECK(interval["numberMatched"].GetInt() >= 4);  // the heat stress 2050 scenarios and open intervals
        CHECK(timeless["numberMatched"].GetInt() >= 1);
        Json recent =
            node.search(filter("updated >= DATE('2000-01-01') AND NOT updated > TIMESTAMP('2100-01-01T00:00:00Z')"));
        CHECK(recent["numberMatched"].GetInt() == total);
    }

    SECTION("combined with q, the property parameters and paging") {
        Json page = node.search(filter("type = 'simulation-result' OR license = 'CC0-1.0'") + "&q=hittestress&limit=1");
        REQUIRE(page["numberMatched"].GetInt() >= 2);
        std::string next;
        for (const auto& link : page["links"].GetArray())
            if (link["rel"].GetString() == std::string("next")) next = link["href"].GetString();
        REQUIRE_FALSE(next.empty());
        CHECK(next.find("filter=") != std::string::npos);
        auto second = get(next);
        REQUIRE(second.status == 200);
        CHECK(parseJson(second.body)["numberMatched"].GetInt() == page["numberMatched"].GetInt());

        Json like = node.search(filter("title LIKE '%3D%' AND NOT rights = 'restricted'") + "&limit=100");
        for (const auto& feature : like["features"].GetArray())
            CHECK(std::string(feature["properties"]["title"].GetString()).find("3D") != std::string::npos);
    }

    SECTION("a quote in a literal stays in the literal") {
        Json injected = node.search(filter("title = 'x'' OR 1=1 --'"));
        CHECK(injected["numberMatched"].GetInt() == 0);
        Json still = node.search("limit=1");
        CHECK(still["numberMatched"].GetInt() == total);
    }
}

TEST_CASE("a filter that cannot be answered is a 400 naming the construct and its offset") {
    SampleNode node;
    Json unknown = node.problem(filter("themes = 'buildings' AND colour = 'red'"), "filter");
    std::string detail = unknown["detail"].GetString();
    CHECK(detail.find("colour") != std::string::npos);
    CHECK(detail.find("offset 25") != std::string::npos);
    REQUIRE(unknown.HasMember("offset"));
    CHECK(unknown["offset"].GetInt() == 25);

    Json function = node.problem(filter("S_CROSSES(geometry, BBOX(4,52,5,53))"), "filter");
    CHECK(std::string(function["detail"].GetString()).find("S_CROSSES") != std::string::npos);
    Json syntax = node.problem(filter("title = 'open"), "filter");
    CHECK(syntax["offset"].GetInt() == 8);
    Json mismatch = node.problem(filter("updated > 5"), "filter");
    CHECK(std::string(mismatch["detail"].GetString()).find("type mismatch") != std::string::npos);
    node.problem(filter(std::string(200, '(') + "TRUE" + std::string(200, ')')), "filter");
    node.problem(filter("title = 'x'") + "&filter-lang=cql2-json", "filter-lang");
    // A CRS the API does not offer (crs_test.cpp tests the ones it does).
    node.problem(filter("title = 'x'") + "&filter-crs=" + urlEncode("http://www.opengis.net/def/crs/EPSG/0/2056"),
                 "filter-crs");
}

TEST_CASE("a filter of more conditions than SQLite compiles is a 400; the largest allowed ones answer") {
    SampleNode node;
    // 999 ANDs, under the filter length limit and the request line's, were a 500 ("Expression tree
    // is too large").
    std::string tooMany = "themes='buildings'";
    for (int i = 0; i < 999; ++i) tooMany += " AND id<>'x'";
    REQUIRE(tooMany.size() < tweeling::registry::store::cql2::kMaxFilterLength);
    Json problem = node.problem(filter(tooMany), "filter");
    CHECK(std::string(problem["detail"].GetString()).find("more than 200 conditions") != std::string::npos);
    std::string ors = "id='x'";
    for (int i = 0; i < 999; ++i) ors += " OR id='x'";
    node.problem(filter(ors), "filter");

    // 200 conditions, and 16 levels of nesting, answer (with the other parameters beside them).
    std::string largest = "themes = 'buildings'";
    for (int i = 1; i < 200; ++i) largest += " AND id <> 'x" + std::to_string(i) + "'";
    Json all = node.search(filter(largest) + "&limit=1000");
    Json plain = node.search("themes=buildings&limit=1000");
    CHECK(all["numberMatched"].GetInt() == plain["numberMatched"].GetInt());
    CHECK(all["numberMatched"].GetInt() > 0);
    node.search(filter(largest) + "&q=gebouwen&bbox=3,50,7,54&facets=themes,formats");
    std::string nested = "title LIKE '%a%' AND NOT adminUnits IN ('GM0000')";
    for (int i = 0; i < 15; ++i) nested = "id <> 'n' " + std::string(i % 2 ? "OR" : "AND") + " (" + nested + ")";
    node.search(filter(nested) + "&q=gebouwen&facets=themes");
    node.problem(filter("NOT (" + nested + ")"), "filter");
}

TEST_CASE("facets= counts values over the whole query") {
    SampleNode node;

    Json all = node.search("facets=themes,formats,type,adminUnits,publisher,license,rights&limit=2");
    const int total = all["numberMatched"].GetInt();
    REQUIRE(all.HasMember("facets"));
    const JsonValue& facets = all["facets"];
    for (const char* name : {"themes", "formats", "type", "adminUnits", "publisher", "license", "rights"}) {
        INFO(name);
        REQUIRE(facets.HasMember(name));
        REQUIRE(facets[name].IsArray());
        CHECK(facets[name].Size() >= 1);
        std::int64_t previous = INT64_MAX;
        for (const auto& value : facets[name].GetArray()) {
            CHECK(value["value"].IsString());
            CHECK(value["count"].GetInt64() >= 1);
            CHECK(value["count"].GetInt64() <= total);
            CHECK(value["count"].GetInt64() <= previous);  // most frequent first
            previous = value["count"].GetInt64();
        }
    }
    auto sum = [](const JsonValue& values) {
        std::int64_t total = 0;
        for (const auto& value : values.GetArray()) total += value["count"].GetInt64();
        return total;
    };
    // Single-valued facets add up to numberMatched; every sample has themes and formats, so list
    // facets add up to at least that.
    CHECK(sum(facets["type"]) == total);
    CHECK(sum(facets["rights"]) == total);
    CHECK(sum(facets["themes"]) >= total);
    CHECK(sum(facets["formats"]) >= total);

    // A facet asked for with a filter: counts follow the query, not the page.
    Json rotterdam = node.search(filter("adminUnits = 'GM0599'") + "&facets=adminUnits,type&limit=1");
    const int matched = rotterdam["numberMatched"].GetInt();
    REQUIRE(matched >= 2);
    CHECK(rotterdam["numberReturned"].GetInt() == 1);
    std::map<std::string, std::int64_t> units;
    for (const auto& value : rotterdam["facets"]["adminUnits"].GetArray())
        units[value["value"].GetString()] = value["count"].GetInt64();
    CHECK(units["GM0599"] == matched);
    CHECK(units.count("GM0363") == 0);
    CHECK(sum(rotterdam["facets"]["type"]) == matched);

    Json heat = node.search("q=hittestress&facets=type&facetLimit=1");
    REQUIRE(heat["facets"]["type"].Size() == 1);
    CHECK(heat["facets"]["type"][0]["count"].GetInt64() <= heat["numberMatched"].GetInt64());

    Json themes = node.search("themes=buildings&facets=themes");
    for (const auto& value : themes["facets"]["themes"].GetArray())
        if (value["value"].GetString() == std::string("buildings"))
            CHECK(value["count"].GetInt() == themes["numberMatched"].GetInt());

    Json none = node.search("ids=nothing-here&facets=themes");
    CHECK(none["numberMatched"].GetInt() == 0);
    CHECK(none["facets"]["themes"].Size() == 0);

    CHECK_FALSE(node.search("limit=1").HasMember("facets"));
    node.problem("facets=themes,colour", "facets");
    node.problem("facets=themes&facetLimit=0", "facetLimit");
    node.problem("facets=themes&facetLimit=x", "facetLimit");
}
