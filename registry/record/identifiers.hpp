#pragma once
// The identifiers of a twin record: its own id, and those it names places and coordinate reference
// systems by: CBS codes of administrative units (properties.adminUnits) and EPSG CRS URIs
// (properties.crs). The schema says the same with patterns; a test checks that both accept the
// same codes.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tweeling::registry::record {

// A record's id: 1 to kMaxIdLength bytes of UTF-8 text, without control characters (U+0000–U+001F,
// U+007F–U+009F), not beginning or ending with a space, and not "." or ".." (a URL path cannot name
// those: /items/.. is /collections/twins). Any other character is allowed, "/" included: every
// link percent-encodes the id as one path segment.
inline constexpr std::size_t kMaxIdLength = 256;
// Why `id` is not a valid record id (a sentence), or nullopt.
std::optional<std::string> idProblem(std::string_view id);

enum class AdminUnitKind { Municipality, Province, WaterBoard };

struct AdminUnit {
    AdminUnitKind kind;
    std::string code;  // as a record writes it: "GM0363", "PV27", "WS0155"
};

// A CBS code: GM and four digits (municipality), PV and two (province), WS and four (water board).
// The letters may be in either case (node ids are written "gm0363"); `code` is upper case.
std::optional<AdminUnit> parseAdminUnit(std::string_view text);
// A CBS code exactly as a record must write it (upper case).
bool isAdminUnit(std::string_view code);
// The TOOI URI of the unit's public body: https://identifier.overheid.nl/tooi/id/gemeente/gm0363.
std::string tooiUri(const AdminUnit& unit);

// The form of an EPSG CRS URI in a record; an https form is accepted too.
inline constexpr const char* kEpsgUriPrefix = "http://www.opengis.net/def/crs/EPSG/0/";

// The EPSG code of http(s)://www.opengis.net/def/crs/EPSG/0/<digits>, or nullopt.
std::optional<std::string> epsgCode(std::string_view uri);
bool isEpsgUri(std::string_view uri);
// The record's URI for the CRS that `text` names in one of the spellings catalogs use: the URI in
// either case or scheme, "EPSG:28992", "urn:ogc:def:crs:EPSG::28992" (or with a version), and CRS84,
// which is EPSG 4326 for a footprint's purposes. "" when it names no EPSG CRS.
std::string epsgUriOf(std::string_view text);

}  // namespace tweeling::registry::record
