// A record's claims against what the probes found (probe/claims.cpp): CRS, extent through PROJ,
// LoD, a Dutch footprint, and the region of a tileset from its ECEF box.
#include "probe/claims.hpp"

#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace tweeling::federation::probe;
using tweeling::common::Json;

namespace {

Json record(const std::string& crs, const std::string& footprint, const std::string& lods = "[\"2.2\"]",
            const std::string& units = "[\"GM0503\"]") {
    Json doc;
    const std::string text = R"({"id":"r","type":"Feature","geometry":{"type":"Polygon","coordinates":)" + footprint +
                             R"(},"properties":{"crs":[")" + crs + R"("],"lod":)" + lods +
                             R"(,"adminUnits":)" + units +
                             R"(,"publisher":{"id":"https://example.org/someone","name":"x"}}})";
    doc.Parse(text.c_str(), text.size());
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

// Delft, around the 3DBAG tile of the CityJSON fixture.
const std::string kDelft = "[[[4.30,51.95],[4.42,51.95],[4.42,52.05],[4.30,52.05],[4.30,51.95]]]";
const std::string kGroningen = "[[[6.50,53.18],[6.62,53.18],[6.62,53.25],[6.50,53.25],[6.50,53.18]]]";

const Check* find(const ProbeResult& result, const std::string& id) {
    for (const Check& check : result.checks)
        if (check.id == id) return &check;
    return nullptr;
}

// What the CityJSON probe finds in the 3DBAG fixture (its metadata: EPSG:7415 and an RD extent).
ProbeResult delftCityJson() {
    ProbeResult result;
    result.facts.crs = {"EPSG:7415"};
    result.facts.extent = std::array<double, 4>{84994.437625, 446535.536, 85022.194625, 446562.148};
    result.facts.extentCrs = "EPSG:7415";
    result.facts.lods = {"1.2", "1.3", "2.2"};
    return result;
}

}  // namespace

TEST_CASE("claims: the record's CRS, extent and LoDs against the asset's", "[probe][claims]") {
    SECTION("all as claimed") {
        ProbeResult result = delftCityJson();
        checkClaims(claimsOf(record("http://www.opengis.net/def/crs/EPSG/0/7415", kDelft)), result);
        REQUIRE(find(result, "claims.crs"));
        CHECK(find(result, "claims.crs")->status == Status::Pass);
        REQUIRE(find(result, "claims.extent"));
        INFO(find(result, "claims.extent")->message);
        CHECK(find(result, "claims.extent")->status == Status::Pass);
        REQUIRE(find(result, "claims.lod"));
        CHECK(find(result, "claims.lod")->status == Status::Pass);
    }
    SECTION("the same horizontal CRS without NAP heights is a warning; another CRS fails") {
        ProbeResult result = delftCityJson();
        checkClaims(claimsOf(record("http://www.opengis.net/def/crs/EPSG/0/28992", kDelft)), result);
        CHECK(find(result, "claims.crs")->status == Status::Warn);
        ProbeResult other = delftCityJson();
        checkClaims(claimsOf(record("http://www.opengis.net/def/crs/EPSG/0/4326", kDelft)), other);
        CHECK(find(other, "claims.crs")->status == Status::Fail);
    }
    SECTION("an asset elsewhere than the footprint fails; a promised LoD missing warns") {
        ProbeResult result = delftCityJson();
        checkClaims(claimsOf(record("http://www.opengis.net/def/crs/EPSG/0/7415", kGroningen, "[\"3.1\"]")), result);
        CHECK(find(result, "claims.extent")->status == Status::Fail);
        CHECK(find(result, "claims.lod")->status == Status::Warn);
    }
    SECTION("nothing to compare: no check") {
        ProbeResult result;
        checkClaims(claimsOf(record("http://www.opengis.net/def/crs/EPSG/0/7415", kDelft)), result);
        CHECK(result.checks.empty());
    }
}

TEST_CASE("claims: a Dutch record's footprint lies in the Netherlands", "[probe][claims]") {
    auto netherlands = checkNetherlands(claimsOf(record("EPSG:7415", kDelft)));
    REQUIRE(netherlands);
    CHECK(netherlands->status == Status::Pass);
    // Longitude and latitude swapped: in Somalia.
    auto swapped = checkNetherlands(
        claimsOf(record("EPSG:7415", "[[[51.95,4.30],[52.05,4.30],[52.05,4.42],[51.95,4.42],[51.95,4.30]]]")));
    REQUIRE(swapped);
    CHECK(swapped->status == Status::Fail);
    // Not Dutch: not checked.
    CHECK_FALSE(checkNetherlands(claimsOf(record("EPSG:4326", "[[[2,48],[3,48],[3,49],[2,49],[2,48]]]",
                                                 "[\"2.2\"]", "[]"))));
}

TEST_CASE("claims: a tileset's region from its ECEF box; a box in local coordinates has none", "[probe][claims]") {
    // A box of about 200 m around Amsterdam's Dam (52.373 N, 4.893 E), height 0 to 100 m.
    const double lat = 52.373 * M_PI / 180, lon = 4.893 * M_PI / 180, a = 6378137.0, e2 = 6.69437999014e-3;
    auto ecef = [&](double latitude, double longitude, double height) {
        const double n = a / std::sqrt(1 - e2 * std::sin(latitude) * std::sin(latitude));
        return std::array<double, 3>{(n + height) * std::cos(latitude) * std::cos(longitude),
                                     (n + height) * std::cos(latitude) * std::sin(longitude),
                                     (n * (1 - e2) + height) * std::sin(latitude)};
    };
    AssetFacts facts;
    for (double dLat : {-0.001, 0.001})
        for (double dLon : {-0.0015, 0.0015})
            for (double height : {0.0, 100.0}) facts.ecefCorners.push_back(ecef(lat + dLat * M_PI / 180, lon + dLon * M_PI / 180, height));
    auto region = tilesetRegion(facts);
    REQUIRE(region);
    CHECK((*region)[0] == Approx(lon - 0.0015 * M_PI / 180).margin(1e-9));
    CHECK((*region)[3] == Approx(lat + 0.001 * M_PI / 180).margin(1e-9));
    CHECK((*region)[4] == Approx(0).margin(0.01));
    CHECK((*region)[5] == Approx(100).margin(0.01));

    AssetFacts local;
    local.ecefCorners = {{-10, -10, 0}, {10, 10, 20}};
    CHECK_FALSE(tilesetRegion(local));
    std::string error;
    CHECK_FALSE(assetExtentWgs84(local, &error));
    CHECK(error.find("local coordinates") != std::string::npos);
}
