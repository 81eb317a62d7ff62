#include "adapters/formats.hpp"
#include "common/text.hpp"

#include <cctype>
#include <optional>

#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::federation::adapters {

// "type/subtype" (parameters allowed), not "OGC:WMS" or "download".
bool isMediaType(std::string_view value) {
    std::string main = common::trim(value.substr(0, value.find(';')));
    std::size_t slash = main.find('/');
    return slash != std::string::npos && slash > 0 && slash + 1 < main.size() && main.find('/', slash + 1) == std::string::npos &&
           main.find(':') == std::string::npos && !hasWhitespace(main);
}

namespace {

FormatGuess guessOf(const registry::record::Format& format, std::string_view mediaType) {
    return {format.id, std::string(mediaType), format.impliedVersion};
}

// Media types under which a file of several formats is served: the file name says which (a JSON
// file named tileset.json is 3D Tiles, a LASzip file named .copc.laz is COPC).
struct SharedMediaType {
    const char* mediaType;
    const char* format;
};
constexpr SharedMediaType kSharedMediaTypes[] = {
    {"application/json", "3dtiles"},       {"application/json", "ept"},     {"application/json", "quantized-mesh"},
    {"application/vnd.laszip", "copc"},    {"application/x-step", "ifc"},   {"application/x-sqlite3", "gpkg"},
};

std::optional<FormatGuess> formatFromMediaType(std::string_view mediaType, std::string_view href) {
    std::string type = common::toLowerAscii(common::trim(mediaType.substr(0, mediaType.find(';'))));
    std::string full = common::toLowerAscii(mediaType);
    const std::string given = common::trim(mediaType);
    const registry::record::Format* named = registry::record::formatOfFileName(pathOf(href));
    if (named)
        for (const SharedMediaType& shared : kSharedMediaTypes)
            // A type several formats share implies no version, whatever the file is named.
            if (type == shared.mediaType && std::string_view(named->id) == shared.format)
                return FormatGuess{named->id, given, ""};
    // GML is CityGML only when the type or the URL says so.
    if ((type == "application/gml+xml" || type == "text/xml" || type == "application/xml") &&
        (full.find("citygml") != std::string::npos || common::toLowerAscii(href).find("citygml") != std::string::npos))
        return guessOf(*registry::record::findFormat("citygml"), given);
    if (const registry::record::Format* format = registry::record::formatOfMediaType(type)) return guessOf(*format, given);
    if (type.empty()) return std::nullopt;
    return FormatGuess{"other", given, ""};
}

std::optional<FormatGuess> formatFromFileName(std::string_view href) {
    std::string path = pathOf(href);
    const registry::record::FileSuffix* suffix = nullptr;
    if (const registry::record::Format* format = registry::record::formatOfFileName(path, &suffix))
        return guessOf(*format, suffix->mediaType);
    // Files of no twin format, so that they are at least served with their media type.
    static const registry::record::FileSuffix kOtherFiles[] = {
        {".zip", "application/zip"}, {".tif", "image/tiff"},      {".tiff", "image/tiff"}, {".pdf", "application/pdf"},
        {".xml", "application/xml"}, {".json", "application/json"}, {".html", "text/html"},
    };
    for (const registry::record::FileSuffix& other : kOtherFiles)
        if (endsWith(path, other.suffix)) return FormatGuess{"other", other.mediaType, ""};
    if (endsWith(path, ".gml"))
        return FormatGuess{path.find("citygml") != std::string::npos ? "citygml" : "other", "application/gml+xml", ""};
    return std::nullopt;
}

}  // namespace

// "OGC:WMS", "OGC:WMS-1.3.0-http-get-map", "WMS", "OGC API - Features", href ?service=WFS ...
std::string ogcProtocol(std::string_view linkType, std::string_view href) {
    std::string type = common::toLowerAscii(common::trim(linkType));
    std::string key;
    for (char c : type)
        if (std::isalnum(static_cast<unsigned char>(c))) key += c;
    if ((key.find("ogcapi") != std::string::npos || key.find("apifeatures") != std::string::npos) &&
        key.find("feature") != std::string::npos)
        return "ogcapi-features";
    for (const char* protocol : {"wmts", "wms", "wfs", "wcs"})
        if (startsWith(key, std::string("ogc") + protocol) || key == protocol) return protocol;
    std::string service = common::toLowerAscii(queryValue(href, "service"));
    for (const char* protocol : {"wmts", "wms", "wfs", "wcs"})
        if (service == protocol) return protocol;
    return {};
}

