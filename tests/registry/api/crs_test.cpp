// CRS negotiation (OGC API – Features Part 2, the NL API Design Rules' Geospatial module): the
// offered CRSs, bbox-crs, filter-crs and crs, on its own and against the real twin-registry program
// with the sample records of deploy/samples imported.
#include "api/crs_negotiation.hpp"
#include "api/errors.hpp"
#include "common/json.hpp"
#include "geo/crs.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace tweeling::test;
using tweeling::common::Json;
using tweeling::common::JsonValue;
namespace api = tweeling::registry::api;
namespace geo = tweeling::registry::geo;

namespace {

const std::string kCrs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const std::string kRd = "http://www.opengis.net/def/crs/EPSG/0/28992";

Json parseJson(const std::string& text) {
    Json doc;
    doc.Parse(text.c_str(), text.size());
    INFO(text);
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

struct SampleNode {
    TempDir dir;
    std::string db = dir.file("node.db");
    std::unique_ptr<ServerProcess> server;
    std::string items;

    SampleNode() {
        std::vector<std::string> argv = {binPath("twin-registry"), "import", "--db", db, "--node-id", "gm0363"};
        for (const char* sample :
             {"gm0363-amsterdam.json", "gm0599-rotterdam.json", "gm0344-utrecht.json", "gm0392-haarlem.json"})
            argv.push_back(sourcePath(std::string("deploy/samples/") + sample));
        auto result = run(argv);
        INFO(result.err);
        REQUIRE(result.exitCode == 0);
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            binPath("twin-registry"), "serve", "--db", db, "--listen", "127.0.0.1:0", "--node-id", "gm0363"});
        items = server->baseUrl() + "/collections/twins/items";
    }
    HttpResponse ok(const std::string& url) const {
        auto response = get(url);
        INFO(url << " → " << response.body);
        REQUIRE(response.status == 200);
        return response;
    }
    Json search(const std::string& query) const { return parseJson(ok(items + "?" + query).body); }
};

std::set<std::string> idsOf(const Json& page) {
    std::set<std::string> ids;
    for (const auto& feature : page["features"].GetArray()) ids.insert(feature["id"].GetString());
    return ids;
}

// Every position of a GeoJSON geometry, as written.
void positionsOf(const JsonValue& coordinates, std::vector<std::vector<double>>& out) {
    if (!coordinates.IsArray()) return;
    if (coordinates.Size() >= 2 && coordinates[0].IsNumber()) {
        std::vector<double> position;
        for (const auto& number : coordinates.GetArray()) position.push_back(number.GetDouble());
        out.push_back(position);
        return;
    }
    for (const auto& element : coordinates.GetArray()) positionsOf(element, out);
}
std::vector<std::vector<double>> positionsOf(const JsonValue& feature) {
    std::vector<std::vector<double>> out;
    if (feature["geometry"].IsObject()) positionsOf(feature["geometry"]["coordinates"], out);
    return out;
}

std::string bbox(double a, double b, double c, double d) {
    char text[160];
    std::snprintf(text, sizeof text, "%.9f,%.9f,%.9f,%.9f", a, b, c, d);
    return text;
}

// The problem document of a 400 naming `parameter`.
Json problem(const std::string& url, const std::string& parameter) {
    auto response = get(url);
    INFO(url << " → " << response.body);
    REQUIRE(response.status == 400);
    CHECK(response.header("content-type").find("application/problem+json") == 0);
    Json doc = parseJson(response.body);
    REQUIRE(doc.HasMember("parameter"));
    CHECK(doc["parameter"].GetString() == parameter);
    return doc;
}

}  // namespace

