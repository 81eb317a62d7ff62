#include "record/identifiers.hpp"

#include <catch2/catch.hpp>

using namespace tweeling::registry::record;

TEST_CASE("CBS codes of administrative units") {
    auto unit = parseAdminUnit("GM0363");
    REQUIRE(unit);
    CHECK(unit->kind == AdminUnitKind::Municipality);
    CHECK(unit->code == "GM0363");
    CHECK(tooiUri(*unit) == "https://identifier.overheid.nl/tooi/id/gemeente/gm0363");

    unit = parseAdminUnit("pv27");  // node ids are lower case
    REQUIRE(unit);
    CHECK(unit->kind == AdminUnitKind::Province);
    CHECK(unit->code == "PV27");
    CHECK(tooiUri(*unit) == "https://identifier.overheid.nl/tooi/id/provincie/pv27");

    unit = parseAdminUnit("Ws0155");
    REQUIRE(unit);
    CHECK(unit->kind == AdminUnitKind::WaterBoard);
    CHECK(tooiUri(*unit) == "https://identifier.overheid.nl/tooi/id/waterschap/ws0155");

    for (const char* bad :
         {"", "G", "GM", "GM036", "GM03633", "GM036a", "PV2", "PV277", "WS015", "XX0001", " GM0363"}) {
        INFO(bad);
        CHECK_FALSE(parseAdminUnit(bad));
        CHECK_FALSE(isAdminUnit(bad));
    }
    // A record writes them in upper case.
    CHECK(isAdminUnit("GM0363"));
    CHECK_FALSE(isAdminUnit("gm0363"));
}

TEST_CASE("EPSG CRS URIs") {
    CHECK(epsgCode("http://www.opengis.net/def/crs/EPSG/0/7415") == "7415");
    CHECK(epsgCode("https://www.opengis.net/def/crs/EPSG/0/28992") == "28992");
    CHECK_FALSE(epsgCode("http://www.opengis.net/def/crs/EPSG/0/"));
    CHECK_FALSE(epsgCode("http://www.opengis.net/def/crs/EPSG/0/4326x"));
    CHECK_FALSE(epsgCode("http://www.opengis.net/def/crs/epsg/0/4326"));
    CHECK_FALSE(isEpsgUri("EPSG:4326"));

    // The spellings catalogs use, read as the record writes them.
    const std::string rdNew = "http://www.opengis.net/def/crs/EPSG/0/28992";
    CHECK(epsgUriOf("EPSG:28992") == rdNew);
    CHECK(epsgUriOf("epsg:28992") == rdNew);
    CHECK(epsgUriOf("urn:ogc:def:crs:EPSG::28992") == rdNew);
    CHECK(epsgUriOf("urn:ogc:def:crs:EPSG:6.6:28992") == rdNew);
    CHECK(epsgUriOf("https://www.opengis.net/def/crs/EPSG/0/28992") == rdNew);
    CHECK(epsgUriOf("HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/28992") == rdNew);
    CHECK(epsgUriOf("http://www.opengis.net/def/crs/OGC/1.3/CRS84") == "http://www.opengis.net/def/crs/EPSG/0/4326");
    CHECK(epsgUriOf("EPSG:abc").empty());
    CHECK(epsgUriOf("EPSG:1234567890").empty());
    CHECK(epsgUriOf("http://x.org/spec").empty());
}

TEST_CASE("record ids: a URL path can name every id the profile accepts") {
    for (const char* good : {"gm0363-3dbag-lod22-tiles", "a", "...", ".hidden", "3D gebouwen", "urn:uuid:1234",
                             "https://data.example/ds/1", "gebouwen/2025", "Zeeuwse eilanden – ℹ"})
        CHECK_FALSE(idProblem(good));
    for (const char* bad : {"", ".", "..", " leading", "trailing ", "tab\there", "new\nline", "del\x7f"})
        CHECK(idProblem(bad));
    CHECK(idProblem(std::string("nul\0in", 6)));
    CHECK(idProblem("c1 \xC2\x85 control"));           // U+0085 NEXT LINE
    CHECK_FALSE(idProblem("not c1 \xC2\xA0 no-break"));  // U+00A0 is no control
    CHECK_FALSE(idProblem(std::string(kMaxIdLength, 'x')));
    CHECK(idProblem(std::string(kMaxIdLength + 1, 'x'))->find("256") != std::string::npos);
}
