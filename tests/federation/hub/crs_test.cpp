// CRS negotiation at a hub: the search a hub serves is the node's API code over harvested records,
// so crs, bbox-crs and filter-crs answer there as on a node (tests/registry/api/crs_test.cpp).
#include "live_federation.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace tweeling::test;
using namespace tweeling::test::federation;
using tweeling::common::Json;

namespace {

std::set<std::string> idsOf(const Json& page) {
    std::set<std::string> ids;
    for (const auto& feature : page["features"].GetArray()) ids.insert(feature["id"].GetString());
    return ids;
}

}  // namespace

TEST_CASE("a hub answers crs, bbox-crs and filter-crs as a node does") {
    TempDir dir;
    Node amsterdam(dir, "gm0363", "deploy/samples/gm0363-amsterdam.json", kAmsterdam);
    Node rotterdam(dir, "gm0599", "deploy/samples/gm0599-rotterdam.json",
                   "https://identifier.overheid.nl/tooi/id/gemeente/gm0599");
    Hub nation(dir, "nl");
    nation.addSource("gm0363", amsterdam.url);
    nation.addSource("gm0599", rotterdam.url);
    auto harvested = nation.harvest();
    INFO(harvested.out << harvested.err);
    REQUIRE(harvested.exitCode == 0);

    // Amsterdam in RD New and in CRS84 (about the same box): the same records, none of Rotterdam's.
    const std::string rdBox = "110000,470000,135000,500000";
    Json inRd = nation.search("bbox=" + rdBox + "&bbox-crs=" + urlEncode("http://www.opengis.net/def/crs/EPSG/0/28992") +
                              "&limit=100");
    Json atNode = parse(get(amsterdam.url + "/collections/twins/items?bbox=" + rdBox +
                            "&bbox-crs=EPSG:28992&limit=100")
                            .body);
    CHECK(inRd["numberMatched"].GetInt() >= 1);
    CHECK(idsOf(inRd) == idsOf(atNode));
    for (const auto& feature : inRd["features"].GetArray()) CHECK(std::string(feature["origin"].GetString()) == "gm0363");
    Json filtered = nation.search("filter=" + urlEncode("S_INTERSECTS(geometry, BBOX(" + rdBox + "))") +
                                  "&filter-crs=EPSG:28992&limit=100");
    CHECK(idsOf(filtered) == idsOf(inRd));

    // The response in RD New, with its Content-Crs; the default in CRS84 says so too.
    auto page = get(nation.url + "/collections/twins/items?bbox=" + rdBox + "&bbox-crs=EPSG:28992&crs=EPSG:28992");
    REQUIRE(page.status == 200);
    CHECK(page.header("content-crs") == "<http://www.opengis.net/def/crs/EPSG/0/28992>");
    Json rdPage = parse(page.body);
    REQUIRE(rdPage["features"].Size() >= 1);
    const auto& first = rdPage["features"][0];
    REQUIRE(first["geometry"].IsObject());
    const auto& ring = first["geometry"]["type"] == "Point" ? first["geometry"]["coordinates"]
                                                            : first["geometry"]["coordinates"][0][0];
    CHECK(ring[0].GetDouble() > 110000 - 20000);
    CHECK(ring[0].GetDouble() < 135000 + 20000);
    CHECK(ring[1].GetDouble() > 470000 - 20000);
    CHECK(ring[1].GetDouble() < 500000 + 20000);
    CHECK(get(nation.url + "/collections/twins/items?limit=1").header("content-crs") ==
          "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
    // One record (by its own id: only one origin uses it).
    auto one = get(nation.url + "/collections/twins/items/" + urlEncode(first["id"].GetString()) + "?crs=EPSG:28992");
    INFO(one.body);
    CHECK(one.status == 200);
    CHECK(one.header("content-crs") == "<http://www.opengis.net/def/crs/EPSG/0/28992>");

    // Its collection lists the same CRSs; a CRS it does not offer is a 400 naming the parameter.
    Json collection = parse(get(nation.url + "/collections/twins").body);
    REQUIRE(collection["crs"].IsArray());
    CHECK(collection["crs"].Size() >= 7);
    CHECK(std::string(collection["storageCrs"].GetString()) == "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    for (const auto& [query, parameter] : std::vector<std::pair<std::string, std::string>>{
             {"crs=EPSG:99999", "crs"}, {"bbox=1,2,3,4&bbox-crs=garbage", "bbox-crs"}}) {
        auto refused = get(nation.url + "/collections/twins/items?" + query);
        INFO(query << " → " << refused.body);
        CHECK(refused.status == 400);
        CHECK(std::string(parse(refused.body)["parameter"].GetString()) == parameter);
    }
}
