// Where the package is: the footprint from the `spatial` extra (GeoJSON text, ckanext-spatial) or
// the `bbox-*` extras (ckanext-dcat). CKAN has no CRS or administrative units of its own.
#include "adapters/ckan/mapper.hpp"

#include <cmath>
#include <cstdlib>

#include "record/geometry.hpp"

namespace tweeling::federation::adapters::ckan {

using common::Json;
using common::JsonValue;

namespace {

constexpr std::size_t kMaxSpatialText = 1 << 20;

std::optional<double> number(const std::string& value) {
    if (value.empty() || value.size() > 64) return std::nullopt;
    char* end = nullptr;
    double out = std::strtod(value.c_str(), &end);
    if (end != value.c_str() + value.size() || !std::isfinite(out)) return std::nullopt;
    return out;
}

}  // namespace

void Mapper::mapGeometry() {
    Json& record = m_out.record;
    std::string spatial = extra("spatial");
    if (!spatial.empty()) {
        std::optional<registry::record::Bbox> box;
        if (spatial.size() <= kMaxSpatialText) {
            Json geometry;
            if (!common::parseUntrusted(spatial, geometry, registry::record::kMaxCoordinateDepth + 2) &&
                geometry.IsObject())
                box = registry::record::envelope(geometry);
        }
        if (box && registry::record::isWgs84(*box)) {
            record.AddMember("geometry", registry::record::boxGeometry(*box, m_allocator), m_allocator);
            return;
        }
        warn("/geometry", "The 'spatial' extra is not a GeoJSON geometry in WGS84 longitude/latitude; it was "
                          "not used.");
    }
    auto west = number(extra("bbox-west-long")), south = number(extra("bbox-south-lat"));
    auto east = number(extra("bbox-east-long")), north = number(extra("bbox-north-lat"));
    if (west && south && east && north) {
        registry::record::Bbox box{*west, *south, *east, *north};
        if (registry::record::isWgs84(box) && box.minY <= box.maxY) {
            record.AddMember("geometry", registry::record::boxGeometry(box, m_allocator), m_allocator);
            return;
        }
        warn("/geometry", "The bbox extras are not a WGS84 longitude/latitude box; they were not used.");
    }
    record.AddMember("geometry", JsonValue(rapidjson::kNullType), m_allocator);
    warn("/geometry", "The package has no footprint (no 'spatial' or bbox extras): it cannot be found by a "
                      "bbox search.");
}

}  // namespace tweeling::federation::adapters::ckan
