#include "record/profile.hpp"

#include <rapidjson/schema.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "record/profile_schema.hpp"
#include "record/profile_walk.hpp"

namespace tweeling::generated {
extern const char* const kTwinRecordSchema;
}

namespace tweeling::registry::record {

using common::JsonValue;
using common::Problem;
using common::Problems;
using checks::kindOf;
using checks::related;
using checks::stripRequired;
using checks::validateMember;
using checks::Walk;

struct Profile::Private {
    common::Json schemaJson;  // kept for messages (enum values, descriptions); outlives `schema`
    std::unique_ptr<rapidjson::SchemaDocument> schema;
    common::Json memberSchemaJson;  // schemaJson without "required"
    std::unique_ptr<rapidjson::SchemaDocument> memberSchema;

    // Turns the validator's first error into problems, in our pointer/message conventions.
    Problems schemaProblems(const rapidjson::SchemaValidator& validator, const JsonValue& record) const {
        return checks::schemaProblems(validator, schemaJson, record);
    }
};

Profile::Profile(const std::string& schemaText) : m_private(std::make_unique<Private>()) {
    if (auto error = common::parseUntrusted(schemaText, m_private->schemaJson))
        throw std::runtime_error("the record schema is not valid JSON at byte " + std::to_string(error->offset) + ": " +
                                 error->message);
    if (!m_private->schemaJson.IsObject()) throw std::runtime_error("the record schema must be a JSON object");
    m_private->schema = std::make_unique<rapidjson::SchemaDocument>(m_private->schemaJson);
    m_private->memberSchemaJson.CopyFrom(m_private->schemaJson, m_private->memberSchemaJson.GetAllocator());
    stripRequired(m_private->memberSchemaJson);
    m_private->memberSchema = std::make_unique<rapidjson::SchemaDocument>(m_private->memberSchemaJson);
}

Profile::~Profile() = default;
Profile::Profile(Profile&&) noexcept = default;

const Profile& Profile::builtin() {
    static const Profile profile(generated::kTwinRecordSchema);
    return profile;
}

Profile Profile::fromFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the record schema " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw std::runtime_error("cannot read the record schema " + path);
    return Profile(text.str());
}

Problems Profile::validate(const JsonValue& record) const {
    return validate(record, static_cast<std::int64_t>(std::time(nullptr)));
}

Problems Profile::validate(const JsonValue& record, std::int64_t now) const {
    if (!record.IsObject())
        return {{"", "A record must be a JSON object (a GeoJSON Feature), not " + kindOf(record) + "."}};
    // The schema validator and our walk recurse: refuse pathological nesting before either runs.
    if (common::depthOf(record, common::kMaxJsonDepth) > common::kMaxJsonDepth)
        return {{"", "The record is nested deeper than " + std::to_string(common::kMaxJsonDepth) +
                         " levels; a twin record never needs that."}};

    Walk walk(now);
    walk.record(record);
    Problems problems = std::move(walk.problems);

    // The schema: the whole record (its first error), then each member on its own (the first error
    // of each). A schema problem about something the walk already reported is left out.
    auto report = [&](const rapidjson::SchemaValidator& validator) {
        if (validator.IsValid()) return;
        for (Problem& problem : m_private->schemaProblems(validator, record)) {
            bool known = std::any_of(problems.begin(), problems.end(),
                                     [&](const Problem& own) { return related(own.pointer, problem.pointer); });
            if (!known) problems.push_back(std::move(problem));
        }
    };
    {
        rapidjson::SchemaValidator validator(*m_private->schema);
        record.Accept(validator);
        report(validator);
    }
    for (auto it = record.MemberBegin(); it != record.MemberEnd(); ++it) {
        if (it->name == "properties" && it->value.IsObject()) {
            for (auto property = it->value.MemberBegin(); property != it->value.MemberEnd(); ++property) {
                rapidjson::SchemaValidator validator(*m_private->memberSchema);
                validateMember(validator, "properties", property->name, property->value);
                report(validator);
            }
            continue;
        }
        rapidjson::SchemaValidator validator(*m_private->memberSchema);
        validateMember(validator, nullptr, it->name, it->value);
        report(validator);
    }
    return problems;
}

bool isEssentialProblem(const std::string& pointer) {
    if (pointer.empty()) return true;
    for (std::string_view member : {"/id", "/type", "/geometry", "/properties/title", "/properties/updated"}) {
        if (pointer.size() < member.size() || pointer.compare(0, member.size(), member) != 0) continue;
        if (pointer.size() == member.size() || pointer[member.size()] == '/') return true;
    }
    return false;
}

}  // namespace tweeling::registry::record
