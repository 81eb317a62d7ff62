#include "record/profile_schema.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>

#include "record/profile_text.hpp"

namespace tweeling::registry::record::checks {

using common::Problems;

namespace {

std::string pointerText(const rapidjson::Pointer& pointer) {
    rapidjson::StringBuffer buffer;
    pointer.Stringify(buffer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string schemaList(const JsonValue& array) {
    std::string out;
    for (const auto& item : array.GetArray()) {
        if (!out.empty()) out += ", ";
        out += item.IsString() ? std::string(text(item)) : common::toString(item);
    }
    return out;
}

std::string describedOr(const JsonValue* schema, const std::string& fallback) {
    if (schema) {
        if (auto description = common::stringMember(*schema, "description")) return std::string(*description);
    }
    return fallback;
}

}  // namespace

// True when one pointer is the other or lies inside it: such problems are about the same thing.
bool related(const std::string& a, const std::string& b) {
    auto inside = [](const std::string& inner, const std::string& outer) {
        return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 && inner[outer.size()] == '/';
    };
    return a == b || inside(a, b) || inside(b, a);
}

// The schema without its "required" keywords: used to validate one member at a time (the walk
// reports missing members itself).
void stripRequired(JsonValue& schema) {
    if (schema.IsArray()) {
        for (auto& element : schema.GetArray()) stripRequired(element);
        return;
    }
    if (!schema.IsObject()) return;
    auto required = schema.FindMember("required");
    if (required != schema.MemberEnd() && required->value.IsArray()) schema.EraseMember(required);
    for (auto it = schema.MemberBegin(); it != schema.MemberEnd(); ++it) stripRequired(it->value);
}

// Feeds the validator the document {"name": value} (or {"properties": {"name": value}}) without
// copying the value, so each member's first schema error is found, not only the record's first.
bool validateMember(rapidjson::SchemaValidator& validator, const char* outer, const JsonValue& name,
                    const JsonValue& value) {
    if (!validator.StartObject()) return false;
    if (outer &&
        (!validator.Key(outer, static_cast<rapidjson::SizeType>(std::char_traits<char>::length(outer)), false) ||
         !validator.StartObject()))
        return false;
    if (!validator.Key(name.GetString(), name.GetStringLength(), false) || !value.Accept(validator)) return false;
    if (outer && !validator.EndObject(1)) return false;
    return validator.EndObject(1);
}

// Turns the validator's first error into problems, in our pointer/message conventions.
Problems schemaProblems(const rapidjson::SchemaValidator& validator, const JsonValue& schemaJson,
                        const JsonValue& record) {
    Problems out;
    const std::string at = pointerText(validator.GetInvalidDocumentPointer());
    const std::string keyword = validator.GetInvalidSchemaKeyword() ? validator.GetInvalidSchemaKeyword() : "";
    const JsonValue* schemaNode = validator.GetInvalidSchemaPointer().Get(schemaJson);
    const JsonValue* instance = validator.GetInvalidDocumentPointer().Get(record);
    const JsonValue* rule = schemaNode ? common::member(*schemaNode, keyword.c_str()) : nullptr;
    const std::string name = label(at);
    const std::string value = instance ? shown(*instance) : name;

    if (keyword == "required" && rule && rule->IsArray() && instance && instance->IsObject()) {
        for (const auto& required : rule->GetArray())
            if (required.IsString() && !instance->HasMember(required))
                out.push_back({child(at, text(required)), missingMessage(child(at, text(required)))});
        if (!out.empty()) return out;
    }
    std::string message;
    if (keyword == "type" && rule) {
        std::string wanted = rule->IsArray() ? schemaList(*rule) : rule->IsString() ? std::string(text(*rule)) : "";
        message = name + " must be of type " + wanted + (instance ? ", not " + kindOf(*instance) : "") + ".";
    } else if (keyword == "enum" && rule && rule->IsArray()) {
        message = value + " is not allowed here; use one of " + schemaList(*rule) + ".";
    } else if (keyword == "pattern" && rule && rule->IsString()) {
        message = value + " does not have the expected form (" + std::string(text(*rule)) + ").";
    } else if ((keyword == "minLength" || keyword == "minItems") && rule && rule->IsUint()) {
        message = rule->GetUint() == 1 ? name + " must not be empty."
                                       : name + " needs at least " + std::to_string(rule->GetUint()) +
                                             (keyword == "minLength" ? " characters." : " entries.");
    } else if ((keyword == "maxLength" || keyword == "maxItems") && rule && rule->IsUint()) {
        message = name + " may have at most " + std::to_string(rule->GetUint()) +
                  (keyword == "maxLength" ? " characters." : " entries.");
    } else if ((keyword == "minimum" || keyword == "maximum") && rule && rule->IsNumber()) {
        message =
            name + " must be " + (keyword == "minimum" ? "at least " : "at most ") + common::toString(*rule) + ".";
    } else if (keyword == "anyOf" || keyword == "oneOf" || keyword == "allOf") {
        message = describedOr(schemaNode, name + " does not match any of the allowed forms.");
    } else if (keyword == "not") {
        message = value + " is not allowed here.";
    } else {
        message = name + " is not valid here (schema rule '" + keyword + "').";
    }
    out.push_back({at, message});
    return out;
}

}  // namespace tweeling::registry::record::checks
