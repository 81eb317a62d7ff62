// The 3D Tiles probe on the real samples, and each structural check on a broken variant of them.
// External tilesets, implicit tiling and the request limits: tiles3d_external_test.cpp.
#include <cmath>

#include "tiles3d_support.hpp"

using namespace tweeling::test::tiles3d;
using tweeling::common::Json;

namespace {

const char* const kAllChecks[] = {"3dtiles.reachable",      "3dtiles.contentType",    "3dtiles.json",
                                  "3dtiles.asset.version",  "3dtiles.geometricError", "3dtiles.tiles",
                                  "3dtiles.boundingVolume", "3dtiles.region",         "3dtiles.refine",
                                  "3dtiles.transform",      "3dtiles.extensions",     "3dtiles.external",
                                  "3dtiles.implicitTiling", "3dtiles.contents",       "3dtiles.content"};

}  // namespace

TEST_CASE("3D Tiles: every real sample passes every check that applies", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    for (const std::string& url : samples.all()) {
        ProbeResult result = probe(server, url);
        INFO(url << "\n" << describe(result));
        CHECK(result.reachable);
        CHECK_FALSE(hasProblems(result));
        for (const Check& check : result.checks) {
            CHECK(std::find(std::begin(kAllChecks), std::end(kAllChecks), check.id) != std::end(kAllChecks));
            CHECK_FALSE(check.message.empty());
        }
        for (const char* id :
             {"3dtiles.reachable", "3dtiles.json", "3dtiles.asset.version", "3dtiles.geometricError", "3dtiles.tiles",
              "3dtiles.boundingVolume", "3dtiles.refine", "3dtiles.extensions", "3dtiles.content"})
            CHECK(statusOf(result, id) == Status::Pass);
    }
    // The checks that apply only to some samples ran where they apply.
    CHECK(statusOf(probe(server, samples.requestVolume), "3dtiles.region") == Status::Pass);
    CHECK(statusOf(probe(server, samples.requestVolume), "3dtiles.external") == Status::Pass);
    CHECK(statusOf(probe(server, samples.requestVolume), "3dtiles.transform") == Status::Pass);
    CHECK(statusOf(probe(server, samples.discreteLod), "3dtiles.transform") == Status::Pass);
    CHECK(statusOf(probe(server, samples.multipleContents), "3dtiles.contents") == Status::Pass);
    CHECK(statusOf(probe(server, samples.quadtree), "3dtiles.implicitTiling") == Status::Pass);
    CHECK(statusOf(probe(server, samples.octree), "3dtiles.implicitTiling") == Status::Pass);
    CHECK_FALSE(statusOf(probe(server, samples.boundingBox), "3dtiles.external"));
    CHECK_FALSE(statusOf(probe(server, samples.boundingBox), "3dtiles.region"));
}

TEST_CASE("3D Tiles: facts of the real samples", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);

    ProbeResult requestVolume = probe(server, samples.requestVolume);
    CHECK(requestVolume.facts.version == "1.0");
    REQUIRE(requestVolume.facts.geometricError);
    CHECK(*requestVolume.facts.geometricError == 100);
    REQUIRE(requestVolume.facts.region);
    const std::array<double, 6> rootRegion{-1.3197209591796106, 0.6988424218, -1.3196390408203893, 0.6989055782, 0,
                                           67.00999999999999};
    CHECK(*requestVolume.facts.region == rootRegion);
    CHECK(requestVolume.facts.ecefCorners.empty());
    CHECK(requestVolume.facts.extensionsUsed.empty());

    // The box of TilesetWithDiscreteLOD's root, its root transform applied (column-major): the
    // corner center + x + y + z half-axes.
    ProbeResult lod = probe(server, samples.discreteLod);
    CHECK_FALSE(lod.facts.region);
    REQUIRE(lod.facts.ecefCorners.size() == 8);
    const std::array<double, 3> expected{1215840.6806322113, -4736684.438746313, 4082490.6121104253};
    bool found = false;
    for (const auto& corner : lod.facts.ecefCorners)
        found = found || (std::fabs(corner[0] - expected[0]) < 1e-6 && std::fabs(corner[1] - expected[1]) < 1e-6 &&
                          std::fabs(corner[2] - expected[2]) < 1e-6);
    CHECK(found);

    ProbeResult box = probe(server, samples.boundingBox);
    CHECK(box.facts.version == "1.1");
    REQUIRE(box.facts.ecefCorners.size() == 8);                         // no transform: the box as it is
    CHECK(box.facts.ecefCorners[0] == std::array<double, 3>{0, 1, 0});  // center - x - y - z half-axes
}

