// Bounding volumes (box, region, sphere), regions' ranges, transforms, and the root volume's facts.
#include <array>
#include <cmath>
#include <vector>

#include "probe/tiles3d_internal.hpp"

namespace tweeling::federation::probe::tiles3d {
namespace {

using common::JsonValue;
using common::member;

constexpr double kPi = 3.14159265358979323846;
// Writers round π to a few digits (3.1415927 is more than π): an edge on the antimeridian or at a
// pole written that way is not out of range.
constexpr double kAngleTolerance = 1e-6;

std::string describeArray(const JsonValue& value) {
    if (!value.IsArray()) return "not an array";
    for (const JsonValue& item : value.GetArray())
        if (!item.IsNumber()) return "an array holding something other than numbers";
    return std::to_string(value.Size()) + " number(s)";
}

std::string listNumbers(const double* values, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += (i ? ", " : "") + formatNumber(values[i]);
    return out;
}

// The problems of a region [west, south, east, north, minimum height, maximum height] (radians and
// metres), as sentences; empty when it is fine.
std::vector<std::string> regionProblems(const double* r) {
    const double west = r[0], south = r[1], east = r[2], north = r[3], minHeight = r[4], maxHeight = r[5];
    std::vector<std::string> problems;
    auto inRange = [](double value, double limit) { return std::fabs(value) <= limit + kAngleTolerance; };
    bool longitudesOk = inRange(west, kPi) && inRange(east, kPi);
    bool latitudesOk = inRange(south, kPi / 2) && inRange(north, kPi / 2);
    if (!longitudesOk || !latitudesOk) {
        // Degrees are the mistake every writer of regions makes once; say so rather than "out of range".
        bool degrees =
            std::fabs(west) <= 180 && std::fabs(east) <= 180 && std::fabs(south) <= 90 && std::fabs(north) <= 90;
        std::string values = "West, south, east, north are " + listNumbers(r, 4);
        problems.push_back(degrees ? values + ": the region looks like degrees; 3D Tiles regions are in radians."
                                   : values +
                                         ": longitudes must lie in [-π, π] and latitudes in [-π/2, π/2] "
                                         "(radians).");
        return problems;
    }
    if (south > north)
        problems.push_back("South (" + formatNumber(south) + ") is greater than north (" + formatNumber(north) +
                           "): south and north look swapped.");
    // West > east is how a region crossing the antimeridian is written: then west lies in the eastern
    // hemisphere and east in the western. On the same side of the meridian it would be a region around
    // nearly the whole globe, which is a swap far more often than a real extent.
    if (west > east && !(west > 0 && east < 0))
        problems.push_back("West (" + formatNumber(west) + ") is greater than east (" + formatNumber(east) +
                           ") and the region does not cross the antimeridian: west and east look swapped.");
    if (minHeight > maxHeight)
        problems.push_back("The minimum height (" + formatNumber(minHeight) + ") is greater than the maximum height (" +
                           formatNumber(maxHeight) + ").");
    return problems;
}

// The 8 corners of a box (center ± each half-axis) in the tile's frame.
std::vector<std::array<double, 3>> boxCorners(const double* box) {
    std::vector<std::array<double, 3>> corners;
    for (int i = 0; i < 8; ++i) {
        double su = (i & 1) ? 1 : -1, sv = (i & 2) ? 1 : -1, sw = (i & 4) ? 1 : -1;
        std::array<double, 3> corner{};
        for (int axis = 0; axis < 3; ++axis)
            corner[axis] = box[axis] + su * box[3 + axis] + sv * box[6 + axis] + sw * box[9 + axis];
        corners.push_back(corner);
    }
    return corners;
}

// A 4×4 matrix stored column-major (3D Tiles and glTF): element (row, column) is m[column * 4 + row].
std::array<double, 3> transformPoint(const double* m, const std::array<double, 3>& p) {
    std::array<double, 3> out{};
    for (int row = 0; row < 3; ++row) out[row] = m[row] * p[0] + m[4 + row] * p[1] + m[8 + row] * p[2] + m[12 + row];
    return out;
}

}  // namespace

const char* volumeKindName(VolumeKind kind) {
    switch (kind) {
        case VolumeKind::Box:
            return "box";
        case VolumeKind::Region:
            return "region";
        case VolumeKind::Sphere:
            return "sphere";
        case VolumeKind::Extension:
            return "volume of an extension";
        case VolumeKind::Invalid:
            break;
    }
    return "invalid volume";
}

bool readNumbers(const JsonValue* array, std::size_t count, double* out) {
    if (!array || !array->IsArray() || array->Size() != count) return false;
    for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
        if (!(*array)[i].IsNumber()) return false;
        out[i] = (*array)[i].GetDouble();
    }
    return true;
}

