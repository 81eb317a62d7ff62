#include "common/json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

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

std::optional<JsonParseError> parseUntrusted(std::string_view text, Json& out, int maxDepth) {
    // Full precision: numbers must parse to the correctly rounded double, as every other JSON parser
    // does, or canonical JSON (RFC 8785) and so signatures would differ from theirs.
    out.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
    if (out.HasParseError()) {
        return JsonParseError{out.GetErrorOffset(), rapidjson::GetParseError_En(out.GetParseError())};
    }
    if (depthOf(out, maxDepth) > maxDepth) {
        out.SetNull();
        return JsonParseError{0, "JSON is nested deeper than " + std::to_string(maxDepth) + " levels."};
    }
    return std::nullopt;
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
