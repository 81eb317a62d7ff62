#include "record/profile_text.hpp"

#include <cctype>
#include <cstdio>

#include "common/time.hpp"

namespace tweeling::registry::record::checks {

// "3D Tiles" -> "3dtiles": used to suggest the intended spelling of an enum value.
std::string looseForm(std::string_view text) {
    std::string out;
    for (char c : text)
        if (std::isalnum(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string child(const std::string& at, std::string_view name) { return at + "/" + common::escapePointerToken(name); }
std::string child(const std::string& at, std::size_t index) { return at + "/" + std::to_string(index); }

std::string_view text(const JsonValue& value) { return {value.GetString(), value.GetStringLength()}; }

std::string quoted(std::string_view value) {
    constexpr std::size_t kShown = 80;
    if (value.size() > kShown) return "'" + std::string(value.substr(0, kShown)) + "...'";
    return "'" + std::string(value) + "'";
}

std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
    return buffer;
}

// "a string", "an array", ... for messages about a value of the wrong kind.
std::string kindOf(const JsonValue& value) {
    if (value.IsNull()) return "null";
    if (value.IsBool()) return "true/false";
    if (value.IsNumber()) return "a number";
    if (value.IsString()) return "a string";
    if (value.IsArray()) return "an array";
    return "an object";
}

// The JSON shown in a message, shortened.
std::string shown(const JsonValue& value) {
    if (value.IsString()) return quoted(text(value));
    if (value.IsObject()) return "an object";
    if (value.IsArray()) return "an array";
    return common::toString(value);
}

bool isHttpUrl(std::string_view url) {
    std::size_t rest = 0;
    if (url.substr(0, 7) == "http://")
        rest = 7;
    else if (url.substr(0, 8) == "https://")
        rest = 8;
    else
        return false;
    if (rest >= url.size() || url[rest] == '/' || url[rest] == '?' || url[rest] == '#') return false;  // no host
    return std::none_of(url.begin(), url.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

bool digitsOnly(std::string_view text, std::size_t count) {
    return text.size() == count && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isFullDate(std::string_view value) { return value.size() == 10 && common::parseRfc3339(value).has_value(); }

namespace {

// Hints for the twin members a publisher most often forgets, shown when the member is missing.
const char* missingHint(std::string_view pointer) {
    struct Hint {
        const char* pointer;
        const char* hint;
    };
    static const Hint kHints[] = {
        {"/id", "give the record an identifier that is unique within your node, e.g. gm0363-3dbag-lod22-tiles"},
        {"/type", "a record is a GeoJSON Feature: add \"type\": \"Feature\""},
        {"/geometry", "give the footprint as a GeoJSON Polygon in WGS84 longitude/latitude, or null"},
        {"/properties", "the twin members (title, themes, distributions, ...) belong in 'properties'"},
        {"/properties/type", "use dataset, model, simulation-result or service"},
        {"/properties/title", "give the record a short, descriptive title"},
        {"/properties/description", "describe what the data shows and how it was made"},
        {"/properties/publisher",
         "name the publishing organisation as {\"id\": its TOOI URI, \"name\": ...}, e.g. "
         "https://identifier.overheid.nl/tooi/id/gemeente/gm0363"},
        {"/properties/publisher/id",
         "use the organisation's TOOI URI, e.g. https://identifier.overheid.nl/tooi/id/gemeente/gm0363"},
        {"/properties/publisher/name", "give the organisation's name, e.g. Gemeente Amsterdam"},
        {"/properties/contacts", "add at least one contact with a name or an organization"},
        {"/properties/themes",
         "add at least one twin theme, e.g. {\"scheme\": \"https://w3id.org/tweeling/def/theme\", \"concepts\": "
         "[{\"id\": \"buildings\"}]}"},
        {"/properties/adminUnits", "list the CBS codes of the areas the record covers, e.g. [\"GM0363\", \"PV27\"]"},
        {"/properties/crs",
         "list the coordinate reference systems of the data as EPSG URIs, e.g. "
         "http://www.opengis.net/def/crs/EPSG/0/7415"},
        {"/properties/updated", "give the date of the last change, e.g. 2024-05-01 or 2024-05-01T12:00:00Z"},
        {"/properties/license", "give an SPDX licence id such as CC-BY-4.0 or CC0-1.0, or the URL of the licence"},
        {"/properties/rights", "use public, restricted or non-public"},
        {"/properties/distributions", "add at least one distribution with href, format, formatVersion and mediaType"},
        {"/properties/lineage",
         "a simulation result must say where it comes from: add 'lineage' with model, version, scenario and runDate"},
    };
    for (const Hint& hint : kHints)
        if (pointer == hint.pointer) return hint.hint;
    return nullptr;
}

}  // namespace

std::string lastToken(const std::string& pointer) {
    std::size_t slash = pointer.rfind('/');
    std::string token = slash == std::string::npos ? pointer : pointer.substr(slash + 1);
    // Unescape for display (RFC 6901: ~1 -> /, ~0 -> ~).
    std::string out;
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size()) {
            out += token[i + 1] == '1' ? '/' : '~';
            ++i;
        } else {
            out += token[i];
        }
    }
    return out;
}

// How a message names the value at `pointer`: "'title'", or "Each entry of 'adminUnits'" for an
// array entry (a publisher counts from 1, a pointer from 0: better not to show the number twice).
std::string label(const std::string& pointer) {
    std::string token = lastToken(pointer);
    if (!token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::string parent = pointer.substr(0, pointer.rfind('/'));
        if (parent.empty()) return "The record";
        return "Each entry of '" + lastToken(parent) + "'";
    }
    return pointer.empty() ? "The record" : "'" + token + "'";
}

std::string missingMessage(const std::string& pointer) {
    std::string message = "'" + lastToken(pointer) + "' is required but missing";
    if (const char* hint = missingHint(pointer)) message += std::string(": ") + hint;
    return message + ".";
}

}  // namespace tweeling::registry::record::checks
