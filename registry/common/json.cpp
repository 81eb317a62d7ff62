#include "common/json.hpp"

#include "common/text.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <unordered_set>
#include <vector>

namespace tweeling::common {
int depthOf(const JsonValue& root, int limit) {
    // Iterative depth walk (explicit stack) so a pathological document cannot overflow ours.
    struct Frame {
        const JsonValue* value;
        int depth;
    };
    std::vector<Frame> stack{{&root, 1}};
    int deepest = 0;
    while (!stack.empty()) {
        Frame frame = stack.back();
        stack.pop_back();
        if (frame.depth > deepest) deepest = frame.depth;
        if (deepest > limit) return deepest;
        if (frame.value->IsObject()) {
            for (auto it = frame.value->MemberBegin(); it != frame.value->MemberEnd(); ++it)
                if (it->value.IsObject() || it->value.IsArray()) stack.push_back({&it->value, frame.depth + 1});
        } else if (frame.value->IsArray()) {
            for (const auto& element : frame.value->GetArray())
                if (element.IsObject() || element.IsArray()) stack.push_back({&element, frame.depth + 1});
        }
    }
    return deepest;
}

namespace {

// Objects with more members than this find duplicates in a hash set; smaller ones (nearly all) by
// comparing with each earlier name, which is faster than hashing at that size.
constexpr std::size_t kLinearNameScan = 16;

// Sits between RapidJSON's reader and the document it builds: forwards every event, and refuses
// (stopping the parse at that byte) what the grammar allows but we do not: nesting deeper than the
// limit, a member name twice in one object, text that is not UTF-8. Keeps the path to the current
// value, so a refusal names its JSON Pointer.
class CheckingHandler {
public:
    CheckingHandler(Json& document, int maxDepth, JsonChecks checks, std::size_t maxValues)
        : m_document(document), m_maxDepth(maxDepth), m_full(checks == JsonChecks::Full), m_maxValues(maxValues) {}

    bool Null() { return element() && m_document.Null(); }
    bool Bool(bool value) { return element() && m_document.Bool(value); }
    bool Int(int value) { return element() && m_document.Int(value); }
    bool Uint(unsigned value) { return element() && m_document.Uint(value); }
    bool Int64(std::int64_t value) { return element() && m_document.Int64(value); }
    bool Uint64(std::uint64_t value) { return element() && m_document.Uint64(value); }
    bool Double(double value) { return element() && m_document.Double(value); }
    // Every number arrives here as its text (kParseNumbersAsStringsFlag), checked against the grammar
    // by the reader. RapidJSON 1.1.0's own full-precision conversion is wrong for a zero with a large
    // exponent ("0e308" became -6.1e-269, "0.000e100" 5.1e294: a zero significand reaches clz(0) in
    // StrtodDiyFp), found by fuzzing (docs/RELIABILITY.md). Integers become the same Int64/Uint64
    // values RapidJSON makes; everything else std::from_chars' correctly rounded double (as fast as
    // RapidJSON's conversion on a million 15-digit numbers, measured; locale-independent).
    bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
        if (!element()) return false;
        const char* end = text + length;
        if (std::find_if(text, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; }) == end) {
            if (*text == '-') {
                std::int64_t value = 0;
                auto [at, error] = std::from_chars(text, end, value);
                if (error == std::errc() && at == end) return m_document.Int64(value);
            } else {
                std::uint64_t value = 0;
                auto [at, error] = std::from_chars(text, end, value);
                if (error == std::errc() && at == end) return m_document.Uint64(value);
            }
            // Beyond 64 bits: a double, as RapidJSON reads it.
        }
        double value = 0;
        auto [at, error] = std::from_chars(text, end, value);
        if (error == std::errc::result_out_of_range || at != end) {
            // Overflow or underflow, which from_chars does not tell apart: strtod returns HUGE_VAL
            // for one and zero or a subnormal for the other (the program stays in the "C" locale).
            std::string terminated(text, length);
            value = std::strtod(terminated.c_str(), nullptr);
        }
        // Overflow is infinity (HUGE_VAL), which no JSON parser reads alike and RFC 8785 cannot write;
        // underflow is zero or a subnormal, as everywhere.
        if (!std::isfinite(value))
            return refuse("A number is too large for a double", pointer(m_depth),
                          "JSON numbers are read as IEEE 754 doubles, whose largest is about 1.7976931348623157e308");
        return m_document.Double(value);
    }
    bool String(const char* text, rapidjson::SizeType length, bool copy) {
        if (!element()) return false;
        if (m_full && !isValidUtf8(std::string_view(text, length)))
            return refuse("A string is not valid UTF-8", pointer(m_depth), kUtf8Why);
        return m_document.String(text, length, copy);
    }
    bool StartObject() { return element() && enter(true) && m_document.StartObject(); }
    bool Key(const char* text, rapidjson::SizeType length, bool copy) {
        Frame& object = m_frames[m_depth - 1];
        std::string_view name(text, length);
        if (m_full) {
            if (!isValidUtf8(name))
                return refuse("A member name is not valid UTF-8 in the object", pointer(m_depth - 1), kUtf8Why);
            object.name.assign(name);
            if (!object.addName(name))
                return refuse("Duplicate member name", pointer(m_depth),
                              "a name may occur only once in an object (JSON parsers disagree on which of the two "
                              "they use)");
        }
        return m_document.Key(text, length, copy);
    }
    bool EndObject(rapidjson::SizeType count) {
        --m_depth;
        return m_document.EndObject(count);
    }
    bool StartArray() { return element() && enter(false) && m_document.StartArray(); }
    bool EndArray(rapidjson::SizeType count) {
        --m_depth;
        return m_document.EndArray(count);
    }

