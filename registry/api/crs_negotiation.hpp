#pragma once
// CRS negotiation (OGC API – Features Part 2 "Coordinate Reference Systems by Reference", which the
// NL API Design Rules' Geospatial module adopts): the CRSs this API offers, the request parameters
// that name one (bbox-crs, filter-crs, crs), and the response's geometries in the CRS asked for.
// Records are stored in CRS84 and never change; only what a response shows is transformed, through
// registry/geo (PROJ). docs/COORDINATES.md, "CRS negotiation", says what a client may rely on.
#include "common/json.hpp"
#include "record/geometry.hpp"
#include "store/cql2.hpp"

#include <string>
#include <vector>

namespace tweeling::registry::api {

struct OfferedCrs {
    std::string id;          // geo::crsId's name: "EPSG:28992", "OGC:CRS84"
    std::string uri;         // "http://www.opengis.net/def/crs/EPSG/0/28992": what the API lists and answers with
    std::string horizontal;  // the 2D CRS positions are transformed to (the CRS itself when it is 2D)
    bool geographic = true;   // degrees (else metres)
    bool northFirst = false;  // coordinates are written latitude (northing) first, as EPSG defines the CRS
    bool threeD = false;      // a position keeps the height the record gives it; a 2D CRS drops it
    int decimals = 8;         // coordinates are rounded to this many decimals: 8 for degrees, 3 for metres
    double maxLatitude = 90;  // positions further north or south are moved to it first (Web Mercator)
    bool isStorage() const { return id == "OGC:CRS84"; }
};

// The CRSs offered, CRS84 (the storage CRS and the default) first: the one list the parameters,
// /collections/twins ("crs") and the error messages use. Its axis orders come from PROJ's definitions.
const std::vector<OfferedCrs>& offeredCrss();
// CRS84: the CRS records are stored in, and that of a response without `crs`.
const OfferedCrs& storageCrs();

// The offered CRS that `value` names, in any spelling geo::crsId reads (the URI, EPSG:28992, the
// URN); a 400 naming `parameter` and listing the offered URIs otherwise (the value quoted bounded).
const OfferedCrs& offeredCrs(const std::string& parameter, const std::string& value);

// `Content-Crs` of a response in `crs`: the URI in angle brackets, as Part 2 writes it.
std::string contentCrs(const OfferedCrs& crs);

// A box as a request gives it in `crs` (the CRS's axis order: latitude first for EPSG:4326), checked,
// as the smallest CRS84 box holding its image (edges densified). A 400 naming `parameter` when it
// is not a box of that CRS or cannot be transformed.
record::Bbox boxToCrs84(const OfferedCrs& crs, const record::Bbox& box, const std::string& parameter);

// The geometry literals of a filter parsed with crs84 = false (store::cql2::parse), given in `crs`,
// replaced by the CRS84 boxes that hold them (as boxToCrs84). A 400 naming `filter` on failure.
void filterToCrs84(store::cql2::Expression& filter, const OfferedCrs& crs);

// A record's `geometry` and `bbox` members, transformed from CRS84 into `crs` in place (nothing for
// CRS84 and CRS84h, whose positions are CRS84's): positions in the CRS's axis order and rounded, a
// height kept as the record gives it by a 3D CRS and dropped by a 2D one. A `bbox` across the
// antimeridian is left out. A 400 naming `crs` when PROJ cannot express the footprint in that CRS.
void recordToCrs(common::JsonValue& record, common::Json::AllocatorType& allocator, const OfferedCrs& crs);

}  // namespace tweeling::registry::api
