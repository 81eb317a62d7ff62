#pragma once
// What the files of the 3D Tiles probe share. tiles3d.cpp fetches the tileset and follows external
// tilesets; tiles3d_tileset.cpp checks one tileset document and walks its tiles; tiles3d_volume.cpp
// checks bounding volumes, regions and transforms and computes the root's volume facts;
// tiles3d_implicit.cpp checks implicit tiling and reads subtrees; tiles3d_content.cpp checks the
// magic of one content file. docs/PROBES.md lists the check ids.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "probe/probe.hpp"

namespace tweeling::federation::probe::tiles3d {

// The check ids, stable: reports, quality scores and searches name them.
inline constexpr const char* kReachable = "3dtiles.reachable";
inline constexpr const char* kContentType = "3dtiles.contentType";
inline constexpr const char* kJson = "3dtiles.json";
inline constexpr const char* kAssetVersion = "3dtiles.asset.version";
inline constexpr const char* kGeometricError = "3dtiles.geometricError";
inline constexpr const char* kTiles = "3dtiles.tiles";
inline constexpr const char* kBoundingVolume = "3dtiles.boundingVolume";
inline constexpr const char* kRegion = "3dtiles.region";
inline constexpr const char* kRefine = "3dtiles.refine";
inline constexpr const char* kTransform = "3dtiles.transform";
inline constexpr const char* kExtensions = "3dtiles.extensions";
inline constexpr const char* kExternal = "3dtiles.external";
inline constexpr const char* kImplicitTiling = "3dtiles.implicitTiling";
inline constexpr const char* kContents = "3dtiles.contents";
inline constexpr const char* kContent = "3dtiles.content";

// The walk of one document's tiles stops here (and warns), whatever the document holds: a 16 MiB
// tileset.json has room for some 100,000 tiles, and a sample of them tells as much.
inline constexpr std::size_t kMaxTilesWalked = 10000;
inline constexpr int kMaxTileDepth = 64;
// Each tile level is two levels of JSON (the children array and the tile), so the parser's usual
// nesting limit of 64 would refuse trees deeper than about 30 tiles, which real tilesets reach.
// Nothing walks a tileset's JSON recursively (the walk keeps its own stack), so a deeper limit is
// safe; beyond it the document is refused.
inline constexpr int kMaxTilesetJsonDepth = 512;
// External tilesets followed from each tileset document (the first ones, in tile order).
inline constexpr std::size_t kMaxExternalPerTileset = 4;

// Collects the checks of one probe. Problems (warn, fail) are kept as they come, at most
// kMaxProblemsPerCheck for each id (then counted); an id that applied and found no problem ends as
// one pass. So a tileset with 10,000 broken transforms reports a few of them, not 10,000.
class CheckLog {
public:
    static constexpr std::size_t kMaxProblemsPerCheck = 10;

