#include "api/crs_negotiation.hpp"

#include "api/errors.hpp"
#include "common/text.hpp"
#include "geo/crs.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>

namespace tweeling::registry::api {

using common::JsonValue;

namespace {

// Web Mercator's own limit: the latitude at which its square world ends (EPSG:3857's area of use
// stops at 85.06°). Further north or south it has no finite y.
constexpr double kWebMercatorMaxLatitude = 85.0511287798066;

struct Entry {
    const char* id;
    const char* horizontal;  // a 3D CRS's positions are transformed through its horizontal CRS
    double maxLatitude;
};

// The one list of CRSs the API offers (docs/COORDINATES.md, "CRS negotiation"). CRS84 first: the
// storage CRS and the default.
constexpr Entry kOffered[] = {
    {"OGC:CRS84", "OGC:CRS84", 90},    // WGS 84 longitude/latitude
    {"OGC:CRS84h", "OGC:CRS84", 90},   // ... with ellipsoidal height
    {"EPSG:28992", "EPSG:28992", 90},  // Amersfoort / RD New
    {"EPSG:7415", "EPSG:28992", 90},   // Amersfoort / RD New + NAP height
    {"EPSG:4258", "EPSG:4258", 90},    // ETRS89 (latitude first)
    {"EPSG:4937", "EPSG:4258", 90},    // ETRS89 3D (latitude first)
    {"EPSG:4326", "EPSG:4326", 90},    // WGS 84 (latitude first)
    {"EPSG:3857", "EPSG:3857", kWebMercatorMaxLatitude},  // WGS 84 / Pseudo-Mercator
};

std::vector<OfferedCrs> makeOffered() {
    std::vector<OfferedCrs> out;
    for (const Entry& entry : kOffered) {
        OfferedCrs crs;
        crs.id = entry.id;
        crs.uri = geo::crsUri(entry.id);
        crs.horizontal = entry.horizontal;
        crs.maxLatitude = entry.maxLatitude;
        // Axis order and dimensions as PROJ's copy of the EPSG registry defines them. Without them
        // coordinates could come out in the wrong order: a PROJ that does not know these CRSs is a
        // broken installation (a 500, logged), not something to guess around.
        std::string error;
        auto info = geo::describeCrs(entry.id, &error);
        if (!info) throw std::runtime_error("PROJ does not describe the offered CRS " + crs.id + ": " + error);
        crs.northFirst = info->northFirst;
        crs.geographic = info->geographic;
        crs.threeD = info->dimensions == 3;
        crs.decimals = info->geographic ? 8 : 3;  // about a millimetre either way
        out.push_back(std::move(crs));
    }
    return out;
}

std::string offeredList() {
    std::string out;
    for (const OfferedCrs& crs : offeredCrss()) out += (out.empty() ? "" : ", ") + crs.uri;
    return out;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

double rounded(double value, int decimals) {
    const double scale = std::pow(10.0, decimals);
    double out = std::round(value * scale) / scale;
    return out == 0 ? 0 : out;  // no -0
}

// A box in the CRS's axis order as [minx, miny, maxx, maxy] east first.
std::array<double, 4> eastFirst(const OfferedCrs& crs, const record::Bbox& box) {
    if (crs.northFirst) return {box.minY, box.minX, box.maxY, box.maxX};
    return {box.minX, box.minY, box.maxX, box.maxY};
}

// The smallest CRS84 box holding `box` (east first, in crs), or an error sentence.
std::optional<record::Bbox> toCrs84(const OfferedCrs& crs, std::array<double, 4> box, std::string& error) {
    auto out = geo::transformExtent(crs.horizontal, "OGC:CRS84", box, &error);
    if (!out) return std::nullopt;
    record::Bbox result{(*out)[0], (*out)[1], (*out)[2], (*out)[3]};
    if (result.minX > result.maxX) {
        error = "its image in CRS84 crosses the antimeridian, which searches do not support";
        return std::nullopt;
    }
    result.minX = std::max(result.minX, -record::kMaxLongitude);
    result.maxX = std::min(result.maxX, record::kMaxLongitude);
    result.minY = std::max(result.minY, -record::kMaxLatitude);
    result.maxY = std::min(result.maxY, record::kMaxLatitude);
    return result;
}

// Collects the positions under a geometry's "coordinates" (and a GeometryCollection's members).
void collectPositions(JsonValue& coordinates, std::vector<JsonValue*>& out, int depth) {
    if (!coordinates.IsArray() || depth > record::kMaxCoordinateDepth) return;
    if (coordinates.Size() >= 2 && coordinates[0].IsNumber() && coordinates[1].IsNumber()) {
        out.push_back(&coordinates);
        return;
    }
    for (auto& element : coordinates.GetArray()) collectPositions(element, out, depth + 1);
}

void collectGeometry(JsonValue& geometry, std::vector<JsonValue*>& out, int depth) {
    if (!geometry.IsObject() || depth > record::kMaxCoordinateDepth) return;
    auto coordinates = geometry.FindMember("coordinates");
    if (coordinates != geometry.MemberEnd()) collectPositions(coordinates->value, out, 0);
    auto geometries = geometry.FindMember("geometries");
    if (geometries != geometry.MemberEnd() && geometries->value.IsArray())
        for (auto& part : geometries->value.GetArray()) collectGeometry(part, out, depth + 1);
}

// Writes east, north (and the height, for a 3D CRS) into a position in the CRS's axis order.
void setPosition(JsonValue& position, const OfferedCrs& crs, double east, double north,
                 common::Json::AllocatorType& allocator) {
    east = rounded(east, crs.decimals);
    north = rounded(north, crs.decimals);
    JsonValue height;
    if (crs.threeD && position.Size() >= 3) height = position[2];  // as the record has it
    position.Clear();
    position.PushBack(crs.northFirst ? north : east, allocator).PushBack(crs.northFirst ? east : north, allocator);
    if (height.IsNumber()) position.PushBack(height, allocator);
}

[[noreturn]] void cannotExpress(const OfferedCrs& crs, const std::string& what, const std::string& error) {
    throw badParameter("crs", "the " + what + " of a record cannot be expressed in " + crs.uri + " (" + error +
                                  "); ask for another CRS, such as " + storageCrs().uri);
}

void transformBboxMember(JsonValue& record, const OfferedCrs& crs, common::Json::AllocatorType& allocator) {
    auto member = record.FindMember("bbox");
    if (member == record.MemberEnd()) return;
    JsonValue& bbox = member->value;
    auto box = record::readGeojsonBbox(bbox);
    const bool withHeights = bbox.IsArray() && bbox.Size() == 6;
    if (!box || box->minX > box->maxX) {  // across the antimeridian: no box in another CRS says that
        record.EraseMember(member);
        return;
    }
    std::array<double, 4> extent{box->minX, std::max(box->minY, -crs.maxLatitude), box->maxX,
                                 std::min(box->maxY, crs.maxLatitude)};
    std::string error;
    auto out = geo::transformExtent("OGC:CRS84", crs.horizontal, extent, &error);
    if (!out) cannotExpress(crs, "bbox", error);
    std::array<double, 4> e = *out;
    if (crs.northFirst) e = {e[1], e[0], e[3], e[2]};
    JsonValue heights[2];
    if (withHeights && crs.threeD) {
        heights[0] = bbox[2];
        heights[1] = bbox[5];
    }
    bbox.Clear();
    bbox.PushBack(rounded(e[0], crs.decimals), allocator).PushBack(rounded(e[1], crs.decimals), allocator);
    if (heights[0].IsNumber()) bbox.PushBack(heights[0], allocator);
    bbox.PushBack(rounded(e[2], crs.decimals), allocator).PushBack(rounded(e[3], crs.decimals), allocator);
    if (heights[1].IsNumber()) bbox.PushBack(heights[1], allocator);
}

}  // namespace

const std::vector<OfferedCrs>& offeredCrss() {
    static const std::vector<OfferedCrs> offered = makeOffered();
    return offered;
}

const OfferedCrs& storageCrs() { return offeredCrss().front(); }

const OfferedCrs& offeredCrs(const std::string& parameter, const std::string& value) {
    if (auto id = geo::crsId(value)) {
        for (const OfferedCrs& crs : offeredCrss())
            if (crs.id == *id) return crs;
    }
    throw badParameter(parameter, "'" + common::truncateUtf8(value, 100) + "' is not a CRS this API offers; use one of " +
                                      offeredList());
}

std::string contentCrs(const OfferedCrs& crs) { return "<" + crs.uri + ">"; }

record::Bbox boxToCrs84(const OfferedCrs& crs, const record::Bbox& box, const std::string& parameter) {
    if (box.minX > box.maxX || box.minY > box.maxY)
        throw badParameter(parameter, "a minimum is larger than its maximum (in " + crs.uri + ", axis order " +
                                          (crs.northFirst ? "latitude, longitude" : "east, north") + ")");
    std::array<double, 4> extent = eastFirst(crs, box);
    if (crs.geographic && (extent[0] < -180 || extent[2] > 180 || extent[1] < -90 || extent[3] > 90))
        throw badParameter(parameter, std::string("coordinates must be degrees of longitude [-180,180] and latitude "
                                                  "[-90,90], in the order ") +
                                          (crs.northFirst ? "latitude, longitude" : "longitude, latitude") + " of " +
                                          crs.uri);
    std::string error;
    auto out = toCrs84(crs, extent, error);
    if (!out)
        throw badParameter(parameter, "the box (" + number(box.minX) + ", " + number(box.minY) + ", " +
                                          number(box.maxX) + ", " + number(box.maxY) + ") in " + crs.uri +
                                          " cannot be transformed to CRS84: " + error);
    return *out;
}

void filterToCrs84(store::cql2::Expression& filter, const OfferedCrs& crs) {
    for (auto& term : filter.terms) {
        if (term.kind != store::cql2::Term::Kind::Geometry) continue;
        try {
            term.envelope = boxToCrs84(crs, term.envelope, "filter");
        } catch (ApiError& error) {
            error.extra("offset", static_cast<long long>(term.offset));
            throw;
        }
    }
    for (auto& child : filter.children) filterToCrs84(child, crs);
}

void recordToCrs(JsonValue& record, common::Json::AllocatorType& allocator, const OfferedCrs& crs) {
    // CRS84h has CRS84's positions: only a 2D CRS other than CRS84 changes them.
    if (crs.horizontal == "OGC:CRS84" || !record.IsObject()) return;
    auto geometry = record.FindMember("geometry");
    if (geometry != record.MemberEnd()) {
        std::vector<JsonValue*> positions;
        collectGeometry(geometry->value, positions, 0);
        std::vector<geo::Point> points;
        points.reserve(positions.size());
        for (const JsonValue* position : positions) {
            double latitude = (*position)[1].GetDouble();
            latitude = std::clamp(latitude, -crs.maxLatitude, crs.maxLatitude);
            points.push_back({(*position)[0].GetDouble(), latitude, 0});
        }
        std::string error;
        if (!points.empty() && !geo::transformPoints("OGC:CRS84", crs.horizontal, points, &error))
            cannotExpress(crs, "footprint", error);
        for (std::size_t i = 0; i < positions.size(); ++i)
            setPosition(*positions[i], crs, points[i][0], points[i][1], allocator);
    }
    transformBboxMember(record, crs, allocator);
}

}  // namespace tweeling::registry::api
