// The structural checks of one tileset document: asset, geometric errors, extensions, and a walk of
// its tiles (bounding volumes, refinement, transforms, content, implicit tiling), collecting what the
// probe follows up: external tilesets and the first content file.
#include <algorithm>
#include <utility>

#include "common/text.hpp"
#include "probe/tiles3d_internal.hpp"

namespace tweeling::federation::probe::tiles3d {
namespace {

using common::JsonValue;
using common::member;
using common::stringMember;

void checkAsset(const JsonValue& doc, DocumentContext& context) {
    CheckLog& log = *context.log;
    const JsonValue* asset = member(doc, "asset");
    if (!asset || !asset->IsObject()) {
        log.problem(kAssetVersion, Status::Fail, "The tileset has no asset object; asset.version is required.",
                    "/asset", context.reportUrl);
        return;
    }
    std::optional<std::string_view> version = stringMember(*asset, "version");
    if (!version) {
        log.problem(kAssetVersion, Status::Fail, "asset.version is missing or not a string; it is required.",
                    "/asset/version", context.reportUrl);
        return;
    }
    context.version = std::string(*version);
    if (*version == "1.0" || *version == "1.1") {
        log.found(kAssetVersion, "asset.version is " + quoted(*version) + ".");
        return;
    }
    log.problem(kAssetVersion, Status::Warn,
                "asset.version is " + quoted(*version) +
                    "; this probe knows 3D Tiles 1.0 and 1.1, and clients may not read other versions.",
                "/asset/version", context.reportUrl);
}

// Required, a number, not negative: a client compares it with the screen-space error to decide
// whether to refine at all.
std::optional<double> checkGeometricError(const JsonValue& object, const std::string& pointer,
                                          const DocumentContext& context, const char* what) {
    const JsonValue* value = member(object, "geometricError");
    std::string at = pointer + "/geometricError";
    if (!value) {
        context.log->problem(kGeometricError, Status::Fail,
                             std::string(what) + " has no geometricError; it is required.", at, context.reportUrl);
        return std::nullopt;
    }
    if (!value->IsNumber()) {
        context.log->problem(kGeometricError, Status::Fail, std::string(what) + "'s geometricError is not a number.",
                             at, context.reportUrl);
        return std::nullopt;
    }
    double error = value->GetDouble();
    if (error < 0) {
        context.log->problem(
            kGeometricError, Status::Fail,
            std::string(what) + "'s geometricError is " + formatNumber(error) + "; it must be 0 or more.", at,
            context.reportUrl);
        return std::nullopt;
    }
    return error;
}

std::vector<std::string> readStringList(const JsonValue* list, const char* name, const DocumentContext& context) {
    std::vector<std::string> out;
    if (!list) return out;
    if (!list->IsArray()) {
        context.log->problem(kExtensions, Status::Fail, std::string(name) + " is not an array of names.",
                             std::string("/") + name, context.reportUrl);
        return out;
    }
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        const JsonValue& item = (*list)[i];
        if (item.IsString())
            out.emplace_back(item.GetString(), item.GetStringLength());
        else
            context.log->problem(kExtensions, Status::Fail, std::string(name) + " holds something that is not a name.",
                                 pointerIndex(std::string("/") + name, i), context.reportUrl);
    }
    return out;
}

// A client must refuse a tileset whose required extension it does not know; one that is required but
// not declared as used is a contradiction clients read differently.
void checkExtensionLists(const JsonValue& doc, DocumentContext& context, AssetFacts* facts) {
    std::vector<std::string> used = readStringList(member(doc, "extensionsUsed"), "extensionsUsed", context);
    std::vector<std::string> required =
        readStringList(member(doc, "extensionsRequired"), "extensionsRequired", context);
    for (std::size_t i = 0; i < required.size(); ++i)
        if (std::find(used.begin(), used.end(), required[i]) == used.end())
            context.log->problem(kExtensions, Status::Fail,
                                 "extensionsRequired names " + quoted(required[i]) +
                                     ", which extensionsUsed does not list; every required extension must also be "
                                     "listed as used.",
                                 pointerIndex("/extensionsRequired", i), context.reportUrl);
    context.gltfContentExtension = std::find(used.begin(), used.end(), "3DTILES_content_gltf") != used.end();
    if (used.empty() && required.empty())
        context.log->found(kExtensions, "The tileset declares no extensions.");
    else
        context.log->found(kExtensions, "The tileset uses " + std::to_string(used.size()) + " extension(s), " +
                                            std::to_string(required.size()) + " of them required.");
    if (facts) {
        facts->extensionsUsed = used;
        facts->extensionsRequired = required;
    }
}

struct PendingTile {
    const JsonValue* tile;
    std::string pointer;
    int depth;
};

// One document's tiles, depth first in document order (so "the first content" is the first a reader
// of the file sees), with its own stack: no recursion however deep the tree.
class TileWalk {
public:
    TileWalk(const DocumentContext& context, TilesetScan& scan)
        : m_context(context), m_log(*context.log), m_scan(scan) {}

