#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
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
using tweeling::test::statusOf;

namespace {

const std::string kUrl = "https://data.example.nl/ahn/tile.las";

const std::string kLas = fixture("pointcloud/laspy__tests__data__simple.las");
const std::string kLaz = fixture("pointcloud/laspy__tests__data__simple.laz");
const std::string kCopc = fixture("pointcloud/laspy__tests__data__simple.copc.laz");
const std::string kGeoTiff = fixture("pointcloud/laspy__tests__data__autzen_geo_proj.las");

// Offsets in the LAS public header block and the COPC file's VLRs (LAS 1.4 R15; COPC 1.0).
constexpr std::size_t kVersionMajor = 24, kPointFormat = 104, kMaxX = 179, kMinX = 187, kMaxY = 195, kMinY = 203;
constexpr std::size_t kCopcHeaderSize = 375, kCopcInfoVlrBytes = 54 + 160, kLaszipVlrBytes = 54 + 46;
constexpr std::size_t kWktVlrData = 689 + 54, kWktVlrLength = 966;

void putU8(std::string& bytes, std::size_t at, std::uint8_t value) {
    bytes[at] = static_cast<char>(value);
}
void putF64(std::string& bytes, std::size_t at, double value) {
    std::memcpy(&bytes[at], &value, sizeof value);
}
double f64At(const std::string& bytes, std::size_t at) {
    double value;
    std::memcpy(&value, &bytes[at], sizeof value);
    return value;
}

ProbeResult probeBytes(const std::string& format, const std::string& bytes, const Limits& limits = {}) {
    FakeFetch server;
    server.serve(kUrl, bytes, "application/octet-stream");
    return probeDistribution(format, kUrl, "", server.fetch(), limits);
}

// The COPC file with its WKT VLR's text replaced (padded with NULs to the VLR's length).
std::string copcWithWkt(const std::string& wkt) {
    REQUIRE(wkt.size() <= kWktVlrLength);
    std::string bytes = kCopc;
    bytes.replace(kWktVlrData, kWktVlrLength, wkt + std::string(kWktVlrLength - wkt.size(), '\0'));
    return bytes;
}

}  // namespace

TEST_CASE("the real LAS, LAZ and COPC files pass; each states its CRS or is warned for stating none") {
    SECTION("LAS 1.2 without VLRs: everything passes but the CRS") {
        ProbeResult result = probeBytes("las", kLas);
        CHECK(result.reachable);
        CHECK(idsOf(result) ==
              std::vector<std::string>{"las.header", "las.pointFormat", "las.bounds", "las.compression", "las.crs"});
        CHECK(problemsOf(result) == "las.crs warn: The file states no CRS (no WKT or GeoTIFF keys VLR).\n");
        CHECK(result.facts.version == "1.2");
        CHECK(result.facts.crs.empty());
        REQUIRE(result.facts.extent);
        CHECK(result.facts.extentCrs.empty());
    }
    SECTION("LAZ") {
        ProbeResult result = probeBytes("laz", kLaz);
        CHECK(statusOf(result, "las.compression") == "pass");
        CHECK(problemsOf(result) == "las.crs warn: The file states no CRS (no WKT or GeoTIFF keys VLR).\n");
    }
    SECTION("COPC 1.0: version 1.4, the WKT CRS, the header bounds") {
        ProbeResult result = probeBytes("copc", kCopc);
        CHECK(problemsOf(result) == "");
        CHECK(idsOf(result) == std::vector<std::string>{"las.header", "las.pointFormat", "las.bounds",
                                                        "las.compression", "las.copc", "las.crs"});
        CHECK(result.facts.version == "1.4");
        // A compound CRS whose WKT has no EPSG code at its top level: kept as WKT.
        REQUIRE(result.facts.crs.size() == 1);
        CHECK(result.facts.crs[0].rfind("COMPD_CS[\"NAD83 / Oregon LCC (m) + NAVD88 height (ftUS)\"", 0) == 0);
        REQUIRE(result.facts.extent);
        CHECK(*result.facts.extent == std::array<double, 4>{f64At(kCopc, kMinX), f64At(kCopc, kMinY),
                                                            f64At(kCopc, kMaxX), f64At(kCopc, kMaxY)});
        CHECK(result.facts.extent->at(0) == Approx(635619.85));
        CHECK(result.facts.extent->at(3) == Approx(853535.43));
        CHECK(result.facts.extentCrs == result.facts.crs[0]);
    }
    SECTION("GeoTIFF keys: the ProjectedCSTypeGeoKey's EPSG code") {
        ProbeResult result = probeBytes("las", kGeoTiff);
        CHECK(problemsOf(result) == "");
        CHECK(result.facts.crs == std::vector<std::string>{"EPSG:2994"});
        CHECK(result.facts.extentCrs == "EPSG:2994");
        REQUIRE(result.facts.extent);
        CHECK(result.facts.extent->at(0) == f64At(kGeoTiff, kMinX));
    }
}

