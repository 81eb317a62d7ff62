#include "record/identifiers.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cctype>

namespace tweeling::registry::record {

std::optional<std::string> idProblem(std::string_view id) {
    if (id.empty()) return std::string("'id' must not be empty.");
    if (id.size() > kMaxIdLength)
        return "'id' must be at most " + std::to_string(kMaxIdLength) + " bytes long.";
    if (id == "." || id == "..")
        return std::string("'id' must not be '.' or '..': no URL path can name such a record.");
    if (id.front() == ' ' || id.back() == ' ') return std::string("'id' must not begin or end with a space.");
    for (std::size_t i = 0; i < id.size(); ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        const bool c1 = c == 0xC2 && i + 1 < id.size() && static_cast<unsigned char>(id[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(id[i + 1]) <= 0x9F;  // U+0080–U+009F in UTF-8
        if (c < 0x20 || c == 0x7F || c1) return std::string("'id' must not contain control characters.");
    }
    return std::nullopt;
}


namespace {

bool digitsOnly(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<AdminUnit> parseAdminUnit(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    std::string code = common::toUpperAscii(text);
    std::string_view prefix = std::string_view(code).substr(0, 2), digits = std::string_view(code).substr(2);
    AdminUnitKind kind;
    std::size_t length;
    if (prefix == "GM") {
        kind = AdminUnitKind::Municipality, length = 4;
    } else if (prefix == "PV") {
        kind = AdminUnitKind::Province, length = 2;
    } else if (prefix == "WS") {
        kind = AdminUnitKind::WaterBoard, length = 4;
    } else {
        return std::nullopt;
    }
    if (digits.size() != length || !digitsOnly(digits)) return std::nullopt;
    return AdminUnit{kind, std::move(code)};
}

bool isAdminUnit(std::string_view code) {
    auto unit = parseAdminUnit(code);
    return unit && unit->code == code;
}

std::string tooiUri(const AdminUnit& unit) {
    const char* body = unit.kind == AdminUnitKind::Municipality ? "gemeente"
                       : unit.kind == AdminUnitKind::Province   ? "provincie"
                                                                : "waterschap";
    return std::string("https://identifier.overheid.nl/tooi/id/") + body + "/" + common::toLowerAscii(unit.code);
}

std::optional<std::string> epsgCode(std::string_view uri) {
    for (std::string_view prefix :
         {std::string_view(kEpsgUriPrefix), std::string_view("https://www.opengis.net/def/crs/EPSG/0/")}) {
        if (uri.substr(0, prefix.size()) != prefix) continue;
        std::string_view code = uri.substr(prefix.size());
        if (!digitsOnly(code)) return std::nullopt;
        return std::string(code);
    }
    return std::nullopt;
}

bool isEpsgUri(std::string_view uri) {
    return epsgCode(uri).has_value();
}

std::string epsgUriOf(std::string_view text) {
    const std::string value(text);
    const std::string folded = common::toLowerAscii(value);
    if (folded.find("crs84") != std::string::npos) return std::string(kEpsgUriPrefix) + "4326";
    for (std::string_view prefix : {"http://www.opengis.net/def/crs/epsg/0/", "https://www.opengis.net/def/crs/epsg/0/",
                                    "epsg:", "urn:ogc:def:crs:epsg::", "urn:ogc:def:crs:epsg:"}) {
        if (folded.compare(0, prefix.size(), prefix) != 0) continue;
        std::string code = value.substr(prefix.size());
        std::size_t colon = code.rfind(':');  // urn:ogc:def:crs:EPSG:6.6:28992
        if (colon != std::string::npos) code = code.substr(colon + 1);
        // Longer codes do not exist; the limit keeps junk out of the record.
        if (digitsOnly(code) && code.size() <= 9) return std::string(kEpsgUriPrefix) + code;
    }
    return {};
}

}  // namespace tweeling::registry::record
