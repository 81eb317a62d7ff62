#include "geo/crs.hpp"
#include "support/http_client.hpp"  // TempDir

#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>

using namespace tweeling::registry::geo;

namespace {

constexpr double kPi = 3.14159265358979323846;

// Metres per degree near the Netherlands, good to a few parts in a thousand: enough to turn the
// differences below (decimetres) into metres.
double northMetres(double degrees) {
    return degrees * 111250.0;
}
double eastMetres(double degrees, double latitude) {
    return degrees * 111320.0 * std::cos(latitude * kPi / 180);
}

// Reference points of the RDNAPTRANS™2008 test sheet (the appendix "RDNAPTRANS™2008 test sheet"
// published with RDNAPTRANS™2008 by Kadaster and Rijkswaterstaat, rdnap.nl): ETRS89 latitude,
// longitude and ellipsoidal height, and RD x, y and NAP height, which RDNAPTRANS™2008 turns into one
// another to 1 mm. Only the points inside the RD correction grid and the quasi-geoid; spread over the
// country: north-west, north-east, centre, south-west, south-east, west.
struct ReferencePoint {
    const char* name;
    double latitude, longitude, height;  // ETRS89 (EPSG:4937), degrees and metres
    double x, y, nap;                    // RD New (EPSG:28992) and NAP height (EPSG:5709), metres
};
constexpr ReferencePoint kReferencePoints[] = {
    {"Texel", 53.160753042, 4.824761912, 42.8614, 117380.1200, 575040.3400, 1.0000},
    {"Noord-Groningen", 53.419482050, 6.776726674, 42.3586, 247380.5600, 604580.7800, 2.0000},
    {"Amersfoort", 52.155172897, 5.387203657, 43.2551, 155000.0000, 463000.0000, 0.0000},
    {"Zeeuws-Vlaanderen", 51.368607152, 3.397588595, 47.4024, 16460.9100, 377380.2300, 3.0000},
    {"Zuid-Limburg", 50.792584916, 5.773795548, 245.9478, 182260.4500, 311480.6700, 200.0000},
    {"Maasvlakte", 51.947393898, 4.072887101, 47.5968, 64640.8900, 440700.0101, 4.0000},
};
// PROJ without the RDNAPTRANS™2018 grid uses the 7-parameter similarity transformation "Amersfoort to
// ETRS89 (8)" (EPSG:9281), which EPSG gives as accurate to 0.25 m; at these points it is 0.02 to
// 0.17 m off (measured). The bound leaves room for other versions of the EPSG data and still catches
// a missing datum shift (about 115 m).
constexpr double kRdToleranceMetres = 0.5;

}  // namespace

TEST_CASE("crsId reads the spellings of EPSG and OGC CRS identifiers") {
    for (const char* text :
         {"EPSG:7415", "epsg:7415", " EPSG:7415 ", "http://www.opengis.net/def/crs/EPSG/0/7415",
          "https://www.opengis.net/def/crs/EPSG/0/7415", "HTTP://WWW.OPENGIS.NET/def/crs/epsg/0/7415",
          "urn:ogc:def:crs:EPSG::7415", "urn:ogc:def:crs:EPSG:9.9.1:7415", "URN:OGC:DEF:CRS:EPSG::7415"}) {
        INFO(text);
        CHECK(crsId(text) == std::optional<std::string>("EPSG:7415"));
    }
    for (const char* text : {"OGC:CRS84", "ogc:crs84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                             "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84",
                             "urn:ogc:def:crs:OGC::CRS84"}) {
        INFO(text);
        CHECK(crsId(text) == std::optional<std::string>("OGC:CRS84"));
    }
    CHECK(crsId("OGC:CRS84h") == std::optional<std::string>("OGC:CRS84h"));
    CHECK(crsId("http://www.opengis.net/def/crs/OGC/0/CRS84h") == std::optional<std::string>("OGC:CRS84h"));
    CHECK(crsId("urn:ogc:def:crs:OGC:1.3:CRS84h") == std::optional<std::string>("OGC:CRS84h"));
}