TEST_CASE("the offered CRSs: one list, CRS84 first, with EPSG's axis order", "[crs]") {
    const auto& offered = api::offeredCrss();
    REQUIRE(offered.size() >= 7);
    CHECK(offered.front().uri == kCrs84);
    CHECK(api::storageCrs().uri == kCrs84);
    std::set<std::string> uris;
    for (const auto& crs : offered) uris.insert(crs.uri);
    for (const char* code : {"28992", "7415", "4258", "4937", "4326", "3857"})
        CHECK(uris.count(std::string("http://www.opengis.net/def/crs/EPSG/0/") + code) == 1);

    // Every spelling geo::crsId reads names the same CRS; the answer is always the URI.
    for (const char* spelling : {"EPSG:28992", "epsg:28992", "urn:ogc:def:crs:EPSG::28992",
                                 "http://www.opengis.net/def/crs/EPSG/0/28992", "https://www.opengis.net/def/crs/EPSG/0/28992"}) {
        INFO(spelling);
        CHECK(api::offeredCrs("crs", spelling).uri == kRd);
    }
    CHECK(api::contentCrs(api::offeredCrs("crs", "EPSG:28992")) == "<" + kRd + ">");
    CHECK(api::offeredCrs("crs", "EPSG:4326").northFirst);
    CHECK(api::offeredCrs("crs", "EPSG:4258").northFirst);
    CHECK(api::offeredCrs("crs", "EPSG:4937").northFirst);
    CHECK_FALSE(api::offeredCrs("crs", "EPSG:28992").northFirst);
    CHECK_FALSE(api::offeredCrs("crs", "OGC:CRS84").northFirst);
    CHECK(api::offeredCrs("crs", "EPSG:7415").threeD);
    CHECK_FALSE(api::offeredCrs("crs", "EPSG:28992").threeD);

    // Not offered, or not a CRS: a 400 naming the parameter, listing the offered URIs, quoting little.
    for (const std::string& value : {std::string("EPSG:99999"), std::string("EPSG:2056"), std::string("banana"),
                                     std::string(5000, 'x')}) {
        try {
            api::offeredCrs("bbox-crs", value);
            FAIL("accepted " << value.substr(0, 40));
        } catch (const api::ApiError& error) {
            CHECK(error.status() == 400);
            CHECK(error.parameter() == "bbox-crs");
            CHECK(error.detail().find(kRd) != std::string::npos);
            CHECK(error.detail().size() < 1200);
        }
    }
}

TEST_CASE("a record's geometry in another CRS: axis order, rounding, heights", "[crs]") {
    // Amersfoort's RD origin, from the RDNAPTRANS™2008 test sheet (ETRS89 52.155172897 N,
    // 5.387203657 E is RD 155000, 463000); WGS 84 stands in for ETRS89 here, as PROJ's
    // "ETRS89 to WGS 84 (1)" does, to a metre.
    Json doc;
    // Parsed with its length: RapidJSON's SSE2 scan of a NUL-terminated string reads past its end.
    const std::string text = R"({"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[5.387203657,52.155172897,12.5]},
                  "bbox":[5.38,52.15,5.39,52.16],"properties":{}})";
    doc.Parse(text.c_str(), text.size());
    Json rd;
    rd.CopyFrom(doc, rd.GetAllocator());
    api::recordToCrs(rd, rd.GetAllocator(), api::offeredCrs("crs", "EPSG:28992"));
    const JsonValue& point = rd["geometry"]["coordinates"];
    REQUIRE(point.Size() == 2);  // a 2D CRS drops the height
    CHECK(point[0].GetDouble() == Approx(155000).margin(1.0));
    CHECK(point[1].GetDouble() == Approx(463000).margin(1.0));
    CHECK(point[0].GetDouble() * 1000 == Approx(std::round(point[0].GetDouble() * 1000)).margin(1e-6));  // mm
    REQUIRE(rd["bbox"].Size() == 4);
    CHECK(rd["bbox"][0].GetDouble() < point[0].GetDouble());
    CHECK(rd["bbox"][2].GetDouble() > point[0].GetDouble());
    CHECK(rd["bbox"][1].GetDouble() < point[1].GetDouble());
    CHECK(rd["bbox"][3].GetDouble() > point[1].GetDouble());

    Json rdNap;
    rdNap.CopyFrom(doc, rdNap.GetAllocator());
    api::recordToCrs(rdNap, rdNap.GetAllocator(), api::offeredCrs("crs", "EPSG:7415"));
    REQUIRE(rdNap["geometry"]["coordinates"].Size() == 3);  // kept as the record has it
    CHECK(rdNap["geometry"]["coordinates"][0].GetDouble() == point[0].GetDouble());
    CHECK(rdNap["geometry"]["coordinates"][2].GetDouble() == 12.5);

    Json wgs84;
    wgs84.CopyFrom(doc, wgs84.GetAllocator());
    api::recordToCrs(wgs84, wgs84.GetAllocator(), api::offeredCrs("crs", "EPSG:4326"));
    CHECK(wgs84["geometry"]["coordinates"][0].GetDouble() == Approx(52.155172897).margin(1e-8));  // latitude first
    CHECK(wgs84["geometry"]["coordinates"][1].GetDouble() == Approx(5.387203657).margin(1e-8));
    CHECK(wgs84["bbox"][0].GetDouble() == Approx(52.15).margin(1e-8));
    CHECK(wgs84["bbox"][1].GetDouble() == Approx(5.38).margin(1e-8));

    // CRS84 leaves the record exactly as stored.
    Json same;
    same.CopyFrom(doc, same.GetAllocator());
    api::recordToCrs(same, same.GetAllocator(), api::storageCrs());
    CHECK(same == doc);

    // Web Mercator has no y at the poles: a world-wide footprint stops at its own limit.
    Json world;
    const std::string worldText =
        R"({"geometry":{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}})";
    world.Parse(worldText.c_str(), worldText.size());
    api::recordToCrs(world, world.GetAllocator(), api::offeredCrs("crs", "EPSG:3857"));
    CHECK(world["geometry"]["coordinates"][0][2][1].GetDouble() == Approx(20037508.343).margin(0.01));
}

