// The 3D Tiles probe's follow-ups: external tilesets (depth, cycles, missing ones), implicit tiling
// and its subtrees, the walk's own limits, and the request budget.
#include <algorithm>

#include "tiles3d_support.hpp"

using namespace tweeling::test::tiles3d;
using tweeling::common::Json;

namespace {

// A tileset whose root's children point at `uris` (external tilesets or content).
std::string tilesetReferring(const std::vector<std::string>& uris) {
    std::string children;
    for (const std::string& uri : uris)
        children += std::string(children.empty() ? "" : ",") +
                    R"({"boundingVolume": {"sphere": [0, 0, 0, 10]}, "geometricError": 0, "content": {"uri": ")" + uri +
                    R"("}})";
    return R"({"asset": {"version": "1.1"}, "geometricError": 10, "root": {"boundingVolume": {"sphere": [0, 0, 0, 10]},
        "geometricError": 10, "refine": "ADD", "children": [)" +
           children + "]}}";
}

bool wasRequested(const FakeServer& server, const std::string& url) {
    return std::find(server.requested.begin(), server.requested.end(), url) != server.requested.end();
}

}  // namespace

TEST_CASE("3D Tiles: external tilesets", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    SECTION("the real external tileset is followed and checked") {
        ProbeResult result = probe(server, samples.requestVolume);
        CHECK(wasRequested(server, samples.city));
        CHECK(statusOf(result, "3dtiles.external") == Status::Pass);
    }
    SECTION("an external tileset that does not answer") {
        FakeServer bare;
        bare.serve(samples.requestVolume, fixture("1.0__TilesetWithRequestVolume__tileset.json"));
        bare.serve(kHost + "request-volume/building.b3dm", legacyTile("b3dm"));
        ProbeResult result = probe(bare, samples.requestVolume);
        std::optional<Check> problem = problemOf(result, "3dtiles.external");
        REQUIRE(problem);
        CHECK(problem->status == Status::Fail);
        CHECK(problem->url == samples.city);
        CHECK(problem->pointer == "/root/children/0/content/uri");
    }
    SECTION("an external tileset that is not JSON") {
        server.serve(samples.city, "{\"asset\": ");
        std::optional<Check> problem = problemOf(probe(server, samples.requestVolume), "3dtiles.external");
        REQUIRE(problem);
        CHECK(problem->url == samples.city);
    }
    SECTION("a cycle a -> b -> a") {
        std::string a = kHost + "cycle/a.json", b = kHost + "cycle/b.json";
        server.serve(a, tilesetReferring({"b.json"}));
        server.serve(b, tilesetReferring({"./a.json"}));
        ProbeResult result = probe(server, a);
        INFO(describe(result));
        std::optional<Check> problem = problemOf(result, "3dtiles.external");
        REQUIRE(problem);
        CHECK(problem->status == Status::Fail);
        CHECK(problem->message.find("cycle") != std::string::npos);
        CHECK(problem->url == b);
        CHECK(std::count(server.requested.begin(), server.requested.end(), a) == 1);
    }
    SECTION("the same external tileset reached twice is no cycle") {
        std::string root = kHost + "diamond/tileset.json";
        server.serve(root, tilesetReferring({"left.json", "right.json"}));
        server.serve(kHost + "diamond/left.json", tilesetReferring({"shared.json"}));
        server.serve(kHost + "diamond/right.json", tilesetReferring({"shared.json"}));
        server.serve(kHost + "diamond/shared.json", tilesetReferring({}));
        ProbeResult result = probe(server, root);
        INFO(describe(result));
        CHECK(statusOf(result, "3dtiles.external") == Status::Pass);
        CHECK(std::count(server.requested.begin(), server.requested.end(), kHost + "diamond/shared.json") == 1);
    }
    SECTION("followed only to maxExternalDepth") {
        for (int i = 0; i < 6; ++i)
            server.serve(kHost + "chain/" + std::to_string(i) + ".json",
                         tilesetReferring({std::to_string(i + 1) + ".json"}));
        Limits limits;
        limits.maxExternalDepth = 3;
        ProbeResult result = probe(server, kHost + "chain/0.json", limits);
        INFO(describe(result));
        CHECK(wasRequested(server, kHost + "chain/3.json"));
        CHECK_FALSE(wasRequested(server, kHost + "chain/4.json"));
        std::optional<Check> problem = problemOf(result, "3dtiles.external");
        REQUIRE(problem);
        CHECK(problem->status == Status::Warn);
    }
    SECTION("at most a few external tilesets of each tileset") {
        std::vector<std::string> uris;
        for (int i = 0; i < 8; ++i) {
            uris.push_back("part" + std::to_string(i) + ".json");
            server.serve(kHost + "wide/" + uris.back(), tilesetReferring({}));
        }
        server.serve(kHost + "wide/tileset.json", tilesetReferring(uris));
        ProbeResult result = probe(server, kHost + "wide/tileset.json");
        CHECK(server.requested.size() == 5);
        CHECK(statusOf(result, "3dtiles.external") == Status::Pass);
    }
    SECTION("structural problems of an external tileset name it") {
        server.serve(samples.city, edit(fixture("1.0__TilesetWithRequestVolume__city__tileset.json"),
                                        [](Json& doc) { erase(doc, "/root/refine"); }));
        std::optional<Check> problem = problemOf(probe(server, samples.requestVolume), "3dtiles.refine");
        REQUIRE(problem);
        CHECK(problem->url == samples.city);
    }
}

