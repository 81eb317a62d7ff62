#pragma once
// JSON helpers shared by every part of Tweeling. Untrusted input is always parsed through
// parseUntrusted(): iterative parser (no stack overflow on deep nesting) plus a depth limit, so
// nothing that walks the tree recursively afterwards (schema validation, CopyFrom) can crash; and it
// refuses what other JSON parsers would read differently, so what we check, index and sign is what
// every reader sees: duplicate member names (most parsers keep the last, RapidJSON finds the first)
// and strings that are not UTF-8.
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
    // The JSON Pointer of what was refused in well-formed JSON (a duplicate member, a string that is
    // not UTF-8), e.g. "/properties/publisher" ("" is the whole document); the message names it too.
    // None for syntax errors and too deep nesting.
    std::optional<std::string> pointer;
};

constexpr int kMaxJsonDepth = 64;

enum class JsonChecks {
    Full,  // grammar, depth, unique member names, UTF-8: for every document that is used
    // Grammar and depth only: for splitting a container (an import file) into items that are each
    // parsed again with Full before they are used, so one bad item does not hide the others.
    SyntaxOnly,
};

// Parses `text` into `out`. Returns an error (with byte offset) on malformed JSON, nesting deeper
// than `maxDepth`, and (JsonChecks::Full) a member name that occurs twice in one object or a string
// or name that is not valid UTF-8 (raw bytes, or a \u escape of half a surrogate pair).
// `maxValues` bounds the values (every object, array, string, number, true, false, null) the
// document may hold, and so the memory its DOM costs (16 to 48 bytes a value besides its strings):
// the byte size of a text alone does not, since 60 MB of tiny values build a DOM many times larger.
std::optional<JsonParseError> parseUntrusted(std::string_view text, Json& out, int maxDepth = kMaxJsonDepth,
                                             JsonChecks checks = JsonChecks::Full,
                                             std::size_t maxValues = static_cast<std::size_t>(-1));

// RapidJSON's SSE2 paths (RAPIDJSON_SSE2, CMakeLists.txt) scan strings and whitespace in whole
// 16-byte blocks and may read up to 15 bytes past the terminating NUL of a buffer parsed in place.
// That never crosses a page, but it is outside the allocation (AddressSanitizer reports it, rightly):
// a buffer parsed in place has this many bytes of zeros after its NUL.
inline constexpr std::size_t kSimdPadding = 16;

// Parses trusted JSON (the node's own stored records) in place in `buffer`, a padded copy of `text`,
// so its strings are not copied one by one; `doc`'s strings point into `buffer`, which must outlive
// it. False on a parse error.
bool parseTrustedInPlace(std::string_view text, std::string& buffer, Json& doc);

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
