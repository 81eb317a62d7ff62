#pragma once
// The controlled vocabularies of the twin record profile, as tables: the one place that says what a
// theme or a format is. Validation (profile.cpp), normalisation (record.cpp), the queryables, DCAT-AP
// and HTML output and the adapter of foreign catalogs read them. schemas/twin-record.schema.json
// holds the same lists as enums (a schema cannot include C++); a test checks every enum of the
// schema against these tables, so the two cannot drift apart.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace tweeling::registry::record {

// The scheme URI under which the twin themes are concept ids (properties.themes[].scheme).
inline constexpr const char* kTwinThemeScheme = "https://w3id.org/tweeling/def/theme";
// The scheme URI under which the record types are concepts (DCAT-AP dct:type).
inline constexpr const char* kRecordTypeScheme = "https://w3id.org/tweeling/def/type";

// Room for the search terms of the theme with the most; unused places are nullptr.
inline constexpr std::size_t kMaxSearchTerms = 8;

struct Theme {
    const char* id;
    const char* labelNl;
    const char* labelEn;
    // The EU data theme (kEuDataThemes) the twin theme falls under. DCAT-AP-NL requires a theme from
    // the EU Data Theme vocabulary on every dataset and data service, so every twin theme has one.
    const char* euDataTheme;
    // Dutch and English terms that obviously name the theme, for guessing themes of foreign records
    // from their words. Matched in " " + lower-cased words + " " (everything but letters and digits
    // turned into spaces): a leading or trailing space anchors a word edge, so " bag " is BAG and not
    // "Bagage", " geolog" is geology and not "argeologie".
    std::array<const char*, kMaxSearchTerms> searchTerms;
};

