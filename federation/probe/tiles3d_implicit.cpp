// Implicit tiling (3D Tiles 1.1, and 1.0's 3DTILES_implicit_tiling): the tiling object and its
// templates, the level 0 subtree's header, and one content file found through the subtrees'
// availability. A sparse tree has no content at level 0 (the real samples do not), so the level 0
// content is not simply assumed: the probe reads where content is available, following the first
// available child subtree for a few hops when a subtree has none.
#include <cmath>
#include <cstring>

#include "common/text.hpp"
#include "probe/tiles3d_internal.hpp"

namespace tweeling::federation::probe::tiles3d {
namespace {

using common::JsonValue;
using common::member;
using common::stringMember;

// Subtrees fetched while looking for content: each hop goes subtreeLevels levels deeper.
constexpr int kMaxSubtreeHops = 3;
// Coordinates are shifted by levels; beyond this a 64-bit coordinate would overflow.
constexpr std::uint64_t kMaxAddressableLevel = 62;
// Counts of levels are read up to here: enough for any real tree, small enough for the arithmetic.
constexpr double kMaxLevelCount = 1000;
constexpr std::size_t kSubtreeHeaderBytes = 24;

// An integer of 1 or more (3.0 counts: JSON does not tell integers from doubles).
bool readLevelCount(const JsonValue& object, const char* name, std::uint64_t& out) {
    const JsonValue* value = member(object, name);
    if (!value || !value->IsNumber()) return false;
    double number = value->GetDouble();
    if (number < 1 || number != std::floor(number)) return false;
    out = static_cast<std::uint64_t>(std::min(number, kMaxLevelCount));
    return true;
}

std::string missingPlaceholders(std::string_view uri, int branching) {
    std::string missing;
    for (const char* placeholder : {"{level}", "{x}", "{y}", "{z}"}) {
        if (branching == 4 && std::strcmp(placeholder, "{z}") == 0) continue;
        if (uri.find(placeholder) == std::string_view::npos)
            missing += (missing.empty() ? "" : ", ") + std::string(placeholder);
    }
    return missing;
}

struct TileAddress {
    std::uint64_t level = 0, x = 0, y = 0, z = 0;
};

std::string substitute(std::string uri, const TileAddress& tile) {
    const std::pair<const char*, std::uint64_t> values[] = {
        {"{level}", tile.level}, {"{x}", tile.x}, {"{y}", tile.y}, {"{z}", tile.z}};
    for (const auto& [placeholder, value] : values) {
        std::string text = std::to_string(value);
        std::size_t length = std::strlen(placeholder);
        for (std::size_t at = uri.find(placeholder); at != std::string::npos;
             at = uri.find(placeholder, at + text.size()))
            uri.replace(at, length, text);
    }
    return uri;
}

// One availability of a subtree: all or nothing (`constant`), or one bit per tile (or child subtree)
// in level order, Morton order within a level, least significant bit first.
struct Availability {
    enum class Kind { None, Constant, Bits, Unreadable } kind = Kind::None;
    bool constant = false;
    std::string bits;
};

struct Subtree {
    Availability content, childSubtrees;
};

// A bitstream's bytes, when they are in the part of the binary chunk that was fetched.
Availability readAvailability(const JsonValue* availability, const JsonValue& json, std::string_view binary) {
    Availability out;
    if (!availability) return out;
    out.kind = Availability::Kind::Unreadable;
    if (!availability->IsObject()) return out;
    if (const JsonValue* constant = member(*availability, "constant"); constant && constant->IsNumber()) {
        out.kind = Availability::Kind::Constant;
        out.constant = constant->GetDouble() == 1;
        return out;
    }
    const JsonValue* bitstream = member(*availability, "bitstream");
    if (!bitstream) bitstream = member(*availability, "bufferView");  // the name in 1.0's extension
    const JsonValue* views = member(json, "bufferViews");
    const JsonValue* buffers = member(json, "buffers");
    if (!bitstream || !bitstream->IsUint() || !views || !views->IsArray() || bitstream->GetUint() >= views->Size())
        return out;
    const JsonValue& view = (*views)[bitstream->GetUint()];
    const JsonValue* buffer = member(view, "buffer");
    const JsonValue* offset = member(view, "byteOffset");
    const JsonValue* length = member(view, "byteLength");
    if (!buffer || !buffer->IsUint() || !buffers || !buffers->IsArray() || buffer->GetUint() >= buffers->Size() ||
        !length || !length->IsUint64() || (offset && !offset->IsUint64()))
        return out;
    // A buffer with a uri is a file of its own, not fetched; one without is the binary chunk.
    if (member((*buffers)[buffer->GetUint()], "uri")) return out;
    std::uint64_t start = offset ? offset->GetUint64() : 0, size = length->GetUint64();
    if (start > binary.size() || size > binary.size() - start) return out;
    out.kind = Availability::Kind::Bits;
    out.bits = std::string(binary.substr(start, size));
    return out;
}

// Reads a fetched subtree; returns a sentence when it is not one.
std::optional<std::string> parseSubtree(const FetchResponse& response, Subtree& out) {
    std::string_view body = response.body;
    std::string_view jsonText, binary;
    if (!body.empty() && body.front() == '{') {
        if (response.truncated) {  // a JSON subtree over maxHeaderBytes: valid, but not read
            out.content.kind = out.childSubtrees.kind = Availability::Kind::Unreadable;
            return std::nullopt;
        }
        jsonText = body;
    } else {
        if (body.size() < kSubtreeHeaderBytes || body.substr(0, 4) != "subt")
            return "does not start with the magic \"subt\" of a subtree (nor with { of a JSON subtree)";
        std::uint64_t version = readLittleEndian(body, 4, 4);
        std::uint64_t jsonLength = readLittleEndian(body, 8, 8), binaryLength = readLittleEndian(body, 16, 8);
        if (version != 1)
            return "is subtree version " + std::to_string(version) + "; 3D Tiles 1.1 subtrees are version 1";
        std::uint64_t rest = body.size() - kSubtreeHeaderBytes;
        if (!response.truncated && (jsonLength > rest || binaryLength != rest - jsonLength))
            return "declares " + std::to_string(jsonLength) + " bytes of JSON and " + std::to_string(binaryLength) +
                   " of binary, but holds " + std::to_string(rest) + " after its header";
        if (jsonLength > rest) {  // cut off at maxHeaderBytes: the magic is right, the rest not read
            out.content.kind = out.childSubtrees.kind = Availability::Kind::Unreadable;
            return std::nullopt;
        }
        jsonText = body.substr(kSubtreeHeaderBytes, jsonLength);
        binary =
            body.substr(kSubtreeHeaderBytes + jsonLength, std::min<std::uint64_t>(binaryLength, rest - jsonLength));
    }
    common::Json json;
    if (auto error = common::parseUntrusted(jsonText, json); error || !json.IsObject())
        return std::string("has JSON that is not a valid object") +
               (error ? " (at byte " + std::to_string(error->offset) + ": " + error->message + ")" : "");
    const JsonValue* contents = member(json, "contentAvailability");
    if (contents && contents->IsArray() && !contents->Empty())
        out.content = readAvailability(&(*contents)[0], json, binary);
    else if (contents && contents->IsObject())  // 1.0's extension had one object
        out.content = readAvailability(contents, json, binary);
    out.childSubtrees = readAvailability(member(json, "childSubtreeAvailability"), json, binary);
    return std::nullopt;
}

std::uint64_t saturatingPower(std::uint64_t base, std::uint64_t exponent) {
    std::uint64_t out = 1;
    for (std::uint64_t i = 0; i < exponent; ++i) {
        if (out > (std::uint64_t{1} << 40)) return out;  // more bits than any fetched bitstream holds
        out *= base;
    }
    return out;
}

// The first available index below `count`; none when nothing is available.
std::optional<std::uint64_t> firstAvailable(const Availability& availability, std::uint64_t count) {
    if (availability.kind == Availability::Kind::Constant)
        return availability.constant && count > 0 ? std::optional<std::uint64_t>(0) : std::nullopt;
    if (availability.kind != Availability::Kind::Bits) return std::nullopt;
    std::uint64_t bits = std::min<std::uint64_t>(count, std::uint64_t{availability.bits.size()} * 8);
    for (std::uint64_t i = 0; i < bits; ++i)
        if ((static_cast<unsigned char>(availability.bits[i / 8]) >> (i % 8)) & 1) return i;
    return std::nullopt;
}

// The tile `mortonIndex` of a level `levels` below `parent`, in the parent's coordinates.
std::optional<TileAddress> descend(const TileAddress& parent, std::uint64_t levels, std::uint64_t mortonIndex,
                                   int branching) {
    TileAddress out;
    out.level = parent.level + levels;
    if (levels > kMaxAddressableLevel || out.level > kMaxAddressableLevel) return std::nullopt;
    int dimensions = branching == 8 ? 3 : 2;
    std::uint64_t x = 0, y = 0, z = 0;
    // A Morton index has 64 bits: the bits of deeper levels are zero (and shifting past them undefined).
    for (std::uint64_t bit = 0; bit < levels && dimensions * bit + dimensions <= 64; ++bit) {
        x |= ((mortonIndex >> (dimensions * bit)) & 1) << bit;
        y |= ((mortonIndex >> (dimensions * bit + 1)) & 1) << bit;
        if (dimensions == 3) z |= ((mortonIndex >> (dimensions * bit + 2)) & 1) << bit;
    }
    out.x = (parent.x << levels) | x;
    out.y = (parent.y << levels) | y;
    out.z = (parent.z << levels) | z;
    return out;
}

// A subtree's tile index (level order) as a level below the subtree's root and a Morton index.
std::pair<std::uint64_t, std::uint64_t> levelOf(std::uint64_t index, int branching) {
    std::uint64_t level = 0, size = 1;
    while (index >= size) {
        index -= size;
        size *= static_cast<std::uint64_t>(branching);
        ++level;
    }
    return {level, index};
}

}  // namespace

std::optional<ImplicitTiling> checkImplicitTiling(
    const JsonValue& implicit, const std::string& pointer,
    const std::vector<std::pair<std::string, std::string>>& contentTemplates, const DocumentContext& context) {
    CheckLog& log = *context.log;
    auto fail = [&](const std::string& message, const std::string& at) {
        log.problem(kImplicitTiling, Status::Fail, message, at, context.reportUrl);
    };
    if (!implicit.IsObject()) {
        fail("The implicit tiling is not an object.", pointer);
        return std::nullopt;
    }
    ImplicitTiling tiling;
    tiling.pointer = pointer;
    bool ok = true;
    std::optional<std::string_view> scheme = stringMember(implicit, "subdivisionScheme");
    if (scheme && *scheme == "QUADTREE") {
        tiling.branching = 4;
    } else if (scheme && *scheme == "OCTREE") {
        tiling.branching = 8;
    } else {
        fail("subdivisionScheme is " + (scheme ? quoted(*scheme) : std::string("missing")) +
                 "; it must be \"QUADTREE\" or \"OCTREE\".",
             pointer + "/subdivisionScheme");
        ok = false;
    }
    for (auto [name, target] :
         {std::pair{"subtreeLevels", &tiling.subtreeLevels}, std::pair{"availableLevels", &tiling.availableLevels}})
        if (!readLevelCount(implicit, name, *target)) {
            fail(std::string(name) + " must be an integer of 1 or more.", pointer + "/" + name);
            ok = false;
        }
    const JsonValue* subtrees = member(implicit, "subtrees");
    std::optional<std::string_view> subtreeUri = subtrees ? stringMember(*subtrees, "uri") : std::nullopt;
    if (!subtreeUri) {
        fail("subtrees.uri, the template of the subtree files' URIs, is missing.", pointer + "/subtrees");
        ok = false;
    } else if (ok) {
        if (std::string missing = missingPlaceholders(*subtreeUri, tiling.branching); !missing.empty()) {
            fail("The subtrees' uri template " + quoted(*subtreeUri) + " lacks " + missing + ".",
                 pointer + "/subtrees/uri");
            ok = false;
        }
    }
    for (const auto& [uri, uriPointer] : contentTemplates) {
        if (!scheme || (*scheme != "QUADTREE" && *scheme != "OCTREE")) break;
        if (std::string missing = missingPlaceholders(uri, tiling.branching); !missing.empty()) {
            fail("The content uri template " + quoted(uri) + " of a tile with implicit tiling lacks " + missing + ".",
                 uriPointer);
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    tiling.subtreeTemplate = resolveReference(context.baseUrl, *subtreeUri);
    if (!contentTemplates.empty()) {
        tiling.contentTemplate = resolveReference(context.baseUrl, contentTemplates.front().first);
        tiling.contentPointer = contentTemplates.front().second;
    }
    log.found(kImplicitTiling, std::string(tiling.branching == 8 ? "OCTREE" : "QUADTREE") + ", subtreeLevels " +
                                   std::to_string(tiling.subtreeLevels) + ", availableLevels " +
                                   std::to_string(tiling.availableLevels) + "; the uri templates are complete.");
    return tiling;
}

void sampleImplicit(const ContentSample& sample, Requests& requests, const Limits& limits) {
    const ImplicitTiling& tiling = *sample.implicit;
    const DocumentContext& document = sample.document;
    CheckLog& log = *document.log;
    TileAddress subtreeRoot;
    for (int hop = 0; hop < kMaxSubtreeHops; ++hop) {
        std::string url = substitute(tiling.subtreeTemplate, subtreeRoot);
        const char* id = hop == 0 ? kImplicitTiling : kContent;
        if (requests.left() <= 0) {
            log.problem(id, Status::Warn,
                        "The subtree " + url + " was not fetched: the probe makes at most " +
                            std::to_string(requests.max()) + " requests.",
                        tiling.pointer + "/subtrees/uri", url);
            return;
        }
        std::optional<FetchResponse> response = requests.get(url, limits.maxHeaderBytes);
        if (!response) return;
        if (!response->ok) {
            log.problem(kImplicitTiling, Status::Fail,
                        "The subtree " + url + " does not answer: " + failureOf(*response) + ".",
                        tiling.pointer + "/subtrees/uri", url);
            return;
        }
        Subtree subtree;
        if (std::optional<std::string> problem = parseSubtree(*response, subtree)) {
            log.problem(kImplicitTiling, Status::Fail, "The subtree " + url + " " + *problem + ".",
                        tiling.pointer + "/subtrees/uri", url);
            return;
        }
        if (hop == 0) log.found(kImplicitTiling, "Its level 0 subtree is a subtree file.", true);
        if (tiling.contentTemplate.empty() || isJsonUri(tiling.contentTemplate)) return;  // no content files
        auto unreadable = [&] {
            log.problem(kContent, Status::Warn,
                        "The availability in the subtree " + url +
                            " is in a separate buffer or beyond the bytes the probe reads, so no content file was "
                            "checked.",
                        tiling.contentPointer, url);
        };
        if (subtree.content.kind == Availability::Kind::Unreadable) return unreadable();
        std::uint64_t tiles = 0;
        for (std::uint64_t level = 0; level < tiling.subtreeLevels && tiles < (std::uint64_t{1} << 40); ++level)
            tiles += saturatingPower(tiling.branching, level);
        if (std::optional<std::uint64_t> index = firstAvailable(subtree.content, tiles)) {
            auto [level, morton] = levelOf(*index, tiling.branching);
            std::optional<TileAddress> tile = descend(subtreeRoot, level, morton, tiling.branching);
            if (tile)
                checkContentFile(substitute(tiling.contentTemplate, *tile), tiling.contentPointer, document, requests,
                                 limits);
            return;
        }
        if (subtree.childSubtrees.kind == Availability::Kind::Unreadable) return unreadable();
        std::optional<std::uint64_t> child =
            firstAvailable(subtree.childSubtrees, saturatingPower(tiling.branching, tiling.subtreeLevels));
        std::optional<TileAddress> next =
            child ? descend(subtreeRoot, tiling.subtreeLevels, *child, tiling.branching) : std::nullopt;
        if (!next || next->level >= tiling.availableLevels) break;
        subtreeRoot = *next;
    }
    log.problem(kContent, Status::Warn,
                "The subtrees the probe read (at most " + std::to_string(kMaxSubtreeHops) +
                    ") make no content available, so no content file was checked.",
                tiling.contentPointer, document.reportUrl);
}

}  // namespace tweeling::federation::probe::tiles3d