TEST_CASE("a box in the axis order of its CRS becomes the CRS84 box that holds it", "[crs]") {
    // EPSG:4326 is latitude first.
    auto box = api::boxToCrs84(api::offeredCrs("bbox-crs", "EPSG:4326"), {52.2, 4.7, 52.5, 5.1}, "bbox");
    CHECK(box.minX == Approx(4.7));
    CHECK(box.minY == Approx(52.2));
    CHECK(box.maxX == Approx(5.1));
    CHECK(box.maxY == Approx(52.5));
    // Degrees out of range in the CRS's own order: 100 is no latitude.
    CHECK_THROWS_AS(api::boxToCrs84(api::offeredCrs("bbox-crs", "EPSG:4326"), {100, 4.7, 120, 5.1}, "bbox"),
                    api::ApiError);
    CHECK_NOTHROW(api::boxToCrs84(api::offeredCrs("bbox-crs", "OGC:CRS84"), {100, 4.7, 120, 5.1}, "bbox"));
    CHECK_THROWS_AS(api::boxToCrs84(api::offeredCrs("bbox-crs", "EPSG:28992"), {130000, 480000, 120000, 490000}, "bbox"),
                    api::ApiError);
    // RD New: the image is densified, so it holds the transformed corners and the middle of each edge.
    const tweeling::registry::record::Bbox rd{110000, 470000, 135000, 500000};
    auto image = api::boxToCrs84(api::offeredCrs("bbox-crs", "EPSG:28992"), rd, "bbox");
    std::vector<geo::Point> edge{{110000, 470000, 0}, {122500, 500000, 0}, {135000, 485000, 0}, {135000, 500000, 0}};
    REQUIRE(geo::transformPoints("EPSG:28992", "OGC:CRS84", edge));
    for (const auto& point : edge) {
        CHECK(point[0] >= image.minX);
        CHECK(point[0] <= image.maxX);
        CHECK(point[1] >= image.minY);
        CHECK(point[1] <= image.maxY);
    }
}

