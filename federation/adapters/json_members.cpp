#include "adapters/json_members.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "adapters/text.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::federation::adapters {

using common::JsonValue;

std::string_view text(const JsonValue& value) { return {value.GetString(), value.GetStringLength()}; }

JsonValue str(std::string_view value, Allocator& allocator) {
    return JsonValue(value.data(), static_cast<rapidjson::SizeType>(value.size()), allocator);
}

const JsonValue* member(const JsonValue& object, const char* name) { return common::member(object, name); }

const JsonValue* objectMember(const JsonValue& object, const char* name) {
    const JsonValue* value = common::member(object, name);
    return value && value->IsObject() ? value : nullptr;
}

const JsonValue* arrayMember(const JsonValue& object, const char* name) {
    const JsonValue* value = common::member(object, name);
    return value && value->IsArray() ? value : nullptr;
}

// A trimmed, non-empty string, or nullopt.
std::optional<std::string> nonEmpty(const JsonValue* value) {
    if (!value || !value->IsString()) return std::nullopt;
    std::string out = common::trim(text(*value));
    if (out.empty()) return std::nullopt;
    return out;
}

std::optional<std::string> nonEmptyMember(const JsonValue& object, const char* name) {
    return nonEmpty(common::member(object, name));
}

std::string numberText(const JsonValue& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    if (!value.Accept(writer)) return "null";  // NaN / infinity cannot be written
    return std::string(buffer.GetString(), buffer.GetSize());
}

// Depth of a value (iterative), to keep verbatim copies within the profile's nesting limit.
int depthOf(const JsonValue& root, int limit) {
    std::vector<std::pair<const JsonValue*, int>> stack{{&root, 1}};
    int deepest = 0;
    while (!stack.empty()) {
        auto [value, depth] = stack.back();
        stack.pop_back();
        deepest = std::max(deepest, depth);
        if (deepest > limit) return deepest;
        if (value->IsObject()) {
            for (auto it = value->MemberBegin(); it != value->MemberEnd(); ++it)
                if (it->value.IsObject() || it->value.IsArray()) stack.push_back({&it->value, depth + 1});
        } else if (value->IsArray()) {
            for (const auto& element : value->GetArray())
                if (element.IsObject() || element.IsArray()) stack.push_back({&element, depth + 1});
        }
    }
    return deepest;
}


common::JsonValue twinThemeScheme(const std::vector<std::string>& themeIds, Allocator& allocator) {
    common::JsonValue concepts(rapidjson::kArrayType);
    for (const auto& theme : themeIds) {
        common::JsonValue item(rapidjson::kObjectType);
        item.AddMember("id", str(theme, allocator), allocator);
        concepts.PushBack(item, allocator);
    }
    common::JsonValue twin(rapidjson::kObjectType);
    twin.AddMember("scheme", common::JsonValue(registry::record::kTwinThemeScheme, allocator), allocator);
    twin.AddMember("concepts", concepts, allocator);
    return twin;
}

}  // namespace tweeling::federation::adapters
