#pragma once
// How the profile's checks word their problems: JSON Pointers, values shown in messages, hints for
// missing members, and the small text tests the checks share. Internal to registry/record.
#include "common/json.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace tweeling::registry::record::checks {

using common::JsonValue;

template <typename Words>
bool contains(const Words& words, std::string_view value) {
    return std::any_of(words.begin(), words.end(), [&](const char* word) { return value == word; });
}

template <typename Words>
std::string join(const Words& words) {
    std::string out;
    for (const char* word : words) {
        if (!out.empty()) out += ", ";
        out += word;
    }
    return out;
}

// "3D Tiles" -> "3dtiles": used to suggest the intended spelling of an enum value.
std::string looseForm(std::string_view text);

template <typename Words>
std::string suggestion(const Words& words, std::string_view value) {
    const std::string loose = looseForm(value);
    for (const char* word : words)
        if (!loose.empty() && looseForm(word) == loose) return std::string(" (did you mean '") + word + "'?)";
    return {};
}

std::string child(const std::string& at, std::string_view name);
std::string child(const std::string& at, std::size_t index);

std::string_view text(const JsonValue& value);

std::string quoted(std::string_view value);

std::string number(double value);

// "a string", "an array", ... for messages about a value of the wrong kind.
std::string kindOf(const JsonValue& value);

// The JSON shown in a message, shortened.
std::string shown(const JsonValue& value);

bool isHttpUrl(std::string_view url);

bool digitsOnly(std::string_view text, std::size_t count);

bool isFullDate(std::string_view value);

std::string lastToken(const std::string& pointer);

// How a message names the value at `pointer`: "'title'", or "Each entry of 'adminUnits'" for an
// array entry (a publisher counts from 1, a pointer from 0: better not to show the number twice).
std::string label(const std::string& pointer);

// "'title' is required but missing", with a hint for the twin members a publisher most often forgets.
std::string missingMessage(const std::string& pointer);

}  // namespace tweeling::registry::record::checks