TEST_CASE("crsId refuses what is not an EPSG or OGC identifier") {
    for (const char* text : {"",
                             "EPSG:",
                             "EPSG:abc",
                             "EPSG:07415",
                             "EPSG:1234567890",
                             "EPSG: 7415",
                             "EPSG:7415x",
                             "EPSG::7415",
                             "ESRI:102100",
                             "OGC:CRS83",
                             "CRS84",
                             "7415",
                             "http://www.opengis.net/def/crs/EPSG/0/",
                             "http://www.opengis.net/def/crs/EPSG/0/7415/",
                             "http://www.opengis.net/def/crs/EPSG/7415",
                             "http://www.opengis.net/def/crs/EPSG/x/7415",
                             "http://example.org/def/crs/EPSG/0/7415",
                             "ftp://www.opengis.net/def/crs/EPSG/0/7415",
                             "http://www.opengis.net/def/crs/EPSG/0/7415?x=1",
                             "urn:ogc:def:crs:EPSG:7415",
                             "urn:x-ogc:def:crs:EPSG::7415",
                             "urn:ogc:def:crs:EPSG::7415:1",
                             "+proj=longlat",
                             "PROJCS[\"Amersfoort / RD New\"]"}) {
        INFO(text);
        CHECK_FALSE(crsId(text));
    }
}

