#include "record/profile.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "common/time.hpp"
#include "record/geometry.hpp"
#include "record/identifiers.hpp"
#include "record/record.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::generated {
extern const char* const kTwinRecordSchema;
}

namespace tweeling::registry::record {

using common::JsonValue;
using common::Problem;
using common::Problems;

namespace {

constexpr std::size_t kMaxIdLength = 256;

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
std::string looseForm(std::string_view text) {
    std::string out;
    for (char c : text)
        if (std::isalnum(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

template <typename Words>
std::string suggestion(const Words& words, std::string_view value) {
    const std::string loose = looseForm(value);
    for (const char* word : words)
        if (!loose.empty() && looseForm(word) == loose) return std::string(" (did you mean '") + word + "'?)";
    return {};
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

// Walks a record and collects every problem the profile defines, each with its JSON Pointer. The
// schema validator below stops at its first error, so this walk is what lets a publisher fix all
// problems in one go.
class Walk {
public:
    explicit Walk(std::int64_t now) : m_now(now) {}

    Problems problems;

    void add(std::string pointer, std::string message) { problems.push_back({std::move(pointer), std::move(message)}); }

    // --- generic shape checks; each reports its own problem and returns whether the value fits ---

    const JsonValue* required(const JsonValue& object, const std::string& at, const char* name) {
        const JsonValue* value = common::member(object, name);
        if (!value) add(child(at, name), missingMessage(child(at, name)));
        return value;
    }

    bool isString(const JsonValue& value, const std::string& at, bool nonEmpty = true) {
        if (!value.IsString()) {
            add(at, label(at) + " must be a string, not " + kindOf(value) + ".");
            return false;
        }
        if (nonEmpty && value.GetStringLength() == 0) {
            add(at, label(at) + " must not be empty.");
            return false;
        }
        return true;
    }

    bool isObject(const JsonValue& value, const std::string& at) {
        if (value.IsObject()) return true;
        add(at, label(at) + " must be an object, not " + kindOf(value) + ".");
        return false;
    }

    bool isArray(const JsonValue& value, const std::string& at, std::size_t minItems = 0) {
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
    void stringList(const JsonValue& value, const std::string& at) {
        if (!isArray(value, at)) return;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i)
            if (!value[i].IsString())
                add(child(at, i),
                    "Each entry of '" + lastToken(at) + "' must be a string, not " + kindOf(value[i]) + ".");
    }

    void optionalString(const JsonValue& object, const std::string& at, const char* name, bool nonEmpty = false) {
        if (const JsonValue* value = common::member(object, name)) isString(*value, child(at, name), nonEmpty);
    }

    template <typename Words>
    bool oneOf(const JsonValue& value, const std::string& at, const Words& allowed, const char* what) {
        if (!isString(value, at, false)) return false;
        if (contains(allowed, text(value))) return true;
        add(at, quoted(text(value)) + " is not " + what + "; use one of " + join(allowed) +
                    suggestion(allowed, text(value)) + ".");
        return false;
    }

    void date(const JsonValue& value, const std::string& at) {
        if (!isString(value, at)) return;
        if (!common::parseRfc3339(text(value)))
            add(at, quoted(text(value)) +
                        " is not an RFC 3339 date or date-time; write e.g. 2024-05-01 or 2024-05-01T12:00:00Z "
                        "(a time needs Z or an offset such as +02:00).");
    }

    // A date of the record's own history (`updated`, `created`): not later than now.
    void pastDate(const JsonValue& value, const std::string& at) {
        if (!isString(value, at)) return;
        std::optional<std::int64_t> seconds = common::parseRfc3339(text(value));
        if (!seconds) return date(value, at);
        std::int64_t latest = m_now + kMaxClockSkewSeconds + (isFullDate(text(value)) ? kEarliestTimeZoneSeconds : 0);
        if (*seconds > latest)
            add(at, quoted(text(value)) + " is in the future (this server's clock says " +
                        common::formatRfc3339(m_now) + " and allows " + std::to_string(kMaxClockSkewSeconds / 60) +
                        " minutes ahead): a record cannot have changed later than now, and hubs would refuse "
                        "every correction dated before it.");
    }

    void httpUrl(const JsonValue& value, const std::string& at, const char* example) {
        if (!isString(value, at)) return;
        if (!isHttpUrl(text(value)))
            add(at, quoted(text(value)) + " is not an absolute http or https URL; write the full address, e.g. " +
                        example + ".");
    }

    void link(const JsonValue& value, const std::string& at) {
        if (!isObject(value, at)) return;
        if (const JsonValue* href = required(value, at, "href")) isString(*href, child(at, "href"));
        if (const JsonValue* rel = required(value, at, "rel")) isString(*rel, child(at, "rel"));
        optionalString(value, at, "type");
        optionalString(value, at, "title");
    }

    void links(const JsonValue& value, const std::string& at) {
        if (!isArray(value, at)) return;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) link(value[i], child(at, i));
    }

    // --- geometry ---

    bool position(const JsonValue& value, const std::string& at, double& lon, double& lat) {
        if (!value.IsArray() || value.Size() < 2 || value.Size() > 3) {
            add(at, "A position must be an array of two or three numbers [longitude, latitude(, height)].");
            return false;
        }
        bool ok = true;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            if (!value[i].IsNumber()) {
                add(child(at, i), "A coordinate must be a number, not " + kindOf(value[i]) + ".");
                ok = false;
            }
        }
        if (!ok) return false;
        lon = value[0].GetDouble();
        lat = value[1].GetDouble();
        ok = coordinateInRange(lon, child(at, 0), kMaxLongitude, "Longitude") &
             coordinateInRange(lat, child(at, 1), kMaxLatitude, "Latitude");
        return ok;
    }

    // A footprint in the wrong CRS has every coordinate out of range: report the first one, and
    // how many there are, instead of one problem per number.
    void beginCoordinates() { m_outOfRange = 0; }
    void endCoordinates() {
        if (m_outOfRange > 1)
            problems[m_firstOutOfRange].message +=
                " " + std::to_string(m_outOfRange) + " coordinates of this footprint are out of range.";
    }

    bool coordinateInRange(double value, const std::string& at, double limit, const char* axis) {
        if (std::isfinite(value) && value >= -limit && value <= limit) return true;
        if (m_outOfRange++ > 0) return false;
        m_firstOutOfRange = problems.size();
        std::string message = std::string(axis) + " " + number(value) + " is outside -" + number(limit) + ".." +
                              number(limit) + "; footprints are WGS84 degrees in the order longitude, latitude";
        if (std::fabs(value) > 360) message += " (this looks like a projected coordinate such as RD New metres)";
        add(at, message + ".");
        return false;
    }

    void ring(const JsonValue& value, const std::string& at, bool exterior) {
        if (!value.IsArray() || value.Size() < 4) {
            add(at, "A polygon ring must be an array of at least four positions, the last equal to the first.");
            return;
        }
        bool allValid = true;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            double lon = 0, lat = 0;
            allValid = position(value[i], child(at, i), lon, lat) && allValid;
        }
        if (!allValid) return;
        const JsonValue& first = value[0];
        const JsonValue& last = value[value.Size() - 1];
        if (first[0].GetDouble() != last[0].GetDouble() || first[1].GetDouble() != last[1].GetDouble()) {
            add(at, "The polygon ring is not closed: its last position must repeat its first.");
            return;
        }
        // A lone ring that is a rectangle is a bounding box; refused with minimum and maximum swapped.
        if (exterior)
            if (auto swapped = swappedBox(value))
                add(at, std::string("This rectangle reads as a bounding box with minimum and maximum swapped: ") +
                            (swapped->longitude ? "longitude" : "latitude") + " runs from " + number(swapped->from) +
                            " to " + number(swapped->to) +
                            "; write a bounding box as "
                            "[[minLon,minLat],[maxLon,minLat],[maxLon,maxLat],[minLon,maxLat],[minLon,minLat]].");
    }

    void polygonCoordinates(const JsonValue& value, const std::string& at) {
        if (!value.IsArray() || value.Size() == 0) {
            add(at, "Polygon coordinates must be an array of one or more rings (arrays of positions).");
            return;
        }
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i)
            ring(value[i], child(at, i), i == 0 && value.Size() == 1);
    }

    void geojsonBbox(const JsonValue& value, const std::string& at) {
        beginCoordinates();
        bboxNumbers(value, at);
        endCoordinates();
    }

    void bboxNumbers(const JsonValue& value, const std::string& at) {
        if (!value.IsArray() || (value.Size() != 4 && value.Size() != 6) ||
            !std::all_of(value.Begin(), value.End(), [](const JsonValue& v) { return v.IsNumber(); })) {
            add(at, "'bbox' must be four numbers [west, south, east, north] (or six, with heights).");
            return;
        }
        const rapidjson::SizeType half = value.Size() / 2;
        double west = value[0].GetDouble(), south = value[1].GetDouble();
        double east = value[half].GetDouble(), north = value[half + 1].GetDouble();
        bool ok = coordinateInRange(west, child(at, 0), kMaxLongitude, "Longitude") &
                  coordinateInRange(south, child(at, 1), kMaxLatitude, "Latitude") &
                  coordinateInRange(east, child(at, half), kMaxLongitude, "Longitude") &
                  coordinateInRange(north, child(at, half + 1), kMaxLatitude, "Latitude");
        // West > east is allowed: RFC 7946 uses it for boxes across the antimeridian.
        if (ok && south > north)
            add(at, "The bbox's south (" + number(south) + ") is above its north (" + number(north) +
                        "); write [west, south, east, north].");
    }

    void geometry(const JsonValue& value, const std::string& at) {
        beginCoordinates();
        geometryShape(value, at);
        endCoordinates();
    }

    void geometryShape(const JsonValue& value, const std::string& at) {
        if (value.IsNull()) return;
        if (!value.IsObject()) {
            add(at, "'geometry' must be a GeoJSON Polygon, MultiPolygon or Point object, or null; not " +
                        kindOf(value) + ".");
            return;
        }
        const JsonValue* type = required(value, at, "type");
        const JsonValue* coordinates = required(value, at, "coordinates");
        if (const JsonValue* bbox = common::member(value, "bbox")) bboxNumbers(*bbox, child(at, "bbox"));
        if (!type || !oneOf(*type, child(at, "type"), kGeometryTypes, "a supported footprint geometry type")) return;
        if (!coordinates) return;
        const std::string coordinatesAt = child(at, "coordinates");
        std::string_view kind = text(*type);
        if (kind == "Polygon") {
            polygonCoordinates(*coordinates, coordinatesAt);
        } else if (kind == "MultiPolygon") {
            if (!coordinates->IsArray() || coordinates->Size() == 0) {
                add(coordinatesAt, "MultiPolygon coordinates must be an array of one or more polygons.");
                return;
            }
            for (rapidjson::SizeType i = 0; i < coordinates->Size(); ++i)
                polygonCoordinates((*coordinates)[i], child(coordinatesAt, i));
        } else {
            double lon = 0, lat = 0;
            position(*coordinates, coordinatesAt, lon, lat);
        }
    }

    // --- time ---

    // One end of an interval: null or ".." is open. Returns the seconds, or nullopt when open or bad.
    std::optional<std::int64_t> intervalEnd(const JsonValue& value, const std::string& at, bool isEnd, bool& bad) {
        if (value.IsNull()) return std::nullopt;
        if (!value.IsString()) {
            add(at, "An interval end must be an RFC 3339 date or date-time, '..' or null; not " + kindOf(value) + ".");
            bad = true;
            return std::nullopt;
        }
        if (text(value) == "..") return std::nullopt;
        auto seconds = isEnd ? common::parseRfc3339End(text(value)) : common::parseRfc3339(text(value));
        if (!seconds) {
            add(at, quoted(text(value)) +
                        " is not an RFC 3339 date or date-time; write e.g. 2024-05-01 or 2024-05-01T12:00:00Z, or '..' "
                        "for an open end.");
            bad = true;
        }
        return seconds;
    }

    void time(const JsonValue& value, const std::string& at) {
        if (value.IsNull()) return;
        if (!isObject(value, at)) return;
        if (const JsonValue* interval = common::member(value, "interval")) {
            const std::string intervalAt = child(at, "interval");
            if (!interval->IsArray() || interval->Size() != 2) {
                add(intervalAt, "'interval' must be an array of two members [start, end]; use '..' for an open end.");
            } else {
                bool bad = false;
                auto start = intervalEnd((*interval)[0], child(intervalAt, 0), false, bad);
                auto end = intervalEnd((*interval)[1], child(intervalAt, 1), true, bad);
                if (start && end && *start > *end)
                    add(intervalAt, "The interval starts (" + std::string(text((*interval)[0])) + ") after it ends (" +
                                        std::string(text((*interval)[1])) + ").");
            }
        }
        if (const JsonValue* date = common::member(value, "date")) {
            const std::string dateAt = child(at, "date");
            if (isString(*date, dateAt) && !isFullDate(text(*date)))
                add(dateAt, quoted(text(*date)) + " is not an RFC 3339 full date; write e.g. 2024-05-01.");
        }
        if (const JsonValue* timestamp = common::member(value, "timestamp")) {
            const std::string timestampAt = child(at, "timestamp");
            if (isString(*timestamp, timestampAt) &&
                (timestamp->GetStringLength() <= 10 || !common::parseRfc3339(text(*timestamp))))
                add(timestampAt,
                    quoted(text(*timestamp)) + " is not an RFC 3339 date-time; write e.g. 2024-05-01T12:00:00Z.");
        }
        optionalString(value, at, "resolution");
    }

    // --- properties ---

    void publisher(const JsonValue& value, const std::string& at) {
        if (!isObject(value, at)) return;
        if (const JsonValue* id = required(value, at, "id"))
            httpUrl(*id, child(at, "id"), "https://identifier.overheid.nl/tooi/id/gemeente/gm0363");
        if (const JsonValue* name = required(value, at, "name")) isString(*name, child(at, "name"));
    }

    void contacts(const JsonValue& value, const std::string& at) {
        if (!isArray(value, at, 1)) return;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            const JsonValue& contact = value[i];
            const std::string contactAt = child(at, i);
            if (!isObject(contact, contactAt)) continue;
            const JsonValue* name = common::member(contact, "name");
            const JsonValue* organization = common::member(contact, "organization");
            if (!name && !organization) add(contactAt, "A contact needs a 'name' or an 'organization'.");
            if (name) isString(*name, child(contactAt, "name"));
            if (organization) isString(*organization, child(contactAt, "organization"));
            optionalString(contact, contactAt, "position");
            if (const JsonValue* emails = common::member(contact, "emails")) {
                const std::string emailsAt = child(contactAt, "emails");
                if (isArray(*emails, emailsAt)) {
                    for (rapidjson::SizeType e = 0; e < emails->Size(); ++e) {
                        const std::string emailAt = child(emailsAt, e);
                        if (!isObject((*emails)[e], emailAt)) continue;
                        const JsonValue* address = required((*emails)[e], emailAt, "value");
                        if (address && isString(*address, child(emailAt, "value")) &&
                            std::count(address->GetString(), address->GetString() + address->GetStringLength(), '@') !=
                                1)
                            add(child(emailAt, "value"), quoted(text(*address)) + " is not an e-mail address.");
                    }
                }
            }
            if (const JsonValue* contactLinks = common::member(contact, "links"))
                links(*contactLinks, child(contactAt, "links"));
            if (const JsonValue* roles = common::member(contact, "roles"))
                stringList(*roles, child(contactAt, "roles"));
        }
    }

