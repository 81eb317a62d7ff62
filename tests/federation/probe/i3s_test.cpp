#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fake_fetch.hpp"
#include "probe/probe.hpp"

using namespace tweeling::federation::probe;
using tweeling::test::FakeFetch;
using tweeling::test::fixture;
using tweeling::test::idsOf;
using tweeling::test::messageOf;
using tweeling::test::problemsOf;
using tweeling::test::replaced;
using tweeling::test::statusOf;

namespace {

// A scene service serves the layer document without a suffix.
const std::string kUrl = "https://tiles.example.nl/arcgis/rest/services/Bldgs/SceneServer/layers/0";

const std::string kBuildings = fixture("i3s/loaders.gl__SanFrancisco_Bldgs__SceneServer__layers__0.json");
const std::string kPoints = fixture("i3s/loaders.gl__point-cloud__SceneServer__layers__0.json");
const std::string kSpatialReference = "\"spatialReference\":{\"wkid\":4326,\"latestWkid\":4326},";
const std::string kPointsSpatialReference =
    "\"spatialReference\": {\n    \"wkid\": 4326,\n    \"latestWkid\": 4326\n  },";
const std::string kPointsExtent =
    "\"extent\": [\n      -74.174434,\n      39.723427,\n      -74.065024,\n      39.818896\n    ],";
const std::string kIndexCrs = "\"indexCRS\":\"http://www.opengis.net/def/crs/EPSG/0/4326\",";

ProbeResult probeText(const std::string& text, const Limits& limits = {}) {
    FakeFetch server;
    server.serve(kUrl, text, "application/json");
    return probeDistribution("i3s", kUrl, "", server.fetch(), limits);
}

}  // namespace

TEST_CASE("real I3S scene layer documents pass and give their CRS and extent") {
    ProbeResult buildings = probeText(kBuildings);
    CHECK(buildings.reachable);
    CHECK(problemsOf(buildings) == "");
    CHECK(idsOf(buildings) ==
          std::vector<std::string>{"i3s.json", "i3s.layerType", "i3s.version", "i3s.spatialReference", "i3s.extent"});
    CHECK(buildings.facts.version == "1.6");
    CHECK(buildings.facts.crs == std::vector<std::string>{"EPSG:4326"});  // wkid, indexCRS and vertexCRS agree
    REQUIRE(buildings.facts.extent);
    CHECK(*buildings.facts.extent ==
          std::array<double, 4>{-122.514735302817769, 37.7046358214009416, -122.356728384235836, 37.8326283804154286});
    CHECK(buildings.facts.extentCrs == "EPSG:4326");

    ProbeResult points = probeText(kPoints);
    CHECK(problemsOf(points) == "");
    CHECK(messageOf(points, "i3s.layerType").find("PointCloud") != std::string::npos);
    REQUIRE(points.facts.extent);
    CHECK(*points.facts.extent == std::array<double, 4>{-74.174434, 39.723427, -74.065024, 39.818896});
}

