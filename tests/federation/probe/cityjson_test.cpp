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

const std::string kUrl = "https://data.example.nl/3dbag/b2.city.json";
const std::string kSeqUrl = "https://data.example.nl/3dbag/b2.city.jsonl";

ProbeResult probeText(const std::string& text, const Limits& limits = {}) {
    FakeFetch server;
    server.serve(kUrl, text, "application/city+json");
    return probeDistribution("cityjson", kUrl, "application/city+json", server.fetch(), limits);
}

ProbeResult probeSeq(const std::string& text, const Limits& limits = {}) {
    FakeFetch server;
    server.serve(kSeqUrl, text, "application/city+json-seq");
    return probeDistribution("cityjsonseq", kSeqUrl, "application/city+json-seq", server.fetch(), limits);
}

const std::string k3dbag = fixture("cityjson/cjseq__3dbag_b2.city.json");

}  // namespace

TEST_CASE("a real 3DBAG CityJSON 2.0 file passes every check and gives its facts") {
    ProbeResult result = probeText(k3dbag);
    CHECK(result.reachable);
    CHECK(problemsOf(result) == "");
    CHECK(idsOf(result) == std::vector<std::string>{"cityjson.json", "cityjson.type", "cityjson.version",
                                                    "cityjson.transform", "cityjson.referenceSystem",
                                                    "cityjson.geographicalExtent", "cityjson.lods"});
    CHECK(result.facts.version == "2.0");
    CHECK(result.facts.crs == std::vector<std::string>{"EPSG:7415"});
    REQUIRE(result.facts.extent);
    CHECK(*result.facts.extent == std::array<double, 4>{84994.437625, 446535.536, 85022.194625, 446562.148});
    CHECK(result.facts.extentCrs == "EPSG:7415");
    CHECK(result.facts.lods == std::vector<std::string>{"2.2"});
}

TEST_CASE("real CityJSON 1.1 files: Rotterdam passes, the minimal file states no CRS and no extent") {
    ProbeResult rotterdam = probeText(fixture("cityjson/cjio__rotterdam_one.city.json"));
    CHECK(problemsOf(rotterdam) == "");
    CHECK(rotterdam.facts.version == "1.1");
    CHECK(rotterdam.facts.crs == std::vector<std::string>{"EPSG:7415"});
    CHECK(rotterdam.facts.lods == std::vector<std::string>{"2"});

    ProbeResult minimal = probeText(fixture("cityjson/cjio__minimal.city.json"));
    CHECK(statusOf(minimal, "cityjson.transform") == "pass");
    CHECK(statusOf(minimal, "cityjson.referenceSystem") == "warn");
    CHECK(statusOf(minimal, "cityjson.geographicalExtent") == "warn");
    CHECK(statusOf(minimal, "cityjson.lods") == "pass");
    CHECK(minimal.facts.crs.empty());
    CHECK_FALSE(minimal.facts.extent);
    CHECK(minimal.facts.lods.empty());
}

TEST_CASE("LoDs are collected as strings, numbers included, sorted and unique") {
    std::string text = replaced(fixture("cityjson/cjio__rotterdam_one.city.json"), "\"lod\": \"2\"", "\"lod\": 2");
    CHECK(probeText(text).facts.lods == std::vector<std::string>{"2"});
    ProbeResult odd = probeText(replaced(k3dbag, "\"lod\":\"2.2\"", "\"lod\":\"high\""));
    CHECK(statusOf(odd, "cityjson.lods") == "warn");
    CHECK(odd.facts.lods == std::vector<std::string>{"2.2"});  // the other geometries' LoD
    ProbeResult missing = probeText(replaced(k3dbag, "\"lod\":\"2.2\",", ""));
    CHECK(statusOf(missing, "cityjson.lods") == "warn");
}