TEST_CASE("crsUri gives the OGC URI of an id, and crsId reads it back") {
    CHECK(crsUri("EPSG:7415") == "http://www.opengis.net/def/crs/EPSG/0/7415");
    CHECK(crsUri("epsg:28992") == "http://www.opengis.net/def/crs/EPSG/0/28992");
    CHECK(crsUri("urn:ogc:def:crs:EPSG::4979") == "http://www.opengis.net/def/crs/EPSG/0/4979");
    CHECK(crsUri("OGC:CRS84") == "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    CHECK(crsUri("OGC:CRS84h") == "http://www.opengis.net/def/crs/OGC/0/CRS84h");
    CHECK(crsUri("WGS84").empty());
    CHECK(crsUri("").empty());
    for (const char* id : {"EPSG:28992", "EPSG:7415", "EPSG:4258", "EPSG:4937", "EPSG:4326", "EPSG:4979", "EPSG:3857",
                           "EPSG:4978", "OGC:CRS84", "OGC:CRS84h"}) {
        INFO(id);
        CHECK(crsId(crsUri(id)) == std::optional<std::string>(id));
    }
}

TEST_CASE("describeCrs names the parts of a compound CRS") {
    std::string error;
    auto rdNap = describeCrs("EPSG:7415", &error);
    REQUIRE(rdNap);
    CHECK(rdNap->id == "EPSG:7415");
    CHECK(rdNap->name == "Amersfoort / RD New + NAP height");
    CHECK(rdNap->horizontal == "EPSG:28992");
    CHECK(rdNap->vertical == "EPSG:5709");
    CHECK_FALSE(rdNap->geographic);

    auto byUri = describeCrs("http://www.opengis.net/def/crs/EPSG/0/7415");
    REQUIRE(byUri);
    CHECK(byUri->id == "EPSG:7415");
    auto byUrn = describeCrs("urn:ogc:def:crs:EPSG::28992");
    REQUIRE(byUrn);
    CHECK(byUrn->id == "EPSG:28992");
    CHECK(byUrn->horizontal == "EPSG:28992");
    CHECK(byUrn->vertical.empty());

    auto etrs89 = describeCrs("EPSG:4937");
    REQUIRE(etrs89);
    CHECK(etrs89->geographic);
    CHECK(etrs89->horizontal == "EPSG:4937");
    CHECK(etrs89->vertical.empty());  // an ellipsoidal height is no vertical CRS

    auto crs84 = describeCrs("http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    REQUIRE(crs84);
    CHECK(crs84->id == "OGC:CRS84");
    CHECK(crs84->geographic);

    auto ecef = describeCrs("EPSG:4978");
    REQUIRE(ecef);
    CHECK(ecef->id == "EPSG:4978");
    CHECK_FALSE(ecef->geographic);  // geocentric: metres
}

TEST_CASE("describeCrs identifies the EPSG CRS of WKT") {
    SECTION("WKT1 as PROJ writes EPSG:28992, with its AUTHORITY") {
        const char* wkt = R"(PROJCS["Amersfoort / RD New",GEOGCS["Amersfoort",DATUM["Amersfoort",
            SPHEROID["Bessel 1841",6377397.155,299.1528128,AUTHORITY["EPSG","7004"]],AUTHORITY["EPSG","6289"]],
            PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],
            AUTHORITY["EPSG","4289"]],PROJECTION["Oblique_Stereographic"],
            PARAMETER["latitude_of_origin",52.1561605555556],PARAMETER["central_meridian",5.38763888888889],
            PARAMETER["scale_factor",0.9999079],PARAMETER["false_easting",155000],PARAMETER["false_northing",463000],
            UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],
            AUTHORITY["EPSG","28992"]])";
        auto info = describeCrs(wkt);
        REQUIRE(info);
        CHECK(info->id == "EPSG:28992");
        CHECK(info->horizontal == "EPSG:28992");
        CHECK(info->vertical.empty());
    }
    SECTION("ESRI's .prj of RD New, without any identifier") {
        const char* wkt = R"(PROJCS["RD_New",GEOGCS["GCS_Amersfoort",DATUM["D_Amersfoort",
            SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],
            UNIT["Degree",0.0174532925199433]],PROJECTION["Double_Stereographic"],
            PARAMETER["False_Easting",155000.0],PARAMETER["False_Northing",463000.0],
            PARAMETER["Central_Meridian",5.38763888888889],PARAMETER["Scale_Factor",0.9999079],
            PARAMETER["Latitude_Of_Origin",52.15616055555555],UNIT["Meter",1.0]])";
        std::string error;
        auto info = describeCrs(wkt, &error);
        INFO(error);
        REQUIRE(info);
        CHECK(info->id == "EPSG:28992");
        CHECK(info->name == "Amersfoort / RD New");
        CHECK_FALSE(info->geographic);
    }
    SECTION("a compound WKT1 as LAS files carry it: TOWGS84 on the horizontal part, no identifiers") {
        const char* wkt = R"(COMPD_CS["RD_New + NAP",PROJCS["RD_New",GEOGCS["GCS_Amersfoort",
            DATUM["Amersfoort",SPHEROID["Bessel 1841",6377397.155,299.1528128],
            TOWGS84[565.2369,50.0087,465.658,-0.406857330322398,0.350732676542563,-1.8703473836068,4.0812]],
            PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Oblique_Stereographic"],
            PARAMETER["latitude_of_origin",52.1561605555556],PARAMETER["central_meridian",5.38763888888889],
            PARAMETER["scale_factor",0.9999079],PARAMETER["false_easting",155000],PARAMETER["false_northing",463000],
            UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH]],
            VERT_CS["NAP height",VERT_DATUM["Normaal Amsterdams Peil",2005],UNIT["metre",1],
            AXIS["Gravity-related height",UP]]])";
        std::string error;
        auto info = describeCrs(wkt, &error);
        INFO(error);
        REQUIRE(info);
        CHECK(info->id == "EPSG:7415");
        CHECK(info->name == "Amersfoort / RD New + NAP height");
        CHECK(info->horizontal == "EPSG:28992");
        CHECK(info->vertical == "EPSG:5709");
    }
    SECTION("WKT2 of a geographic CRS") {
        const char* wkt = R"wkt(GEOGCRS["ETRS89",DATUM["European Terrestrial Reference System 1989",
            ELLIPSOID["GRS 1980",6378137,298.257222101,LENGTHUNIT["metre",1]]],
            PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],
            AXIS["geodetic latitude (Lat)",north,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],
            AXIS["geodetic longitude (Lon)",east,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]]])wkt";
        auto info = describeCrs(wkt);
        REQUIRE(info);
        CHECK(info->id == "EPSG:4258");
        CHECK(info->geographic);
    }
}

TEST_CASE("RD New to ETRS89 and back agrees with the RDNAPTRANS test sheet") {
    for (const ReferencePoint& point : kReferencePoints) {
        INFO(point.name);
        std::string error;
        std::vector<Point> points{{point.x, point.y, 0}};
        REQUIRE(transformPoints("EPSG:28992", "EPSG:4258", points, &error));
        double north = northMetres(points[0][1] - point.latitude);
        double east = eastMetres(points[0][0] - point.longitude, point.latitude);
        CHECK(std::hypot(north, east) < kRdToleranceMetres);

        points = {{point.longitude, point.latitude, 0}};
        REQUIRE(transformPoints("EPSG:4258", "EPSG:28992", points, &error));
        CHECK(std::hypot(points[0][0] - point.x, points[0][1] - point.y) < kRdToleranceMetres);
    }
}