TEST_CASE("each I3S check fires on a broken copy of a real layer document") {
    SECTION("no spatialReference: a warning while indexCRS names the CRS, a failure when nothing does") {
        std::string without = replaced(kBuildings, kSpatialReference, "");
        ProbeResult result = probeText(without);
        CHECK(statusOf(result, "i3s.spatialReference") == "warn");
        CHECK(result.facts.crs == std::vector<std::string>{"EPSG:4326"});
        CHECK(statusOf(probeText(replaced(without, kIndexCrs, "")), "i3s.spatialReference") == "fail");
        ProbeResult points = probeText(replaced(kPoints, kPointsSpatialReference, ""));
        CHECK(statusOf(points, "i3s.spatialReference") == "fail");
        CHECK(points.facts.extentCrs.empty());
    }
    SECTION("Esri's own wkid without an EPSG latestWkid warns; with one it passes") {
        CHECK(statusOf(probeText(replaced(kBuildings, kSpatialReference, "\"spatialReference\":{\"wkid\":102100},")),
                       "i3s.spatialReference") == "warn");
        ProbeResult mercator = probeText(replaced(
            replaced(kPoints, "\"wkid\": 4326,\n    \"latestWkid\": 4326", "\"wkid\": 102100, \"latestWkid\": 3857"),
            kPointsExtent, "\"extent\": [-8257000, 4823000, -8244000, 4837000],"));
        CHECK(problemsOf(mercator) == "");
        CHECK(mercator.facts.crs == std::vector<std::string>{"EPSG:3857"});
        CHECK(mercator.facts.extentCrs == "EPSG:3857");
    }
    SECTION("an indexCRS that contradicts the spatialReference warns") {
        ProbeResult result =
            probeText(replaced(kBuildings, kIndexCrs, "\"indexCRS\":\"http://www.opengis.net/def/crs/EPSG/0/28992\","));
        CHECK(statusOf(result, "i3s.spatialReference") == "warn");
    }
    SECTION("an unknown or missing layerType fails") {
        CHECK(statusOf(probeText(replaced(kBuildings, "\"layerType\":\"3DObject\"", "\"layerType\":\"Mesh\"")),
                       "i3s.layerType") == "fail");
        CHECK(statusOf(probeText(replaced(kBuildings, "\"layerType\":\"3DObject\",", "")), "i3s.layerType") == "fail");
    }
    SECTION("a store version that is not 1.x warns; no store fails") {
        CHECK(statusOf(probeText(replaced(kBuildings, "\"version\":\"1.6\"", "\"version\":\"9.9\"")), "i3s.version") ==
              "warn");
        CHECK(statusOf(probeText("{\"layerType\":\"3DObject\",\"spatialReference\":{\"wkid\":4326}}"), "i3s.version") ==
              "fail");
    }
    SECTION("an extent with min above max, outside the globe or missing") {
        CHECK(statusOf(probeText(replaced(kBuildings, "-122.514735302817769,37.7046358214009416",
                                          "-122.314735302817769,37.7046358214009416")),
                       "i3s.extent") == "fail");
        CHECK(statusOf(probeText(replaced(kBuildings, "-122.514735302817769,", "-222.514735302817769,")),
                       "i3s.extent") == "fail");
        ProbeResult none = probeText(replaced(kPoints, kPointsExtent, ""));
        CHECK(statusOf(none, "i3s.extent") == "warn");
        CHECK_FALSE(none.facts.extent);
    }
    SECTION("truncated JSON, or JSON that is not an object, fails") {
        ProbeResult cut = probeText(kBuildings.substr(0, 1000));
        CHECK(idsOf(cut) == std::vector<std::string>{"i3s.json"});
        CHECK(statusOf(cut, "i3s.json") == "fail");
        CHECK(statusOf(probeText("[]"), "i3s.json") == "fail");
        Limits limits;
        limits.maxDocumentBytes = 1000;
        CHECK(statusOf(probeText(kBuildings, limits), "i3s.json") == "fail");
    }
}

TEST_CASE("a scene service document is read through its first layer; a package is not opened") {
    ProbeResult service = probeText("{\"serviceName\":\"Bldgs\",\"layers\":[" + kBuildings + "]}");
    CHECK(problemsOf(service) == "");
    CHECK(service.checks.at(1).pointer == "/layers/0/layerType");
    ProbeResult package = probeText(std::string("PK\x03\x04", 4) + "rest of a zip");
    CHECK(idsOf(package) == std::vector<std::string>{"i3s.json"});
    CHECK(statusOf(package, "i3s.json") == "warn");
}

TEST_CASE("I3S 1.7 and later: the layer's fullExtent with its own spatial reference") {
    std::string layer =
        "{\"layerType\":\"IntegratedMesh\",\"spatialReference\":{\"wkid\":28992},"
        "\"store\":{\"version\":\"1.8\",\"profile\":\"meshpyramids\"},"
        "\"fullExtent\":{\"xmin\":120000,\"ymin\":480000,\"xmax\":125000,\"ymax\":490000,"
        "\"spatialReference\":{\"wkid\":28992}}}";
    ProbeResult result = probeText(layer);
    CHECK(problemsOf(result) == "");
    CHECK(result.facts.crs == std::vector<std::string>{"EPSG:28992"});
    REQUIRE(result.facts.extent);
    CHECK(*result.facts.extent == std::array<double, 4>{120000, 480000, 125000, 490000});
    CHECK(result.facts.extentCrs == "EPSG:28992");
}

TEST_CASE("an unreachable I3S layer is reported as link.reachable") {
    FakeFetch server;
    ProbeResult result = probeDistribution("i3s", kUrl, "", server.fetch());
    CHECK_FALSE(result.reachable);
    CHECK(idsOf(result) == std::vector<std::string>{"link.reachable"});
}
