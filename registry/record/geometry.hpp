#pragma once
// GeoJSON footprints as the twin record profile has them (WGS84 longitude/latitude): envelopes,
// footprints made from boxes, and the checks the adapter and the profile share. One envelope for
// the index, the DCAT-AP location, the HTML page and the adapter, so they cannot disagree about
// where a record is.
#include "common/json.hpp"

#include <optional>

namespace tweeling::registry::record {

struct Bbox {
    double minX = 0, minY = 0, maxX = 0, maxY = 0;  // WGS84 lon/lat
};

inline constexpr double kMaxLongitude = 180;
inline constexpr double kMaxLatitude = 90;

// Geometries nest coordinates at most four arrays deep (MultiPolygon), and the profile accepts no
// GeometryCollection; deeper nesting is malformed input, and the limit keeps recursion bounded.
inline constexpr int kMaxCoordinateDepth = 8;

// The envelope of a GeoJSON geometry: its coordinates, and the members of a GeometryCollection.
// Positions with a coordinate that is not a finite number are left out; nullopt when no position
// is left (geometry null, or no coordinates).
std::optional<Bbox> envelope(const common::JsonValue& geometry);
// The envelope of a geometry's "coordinates" member alone.
std::optional<Bbox> coordinatesEnvelope(const common::JsonValue& coordinates);
// Every corner within -180..180, -90..90.
bool isWgs84(const Bbox& box);

// A position of two or three finite numbers, within WGS84 range.
bool isPosition(const common::JsonValue& position);
// Polygon coordinates: one or more closed rings of at least four valid positions.
bool isPolygon(const common::JsonValue& coordinates);

// A GeoJSON bbox, [w, s, e, n] or [w, s, zmin, e, n, zmax], of finite numbers in WGS84 range with
// s <= n. West may exceed east: RFC 7946 writes a box across the antimeridian so.
std::optional<Bbox> readGeojsonBbox(const common::JsonValue& bbox);

// An axis-aligned rectangle is usually a bounding box written as a polygon,
// [[minLon,minLat],[maxLon,minLat],[maxLon,maxLat],[minLon,maxLat],[minLon,minLat]] (or starting
// with the northward edge, as PostGIS, GDAL and shapely write it). A rectangle whose first edge runs
// west, south, or east-then-south was made from a bbox with a minimum above its maximum: the profile
// refuses it and the adapter rewrites it. Which axis runs the wrong way, from where to where.
struct SwappedBox {
    bool longitude;  // else latitude
    double from, to;
};
// For a ring of five valid positions (isPosition); nullopt when it is no rectangle or not swapped.
std::optional<SwappedBox> swappedBox(const common::JsonValue& ring);

// A footprint from a box: a Point when it has no extent, a Polygon, or (west > east, across the
// antimeridian) a MultiPolygon of the two halves.
common::JsonValue boxGeometry(const Bbox& box, common::Json::AllocatorType& allocator);

}  // namespace tweeling::registry::record
