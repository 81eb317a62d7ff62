// Where the record is: its footprint (geometry or a bbox), its coordinate reference systems and
// its administrative units.
#include "adapters/ogc_records/mapper.hpp"
#include "common/text.hpp"

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "record/geometry.hpp"
#include "record/identifiers.hpp"

namespace tweeling::federation::adapters::ogc_records {

using common::Json;
using common::JsonValue;

std::optional<registry::record::Bbox> Mapper::fallbackBbox(std::string& where) {
    if (const JsonValue* bbox = member(m_in, "bbox"))
        if (auto box = registry::record::readGeojsonBbox(*bbox)) {
            where = "its 'bbox'";
            return box;
        }
    const JsonValue* extent = objectMember(*m_props, "extent");
    const JsonValue* spatial = extent ? objectMember(*extent, "spatial") : nullptr;
    if (!spatial) return std::nullopt;
    if (auto crs = common::stringMember(*spatial, "crs")) {
        std::string c = common::toLowerAscii(*crs);
        if (c.find("crs84") == std::string::npos && !endsWith(c, "/4326") && !endsWith(c, ":4326"))
            return std::nullopt;
    }
    const JsonValue* bbox = member(*spatial, "bbox");
    if (!bbox || !bbox->IsArray() || bbox->Empty()) return std::nullopt;
    const JsonValue& first = (*bbox)[0].IsArray() ? (*bbox)[0] : *bbox;
    if (auto box = registry::record::readGeojsonBbox(first)) {
        where = "properties.extent.spatial.bbox";
        return box;
    }
    return std::nullopt;
}

void Mapper::mapGeometry() {
    Json& record = m_out.record;
    const JsonValue* geometry = member(m_in, "geometry");
    std::string where;
    if (!geometry || geometry->IsNull()) {
        if (auto box = fallbackBbox(where)) {
            record.AddMember("geometry", registry::record::boxGeometry(*box, m_allocator), m_allocator);
            warn("/geometry", "The record has no geometry; its footprint is the bounding box from " + where + ".");
        } else {
            record.AddMember("geometry", JsonValue(rapidjson::kNullType), m_allocator);
            warn("/geometry", "The record has no footprint (geometry null): it cannot be found by a bbox search.");
        }
        return;
    }
    auto type = geometry->IsObject() ? common::stringMember(*geometry, "type") : std::nullopt;
    const JsonValue* coordinates = geometry->IsObject() ? member(*geometry, "coordinates") : nullptr;
    if (type && coordinates) {
        bool keep = false;
        if (*type == "Point") keep = registry::record::isPosition(*coordinates);
        else if (*type == "Polygon") keep = registry::record::isPolygon(*coordinates);
        else if (*type == "MultiPolygon") {
            keep = coordinates->IsArray() && !coordinates->Empty();
            if (keep)
                for (const auto& polygon : coordinates->GetArray()) keep = keep && registry::record::isPolygon(polygon);
        }
        if (keep) {
            JsonValue copy(rapidjson::kObjectType);
            copy.AddMember("type", s(*type), m_allocator);
            if (*type == "Polygon" && coordinates->Size() == 1 && registry::record::swappedBox((*coordinates)[0])) {
                copy = registry::record::boxGeometry(*registry::record::coordinatesEnvelope(*coordinates),
                                                     m_allocator);
                warn("/geometry",
                     "The footprint rectangle was written with minimum and maximum swapped; it was rewritten "
                     "in bounding-box order.");
            } else {
                copy.AddMember("coordinates", JsonValue(*coordinates, m_allocator), m_allocator);
            }
            record.AddMember("geometry", copy, m_allocator);
            return;
        }
    }
    const std::optional<registry::record::Bbox> box = registry::record::envelope(*geometry);
    const bool outside = box && !registry::record::isWgs84(*box);  // e.g. RD New metres
    if (box && !outside) {
        record.AddMember("geometry", registry::record::boxGeometry(*box, m_allocator), m_allocator);
        warn("/geometry", "The geometry" + (type ? " (" + std::string(*type) + ")" : std::string()) +
                              " is not a footprint the profile accepts (Polygon, MultiPolygon, Point); its "
                              "bounding box is used instead.");
        return;
    }
    if (auto fallback = fallbackBbox(where)) {
        record.AddMember("geometry", registry::record::boxGeometry(*fallback, m_allocator), m_allocator);
        warn("/geometry", "The geometry is not usable (" +
                              std::string(outside ? "coordinates outside WGS84 longitude/latitude"
                                                  : "no coordinates") +
                              "); the footprint is the bounding box from " + where + ".");
        return;
    }
    record.AddMember("geometry", JsonValue(rapidjson::kNullType), m_allocator);
    reject("/geometry",
           outside ? "The geometry has coordinates outside WGS84 longitude/latitude (a projected CRS such as RD "
                     "New?) and the record has no usable bbox: its footprint is unusable."
                   : "The geometry is not a GeoJSON geometry with coordinates: its footprint is unusable.");
}

void Mapper::mapCrs() {
    std::vector<std::string> found;
    auto scan = [&](const JsonValue* value) {
        if (!value) return;
        auto one = [&](const JsonValue& entry) {
            std::optional<std::string> raw = entry.IsString() ? nonEmpty(&entry) : nonEmptyMember(entry, "id");
            if (!raw) raw = nonEmptyMember(entry, "href");
            if (!raw) return;
            std::string uri = registry::record::epsgUriOf(*raw);
            if (!uri.empty() && std::find(found.begin(), found.end(), uri) == found.end()) found.push_back(uri);
        };
        if (value->IsArray()) {
            for (rapidjson::SizeType i = 0; i < value->Size() && i < kMaxEntries; ++i) one((*value)[i]);
        } else {
            one(*value);
        }
    };
    scan(member(*m_props, "crs"));
    scan(member(*m_props, "conformsTo"));
    scan(member(m_in, "conformsTo"));
    JsonValue list(rapidjson::kArrayType);
    if (found.empty()) {
        list.PushBack(JsonValue((std::string(registry::record::kEpsgUriPrefix) + "4326").c_str(), m_allocator), m_allocator);
        warn("/properties/crs",
             "The record states no coordinate reference system; WGS 84 (EPSG:4326) is assumed.");
    }
    for (const auto& uri : found) list.PushBack(s(uri), m_allocator);
    m_p.AddMember("crs", list, m_allocator);
}

void Mapper::mapAdminUnits() {
    JsonValue units(rapidjson::kArrayType);
    std::vector<std::string> seen;
    if (const JsonValue* foreign = arrayMember(*m_props, "adminUnits"))
        for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i)
            if ((*foreign)[i].IsString()) {
                auto unit = registry::record::parseAdminUnit(common::trim(text((*foreign)[i])));
                if (unit && std::find(seen.begin(), seen.end(), unit->code) == seen.end()) {
                    seen.push_back(unit->code);
                    units.PushBack(s(unit->code), m_allocator);
                }
            }
    if (units.Empty()) {
        warn("/properties/adminUnits",
             "The record names no administrative units (CBS codes); it will not be found by a municipality or "
             "province filter.");
        return;
    }
    m_p.AddMember("adminUnits", units, m_allocator);
}

}  // namespace tweeling::federation::adapters::ogc_records