TEST_CASE("each CityJSON check fires on a broken copy of the real file") {
    SECTION("version 9.9 fails, 1.0 warns") {
        CHECK(statusOf(probeText(replaced(k3dbag, "\"version\":\"2.0\"", "\"version\":\"9.9\"")), "cityjson.version") ==
              "fail");
        ProbeResult old = probeText(replaced(k3dbag, "\"version\":\"2.0\"", "\"version\":\"1.0\""));
        CHECK(statusOf(old, "cityjson.version") == "warn");
        CHECK(old.facts.version == "1.0");
    }
    SECTION("a type other than CityJSON fails") {
        CHECK(statusOf(probeText(replaced(k3dbag, "\"type\":\"CityJSON\"", "\"type\":\"CityJSONFeature\"")),
                       "cityjson.type") == "fail");
        CHECK(statusOf(probeText(replaced(k3dbag, "\"type\":\"CityJSON\"", "\"type\":\"GeoJSON\"")), "cityjson.type") ==
              "fail");
    }
    SECTION("a scale of 0 or a missing transform fails") {
        ProbeResult zero = probeText(replaced(k3dbag, "\"scale\":[0.001,0.001,0.001]", "\"scale\":[0.001,0,0.001]"));
        CHECK(statusOf(zero, "cityjson.transform") == "fail");
        CHECK(zero.checks.at(3).pointer == "/transform/scale/1");
        CHECK(statusOf(probeText(replaced(k3dbag, "\"scale\":[0.001,0.001,0.001]", "\"scale\":[0.001,0.001]")),
                       "cityjson.transform") == "fail");
        std::string withoutTransform = replaced(
            k3dbag, "\"transform\":{\"scale\":[0.001,0.001,0.001],\"translate\":[85088.390625,446394.25,46.170002]},",
            "");
        CHECK(statusOf(probeText(withoutTransform), "cityjson.transform") == "fail");
    }
    SECTION("a geographicalExtent with min above max fails and gives no extent") {
        ProbeResult result = probeText(replaced(k3dbag, "[84994.437625,446535.536,-0.275998,85022.194625",
                                                "[85099.437625,446535.536,-0.275998,85022.194625"));
        CHECK(statusOf(result, "cityjson.geographicalExtent") == "fail");
        CHECK_FALSE(result.facts.extent);
        CHECK(statusOf(probeText(replaced(k3dbag, "-0.275998,", "")), "cityjson.geographicalExtent") == "fail");
    }
    SECTION("a CRS written as a URN or a bare code warns, but is still found") {
        for (const char* spelling : {"urn:ogc:def:crs:EPSG::7415", "EPSG:7415"}) {
            ProbeResult result = probeText(replaced(k3dbag, "https://www.opengis.net/def/crs/EPSG/0/7415", spelling));
            CHECK(statusOf(result, "cityjson.referenceSystem") == "warn");
            CHECK(result.facts.crs == std::vector<std::string>{"EPSG:7415"});
        }
        // CityJSON 1.0 wrote the URN.
        std::string old = replaced(k3dbag, "\"version\":\"2.0\"", "\"version\":\"1.0\"");
        CHECK(statusOf(
                  probeText(replaced(old, "https://www.opengis.net/def/crs/EPSG/0/7415", "urn:ogc:def:crs:EPSG::7415")),
                  "cityjson.referenceSystem") == "pass");
        ProbeResult other = probeText(replaced(k3dbag, "https://www.opengis.net/def/crs/EPSG/0/7415", "local"));
        CHECK(statusOf(other, "cityjson.referenceSystem") == "warn");
        CHECK(other.facts.crs == std::vector<std::string>{"local"});
    }
    SECTION("truncated JSON fails with the byte offset; not an object fails") {
        ProbeResult cut = probeText(k3dbag.substr(0, k3dbag.size() / 2));
        CHECK(statusOf(cut, "cityjson.json") == "fail");
        CHECK(messageOf(cut, "cityjson.json").find("at byte") != std::string::npos);
        CHECK(cut.checks.size() == 1);
        CHECK(statusOf(probeText("[1,2]"), "cityjson.json") == "fail");
    }
}

TEST_CASE("a CityJSON larger than the document limit warns and is not checked further") {
    Limits limits;
    limits.maxDocumentBytes = 1000;
    ProbeResult result = probeText(k3dbag, limits);
    CHECK(result.reachable);
    CHECK(statusOf(result, "cityjson.json") == "warn");
    CHECK(messageOf(result, "cityjson.json").find("too large to check whole") != std::string::npos);
    CHECK(result.checks.size() == 1);
}

TEST_CASE("an unreachable CityJSON is reported as link.reachable") {
    FakeFetch server;
    ProbeResult missing = probeDistribution("cityjson", kUrl, "application/city+json", server.fetch());
    CHECK_FALSE(missing.reachable);
    CHECK(idsOf(missing) == std::vector<std::string>{"link.reachable"});
    CHECK(statusOf(missing, "link.reachable") == "fail");
    server.answer(kUrl, 403);
    CHECK(statusOf(probeDistribution("cityjson", kUrl, "", server.fetch()), "link.reachable") == "warn");
}

TEST_CASE("a CityJSONSeq is read up to its first line only") {
    std::string seq = fixture("cityjson/cjseq__3dbag_b2.city.jsonl");
    FakeFetch server;
    server.serve(kSeqUrl, seq);
    Limits limits;
    limits.maxHeaderBytes = 1000;  // the first line (343 bytes) and part of the next
    ProbeResult result = probeDistribution("cityjsonseq", kSeqUrl, "", server.fetch(), limits);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].second == 1000);
    CHECK(problemsOf(result) == "");
    CHECK(statusOf(result, "cityjson.lods") == "pass");
    CHECK(messageOf(result, "cityjson.lods").find("Not checked") != std::string::npos);
    CHECK(result.facts.version == "2.0");
    CHECK(result.facts.crs == std::vector<std::string>{"EPSG:7415"});
    REQUIRE(result.facts.extent);
    CHECK(*result.facts.extent == std::array<double, 4>{84994.437625, 446535.536, 85022.194625, 446562.148});
    CHECK(result.facts.lods.empty());

    SECTION("the format is also known by the file name") {
        ProbeResult byName;
        probeCityJson(kSeqUrl, server.fetch(), limits, byName);
        CHECK(problemsOf(byName) == "");
    }
    SECTION("a first line longer than the bytes read is not checked") {
        limits.maxHeaderBytes = 100;
        ProbeResult longLine = probeSeq(seq, limits);
        CHECK(statusOf(longLine, "cityjson.json") == "warn");
        CHECK(longLine.checks.size() == 1);
    }
    SECTION("a sequence that starts with a feature fails") {
        std::string features = seq.substr(seq.find('\n') + 1);
        CHECK(statusOf(probeSeq(features), "cityjson.type") == "fail");
    }
    SECTION("a first line with CRLF, and a sequence of one line, are read") {
        std::string first = seq.substr(0, seq.find('\n'));
        CHECK(problemsOf(probeSeq(first + "\r\n")) == "");
        CHECK(problemsOf(probeSeq(first)) == "");
    }
}
