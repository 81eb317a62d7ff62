// The record's claims against what the probes found (claims.hpp).
#include "probe/claims.hpp"

#include "geo/crs.hpp"

#include <algorithm>
#include <cmath>

namespace tweeling::federation::probe {

using common::JsonValue;
using registry::record::Bbox;

namespace {

constexpr double kDegrees = 180.0 / M_PI;
constexpr double kMinGeoreferencedHeight = -100000;  // metres: deeper than any mine or sea floor

bool overlaps(const Bbox& a, const Bbox& b) {
    return a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;
}

std::string boxText(const Bbox& box) {
    char text[160];
    std::snprintf(text, sizeof text, "%.4f, %.4f, %.4f, %.4f", box.minX, box.minY, box.maxX, box.maxY);
    return text;
}

std::string listText(const std::vector<std::string>& values) {
    std::string text;
    for (const std::string& value : values) text += (text.empty() ? "" : ", ") + value;
    return text;
}

// The CRS a record or asset names, as "EPSG:<code>" when it can be; otherwise as written.
std::string crsKey(const std::string& crs) {
    if (auto id = registry::geo::crsId(crs)) return *id;
    return crs;
}

}  // namespace

Claims claimsOf(const JsonValue& record) {
    Claims claims;
    if (const JsonValue* geometry = common::member(record, "geometry"); geometry && geometry->IsObject())
        claims.footprint = registry::record::envelope(*geometry);
    const JsonValue* properties = common::member(record, "properties");
    if (!properties || !properties->IsObject()) return claims;
    if (const JsonValue* crs = common::member(*properties, "crs"); crs && crs->IsArray())
        for (const auto& value : crs->GetArray())
            if (value.IsString()) claims.crs.push_back(crsKey(value.GetString()));
    if (const JsonValue* lods = common::member(*properties, "lod"); lods && lods->IsArray())
        for (const auto& value : lods->GetArray())
            if (value.IsString()) claims.lods.push_back(value.GetString());
    if (const JsonValue* units = common::member(*properties, "adminUnits"); units && units->IsArray())
        for (const auto& value : units->GetArray())
            if (value.IsString() && std::strlen(value.GetString()) >= 2) {
                const std::string prefix(value.GetString(), 2);
                claims.dutch = claims.dutch || prefix == "GM" || prefix == "PV" || prefix == "WS";
            }
    if (const JsonValue* publisher = common::member(*properties, "publisher"); publisher && publisher->IsObject()) {
        const std::string id(common::stringMember(*publisher, "id").value_or(""));
        // TOOI, the Dutch government's register of its organisations.
        claims.dutch = claims.dutch || id.find("://identifier.overheid.nl/tooi/") != std::string::npos;
    }
    return claims;
}

std::optional<std::array<double, 6>> tilesetRegion(const AssetFacts& facts) {
    if (facts.region) return facts.region;
    if (facts.ecefCorners.empty()) return std::nullopt;
    std::vector<registry::geo::Point> points(facts.ecefCorners.begin(), facts.ecefCorners.end());
    if (!registry::geo::ecefToGeodetic(points)) return std::nullopt;
    std::array<double, 6> region{1e9, 1e9, -1e9, -1e9, 1e12, -1e12};
    for (const auto& point : points) {
        if (!std::isfinite(point[0]) || !std::isfinite(point[1]) || !std::isfinite(point[2])) return std::nullopt;
        region[0] = std::min(region[0], point[0] / kDegrees);
        region[1] = std::min(region[1], point[1] / kDegrees);
        region[2] = std::max(region[2], point[0] / kDegrees);
        region[3] = std::max(region[3], point[1] / kDegrees);
        region[4] = std::min(region[4], point[2]);
        region[5] = std::max(region[5], point[2]);
    }
    // A box in local coordinates (no root transform to ECEF) lies around the Earth's centre, some
    // 6,000 km below the surface: it says nothing about where the asset is.
    if (region[4] < kMinGeoreferencedHeight) return std::nullopt;
    return region;
}

std::optional<Bbox> assetExtentWgs84(const AssetFacts& facts, std::string* error) {
    if (auto region = tilesetRegion(facts)) {
        // A region crossing the antimeridian is left alone: nothing Dutch does.
        if ((*region)[0] > (*region)[2]) return std::nullopt;
        return Bbox{(*region)[0] * kDegrees, (*region)[1] * kDegrees, (*region)[2] * kDegrees, (*region)[3] * kDegrees};
    }
    if (!facts.ecefCorners.empty()) {
        if (error)
            *error = "the tileset's root bounding volume lies near the Earth's centre: it is in local coordinates, "
                     "without a root transform that places it on the Earth";
        return std::nullopt;
    }
    if (!facts.extent || facts.extentCrs.empty()) return std::nullopt;
    auto box = registry::geo::extentToWgs84(facts.extentCrs, *facts.extent, error);
    if (!box) return std::nullopt;
    return Bbox{(*box)[0], (*box)[1], (*box)[2], (*box)[3]};
}

void checkClaims(const Claims& claims, ProbeResult& result) {
    const AssetFacts& facts = result.facts;
    // CRS: one of the asset's CRSs is one the record names, or has the same horizontal part.
    if (!facts.crs.empty() && !claims.crs.empty()) {
        Check check{"claims.crs", Status::Pass, "", "", ""};
        std::vector<std::string> found;
        for (const std::string& crs : facts.crs) found.push_back(crsKey(crs).size() > 80 ? "a WKT CRS" : crsKey(crs));
        bool same = false, horizontal = false;
        std::string assetName;
        for (const std::string& crs : facts.crs) {
            auto asset = registry::geo::describeCrs(crs);
            if (!asset) continue;
            if (assetName.empty()) assetName = asset->id.empty() ? asset->name : asset->id;
            for (const std::string& claimed : claims.crs) {
                auto record = registry::geo::describeCrs(claimed);
                if (!record) continue;
                if (!asset->id.empty() && asset->id == record->id) same = true;
                if (asset->horizontal == record->horizontal && !asset->horizontal.empty()) horizontal = true;
            }
        }
        if (same) {
            check.message = "the asset's CRS " + assetName + " is one the record states";
        } else if (horizontal) {
            check.status = Status::Warn;
            check.message = "the asset's CRS " + assetName + " has the horizontal CRS the record states (" +
                            listText(claims.crs) + ") but not the same heights";
        } else if (assetName.empty()) {
            check.status = Status::Warn;
            check.message = "the asset's CRS (" + listText(found) + ") is not one PROJ knows; the record states " +
                            listText(claims.crs);
        } else {
            check.status = Status::Fail;
            check.message = "the asset is in " + assetName + ", the record states " + listText(claims.crs);
        }
        result.checks.push_back(check);
    }
    // Extent: the asset lies where the record's footprint says.
    if (claims.footprint) {
        std::string error;
        auto extent = assetExtentWgs84(facts, &error);
        if (extent) {
            Check check{"claims.extent", Status::Pass, "", "", ""};
            if (overlaps(*extent, *claims.footprint)) {
                check.message = "the asset's extent (" + boxText(*extent) + ") overlaps the record's footprint";
            } else {
                check.status = Status::Fail;
                check.message = "the asset's extent (" + boxText(*extent) + ", longitude/latitude) does not overlap "
                                "the record's footprint (" + boxText(*claims.footprint) + ")";
            }
            result.checks.push_back(check);
        } else if (!error.empty()) {
            result.checks.push_back({"claims.extent", Status::Warn,
                                     "the asset's extent could not be transformed to WGS 84: " + error, "", ""});
        }
    }
    // LoD: the levels the record states are in the asset.
    if (!facts.lods.empty() && !claims.lods.empty()) {
        std::vector<std::string> missing;
        for (const std::string& lod : claims.lods)
            if (std::find(facts.lods.begin(), facts.lods.end(), lod) == facts.lods.end()) missing.push_back(lod);
        if (missing.empty())
            result.checks.push_back({"claims.lod", Status::Pass,
                                     "the asset has the LoDs the record states (" + listText(claims.lods) + ")", "", ""});
        else
            result.checks.push_back({"claims.lod", Status::Warn,
                                     "the record states LoD " + listText(missing) + ", the asset has " +
                                         listText(facts.lods),
                                     "", ""});
    }
}

std::optional<Check> checkNetherlands(const Claims& claims) {
    if (!claims.dutch || !claims.footprint) return std::nullopt;
    if (overlaps(*claims.footprint, kNetherlandsBox))
        return Check{"claims.netherlands", Status::Pass, "the footprint of this Dutch record lies in the Netherlands",
                     "/geometry", ""};
    return Check{"claims.netherlands", Status::Fail,
                 "the record is Dutch but its footprint (" + boxText(*claims.footprint) +
                     ") lies outside the Netherlands: are longitude and latitude swapped, or the coordinates "
                     "not in WGS 84?",
                 "/geometry", ""};
}

}  // namespace tweeling::federation::probe