TEST_CASE("3D Tiles: implicit tiling", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    std::string quadtree = fixture("1.1__SparseImplicitQuadtree__tileset.json");
    SECTION("the real quadtree: content is found through the subtrees' availability") {
        ProbeResult result = probe(server, samples.quadtree);
        INFO(describe(result));
        CHECK_FALSE(hasProblems(result));
        // The real level 0 subtree has no content and makes child subtree (3, 5, 0) available first.
        CHECK(server.requested == std::vector<std::string>{samples.quadtree, kHost + "quadtree/subtrees/0.0.0.subtree",
                                                           kHost + "quadtree/subtrees/3.5.0.subtree",
                                                           kHost + "quadtree/content/content_5__21_0.glb"});
    }
    SECTION("the octree substitutes {z}") {
        ProbeResult result = probe(server, samples.octree);
        CHECK(server.requested.back() == kHost + "octree/content/content_0__0_0_0.glb");
    }
    SECTION("a bad subdivision scheme") {
        ProbeResult result = probeText(server, samples.quadtree, edit(quadtree, [](Json& doc) {
                                           set(doc, "/root/implicitTiling/subdivisionScheme", R"("BINARY")");
                                       }));
        std::optional<Check> problem = problemOf(result, "3dtiles.implicitTiling");
        REQUIRE(problem);
        CHECK(problem->status == Status::Fail);
        CHECK(problem->pointer == "/root/implicitTiling/subdivisionScheme");
    }
    SECTION("a subtree template without {x}") {
        ProbeResult result =
            probeText(server, samples.quadtree, edit(quadtree, [](Json& doc) {
                          set(doc, "/root/implicitTiling/subtrees/uri", R"("subtrees/{level}.{y}.subtree")");
                      }));
        std::optional<Check> problem = problemOf(result, "3dtiles.implicitTiling");
        REQUIRE(problem);
        CHECK(problem->message.find("{x}") != std::string::npos);
        CHECK(problem->pointer == "/root/implicitTiling/subtrees/uri");
    }
    SECTION("a content template without {x}, an octree template without {z}") {
        ProbeResult result = probeText(server, samples.quadtree, edit(quadtree, [](Json& doc) {
                                           set(doc, "/root/content/uri", R"("content/content_{level}__{y}.glb")");
                                       }));
        REQUIRE(problemOf(result, "3dtiles.implicitTiling"));
        CHECK(problemOf(result, "3dtiles.implicitTiling")->pointer == "/root/content/uri");
        result =
            probeText(server, samples.octree, edit(fixture("1.1__SparseImplicitOctree__tileset.json"), [](Json& doc) {
                          set(doc, "/root/implicitTiling/subtrees/uri", R"("subtrees/{level}.{x}.{y}.subtree")");
                      }));
        CHECK(statusOf(result, "3dtiles.implicitTiling") == Status::Fail);
    }
    SECTION("levels that are not integers of 1 or more") {
        ProbeResult result = probeText(server, samples.quadtree, edit(quadtree, [](Json& doc) {
                                           set(doc, "/root/implicitTiling/subtreeLevels", "0");
                                           set(doc, "/root/implicitTiling/availableLevels", "2.5");
                                       }));
        CHECK(statusOf(result, "3dtiles.implicitTiling") == Status::Fail);
    }
    SECTION("a subtree with the wrong magic, or missing") {
        server.serve(kHost + "quadtree/subtrees/0.0.0.subtree", glbFile());
        CHECK(statusOf(probe(server, samples.quadtree), "3dtiles.implicitTiling") == Status::Fail);
        FakeServer bare;
        bare.serve(samples.quadtree, quadtree);
        std::optional<Check> problem = problemOf(probe(bare, samples.quadtree), "3dtiles.implicitTiling");
        REQUIRE(problem);
        CHECK(problem->url == kHost + "quadtree/subtrees/0.0.0.subtree");
    }
    SECTION("a 1.1 implicit tiling in a 1.0 tileset") {
        ProbeResult result = probeText(server, samples.quadtree,
                                       edit(quadtree, [](Json& doc) { set(doc, "/asset/version", R"("1.0")"); }));
        CHECK(statusOf(result, "3dtiles.implicitTiling") == Status::Warn);
    }
}

