#pragma once
// Asset probes: a hub looks inside the files and services a record's distributions point at, and
// checks them against what the 3D formats require and against what the record claims (CRS, extent,
// LoD). One file per format (tiles3d.cpp, cityjson.cpp, ...), all behind the types below: a probe
// gets the distribution's URL and a Fetch, makes a bounded number of bounded requests through it,
// and returns its checks and the facts it found. Probes never touch the network themselves, so
// tests drive them with files (tests/federation/probe/), and the runner (runner.hpp) decides the
// network edges: the address policy, timeouts, byte caps and requests in flight per host.
//
// Check ids are stable ("<format>.<what>", e.g. "3dtiles.region"): reports, quality scores and
// searches use them. docs/PROBES.md lists every id, what it checks and why.
#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::federation::probe {

enum class Status { Pass, Warn, Fail };
const char* statusName(Status status);  // "pass" | "warn" | "fail"

struct Check {
    std::string id;       // stable: "<format>.<what>"
    Status status = Status::Pass;
    std::string message;  // one English sentence a publisher understands; for a pass, what was found
    std::string pointer;  // JSON Pointer of the place in the asset's JSON document ("" when none)
    std::string url;      // the file the check is about, when not the distribution's own URL
};

// One response, as a probe sees it.
struct FetchResponse {
    bool ok = false;          // 2xx (206 for a range request)
    long status = 0;          // HTTP status; 0 when there was no response
    std::string body;         // at most the bytes asked for
    bool truncated = false;   // the body was cut at the bytes asked for (more was there)
    std::string contentType;  // lower case, without parameters ("application/json")
    std::string finalUrl;     // after redirects (relative URIs in the body resolve against it)
    std::string error;        // when !ok: a sentence for the report ("HTTP 404", "timed out after 10 s")
};

// Fetches at most `maxBytes` of `url`'s body (asked for with an HTTP Range; a server that ignores
// Range is cut off at maxBytes and the response is `truncated`, not an error).
using Fetch = std::function<FetchResponse(const std::string& url, std::size_t maxBytes)>;

struct Limits {
    std::size_t maxDocumentBytes = 16u << 20;  // a JSON document (tileset.json, CityJSON, I3S layer)
    std::size_t maxHeaderBytes = 64u << 10;    // the start of a binary file (GLB, LAS, b3dm, IFC)
    int maxExternalDepth = 3;                  // 3D Tiles: external tilesets followed this deep
    int maxRequests = 12;                      // all requests of one distribution's probe together
};

// What a probe learned about an asset, compared with the record's claims (claims.hpp) and read by
// the assembly of the national tileset. Empty members: not found or not applicable.
struct AssetFacts {
    std::string version;             // the format's version as the asset states it ("1.1", "2.0")
    // CRSs the asset declares, as "EPSG:<code>" (a compound CRS as itself, e.g. "EPSG:7415"), or as
    // the WKT or URI found when it has no EPSG code.
    std::vector<std::string> crs;
    // The asset's extent [minx, miny, maxx, maxy] in `extentCrs` (its own CRS, in the CRS's
    // east/north order; "OGC:CRS84" for longitude/latitude in degrees).
    std::optional<std::array<double, 4>> extent;
    std::string extentCrs;
    std::vector<std::string> lods;   // CityJSON: the LoDs present in the geometries ("2.2", ...)
    // 3D Tiles: the root's bounding volume as a region in radians [west, south, east, north,
    // minimum height, maximum height] (WGS 84), when the root has a region; otherwise the corners
    // of its box or sphere in ECEF metres (EPSG:4978) with the root transform applied, to be turned
    // into a region with PROJ (claims.cpp).
    std::optional<std::array<double, 6>> region;
    std::vector<std::array<double, 3>> ecefCorners;
    std::optional<double> geometricError;  // the tileset's top-level geometricError
    std::vector<std::string> extensionsUsed, extensionsRequired;
};

struct ProbeResult {
    std::string format;          // the distribution's format ("3dtiles", "cityjson", ...)
    std::vector<Check> checks;   // in the order they ran
    AssetFacts facts;
    bool reachable = false;      // the distribution's URL answered with a 2xx
};

// Probes one distribution of the given twin format (record/vocabulary.hpp: "3dtiles", "cityjson",
// "cityjsonseq", "gltf", "las", "laz", "copc", "i3s", "ifc", "ogcapi-features", ...). `mediaType`
// is the record's claim, checked against the Content-Type the server sends. Never throws on
// anything the server sends.
ProbeResult probeDistribution(const std::string& format, const std::string& url, const std::string& mediaType,
                              const Fetch& fetch, const Limits& limits = {});

// The per-format probes (one file each). Each adds its checks and facts to `result`.
void probe3dTiles(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result);
void probeCityJson(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result);  // CityJSON and CityJSONSeq
void probeGltf(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result);
void probePointCloud(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result);  // LAS, LAZ, COPC
void probeI3s(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result);
void probeIfc(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result);
void probeOgcApi(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result);  // Features, 3D GeoVolumes
void probeLink(const std::string& url, const std::string& mediaType, const Fetch& fetch, const Limits& limits,
               ProbeResult& result);  // any other format: answers, and its Content-Type fits

}  // namespace tweeling::federation::probe
