#include "geo/crs.hpp"

#include "geo/proj_handles.hpp"

#include <proj_experimental.h>  // proj_create_compound_crs

#include <cctype>
#include <cmath>
#include <cstdio>

namespace tweeling::registry::geo {

using detail::IntListPtr;
using detail::PjListPtr;
using detail::PjPtr;
using detail::quoted;
using detail::ThreadProj;

namespace {

// proj_identify's confidence from which a candidate counts as the same CRS: 70 is "equivalent, but
// the names differ" (a LAS file's "RD_New" for "Amersfoort / RD New"); 25 only means similar names.
constexpr int kMinIdentifyConfidence = 70;

// Points per edge when an extent is transformed: the edges of a projected box are curves in degrees.
constexpr int kDensifyPoints = 21;

struct Identified {
    std::string id;
    std::string name;  // the EPSG entry's, when the id came from proj_identify
};

// An id Tweeling names: EPSG codes, and OGC's CRS84 and CRS84h.
std::string ownId(PJ* object) {
    const char* authority = proj_get_id_auth_name(object, 0);
    const char* code = proj_get_id_code(object, 0);
    if (!authority || !code) return {};
    std::optional<std::string> id = crsId(std::string(authority) + ":" + code);
    return id ? *id : std::string();
}

// A CRS from WKT often carries TOWGS84, which makes it a BoundCRS around the CRS it describes.
PjPtr unbound(PJ_CONTEXT* context, PJ* crs) {
    if (proj_get_type(crs) == PJ_TYPE_BOUND_CRS) {
        if (PjPtr source{proj_get_source_crs(context, crs)}) return source;
    }
    return PjPtr(proj_clone(context, crs));
}

Identified identify(PJ_CONTEXT* context, PJ* crs) {
    if (std::string id = ownId(crs); !id.empty()) return {id, {}};
    int* confidences = nullptr;
    PjListPtr candidates(proj_identify(context, crs, "EPSG", nullptr, &confidences));
    IntListPtr confidenceOwner(confidences);
    if (!candidates || !confidences) return {};
    // PROJ lists the candidates best first.
    if (proj_list_get_count(candidates.get()) < 1 || confidences[0] < kMinIdentifyConfidence) return {};
    PjPtr best(proj_list_get(context, candidates.get(), 0));
    if (!best) return {};
    std::string id = ownId(best.get());  // "" for a candidate that is itself unnamed (a BoundCRS)
    if (id.empty()) return {};
    const char* name = proj_get_name(best.get());
    return {id, name ? name : ""};
}

bool isGeographic(PJ* crs) {
    PJ_TYPE type = proj_get_type(crs);
    return type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS || type == PJ_TYPE_GEOGRAPHIC_CRS;
}

// The first axis of a CRS's coordinate system points north or south (latitude, northing first).
bool northFirst(PJ_CONTEXT* context, PJ* crs) {
    PjPtr system(proj_crs_get_coordinate_system(context, crs));
    if (!system || proj_cs_get_axis_count(context, system.get()) < 1) return false;
    const char* direction = nullptr;
    if (!proj_cs_get_axis_info(context, system.get(), 0, nullptr, nullptr, &direction, nullptr, nullptr, nullptr,
                               nullptr) ||
        !direction)
        return false;
    std::string text(direction);
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text == "north" || text == "south";
}

int axisCount(PJ_CONTEXT* context, PJ* crs) {
    PjPtr system(proj_crs_get_coordinate_system(context, crs));
    int count = system ? proj_cs_get_axis_count(context, system.get()) : -1;
    return count > 0 ? count : 2;
}

void setError(std::string* error, std::string message) {
    if (error) *error = std::move(message);
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

}  // namespace

std::optional<CrsInfo> describeCrs(const std::string& crs, std::string* error) {
    ThreadProj& proj = ThreadProj::current();
    PJ_CONTEXT* context = proj.context();
    PjPtr object = proj.createCrs(crs, error);
    if (!object) return std::nullopt;
    PjPtr main = unbound(context, object.get());
    if (!main) {
        setError(error, "PROJ could not read the CRS " + quoted(crs));
        return std::nullopt;
    }

    CrsInfo info;
    const char* ownName = proj_get_name(main.get());
    info.name = ownName ? ownName : "";
    Identified whole = identify(context, main.get());

    if (proj_get_type(main.get()) == PJ_TYPE_COMPOUND_CRS) {
        PjPtr horizontalPart(proj_crs_get_sub_crs(context, main.get(), 0));
        PjPtr verticalPart(proj_crs_get_sub_crs(context, main.get(), 1));
        if (!horizontalPart || !verticalPart) {
            setError(error, "PROJ could not read the parts of the compound CRS " + quoted(crs));
            return std::nullopt;
        }
        PjPtr horizontal = unbound(context, horizontalPart.get());
        PjPtr vertical = unbound(context, verticalPart.get());
        info.horizontal = identify(context, horizontal.get()).id;
        info.vertical = identify(context, vertical.get()).id;
        info.geographic = isGeographic(horizontal.get());
        info.northFirst = northFirst(context, horizontal.get());
        info.dimensions = 3;
        // A compound CRS whose horizontal part carries TOWGS84 (as LAS files write RD New) matches
        // no EPSG entry as a whole (confidence 25); made again of its unbound parts, it does.
        if (whole.id.empty() && !info.horizontal.empty() && !info.vertical.empty()) {
            PjPtr rebuilt(proj_create_compound_crs(context, info.name.c_str(), horizontal.get(), vertical.get()));
            if (rebuilt) whole = identify(context, rebuilt.get());
        }
    } else {
        info.horizontal = whole.id;
        info.geographic = isGeographic(main.get());
        info.northFirst = northFirst(context, main.get());
        info.dimensions = axisCount(context, main.get());
    }
    info.id = whole.id;
    if (!whole.name.empty()) info.name = whole.name;
    return info;
}

bool transformPoints(const std::string& from, const std::string& to, std::vector<Point>& points, std::string* error) {
    ThreadProj& proj = ThreadProj::current();
    PJ* operation = proj.operation(from, to, error);
    if (!operation) return false;
    for (std::size_t i = 0; i < points.size(); ++i) {
        Point& point = points[i];
        if (!std::isfinite(point[0]) || !std::isfinite(point[1]) || !std::isfinite(point[2])) {
            setError(error, "point " + std::to_string(i) + " has a coordinate that is not a finite number");
            return false;
        }
        proj_errno_reset(operation);
        PJ_COORD result = proj_trans(operation, PJ_FWD, proj_coord(point[0], point[1], point[2], 0));
        int code = proj_errno(operation);
        if (code != 0 || !std::isfinite(result.xyz.x) || !std::isfinite(result.xyz.y) || !std::isfinite(result.xyz.z)) {
            std::string reason = code != 0 ? proj_context_errno_string(proj.context(), code) : "no result";
            proj.takeLastMessage();
            setError(error, "PROJ could not transform point " + std::to_string(i) + " (" + number(point[0]) + ", " +
                                number(point[1]) + ") from " + quoted(from) + " to " + quoted(to) + ": " + reason);
            return false;
        }
        point = {result.xyz.x, result.xyz.y, result.xyz.z};
    }
    return true;
}

std::optional<std::array<double, 4>> extentToWgs84(const std::string& crs, const std::array<double, 4>& extent,
                                                   std::string* error) {
    return transformExtent(crs, "OGC:CRS84", extent, error);
}

std::optional<std::array<double, 4>> transformExtent(const std::string& from, const std::string& to,
                                                     const std::array<double, 4>& extent, std::string* error) {
    for (double value : extent) {
        if (!std::isfinite(value)) {
            setError(error, "the extent has a coordinate that is not a finite number");
            return std::nullopt;
        }
    }
    if (extent[0] > extent[2] || extent[1] > extent[3]) {
        setError(error, "the extent is not [minx, miny, maxx, maxy] with minima no greater than maxima");
        return std::nullopt;
    }
    ThreadProj& proj = ThreadProj::current();
    PJ* operation = proj.operation(from, to, error);
    if (!operation) return std::nullopt;
    std::array<double, 4> box{};
    proj_errno_reset(operation);
    int ok = proj_trans_bounds(proj.context(), operation, PJ_FWD, extent[0], extent[1], extent[2], extent[3], &box[0],
                               &box[1], &box[2], &box[3], kDensifyPoints);
    bool finite = std::isfinite(box[0]) && std::isfinite(box[1]) && std::isfinite(box[2]) && std::isfinite(box[3]);
    if (!ok || !finite) {
        int code = proj_errno(operation);
        std::string message = proj.takeLastMessage();
        if (message.empty() && code != 0) message = proj_context_errno_string(proj.context(), code);
        setError(error, "PROJ could not transform the extent from " + quoted(from) + " to " + quoted(to) +
                            (message.empty() ? std::string() : ": " + message));
        return std::nullopt;
    }
    return box;
}

bool ecefToGeodetic(std::vector<Point>& points, std::string* error) {
    return transformPoints("EPSG:4978", "EPSG:4979", points, error);
}

}  // namespace tweeling::registry::geo
