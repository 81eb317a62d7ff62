#pragma once
// JSON helpers shared by every part of Tweeling. Untrusted input is always parsed through
// parseUntrusted(): iterative parser (no stack overflow on deep nesting) plus a depth limit, so
// nothing that walks the tree recursively afterwards (schema validation, CopyFrom) can crash.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tweeling::common {

using Json = rapidjson::Document;
using JsonValue = rapidjson::Value;

struct JsonParseError {
    std::size_t offset = 0;   // byte offset of the error in the input
    std::string message;      // e.g. "Missing a comma or '}' after an object member."
};

constexpr int kMaxJsonDepth = 64;

// Parses `text` into `out`. Returns an error (with byte offset) on malformed JSON or nesting deeper
// than `maxDepth`.
std::optional<JsonParseError> parseUntrusted(std::string_view text, Json& out, int maxDepth = kMaxJsonDepth);

std::string toString(const JsonValue& value);

// The nesting depth of `root` (a scalar is 1), walked without recursion; stops counting once it
// exceeds `limit`, so the result is then some value > limit.
int depthOf(const JsonValue& root, int limit);

// Typed accessors that never throw and never assert: return nullptr / nullopt when absent or of
// another type.
const JsonValue* member(const JsonValue& object, const char* name);
std::optional<std::string_view> stringMember(const JsonValue& object, const char* name);

// JSON Pointer escaping of one reference token (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string escapePointerToken(std::string_view token);

}  // namespace tweeling::common