TEST_CASE("3D Tiles: facts stay empty rather than wrong", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    std::string base = fixture("1.0__TilesetWithRequestVolume__tileset.json");
    ProbeResult degrees = probeText(server, samples.requestVolume, edit(base, [](Json& doc) {
                                        set(doc, "/root/boundingVolume/region", "[4.9, 52.0, 5.0, 52.1, 0, 20]");
                                    }));
    CHECK_FALSE(degrees.facts.region);

    ProbeResult huge = probeText(server, samples.discreteLod,
                                 edit(fixture("1.0__TilesetWithDiscreteLOD__tileset.json"), [](Json& doc) {
                                     set(doc, "/root/boundingVolume/box/3", "1e308");
                                     set(doc, "/root/transform/0", "1e308");
                                 }));
    INFO(describe(huge));
    CHECK(huge.facts.ecefCorners.empty());
    CHECK(statusOf(huge, "3dtiles.boundingVolume") == Status::Pass);
}

TEST_CASE("3D Tiles: region checks", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    std::string base = fixture("1.0__TilesetWithRequestVolume__tileset.json");
    auto withRegion = [&](const std::string& region) {
        return probeText(server, samples.requestVolume,
                         edit(base, [&](Json& doc) { set(doc, "/root/boundingVolume/region", region); }));
    };
    SECTION("in degrees") {
        ProbeResult result = withRegion("[4.9, 52.0, 5.0, 52.1, 0, 20]");
        std::optional<Check> problem = problemOf(result, "3dtiles.region");
        REQUIRE(problem);
        CHECK(problem->status == Status::Fail);
        CHECK(problem->message.find("the region looks like degrees; 3D Tiles regions are in radians") !=
              std::string::npos);
        CHECK(problem->pointer == "/root/boundingVolume/region");
        CHECK(problem->url.empty());
    }
    SECTION("out of range, not degrees") {
        ProbeResult result = withRegion("[-1.3, 0.69, 1000, 0.7, 0, 20]");
        REQUIRE(problemOf(result, "3dtiles.region"));
        CHECK(problemOf(result, "3dtiles.region")->message.find("degrees") == std::string::npos);
    }
    SECTION("west greater than east without crossing the antimeridian") {
        CHECK(statusOf(withRegion("[-1.3196, 0.6988, -1.3197, 0.6989, 0, 20]"), "3dtiles.region") == Status::Fail);
    }
    SECTION("crossing the antimeridian is fine") {
        CHECK(statusOf(withRegion("[3.1, 0.6988, -3.1, 0.6989, 0, 20]"), "3dtiles.region") == Status::Pass);
    }
    SECTION("edges on the antimeridian and the poles, π rounded up") {
        CHECK(statusOf(withRegion("[-3.1415927, -1.5707964, 3.1415927, 1.5707964, 0, 20]"), "3dtiles.region") ==
              Status::Pass);
    }
    SECTION("south greater than north") {
        CHECK(statusOf(withRegion("[-1.3197, 0.6989, -1.3196, 0.6988, 0, 20]"), "3dtiles.region") == Status::Fail);
    }
    SECTION("minimum height greater than maximum") {
        CHECK(statusOf(withRegion("[-1.3197, 0.6988, -1.3196, 0.6989, 50, 20]"), "3dtiles.region") == Status::Fail);
    }
    SECTION("huge numbers") {
        CHECK(statusOf(withRegion("[1e308, -1e308, 1e308, 1e308, -1e308, 1e308]"), "3dtiles.region") == Status::Fail);
    }
    SECTION("a child's region, in an external tileset, names that tileset") {
        server.serve(samples.city, edit(fixture("1.0__TilesetWithRequestVolume__city__tileset.json"), [](Json& doc) {
                         set(doc, "/root/children/2/boundingVolume/region", "[4.9, 52.0, 5.0, 52.1, 0, 20]");
                     }));
        ProbeResult result = probe(server, samples.requestVolume);
        std::optional<Check> problem = problemOf(result, "3dtiles.region");
        REQUIRE(problem);
        CHECK(problem->url == samples.city);
        CHECK(problem->pointer == "/root/children/2/boundingVolume/region");
    }
}