    void run(const JsonValue& root) {
        std::vector<PendingTile> stack{{&root, "/root", 0}};
        while (!stack.empty()) {
            if (m_walked == kMaxTilesWalked) {
                m_log.problem(kTiles, Status::Warn,
                              "The tileset has more than " + std::to_string(kMaxTilesWalked) +
                                  " tiles; the probe checked the first ones only.",
                              "", m_context.reportUrl);
                break;
            }
            PendingTile next = std::move(stack.back());
            stack.pop_back();
            ++m_walked;
            m_deepest = std::max(m_deepest, next.depth);
            if (!next.tile->IsObject()) {
                m_log.problem(kTiles, Status::Fail, "A tile is not a JSON object.", next.pointer, m_context.reportUrl);
                continue;
            }
            checkTile(*next.tile, next.pointer, next.depth == 0);
            pushChildren(*next.tile, next, stack);
        }
        report();
    }

private:
    void pushChildren(const JsonValue& tile, const PendingTile& parent, std::vector<PendingTile>& stack) {
        const JsonValue* children = member(tile, "children");
        if (!children) return;
        std::string at = parent.pointer + "/children";
        if (!children->IsArray()) {
            m_log.problem(kTiles, Status::Fail, "children is not an array of tiles.", at, m_context.reportUrl);
            return;
        }
        if (children->Empty()) return;
        if (parent.depth >= kMaxTileDepth) {
            if (!m_depthCut)
                m_log.problem(kTiles, Status::Warn,
                              "Tiles are nested deeper than " + std::to_string(kMaxTileDepth) +
                                  " levels; the probe did not check the deeper ones.",
                              at, m_context.reportUrl);
            m_depthCut = true;
            return;
        }
        for (rapidjson::SizeType i = children->Size(); i-- > 0;)
            stack.push_back(PendingTile{&(*children)[i], pointerIndex(at, i), parent.depth + 1});
    }

    void checkTile(const JsonValue& tile, const std::string& pointer, bool isRoot) {
        const JsonValue* volume = member(tile, "boundingVolume");
        if (!volume) {
            m_log.problem(kBoundingVolume, Status::Fail, "The tile has no boundingVolume; every tile needs one.",
                          pointer + "/boundingVolume", m_context.reportUrl);
        } else {
            VolumeKind kind = checkBoundingVolume(*volume, pointer + "/boundingVolume", m_context);
            countVolume(kind);
            if (isRoot) m_rootVolume = volumeKindName(kind);
        }
        if (const JsonValue* request = member(tile, "viewerRequestVolume"))
            countVolume(checkBoundingVolume(*request, pointer + "/viewerRequestVolume", m_context));
        checkGeometricError(tile, pointer, m_context, isRoot ? "The root tile" : "A tile");
        checkRefine(tile, pointer, isRoot);
        if (const JsonValue* transform = member(tile, "transform")) {
            checkTransform(*transform, pointer + "/transform", m_context);
            ++m_transforms;
        }
        std::vector<std::pair<std::string, std::string>> uris = readContents(tile, pointer);
        if (!checkImplicit(tile, pointer, uris)) noteContents(uris);
    }

    void countVolume(VolumeKind kind) {
        ++m_volumes;
        if (kind == VolumeKind::Region) ++m_regions;
    }