VolumeKind checkBoundingVolume(const JsonValue& volume, const std::string& pointer, const DocumentContext& context) {
    CheckLog& log = *context.log;
    auto fail = [&](const std::string& message, const std::string& at) {
        log.problem(kBoundingVolume, Status::Fail, message, at, context.reportUrl);
        return VolumeKind::Invalid;
    };
    if (!volume.IsObject()) return fail("The bounding volume is not an object.", pointer);
    const JsonValue* box = member(volume, "box");
    const JsonValue* region = member(volume, "region");
    const JsonValue* sphere = member(volume, "sphere");
    int kinds = (box ? 1 : 0) + (region ? 1 : 0) + (sphere ? 1 : 0);
    if (kinds == 0) {
        const JsonValue* extensions = member(volume, "extensions");
        if (extensions && extensions->IsObject() && extensions->MemberCount() > 0) {
            std::string names;
            for (const auto& extension : extensions->GetObject())
                names += (names.empty() ? "" : ", ") + quoted(extension.name.GetString());
            log.problem(kBoundingVolume, Status::Warn,
                        "The bounding volume is given only by extension(s) " + names +
                            ", which the probe does not check (not checked).",
                        pointer + "/extensions", context.reportUrl);
            return VolumeKind::Extension;
        }
        return fail("The bounding volume has none of box, region and sphere.", pointer);
    }
    if (kinds > 1) {
        std::string names = std::string(box ? "box " : "") + (region ? "region " : "") + (sphere ? "sphere " : "");
        names.pop_back();
        return fail("The bounding volume has " + names + "; it must have exactly one of box, region and sphere.",
                    pointer);
    }
    if (box) {
        double numbers[12];
        if (!readNumbers(box, 12, numbers))
            return fail(
                "box must be 12 numbers (a center and three half-axis vectors); it is " + describeArray(*box) + ".",
                pointer + "/box");
        return VolumeKind::Box;
    }
    if (sphere) {
        double numbers[4];
        if (!readNumbers(sphere, 4, numbers))
            return fail("sphere must be 4 numbers (a center and a radius); it is " + describeArray(*sphere) + ".",
                        pointer + "/sphere");
        if (numbers[3] < 0)
            return fail("The sphere's radius is " + formatNumber(numbers[3]) + "; it must be 0 or more.",
                        pointer + "/sphere/3");
        return VolumeKind::Sphere;
    }
    double numbers[6];
    if (!readNumbers(region, 6, numbers))
        return fail(
            "region must be 6 numbers (west, south, east, north in radians, minimum and maximum height in "
            "metres); it is " +
                describeArray(*region) + ".",
            pointer + "/region");
    std::vector<std::string> problems = regionProblems(numbers);
    for (const std::string& problem : problems)
        log.problem(kRegion, Status::Fail, problem, pointer + "/region", context.reportUrl);
    return problems.empty() ? VolumeKind::Region : VolumeKind::Invalid;
}

void checkTransform(const JsonValue& transform, const std::string& pointer, const DocumentContext& context) {
    double m[16];
    if (!readNumbers(&transform, 16, m)) {
        context.log->problem(kTransform, Status::Fail,
                             "transform must be 16 numbers (a 4×4 matrix in column-major order); it is " +
                                 describeArray(transform) + ".",
                             pointer, context.reportUrl);
        return;
    }
    if (m[3] != 0 || m[7] != 0 || m[11] != 0 || m[15] != 1)
        context.log->problem(kTransform, Status::Warn,
                             "transform's last row (elements 3, 7, 11 and 15 in column-major order) is " +
                                 formatNumber(m[3]) + ", " + formatNumber(m[7]) + ", " + formatNumber(m[11]) + ", " +
                                 formatNumber(m[15]) + " rather than 0, 0, 0, 1: 3D Tiles expects an affine transform.",
                             pointer, context.reportUrl);
}

void fillVolumeFacts(const JsonValue& root, AssetFacts& facts) {
    const JsonValue* volume = member(root, "boundingVolume");
    if (!volume || !volume->IsObject()) return;
    const JsonValue* box = member(*volume, "box");
    const JsonValue* region = member(*volume, "region");
    const JsonValue* sphere = member(*volume, "sphere");
    if ((box ? 1 : 0) + (region ? 1 : 0) + (sphere ? 1 : 0) != 1) return;
    if (region) {
        // Only a region that passed its checks: a region in degrees would place the asset elsewhere.
        std::array<double, 6> values{};
        if (readNumbers(region, 6, values.data()) && regionProblems(values.data()).empty()) facts.region = values;
        return;
    }
    std::vector<std::array<double, 3>> corners;
    double numbers[12];
    if (box && readNumbers(box, 12, numbers)) {
        corners = boxCorners(numbers);
    } else if (sphere && readNumbers(sphere, 4, numbers) && numbers[3] >= 0) {
        // The sphere's bounding cube, its axes those of the tile's frame.
        const double r = numbers[3];
        const double cube[12] = {numbers[0], numbers[1], numbers[2], r, 0, 0, 0, r, 0, 0, 0, r};
        corners = boxCorners(cube);
    } else {
        return;
    }
    if (const JsonValue* transform = member(root, "transform")) {
        double m[16];
        if (!readNumbers(transform, 16, m)) return;  // the corners would be in an unknown frame
        for (auto& corner : corners) corner = transformPoint(m, corner);
    }
    for (const auto& corner : corners)
        for (double value : corner)
            if (!std::isfinite(value)) return;  // huge inputs overflowed: no facts rather than infinities
    facts.ecefCorners = corners;
}

}  // namespace tweeling::federation::probe::tiles3d
