#pragma once
// The profile's JSON Schema side: validating one member at a time, and turning the validator's
// first error into problems in the walk's pointer and message conventions. Internal to
// registry/record.
#include "common/json.hpp"
#include "common/problem.hpp"

#include <rapidjson/schema.h>

#include <string>

namespace tweeling::registry::record::checks {

using common::JsonValue;

// True when one pointer is the other or lies inside it: such problems are about the same thing.
bool related(const std::string& a, const std::string& b);

// The schema without its "required" keywords: used to validate one member at a time (the walk
// reports missing members itself).
void stripRequired(JsonValue& schema);

// Feeds the validator the document {"name": value} (or {"properties": {"name": value}}) without
// copying the value, so each member's first schema error is found, not only the record's first.
bool validateMember(rapidjson::SchemaValidator& validator, const char* outer, const JsonValue& name,
                    const JsonValue& value);

// Turns the validator's first error into problems, in our pointer/message conventions. `schemaJson`
// is the schema the validator ran (for enum values and descriptions).
common::Problems schemaProblems(const rapidjson::SchemaValidator& validator, const JsonValue& schemaJson,
                                const JsonValue& record);

}  // namespace tweeling::registry::record::checks