namespace {

FormatGuess serviceFormat(const std::string& protocol, std::string_view href) {
    FormatGuess g;
    std::string version = queryValue(href, "version");
    if (protocol == "wms") {
        g.format = "wms";
        g.mediaType = "application/vnd.ogc.wms_xml";
        g.version = version.empty() ? "" : version;
    } else if (protocol == "wmts") {
        g.format = "wmts";
        g.mediaType = "application/vnd.ogc.wmts_xml";
        g.version = version.empty() ? "1.0.0" : version;
    } else if (protocol == "ogcapi-features") {
        g.format = "ogcapi-features";
        g.mediaType = "application/geo+json";
        g.version = "1.0";
    } else if (protocol == "wfs") {
        std::string output = common::toLowerAscii(queryValue(href, "outputformat"));
        if (output.find("csv") != std::string::npos) {
            g.format = "csv", g.mediaType = "text/csv", g.version = "RFC 4180";
        } else if (output.find("json") != std::string::npos) {
            g.format = "geojson", g.mediaType = "application/geo+json", g.version = "RFC 7946";
        } else if (output.find("geopackage") != std::string::npos || output.find("gpkg") != std::string::npos) {
            g.format = "gpkg", g.mediaType = "application/geopackage+sqlite3";
        } else if (output.find("shape") != std::string::npos || output.find("shp") != std::string::npos) {
            g.format = "other", g.mediaType = "application/zip", g.version = "Shapefile (zip)";
        } else {
            g.format = "other";
            g.mediaType = output.find("gml") != std::string::npos ? "application/gml+xml" : "application/xml";
            g.version = version.empty() ? "WFS" : "WFS " + version;
        }
    } else {  // wcs
        g.format = "other";
        g.mediaType = "application/xml";
        g.version = version.empty() ? "WCS" : "WCS " + version;
    }
    return g;
}

}  // namespace

// The format of a link or distribution: OGC protocol, then media type, then file name, then other.
FormatGuess guessFormat(std::string_view href, std::string_view linkType) {
    const std::string type = common::trim(linkType);
    const bool mediaType = isMediaType(common::toLowerAscii(type));
    std::string protocol = mediaType ? std::string() : ogcProtocol(type, href);
    if (protocol.empty()) {
        // A service endpoint (?service=WMS) given without a type or with an XML (capabilities) type.
        std::string service = ogcProtocol("", href);
        if (!service.empty() && (!mediaType || common::toLowerAscii(type).find("xml") != std::string::npos)) protocol = service;
    }
    if (!protocol.empty()) return serviceFormat(protocol, href);
    std::optional<FormatGuess> byType = mediaType ? formatFromMediaType(type, href) : std::nullopt;
    if (byType && byType->format != "other") return *byType;
    std::optional<FormatGuess> byName = formatFromFileName(href);
    std::string lowerType = common::toLowerAscii(type);
    bool genericType = !mediaType || lowerType == "application/octet-stream" || lowerType == "application/zip" ||
                       lowerType == "binary/octet-stream";
    if (byName && (byName->format != "other" && genericType)) return *byName;
    if (byType) return *byType;
    // pygeoapi's "download": WFS-style output formats in the query.
    std::string output = common::toLowerAscii(queryValue(href, "outputformat"));
    if (!output.empty()) {
        if (output.find("csv") != std::string::npos) return {"csv", "text/csv", "RFC 4180"};
        if (output.find("json") != std::string::npos) return {"geojson", "application/geo+json", "RFC 7946"};
        if (output.find("shape") != std::string::npos || output.find("shp") != std::string::npos)
            return {"other", "application/zip", "Shapefile (zip)"};
        if (output.find("gpkg") != std::string::npos || output.find("geopackage") != std::string::npos)
            return {"gpkg", "application/geopackage+sqlite3", ""};
    }
    if (byName) return *byName;
    return {"other", "application/octet-stream", ""};
}

namespace {

// Catalogs' free format words (letters and digits, lower case) -> twin format: CKAN's `format` and
// the EU Publications Office's file types (DCAT-AP's dct:format), for distributions whose URL and
// media type say nothing (a CKAN upload's URL often has no telling suffix).
struct FormatWord {
    const char* word;
    const char* format;
    const char* mediaType;
};
constexpr FormatWord kFormatWords[] = {
    {"cityjson", "cityjson", "application/city+json"},
    {"cityjsonseq", "cityjsonseq", "application/city+json-seq"},
    {"3dtiles", "3dtiles", "application/json"},
    {"citygml", "citygml", "application/gml+xml"},
    {"gltf", "gltf", "model/gltf+json"},
    {"glb", "gltf", "model/gltf-binary"},
    {"ifc", "ifc", "application/x-step"},
    {"las", "las", "application/vnd.las"},
    {"laz", "laz", "application/vnd.laszip"},
    {"copc", "copc", "application/vnd.laszip+copc"},
    {"i3s", "i3s", "application/octet-stream"},
    {"slpk", "i3s", "application/octet-stream"},
    {"geojson", "geojson", "application/geo+json"},
    {"csv", "csv", "text/csv"},
    {"gpkg", "gpkg", "application/geopackage+sqlite3"},
    {"geopackage", "gpkg", "application/geopackage+sqlite3"},
    {"wms", "wms", "application/vnd.ogc.wms_xml"},
    {"wmssrvc", "wms", "application/vnd.ogc.wms_xml"},  // EU file type WMS_SRVC
    {"wmts", "wmts", "application/xml"},
    {"wmtssrvc", "wmts", "application/xml"},
};

}  // namespace

std::optional<FormatGuess> formatOfWord(std::string_view word) {
    std::string key;
    for (char c : word.substr(0, 256))
        if (std::isalnum(static_cast<unsigned char>(c))) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const FormatWord& entry : kFormatWords)
        if (key == entry.word) return FormatGuess{entry.format, entry.mediaType, ""};
    return std::nullopt;
}

}  // namespace tweeling::federation::adapters
