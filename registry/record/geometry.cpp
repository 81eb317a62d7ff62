#include "record/geometry.hpp"

#include <algorithm>
#include <cmath>

namespace tweeling::registry::record {

using common::JsonValue;

namespace {

void extend(const JsonValue& coordinates, std::optional<Bbox>& box, int depth) {
    if (!coordinates.IsArray() || depth > kMaxCoordinateDepth) return;
    if (coordinates.Size() >= 2 && coordinates[0].IsNumber() && coordinates[1].IsNumber()) {
        double x = coordinates[0].GetDouble(), y = coordinates[1].GetDouble();
        if (!std::isfinite(x) || !std::isfinite(y)) return;
        if (!box) {
            box = Bbox{x, y, x, y};
        } else {
            box->minX = std::min(box->minX, x);
            box->minY = std::min(box->minY, y);
            box->maxX = std::max(box->maxX, x);
            box->maxY = std::max(box->maxY, y);
        }
        return;
    }
    for (const auto& element : coordinates.GetArray()) extend(element, box, depth + 1);
}

void extendGeometry(const JsonValue& geometry, std::optional<Bbox>& box, int depth) {
    if (!geometry.IsObject() || depth > kMaxCoordinateDepth) return;
    if (const JsonValue* coordinates = common::member(geometry, "coordinates")) extend(*coordinates, box, 0);
    if (const JsonValue* geometries = common::member(geometry, "geometries"); geometries && geometries->IsArray())
        for (const auto& part : geometries->GetArray()) extendGeometry(part, box, depth + 1);
}

JsonValue position(double x, double y, common::Json::AllocatorType& allocator) {
    JsonValue out(rapidjson::kArrayType);
    out.PushBack(x, allocator).PushBack(y, allocator);
    return out;
}

JsonValue boxRing(double w, double s, double e, double n, common::Json::AllocatorType& allocator) {
    JsonValue ring(rapidjson::kArrayType);
    ring.PushBack(position(w, s, allocator), allocator)
        .PushBack(position(e, s, allocator), allocator)
        .PushBack(position(e, n, allocator), allocator)
        .PushBack(position(w, n, allocator), allocator)
        .PushBack(position(w, s, allocator), allocator);
    JsonValue polygon(rapidjson::kArrayType);
    polygon.PushBack(ring, allocator);
    return polygon;
}

bool inRange(double value, double limit) {
    return std::isfinite(value) && std::fabs(value) <= limit;
}

}  // namespace

std::optional<Bbox> envelope(const JsonValue& geometry) {
    std::optional<Bbox> box;
    extendGeometry(geometry, box, 0);
    return box;
}

std::optional<Bbox> coordinatesEnvelope(const JsonValue& coordinates) {
    std::optional<Bbox> box;
    extend(coordinates, box, 0);
    return box;
}

bool isWgs84(const Bbox& box) {
    return inRange(box.minX, kMaxLongitude) && inRange(box.maxX, kMaxLongitude) && inRange(box.minY, kMaxLatitude) &&
           inRange(box.maxY, kMaxLatitude);
}

bool isPosition(const JsonValue& position) {
    if (!position.IsArray() || position.Size() < 2 || position.Size() > 3) return false;
    for (const auto& number : position.GetArray())
        if (!number.IsNumber() || !std::isfinite(number.GetDouble())) return false;
    return inRange(position[0].GetDouble(), kMaxLongitude) && inRange(position[1].GetDouble(), kMaxLatitude);
}

bool isPolygon(const JsonValue& coordinates) {
    if (!coordinates.IsArray() || coordinates.Empty()) return false;
    for (const auto& ring : coordinates.GetArray()) {
        if (!ring.IsArray() || ring.Size() < 4) return false;
        for (const auto& corner : ring.GetArray())
            if (!isPosition(corner)) return false;
        const JsonValue& first = ring[0];
        const JsonValue& last = ring[ring.Size() - 1];
        if (first[0].GetDouble() != last[0].GetDouble() || first[1].GetDouble() != last[1].GetDouble()) return false;
    }
    return true;
}

std::optional<Bbox> readGeojsonBbox(const JsonValue& bbox) {
    if (!bbox.IsArray() || (bbox.Size() != 4 && bbox.Size() != 6)) return std::nullopt;
    for (const auto& number : bbox.GetArray())
        if (!number.IsNumber() || !std::isfinite(number.GetDouble())) return std::nullopt;
    const rapidjson::SizeType half = bbox.Size() / 2;
    Bbox box{bbox[0].GetDouble(), bbox[1].GetDouble(), bbox[half].GetDouble(), bbox[half + 1].GetDouble()};
    if (!isWgs84(box) || box.minY > box.maxY) return std::nullopt;
    return box;
}

std::optional<SwappedBox> swappedBox(const JsonValue& ring) {
    if (!ring.IsArray() || ring.Size() != 5) return std::nullopt;
    for (rapidjson::SizeType i = 0; i + 1 < ring.Size(); ++i) {
        double x0 = ring[i][0].GetDouble(), y0 = ring[i][1].GetDouble();
        double x1 = ring[i + 1][0].GetDouble(), y1 = ring[i + 1][1].GetDouble();
        bool horizontal = y0 == y1 && x0 != x1, vertical = x0 == x1 && y0 != y1;
        if (!horizontal && !vertical) return std::nullopt;  // not a rectangle
    }
    const double x0 = ring[0][0].GetDouble(), y0 = ring[0][1].GetDouble();
    const double x1 = ring[1][0].GetDouble(), y1 = ring[1][1].GetDouble(), y2 = ring[2][1].GetDouble();
    if (y0 == y1) {  // first edge horizontal
        if (x1 < x0) return SwappedBox{true, x0, x1};
        if (y2 < y1) return SwappedBox{false, y1, y2};
    } else if (y1 < y0) {
        return SwappedBox{false, y0, y1};
    }
    return std::nullopt;
}

JsonValue boxGeometry(const Bbox& box, common::Json::AllocatorType& allocator) {
    const double w = box.minX, s = box.minY, e = box.maxX, n = box.maxY;
    JsonValue geometry(rapidjson::kObjectType);
    if (w == e && s == n) {
        geometry.AddMember("type", "Point", allocator);
        geometry.AddMember("coordinates", position(w, s, allocator), allocator);
    } else if (w > e) {
        JsonValue polygons(rapidjson::kArrayType);
        polygons.PushBack(boxRing(w, s, kMaxLongitude, n, allocator), allocator);
        polygons.PushBack(boxRing(-kMaxLongitude, s, e, n, allocator), allocator);
        geometry.AddMember("type", "MultiPolygon", allocator);
        geometry.AddMember("coordinates", polygons, allocator);
    } else {
        geometry.AddMember("type", "Polygon", allocator);
        geometry.AddMember("coordinates", boxRing(w, s, e, n, allocator), allocator);
    }
    return geometry;
}

}  // namespace tweeling::registry::record
