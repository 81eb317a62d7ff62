// LAS, LAZ and COPC: the LAS public header block and the variable length records (VLRs) after it,
// which say how the points are stored (point format, LAZ compression, the COPC info) and where
// they lie (bounds, CRS). Everything checked is in the first bytes of the file; the points are
// never read.
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"
#include "probe/bytes.hpp"
#include "probe/crs_names.hpp"
#include "probe/fetch_checks.hpp"
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

namespace {

constexpr const char* kHeader = "las.header";
constexpr const char* kPointFormat = "las.pointFormat";
constexpr const char* kBounds = "las.bounds";
constexpr const char* kCompression = "las.compression";
constexpr const char* kCopc = "las.copc";
constexpr const char* kCrs = "las.crs";

// The VLRs lie between the header and the points; they are read whole when they end within this.
constexpr std::size_t kMaxVlrRegion = 1u << 20;
constexpr std::size_t kVlrHeaderBytes = 54;
constexpr std::size_t kCopcInfoBytes = 160;
// The public header block of LAS 1.0–1.2, 1.3 and 1.4.
constexpr std::array<std::uint16_t, 5> kMinHeaderSize = {227, 227, 227, 235, 375};
// The smallest record of each point data format 0–10 (LAS 1.4 R15, table 7 onwards).
constexpr std::array<std::uint16_t, 11> kMinRecordLength = {20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67};
// Point data format bits 7 and 6: set by LASzip to mark compressed points.
constexpr std::uint8_t kCompressionBits = 0xC0;

constexpr std::uint16_t kWktRecord = 2112;
constexpr std::uint16_t kGeoKeyDirectoryRecord = 34735;
constexpr std::uint16_t kLaszipRecord = 22204;
constexpr std::uint16_t kProjectedCsKey = 3072;
constexpr std::uint16_t kGeographicTypeKey = 2048;
constexpr std::uint16_t kUserDefinedKeyValue = 32767;

struct LasHeader {
    int major = 0, minor = 0;
    std::uint16_t headerSize = 0;
    std::uint32_t pointOffset = 0, vlrCount = 0;
    std::uint8_t rawFormat = 0;
    std::uint16_t recordLength = 0;
    std::uint64_t pointCount = 0;
    std::array<double, 3> min{}, max{};  // x, y, z
    std::string version() const { return std::to_string(major) + "." + std::to_string(minor); }
    int format() const { return rawFormat & ~kCompressionBits; }
    bool compressedBits() const { return (rawFormat & kCompressionBits) != 0; }
};

struct Vlr {
    std::string userId;
    std::uint16_t recordId = 0;
    std::string_view data;  // into the body; only valid while it lives
};

struct VlrScan {
    std::vector<Vlr> vlrs;
    bool complete = false;  // all of them were read
    bool overrun = false;   // they run past the start of the points
};

// The fields the checks use, at the offsets LAS 1.0–1.4 share; the caller made sure the body holds
// the 227 bytes of the smallest header.
LasHeader readHeader(std::string_view body) {
    LasHeader header;
    header.major = *bytes::u8(body, 24);
    header.minor = *bytes::u8(body, 25);
    header.headerSize = *bytes::u16(body, 94);
    header.pointOffset = *bytes::u32(body, 96);
    header.vlrCount = *bytes::u32(body, 100);
    header.rawFormat = *bytes::u8(body, 104);
    header.recordLength = *bytes::u16(body, 105);
    header.pointCount = *bytes::u32(body, 107);
    // LAS 1.4 counts points in 64 bits as well; the legacy count is 0 for more than 2^32 points or
    // the formats 6–10.
    if (header.major == 1 && header.minor == 4 && header.headerSize >= 255)
        if (auto count = bytes::u64(body, 247); count && *count != 0) header.pointCount = *count;
    for (int axis = 0; axis < 3; ++axis) {
        header.max[axis] = *bytes::f64(body, 179 + 16 * axis);
        header.min[axis] = *bytes::f64(body, 187 + 16 * axis);
    }
    return header;
}

VlrScan scanVlrs(std::string_view body, const LasHeader& header) {
    VlrScan scan;
    std::size_t at = header.headerSize;
    for (std::uint32_t i = 0; i < header.vlrCount; ++i) {
        auto recordId = bytes::u16(body, at + 18);
        auto length = bytes::u16(body, at + 20);
        if (!recordId || !length || at + kVlrHeaderBytes + *length > body.size()) return scan;
        scan.vlrs.push_back(
            Vlr{std::string(bytes::text(body, at + 2, 16)), *recordId, body.substr(at + kVlrHeaderBytes, *length)});
        at += kVlrHeaderBytes + *length;
    }
    scan.complete = true;
    scan.overrun = at > header.pointOffset;
    return scan;
}

const Vlr* findVlr(const VlrScan& scan, std::string_view userId, std::uint16_t recordId) {
    for (const Vlr& vlr : scan.vlrs)
        if (vlr.userId == userId && vlr.recordId == recordId) return &vlr;
    return nullptr;
}

// The header's own consistency; a sentence on the first problem, "" when there is none.
std::string headerProblem(const LasHeader& header, const VlrScan& scan, std::size_t bodySize, bool wholeFile) {
    if (header.major != 1 || header.minor > 4)
        return "The header says LAS version " + header.version() + "; LAS versions are 1.0 to 1.4.";
    if (header.headerSize < kMinHeaderSize[header.minor])
        return "The header size " + std::to_string(header.headerSize) + " is smaller than LAS " + header.version() +
               "'s " + std::to_string(kMinHeaderSize[header.minor]) + " bytes.";
    if (header.pointOffset < header.headerSize)
        return "The offset to the point data (" + std::to_string(header.pointOffset) + ") lies inside the header.";
    if (wholeFile && header.headerSize > bodySize) return "The file is shorter than its header.";
    if (scan.overrun) return "The VLRs run past the offset to the point data.";
    if (!scan.complete && wholeFile) return "The file ends inside its VLRs.";
    if (wholeFile && !header.compressedBits() && header.recordLength > 0) {
        std::size_t room = bodySize > header.pointOffset ? bodySize - header.pointOffset : 0;
        if (header.pointCount > room / header.recordLength)
            return "The file is shorter than its " + std::to_string(header.pointCount) + " points of " +
                   std::to_string(header.recordLength) + " bytes.";
    }
    return {};
}

void checkPointFormat(const LasHeader& header, const std::string& format, ProbeResult& result) {
    int id = header.format();
    std::string name = "point data format " + std::to_string(id);
    if (id > 10) {
        addCheck(result, kPointFormat, Status::Fail, "The " + name + " does not exist; LAS has formats 0 to 10.");
    } else if (format == "copc" && (header.minor != 4 || id < 6 || id > 8)) {
        addCheck(result, kPointFormat, Status::Fail,
                 "COPC needs LAS 1.4 with point data format 6, 7 or 8; the file is LAS " + header.version() + " with " +
                     name + ".");
    } else if (header.recordLength < kMinRecordLength[id]) {
        addCheck(result, kPointFormat, Status::Fail,
                 "The point record length " + std::to_string(header.recordLength) + " is shorter than the " +
                     std::to_string(kMinRecordLength[id]) + " bytes of " + name + ".");
    } else if (id >= 6 && header.minor < 4) {
        addCheck(result, kPointFormat, Status::Warn,
                 "The " + name + " was added in LAS 1.4, but the file says LAS " + header.version() +
                     ": readers may refuse it.");
    } else {
        addCheck(result, kPointFormat, Status::Pass,
                 "Point data format " + std::to_string(id) + ", records of " + std::to_string(header.recordLength) +
                     " bytes.");
    }
}

void checkBounds(const LasHeader& header, ProbeResult& result) {
    bool allZero = true;
    for (int axis = 0; axis < 3; ++axis) {
        if (!std::isfinite(header.min[axis]) || !std::isfinite(header.max[axis]) ||
            header.min[axis] > header.max[axis]) {
            const char* name = axis == 0 ? "X" : axis == 1 ? "Y" : "Z";
            addCheck(result, kBounds, Status::Fail,
                     std::string("The header's minimum ") + name + " is above its maximum " + name +
                         " (or not a number): the bounds are wrong.");
            return;
        }
        allZero = allZero && header.min[axis] == 0 && header.max[axis] == 0;
    }
    if (allZero) {
        addCheck(result, kBounds, Status::Warn, "The header's bounds are all zero: the file states no extent.");
        return;
    }
    result.facts.extent = std::array<double, 4>{header.min[0], header.min[1], header.max[0], header.max[1]};
    addCheck(result, kBounds, Status::Pass, "The header's bounds have min <= max on every axis.");
}

void checkCompression(const LasHeader& header, const VlrScan& scan, const std::string& format, ProbeResult& result) {
    bool bits = header.compressedBits();
    bool laszip = findVlr(scan, "laszip encoded", kLaszipRecord) != nullptr;
    if (format == "las") {
        if (bits || laszip)
            addCheck(result, kCompression, Status::Warn,
                     "The file is LAZ-compressed, but the record says LAS: readers without LASzip cannot read it.");
        else
            addCheck(result, kCompression, Status::Pass, "Uncompressed LAS, as the record says.");
        return;
    }
    if (bits && laszip) {
        addCheck(result, kCompression, Status::Pass, "LAZ-compressed, with its laszip encoded VLR.");
    } else if (bits && !scan.complete) {
        addCheck(result, kCompression, Status::Warn,
                 "The point format says LAZ, but the laszip encoded VLR is not among the VLRs that could be read.");
    } else if (bits) {
        addCheck(result, kCompression, Status::Fail,
                 "The point format says LAZ, but the laszip encoded VLR (record 22204), which decoders need, is "
                 "missing.");
    } else if (laszip) {
        addCheck(result, kCompression, Status::Fail,
                 "The file has a laszip encoded VLR, but its point format does not say the points are compressed.");
    } else {
        addCheck(
            result, kCompression, format == "copc" ? Status::Fail : Status::Warn,
            "The file is not compressed, but the record says " + std::string(format == "copc" ? "COPC" : "LAZ") + ".");
    }
}

void checkCopc(const VlrScan& scan, ProbeResult& result) {
    const Vlr* info = findVlr(scan, "copc", 1);
    if (!info) {
        addCheck(result, kCopc, scan.complete ? Status::Fail : Status::Warn,
                 scan.complete ? "The COPC info VLR (user id copc, record 1) is missing: this is LAZ, not COPC."
                               : "The COPC info VLR is not among the VLRs that could be read.");
        return;
    }
    if (info != &scan.vlrs.front()) {
        addCheck(result, kCopc, Status::Fail,
                 "The COPC info VLR is not the first VLR, where COPC 1.0 requires it (readers look for it there).");
        return;
    }
    if (info->data.size() < kCopcInfoBytes) {
        addCheck(result, kCopc, Status::Fail,
                 "The COPC info VLR has " + std::to_string(info->data.size()) + " bytes instead of 160.");
        return;
    }
    double halfSize = *bytes::f64(info->data, 24);
    double spacing = *bytes::f64(info->data, 32);
    std::uint64_t rootOffset = *bytes::u64(info->data, 40);
    std::uint64_t rootSize = *bytes::u64(info->data, 48);
    if (!std::isfinite(halfSize) || halfSize <= 0)
        addCheck(result, kCopc, Status::Fail,
                 "The COPC info's halfsize is not greater than 0: the octree has no size.");
    else if (!std::isfinite(spacing) || spacing <= 0)
        addCheck(result, kCopc, Status::Fail, "The COPC info's spacing is not greater than 0.");
    else if (rootOffset == 0 || rootSize == 0)
        addCheck(result, kCopc, Status::Fail, "The COPC info points at no root hierarchy page.");
    else
        addCheck(result, kCopc, Status::Pass, "The COPC info VLR comes first and describes an octree.");
}

// The EPSG code of a WKT CRS's own AUTHORITY["EPSG","n"] (WKT 1) or ID["EPSG",n] (WKT 2): only
// at the top level, since the codes inside name its parts (datum, units, the base CRS).
std::string wktEpsgCode(std::string_view wkt) {
    std::size_t open = wkt.find_first_of("[(");
    if (open == std::string_view::npos) return {};
    int depth = 0;
    for (std::size_t i = open; i < wkt.size(); ++i) {
        char c = wkt[i];
        if (c == '"') {
            std::size_t close = i + 1;
            // "" inside a WKT string is a quote.
            while (close < wkt.size() && (wkt[close] != '"' || (close + 1 < wkt.size() && wkt[close + 1] == '"')))
                close += wkt[close] == '"' ? 2 : 1;
            i = close;
        } else if (c == '[' || c == '(') {
            ++depth;
        } else if (c == ']' || c == ')') {
            if (--depth == 0) return {};
        } else if (depth == 1 && std::isalpha(static_cast<unsigned char>(c)) &&
                   (wkt[i - 1] == ',' || std::isspace(static_cast<unsigned char>(wkt[i - 1])))) {
            std::size_t end = i;
            while (end < wkt.size() && (std::isalnum(static_cast<unsigned char>(wkt[end])) || wkt[end] == '_')) ++end;
            std::string keyword = common::toUpperAscii(wkt.substr(i, end - i));
            std::string_view rest = common::trimView(wkt.substr(end));
            if ((keyword == "AUTHORITY" || keyword == "ID") && !rest.empty() && (rest[0] == '[' || rest[0] == '(')) {
                // ["EPSG","2994"] (WKT 1) or ["EPSG",2994] (WKT 2)
                std::string_view inside = rest.substr(1, rest.find_first_of("])") - 1);
                std::size_t comma = inside.find(',');
                if (comma != std::string_view::npos) {
                    std::string name = common::trim(inside.substr(0, comma), " \t\r\n\"");
                    std::string_view after = inside.substr(comma + 1);
                    std::string code = common::trim(after.substr(0, after.find(',')), " \t\r\n\"");
                    bool digits =
                        !code.empty() && code.size() <= 9 && code.find_first_not_of("0123456789") == std::string::npos;
                    if (common::equalsIgnoreCaseAscii(name, "EPSG") && digits) return code;
                }
            }
            i = end - 1;
        }
    }
    return {};
}

// The code a GeoTIFF key directory gives inline for `key` (0 when none, or user-defined).
unsigned geoKeyValue(std::string_view directory, std::uint16_t key) {
    auto count = bytes::u16(directory, 6);
    for (std::size_t i = 0; count && i < *count; ++i) {
        std::size_t entry = 8 + 8 * i;
        auto id = bytes::u16(directory, entry);
        auto location = bytes::u16(directory, entry + 2);
        auto value = bytes::u16(directory, entry + 6);
        if (!id || !location || !value) return 0;
        if (*id == key && *location == 0) return *value == kUserDefinedKeyValue ? 0 : *value;
    }
    return 0;
}

void checkCrs(const VlrScan& scan, ProbeResult& result) {
    if (const Vlr* wkt = findVlr(scan, "LASF_Projection", kWktRecord)) {
        std::string text = common::toValidUtf8(wkt->data.substr(0, wkt->data.find('\0')));
        std::string code = wktEpsgCode(text);
        if (!code.empty()) {
            result.facts.crs.push_back("EPSG:" + code);
            addCheck(result, kCrs, Status::Pass, "The WKT VLR names EPSG:" + code + ".");
        } else if (!common::trim(text).empty()) {
            result.facts.crs.push_back(text);
            addCheck(result, kCrs, Status::Pass, "The WKT VLR states a CRS without an EPSG code of its own.");
        } else {
            addCheck(result, kCrs, Status::Warn, "The WKT VLR is empty: the file states no CRS.");
        }
        return;
    }
    if (const Vlr* keys = findVlr(scan, "LASF_Projection", kGeoKeyDirectoryRecord)) {
        unsigned projected = geoKeyValue(keys->data, kProjectedCsKey);
        unsigned code = projected ? projected : geoKeyValue(keys->data, kGeographicTypeKey);
        if (code) {
            result.facts.crs.push_back(epsgName(static_cast<long long>(code)));
            addCheck(result, kCrs, Status::Pass,
                     "The GeoTIFF keys name " + result.facts.crs.back() +
                         (projected ? " (ProjectedCSTypeGeoKey)." : " (GeographicTypeGeoKey)."));
        } else {
            addCheck(result, kCrs, Status::Warn,
                     "The GeoTIFF keys define a CRS without an EPSG code, which was not read.");
        }
        return;
    }
    addCheck(result, kCrs, Status::Warn,
             scan.complete ? "The file states no CRS (no WKT or GeoTIFF keys VLR)."
                           : "No CRS among the VLRs that could be read.");
}

// The format the record claims; called without one, the file name's.
std::string claimedFormat(const std::string& url, const ProbeResult& result) {
    if (!result.format.empty()) return result.format;
    std::string path = adapters::pathOf(url);
    if (adapters::endsWith(path, ".copc.laz")) return "copc";
    return adapters::endsWith(path, ".laz") ? "laz" : "las";
}

}  // namespace