TEST_CASE("a live node answers bbox-crs, filter-crs and crs", "[crs][live]") {
    SampleNode node;
    const int total = node.search("limit=1")["numberMatched"].GetInt();
    REQUIRE(total >= 30);

    // Amsterdam in RD New, and the CRS84 box that holds it.
    const std::array<double, 4> rd{110000, 470000, 135000, 500000};
    auto lonLat = geo::extentToWgs84("EPSG:28992", rd);
    REQUIRE(lonLat);
    const std::string crs84Box = bbox((*lonLat)[0], (*lonLat)[1], (*lonLat)[2], (*lonLat)[3]);
    const std::string rdBox = bbox(rd[0], rd[1], rd[2], rd[3]);

    SECTION("a bbox in RD New finds exactly the records of the same box in CRS84") {
        Json inCrs84 = node.search("bbox=" + crs84Box + "&limit=100");
        Json inRd = node.search("bbox=" + rdBox + "&bbox-crs=" + urlEncode(kRd) + "&limit=100");
        Json inRdShort = node.search("bbox=" + rdBox + "&bbox-crs=EPSG:28992&limit=100");
        CHECK(inCrs84["numberMatched"].GetInt() >= 1);
        CHECK(inCrs84["numberMatched"].GetInt() < total);  // Rotterdam and Utrecht are outside
        CHECK(idsOf(inRd) == idsOf(inCrs84));
        CHECK(idsOf(inRdShort) == idsOf(inCrs84));

        // The same box as a CQL2 filter literal in RD New.
        Json filtered = node.search("filter=" +
                                    urlEncode("S_INTERSECTS(geometry, BBOX(" + rdBox + "))") + "&filter-crs=" +
                                    urlEncode(kRd) + "&limit=100");
        CHECK(idsOf(filtered) == idsOf(inCrs84));
        Json polygon = node.search(
            "filter=" +
            urlEncode("S_INTERSECTS(geometry, POLYGON((110000 470000, 135000 470000, 135000 500000, 110000 500000, "
                      "110000 470000)))") +
            "&filter-crs=EPSG:28992&limit=100");
        CHECK(idsOf(polygon) == idsOf(inCrs84));
        // Without filter-crs the same numbers are no longitudes and latitudes.
        problem(node.items + "?filter=" + urlEncode("S_INTERSECTS(geometry, BBOX(" + rdBox + "))"), "filter");
    }

    SECTION("EPSG:4326 boxes are latitude first") {
        Json lonFirst = node.search("bbox=4.7,52.2,5.1,52.5&limit=100");
        Json latFirst = node.search("bbox=52.2,4.7,52.5,5.1&bbox-crs=" +
                                    urlEncode("http://www.opengis.net/def/crs/EPSG/0/4326") + "&limit=100");
        CHECK(lonFirst["numberMatched"].GetInt() >= 1);
        CHECK(idsOf(latFirst) == idsOf(lonFirst));
        // The CRS84 order under EPSG:4326 is a box in the Indian Ocean: nothing there.
        CHECK(node.search("bbox=4.7,52.2,5.1,52.5&bbox-crs=EPSG:4326")["numberMatched"].GetInt() == 0);
        Json filtered = node.search("filter=" + urlEncode("S_INTERSECTS(geometry, BBOX(52.2,4.7,52.5,5.1))") +
                                    "&filter-crs=EPSG:4326&limit=100");
        CHECK(idsOf(filtered) == idsOf(lonFirst));
    }

    SECTION("crs=EPSG:28992: RD coordinates and Content-Crs, the stored record unchanged") {
        auto plain = node.ok(node.items + "?bbox=" + crs84Box + "&limit=100");
        CHECK(plain.header("content-crs") == "<" + kCrs84 + ">");
        auto rdPage = node.ok(node.items + "?bbox=" + crs84Box + "&limit=100&crs=EPSG:28992");
        CHECK(rdPage.header("content-crs") == "<" + kRd + ">");
        Json lonLatDoc = parseJson(plain.body), rdDoc = parseJson(rdPage.body);
        REQUIRE(lonLatDoc["features"].Size() == rdDoc["features"].Size());
        REQUIRE(lonLatDoc["features"].Size() >= 1);
        std::size_t compared = 0;
        for (rapidjson::SizeType i = 0; i < rdDoc["features"].Size(); ++i) {
            const JsonValue& original = lonLatDoc["features"][i];
            const JsonValue& shown = rdDoc["features"][i];
            CHECK(std::string(original["id"].GetString()) == shown["id"].GetString());
            CHECK(shown["verified"] == original["verified"]);
            CHECK(shown["signature"] == original["signature"]);
            auto from = positionsOf(original), to = positionsOf(shown);
            REQUIRE(from.size() == to.size());
            std::vector<geo::Point> expected;
            for (const auto& position : from) expected.push_back({position[0], position[1], 0});
            REQUIRE(geo::transformPoints("OGC:CRS84", "EPSG:28992", expected));
            for (std::size_t j = 0; j < to.size(); ++j) {
                REQUIRE(to[j].size() == 2);
                CHECK(to[j][0] == Approx(expected[j][0]).margin(0.0006));  // rounded to the millimetre
                CHECK(to[j][1] == Approx(expected[j][1]).margin(0.0006));
                CHECK(to[j][0] > 0);
                CHECK(to[j][0] < 300000);
                CHECK(to[j][1] > 300000);
                CHECK(to[j][1] < 625000);
                ++compared;
            }
        }
        CHECK(compared >= 1);
        // The search cache keys on crs: asked again, each CRS gets its own page.
        auto plainAgain = node.ok(node.items + "?bbox=" + crs84Box + "&limit=100");
        CHECK(plainAgain.header("content-crs") == "<" + kCrs84 + ">");
        CHECK(parseJson(plainAgain.body)["features"] == lonLatDoc["features"]);
        auto rdAgain = node.ok(node.items + "?bbox=" + crs84Box + "&limit=100&crs=EPSG:28992");
        CHECK(rdAgain.header("content-crs") == "<" + kRd + ">");
        CHECK(parseJson(rdAgain.body)["features"] == rdDoc["features"]);
        // Next-page links keep crs.
        Json paged = node.search("limit=1&crs=EPSG:28992");
        bool nextKeepsCrs = false;
        for (const auto& link : paged["links"].GetArray())
            if (std::string(link["rel"].GetString()) == "next")
                nextKeepsCrs = std::string(link["href"].GetString()).find("crs=EPSG:28992") != std::string::npos;
        CHECK(nextKeepsCrs);
    }

    SECTION("one record in EPSG:4326 is latitude first, with its own ETag") {
        Json page = node.search("bbox=" + crs84Box + "&limit=1");
        REQUIRE(page["features"].Size() == 1);
        const std::string id = page["features"][0]["id"].GetString();
        const std::string url = node.items + "/" + id;
        auto plain = node.ok(url);
        auto latFirst = node.ok(url + "?crs=" + urlEncode("http://www.opengis.net/def/crs/EPSG/0/4326"));
        CHECK(plain.header("content-crs") == "<" + kCrs84 + ">");
        CHECK(latFirst.header("content-crs") == "<http://www.opengis.net/def/crs/EPSG/0/4326>");
        auto from = positionsOf(parseJson(plain.body)), to = positionsOf(parseJson(latFirst.body));
        REQUIRE(from.size() == to.size());
        REQUIRE_FALSE(from.empty());
        for (std::size_t j = 0; j < to.size(); ++j) {
            CHECK(to[j][0] == Approx(from[j][1]).margin(1e-8));
            CHECK(to[j][1] == Approx(from[j][0]).margin(1e-8));
        }
        const std::string etag = plain.header("etag");
        CHECK(latFirst.header("etag") != etag);
        // A client holding the CRS84 version does not get a 304 for another CRS.
        auto conditional = get(url + "?crs=EPSG:4326", {"If-None-Match: " + etag});
        CHECK(conditional.status == 200);
        CHECK(get(url, {"If-None-Match: " + etag}).status == 304);
        CHECK(get(url + "?crs=EPSG:4326", {"If-None-Match: " + latFirst.header("etag")}).status == 304);
    }

    SECTION("a CRS not offered, or no CRS, is a 400 naming the parameter") {
        Json unknown = problem(node.items + "?crs=EPSG:99999", "crs");
        CHECK(std::string(unknown["detail"].GetString()).find(kRd) != std::string::npos);
        problem(node.items + "?crs=" + urlEncode("not a CRS"), "crs");
        Json huge = problem(node.items + "?crs=" + std::string(3000, 'x'), "crs");
        CHECK(std::string(huge["detail"].GetString()).size() < 1200);
        problem(node.items + "?bbox=" + rdBox + "&bbox-crs=EPSG:99999", "bbox-crs");
        problem(node.items + "?filter=" + urlEncode("S_INTERSECTS(geometry, BBOX(" + rdBox + "))") +
                    "&filter-crs=garbage",
                "filter-crs");
        Json page = node.search("limit=1");
        problem(node.items + "/" + page["features"][0]["id"].GetString() + "?crs=EPSG:99999", "crs");
        // DCAT-AP's geometries are CRS84 only.
        problem(node.items + "?f=jsonld&crs=EPSG:28992", "crs");
    }

    SECTION("the collection lists the offered CRSs and the storage CRS; the conformance has Part 2") {
        auto response = node.ok(node.server->baseUrl() + "/collections/twins");
        Json doc = parseJson(response.body);
        REQUIRE(doc["crs"].IsArray());
        std::set<std::string> listed;
        for (const auto& uri : doc["crs"].GetArray()) listed.insert(uri.GetString());
        CHECK(listed.size() == api::offeredCrss().size());
        CHECK(listed.count(kRd) == 1);
        CHECK(std::string(doc["storageCrs"].GetString()) == kCrs84);
        CHECK(listed.count(doc["storageCrs"].GetString()) == 1);
        Json conformance = parseJson(node.ok(node.server->baseUrl() + "/conformance").body);
        bool part2 = false;
        for (const auto& uri : conformance["conformsTo"].GetArray())
            part2 = part2 || std::string(uri.GetString()) == "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs";
        CHECK(part2);
        // The OpenAPI document declares the same list for each parameter, and the Content-Crs header.
        Json openApi = parseJson(node.ok(node.server->baseUrl() + "/api").body);
        std::vector<std::string> offered;
        for (const auto& crs : api::offeredCrss()) offered.push_back(crs.uri);
        for (const char* parameter : {"crs", "bbox-crs", "filter-crs"}) {
            INFO(parameter);
            std::vector<std::string> documented;
            for (const auto& uri : openApi["components"]["parameters"][parameter]["schema"]["enum"].GetArray())
                documented.push_back(uri.GetString());
            CHECK(documented == offered);
        }
        CHECK(openApi["paths"]["/collections/twins/items"]["get"]["responses"]["200"]["headers"].HasMember("Content-Crs"));
    }
}
