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

// The server the OGC API – Records specification's examples describe.
const std::string kApi = "https://www.someserver.com/ogcapi";
const std::string kLandingJson = kApi + "?f=json";
const std::string kConformanceJson = kApi + "/conformance?f=json";
const std::string kCollectionsJson = kApi + "/collections?f=json";
const std::string kCollectionJson = kApi + "/collections/tepcat?f=json";

const std::string kLanding = fixture("ogcapi-records/spec__landingPage.json");
const std::string kConformance = fixture("ogcapi-records/spec__conformance.json");
const std::string kCollections = fixture("ogcapi-records/spec__collections.json");
const std::string kCollection = fixture("ogcapi-records/spec__catalog.json");

struct Api {
    FakeFetch server;
    Api() {
        server.serve(kLandingJson, kLanding, "application/json");
        server.serve(kConformanceJson, kConformance, "application/json");
        server.serve(kCollectionsJson, kCollections, "application/json");
        server.serve(kCollectionJson, kCollection, "application/json");
    }
    ProbeResult probe(const std::string& url, const Limits& limits = {}) {
        return probeDistribution("ogcapi-features", url, "", server.fetch(), limits);
    }
};

}  // namespace

TEST_CASE("the specification's landing page, conformance and collections pass in three requests") {
    Api api;
    ProbeResult result = api.probe(kApi);
    CHECK(result.reachable);
    CHECK(problemsOf(result) == "");
    CHECK(idsOf(result) == std::vector<std::string>{"ogcapi.landing", "ogcapi.conformance", "ogcapi.collections"});
    CHECK(messageOf(result, "ogcapi.conformance").find("Features Core") != std::string::npos);
    REQUIRE(api.server.requests().size() == 3);
    CHECK(api.server.requests()[0].first == kLandingJson);
    CHECK(api.server.requests()[1].first == kConformanceJson);
    CHECK(api.server.requests()[2].first == kCollectionsJson);
    CHECK(result.checks[1].url == kConformanceJson);
    CHECK_FALSE(result.facts.extent);  // the example states none

    // A URL that asks for a format already, or carries other parameters.
    CHECK(problemsOf(api.probe(kLandingJson)) == "");
    FakeFetch other;
    other.serve(kApi + "?lang=nl&f=json", kLanding);
    ProbeResult withLang = probeDistribution("ogcapi-features", kApi + "?lang=nl", "", other.fetch());
    CHECK(statusOf(withLang, "ogcapi.landing") == "pass");
}

TEST_CASE("a collection or the collections list is probed with the API's landing page and conformance") {
    Api api;
    ProbeResult collection = api.probe(kApi + "/collections/tepcat");
    CHECK(problemsOf(collection) == "");
    CHECK(idsOf(collection) == std::vector<std::string>{"ogcapi.collections", "ogcapi.landing", "ogcapi.conformance"});
    CHECK(api.server.requests().at(0).first == kCollectionJson);
    CHECK(api.server.requests().at(1).first == kLandingJson);

    ProbeResult list = api.probe(kApi + "/collections");
    CHECK(problemsOf(list) == "");
    CHECK(idsOf(list) == std::vector<std::string>{"ogcapi.collections", "ogcapi.landing", "ogcapi.conformance"});

    // Below a collection (its items): the collection document is read, and named in the check.
    ProbeResult items = api.probe(kApi + "/collections/tepcat/items");
    CHECK(problemsOf(items) == "");
    CHECK(items.checks.at(0).url == kApi + "/collections/tepcat");
}

TEST_CASE("the first collection's extent is a fact, in CRS84 unless it names its CRS") {
    const std::string language = "\"language\": \"en-CA\",";
    Api api;
    api.server.serve(
        kCollectionsJson,
        replaced(kCollections, language, language + "\"extent\":{\"spatial\":{\"bbox\":[[4.72,52.27,5.08,52.43]]}},"));
    ProbeResult result = api.probe(kApi);
    REQUIRE(result.facts.extent);
    CHECK(*result.facts.extent == std::array<double, 4>{4.72, 52.27, 5.08, 52.43});
    CHECK(result.facts.extentCrs == "OGC:CRS84");

    api.server.serve(kCollectionJson,
                     replaced(kCollection, language,
                              language + "\"storageCrs\":\"http://www.opengis.net/def/crs/EPSG/0/7415\","
                                         "\"extent\":{\"spatial\":{\"bbox\":[[120000,480000,-5,125000,490000,80]],"
                                         "\"crs\":\"http://www.opengis.net/def/crs/EPSG/0/28992\"}},"));
    ProbeResult own = api.probe(kApi + "/collections/tepcat");
    REQUIRE(own.facts.extent);
    CHECK(*own.facts.extent == std::array<double, 4>{120000, 480000, 125000, 490000});
    CHECK(own.facts.extentCrs == "EPSG:28992");
    CHECK(own.facts.crs == std::vector<std::string>{"EPSG:7415"});
}