TEST_CASE("3D Tiles: bounding volumes, refine, transform, geometric error, extensions", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    std::string lod = fixture("1.0__TilesetWithDiscreteLOD__tileset.json");
    auto variant = [&](const std::function<void(Json&)>& change) {
        return probeText(server, samples.discreteLod, edit(lod, change));
    };
    auto expectFail = [](const ProbeResult& result, const char* id, const std::string& pointer) {
        INFO(describe(result));
        std::optional<Check> problem = problemOf(result, id);
        REQUIRE(problem);
        CHECK(problem->status == Status::Fail);
        CHECK(problem->pointer == pointer);
    };
    SECTION("box with 11 numbers") {
        expectFail(variant([](Json& doc) { erase(doc, "/root/boundingVolume/box/11"); }), "3dtiles.boundingVolume",
                   "/root/boundingVolume/box");
    }
    SECTION("both box and region") {
        expectFail(variant([](Json& doc) {
                       set(doc, "/root/boundingVolume/region", "[-1.3197, 0.6988, -1.3196, 0.6989, 0, 20]");
                   }),
                   "3dtiles.boundingVolume", "/root/boundingVolume");
    }
    SECTION("no bounding volume on a child") {
        expectFail(variant([](Json& doc) { erase(doc, "/root/children/0/boundingVolume"); }), "3dtiles.boundingVolume",
                   "/root/children/0/boundingVolume");
    }
    SECTION("a sphere with a negative radius") {
        expectFail(variant([](Json& doc) {
                       erase(doc, "/root/boundingVolume/box");
                       set(doc, "/root/boundingVolume/sphere", "[0, 0, 0, -1]");
                   }),
                   "3dtiles.boundingVolume", "/root/boundingVolume/sphere/3");
    }
    SECTION("a volume only an extension gives is not checked") {
        ProbeResult result = variant([](Json& doc) {
            erase(doc, "/root/boundingVolume/box");
            set(doc, "/root/boundingVolume/extensions",
                R"({"3DTILES_bounding_volume_S2": {"token": "3c", "minimumHeight": 0, "maximumHeight": 10}})");
        });
        std::optional<Check> problem = problemOf(result, "3dtiles.boundingVolume");
        REQUIRE(problem);
        CHECK(problem->status == Status::Warn);
        CHECK(problem->message.find("not checked") != std::string::npos);
        CHECK(result.facts.ecefCorners.empty());
    }
    SECTION("missing refine on the root") {
        expectFail(variant([](Json& doc) { erase(doc, "/root/refine"); }), "3dtiles.refine", "/root/refine");
    }
    SECTION("refine in lower case") {
        ProbeResult result = variant([](Json& doc) { set(doc, "/root/children/0/refine", R"("add")"); });
        expectFail(result, "3dtiles.refine", "/root/children/0/refine");
        CHECK(problemOf(result, "3dtiles.refine")->message.find("case") != std::string::npos);
    }
    SECTION("transform with 15 numbers") {
        ProbeResult result = variant([](Json& doc) { erase(doc, "/root/transform/15"); });
        expectFail(result, "3dtiles.transform", "/root/transform");
        CHECK(result.facts.ecefCorners.empty());  // the frame of the box is unknown
    }
    SECTION("a child's transform that is not affine") {
        ProbeResult result =
            variant([](Json& doc) { set(doc, "/root/children/0/transform", "[1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,2]"); });
        CHECK(statusOf(result, "3dtiles.transform") == Status::Warn);
    }
    SECTION("negative geometricError, top level and root") {
        expectFail(variant([](Json& doc) { set(doc, "/geometricError", "-1"); }), "3dtiles.geometricError",
                   "/geometricError");
        expectFail(variant([](Json& doc) { set(doc, "/root/geometricError", "-0.5"); }), "3dtiles.geometricError",
                   "/root/geometricError");
        expectFail(variant([](Json& doc) { erase(doc, "/geometricError"); }), "3dtiles.geometricError",
                   "/geometricError");
    }
    SECTION("extensionsRequired not in extensionsUsed") {
        ProbeResult result = variant([](Json& doc) {
            set(doc, "/extensionsUsed", R"(["3DTILES_content_gltf"])");
            set(doc, "/extensionsRequired", R"(["3DTILES_content_gltf", "3DTILES_metadata"])");
        });
        expectFail(result, "3dtiles.extensions", "/extensionsRequired/1");
        CHECK(result.facts.extensionsRequired == std::vector<std::string>{"3DTILES_content_gltf", "3DTILES_metadata"});
    }
    SECTION("an unknown asset.version") {
        ProbeResult result = variant([](Json& doc) { set(doc, "/asset/version", R"("0.0")"); });
        CHECK(statusOf(result, "3dtiles.asset.version") == Status::Warn);
        expectFail(variant([](Json& doc) { erase(doc, "/asset/version"); }), "3dtiles.asset.version", "/asset/version");
    }
    SECTION("no root tile") {
        expectFail(variant([](Json& doc) { erase(doc, "/root"); }), "3dtiles.tiles", "/root");
    }
    SECTION("children that are not tiles") {
        expectFail(variant([](Json& doc) { set(doc, "/root/children/0/children/0", "42"); }), "3dtiles.tiles",
                   "/root/children/0/children/0");
    }
}

