#include "record/profile_walk.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "record/geometry.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::registry::record::checks {

bool Walk::position(const JsonValue& value, const std::string& at, double& lon, double& lat) {
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
void Walk::beginCoordinates() { m_outOfRange = 0; }
void Walk::endCoordinates() {
    if (m_outOfRange > 1)
        problems[m_firstOutOfRange].message +=
            " " + std::to_string(m_outOfRange) + " coordinates of this footprint are out of range.";
}

bool Walk::coordinateInRange(double value, const std::string& at, double limit, const char* axis) {
    if (std::isfinite(value) && value >= -limit && value <= limit) return true;
    if (m_outOfRange++ > 0) return false;
    m_firstOutOfRange = problems.size();
    std::string message = std::string(axis) + " " + number(value) + " is outside -" + number(limit) + ".." +
                          number(limit) + "; footprints are WGS84 degrees in the order longitude, latitude";
    if (std::fabs(value) > 360) message += " (this looks like a projected coordinate such as RD New metres)";
    add(at, message + ".");
    return false;
}

void Walk::ring(const JsonValue& value, const std::string& at, bool exterior) {
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

void Walk::polygonCoordinates(const JsonValue& value, const std::string& at) {
    if (!value.IsArray() || value.Size() == 0) {
        add(at, "Polygon coordinates must be an array of one or more rings (arrays of positions).");
        return;
    }
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i)
        ring(value[i], child(at, i), i == 0 && value.Size() == 1);
}

void Walk::geojsonBbox(const JsonValue& value, const std::string& at) {
    beginCoordinates();
    bboxNumbers(value, at);
    endCoordinates();
}

void Walk::bboxNumbers(const JsonValue& value, const std::string& at) {
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

void Walk::geometry(const JsonValue& value, const std::string& at) {
    beginCoordinates();
    geometryShape(value, at);
    endCoordinates();
}

void Walk::geometryShape(const JsonValue& value, const std::string& at) {
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

}  // namespace tweeling::registry::record::checks
