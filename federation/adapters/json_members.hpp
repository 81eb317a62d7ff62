#pragma once
// Reading members of a foreign JSON record without trusting their types, shared by the adapters of
// catalogs that speak JSON. Every reader returns nothing rather than throw on a wrong type.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"

namespace tweeling::federation::adapters {

using Allocator = common::Json::AllocatorType;

std::string_view text(const common::JsonValue& value);  // value must be a string
common::JsonValue str(std::string_view value, Allocator& allocator);

const common::JsonValue* member(const common::JsonValue& object, const char* name);
const common::JsonValue* objectMember(const common::JsonValue& object, const char* name);
const common::JsonValue* arrayMember(const common::JsonValue& object, const char* name);

// A trimmed, non-empty string, or nullopt.
std::optional<std::string> nonEmpty(const common::JsonValue* value);
std::optional<std::string> nonEmptyMember(const common::JsonValue& object, const char* name);

// A number as RapidJSON's Writer writes it ("null" for NaN and infinity).
std::string numberText(const common::JsonValue& value);


// The twin themes as the record has them: {scheme: the twin theme scheme, concepts: [{id}, …]}.
common::JsonValue twinThemeScheme(const std::vector<std::string>& themeIds, Allocator& allocator);

// Depth of a value (iterative), to keep verbatim copies within the profile's nesting limit.
int depthOf(const common::JsonValue& root, int limit);

}  // namespace tweeling::federation::adapters