TEST_CASE("3D Tiles: content and contents", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    std::string multiple = fixture("1.1__MultipleContents__tileset.json");
    SECTION("both content and contents") {
        ProbeResult result =
            probeText(server, samples.multipleContents,
                      edit(multiple, [](Json& doc) { set(doc, "/root/content", R"({"uri": "planeTriangles.glb"})"); }));
        std::optional<Check> problem = problemOf(result, "3dtiles.contents");
        REQUIRE(problem);
        CHECK(problem->status == Status::Fail);
        CHECK(problem->pointer == "/root");
    }
    SECTION("a content without uri, and an empty contents array") {
        ProbeResult result =
            probeText(server, samples.multipleContents,
                      edit(multiple, [](Json& doc) { set(doc, "/root/contents/1", R"({"url": 1})"); }));
        CHECK(statusOf(result, "3dtiles.contents") == Status::Fail);
        result = probeText(server, samples.multipleContents,
                           edit(multiple, [](Json& doc) { set(doc, "/root/contents", "[]"); }));
        CHECK(statusOf(result, "3dtiles.contents") == Status::Fail);
    }
    SECTION("unknown magic") {
        server.serve(kHost + "lod/dragon_low.b3dm", std::string("abcd") + std::string(24, '\0'));
        ProbeResult result = probe(server, samples.discreteLod);
        std::optional<Check> problem = problemOf(result, "3dtiles.content");
        REQUIRE(problem);
        CHECK(problem->status == Status::Fail);
        CHECK(problem->url == kHost + "lod/dragon_low.b3dm");
        CHECK(problem->message.find("\"abcd\"") != std::string::npos);
    }
    SECTION("a content file that is not there") {
        server.serve(samples.boundingBox, edit(fixture("1.1__BoundingBoxTests__0_0_0-1_1_2__tileset.json"),
                                               [](Json& doc) { set(doc, "/root/content/uri", R"("missing.glb")"); }));
        ProbeResult result = probe(server, samples.boundingBox);
        std::optional<Check> problem = problemOf(result, "3dtiles.content");
        REQUIRE(problem);
        CHECK(problem->status == Status::Fail);
        CHECK(problem->url == kHost + "box/missing.glb");
        CHECK(problem->message.find("404") != std::string::npos);
    }
    SECTION("headers that lie about the length, and wrong versions") {
        std::string shortened = legacyTile("b3dm");
        shortened[8] = 40;
        server.serve(kHost + "lod/dragon_low.b3dm", shortened);
        CHECK(statusOf(probe(server, samples.discreteLod), "3dtiles.content") == Status::Fail);
        server.serve(kHost + "lod/dragon_low.b3dm", legacyTile("b3dm", 28, 2));
        CHECK(statusOf(probe(server, samples.discreteLod), "3dtiles.content") == Status::Fail);
        server.serve(kHost + "box/0_0_0-1_1_2.glb", glbFile(1));
        CHECK(statusOf(probe(server, samples.boundingBox), "3dtiles.content") == Status::Fail);
    }
    SECTION("a legacy format in a 1.1 tileset is deprecated") {
        server.serve(kHost + "box/0_0_0-1_1_2.glb", legacyTile("pnts"));
        ProbeResult result = probe(server, samples.boundingBox);
        std::optional<Check> problem = problemOf(result, "3dtiles.content");
        REQUIRE(problem);
        CHECK(problem->status == Status::Warn);
        CHECK(problem->message.find("legacy format, deprecated in 3D Tiles 1.1") != std::string::npos);
    }
    SECTION("glTF as JSON") {
        server.serve(kHost + "box/0_0_0-1_1_2.glb", R"({"asset": {"version": "2.0"}})", "model/gltf+json");
        CHECK(statusOf(probe(server, samples.boundingBox), "3dtiles.content") == Status::Pass);
        server.serve(kHost + "box/0_0_0-1_1_2.glb", R"({"asset": {"version": "1.0"}})", "model/gltf+json");
        CHECK(statusOf(probe(server, samples.boundingBox), "3dtiles.content") == Status::Fail);
    }
    SECTION("the real b3dm and GLB content files") {
        // The city tileset with only its ul tile, whose real b3dm is in the fixtures.
        server.serve(samples.city, edit(fixture("1.0__TilesetWithRequestVolume__city__tileset.json"), [](Json& doc) {
                         for (int i = 0; i < 3; ++i) erase(doc, "/root/children/0");
                     }));
        ProbeResult city = probe(server, samples.city);
        INFO(describe(city));
        CHECK_FALSE(hasProblems(city));
        CHECK(statusOf(city, "3dtiles.content") == Status::Pass);
        CHECK(server.requested.back() == kHost + "request-volume/city/ul.b3dm");
        // A box tileset beside the quadtree naming its real GLB.
        std::string explicitUrl = kHost + "quadtree/explicit.json";
        ProbeResult glb = probeText(server, explicitUrl,
                                    edit(fixture("1.1__BoundingBoxTests__0_0_0-1_1_2__tileset.json"), [](Json& doc) {
                                        set(doc, "/root/content/uri", R"("content/content_5__0_21.glb")");
                                    }));
        INFO(describe(glb));
        CHECK_FALSE(hasProblems(glb));
        CHECK(server.requested.back() == kHost + "quadtree/content/content_5__0_21.glb");
    }
}