TEST_CASE("3D Tiles: the walk stops within its limits", "[probe][3dtiles]") {
    FakeServer server;
    SECTION("deeper than 64 levels") {
        std::string tile = R"({"boundingVolume": {"sphere": [0, 0, 0, 1]}, "geometricError": 0})";
        for (int i = 0; i < 80; ++i)
            tile = R"({"boundingVolume": {"sphere": [0, 0, 0, 1]}, "geometricError": 1, "children": [)" + tile + "]}";
        tile.insert(1, R"("refine": "ADD", )");
        std::string url = kHost + "deep/tileset.json";
        server.serve(url, R"({"asset": {"version": "1.1"}, "geometricError": 1, "root": )" + tile + "}");
        ProbeResult result = probe(server, url);
        INFO(describe(result));
        CHECK(statusOf(result, "3dtiles.tiles") == Status::Warn);
        CHECK(statusOf(result, "3dtiles.refine") == Status::Pass);
    }
    SECTION("more than 10,000 tiles") {
        std::string children;
        for (int i = 0; i < 10050; ++i)
            children += std::string(i ? "," : "") + R"({"boundingVolume": {"box": [0,0,0,1,0,0,0,1,0,0,0,1]},)" +
                        R"("geometricError": 0, "transform": [1])" + "}";
        std::string url = kHost + "wide/tileset.json";
        server.serve(url, R"({"asset": {"version": "1.1"}, "geometricError": 1, "root": {"refine": "ADD",
            "boundingVolume": {"box": [0,0,0,1,0,0,0,1,0,0,0,1]}, "geometricError": 1, "children": [)" +
                              children + "]}}");
        ProbeResult result = probe(server, url);
        CHECK(statusOf(result, "3dtiles.tiles") == Status::Warn);
        // Every child's transform is broken: a few are listed, the rest counted.
        std::size_t listed = std::count_if(result.checks.begin(), result.checks.end(),
                                           [](const Check& check) { return check.id == "3dtiles.transform"; });
        CHECK(listed <= 11);
        CHECK(statusOf(result, "3dtiles.transform") == Status::Fail);
    }
}

TEST_CASE("3D Tiles: the request count never exceeds limits.maxRequests", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    std::vector<std::string> urls = samples.all();
    for (int i = 0; i < 8; ++i) {
        std::vector<std::string> uris;
        for (int j = 0; j < 5; ++j) uris.push_back("t" + std::to_string(i + 1) + "-" + std::to_string(j) + ".json");
        uris.push_back("tile.b3dm");
        for (int j = 0; j < 5; ++j)
            server.serve(kHost + "many/t" + std::to_string(i) + "-" + std::to_string(j) + ".json",
                         tilesetReferring(uris));
    }
    server.serve(kHost + "many/tile.b3dm", legacyTile("b3dm"));
    urls.push_back(kHost + "many/t0-0.json");
    for (const std::string& url : urls) {
        for (int max = 0; max <= 13; ++max) {
            server.requested.clear();
            Limits limits;
            limits.maxRequests = max;
            limits.maxExternalDepth = 10;
            ProbeResult result = probe(server, url, limits);
            INFO(url << " maxRequests " << max << "\n" << describe(result));
            CHECK(server.requested.size() <= static_cast<std::size_t>(max));
            for (const Check& check : result.checks) CHECK(check.status != Status::Fail);
        }
    }
}

