#include "record/geometry.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "common/json.hpp"
#include "support/http_client.hpp"

using tweeling::common::Json;
using tweeling::test::parseJsonText;
using namespace tweeling::registry::record;

namespace {

std::string boxText(const std::optional<Bbox>& box) {
    if (!box) return "none";
    return std::to_string(box->minX) + "," + std::to_string(box->minY) + "," + std::to_string(box->maxX) + "," +
           std::to_string(box->maxY);
}

}  // namespace

TEST_CASE("the envelope of a footprint") {
    CHECK(boxText(envelope(parseJsonText(
              R"({"type":"Polygon","coordinates":[[[4.7,52.2],[5.1,52.2],[5.1,52.5],[4.7,52.5],[4.7,52.2]]]})"))) ==
          boxText(Bbox{4.7, 52.2, 5.1, 52.5}));
    CHECK(boxText(envelope(parseJsonText(R"({"type":"MultiPolygon","coordinates":[[[[4,52],[5,52],[5,53],[4,52]]],
                                    [[[6,50],[7,50],[7,51],[6,50]]]]})"))) == boxText(Bbox{4, 50, 7, 53}));
    CHECK(boxText(envelope(parseJsonText(R"({"type":"Point","coordinates":[5,52,3]})"))) ==
          boxText(Bbox{5, 52, 5, 52}));
    CHECK(boxText(envelope(
              parseJsonText(R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[5,52]},
                                    {"type":"Point","coordinates":[6,51]}]})"))) == boxText(Bbox{5, 51, 6, 52}));
    CHECK_FALSE(envelope(parseJsonText("null")));
    CHECK_FALSE(envelope(parseJsonText(R"({"type":"Polygon","coordinates":[]})")));
    CHECK_FALSE(envelope(parseJsonText(R"({"type":"Polygon"})")));
    // Deeper than any geometry nests: malformed, and not followed.
    CHECK_FALSE(envelope(parseJsonText(R"({"type":"Polygon","coordinates":[[[[[[[[[[[5,52]]]]]]]]]]]})")));
    CHECK(boxText(coordinatesEnvelope(parseJsonText("[[[1,2],[3,4]]]"))) == boxText(Bbox{1, 2, 3, 4}));

    CHECK(isWgs84(Bbox{-180, -90, 180, 90}));
    CHECK_FALSE(isWgs84(Bbox{120000, 480000, 130000, 490000}));  // RD New metres
}

TEST_CASE("positions, polygons and bboxes") {
    CHECK(isPosition(parseJsonText("[5,52]")));
    CHECK(isPosition(parseJsonText("[5,52,3]")));
    CHECK_FALSE(isPosition(parseJsonText("[5]")));
    CHECK_FALSE(isPosition(parseJsonText("[5,52,3,4]")));
    CHECK_FALSE(isPosition(parseJsonText("[181,52]")));
    CHECK_FALSE(isPosition(parseJsonText("[5,\"52\"]")));
    CHECK(isPolygon(parseJsonText("[[[4,52],[5,52],[5,53],[4,52]]]")));
    CHECK_FALSE(isPolygon(parseJsonText("[[[4,52],[5,52],[5,53],[4,52.5]]]")));  // not closed
    CHECK_FALSE(isPolygon(parseJsonText("[[[4,52],[5,52],[4,52]]]")));           // too few positions
    CHECK_FALSE(isPolygon(parseJsonText("[]")));

    CHECK(boxText(readGeojsonBbox(parseJsonText("[4,51,5,52]"))) == boxText(Bbox{4, 51, 5, 52}));
    CHECK(boxText(readGeojsonBbox(parseJsonText("[4,51,0,5,52,10]"))) == boxText(Bbox{4, 51, 5, 52}));
    CHECK(boxText(readGeojsonBbox(parseJsonText("[170,-10,-170,10]"))) == boxText(Bbox{170, -10, -170, 10}));
    CHECK_FALSE(readGeojsonBbox(parseJsonText("[4,53,5,52]")));  // south above north
    CHECK_FALSE(readGeojsonBbox(parseJsonText("[200,0,210,1]")));
    CHECK_FALSE(readGeojsonBbox(parseJsonText("[4,51,5]")));
}

TEST_CASE("rectangles that are bounding boxes with minimum and maximum swapped") {
    // In bbox order, and starting northward as PostGIS, GDAL and shapely write it: not swapped.
    CHECK_FALSE(swappedBox(parseJsonText("[[4.7,52.2],[5.1,52.2],[5.1,52.5],[4.7,52.5],[4.7,52.2]]")));
    CHECK_FALSE(swappedBox(parseJsonText("[[4.7,52.2],[4.7,52.5],[5.1,52.5],[5.1,52.2],[4.7,52.2]]")));
    auto swapped = swappedBox(parseJsonText("[[5.1,52.2],[4.7,52.2],[4.7,52.5],[5.1,52.5],[5.1,52.2]]"));
    REQUIRE(swapped);
    CHECK(swapped->longitude);
    CHECK(swapped->from == 5.1);
    CHECK(swapped->to == 4.7);
    swapped = swappedBox(parseJsonText("[[4.7,52.5],[5.1,52.5],[5.1,52.2],[4.7,52.2],[4.7,52.5]]"));
    REQUIRE(swapped);
    CHECK_FALSE(swapped->longitude);
    CHECK(swapped->from == 52.5);
    CHECK(swapped->to == 52.2);
    swapped = swappedBox(parseJsonText("[[4.7,52.5],[4.7,52.2],[5.1,52.2],[5.1,52.5],[4.7,52.5]]"));
    REQUIRE(swapped);
    CHECK_FALSE(swapped->longitude);
    // Not a rectangle, or not five positions.
    CHECK_FALSE(swappedBox(parseJsonText("[[5.1,52.2],[4.7,52.3],[4.7,52.5],[5.1,52.5],[5.1,52.2]]")));
    CHECK_FALSE(swappedBox(parseJsonText("[[5.1,52.2],[4.7,52.2],[4.7,52.5],[5.1,52.2]]")));
}

TEST_CASE("footprints made from boxes") {
    Json doc(rapidjson::kObjectType);
    auto& allocator = doc.GetAllocator();
    CHECK(tweeling::common::toString(boxGeometry(Bbox{5, 52, 5, 52}, allocator)) ==
          R"({"type":"Point","coordinates":[5.0,52.0]})");
    CHECK(tweeling::common::toString(boxGeometry(Bbox{4, 51, 5, 52}, allocator)) ==
          R"({"type":"Polygon","coordinates":[[[4.0,51.0],[5.0,51.0],[5.0,52.0],[4.0,52.0],[4.0,51.0]]]})");
    // Across the antimeridian: the two halves.
    CHECK(tweeling::common::toString(boxGeometry(Bbox{170, -10, -170, 10}, allocator)) ==
          R"({"type":"MultiPolygon","coordinates":[[[[170.0,-10.0],[180.0,-10.0],[180.0,10.0],[170.0,10.0],)"
          R"([170.0,-10.0]]],[[[-180.0,-10.0],[-170.0,-10.0],[-170.0,10.0],[-180.0,10.0],[-180.0,-10.0]]]]})");
}