TEST_CASE("a WKT CRS gives its own EPSG code, not one of its parts'") {
    ProbeResult wkt1 = probeBytes(
        "copc", copcWithWkt("PROJCS[\"Amersfoort / RD New\",GEOGCS[\"Amersfoort\",AUTHORITY[\"EPSG\",\"4289\"]],"
                            "UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AUTHORITY[\"EPSG\",\"28992\"]]"));
    CHECK(wkt1.facts.crs == std::vector<std::string>{"EPSG:28992"});
    CHECK(statusOf(wkt1, "las.crs") == "pass");
    ProbeResult wkt2 = probeBytes(
        "copc", copcWithWkt("COMPOUNDCRS[\"Amersfoort / RD New + NAP height\",PROJCRS[\"x\",ID[\"EPSG\",28992]],"
                            "VERTCRS[\"NAP height\",ID[\"EPSG\",5709]],ID[\"EPSG\",7415]]"));
    CHECK(wkt2.facts.crs == std::vector<std::string>{"EPSG:7415"});
    // A quoted name that looks like an authority is text, not a code.
    ProbeResult quoted = probeBytes("copc", copcWithWkt("LOCAL_CS[\"a,AUTHORITY[\"\"EPSG\"\",\"\"1\"\"]\"]"));
    CHECK(quoted.facts.crs.at(0).rfind("LOCAL_CS", 0) == 0);
    CHECK(statusOf(probeBytes("copc", copcWithWkt("")), "las.crs") == "warn");
}