    void themes(const JsonValue& value, const std::string& at) {
        if (!isArray(value, at, 1)) return;
        bool twinScheme = false;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            const JsonValue& theme = value[i];
            const std::string themeAt = child(at, i);
            if (!isObject(theme, themeAt)) continue;
            const JsonValue* scheme = required(theme, themeAt, "scheme");
            bool isTwin = false;
            if (scheme && isString(*scheme, child(themeAt, "scheme"))) isTwin = text(*scheme) == kTwinThemeScheme;
            twinScheme = twinScheme || isTwin;
            const JsonValue* concepts = required(theme, themeAt, "concepts");
            const std::string conceptsAt = child(themeAt, "concepts");
            if (!concepts || !isArray(*concepts, conceptsAt, 1)) continue;
            for (rapidjson::SizeType c = 0; c < concepts->Size(); ++c) {
                const std::string conceptAt = child(conceptsAt, c);
                if (!isObject((*concepts)[c], conceptAt)) continue;
                const JsonValue* id = required((*concepts)[c], conceptAt, "id");
                if (!id) continue;
                if (isTwin)
                    oneOf(*id, child(conceptAt, "id"), kTwinThemes, "a twin theme");
                else
                    isString(*id, child(conceptAt, "id"));
            }
        }
        if (!twinScheme)
            add(at, std::string("Add at least one twin theme: a theme with scheme ") + kTwinThemeScheme +
                        " and concepts such as buildings, heat-stress or flooding.");
    }

