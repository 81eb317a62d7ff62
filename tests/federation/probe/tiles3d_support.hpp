#pragma once
// What the 3D Tiles probe tests share: a fake server behind the probe's Fetch, the real samples served
// at the URLs they reference (tests/fixtures/3d-tiles/), made-up content headers, and editing a
// tileset's JSON to break it.
#include <rapidjson/pointer.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "probe/probe.hpp"
#include "support/http_client.hpp"

namespace tweeling::test::tiles3d {

using federation::probe::Check;
using federation::probe::Fetch;
using federation::probe::FetchResponse;
using federation::probe::Limits;
using federation::probe::ProbeResult;
using federation::probe::Status;

inline std::string fixture(const std::string& name) {
    return readFile(sourcePath("tests/fixtures/3d-tiles/" + name));
}

// Serves a map of URL -> bytes (404 otherwise), honouring maxBytes as a server that ignores Range
// would be cut off: the body is truncated and `truncated` set. Every request is recorded.
class FakeServer {
public:
    void serve(const std::string& url, std::string body, std::string contentType = "application/json") {
        m_files[url] = File{std::move(body), std::move(contentType)};
    }
    void redirect(const std::string& from, const std::string& to) { m_redirects[from] = to; }

    Fetch fetch() {
        return [this](const std::string& url, std::size_t maxBytes) {
            requested.push_back(url);
            FetchResponse response;
            std::string target = m_redirects.count(url) ? m_redirects[url] : url;
            auto it = m_files.find(target);
            if (it == m_files.end()) {
                response.status = 404;
                response.error = "HTTP 404";
                return response;
            }
            response.ok = true;
            response.status = 200;
            response.finalUrl = target;
            response.contentType = it->second.contentType;
            response.body = it->second.body.substr(0, maxBytes);
            response.truncated = it->second.body.size() > maxBytes;
            return response;
        };
    }

