#pragma once
// What a record claims about its assets, checked against what the probes found in them: the CRS
// (horizontal and vertical), the extent (transformed to WGS 84 with PROJ, registry/geo/), the LoDs,
// and, for a Dutch publisher, that the footprint lies in the Netherlands. Check ids "claims.*"
// (docs/PROBES.md).
#include "common/json.hpp"
#include "probe/probe.hpp"
#include "record/geometry.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::federation::probe {

struct Claims {
    std::vector<std::string> crs;         // properties.crs as "EPSG:<code>" (or as written when not EPSG)
    std::optional<registry::record::Bbox> footprint;  // the envelope of the record's geometry
    std::vector<std::string> lods;        // properties.lod
    bool dutch = false;                   // a Dutch public body publishes it (CBS admin units, a TOOI publisher)
};

// A rough box around the Netherlands with its territorial sea (longitude, latitude): the
// footprint of a Dutch record must touch it.
inline constexpr registry::record::Bbox kNetherlandsBox{3.0, 50.7, 7.3, 53.7};

Claims claimsOf(const common::JsonValue& record);

// The asset's extent as a WGS 84 longitude/latitude box: its region (radians), its ECEF corners, or
// its extent in its own CRS; nullopt when it has none or PROJ cannot transform it (`error` says why).
std::optional<registry::record::Bbox> assetExtentWgs84(const AssetFacts& facts, std::string* error = nullptr);

// A 3D Tiles region in radians [west, south, east, north, minimum height, maximum height] of the
// asset: its own region, or the region around its ECEF corners (PROJ). nullopt when neither.
std::optional<std::array<double, 6>> tilesetRegion(const AssetFacts& facts);

// Adds the claims.* checks of one probed distribution to `result` (claims.crs, claims.extent,
// claims.lod); a claim the asset gives nothing to compare with is not checked.
void checkClaims(const Claims& claims, ProbeResult& result);

// The record-level check claims.netherlands: a Dutch record's footprint touches kNetherlandsBox.
std::optional<Check> checkNetherlands(const Claims& claims);

}  // namespace tweeling::federation::probe