inline constexpr std::array<Theme, 17> kThemes = {{
    {"buildings", "Gebouwen", "Buildings", "http://publications.europa.eu/resource/authority/data-theme/REGI",
     {"gebouw", "building", " pand ", " panden ", " bag ", "3dbag", "bouwwerk"}},
    {"terrain", "Terrein", "Terrain", "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {"hoogte", " ahn", "terrain", " dtm ", " dsm ", " dem ", "elevation", "maaiveld"}},
    {"vegetation", "Vegetatie", "Vegetation", "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {"bomen", " boom", " tree ", " trees ", "vegetat", " groen", "beplanting"}},
    {"subsurface", "Ondergrond", "Subsurface", "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {"ondergrond", "subsurface", " geolog", "kabels en leidingen", " bodem"}},
    {"infrastructure", "Infrastructuur", "Infrastructure", "http://publications.europa.eu/resource/authority/data-theme/TRAN",
     {"infrastru", " wegen ", " roads ", "bruggen", "bridges", "transport network"}},
    {"water", "Water", "Water", "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {" water ", "oppervlaktewater", "hydrograph", "hydrografie", "inlandwaters"}},
    {"pointcloud", "Puntenwolken", "Point clouds", "http://publications.europa.eu/resource/authority/data-theme/ENVI", {"puntenwolk", "point cloud", "pointcloud", " lidar"}},
    {"bim", "Bouwwerkinformatiemodellen", "Building information models", "http://publications.europa.eu/resource/authority/data-theme/REGI", {" bim ", " ifc "}},
    {"heat-stress", "Hittestress", "Heat stress", "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {"hittestress", " hitte", " heat ", "heat stress", "urban heat"}},
    {"flooding", "Wateroverlast en overstromingen", "Flooding",
     "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {"overstroming", "wateroverlast", " flood", "inundatie"}},
    {"nitrogen", "Stikstof", "Nitrogen", "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {"stikstof", "nitrogen"}},
    {"air-quality", "Luchtkwaliteit", "Air quality", "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {"luchtkwaliteit", "air quality", "fijnstof"}},
    {"noise", "Geluid", "Noise", "http://publications.europa.eu/resource/authority/data-theme/ENVI",
     {"geluid", " noise", "lawaai"}},
    {"energy", "Energie", "Energy", "http://publications.europa.eu/resource/authority/data-theme/ENER",
     {"energie", " energy", "warmtenet", "zonnepane"}},
    {"mobility", "Mobiliteit", "Mobility", "http://publications.europa.eu/resource/authority/data-theme/TRAN",
     {"mobiliteit", "mobility", "verkeer", "traffic"}},
    {"housing", "Wonen", "Housing", "http://publications.europa.eu/resource/authority/data-theme/REGI",
     {"woning", "housing", "huisvesting"}},
    {"spatial-planning", "Ruimtelijke ordening", "Spatial planning",
     "http://publications.europa.eu/resource/authority/data-theme/REGI",
     {"bestemmingsplan", "omgevingsplan", "ruimtelijke ordening", "spatial planning", "land use", "landgebruik",
      " zoning "}},
}};

// The EU data themes (Publications Office, Data Theme authority table) the twin themes map onto,
// and the one DCAT-AP-NL output uses for a record without a twin theme (OP_DATPRO, "provisional
// data": not yet classified). `iri` is kEuDataThemeScheme + "/" + code.
inline constexpr const char* kEuDataThemeScheme = "http://publications.europa.eu/resource/authority/data-theme";
struct EuDataTheme {
    const char* iri;
    const char* labelEn;
    const char* labelNl;
};
inline constexpr std::array<EuDataTheme, 5> kEuDataThemes = {{
    {"http://publications.europa.eu/resource/authority/data-theme/ENVI", "Environment", "Milieu"},
    {"http://publications.europa.eu/resource/authority/data-theme/ENER", "Energy", "Energie"},
    {"http://publications.europa.eu/resource/authority/data-theme/TRAN", "Transport", "Vervoer"},
    {"http://publications.europa.eu/resource/authority/data-theme/REGI", "Regions and cities", "Regio's en steden"},
    {"http://publications.europa.eu/resource/authority/data-theme/OP_DATPRO", "Provisional data",
     "Voorlopige gegevens"},
}};
inline constexpr const char* kEuDataThemeUnclassified =
    "http://publications.europa.eu/resource/authority/data-theme/OP_DATPRO";

// Licences: the record's `license` (an SPDX id, or a licence IRI) and the value of the DCAT-AP-NL
// licence list (the Dutch government's list, continued from DCAT-AP-DONL: Creative Commons deeds in
// Dutch, plus "licence unknown"). A licence not on the list keeps its own IRI (licenseIri).
struct Licence {
    const char* spdx;      // SPDX id (nullptr: SPDX has none)
    const char* ccPath;    // path under creativecommons.org that names it ("licenses/by/4.0")
    const char* nlIri;     // the DCAT-AP-NL licence list value
};
inline constexpr std::array<Licence, 4> kLicences = {{
    {"CC0-1.0", "publicdomain/zero/1.0", "http://creativecommons.org/publicdomain/zero/1.0/deed.nl"},
    {"CC-BY-4.0", "licenses/by/4.0", "http://creativecommons.org/licenses/by/4.0/deed.nl"},
    {"CC-BY-SA-4.0", "licenses/by-sa/4.0", "http://creativecommons.org/licenses/by-sa/4.0/deed.nl"},
    {nullptr, "publicdomain/mark/1.0", "http://creativecommons.org/publicdomain/mark/1.0/deed.nl"},
}};
// The list's value for a record without a usable licence.
inline constexpr const char* kLicenceUnknown = "http://standaarden.overheid.nl/owms/terms/licentieonbekend";

// Languages: a BCP 47 primary language tag and its code in the EU Languages authority table
// (DCAT-AP dct:language is kEuLanguageScheme + "/" + code).
inline constexpr const char* kEuLanguageScheme = "http://publications.europa.eu/resource/authority/language";
struct Language {
    const char* tag;
    const char* euCode;
};
inline constexpr std::array<Language, 7> kLanguages = {{
    {"nl", "NLD"}, {"en", "ENG"}, {"de", "DEU"}, {"fr", "FRA"}, {"fy", "FRY"}, {"es", "SPA"}, {"it", "ITA"},
}};

// A file name ending that says the format, and the media type such a file is served as.
struct FileSuffix {
    const char* suffix;  // lower case; the longest ending that matches wins (".copc.laz" over ".laz")
    const char* mediaType;
};

struct Format {
    const char* id;
    const char* label;
    // Whether a distribution in this format is an API to call (a service link, a dcat:DataService)
    // or a file to download (an enclosure, a dcat:downloadURL). An I3S scene layer and a quantized-mesh
    // terrain are served tile by tile, so they count as services.
    bool service;
    // Media types that name this format on their own (lower case; nullptr-padded). Types that need the
    // file name as well (application/json for tileset.json) are the adapter's business.
    std::array<const char*, 3> mediaTypes;
    std::array<FileSuffix, 2> suffixes;  // {nullptr, nullptr}-padded
    // The version a media type or file suffix of the format implies ("" when it implies none).
    const char* impliedVersion;
    const char* spec;        // the specification (dct:conformsTo); nullptr for "other"
    const char* euFileType;  // EU file type where one fits exactly, else nullptr
};

inline constexpr std::array<Format, 19> kFormatTable = {{
    {"3dtiles", "OGC 3D Tiles", false, {}, {{{"tileset.json", "application/json"}}}, "",
     "https://docs.ogc.org/cs/22-025r4/22-025r4.html", nullptr},
    {"cityjson", "CityJSON", false, {"application/city+json"}, {{{".city.json", "application/city+json"}}}, "",
     "https://www.cityjson.org/specs/", nullptr},
    {"cityjsonseq", "CityJSON Text Sequences (CityJSONSeq)", false,
     {"application/city+json-seq", "application/city+jsonl"},
     {{{".city.jsonl", "application/city+json-seq"}, {".jsonl", "application/city+json-seq"}}}, "",
     "https://www.cityjson.org/cityjsonseq/", nullptr},
    {"citygml", "OGC CityGML", false, {}, {}, "", "http://www.opengis.net/doc/IS/CityGML-1/3.0", nullptr},
    {"i3s", "OGC Indexed 3D Scene Layer (I3S)", true, {}, {{{".slpk", "application/octet-stream"}}}, "",
     "http://www.opengis.net/doc/CS/i3s/1.2", nullptr},
    {"gltf", "glTF 2.0", false, {"model/gltf+json", "model/gltf-binary"},
     {{{".glb", "model/gltf-binary"}, {".gltf", "model/gltf+json"}}}, "2.0",
     "https://registry.khronos.org/glTF/specs/2.0/glTF-2.0.html", nullptr},
    {"ifc", "Industry Foundation Classes (ISO 16739-1)", false, {"model/ifc", "application/ifc", "application/x-ifc"},
     {{{".ifc", "application/x-step"}}}, "", "https://www.iso.org/standard/70303.html", nullptr},
    {"las", "ASPRS LAS", false, {"application/vnd.las"}, {{{".las", "application/vnd.las"}}}, "",
     "https://www.asprs.org/wp-content/uploads/2019/07/LAS_1_4_r15.pdf",
     "http://publications.europa.eu/resource/authority/file-type/LAS"},
    {"laz", "LASzip compressed LAS", false, {"application/vnd.laszip"}, {{{".laz", "application/vnd.laszip"}}}, "",
     "https://laszip.org/", "http://publications.europa.eu/resource/authority/file-type/LAZ"},
    {"copc", "Cloud Optimized Point Cloud", false, {"application/vnd.laszip+copc"},
     {{{".copc.laz", "application/vnd.laszip+copc"}}}, "1.0", "https://copc.io/", nullptr},
    {"ept", "Entwine Point Tile", false, {}, {{{"ept.json", "application/json"}}}, "",
     "https://entwine.io/en/latest/entwine-point-tile.html", nullptr},
    {"quantized-mesh", "quantized-mesh terrain", true, {"application/vnd.quantized-mesh"},
     {{{"layer.json", "application/json"}}}, "", "https://github.com/CesiumGS/quantized-mesh", nullptr},
    {"wms", "OGC Web Map Service", true, {"application/vnd.ogc.wms_xml"}, {}, "1.3.0",
     "http://www.opengis.net/doc/IS/wms/1.3", "http://publications.europa.eu/resource/authority/file-type/WMS_SRVC"},
    {"wmts", "OGC Web Map Tile Service", true, {"application/vnd.ogc.wmts_xml"}, {}, "1.0.0",
     "http://www.opengis.net/doc/IS/wmts/1.0", "http://publications.europa.eu/resource/authority/file-type/WMTS_SRVC"},
    {"ogcapi-features", "OGC API - Features", true, {}, {}, "1.0",
     "http://www.opengis.net/doc/IS/ogcapi-features-1/1.0", nullptr},
    {"gpkg", "OGC GeoPackage", false, {"application/geopackage+sqlite3"},
     {{{".gpkg", "application/geopackage+sqlite3"}}}, "", "http://www.opengis.net/doc/IS/geopackage/1.3",
     "http://publications.europa.eu/resource/authority/file-type/GPKG"},
    {"geojson", "GeoJSON (RFC 7946)", false, {"application/geo+json", "application/vnd.geo+json"},
     {{{".geojson", "application/geo+json"}}}, "RFC 7946", "https://www.rfc-editor.org/rfc/rfc7946",
     "http://publications.europa.eu/resource/authority/file-type/GEOJSON"},
    {"csv", "CSV (RFC 4180)", false, {"text/csv"}, {{{".csv", "text/csv"}}}, "RFC 4180",
     "https://www.rfc-editor.org/rfc/rfc4180", "http://publications.europa.eu/resource/authority/file-type/CSV"},
    // Anything else: no specification to name, and DCAT-AP describes it by its bare id.
    {"other", "other", false, {}, {}, "", nullptr, nullptr},
}};

struct Rights {
    const char* id;
    const char* euAccessRight;  // the EU access right (DCAT-AP dct:accessRights)
};

inline constexpr std::array<Rights, 3> kRightsTable = {{
    {"public", "http://publications.europa.eu/resource/authority/access-right/PUBLIC"},
    {"restricted", "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"},
    {"non-public", "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC"},
}};

// The ids of a table's entries, in its order: what the schema's enums list.
template <typename Entry, std::size_t N>
constexpr std::array<const char*, N> idsOf(const std::array<Entry, N>& table) {
    std::array<const char*, N> ids{};
    for (std::size_t i = 0; i < N; ++i) ids[i] = table[i].id;
    return ids;
}

inline constexpr std::array<const char*, 4> kRecordTypes = {"dataset", "model", "simulation-result", "service"};
inline constexpr auto kRightsValues = idsOf(kRightsTable);
inline constexpr auto kTwinThemes = idsOf(kThemes);
inline constexpr auto kFormats = idsOf(kFormatTable);
// CityJSON levels of detail.
inline constexpr std::array<const char*, 20> kLods = {"0",   "0.0", "0.1", "0.2", "0.3", "1",   "1.0",
                                                      "1.1", "1.2", "1.3", "2",   "2.0", "2.1", "2.2",
                                                      "2.3", "3",   "3.0", "3.1", "3.2", "3.3"};
// The footprint geometries the profile accepts.
inline constexpr std::array<const char*, 3> kGeometryTypes = {"Polygon", "MultiPolygon", "Point"};
// properties.language.dir of OGC API - Records.
inline constexpr std::array<const char*, 4> kTextDirections = {"ltr", "rtl", "ttb", "btt"};

// nullptr when `id` is not in the table.
const Theme* findTheme(std::string_view id);
const Format* findFormat(std::string_view id);
const Rights* findRights(std::string_view id);
// The EU data theme with this IRI, or nullptr.
const EuDataTheme* findEuDataTheme(std::string_view iri);
// The licence an SPDX id (any case) or a licence IRI names: an spdx.org/licenses IRI, or a
// creativecommons.org IRI in any of its spellings (http or https, www or not, /legalcode, /deed.xx,
// trailing slash). nullptr when it is not on the list.
const Licence* findLicence(std::string_view spdxOrIri);
// The EU language IRI of a BCP 47 tag's primary language ("nl-NL" -> .../language/NLD), or "".
std::string euLanguageIri(std::string_view tag);
// The format a media type names on its own (lower case, without parameters), or nullptr.
const Format* formatOfMediaType(std::string_view mediaType);
// The format whose longest file suffix ends `path` (lower case), with that suffix; nullptr if none.
const Format* formatOfFileName(std::string_view path, const FileSuffix** suffix = nullptr);
bool isServiceFormat(std::string_view id);

}  // namespace tweeling::registry::record