TEST_CASE("RD New's projection alone matches the EPSG guidance example to the millimetre") {
    // IOGP Guidance Note 7-2, the Oblique Stereographic example: Amersfoort 53°N 6°E (EPSG:4289, no
    // datum shift involved) is E 196105.283 m, N 557057.739 m in RD New.
    std::vector<Point> points{{6.0, 53.0, 0}};
    REQUIRE(transformPoints("EPSG:4289", "EPSG:28992", points));
    CHECK(points[0][0] == Approx(196105.283).margin(0.001));
    CHECK(points[0][1] == Approx(557057.739).margin(0.001));
}

TEST_CASE("RD to WGS 84 and back returns to the millimetre") {
    std::vector<Point> points;
    for (const ReferencePoint& point : kReferencePoints) points.push_back({point.x, point.y, 0});
    points.push_back({85000, 447000, 0});  // Delft
    const std::vector<Point> original = points;
    REQUIRE(transformPoints("EPSG:28992", "EPSG:4326", points));
    for (const Point& point : points) {
        CHECK(point[0] > 3.0);  // longitude first
        CHECK(point[0] < 7.5);
        CHECK(point[1] > 50.5);
        CHECK(point[1] < 53.7);
    }
    REQUIRE(transformPoints("http://www.opengis.net/def/crs/EPSG/0/4326", "urn:ogc:def:crs:EPSG::28992", points));
    for (std::size_t i = 0; i < points.size(); ++i) {
        CHECK(std::hypot(points[i][0] - original[i][0], points[i][1] - original[i][1]) < 0.001);
    }
}

TEST_CASE("RD New + NAP height to 3D CRSs keeps the datum shift without the quasi-geoid grid") {
    // Left to itself, PROJ 9.1 without nl_nsgi_nlgeo2018.tif picks a ballpark here that is about
    // 115 m off horizontally; heights within a metre of RDNAPTRANS also show the datum shift was applied.
    for (const ReferencePoint& point : kReferencePoints) {
        INFO(point.name);
        std::string error;
        std::vector<Point> points{{point.x, point.y, point.nap}};
        REQUIRE(transformPoints("EPSG:7415", "EPSG:4937", points, &error));
        double north = northMetres(points[0][1] - point.latitude);
        double east = eastMetres(points[0][0] - point.longitude, point.latitude);
        CHECK(std::hypot(north, east) < kRdToleranceMetres);
        CHECK(std::abs(points[0][2] - point.height) < 1.0);

        points = {{point.longitude, point.latitude, point.height}};
        REQUIRE(transformPoints("EPSG:4937", "EPSG:7415", points, &error));
        CHECK(std::hypot(points[0][0] - point.x, points[0][1] - point.y) < kRdToleranceMetres);
        CHECK(std::abs(points[0][2] - point.nap) < 1.0);

        // Through ECEF, the way a probe compares a 3D Tiles box with a claim in RD New + NAP height.
        points = {{point.x, point.y, point.nap}};
        REQUIRE(transformPoints("EPSG:7415", "EPSG:4978", points, &error));
        REQUIRE(ecefToGeodetic(points, &error));
        north = northMetres(points[0][1] - point.latitude);
        east = eastMetres(points[0][0] - point.longitude, point.latitude);
        CHECK(std::hypot(north, east) < kRdToleranceMetres + 1.0);  // WGS 84 is ETRS89 to about a metre
        CHECK(std::abs(points[0][2] - point.height) < 2.0);
    }
}

TEST_CASE("ecefToGeodetic gives longitude, latitude and ellipsoidal height") {
    std::vector<Point> points{{6378137.0, 0, 0}, {0, 6378137.0, 0}, {0, 0, 6356752.314245}};
    REQUIRE(ecefToGeodetic(points));
    CHECK(points[0][0] == Approx(0).margin(1e-9));
    CHECK(points[0][1] == Approx(0).margin(1e-9));
    CHECK(points[0][2] == Approx(0).margin(0.001));
    CHECK(points[1][0] == Approx(90).margin(1e-9));
    CHECK(points[1][1] == Approx(0).margin(1e-9));
    CHECK(points[2][1] == Approx(90).margin(1e-9));
    CHECK(points[2][2] == Approx(0).margin(0.001));

    // A point over Delft, made into ECEF with the closed formulas on the WGS 84 ellipsoid (independent
    // of PROJ): 4.3571°E, 52.0116°N, 100 m.
    const double longitude = 4.3571, latitude = 52.0116, height = 100.0;
    const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f);
    const double phi = latitude * kPi / 180, lambda = longitude * kPi / 180;
    const double n = a / std::sqrt(1 - e2 * std::sin(phi) * std::sin(phi));
    points = {{(n + height) * std::cos(phi) * std::cos(lambda), (n + height) * std::cos(phi) * std::sin(lambda),
               (n * (1 - e2) + height) * std::sin(phi)}};
    REQUIRE(ecefToGeodetic(points));
    CHECK(points[0][0] == Approx(longitude).margin(1e-6));
    CHECK(points[0][1] == Approx(latitude).margin(1e-6));
    CHECK(points[0][2] == Approx(height).margin(0.001));
}

