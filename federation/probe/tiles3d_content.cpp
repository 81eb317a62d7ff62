// One content file: its first bytes say its format (the magic of GLB, b3dm, i3dm, pnts, cmpt, or the
// JSON of a .gltf), its version, and whether its length is what its header says.
#include <cctype>
#include <cstdio>

#include "common/text.hpp"
#include "probe/tiles3d_internal.hpp"

namespace tweeling::federation::probe::tiles3d {
namespace {

struct LegacyFormat {
    const char* magic;
    const char* name;
};

// The tile formats of 3D Tiles 1.0. 1.1 keeps them readable but deprecates them in favour of glTF.
constexpr LegacyFormat kLegacyFormats[] = {
    {"b3dm", "Batched 3D Model (b3dm)"},
    {"i3dm", "Instanced 3D Model (i3dm)"},
    {"pnts", "Point Cloud (pnts)"},
    {"cmpt", "Composite (cmpt)"},
};

// The first bytes, readable: as text when printable, else as hex.
std::string describeStart(std::string_view body) {
    std::string_view start = body.substr(0, 4);
    bool printable = !start.empty();
    for (char c : start) printable = printable && std::isprint(static_cast<unsigned char>(c));
    if (printable) return quoted(start);
    std::string hex;
    for (char c : start) {
        char buffer[4];
        std::snprintf(buffer, sizeof buffer, "%02x", static_cast<unsigned char>(c));
        hex += buffer;
    }
    return hex.empty() ? "nothing (the file is empty)" : "the bytes " + hex;
}

class ContentCheck {
public:
    ContentCheck(const std::string& url, const std::string& pointer, const DocumentContext& context,
                 const FetchResponse& response, const Limits& limits)
        : m_url(url), m_pointer(pointer), m_context(context), m_response(response), m_limits(limits) {}

    void run() {
        std::string_view body = m_response.body;
        std::string_view magic = body.substr(0, 4);
        for (const LegacyFormat& format : kLegacyFormats)
            if (magic == format.magic) return checkLegacy(format);
        if (magic == "glTF") return checkGlb();
        std::size_t first = body.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && body[first] == '{') return checkGltfJson();
        fail("The content file " + m_url + " starts with " + describeStart(body) +
             ", which is none of the content formats of 3D Tiles (glTF, GLB, b3dm, i3dm, pnts, cmpt).");
    }

private:
    void fail(const std::string& message) { m_context.log->problem(kContent, Status::Fail, message, m_pointer, m_url); }

    // Both header layouts (GLB and the legacy formats) start with magic, version and the file's length.
    bool headerFits(const char* name) {
        std::string_view body = m_response.body;
        if (body.size() < 12) {
            if (m_response.truncated)  // only a tiny maxHeaderBytes does this
                m_context.log->problem(
                    kContent, Status::Warn,
                    "The probe read too few bytes of the content file " + m_url + " to check its header.", m_pointer,
                    m_url);
            else
                fail("The content file " + m_url + " (" + name + ") ends inside its 12-byte header.");
            return false;
        }
        std::uint64_t declared = readLittleEndian(body, 8, 4);
        bool complete = !m_response.truncated && body.size() < m_limits.maxHeaderBytes;
        if (declared < body.size() || (complete && declared != body.size())) {
            fail("The header of the content file " + m_url + " (" + name + ") says it is " + std::to_string(declared) +
                 " bytes long, but it is " + (complete ? "" : "at least ") + std::to_string(body.size()) + ".");
            return false;
        }
        return true;
    }

    void checkLegacy(const LegacyFormat& format) {
        if (!headerFits(format.magic)) return;
        std::uint64_t version = readLittleEndian(m_response.body, 4, 4);
        if (version != 1) {
            fail("The content file " + m_url + " is " + format.name + " version " + std::to_string(version) +
                 "; that format has only version 1.");
            return;
        }
        if (m_context.version == "1.1") {
            m_context.log->problem(kContent, Status::Warn,
                                   "The content file " + m_url + " is " + format.name +
                                       ": a legacy format, deprecated in 3D Tiles 1.1 (which uses glTF instead).",
                                   m_pointer, m_url);
            return;
        }
        m_context.log->found(kContent, "The content file " + m_url + " is " + format.name +
                                           " version 1, a tile format of 3D Tiles 1.0 (legacy in 1.1).");
    }

    void checkGlb() {
        if (!headerFits("GLB")) return;
        std::uint64_t version = readLittleEndian(m_response.body, 4, 4);
        if (version != 2) {
            fail("The content file " + m_url + " is binary glTF version " + std::to_string(version) +
                 "; 3D Tiles content is glTF 2.0.");
            return;
        }
        gltfFound("binary glTF 2.0 (GLB)");
    }

    void checkGltfJson() {
        if (m_response.truncated) {
            gltfFound("JSON (a .gltf) larger than the " + std::to_string(m_limits.maxHeaderBytes) +
                      " bytes the probe reads, so its asset.version was not read");
            return;
        }
        common::Json json;
        std::optional<std::string_view> version;
        if (!common::parseUntrusted(m_response.body, json)) {
            const common::JsonValue* asset = common::member(json, "asset");
            if (asset) version = common::stringMember(*asset, "version");
        }
        if (!version || *version != "2.0") {
            fail("The content file " + m_url + " is JSON but not a glTF 2.0 asset (asset.version " +
                 (version ? quoted(*version) : std::string("missing")) + ").");
            return;
        }
        gltfFound("glTF 2.0 JSON (.gltf)");
    }

    // A 1.0 tileset may hold glTF only with the 3DTILES_content_gltf extension; 1.1 made glTF its
    // content format.
    void gltfFound(const std::string& what) {
        if (m_context.version == "1.0" && !m_context.gltfContentExtension) {
            m_context.log->problem(kContent, Status::Warn,
                                   "The content file " + m_url + " is " + what +
                                       ", which a 3D Tiles 1.0 tileset may hold only when extensionsUsed lists "
                                       "3DTILES_content_gltf.",
                                   m_pointer, m_url);
            return;
        }
        m_context.log->found(kContent, "The content file " + m_url + " is " + what + ".");
    }

    const std::string& m_url;
    const std::string& m_pointer;
    const DocumentContext& m_context;
    const FetchResponse& m_response;
    const Limits& m_limits;
};

}  // namespace

void checkContentFile(const std::string& url, const std::string& pointer, const DocumentContext& context,
                      Requests& requests, const Limits& limits) {
    CheckLog& log = *context.log;
    if (!isHttpUrl(url)) {
        log.problem(kContent, Status::Warn,
                    "The content " + quoted(url) + " is not an http(s) URL, so the probe did not fetch it.", pointer,
                    context.reportUrl);
        return;
    }
    std::optional<FetchResponse> response =
        requests.left() > 0 ? requests.get(url, limits.maxHeaderBytes) : std::nullopt;
    if (!response) {
        log.problem(kContent, Status::Warn,
                    "The content file " + url + " was not fetched: the probe makes at most " +
                        std::to_string(requests.max()) + " requests.",
                    pointer, url);
        return;
    }
    if (!response->ok) {
        log.problem(kContent, Status::Fail,
                    "The content file " + url + " does not answer: " + failureOf(*response) + ".", pointer, url);
        return;
    }
    ContentCheck(url, pointer, context, *response, limits).run();
}

}  // namespace tweeling::federation::probe::tiles3d