TEST_CASE("each LAS check fires on a broken copy of a real file") {
    SECTION("a bad signature") {
        std::string bytes = kLas;
        bytes.replace(0, 4, "LASX");
        ProbeResult result = probeBytes("las", bytes);
        CHECK(statusOf(result, "las.header") == "fail");
        CHECK(result.checks.size() == 1);
    }
    SECTION("version 9.9, a header too small for its version, points inside the header") {
        std::string bytes = kLas;
        putU8(bytes, kVersionMajor, 9);
        putU8(bytes, kVersionMajor + 1, 9);
        CHECK(statusOf(probeBytes("las", bytes), "las.header") == "fail");
        bytes = kLas;
        putU8(bytes, kVersionMajor + 1, 4);  // LAS 1.4 needs a 375-byte header
        CHECK(messageOf(probeBytes("las", bytes), "las.header").find("smaller than LAS 1.4's 375") !=
              std::string::npos);
    }
    SECTION("a file cut short of its points, or inside its header") {
        CHECK(statusOf(probeBytes("las", kLas.substr(0, 5000)), "las.header") == "fail");
        CHECK(statusOf(probeBytes("las", kLas.substr(0, 100)), "las.header") == "fail");
        CHECK(statusOf(probeBytes("laz", kLaz.substr(0, 300)), "las.header") == "fail");  // inside the VLR
    }
    SECTION("point format 11 and a record too short for its format") {
        std::string bytes = kLas;
        putU8(bytes, kPointFormat, 11);
        CHECK(statusOf(probeBytes("las", bytes), "las.pointFormat") == "fail");
        bytes = kLas;
        putU8(bytes, kPointFormat, 5);  // 63-byte records, the file has 34
        CHECK(statusOf(probeBytes("las", bytes), "las.pointFormat") == "fail");
    }
    SECTION("bounds with min above max fail, all zero warn") {
        std::string bytes = kLas;
        putF64(bytes, kMaxX, 1.0);
        ProbeResult inverted = probeBytes("las", bytes);
        CHECK(statusOf(inverted, "las.bounds") == "fail");
        CHECK_FALSE(inverted.facts.extent);
        for (std::size_t at = kMaxX; at < kMaxX + 48; at += 8) putF64(bytes, at, 0.0);
        CHECK(statusOf(probeBytes("las", bytes), "las.bounds") == "warn");
    }
    SECTION("LAZ without its laszip VLR fails; compressed data served as LAS warns") {
        std::string bytes = kLaz;
        std::size_t at = bytes.find("laszip encoded");
        REQUIRE(at != std::string::npos);
        bytes.replace(at, 14, "something else");
        CHECK(statusOf(probeBytes("laz", bytes), "las.compression") == "fail");
        CHECK(statusOf(probeBytes("las", kLaz), "las.compression") == "warn");
        CHECK(statusOf(probeBytes("laz", kLas), "las.compression") == "warn");
        CHECK(statusOf(probeBytes("copc", kLas), "las.compression") == "fail");
    }
    SECTION("COPC whose info VLR is not first, or absent, or without a size") {
        std::string swapped = kCopc.substr(0, kCopcHeaderSize) +
                              kCopc.substr(kCopcHeaderSize + kCopcInfoVlrBytes, kLaszipVlrBytes) +
                              kCopc.substr(kCopcHeaderSize, kCopcInfoVlrBytes) +
                              kCopc.substr(kCopcHeaderSize + kCopcInfoVlrBytes + kLaszipVlrBytes);
        REQUIRE(swapped.size() == kCopc.size());
        ProbeResult notFirst = probeBytes("copc", swapped);
        CHECK(statusOf(notFirst, "las.copc") == "fail");
        CHECK(messageOf(notFirst, "las.copc").find("not the first VLR") != std::string::npos);
        CHECK(statusOf(notFirst, "las.compression") == "pass");

        ProbeResult laz = probeBytes("copc", kLaz);
        CHECK(statusOf(laz, "las.copc") == "fail");
        CHECK(statusOf(laz, "las.pointFormat") == "fail");  // LAS 1.2, format 3

        std::string flat = kCopc;
        putF64(flat, kCopcHeaderSize + 54 + 24, 0.0);  // halfsize
        CHECK(statusOf(probeBytes("copc", flat), "las.copc") == "fail");
    }
}

TEST_CASE("VLRs beyond the first bytes are read with one more request, up to the point data") {
    Limits limits;
    limits.maxHeaderBytes = 400;  // the COPC header and part of the first VLR; the points start at 1709
    FakeFetch server;
    server.serve(kUrl, kCopc);
    ProbeResult result = probeDistribution("copc", kUrl, "", server.fetch(), limits);
    REQUIRE(server.requests().size() == 2);
    CHECK(server.requests()[0].second == 400);
    CHECK(server.requests()[1].second == 1709);
    CHECK(problemsOf(result) == "");

    SECTION("without a request left they are not read: warnings, not failures") {
        limits.maxRequests = 1;
        ProbeResult partial = probeDistribution("copc", kUrl, "", server.fetch(), limits);
        CHECK(statusOf(partial, "las.header") == "pass");
        CHECK(statusOf(partial, "las.compression") == "warn");
        CHECK(statusOf(partial, "las.copc") == "warn");
        CHECK(statusOf(partial, "las.crs") == "warn");
    }
}

TEST_CASE("an unreachable point cloud is reported as link.reachable") {
    FakeFetch server;
    ProbeResult result = probeDistribution("laz", kUrl, "", server.fetch());
    CHECK_FALSE(result.reachable);
    CHECK(idsOf(result) == std::vector<std::string>{"link.reachable"});
    CHECK(statusOf(result, "link.reachable") == "fail");
}

TEST_CASE("no prefix of a real point cloud makes the probe throw") {
    for (const std::string* file : {&kLas, &kLaz, &kCopc, &kGeoTiff}) {
        for (std::size_t size = 0; size < 2100 && size <= file->size(); ++size) {
            for (const char* format : {"las", "laz", "copc"}) {
                ProbeResult result;
                REQUIRE_NOTHROW(result = probeBytes(format, file->substr(0, size)));
                REQUIRE_FALSE(result.checks.empty());
            }
        }
    }
}
