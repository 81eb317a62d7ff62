// The spellings of a CRS identifier that records, catalogs and OGC API clients use, reduced to one
// id. Parsed here rather than left to PROJ (which reads most of them too) so that a cache key, a
// stored claim and a comparison of two CRSs see the same text for the same CRS.
#include "geo/crs.hpp"

#include "common/text.hpp"

namespace tweeling::registry::geo {

namespace {

// EPSG codes have at most 6 digits today; 9 leaves room without letting junk through.
constexpr std::size_t kMaxEpsgDigits = 9;

constexpr std::string_view kOgcUriBase = "http://www.opengis.net/def/crs/";

bool isEpsgCode(std::string_view code) {
    if (code.empty() || code.size() > kMaxEpsgDigits || code.front() == '0') return false;
    for (char c : code) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// A version segment of an OGC URI or URN: "0", "1.3", "9.9.1"; empty only where `allowEmpty`.
bool isVersion(std::string_view version, bool allowEmpty) {
    if (version.empty()) return allowEmpty;
    for (char c : version) {
        if ((c < '0' || c > '9') && c != '.') return false;
    }
    return true;
}

std::optional<std::string> epsgId(std::string_view code) {
    if (!isEpsgCode(code)) return std::nullopt;
    return "EPSG:" + std::string(code);
}

// OGC's own CRSs that Tweeling names: CRS84 (2D) and CRS84h (3D, ellipsoidal height).
std::optional<std::string> ogcId(std::string_view code) {
    if (common::equalsIgnoreCaseAscii(code, "CRS84")) return std::string("OGC:CRS84");
    if (common::equalsIgnoreCaseAscii(code, "CRS84h")) return std::string("OGC:CRS84h");
    return std::nullopt;
}

// authority, version and code, split on `separator`: exactly three parts.
bool splitThree(std::string_view text, char separator, std::string_view parts[3]) {
    for (int i = 0; i < 2; ++i) {
        std::size_t at = text.find(separator);
        if (at == std::string_view::npos) return false;
        parts[i] = text.substr(0, at);
        text.remove_prefix(at + 1);
    }
    if (text.find(separator) != std::string_view::npos) return false;
    parts[2] = text;
    return true;
}

std::optional<std::string> idOfParts(const std::string_view parts[3], bool allowEmptyVersion) {
    if (!isVersion(parts[1], allowEmptyVersion)) return std::nullopt;
    if (common::equalsIgnoreCaseAscii(parts[0], "EPSG")) return epsgId(parts[2]);
    if (common::equalsIgnoreCaseAscii(parts[0], "OGC")) return ogcId(parts[2]);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> crsId(std::string_view text) {
    text = common::trimView(text);
    if (common::startsWithIgnoreCaseAscii(text, "EPSG:")) return epsgId(text.substr(5));
    if (common::startsWithIgnoreCaseAscii(text, "OGC:")) return ogcId(text.substr(4));

    std::string_view parts[3];
    // http(s)://www.opengis.net/def/crs/{authority}/{version}/{code}
    for (std::string_view scheme : {"http://", "https://"}) {
        if (!common::startsWithIgnoreCaseAscii(text, scheme)) continue;
        std::string_view rest = text.substr(scheme.size());
        std::string_view path = kOgcUriBase.substr(std::string_view("http://").size());
        if (!common::startsWithIgnoreCaseAscii(rest, path)) return std::nullopt;
        if (!splitThree(rest.substr(path.size()), '/', parts)) return std::nullopt;
        return idOfParts(parts, false);
    }
    // urn:ogc:def:crs:{authority}:{version}:{code}, the version often empty ("EPSG::7415")
    constexpr std::string_view kUrnBase = "urn:ogc:def:crs:";
    if (common::startsWithIgnoreCaseAscii(text, kUrnBase)) {
        if (!splitThree(text.substr(kUrnBase.size()), ':', parts)) return std::nullopt;
        return idOfParts(parts, true);
    }
    return std::nullopt;
}

std::string crsUri(std::string_view id) {
    std::optional<std::string> normal = crsId(id);
    if (!normal) return {};
    if (*normal == "OGC:CRS84") return std::string(kOgcUriBase) + "OGC/1.3/CRS84";
    // CRS84h was registered after the 1.3 definitions: OGC's register has it under version 0.
    if (*normal == "OGC:CRS84h") return std::string(kOgcUriBase) + "OGC/0/CRS84h";
    return std::string(kOgcUriBase) + "EPSG/0/" + normal->substr(5);
}

}  // namespace tweeling::registry::geo
