#include "record/profile_walk.hpp"

#include "common/text.hpp"
#include "record/identifiers.hpp"

#include <rapidjson/document.h>

#include <string_view>

namespace tweeling::registry::record::checks {

namespace {


}  // namespace

const JsonValue* Walk::required(const JsonValue& object, const std::string& at, const char* name) {
    const JsonValue* value = common::member(object, name);
    if (!value) add(child(at, name), missingMessage(child(at, name)));
    return value;
}

bool Walk::isString(const JsonValue& value, const std::string& at, bool nonEmpty) {
    if (!value.IsString()) {
        add(at, label(at) + " must be a string, not " + kindOf(value) + ".");
        return false;
    }
    if (nonEmpty && value.GetStringLength() == 0) {
        add(at, label(at) + " must not be empty.");
        return false;
    }
    // Spaces and tabs alone show as nothing in every list and page, like an empty text.
    if (nonEmpty && common::trimView(std::string_view(value.GetString(), value.GetStringLength())).empty()) {
        add(at, label(at) + " must not be blank (only spaces, tabs or line breaks).");
        return false;
    }
    return true;
}

bool Walk::isObject(const JsonValue& value, const std::string& at) {
    if (value.IsObject()) return true;
    add(at, label(at) + " must be an object, not " + kindOf(value) + ".");
    return false;
}

bool Walk::isArray(const JsonValue& value, const std::string& at, std::size_t minItems) {
    if (!value.IsArray()) {
        add(at, label(at) + " must be an array, not " + kindOf(value) + ".");
        return false;
    }
    if (value.Size() < minItems) {
        add(at, label(at) + (minItems == 1 ? std::string(" needs at least one entry.")
                                           : " needs at least " + std::to_string(minItems) + " entries."));
        return false;
    }
    return true;
}

// An array whose entries must all be strings.
void Walk::stringList(const JsonValue& value, const std::string& at) {
    if (!isArray(value, at)) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i)
        if (!value[i].IsString())
            add(child(at, i),
                "Each entry of '" + lastToken(at) + "' must be a string, not " + kindOf(value[i]) + ".");
}

void Walk::optionalString(const JsonValue& object, const std::string& at, const char* name, bool nonEmpty) {
    if (const JsonValue* value = common::member(object, name)) isString(*value, child(at, name), nonEmpty);
}

void Walk::httpUrl(const JsonValue& value, const std::string& at, const char* example) {
    if (!isString(value, at)) return;
    if (!isHttpUrl(text(value)))
        add(at, quoted(text(value)) + " is not an absolute http or https URL; write the full address, e.g. " +
                    example + ".");
}

void Walk::link(const JsonValue& value, const std::string& at) {
    if (!isObject(value, at)) return;
    if (const JsonValue* href = required(value, at, "href")) isString(*href, child(at, "href"));
    if (const JsonValue* rel = required(value, at, "rel")) isString(*rel, child(at, "rel"));
    optionalString(value, at, "type");
    optionalString(value, at, "title");
}

void Walk::links(const JsonValue& value, const std::string& at) {
    if (!isArray(value, at)) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) link(value[i], child(at, i));
}

void Walk::record(const JsonValue& value) {
    if (const JsonValue* id = required(value, "", "id")) {
        if (isString(*id, "/id"))
            if (auto problem = idProblem(std::string_view(id->GetString(), id->GetStringLength()))) add("/id", *problem);
    }
    if (const JsonValue* type = required(value, "", "type")) {
        if (!type->IsString() || text(*type) != "Feature")
            add("/type", "A record is a GeoJSON Feature: 'type' must be \"Feature\", not " + shown(*type) + ".");
    }
    if (const JsonValue* member = required(value, "", "geometry")) geometry(*member, "/geometry");
    if (const JsonValue* member = common::member(value, "bbox")) geojsonBbox(*member, "/bbox");
    if (const JsonValue* member = common::member(value, "time")) time(*member, "/time");
    if (const JsonValue* member = common::member(value, "links")) links(*member, "/links");
    if (const JsonValue* member = common::member(value, "conformsTo")) stringList(*member, "/conformsTo");
    if (const JsonValue* member = required(value, "", "properties")) properties(*member, "/properties");
}

}  // namespace tweeling::registry::record::checks