    // The check applies. `message` says what was found; the first one given becomes the pass message,
    // unless `append`: then it is added to it (a check that runs in steps).
    void found(const char* id, std::string message, bool append = false);
    void problem(const char* id, Status status, std::string message, std::string pointer = {}, std::string url = {});
    // Appends every id in the order it was first named.
    void flushInto(std::vector<Check>& out) const;

private:
    struct Entry {
        std::string id;
        std::string passMessage;
        std::vector<Check> problems;
        std::size_t unlisted = 0;
        Status worstUnlisted = Status::Warn;
    };
    Entry& entry(const char* id);
    std::vector<Entry> m_entries;
};

// All requests of one probe go through here, so none can pass limits.maxRequests.
class Requests {
public:
    Requests(const Fetch& fetch, int maxRequests) : m_fetch(fetch), m_max(maxRequests < 0 ? 0 : maxRequests) {}
    // Nothing when the budget is spent.
    std::optional<FetchResponse> get(const std::string& url, std::size_t maxBytes);
    int left() const { return m_max - m_made; }
    int made() const { return m_made; }
    int max() const { return m_max; }

private:
    const Fetch& m_fetch;
    int m_max;
    int m_made = 0;
};

// Where a document's checks point: the URL relative references resolve against (after redirects),
// and the URL a check names (empty for the distribution's own tileset.json).
struct DocumentContext {
    std::string baseUrl;
    std::string reportUrl;
    std::string version;                // its asset.version
    bool gltfContentExtension = false;  // 3DTILES_content_gltf in its extensionsUsed (1.0 needs it for glTF)
    CheckLog* log = nullptr;
};

// A tile with implicit tiling (1.1 `implicitTiling`, or 1.0's 3DTILES_implicit_tiling extension), as
// far as it was well-formed enough to follow.
struct ImplicitTiling {
    int branching = 4;  // 4: QUADTREE, 8: OCTREE
    std::uint64_t subtreeLevels = 0;
    std::uint64_t availableLevels = 0;
    std::string subtreeTemplate;  // resolved against the document
    std::string contentTemplate;  // resolved; empty when the tile has no content
    std::string pointer;          // of the implicit tiling object
    std::string contentPointer;   // of the content template's uri
};

// The one content file the probe samples: the first found in tile order.
struct ContentSample {
    std::optional<ImplicitTiling> implicit;  // set: sample through the subtrees
    std::string url;                         // explicit content: resolved
    std::string pointer;                     // of the uri in the document
    DocumentContext document;
};

struct ExternalReference {
    std::string url;      // resolved, without fragment
    std::string pointer;  // of the uri in the referring document
};

// What checking one tileset document found to follow up.
struct TilesetScan {
    std::optional<ContentSample> content;
    std::vector<ExternalReference> externals;  // at most kMaxExternalPerTileset
};

// tiles3d_tileset.cpp: the structural checks of one parsed document (`doc` is an object). With
// `facts`, the document is the distribution's own and its facts are filled in.
TilesetScan checkTileset(const common::Json& doc, DocumentContext context, AssetFacts* facts);

// tiles3d_volume.cpp
enum class VolumeKind { Invalid, Box, Region, Sphere, Extension };
const char* volumeKindName(VolumeKind kind);
// Checks a boundingVolume-shaped object (a tile's, a content's or a viewerRequestVolume), and a
// region's ranges; reports only problems (the walk reports what it found).
VolumeKind checkBoundingVolume(const common::JsonValue& volume, const std::string& pointer,
                               const DocumentContext& context);
void checkTransform(const common::JsonValue& transform, const std::string& pointer, const DocumentContext& context);
// The root tile's volume as facts: its region, or the ECEF corners of its box or sphere.
void fillVolumeFacts(const common::JsonValue& root, AssetFacts& facts);
// Exactly `count` numbers (ints or doubles) into `out`.
bool readNumbers(const common::JsonValue* array, std::size_t count, double* out);

// tiles3d_implicit.cpp
// Checks an implicit tiling object at `pointer` of a tile whose content uris (templates, as written,
// with their pointers) are `contentTemplates`; returns it when it can be followed.
std::optional<ImplicitTiling> checkImplicitTiling(
    const common::JsonValue& implicit, const std::string& pointer,
    const std::vector<std::pair<std::string, std::string>>& contentTemplates, const DocumentContext& context);
// Fetches the level 0 subtree (3dtiles.implicitTiling) and, through the subtrees' availability, one
// available content file (3dtiles.content).
void sampleImplicit(const ContentSample& sample, Requests& requests, const Limits& limits);

// tiles3d_content.cpp
// Fetches the start of one content file and checks its magic (3dtiles.content).
void checkContentFile(const std::string& url, const std::string& pointer, const DocumentContext& context,
                      Requests& requests, const Limits& limits);

// Shared helpers (tiles3d.cpp).
std::string quoted(std::string_view text);  // "\"" + text cut to a readable length + "\""
std::string formatNumber(double value);
std::string pointerIndex(const std::string& pointer, std::size_t index);  // pointer + "/" + index
// Resolves a URI reference of a tileset against the document's URL; the result has no fragment.
std::string resolveReference(const std::string& baseUrl, std::string_view reference);
bool isJsonUri(std::string_view uri);  // its path ends in ".json": an external tileset
bool isHttpUrl(std::string_view url);
std::string failureOf(const FetchResponse& response);  // "HTTP 404", or the fetch's own sentence
// The unsigned little-endian integer of `size` bytes at `at` (binary 3D Tiles headers are little-endian);
// `bytes` must hold them.
std::uint64_t readLittleEndian(std::string_view bytes, std::size_t at, int size);

}  // namespace tweeling::federation::probe::tiles3d