TEST_CASE("extentToWgs84 covers the curved image of a projected box") {
    std::string error;
    // Delft in RD New.
    const std::array<double, 4> delft{80000, 443000, 89000, 451000};
    auto box = extentToWgs84("EPSG:28992", delft, &error);
    INFO(error);
    REQUIRE(box);
    CHECK((*box)[0] > 4.25);
    CHECK((*box)[2] < 4.45);
    CHECK((*box)[0] < (*box)[2]);
    CHECK((*box)[1] > 51.9);
    CHECK((*box)[3] < 52.1);
    CHECK((*box)[1] < (*box)[3]);
    std::vector<Point> corners{
        {delft[0], delft[1], 0}, {delft[2], delft[1], 0}, {delft[2], delft[3], 0}, {delft[0], delft[3], 0}};
    REQUIRE(transformPoints("EPSG:28992", "OGC:CRS84", corners));
    for (const Point& corner : corners) {
        CHECK(corner[0] >= (*box)[0]);
        CHECK(corner[0] <= (*box)[2]);
        CHECK(corner[1] >= (*box)[1]);
        CHECK(corner[1] <= (*box)[3]);
    }

    // The whole of RD's range: the northern edge bows north between its corners, so a box of the
    // corners alone would cut off its middle.
    const std::array<double, 4> netherlands{0, 300000, 300000, 625000};
    box = extentToWgs84("EPSG:28992", netherlands, &error);
    REQUIRE(box);
    std::vector<Point> northEdge{{0, 625000, 0}, {150000, 625000, 0}, {300000, 625000, 0}};
    REQUIRE(transformPoints("EPSG:28992", "OGC:CRS84", northEdge));
    CHECK(northEdge[1][1] > std::max(northEdge[0][1], northEdge[2][1]));
    CHECK(northEdge[1][1] <= (*box)[3]);
}

TEST_CASE("unknown CRSs and bad input give an error sentence, not an exception") {
    std::string error;
    std::vector<Point> points{{155000, 463000, 0}};
    CHECK_FALSE(transformPoints("EPSG:999999", "EPSG:4326", points, &error));
    CHECK(error.find("EPSG:999999") != std::string::npos);
    error.clear();
    CHECK_FALSE(transformPoints("EPSG:28992", "RD", points, &error));
    CHECK(error.find("'RD' names no CRS") != std::string::npos);
    CHECK_FALSE(transformPoints("EPSG:28992", "+proj=pipeline +step +proj=hgridshift +grids=/etc/passwd", points));
    CHECK_FALSE(transformPoints("EPSG:28992", "PROJCS[\"broken\"", points, &error));
    CHECK_FALSE(error.empty());

    error.clear();
    CHECK_FALSE(describeCrs("EPSG:999999", &error));
    CHECK(error.find("PROJ cannot use the CRS 'EPSG:999999'") != std::string::npos);
    CHECK_FALSE(describeCrs("", &error));
    CHECK_FALSE(describeCrs("GEOGCS[", &error));
    CHECK_FALSE(describeCrs(std::string(100000, 'x'), &error));
    // A WKT that parses but is no CRS.
    CHECK_FALSE(describeCrs(R"(VERT_DATUM["Normaal Amsterdams Peil",2005])", &error));

    error.clear();
    CHECK_FALSE(extentToWgs84("EPSG:999999", {0, 0, 1, 1}, &error));
    CHECK_FALSE(error.empty());
    CHECK_FALSE(extentToWgs84("EPSG:28992", {10, 0, 0, 1}, &error));
    CHECK_FALSE(extentToWgs84("EPSG:28992", {0, 0, NAN, 1}, &error));

    points = {{NAN, 0, 0}};
    CHECK_FALSE(transformPoints("EPSG:28992", "EPSG:4326", points, &error));
    points = {{5, 95, 0}};  // latitude 95°
    CHECK_FALSE(transformPoints("EPSG:4326", "EPSG:3857", points, &error));
    CHECK(error.find("point 0") != std::string::npos);

    // PROJ knows no transformation between Amersfoort and Malongo 1987 (Angola) except a ballpark.
    points = {{155000, 463000, 0}};
    error.clear();
    CHECK_FALSE(transformPoints("EPSG:28992", "EPSG:4259", points, &error));
    CHECK(error.find("ballpark") != std::string::npos);
}