    std::vector<std::string> requested;

private:
    struct File {
        std::string body, contentType;
    };
    std::map<std::string, File> m_files;
    std::map<std::string, std::string> m_redirects;
};

inline ProbeResult probe(FakeServer& server, const std::string& url, const Limits& limits = {}) {
    ProbeResult result;
    result.format = "3dtiles";
    federation::probe::probe3dTiles(url, server.fetch(), limits, result);
    return result;
}

// Serves `text` as the tileset at `url` (replacing what was there) and probes it.
inline ProbeResult probeText(FakeServer& server, const std::string& url, const std::string& text,
                             const Limits& limits = {}) {
    server.serve(url, text);
    return probe(server, url, limits);
}

inline const char* name(Status status) {
    return status == Status::Pass ? "pass" : status == Status::Warn ? "warn" : "fail";
}

// Every check, one a line, for INFO.
inline std::string describe(const ProbeResult& result) {
    std::string out;
    for (const Check& check : result.checks)
        out += std::string(name(check.status)) + " " + check.id + " " + check.pointer + " " + check.url + ": " +
               check.message + "\n";
    return out;
}

// The worst status of the checks with this id; none when the check did not run.
inline std::optional<Status> statusOf(const ProbeResult& result, const std::string& id) {
    std::optional<Status> worst;
    for (const Check& check : result.checks) {
        if (check.id != id) continue;
        if (!worst || static_cast<int>(check.status) > static_cast<int>(*worst)) worst = check.status;
    }
    return worst;
}

// The first warn or fail of this id (a copy: results are often temporaries).
inline std::optional<Check> problemOf(const ProbeResult& result, const std::string& id) {
    for (const Check& check : result.checks)
        if (check.id == id && check.status != Status::Pass) return check;
    return std::nullopt;
}

inline bool hasProblems(const ProbeResult& result) {
    for (const Check& check : result.checks)
        if (check.status != Status::Pass) return true;
    return false;
}

// The tileset text after `change` was applied to its JSON.
inline std::string edit(const std::string& text, const std::function<void(common::Json&)>& change) {
    common::Json doc;
    REQUIRE_FALSE(common::parseUntrusted(text, doc, 512));
    change(doc);
    return common::toString(doc);
}

inline void set(common::Json& doc, const char* pointer, const std::string& json) {
    common::Json value(&doc.GetAllocator());
    REQUIRE_FALSE(common::parseUntrusted(json, value));
    rapidjson::Pointer(pointer).Set(doc, value);
}

inline void erase(common::Json& doc, const char* pointer) {
    REQUIRE(rapidjson::Pointer(pointer).Erase(doc));
}

inline void appendLittleEndian(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

// A made-up legacy tile (b3dm, pnts: 28 bytes of header; i3dm: 32; cmpt: 16) with empty tables.
inline std::string legacyTile(const std::string& magic, std::uint32_t headerBytes = 28, std::uint32_t version = 1) {
    std::string out = magic;
    appendLittleEndian(out, version, 4);
    appendLittleEndian(out, headerBytes, 4);
    out.resize(headerBytes, '\0');
    return out;
}

// A made-up GLB: header and one JSON chunk holding just the asset.
inline std::string glbFile(std::uint32_t version = 2) {
    std::string json = R"({"asset":{"version":"2.0"}})";
    while (json.size() % 4) json += ' ';
    std::string out = "glTF";
    appendLittleEndian(out, version, 4);
    appendLittleEndian(out, 12 + 8 + json.size(), 4);
    appendLittleEndian(out, json.size(), 4);
    out += "JSON" + json;
    return out;
}

// A binary subtree: header, JSON padded to 8 bytes, binary chunk.
inline std::string subtreeFile(std::string json, const std::string& binary) {
    while (json.size() % 8) json += ' ';
    std::string out = "subt";
    appendLittleEndian(out, 1, 4);
    appendLittleEndian(out, json.size(), 8);
    appendLittleEndian(out, binary.size(), 8);
    return out + json + binary;
}

inline const std::string kHost = "https://tiles.example/";

// The real samples at the URLs they reference, with made-up content where the sample's own file is
// not in the fixtures. Each entry: the tileset's URL.
struct Samples {
    std::string discreteLod = kHost + "lod/tileset.json";
    std::string requestVolume = kHost + "request-volume/tileset.json";
    std::string city = kHost + "request-volume/city/tileset.json";
    std::string treeBillboards = kHost + "trees/tileset.json";
    std::string boundingBox = kHost + "box/tileset.json";
    std::string metadata = kHost + "metadata/tileset.json";
    std::string multipleContents = kHost + "multiple/tileset.json";
    std::string quadtree = kHost + "quadtree/tileset.json";
    std::string octree = kHost + "octree/tileset.json";

    std::vector<std::string> all() const {
        return {discreteLod, requestVolume,    city,     treeBillboards, boundingBox,
                metadata,    multipleContents, quadtree, octree};
    }
};

// The level 3 subtree (x 5, y 0) that the real quadtree's level 0 subtree makes available first
// (Morton index 17 of level 3). The file is not in the fixtures: this one is rebuilt with the JSON and
// availability bytes that 3d-tiles-samples publishes for that subtree of the sample (tile
// availability 0xd3 0x00 0x0c, content availability 0xc0 0x00 0x0c), so its first content is tile
// index 6 (its level 2, Morton 1): level 5, x 21, y 0 of the tree.
inline std::string quadtreeSubtree350() {
    const unsigned char binary[16] = {0xd3, 0x00, 0x0c, 0, 0, 0, 0, 0, 0xc0, 0x00, 0x0c, 0, 0, 0, 0, 0};
    return subtreeFile(
        R"({"buffers":[{"byteLength":16}],"bufferViews":[{"buffer":0,"byteOffset":0,"byteLength":3},)"
        R"({"buffer":0,"byteOffset":8,"byteLength":3}],"tileAvailability":{"bitstream":0,"availableCount":7},)"
        R"("contentAvailability":[{"bitstream":1,"availableCount":4}],)"
        R"("childSubtreeAvailability":{"availableCount":0,"constant":0}})",
        std::string(reinterpret_cast<const char*>(binary), sizeof binary));
}

inline Samples serveSamples(FakeServer& server) {
    Samples s;
    server.serve(s.discreteLod, fixture("1.0__TilesetWithDiscreteLOD__tileset.json"));
    server.serve(kHost + "lod/dragon_low.b3dm", legacyTile("b3dm"), "application/octet-stream");
    server.serve(s.requestVolume, fixture("1.0__TilesetWithRequestVolume__tileset.json"));
    server.serve(s.city, fixture("1.0__TilesetWithRequestVolume__city__tileset.json"));
    server.serve(kHost + "request-volume/building.b3dm", legacyTile("b3dm"));
    server.serve(kHost + "request-volume/city/ll.b3dm", legacyTile("b3dm"));
    server.serve(kHost + "request-volume/city/ul.b3dm", fixture("1.0__TilesetWithRequestVolume__city__ul.b3dm"));
    server.serve(s.treeBillboards, fixture("1.0__TilesetWithTreeBillboards__tileset.json"));
    server.serve(kHost + "trees/tree_billboard.i3dm", legacyTile("i3dm", 32));
    server.serve(s.boundingBox, fixture("1.1__BoundingBoxTests__0_0_0-1_1_2__tileset.json"));
    server.serve(kHost + "box/0_0_0-1_1_2.glb", glbFile(), "model/gltf-binary");
    server.serve(s.metadata, fixture("1.1__MetadataGranularities__tileset.json"));
    server.serve(kHost + "metadata/house-3-0.glb", glbFile());
    server.serve(s.multipleContents, fixture("1.1__MultipleContents__tileset.json"));
    server.serve(kHost + "multiple/planeTriangles.glb", glbFile());
    server.serve(s.quadtree, fixture("1.1__SparseImplicitQuadtree__tileset.json"));
    server.serve(kHost + "quadtree/subtrees/0.0.0.subtree",
                 fixture("1.1__SparseImplicitQuadtree__subtrees__0.0.0.subtree"));
    server.serve(kHost + "quadtree/subtrees/3.5.0.subtree", quadtreeSubtree350());
    server.serve(kHost + "quadtree/content/content_5__21_0.glb", glbFile());
    server.serve(kHost + "quadtree/content/content_5__0_21.glb",
                 fixture("1.1__SparseImplicitQuadtree__content__content_5__0_21.glb"));
    server.serve(s.octree, fixture("1.1__SparseImplicitOctree__tileset.json"));
    server.serve(kHost + "octree/subtrees/0.0.0.0.subtree",
                 subtreeFile(R"({"tileAvailability":{"constant":1},"contentAvailability":[{"constant":1}],)"
                             R"("childSubtreeAvailability":{"constant":0}})",
                             ""));
    server.serve(kHost + "octree/content/content_0__0_0_0.glb", glbFile());
    return s;
}

}  // namespace tweeling::test::tiles3d