    // Why the parse was stopped, when the handler stopped it.
    const std::optional<JsonParseError>& refusal() const { return m_refusal; }

private:
    // One open object or array. Frames are kept when closed and reused by the next container at
    // that depth, so a page of a thousand records does not allocate per object.
    struct Frame {
        bool isObject = false;
        std::size_t elements = 0;  // arrays: elements begun so far
        std::string name;          // objects: the member being read
        std::vector<std::string> names;
        std::unordered_set<std::string> manyNames;  // all names, once there are more than kLinearNameScan

        void reset(bool object) {
            isObject = object;
            elements = 0;
            name.clear();
            names.clear();
            if (!manyNames.empty()) manyNames.clear();
        }
        // False when `candidate` was already a member of this object.
        bool addName(std::string_view candidate) {
            if (names.size() < kLinearNameScan) {
                for (const std::string& seen : names)
                    if (seen == candidate) return false;
                names.emplace_back(candidate);
                return true;
            }
            if (manyNames.empty()) manyNames.insert(names.begin(), names.end());
            return manyNames.emplace(candidate).second;
        }
    };

    // Every value event passes here first: inside an array, it begins the next element.
    bool element() {
        if (m_depth > 0 && !m_frames[m_depth - 1].isObject) ++m_frames[m_depth - 1].elements;
        if (++m_values > m_maxValues) {
            m_refusal = JsonParseError{0, "JSON holds more than " + std::to_string(m_maxValues) +
                                              " values (objects, arrays, strings, numbers, …): more than this "
                                              "document may cost in memory.", {}};
            return false;
        }
        return true;
    }
    bool enter(bool object) {
        if (m_depth >= m_maxDepth) {
            m_refusal = JsonParseError{0, "JSON is nested deeper than " + std::to_string(m_maxDepth) + " levels.", {}};
            return false;
        }
        if (m_frames.size() <= m_depth) m_frames.emplace_back();
        m_frames[m_depth].reset(object);
        ++m_depth;
        return true;
    }
    // The pointer to the value at `depth`: the tokens of the first `depth` open containers.
    std::string pointer(std::size_t depth) const {
        std::string out;
        for (std::size_t i = 0; i < depth; ++i) {
            const Frame& frame = m_frames[i];
            out += '/';
            out += frame.isObject ? escapePointerToken(frame.name) : std::to_string(frame.elements - 1);
        }
        return out;
    }
    bool refuse(const std::string& what, std::string at, const char* why) {
        std::string where = at.empty() ? "the top level" : at;
        m_refusal = JsonParseError{0, what + " at " + where + ": " + why + ".", std::move(at)};
        return false;
    }
    static constexpr const char* kUtf8Why =
        "JSON text must be UTF-8, and a \\u escape may not stand for half of a surrogate pair";

    Json& m_document;
    const std::size_t m_maxDepth;
    const bool m_full;
    const std::size_t m_maxValues;
    std::size_t m_values = 0;
    std::vector<Frame> m_frames;
    std::size_t m_depth = 0;
    std::optional<JsonParseError> m_refusal;
};

}  // namespace

bool parseTrustedInPlace(std::string_view text, std::string& buffer, Json& doc) {
    buffer.assign(text.size() + kSimdPadding, '\0');  // and std::string's own NUL after that
    std::copy(text.begin(), text.end(), buffer.begin());
    doc.ParseInsitu(buffer.data());
    return !doc.HasParseError();
}

std::optional<JsonParseError> parseUntrusted(std::string_view text, Json& out, int maxDepth, JsonChecks checks,
                                             std::size_t maxValues) {
    // Numbers must parse to the correctly rounded double, as every other JSON parser does, or canonical
    // JSON (RFC 8785) and so signatures would differ from theirs: the handler converts their text
    // (CheckingHandler::RawNumber).
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;
    // The handler checks what it sees as it is read, so a refused document is never built whole;
    // Populate is RapidJSON's public way to build a document from our own SAX events.
    CheckingHandler handler(out, std::max(maxDepth, 0), checks, maxValues);
    rapidjson::ParseResult result;
    auto generate = [&](Json& document) {
        (void)document;  // the handler writes to it (it is `out`)
        rapidjson::MemoryStream memory(text.data(), text.size());
        rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> input(memory);
        rapidjson::Reader reader;
        result = reader.Parse<kFlags>(input, handler);
        return !result.IsError();
    };
    out.SetNull();
    out.Populate(generate);
    if (!result.IsError()) return std::nullopt;
    out.SetNull();
    if (auto refusal = handler.refusal()) {
        refusal->offset = result.Offset();
        return refusal;
    }
    return JsonParseError{result.Offset(), rapidjson::GetParseError_En(result.Code()), {}};
}

std::string toString(const JsonValue& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

const JsonValue* member(const JsonValue& object, const char* name) {
    if (!object.IsObject()) return nullptr;
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string_view> stringMember(const JsonValue& object, const char* name) {
    const JsonValue* value = member(object, name);
    if (!value || !value->IsString()) return std::nullopt;
    return std::string_view(value->GetString(), value->GetStringLength());
}

std::string escapePointerToken(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

}  // namespace tweeling::common