    void adminUnits(const JsonValue& value, const std::string& at) {
        if (!isArray(value, at, 1)) return;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            const std::string unitAt = child(at, i);
            if (!isString(value[i], unitAt)) continue;
            if (!isAdminUnit(text(value[i])))
                add(unitAt, quoted(text(value[i])) +
                                " is not a CBS code; use GM and four digits for a municipality (GM0363), PV and two "
                                "digits for a province (PV27), or WS and four digits for a water board (WS0155).");
        }
    }

    void crs(const JsonValue& value, const std::string& at) {
        if (!isArray(value, at, 1)) return;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            const std::string crsAt = child(at, i);
            if (!isString(value[i], crsAt)) continue;
            std::string_view uri = text(value[i]);
            if (isEpsgUri(uri)) continue;
            std::string example = "7415";
            std::size_t colon = uri.rfind(':');
            if (colon != std::string_view::npos && !uri.substr(colon + 1).empty() &&
                digitsOnly(uri.substr(colon + 1), uri.size() - colon - 1))
                example = std::string(uri.substr(colon + 1));
            add(crsAt, quoted(uri) + " is not an EPSG URI; write it as " + kEpsgUriPrefix + example + ".");
        }
    }

    void distributions(const JsonValue& value, const std::string& at) {
        if (!isArray(value, at, 1)) return;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            const JsonValue& distribution = value[i];
            const std::string distAt = child(at, i);
            if (!isObject(distribution, distAt)) continue;
            if (const JsonValue* href = required(distribution, distAt, "href"))
                httpUrl(*href, child(distAt, "href"), "https://data.3dbag.nl/v20240420/3dtiles/lod22/tileset.json");
            if (const JsonValue* format = required(distribution, distAt, "format"))
                oneOf(*format, child(distAt, "format"), kFormats, "a known format");
            if (const JsonValue* version = required(distribution, distAt, "formatVersion"))
                isString(*version, child(distAt, "formatVersion"));
            if (const JsonValue* mediaType = required(distribution, distAt, "mediaType"))
                isString(*mediaType, child(distAt, "mediaType"));
            optionalString(distribution, distAt, "title");
            if (const JsonValue* byteSize = common::member(distribution, "byteSize")) {
                const std::string sizeAt = child(distAt, "byteSize");
                if (!byteSize->IsNumber())
                    add(sizeAt, "'byteSize' must be a number of bytes, not " + kindOf(*byteSize) + ".");
                else if (!byteSize->IsInt64() && !byteSize->IsUint64())
                    add(sizeAt, "'byteSize' must be a whole number of bytes, not " + common::toString(*byteSize) + ".");
                else if (byteSize->IsInt64() && byteSize->GetInt64() < 0)
                    add(sizeAt, "'byteSize' must not be negative.");
            }
            if (const JsonValue* checksum = common::member(distribution, "checksum")) {
                const std::string checksumAt = child(distAt, "checksum");
                if (isObject(*checksum, checksumAt)) {
                    if (const JsonValue* algorithm = required(*checksum, checksumAt, "algorithm"))
                        isString(*algorithm, child(checksumAt, "algorithm"));
                    if (const JsonValue* digest = required(*checksum, checksumAt, "value"))
                        isString(*digest, child(checksumAt, "value"));
                }
            }
        }
    }

    void lod(const JsonValue& value, const std::string& at) {
        if (!isArray(value, at, 1)) return;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            const std::string lodAt = child(at, i);
            if (value[i].IsNumber()) {
                add(lodAt, "Levels of detail are strings: write \"" + common::toString(value[i]) + "\" in quotes.");
                continue;
            }
            oneOf(value[i], lodAt, kLods, "a CityJSON level of detail");
        }
    }

    void lineage(const JsonValue& value, const std::string& at, bool simulation) {
        if (!isObject(value, at)) return;
        for (const char* name : {"model", "version", "scenario"}) {
            const JsonValue* member = simulation ? required(value, at, name) : common::member(value, name);
            if (member) isString(*member, child(at, name));
        }
        if (const JsonValue* runDate = simulation ? required(value, at, "runDate") : common::member(value, "runDate"))
            date(*runDate, child(at, "runDate"));
        if (const JsonValue* sources = common::member(value, "sources")) {
            const std::string sourcesAt = child(at, "sources");
            if (!isArray(*sources, sourcesAt)) return;
            for (rapidjson::SizeType i = 0; i < sources->Size(); ++i) {
                const std::string sourceAt = child(sourcesAt, i);
                if (!isObject((*sources)[i], sourceAt)) continue;
                if (const JsonValue* title = required((*sources)[i], sourceAt, "title"))
                    isString(*title, child(sourceAt, "title"));
                if (const JsonValue* href = common::member((*sources)[i], "href"))
                    httpUrl(*href, child(sourceAt, "href"), "https://www.ahn.nl/");
            }
        }
    }

    void properties(const JsonValue& value, const std::string& at) {
        if (!value.IsObject()) {
            add(at,
                "'properties' must be an object holding the twin members (title, themes, distributions, ...), not " +
                    kindOf(value) + ".");
            return;
        }
        const JsonValue* type = required(value, at, "type");
        bool simulation = false;
        if (type && oneOf(*type, child(at, "type"), kRecordTypes, "a record type"))
            simulation = text(*type) == "simulation-result";
        if (const JsonValue* title = required(value, at, "title")) isString(*title, child(at, "title"));
        if (const JsonValue* description = required(value, at, "description"))
            isString(*description, child(at, "description"));
        if (const JsonValue* member = required(value, at, "publisher")) publisher(*member, child(at, "publisher"));
        if (const JsonValue* member = required(value, at, "contacts")) contacts(*member, child(at, "contacts"));
        if (const JsonValue* member = required(value, at, "themes")) themes(*member, child(at, "themes"));
        if (const JsonValue* member = required(value, at, "adminUnits")) adminUnits(*member, child(at, "adminUnits"));
        if (const JsonValue* member = required(value, at, "crs")) crs(*member, child(at, "crs"));
        if (const JsonValue* member = required(value, at, "updated")) pastDate(*member, child(at, "updated"));
        if (const JsonValue* member = required(value, at, "license")) isString(*member, child(at, "license"));
        if (const JsonValue* member = required(value, at, "rights"))
            oneOf(*member, child(at, "rights"), kRightsValues, "a known kind of rights");
        if (const JsonValue* member = required(value, at, "distributions"))
            distributions(*member, child(at, "distributions"));

        if (const JsonValue* member = common::member(value, "created")) pastDate(*member, child(at, "created"));
        if (const JsonValue* member = common::member(value, "keywords")) stringList(*member, child(at, "keywords"));
        if (const JsonValue* member = common::member(value, "language")) {
            const std::string languageAt = child(at, "language");
            if (isObject(*member, languageAt))
                if (const JsonValue* code = required(*member, languageAt, "code"))
                    isString(*code, child(languageAt, "code"));
        }
        if (const JsonValue* member = common::member(value, "lod")) lod(*member, child(at, "lod"));
        if (const JsonValue* member = common::member(value, "accuracy")) {
            if (!member->IsNumber() && !member->IsString() && !member->IsObject())
                add(child(at, "accuracy"),
                    "'accuracy' must be a number, a string or an object, not " + kindOf(*member) + ".");
        }
        if (const JsonValue* member = common::member(value, "updateFrequency"))
            httpUrl(*member, child(at, "updateFrequency"),
                    "http://publications.europa.eu/resource/authority/frequency/ANNUAL");
        const JsonValue* lineageMember = simulation ? required(value, at, "lineage") : common::member(value, "lineage");
        if (lineageMember) lineage(*lineageMember, child(at, "lineage"), simulation);
    }

    void record(const JsonValue& value) {
        if (const JsonValue* id = required(value, "", "id")) {
            if (isString(*id, "/id") && id->GetStringLength() > kMaxIdLength)
                add("/id", "'id' must be at most " + std::to_string(kMaxIdLength) + " characters long.");
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

private:
    std::int64_t m_now;  // seconds since 1970
    int m_outOfRange = 0;
    std::size_t m_firstOutOfRange = 0;
};

std::string pointerText(const rapidjson::Pointer& pointer) {
    rapidjson::StringBuffer buffer;
    pointer.Stringify(buffer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

// True when one pointer is the other or lies inside it: such problems are about the same thing.
bool related(const std::string& a, const std::string& b) {
    auto inside = [](const std::string& inner, const std::string& outer) {
        return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 && inner[outer.size()] == '/';
    };
    return a == b || inside(a, b) || inside(b, a);
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

}  // namespace

struct Profile::Private {
    common::Json schemaJson;  // kept for messages (enum values, descriptions); outlives `schema`
    std::unique_ptr<rapidjson::SchemaDocument> schema;
    common::Json memberSchemaJson;  // schemaJson without "required"
    std::unique_ptr<rapidjson::SchemaDocument> memberSchema;

    // Turns the validator's first error into problems, in our pointer/message conventions.
    Problems schemaProblems(const rapidjson::SchemaValidator& validator, const JsonValue& record) const {
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
