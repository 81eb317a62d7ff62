// glTF 2.0, binary (GLB) or JSON (.gltf): the GLB header and its first chunk, and asset.version.
// A GLB's header and JSON chunk come first in the file, so the first bytes usually hold both;
// buffers and images after them are never read.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/json_members.hpp"
#include "common/json.hpp"
#include "probe/bytes.hpp"
#include "probe/fetch_checks.hpp"
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

namespace {

constexpr const char* kHeader = "gltf.header";
constexpr const char* kAssetVersion = "gltf.asset.version";

constexpr std::size_t kGlbHeaderBytes = 12;
constexpr std::size_t kChunkHeaderBytes = 8;
constexpr std::uint32_t kJsonChunk = 0x4E4F534A;  // "JSON" read as a little-endian uint32

bool looksLikeJson(std::string_view body) {
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    std::size_t first = body.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && body[first] == '{';
}

void checkAssetVersion(std::string_view json, const char* what, ProbeResult& result) {
    common::Json doc;
    if (auto error = common::parseUntrusted(json, doc)) {
        addCheck(
            result, kAssetVersion, Status::Fail,
            std::string(what) + " is not valid JSON (at byte " + std::to_string(error->offset) + "): " + error->message,
            error->pointer.value_or(""));
        return;
    }
    const common::JsonValue* asset = doc.IsObject() ? adapters::objectMember(doc, "asset") : nullptr;
    auto version = asset ? common::stringMember(*asset, "version") : std::nullopt;
    if (!version) {
        addCheck(result, kAssetVersion, Status::Fail,
                 std::string(what) + " has no asset.version, which every glTF must state.", "/asset/version");
        return;
    }
    result.facts.version = std::string(*version);
    if (*version == "2.0")
        addCheck(result, kAssetVersion, Status::Pass, "glTF 2.0.", "/asset/version");
    else if (version->substr(0, 2) == "2.")
        addCheck(
            result, kAssetVersion, Status::Warn,
            "asset.version " + quoted(*version) + " is newer than 2.0: clients of glTF 2.0 may not read all of it.",
            "/asset/version");
    else
        addCheck(result, kAssetVersion, Status::Fail,
                 "asset.version " + quoted(*version) + " is not glTF 2.0, which current clients need.",
                 "/asset/version");
}

// The GLB header; returns the JSON chunk's [offset, end) when the header is sound.
std::optional<std::pair<std::size_t, std::size_t>> checkGlbHeader(const FetchResponse& response, ProbeResult& result) {
    std::string_view body = response.body;
    auto fail = [&](const std::string& message) {
        addCheck(result, kHeader, Status::Fail, message);
        return std::nullopt;
    };
    if (body.size() < kGlbHeaderBytes) return fail("The file is shorter than the 12-byte GLB header.");
    std::uint32_t version = *bytes::u32(body, 4);
    std::uint32_t length = *bytes::u32(body, 8);
    if (version != 2)
        return fail("The GLB header says version " + std::to_string(version) + "; glTF 2.0 binaries are version 2.");
    if (length < kGlbHeaderBytes + kChunkHeaderBytes)
        return fail("The GLB length field (" + std::to_string(length) + ") is shorter than a header and one chunk.");
    if (!response.truncated && length != body.size())
        return fail("The GLB length field says " + std::to_string(length) + " bytes, but the file has " +
                    std::to_string(body.size()) + ".");
    if (response.truncated && length <= body.size())
        return fail("The GLB length field says " + std::to_string(length) + " bytes, but the file is longer.");
    if (body.size() < kGlbHeaderBytes + kChunkHeaderBytes) return fail("The file ends before its first chunk.");
    std::uint32_t chunkLength = *bytes::u32(body, 12);
    std::uint32_t chunkType = *bytes::u32(body, 16);
    if (chunkType != kJsonChunk)
        return fail("The first chunk is of type " + quoted(body.substr(16, 4)) + ", not JSON, which must come first.");
    std::size_t chunkEnd = kGlbHeaderBytes + kChunkHeaderBytes + std::size_t{chunkLength};
    if (chunkEnd > length) return fail("The JSON chunk runs past the end the GLB length field gives.");
    addCheck(result, kHeader, Status::Pass,
             "A GLB of version 2, " + std::to_string(length) + " bytes, with its JSON chunk first.");
    return std::make_pair(kGlbHeaderBytes + kChunkHeaderBytes, chunkEnd);
}

void probeGlb(const std::string& url, FetchResponse response, RequestBudget& budget, const Limits& limits,
              ProbeResult& result) {
    auto chunk = checkGlbHeader(response, result);
    if (!chunk) return;
    auto [begin, end] = *chunk;
    // The JSON chunk is a JSON document: it may be read up to the document limit.
    if (end > response.body.size()) {
        if (end > limits.maxDocumentBytes) {
            addCheck(result, kAssetVersion, Status::Warn,
                     "The JSON chunk ends after the first " + byteSize(limits.maxDocumentBytes) +
                         " a probe reads, so asset.version was not checked.");
            return;
        }
        response = budget.fetch(url, end);
        if (!response.ok || response.body.size() < end) {
            addCheck(
                result, kAssetVersion, Status::Warn,
                "The JSON chunk could not be read (" +
                    (response.ok ? std::string("the file is shorter than its header says") : failureText(response)) +
                    "), so asset.version was not checked.");
            return;
        }
    }
    checkAssetVersion(std::string_view(response.body).substr(begin, end - begin), "The JSON chunk", result);
}

void probeGltfJson(const std::string& url, FetchResponse response, RequestBudget& budget, const Limits& limits,
                   ProbeResult& result) {
    if (response.truncated && limits.maxDocumentBytes > limits.maxHeaderBytes) {
        response = budget.fetch(url, limits.maxDocumentBytes);
        if (!response.ok) {
            addCheck(result, kHeader, Status::Warn,
                     "The document could not be read whole (" + failureText(response) + "), so it was not checked.");
            return;
        }
    }
    if (response.truncated) {
        addCheck(result, kHeader, Status::Warn,
                 "The document is larger than the " + byteSize(limits.maxDocumentBytes) +
                     " a probe reads, so it was not checked.");
        return;
    }
    addCheck(result, kHeader, Status::Pass, "A glTF JSON document (.gltf).");
    checkAssetVersion(response.body, "The document", result);
}

}  // namespace

void probeGltf(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result) {
    RequestBudget budget(fetch, limits);
    FetchResponse response = budget.fetch(url, limits.maxHeaderBytes);
    if (!checkReachable(response, url, result)) return;
    std::string_view body = response.body;
    if (body.substr(0, 4) == "glTF")
        probeGlb(url, std::move(response), budget, limits, result);
    else if (looksLikeJson(body))
        probeGltfJson(url, std::move(response), budget, limits, result);
    else
        addCheck(result, kHeader, Status::Fail,
                 "The file is neither a GLB (it starts with " + quoted(body.substr(0, 4)) +
                     ", not \"glTF\") nor a glTF JSON document.");
}

}  // namespace tweeling::federation::probe