    // ADD or REPLACE, exactly: the schema's enum is case-sensitive, and a client that does not know
    // the value may fall back to either. The root must say it; other tiles inherit their parent's.
    void checkRefine(const JsonValue& tile, const std::string& pointer, bool isRoot) {
        const JsonValue* refine = member(tile, "refine");
        std::string at = pointer + "/refine";
        if (!refine) {
            if (isRoot)
                m_log.problem(kRefine, Status::Fail,
                              "The root tile has no refine; 3D Tiles requires ADD or REPLACE on the root (other "
                              "tiles inherit it).",
                              at, m_context.reportUrl);
            return;
        }
        std::optional<std::string_view> value = stringMember(tile, "refine");
        if (value && (*value == "ADD" || *value == "REPLACE")) {
            if (isRoot) m_rootRefine = std::string(*value);
            return;
        }
        std::string message = "refine is " + (value ? quoted(*value) : std::string("not a string")) +
                              "; it must be \"ADD\" or \"REPLACE\"";
        if (value && (common::equalsIgnoreCaseAscii(*value, "add") || common::equalsIgnoreCaseAscii(*value, "replace")))
            message += " (upper case: the values are case-sensitive)";
        m_log.problem(kRefine, Status::Fail, message + ".", at, m_context.reportUrl);
    }

    // The content objects of a tile (`content`, or 1.1's `contents`), as (uri, pointer of the uri).
    std::vector<std::pair<std::string, std::string>> readContents(const JsonValue& tile, const std::string& pointer) {
        std::vector<std::pair<std::string, std::string>> uris;
        const JsonValue* content = member(tile, "content");
        const JsonValue* contents = member(tile, "contents");
        if (content && contents)
            m_log.problem(kContents, Status::Fail,
                          "The tile has both content and contents; a tile has one or the other.", pointer,
                          m_context.reportUrl);
        if (content) readContent(*content, pointer + "/content", uris);
        if (!contents) return uris;
        std::string at = pointer + "/contents";
        if (m_context.version == "1.0")
            m_log.problem(kContents, Status::Warn,
                          "contents is 3D Tiles 1.1 (in 1.0 it is the 3DTILES_multiple_contents extension); a 1.0 "
                          "client ignores it.",
                          at, m_context.reportUrl);
        if (!contents->IsArray() || contents->Empty()) {
            m_log.problem(kContents, Status::Fail, "contents is not an array of one or more content objects.", at,
                          m_context.reportUrl);
            return uris;
        }
        for (rapidjson::SizeType i = 0; i < contents->Size(); ++i)
            readContent((*contents)[i], pointerIndex(at, i), uris);
        return uris;
    }

    void readContent(const JsonValue& content, const std::string& at,
                     std::vector<std::pair<std::string, std::string>>& uris) {
        ++m_contents;
        if (!content.IsObject()) {
            m_log.problem(kContents, Status::Fail, "A content is not an object with a uri.", at, m_context.reportUrl);
            return;
        }
        if (const JsonValue* volume = member(content, "boundingVolume"))
            countVolume(checkBoundingVolume(*volume, at + "/boundingVolume", m_context));
        std::optional<std::string_view> uri = stringMember(content, "uri");
        std::string uriPointer = at + "/uri";
        if (!uri) {
            uri = stringMember(content, "url");
            if (!uri) {
                m_log.problem(kContents, Status::Fail, "The content has no uri.", uriPointer, m_context.reportUrl);
                return;
            }
            uriPointer = at + "/url";
            m_log.problem(kContents, Status::Warn,
                          "The content names its file in url, as tilesets before 3D Tiles 1.0 did; 1.0 and 1.1 "
                          "call it uri, and current clients do not read url.",
                          uriPointer, m_context.reportUrl);
        }
        if (uri->empty()) {
            m_log.problem(kContents, Status::Fail, "The content's uri is empty.", uriPointer, m_context.reportUrl);
            return;
        }
        uris.emplace_back(std::string(*uri), uriPointer);
    }

