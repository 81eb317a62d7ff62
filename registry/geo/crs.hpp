#pragma once
// Coordinate reference systems and transformations, over PROJ (Debian's libproj, 9.1). The hub's
// asset probes compare an asset's CRS and extent with what its record claims and turn a 3D Tiles
// box in ECEF into a region; the API's CRS negotiation (bbox-crs, crs) names CRSs the same way.
// docs/COORDINATES.md says which CRSs Tweeling names and how accurate the transformations are.
//
// Every function may be called from any thread: each thread has its own PROJ context and its own
// cache of transformations. None throws for bad input: unknown CRSs and failed points are reported
// through the return value and an English sentence in *error.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::geo {

// A CRS as Tweeling names it: "EPSG:<code>", or "OGC:CRS84" / "OGC:CRS84h" (WGS 84 longitude,
// latitude (and ellipsoidal height)). Accepts "EPSG:7415" in either case,
// "http(s)://www.opengis.net/def/crs/EPSG/0/7415", "urn:ogc:def:crs:EPSG::7415" (or with a version),
// "http://www.opengis.net/def/crs/OGC/1.3/CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84", "OGC:CRS84" and
// the same for CRS84h; nullopt for anything else (WKT is not an identifier).
std::optional<std::string> crsId(std::string_view text);

// The OGC URI of an id (anything crsId accepts): "EPSG:7415" ->
// "http://www.opengis.net/def/crs/EPSG/0/7415", "OGC:CRS84" -> ".../OGC/1.3/CRS84", "OGC:CRS84h" ->
// ".../OGC/0/CRS84h". "" when crsId refuses `id`.
std::string crsUri(std::string_view id);

struct CrsInfo {
    std::string id;           // "EPSG:7415" when PROJ finds an EPSG identifier ("OGC:CRS84" for CRS84), else ""
    std::string name;         // "Amersfoort / RD New + NAP height"
    std::string horizontal;   // id of the horizontal part ("EPSG:28992"); the CRS's own id when not compound
    std::string vertical;     // id of the vertical part ("EPSG:5709"), "" when none
    bool geographic = false;  // the horizontal part is geographic (degrees)
    // The definition lists north (latitude, northing) before east: EPSG:4326, EPSG:4258 and EPSG:4937
    // do, CRS84 and RD New do not. Tweeling's functions always take and give east first; the OGC APIs
    // write coordinates in the definition's order when a CRS is named by request (bbox-crs, crs).
    bool northFirst = false;
    int dimensions = 2;  // axes: 3 for a compound CRS or a 3D geographic one (EPSG:4937), else 2
};

// Describes a CRS given as an id or URI (crsId) or as WKT (LAS files carry WKT1 or WKT2). For WKT
// the id is the object's own EPSG id when it states one, else the EPSG entry PROJ finds equivalent
// (proj_identify); a TOWGS84 clause does not stand in the way, and the name is then the EPSG entry's.
// nullopt and *error when the text is neither an id nor WKT, or PROJ does not know the CRS.
std::optional<CrsInfo> describeCrs(const std::string& crs, std::string* error = nullptr);

// x, y, z in the CRS's east/north(/up) order: longitude first for geographic CRSs, metres (or the
// CRS's unit) for projected ones, X, Y, Z for geocentric ones.
using Point = std::array<double, 3>;

// Transforms points in place from one CRS to another (ids, URIs or WKT), in east/north order on both
// sides. false and *error when either CRS is unknown, PROJ has no transformation between them that
// is better than a "ballpark" one (which ignores the datum shift: about 115 m off from RD New + NAP
// height to WGS 84 3D), or PROJ fails for a point (then the points are unspecified).
//
// Heights: pass z; a 2D CRS ignores it (it comes out as it went in). Between a compound CRS such as
// RD New + NAP height (EPSG:7415) and a 3D one (EPSG:4979, EPSG:4978), PROJ needs the NAP quasi-geoid
// grid; without it the height is carried through the datum shift as an ellipsoidal height of the
// horizontal datum (Bessel for RD), which in the Netherlands comes within half a metre of what the
// grid gives (docs/COORDINATES.md).
// (Not named `transform`: an unqualified call with a std::vector argument would find std::transform
// by argument-dependent lookup, which matches better and then fails to compile.)
bool transformPoints(const std::string& from, const std::string& to, std::vector<Point>& points,
                     std::string* error = nullptr);

// An extent [minx, miny, maxx, maxy] in `from` (east/north order) as the smallest box in `to` (east/north
// order) that holds its image: each edge densified with 21 points, so that the curved image of a
// projected box is covered (PROJ's proj_trans_bounds). Towards a geographic CRS a box across the
// antimeridian comes out with minx > maxx. nullopt and *error on failure.
std::optional<std::array<double, 4>> transformExtent(const std::string& from, const std::string& to,
                                                     const std::array<double, 4>& extent, std::string* error = nullptr);

// An extent [minx, miny, maxx, maxy] in `crs` (east/north order), as a WGS 84 longitude/latitude box
// in degrees [west, south, east, north]: each edge densified with 21 points, so that the curved image
// of a projected box is covered. nullopt and *error on failure.
std::optional<std::array<double, 4>> extentToWgs84(const std::string& crs, const std::array<double, 4>& extent,
                                                   std::string* error = nullptr);

// ECEF (EPSG:4978, metres) to WGS 84 geographic 3D (EPSG:4979): longitude and latitude in degrees,
// ellipsoidal height in metres.
bool ecefToGeodetic(std::vector<Point>& points, std::string* error = nullptr);

}  // namespace tweeling::registry::geo
