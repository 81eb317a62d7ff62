// The JSON-LD writer: an inline @context (the prefixes) and a @graph of flattened subjects.
#include "api/dcat_internal.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tweeling::registry::api::dcat::rdf {

namespace {

using dcat::detail::kXsd;
using dcat::detail::prefixes;
using detail::compact;
using detail::Flattened;
using detail::flatten;
using detail::grouped;

std::string jsonName(const std::string& iriText) {
    std::string name = compact(iriText);
    return name.empty() ? iriText : name;
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void jsonString(JsonWriter& writer, const std::string& text) {
    writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
}

void writeJsonNode(JsonWriter& writer, const Node& subject);

void writeJsonObject(JsonWriter& writer, const Object& object) {
    switch (object.kind) {
        case Object::Kind::Iri:
            writer.StartObject();
            writer.Key("@id");
            jsonString(writer, cleanIri(object.value));
            writer.EndObject();
            break;
        case Object::Kind::Literal:
            if (object.language.empty() && (object.datatype.empty() || object.datatype == kXsd + "string")) {
                jsonString(writer, object.value);
                break;
            }
            writer.StartObject();
            writer.Key("@value");
            jsonString(writer, object.value);
            if (!object.language.empty()) {
                writer.Key("@language");
                jsonString(writer, object.language);
            } else {
                writer.Key("@type");
                jsonString(writer, jsonName(object.datatype));
            }
            writer.EndObject();
            break;
        case Object::Kind::Node:
            if (!object.node->iri.empty()) {
                writer.StartObject();
                writer.Key("@id");
                jsonString(writer, cleanIri(object.node->iri));
                writer.EndObject();
            } else {
                writeJsonNode(writer, *object.node);
            }
            break;
    }
}

void writeJsonNode(JsonWriter& writer, const Node& subject) {
    writer.StartObject();
    if (!subject.iri.empty()) {
        writer.Key("@id");
        jsonString(writer, cleanIri(subject.iri));
    }
    if (!subject.types.empty()) {
        writer.Key("@type");
        if (subject.types.size() == 1) {
            jsonString(writer, jsonName(subject.types[0]));
        } else {
            writer.StartArray();
            for (const auto& type : subject.types) jsonString(writer, jsonName(type));
            writer.EndArray();
        }
    }
    for (const auto& [predicate, objects] : grouped(subject)) {
        jsonString(writer, jsonName(predicate));
        if (objects.size() == 1) {
            writeJsonObject(writer, *objects[0]);
        } else {
            writer.StartArray();
            for (const Object* object : objects) writeJsonObject(writer, *object);
            writer.EndArray();
        }
    }
    writer.EndObject();
}

void writeContext(JsonWriter& writer) {
    writer.StartObject();
    for (const auto& [prefix, ns] : prefixes()) {
        jsonString(writer, prefix);
        jsonString(writer, ns);
    }
    writer.EndObject();
}

}  // namespace

std::string toJsonLd(const Graph& graph) {
    Flattened flat = flatten(graph);
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("@context");
    writeContext(writer);
    writer.Key("@graph");
    writer.StartArray();
    for (const auto& subject : flat.subjects) {
        if (!subject->iri.empty() && subject->types.empty() && subject->properties.empty()) continue;
        writeJsonNode(writer, *subject);
    }
    writer.EndArray();
    writer.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string contextDocument() {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("@context");
    writeContext(writer);
    writer.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace tweeling::registry::api::dcat::rdf
