#include <catch2/catch.hpp>
#include <cstdint>
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

const std::string kUrl = "https://data.example.nl/models/building.glb";
const std::string kGltfUrl = "https://data.example.nl/models/building.gltf";

const std::string kGlb = fixture("3d-tiles/1.1__SparseImplicitQuadtree__content__content_5__0_21.glb");
constexpr std::size_t kJsonChunkLength = 1064;

void putU32(std::string& bytes, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

ProbeResult probeAt(const std::string& url, const std::string& bytes, const Limits& limits = {}) {
    FakeFetch server;
    server.serve(url, bytes, "model/gltf-binary");
    return probeDistribution("gltf", url, "model/gltf-binary", server.fetch(), limits);
}

}  // namespace

TEST_CASE("a real GLB passes: version 2, its length, its JSON chunk, asset.version 2.0") {
    ProbeResult result = probeAt(kUrl, kGlb);
    CHECK(result.reachable);
    CHECK(problemsOf(result) == "");
    CHECK(idsOf(result) == std::vector<std::string>{"gltf.header", "gltf.asset.version"});
    CHECK(result.facts.version == "2.0");
}

TEST_CASE("a JSON chunk beyond the first bytes is read with a second request, within the document limit") {
    Limits limits;
    limits.maxHeaderBytes = 100;
    FakeFetch server;
    server.serve(kUrl, kGlb);
    ProbeResult result = probeDistribution("gltf", kUrl, "", server.fetch(), limits);
    CHECK(problemsOf(result) == "");
    REQUIRE(server.requests().size() == 2);
    CHECK(server.requests()[1].second == 20 + kJsonChunkLength);

    limits.maxDocumentBytes = 500;
    ProbeResult tooLarge = probeAt(kUrl, kGlb, limits);
    CHECK(statusOf(tooLarge, "gltf.header") == "pass");
    CHECK(statusOf(tooLarge, "gltf.asset.version") == "warn");
}

TEST_CASE("each glTF check fires on a broken copy of the real GLB") {
    SECTION("wrong magic") {
        ProbeResult result = probeAt(kUrl, replaced(kGlb, "glTF", "glTX"));
        CHECK(statusOf(result, "gltf.header") == "fail");
        CHECK(result.checks.size() == 1);
    }
    SECTION("version 1") {
        std::string bytes = kGlb;
        putU32(bytes, 4, 1);
        CHECK(statusOf(probeAt(kUrl, bytes), "gltf.header") == "fail");
    }
    SECTION("a length field that is not the file's length") {
        std::string bytes = kGlb;
        putU32(bytes, 8, 1000);
        CHECK(messageOf(probeAt(kUrl, bytes), "gltf.header").find("says 1000 bytes") != std::string::npos);
        CHECK(statusOf(probeAt(kUrl, kGlb.substr(0, 600)), "gltf.header") == "fail");
        // Read in part, the length must be more than what was read.
        Limits limits;
        limits.maxHeaderBytes = 100;
        putU32(bytes, 8, 90);
        CHECK(statusOf(probeAt(kUrl, bytes, limits), "gltf.header") == "fail");
    }
    SECTION("a first chunk that is not JSON") {
        std::string bytes = kGlb;
        bytes.replace(16, 4, std::string("BIN\0", 4));
        CHECK(statusOf(probeAt(kUrl, bytes), "gltf.header") == "fail");
    }
    SECTION("a JSON chunk longer than the file") {
        std::string bytes = kGlb;
        putU32(bytes, 12, 5000);
        CHECK(statusOf(probeAt(kUrl, bytes), "gltf.header") == "fail");
    }
    SECTION("asset.version 1.0, none, or a chunk that is not JSON") {
        ProbeResult old = probeAt(kUrl, replaced(kGlb, "\"version\":\"2.0\"", "\"version\":\"1.0\""));
        CHECK(statusOf(old, "gltf.asset.version") == "fail");
        CHECK(old.checks.back().pointer == "/asset/version");
        CHECK(statusOf(probeAt(kUrl, replaced(kGlb, "\"version\":\"2.0\"", "\"versiox\":\"2.0\"")),
                       "gltf.asset.version") == "fail");
        CHECK(statusOf(probeAt(kUrl, replaced(kGlb, "{\"accessors\"", "[\"accessors\"")), "gltf.asset.version") ==
              "fail");
    }
}

TEST_CASE("a .gltf JSON document is read whole and its asset.version checked") {
    std::string json = kGlb.substr(20, kJsonChunkLength);
    ProbeResult result = probeAt(kGltfUrl, json);
    CHECK(problemsOf(result) == "");
    CHECK(result.facts.version == "2.0");

    Limits limits;
    limits.maxHeaderBytes = 100;  // read again up to the document limit
    CHECK(problemsOf(probeAt(kGltfUrl, json, limits)) == "");
    limits.maxDocumentBytes = 200;
    CHECK(statusOf(probeAt(kGltfUrl, json, limits), "gltf.header") == "warn");

    CHECK(statusOf(probeAt(kGltfUrl, json.substr(0, 500)), "gltf.asset.version") == "fail");
    CHECK(statusOf(probeAt(kGltfUrl, "<html>not found</html>"), "gltf.header") == "fail");
}

TEST_CASE("an unreachable glTF is reported as link.reachable; no prefix of the GLB makes the probe throw") {
    FakeFetch server;
    server.answer(kUrl, 410);
    ProbeResult gone = probeDistribution("gltf", kUrl, "", server.fetch());
    CHECK(statusOf(gone, "link.reachable") == "fail");
    CHECK(messageOf(gone, "link.reachable").find("HTTP 410") != std::string::npos);
    for (std::size_t size = 0; size <= kGlb.size(); ++size) {
        ProbeResult result;
        REQUIRE_NOTHROW(result = probeAt(kUrl, kGlb.substr(0, size)));
        REQUIRE_FALSE(result.checks.empty());
    }
}
