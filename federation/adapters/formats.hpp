#pragma once
// The twin format of a foreign link or distribution, from what catalogs of every kind give: an href
// and a "type" that may be a media type ("application/geo+json") or a protocol ("OGC:WMS").
#include <optional>
#include <string>
#include <string_view>

namespace tweeling::federation::adapters {

struct FormatGuess {
    std::string format = "other";
    std::string mediaType;       // "" = unknown
    std::string version;         // "" = unknown
};

// "type/subtype" (parameters allowed), not "OGC:WMS" or "download".
bool isMediaType(std::string_view value);

// The OGC service protocol a link names, by its type ("OGC:WMS", "OGC:WMS-1.3.0-http-get-map",
// "WMS", "OGC API - Features") or its href (?service=WFS): "wms", "wmts", "wfs", "wcs",
// "ogcapi-features", or "".
std::string ogcProtocol(std::string_view linkType, std::string_view href);

// The format of a link or distribution: OGC protocol, then media type, then file name, then other.
FormatGuess guessFormat(std::string_view href, std::string_view linkType);

// The format a catalog's free format word names, for distributions whose URL and media type say
// nothing: CKAN's `format` ("CityJSON", "3D Tiles", "LAZ") and DCAT's dct:format (the last segment of
// an EU file-type IRI, ".../file-type/GEOJSON", or a word). Compared by its letters and digits, lower
// case. The guess's version is "" (unknown).
std::optional<FormatGuess> formatOfWord(std::string_view word);

}  // namespace tweeling::federation::adapters
