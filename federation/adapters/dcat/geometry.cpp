// Where the resource is: the footprint from dct:spatial (locn:geometry or dcat:bbox as a WKT or
// GeoJSON literal), and properties.crs from the EPSG IRIs in dct:conformsTo.
//
// The WKT reader here keeps only the envelope: the profile's footprint is a box, and the geometry
// literals of DCAT-AP catalogs are mostly boxes already. (registry/store's CQL2 parser reads WKT too,
// but as part of its grammar, private to the store.)
#include "adapters/dcat/mapper.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "adapters/text.hpp"
#include "common/text.hpp"
#include "record/geometry.hpp"
#include "record/identifiers.hpp"

namespace tweeling::federation::adapters::dcat {

using common::Json;
using common::JsonValue;
using registry::record::Bbox;

namespace {

constexpr std::size_t kMaxGeometryText = 1 << 20;

void extend(std::optional<Bbox>& box, const Bbox& more) {
    if (!box) {
        box = more;
        return;
    }
    box->minX = std::min(box->minX, more.minX);
    box->minY = std::min(box->minY, more.minY);
    box->maxX = std::max(box->maxX, more.maxX);
    box->maxY = std::max(box->maxY, more.maxY);
}

// The envelope of a WKT literal (GeoSPARQL: optionally led by "<crs IRI>"). `why` says what was wrong.
std::optional<Bbox> wktEnvelope(std::string_view text, std::string& why) {
    std::string value = common::trim(text);
    bool latitudeFirst = false;
    if (!value.empty() && value.front() == '<') {
        std::size_t end = value.find('>');
        if (end == std::string::npos) {
            why = "its CRS IRI is not closed";
            return std::nullopt;
        }
        std::string crs = value.substr(1, end - 1);
        value = common::trim(value.substr(end + 1));
        std::string lower = common::toLowerAscii(crs);
        if (lower.find("crs84") != std::string::npos) {
        } else if (registry::record::epsgCode(crs) == std::optional<std::string>("4326")) {
            latitudeFirst = true;  // EPSG:4326's axis order is latitude, longitude
        } else {
            why = "its CRS (" + crs.substr(0, 200) + ") is not WGS84 longitude/latitude";
            return std::nullopt;
        }
    }
    std::size_t open = value.find('(');
    if (open == std::string::npos || open == 0) {
        why = "it is not WKT";
        return std::nullopt;
    }
    std::string keyword = common::toLowerAscii(common::trim(value.substr(0, open)));
    for (const char* dimension : {" zm", " z", " m"})
        if (endsWith(keyword, dimension))
            keyword = keyword.substr(0, keyword.size() - std::string_view(dimension).size());
    for (char c : keyword)
        if (!std::isalpha(static_cast<unsigned char>(c))) {
            why = "it is not WKT";
            return std::nullopt;
        }
    std::optional<Bbox> box;
    int depth = 0;
    std::size_t at = open;
    while (at < value.size()) {
        char c = value[at];
        if (c == '(') {
            if (++depth > 8) break;
            ++at;
        } else if (c == ')') {
            --depth;
            ++at;
        } else if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
            ++at;
        } else {
            // One position: numbers up to the next ',' or ')'.
            std::size_t end = value.find_first_of(",)", at);
            if (end == std::string::npos) end = value.size();
            const std::string position = value.substr(at, end - at);
            const char* cursor = position.c_str();
            double numbers[2];
            int count = 0;
            while (count < 2) {
                char* next = nullptr;
                double number = std::strtod(cursor, &next);
                if (next == cursor || !std::isfinite(number)) break;
                numbers[count++] = number;
                cursor = next;
            }
            if (count < 2) {
                why = "a position is not two numbers";
                return std::nullopt;
            }
            double x = latitudeFirst ? numbers[1] : numbers[0], y = latitudeFirst ? numbers[0] : numbers[1];
            extend(box, Bbox{x, y, x, y});
            at = end;
        }
    }
    if (depth != 0) {
        why = "its parentheses do not match (or are nested too deep)";
        return std::nullopt;
    }
    if (!box) why = "it has no positions";
    return box;
}

std::optional<Bbox> geoJsonEnvelope(std::string_view text, std::string& why) {
    Json geometry;
    if (common::parseUntrusted(text, geometry, registry::record::kMaxCoordinateDepth + 2) || !geometry.IsObject()) {
        why = "it is not a GeoJSON geometry";
        return std::nullopt;
    }
    auto box = registry::record::envelope(geometry);
    if (!box) why = "the GeoJSON geometry has no coordinates";
    return box;
}

}  // namespace