TEST_CASE("3D Tiles: subtrees that are cut off or lie about their lengths", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    SECTION("read only in part: the magic is checked, the content not sampled") {
        Limits limits;
        limits.maxHeaderBytes = 40;
        ProbeResult result = probe(server, samples.quadtree, limits);
        INFO(describe(result));
        CHECK(statusOf(result, "3dtiles.implicitTiling") == Status::Pass);
        CHECK(statusOf(result, "3dtiles.content") == Status::Warn);
    }
    SECTION("a JSON length beyond the file") {
        std::string subtree = fixture("1.1__SparseImplicitQuadtree__subtrees__0.0.0.subtree");
        subtree[15] = '\x7f';
        server.serve(kHost + "quadtree/subtrees/0.0.0.subtree", subtree);
        ProbeResult result = probe(server, samples.quadtree);
        CHECK(statusOf(result, "3dtiles.implicitTiling") == Status::Fail);
    }
    SECTION("a bitstream beyond the binary chunk") {
        server.serve(
            kHost + "quadtree/subtrees/3.5.0.subtree",
            subtreeFile(R"({"buffers":[{"byteLength":8}],"bufferViews":[{"buffer":0,"byteOffset":)"
                        R"(18446744073709551615,"byteLength":3}],"tileAvailability":{"constant":1},)"
                        R"("contentAvailability":[{"bitstream":0}],"childSubtreeAvailability":{"constant":0}})",
                        std::string(8, '\0')));
        ProbeResult result = probe(server, samples.quadtree);
        INFO(describe(result));
        CHECK(statusOf(result, "3dtiles.content") == Status::Warn);
    }
}

namespace {

// The JSON Pointer of every value in `value` (the test's own data: recursion is fine here).
void collectPointers(const tweeling::common::JsonValue& value, const std::string& pointer,
                     std::vector<std::string>& out) {
    out.push_back(pointer);
    if (value.IsObject())
        for (const auto& member : value.GetObject())
            collectPointers(member.value, pointer + "/" + tweeling::common::escapePointerToken(member.name.GetString()),
                            out);
    if (value.IsArray())
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i)
            collectPointers(value[i], pointer + "/" + std::to_string(i), out);
}

}  // namespace

TEST_CASE("3D Tiles: any value of the real samples replaced by anything never throws", "[probe][3dtiles]") {
    FakeServer server;
    Samples samples = serveSamples(server);
    const std::pair<std::string, std::string> tilesets[] = {
        {samples.requestVolume, "1.0__TilesetWithRequestVolume__tileset.json"},
        {samples.discreteLod, "1.0__TilesetWithDiscreteLOD__tileset.json"},
        {samples.multipleContents, "1.1__MultipleContents__tileset.json"},
        {samples.quadtree, "1.1__SparseImplicitQuadtree__tileset.json"},
        {samples.octree, "1.1__SparseImplicitOctree__tileset.json"},
    };
    const char* const replacements[] = {"null", "\"x\"", "-1", "1e308", "-1e308", "[]", "{}", "[1e308, \"a\", null]"};
    std::size_t probes = 0;
    for (const auto& [url, file] : tilesets) {
        std::string text = fixture(file);
        Json doc;
        REQUIRE_FALSE(tweeling::common::parseUntrusted(text, doc));
        std::vector<std::string> pointers;
        collectPointers(doc, "", pointers);
        for (const std::string& pointer : pointers) {
            if (pointer.empty()) continue;
            for (const char* replacement : replacements) {
                std::string changed = edit(text, [&](Json& copy) { set(copy, pointer.c_str(), replacement); });
                ProbeResult result;
                INFO(url << " " << pointer << " = " << replacement);
                CHECK_NOTHROW(result = probeText(server, url, changed));
                CHECK_FALSE(result.checks.empty());
                ++probes;
            }
        }
        server.serve(url, text);
    }
    CHECK(probes > 1000);
}