TEST_CASE("PROJ still reads the grids installed in its data directory") {
    // DHDN / 3-degree Gauss-Kruger zone 3 to ETRS89 uses BETA2007.gsb, which Debian's proj-data ships:
    // the value is cs2cs's (PROJ 9.1.1, same grid). Without the grid PROJ would use a Helmert
    // transformation, a metre or so away.
    std::string error;
    std::vector<Point> points{{3500000, 5800000, 0}};
    REQUIRE(transformPoints("EPSG:31467", "EPSG:4258", points, &error));
    CHECK(points[0][0] == Approx(8.998936455).margin(1e-8));
    CHECK(points[0][1] == Approx(52.333392895).margin(1e-8));
}

TEST_CASE("a grid file that WKT names is opened only when it is a regular file") {
    // PROJ would block for good opening a FIFO; a device it would read as a grid.
    tweeling::test::TempDir directory;
    const std::string fifo = directory.file("grid.gsb");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    const std::string wkt = R"(GEOGCS["NAD27",DATUM["North_American_Datum_1927",SPHEROID["Clarke 1866",6378206.4,)"
                            R"(294.9786982138982],EXTENSION["PROJ4_GRIDS",")" +
                            fifo + R"("]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]])";
    for (const std::string& grid : {fifo, std::string("/dev/urandom")}) {
        std::string text = wkt;
        text.replace(text.find(fifo), fifo.size(), grid);
        std::vector<Point> points{{-100, 40, 0}};
        std::string error;
        CHECK_FALSE(transformPoints(text, "EPSG:4326", points, &error));
        CHECK_FALSE(error.empty());
    }
}