TEST_CASE("each OGC API check fires on a broken copy of the specification's documents") {
    Api api;
    SECTION("a landing page without a conformance link fails, and its conformance is not read") {
        api.server.serve(kLandingJson, replaced(kLanding, "\"rel\": \"conformance\"", "\"rel\": \"about\""));
        ProbeResult result = api.probe(kApi);
        CHECK(statusOf(result, "ogcapi.landing") == "fail");
        CHECK(messageOf(result, "ogcapi.landing").find("\"conformance\"") != std::string::npos);
        CHECK(statusOf(result, "ogcapi.conformance") == "missing");
        CHECK(statusOf(result, "ogcapi.collections") == "pass");
    }
    SECTION("a landing page that is HTML, or truncated JSON, fails") {
        api.server.serve(kLandingJson, "<html><body>Welcome</body></html>", "text/html");
        ProbeResult html = api.probe(kApi);
        CHECK(idsOf(html) == std::vector<std::string>{"ogcapi.landing"});
        CHECK(statusOf(html, "ogcapi.landing") == "fail");
        CHECK(messageOf(html, "ogcapi.landing").find("text/html") != std::string::npos);
        api.server.serve(kLandingJson, kLanding.substr(0, 300));
        CHECK(statusOf(api.probe(kApi), "ogcapi.landing") == "fail");
    }
    SECTION("conformance to neither Features Core nor 3D GeoVolumes fails; GeoVolumes alone passes") {
        api.server.serve(kConformanceJson,
                         replaced(kConformance, "ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/html"));
        CHECK(statusOf(api.probe(kApi), "ogcapi.conformance") == "fail");
        api.server.serve(kConformanceJson,
                         "{\"conformsTo\":[\"http://www.opengis.net/spec/ogcapi-geovolumes-1/1.0/conf/core\"]}");
        CHECK(messageOf(api.probe(kApi), "ogcapi.conformance").find("3D GeoVolumes") != std::string::npos);
    }
    SECTION("a conformance link that does not answer fails, naming its URL") {
        api.server.answer(kConformanceJson, 404);
        ProbeResult result = api.probe(kApi);
        CHECK(statusOf(result, "ogcapi.conformance") == "fail");
        CHECK(result.checks.at(1).url == kConformanceJson);
        CHECK(result.reachable);
    }
    SECTION("a collection without an id or without a link to its data fails; no collections warns") {
        api.server.serve(kCollectionsJson, replaced(kCollections, "\"id\": \"tepcat\",", ""));
        ProbeResult noId = api.probe(kApi);
        CHECK(statusOf(noId, "ogcapi.collections") == "fail");
        CHECK(noId.checks.back().pointer == "/collections/0");
        api.server.serve(kCollectionsJson,
                         replaced(replaced(kCollections, "\"rel\": \"items\"", "\"rel\": \"describedby\""),
                                  "tepcat/items", "tepcat/metadata"));
        CHECK(statusOf(api.probe(kApi), "ogcapi.collections") == "fail");
        api.server.serve(kCollectionsJson, "{\"collections\":[],\"links\":[]}");
        CHECK(statusOf(api.probe(kApi), "ogcapi.collections") == "warn");
    }
    SECTION("a 3D GeoVolumes container passes by its 3D Tiles link") {
        api.server.serve(kCollectionsJson,
                         "{\"collections\":[{\"id\":\"rotterdam\",\"collectionType\":\"3d-container\",\"links\":["
                         "{\"href\":\"" +
                             kApi +
                             "/collections/rotterdam/3dtiles\",\"rel\":\"http://www.opengis.net/"
                             "def/rel/ogc/1.0/3dtiles\"}]}]}");
        CHECK(statusOf(api.probe(kApi), "ogcapi.collections") == "pass");
    }
}

TEST_CASE("an OGC API probe makes at most three requests, fewer when the limit says so") {
    Api api;
    Limits limits;
    limits.maxRequests = 1;
    ProbeResult result = api.probe(kApi, limits);
    CHECK(api.server.requests().size() == 1);
    CHECK(statusOf(result, "ogcapi.landing") == "pass");
    CHECK(statusOf(result, "ogcapi.conformance") == "warn");
    CHECK(statusOf(result, "ogcapi.collections") == "warn");
}

TEST_CASE("an unreachable OGC API is reported as link.reachable") {
    FakeFetch server;
    ProbeResult result = probeDistribution("ogcapi-features", kApi, "", server.fetch());
    CHECK_FALSE(result.reachable);
    CHECK(idsOf(result) == std::vector<std::string>{"link.reachable"});
    server.answer(kLandingJson, 401);
    CHECK(statusOf(probeDistribution("ogcapi-features", kApi, "", server.fetch()), "link.reachable") == "warn");
}