    // A tile with implicit tiling: its content uris are templates, followed through the subtrees
    // rather than as files. Returns whether the tile has implicit tiling.
    bool checkImplicit(const JsonValue& tile, const std::string& pointer,
                       const std::vector<std::pair<std::string, std::string>>& uris) {
        std::string at = pointer + "/implicitTiling";
        const JsonValue* implicit = member(tile, "implicitTiling");
        if (implicit && m_context.version == "1.0")
            m_log.problem(kImplicitTiling, Status::Warn,
                          "implicitTiling is 3D Tiles 1.1 (in 1.0 it is the 3DTILES_implicit_tiling extension); a "
                          "1.0 client ignores it.",
                          at, m_context.reportUrl);
        if (!implicit) {
            const JsonValue* extensions = member(tile, "extensions");
            implicit = extensions ? member(*extensions, "3DTILES_implicit_tiling") : nullptr;
            at = pointer + "/extensions/3DTILES_implicit_tiling";
        }
        if (!implicit) return false;
        std::optional<ImplicitTiling> tiling = checkImplicitTiling(*implicit, at, uris, m_context);
        // The first implicit tile is sampled through its subtrees (its level 0 subtree at least, even
        // when it has no content) unless an explicit content came first.
        if (tiling && !m_scan.content) m_scan.content = ContentSample{tiling, {}, pointer, m_context};
        return true;
    }

    void noteContents(const std::vector<std::pair<std::string, std::string>>& uris) {
        for (const auto& [uri, uriPointer] : uris) {
            std::string resolved = resolveReference(m_context.baseUrl, uri);
            if (isJsonUri(uri)) {
                bool known = std::any_of(m_scan.externals.begin(), m_scan.externals.end(),
                                         [&](const ExternalReference& e) { return e.url == resolved; });
                if (!known && m_scan.externals.size() < kMaxExternalPerTileset)
                    m_scan.externals.push_back(ExternalReference{resolved, uriPointer});
            } else if (!m_scan.content) {
                m_scan.content = ContentSample{std::nullopt, resolved, uriPointer, m_context};
            }
        }
    }

    void report() {
        std::string where = m_context.reportUrl.empty() ? "" : " in " + m_context.reportUrl;
        m_log.found(kTiles, "Walked " + std::to_string(m_walked) + " tile(s)" + where + ", " +
                                std::to_string(m_deepest + 1) + " level(s) deep.");
        m_log.found(kGeometricError, "The tileset's and every walked tile's geometricError is a number of 0 or more.");
        if (m_volumes > 0)
            m_log.found(kBoundingVolume, "Checked " + std::to_string(m_volumes) + " bounding volume(s)" + where +
                                             "; the root's is a " + m_rootVolume + ".");
        if (m_regions > 0)
            m_log.found(kRegion, std::to_string(m_regions) + " region(s)" + where +
                                     " are in radians, in range, with west ≤ east (or crossing the antimeridian), "
                                     "south ≤ north and minimum height ≤ maximum height.");
        if (!m_rootRefine.empty()) m_log.found(kRefine, "The root tile refines by " + m_rootRefine + ".");
        if (m_transforms > 0)
            m_log.found(kTransform, std::to_string(m_transforms) + " transform(s)" + where + " have 16 numbers.");
        if (m_contents > 0)
            m_log.found(kContents, std::to_string(m_contents) + " content object(s)" + where + " have a uri.");
    }

    const DocumentContext& m_context;
    CheckLog& m_log;
    TilesetScan& m_scan;
    std::size_t m_walked = 0, m_volumes = 0, m_regions = 0, m_transforms = 0, m_contents = 0;
    int m_deepest = 0;
    bool m_depthCut = false;
    std::string m_rootVolume = "invalid volume", m_rootRefine;
};

}  // namespace

TilesetScan checkTileset(const common::Json& doc, DocumentContext context, AssetFacts* facts) {
    TilesetScan scan;
    checkAsset(doc, context);
    if (facts) facts->version = context.version;
    std::optional<double> error = checkGeometricError(doc, "", context, "The tileset");
    if (facts) facts->geometricError = error;
    checkExtensionLists(doc, context, facts);
    const JsonValue* root = member(doc, "root");
    if (!root || !root->IsObject()) {
        context.log->problem(kTiles, Status::Fail, "The tileset has no root tile object.", "/root", context.reportUrl);
        return scan;
    }
    TileWalk(context, scan).run(*root);
    if (facts) fillVolumeFacts(*root, *facts);
    return scan;
}

}  // namespace tweeling::federation::probe::tiles3d