TEST_CASE("each thread has its own PROJ context and cache") {
    std::vector<Point> expected{{85000, 447000, 0}};
    REQUIRE(transformPoints("EPSG:28992", "EPSG:4258", expected));
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t, &failures, &expected] {
            for (int i = 0; i < 200; ++i) {
                std::vector<Point> points{{85000, 447000, 0}};
                if (!transformPoints("EPSG:28992", "EPSG:4258", points) || points[0] != expected[0]) ++failures[t];
                points = {{6378137.0, 0, 0}};
                if (!ecefToGeodetic(points) || std::abs(points[0][1]) > 1e-9) ++failures[t];
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    for (int failure : failures) CHECK(failure == 0);
}

TEST_CASE("more CRS pairs than the cache holds still transform") {
    // 70 pairs (WGS 84 / UTM zones 1N to 60N, then 1S to 10S, to WGS 84): past the 64 a thread keeps.
    for (int i = 0; i < 70; ++i) {
        const bool north = i < 60;
        const int zone = north ? i + 1 : i - 59;
        std::vector<Point> points{{500000, north ? 0.0 : 10000000.0, 0}};
        REQUIRE(transformPoints("EPSG:" + std::to_string((north ? 32600 : 32700) + zone), "EPSG:4326", points));
        CHECK(points[0][0] == Approx(-183 + 6 * zone).margin(1e-9));  // the zone's central meridian
        CHECK(points[0][1] == Approx(0).margin(1e-9));
    }
}

TEST_CASE("describeCrs gives the axis order and the dimensions of the definition") {
    // EPSG defines its geographic CRSs latitude first; OGC's CRS84 and the projected CRSs are east first.
    for (const char* id : {"EPSG:4326", "EPSG:4258", "EPSG:4937", "EPSG:4979"}) {
        INFO(id);
        auto info = describeCrs(id);
        REQUIRE(info);
        CHECK(info->northFirst);
    }
    for (const char* id : {"OGC:CRS84", "OGC:CRS84h", "EPSG:28992", "EPSG:7415", "EPSG:3857"}) {
        INFO(id);
        auto info = describeCrs(id);
        REQUIRE(info);
        CHECK_FALSE(info->northFirst);
    }
    for (const char* id : {"OGC:CRS84", "EPSG:4326", "EPSG:4258", "EPSG:28992", "EPSG:3857"}) {
        INFO(id);
        CHECK(describeCrs(id)->dimensions == 2);
    }
    for (const char* id : {"OGC:CRS84h", "EPSG:4937", "EPSG:7415", "EPSG:4979"}) {
        INFO(id);
        CHECK(describeCrs(id)->dimensions == 3);
    }
}

TEST_CASE("RD New and WGS 84 agree with published pairs to PROJ's stated accuracy") {
    // The reference point of the approximation formulas between RD and WGS 84 ("Benaderingsformules
    // voor de transformatie tussen RD- en WGS84-kaartcoördinaten", F.H. Schreutelkamp and
    // G.L. Strang van Hees, 2001): RD 155000, 463000 (Amersfoort) is 52.15517440 N, 5.38720621 E.
    // PROJ goes through "Amersfoort to WGS 84 (4)" (EPSG:4833), given by EPSG as accurate to 1 m.
    constexpr double kWgs84ToleranceMetres = 1.0;
    std::vector<Point> points{{155000, 463000, 0}};
    REQUIRE(transformPoints("EPSG:28992", "OGC:CRS84", points));
    CHECK(std::hypot(northMetres(points[0][1] - 52.15517440), eastMetres(points[0][0] - 5.38720621, 52.155)) <
          kWgs84ToleranceMetres);
    points = {{5.38720621, 52.15517440, 0}};
    REQUIRE(transformPoints("OGC:CRS84", "EPSG:28992", points));
    CHECK(std::hypot(points[0][0] - 155000, points[0][1] - 463000) < kWgs84ToleranceMetres);

    // The RDNAPTRANS™2008 test sheet's pairs (ETRS89, which WGS 84 follows to about a metre; PROJ's
    // "ETRS89 to WGS 84 (1)" takes them as equal), through WGS 84 both ways.
    for (const ReferencePoint& point : kReferencePoints) {
        INFO(point.name);
        points = {{point.x, point.y, 0}};
        REQUIRE(transformPoints("EPSG:28992", "OGC:CRS84", points));
        CHECK(std::hypot(northMetres(points[0][1] - point.latitude),
                         eastMetres(points[0][0] - point.longitude, point.latitude)) < kWgs84ToleranceMetres);
        points = {{point.longitude, point.latitude, 0}};
        REQUIRE(transformPoints("OGC:CRS84", "EPSG:28992", points));
        CHECK(std::hypot(points[0][0] - point.x, points[0][1] - point.y) < kWgs84ToleranceMetres);
    }
}

TEST_CASE("transformExtent gives the smallest box that holds the image, between any two CRSs") {
    std::string error;
    const std::array<double, 4> delft{80000, 443000, 89000, 451000};
    auto mercator = transformExtent("EPSG:28992", "EPSG:3857", delft, &error);
    INFO(error);
    REQUIRE(mercator);
    std::vector<Point> corners{
        {delft[0], delft[1], 0}, {delft[2], delft[1], 0}, {delft[2], delft[3], 0}, {delft[0], delft[3], 0}};
    REQUIRE(transformPoints("EPSG:28992", "EPSG:3857", corners));
    for (const Point& corner : corners) {
        CHECK(corner[0] >= (*mercator)[0]);
        CHECK(corner[0] <= (*mercator)[2]);
        CHECK(corner[1] >= (*mercator)[1]);
        CHECK(corner[1] <= (*mercator)[3]);
    }
    // East first on both sides, whatever EPSG's order for EPSG:4326.
    auto degrees = transformExtent("EPSG:28992", "EPSG:4326", delft, &error);
    REQUIRE(degrees);
    CHECK((*degrees)[0] == Approx(4.3).margin(0.1));
    CHECK((*degrees)[1] == Approx(51.97).margin(0.1));
    CHECK_FALSE(transformExtent("EPSG:28992", "EPSG:999999", delft, &error));
    CHECK(error.find("999999") != std::string::npos);
}
