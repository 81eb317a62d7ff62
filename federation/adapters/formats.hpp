#pragma once
// The twin format of a foreign link or distribution, from what catalogs of every kind give: an href
// and a "type" that may be a media type ("application/geo+json") or a protocol ("OGC:WMS").
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

}  // namespace tweeling::federation::adapters
