// CRS names in AssetFacts (crs_names.hpp): the spellings are the record profile's
// (record/identifiers.hpp), so a probe and a record agree on what names an EPSG CRS.
#include "probe/crs_names.hpp"

#include "common/text.hpp"
#include "record/identifiers.hpp"

namespace tweeling::federation::probe {

namespace {

bool namesCrs84(std::string_view text) {
    return common::toLowerAscii(text).find("crs84") != std::string::npos;
}

}  // namespace

std::string epsgName(std::string_view text) {
    std::string trimmed = common::trim(text);
    if (namesCrs84(trimmed)) return {};
    auto code = registry::record::epsgCode(registry::record::epsgUriOf(trimmed));
    return code ? "EPSG:" + *code : std::string();
}

std::string epsgName(long long code) {
    if (code <= 0 || code >= 1000000000) return {};
    return "EPSG:" + std::to_string(code);
}

std::string crsName(std::string_view text) {
    std::string trimmed = common::trim(text);
    std::string folded = common::toLowerAscii(trimmed);
    // CRS84h (with ellipsoidal height) is another CRS: it is not named here.
    for (std::string_view crs84 :
         {"http://www.opengis.net/def/crs/ogc/1.3/crs84", "https://www.opengis.net/def/crs/ogc/1.3/crs84",
          "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "ogc:crs84"})
        if (folded == crs84) return "OGC:CRS84";
    return epsgName(trimmed);
}

bool isEpsgCrsUri(std::string_view text) {
    return registry::record::isEpsgUri(common::trim(text));
}

}  // namespace tweeling::federation::probe