void Mapper::mapGeometry() {
    Json& record = m_out.record;
    std::optional<Bbox> footprint;
    std::vector<std::string> places, problems;
    bool gmlOnly = false;
    auto readLiteral = [&](TermId id) {
        const rdf::Term& t = term(id);
        if (t.kind != rdf::TermKind::Literal || t.value.size() > kMaxGeometryText) return;
        std::string why;
        std::optional<Bbox> box;
        std::string value = common::trim(t.value);
        if (t.datatype == rdf::vocabIri(ns::gsp, "gmlLiteral") || value.rfind("<gml:", 0) == 0) {
            gmlOnly = true;  // GML is not read; GeoDCAT-AP gives WKT or GeoJSON next to it
            return;
        }
        if (t.datatype == rdf::vocabIri(ns::gsp, "geoJSONLiteral") || (!value.empty() && value.front() == '{'))
            box = geoJsonEnvelope(value, why);
        else
            box = wktEnvelope(value, why);
        if (box && !registry::record::isWgs84(*box)) {
            why = "its coordinates are not WGS84 longitude/latitude";
            box.reset();
        }
        if (box)
            extend(footprint, *box);
        else
            problems.push_back(why);
    };
    for (TermId location : objects(m_node, ns::dct, "spatial")) {
        if (term(location).kind == rdf::TermKind::Literal) {
            readLiteral(location);
            continue;
        }
        bool any = false;
        for (TermId id : objects(location, ns::locn, "geometry")) {
            readLiteral(id);
            any = true;
        }
        for (TermId id : objects(location, ns::dcat, "bbox")) {
            readLiteral(id);
            any = true;
        }
        // A place given by its IRI alone (a Geonames or TOOI municipality IRI): kept as said.
        if (!any && term(location).kind == rdf::TermKind::Iri) places.push_back(term(location).value);
    }
    keep("spatial", places);
    if (footprint) {
        record.AddMember("geometry", registry::record::boxGeometry(*footprint, m_allocator), m_allocator);
        if (!problems.empty()) warn("/geometry", "A geometry of dct:spatial was not used: " + problems.front() + ".");
        return;
    }
    record.AddMember("geometry", JsonValue(rapidjson::kNullType), m_allocator);
    if (!problems.empty())
        warn("/geometry", "The dct:spatial geometry was not used (" + problems.front() +
                              "): the record cannot be found by a bbox search.");
    else if (gmlOnly)
        warn("/geometry",
             "The dct:spatial geometry is GML only, which is not read: the record cannot be found "
             "by a bbox search.");
    else if (!places.empty())
        warn("/geometry",
             "dct:spatial names places by IRI only (kept in properties.source.spatial), without a "
             "geometry: the record cannot be found by a bbox search.");
    else
        warn("/geometry",
             "The resource has no footprint (no dct:spatial geometry): it cannot be found by a bbox "
             "search.");
}

void Mapper::mapCrs() {
    std::vector<std::string> crs, other;
    for (TermId id : objects(m_node, ns::dct, "conformsTo")) {
        std::string value = valueOf(id);
        if (value.empty() || value.size() > 4096) continue;
        std::string epsg = registry::record::isEpsgUri(value) ? registry::record::epsgUriOf(value) : std::string();
        std::vector<std::string>& list = epsg.empty() ? other : crs;
        std::string entry = epsg.empty() ? value : epsg;
        if (std::find(list.begin(), list.end(), entry) == list.end()) list.push_back(entry);
    }
    keep("conformsTo", other);
    if (crs.empty()) return;
    JsonValue list(rapidjson::kArrayType);
    for (const auto& uri : crs) list.PushBack(s(uri), m_allocator);
    m_p.AddMember("crs", list, m_allocator);
}

}  // namespace tweeling::federation::adapters::dcat
