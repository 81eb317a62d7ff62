#pragma once
// The controlled vocabularies of the twin record profile, shared by validation, queryables and
// (later) DCAT-AP output. schemas/twin-record.schema.json holds the same lists as enums; a test
// checks that both agree.
#include <array>

namespace tweeling::registry::record {

inline constexpr std::array<const char*, 4> kRecordTypes = {"dataset", "model", "simulation-result", "service"};
inline constexpr std::array<const char*, 3> kRightsValues = {"public", "restricted", "non-public"};
inline constexpr std::array<const char*, 17> kTwinThemes = {
    "buildings", "terrain",  "vegetation", "subsurface",  "infrastructure", "water",
    "pointcloud", "bim",     "heat-stress", "flooding",   "nitrogen",       "air-quality",
    "noise",     "energy",   "mobility",   "housing",     "spatial-planning"};
inline constexpr std::array<const char*, 19> kFormats = {
    "3dtiles", "cityjson", "cityjsonseq", "citygml", "i3s",  "gltf",           "ifc",  "las",     "laz",  "copc",
    "ept",     "quantized-mesh", "wms",   "wmts",    "ogcapi-features", "gpkg", "geojson", "csv",  "other"};

}  // namespace tweeling::registry::record
