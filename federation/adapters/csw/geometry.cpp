// Where the record is: the footprint from its geographic bounding boxes, and its coordinate
// reference systems from gmd:referenceSystemInfo. ISO has no administrative units.
#include "adapters/csw/mapper.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "adapters/text.hpp"
#include "common/text.hpp"
#include "geo/crs.hpp"
#include "record/geometry.hpp"
#include "record/identifiers.hpp"

namespace tweeling::federation::adapters::csw {

using common::JsonValue;
using xml::Element;
namespace ns = xml::ns;

namespace {

std::optional<double> decimal(const Element& property) {
    Element value = property.child(ns::kGco, "Decimal");
    std::string text = value ? value.text(64) : std::string();
    if (text.empty() || text.size() > 64) return std::nullopt;
    char* end = nullptr;
    double out = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(out)) return std::nullopt;
    return out;
}

// Names under which Dutch catalogs give their CRSs instead of a code (the EPSG registry's names).
struct CrsName {
    const char* name;  // in wordsOf form
    const char* id;
};
constexpr CrsName kCrsNames[] = {
    {" amersfoort rd new nap height ", "EPSG:7415"},
    {" amersfoort rd new ", "EPSG:28992"},
    {" rd new ", "EPSG:28992"},
    {" etrs89 ", "EPSG:4258"},
    {" wgs 84 ", "EPSG:4326"},
    {" wgs84 ", "EPSG:4326"},
    {" nap height ", "EPSG:5709"},
    {" etrs89 utm zone 31n ", "EPSG:25831"},
    {" etrs89 utm zone 32n ", "EPSG:25832"},
};

// An EPSG URI for what an RS_Identifier says ("" when it names no EPSG CRS Tweeling knows).
std::string epsgUri(const std::string& code, const std::string& href, const std::string& codeSpace) {
    std::vector<std::string> candidates;
    if (!href.empty()) candidates.push_back(href);
    if (!code.empty()) {
        candidates.push_back(code);
        if (!codeSpace.empty()) candidates.push_back(codeSpace + ":" + code);
        if (digitsOnly(code)) candidates.push_back("EPSG:" + code);
    }
    for (const std::string& candidate : candidates) {
        auto id = registry::geo::crsId(candidate);
        if (!id) continue;
        // WGS 84 longitude/latitude (CRS84) is EPSG:4326 with the axes swapped: the profile names EPSG.
        if (*id == "OGC:CRS84") id = "EPSG:4326";
        if (*id == "OGC:CRS84h") id = "EPSG:4979";
        if (id->rfind("EPSG:", 0) == 0) return std::string(registry::record::kEpsgUriPrefix) + id->substr(5);
    }
    // "Amersfoort / RD New": matched whole, so "RD New + NAP height" is not taken for RD New alone.
    const std::string words = wordsOf(code);
    for (const CrsName& name : kCrsNames)
        if (words == name.name) return std::string(registry::record::kEpsgUriPrefix) + std::string(name.id).substr(5);
    for (const CrsName& name : kCrsNames)
        if (words.find(name.name) != std::string::npos)
            return std::string(registry::record::kEpsgUriPrefix) + std::string(name.id).substr(5);
    return {};
}

}  // namespace

void Mapper::mapGeometry() {
    std::optional<registry::record::Bbox> box;
    bool unusable = false;
    for (const Element& extent : m_ident.children(ns::kGmd, "extent", kMaxEntries)) {
        for (const Element& element :
             extent.path({{ns::kGmd, "EX_Extent"}}).children(ns::kGmd, "geographicElement", kMaxEntries)) {
            Element bounds = element.child(ns::kGmd, "EX_GeographicBoundingBox");
            if (!bounds) continue;
            auto west = decimal(bounds.child(ns::kGmd, "westBoundLongitude"));
            auto east = decimal(bounds.child(ns::kGmd, "eastBoundLongitude"));
            auto south = decimal(bounds.child(ns::kGmd, "southBoundLatitude"));
            auto north = decimal(bounds.child(ns::kGmd, "northBoundLatitude"));
            if (!west || !east || !south || !north) {
                unusable = true;
                continue;
            }
            registry::record::Bbox one{*west, *south, *east, *north};
            if (!registry::record::isWgs84(one) || one.minX > one.maxX || one.minY > one.maxY) {
                unusable = true;
                continue;
            }
            if (!box) {
                box = one;
            } else {
                box->minX = std::min(box->minX, one.minX), box->minY = std::min(box->minY, one.minY);
                box->maxX = std::max(box->maxX, one.maxX), box->maxY = std::max(box->maxY, one.maxY);
            }
        }
    }
    if (unusable)
        warn("/geometry",
             "A gmd:EX_GeographicBoundingBox without four decimal bounds in WGS84 longitude/latitude "
             "(west <= east, south <= north) was not used.");
    if (box) {
        m_out.record.AddMember("geometry", registry::record::boxGeometry(*box, m_allocator), m_allocator);
        return;
    }
    m_out.record.AddMember("geometry", JsonValue(rapidjson::kNullType), m_allocator);
    warn("/geometry", "The record has no usable gmd:EX_GeographicBoundingBox: it cannot be found by a bbox search.");
}

void Mapper::mapCrs() {
    std::vector<std::string> found, written;
    for (const Element& info : m_in.children(ns::kGmd, "referenceSystemInfo", kMaxEntries)) {
        Element identifier = info.path(
            {{ns::kGmd, "MD_ReferenceSystem"}, {ns::kGmd, "referenceSystemIdentifier"}, {ns::kGmd, "RS_Identifier"}});
        if (!identifier) continue;
        std::string code = characterString(identifier.child(ns::kGmd, "code"));
        std::string href = anchorHref(identifier.child(ns::kGmd, "code"));
        std::string codeSpace = characterString(identifier.child(ns::kGmd, "codeSpace"));
        if (code.empty() && href.empty()) continue;
        written.push_back(codeSpace.empty() ? (code.empty() ? href : code) : codeSpace + ":" + code);
        std::string uri = epsgUri(code.substr(0, 512), href.substr(0, 512), codeSpace.substr(0, 64));
        if (!uri.empty() && std::find(found.begin(), found.end(), uri) == found.end()) found.push_back(uri);
    }
    keep("referenceSystems", written);
    if (found.empty()) {
        warn("/properties/crs", written.empty() ? "The record states no reference system (gmd:referenceSystemInfo)."
                                                : "The record's reference system ('" + written.front() +
                                                      "') is not an EPSG CRS Tweeling recognises.");
        return;
    }
    JsonValue list(rapidjson::kArrayType);
    for (const auto& uri : found) list.PushBack(s(uri), m_allocator);
    m_p.AddMember("crs", list, m_allocator);
}

}  // namespace tweeling::federation::adapters::csw