void probePointCloud(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result) {
    RequestBudget budget(fetch, limits);
    const std::string format = claimedFormat(url, result);
    FetchResponse response = budget.fetch(url, limits.maxHeaderBytes);
    if (!checkReachable(response, url, result)) return;
    std::string_view body = response.body;
    if (body.substr(0, 4) != "LASF") {
        addCheck(result, kHeader, Status::Fail,
                 "The file does not start with the signature LASF (it starts with " + quoted(body.substr(0, 4)) +
                     "), so it is not LAS.");
        return;
    }
    if (body.size() < kMinHeaderSize[0]) {
        addCheck(result, kHeader, Status::Fail, "The file is shorter than a LAS header (227 bytes).");
        return;
    }
    LasHeader header = readHeader(body);
    VlrScan scan = scanVlrs(body, header);
    // The VLRs run beyond the first bytes: read up to the points, when that is not far.
    if (!scan.complete && response.truncated && header.pointOffset > body.size() &&
        header.pointOffset <= kMaxVlrRegion && budget.canFetch()) {
        FetchResponse more = budget.fetch(url, header.pointOffset);
        if (more.ok && more.body.size() > response.body.size()) {
            response = std::move(more);
            body = response.body;
            scan = scanVlrs(body, header);
        }
    }
    std::string problem = headerProblem(header, scan, body.size(), !response.truncated);
    if (!problem.empty()) {
        addCheck(result, kHeader, Status::Fail, problem);
        return;
    }
    result.facts.version = header.version();
    addCheck(result, kHeader, Status::Pass,
             "LAS " + header.version() + ", header of " + std::to_string(header.headerSize) + " bytes, " +
                 std::to_string(header.vlrCount) + (header.vlrCount == 1 ? " VLR" : " VLRs") + ", points from byte " +
                 std::to_string(header.pointOffset) +
                 (scan.complete ? "." : " (the VLRs after the first " + byteSize(body.size()) + " were not read)."));

    checkPointFormat(header, format, result);
    checkBounds(header, result);
    checkCompression(header, scan, format, result);
    if (format == "copc") checkCopc(scan, result);
    checkCrs(scan, result);
    if (result.facts.extent && !result.facts.crs.empty()) result.facts.extentCrs = result.facts.crs.front();
}

}  // namespace tweeling::federation::probe