TEST_CASE("3D Tiles: the tileset document itself", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    SECTION("not there") {
        ProbeResult result = probe(server, kHost + "nothing/tileset.json");
        CHECK_FALSE(result.reachable);
        CHECK(statusOf(result, "3dtiles.reachable") == Status::Fail);
        CHECK(result.checks.size() == 1);
    }
    SECTION("truncated") {
        Limits limits;
        limits.maxDocumentBytes = 100;
        ProbeResult result = probe(server, samples.discreteLod, limits);
        CHECK(result.reachable);
        CHECK(statusOf(result, "3dtiles.json") == Status::Fail);
        CHECK_FALSE(statusOf(result, "3dtiles.asset.version"));
    }
    SECTION("not JSON, or not an object") {
        CHECK(statusOf(probeText(server, samples.discreteLod, "<html>Not found</html>"), "3dtiles.json") ==
              Status::Fail);
        CHECK(statusOf(probeText(server, samples.discreteLod, "[1, 2]"), "3dtiles.json") == Status::Fail);
        CHECK(statusOf(probeText(server, samples.discreteLod, R"({"a": 1, "a": 2})"), "3dtiles.json") == Status::Fail);
    }
    SECTION("served as HTML") {
        server.serve(samples.discreteLod, fixture("1.0__TilesetWithDiscreteLOD__tileset.json"), "text/html");
        CHECK(statusOf(probe(server, samples.discreteLod), "3dtiles.contentType") == Status::Warn);
        server.serve(samples.discreteLod, fixture("1.0__TilesetWithDiscreteLOD__tileset.json"), "text/plain");
        CHECK(statusOf(probe(server, samples.discreteLod), "3dtiles.contentType") == Status::Pass);
    }
    SECTION("relative URIs resolve against the URL after redirects") {
        server.redirect(kHost + "latest/tileset.json", samples.discreteLod);
        ProbeResult result = probe(server, kHost + "latest/tileset.json");
        INFO(describe(result));
        CHECK_FALSE(hasProblems(result));
        CHECK(server.requested.back() == kHost + "lod/dragon_low.b3dm");
    }
}
