#include "geo/proj_handles.hpp"

#include "common/text.hpp"
#include "geo/crs.hpp"

#include <proj_experimental.h>  // proj_crs_promote_to_3D

#include <array>
#include <cctype>
#include <stdexcept>

namespace tweeling::registry::geo::detail {

namespace {

// LAS WKT is a few kilobytes; a bound keeps a hostile asset from making PROJ parse megabytes.
constexpr std::size_t kMaxDefinitionBytes = 64u << 10;

// The keywords a WKT CRS starts with: WKT1 (OGC 01-009, with ESRI's VERTCS) and WKT2 (ISO 19162).
// Engineering and other CRSs that cannot be related to the Earth are left out.
constexpr std::array<std::string_view, 17> kWktCrsKeywords = {
    "GEOGCS",  "PROJCS",      "GEOCCS",      "VERT_CS",       "VERTCS",        "COMPD_CS",
    "GEODCRS", "GEODETICCRS", "GEOGCRS",     "GEOGRAPHICCRS", "PROJCRS",       "PROJECTEDCRS",
    "VERTCRS", "VERTICALCRS", "COMPOUNDCRS", "BOUNDCRS",      "DERIVEDPROJCRS"};

bool isWktOfCrs(std::string_view text) {
    std::size_t end = 0;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    std::string keyword = common::toUpperAscii(text.substr(0, end));
    bool known = false;
    for (std::string_view candidate : kWktCrsKeywords) known = known || keyword == candidate;
    std::string_view rest = common::trimView(text.substr(end));
    return known && !rest.empty() && (rest.front() == '[' || rest.front() == '(');
}

}  // namespace

std::optional<std::string> crsDefinition(std::string_view text) {
    if (text.size() > kMaxDefinitionBytes || text.find('\0') != std::string_view::npos) return std::nullopt;
    if (std::optional<std::string> id = crsId(text)) return id;
    std::string_view trimmed = common::trimView(text);
    if (isWktOfCrs(trimmed)) return std::string(trimmed);
    return std::nullopt;
}

std::string quoted(std::string_view text) {
    return "'" + common::truncateUtf8(common::toValidUtf8(common::trimView(text)), 80) + "'";
}

ThreadProj& ThreadProj::current() {
    thread_local ThreadProj state;
    return state;
}

ThreadProj::ThreadProj() : m_context(proj_context_create()) {
    if (!m_context) throw std::runtime_error("PROJ could not make a context");
    // Never the network: a grid PROJ lacks would otherwise be fetched from cdn.proj.org in the middle
    // of a request or a harvest, from a process whose outbound connections go through harvest's
    // address policy only. Operators install the grids they want (docs/COORDINATES.md).
    proj_context_set_enable_network(m_context.get(), 0);
    if (!readRegularFilesOnly(m_context.get())) throw std::runtime_error("PROJ refused the file access functions");
    // PROJ writes its errors to stderr by default; they belong in the caller's error sentence.
    proj_log_level(m_context.get(), PJ_LOG_ERROR);
    proj_log_func(m_context.get(), this, &ThreadProj::log);
}

void ThreadProj::log(void* self, int level, const char* message) {
    if (level == PJ_LOG_ERROR && message) static_cast<ThreadProj*>(self)->m_lastMessage = message;
}

std::string ThreadProj::takeLastMessage() {
    std::string message;
    message.swap(m_lastMessage);
    return message;
}

PjPtr ThreadProj::createCrs(std::string_view text, std::string* error) {
    std::optional<std::string> definition = crsDefinition(text);
    if (!definition) {
        if (error) {
            *error = quoted(text) +
                     " names no CRS: expected an EPSG code (EPSG:28992), an OGC URI or URN, OGC:CRS84, or WKT";
        }
        return nullptr;
    }
    takeLastMessage();
    PjPtr crs(proj_create(context(), definition->c_str()));
    if (!crs) {
        std::string message = takeLastMessage();
        if (message.empty()) message = proj_context_errno_string(context(), proj_context_errno(context()));
        if (error) *error = "PROJ cannot use the CRS " + quoted(text) + " (" + message + ")";
        return nullptr;
    }
    if (!proj_is_crs(crs.get())) {
        if (error) *error = quoted(text) + " is not a CRS";
        return nullptr;
    }
    return crs;
}

namespace {

// A compound CRS's horizontal part as a 3D CRS (null when `crs` is not compound): RD New with an
// ellipsoidal height on Bessel 1841, for RD New + NAP height.
PjPtr horizontalIn3d(PJ_CONTEXT* context, PJ* crs) {
    if (proj_get_type(crs) != PJ_TYPE_COMPOUND_CRS) return nullptr;
    PjPtr horizontal(proj_crs_get_sub_crs(context, crs, 0));
    if (!horizontal) return nullptr;
    return PjPtr(proj_crs_promote_to_3D(context, nullptr, horizontal.get()));
}

}  // namespace

PjPtr ThreadProj::createOperation(PJ* source, PJ* target) {
    // PROJ 9.1 falls back to a "ballpark" transformation when the good ones lack a grid, and for
    // RD New + NAP height to EPSG:4937, 4979 or 4978 without the NAP grid it picks one that ignores
    // the datum shift altogether: about 115 m off (measured; projinfo lists it as "Ballpark geographic
    // offset from Amersfoort to WGS 84"). Ballparks are refused; a wrong position is worse than none.
    const char* const options[] = {"ALLOW_BALLPARK=NO", nullptr};
    PjPtr operation(proj_create_crs_to_crs_from_pj(context(), source, target, nullptr, options));
    if (operation) return operation;
    // Without the vertical grid only the height lacks a good transformation. The height then goes
    // through the horizontal datum's 3D similarity transformation as an ellipsoidal height; for RD
    // that is Bessel 1841, which lies close to NAP: within half a metre of what the grid gives
    // (measured at the RDNAPTRANS test points), where leaving the height out would be 43 m off.
    PjPtr source3d = horizontalIn3d(context(), source);
    PjPtr target3d = horizontalIn3d(context(), target);
    if (!source3d && !target3d) return nullptr;
    operation.reset(proj_create_crs_to_crs_from_pj(context(), source3d ? source3d.get() : source,
                                                   target3d ? target3d.get() : target, nullptr, options));
    return operation;
}

PJ* ThreadProj::operation(const std::string& from, const std::string& to, std::string* error) {
    std::optional<std::string> fromDefinition = crsDefinition(from);
    std::optional<std::string> toDefinition = crsDefinition(to);
    if (fromDefinition && toDefinition) {
        auto found = m_operations.find(*fromDefinition + '\0' + *toDefinition);
        if (found != m_operations.end()) return found->second.get();
    }
    PjPtr source = createCrs(from, error);
    if (!source) return nullptr;
    PjPtr target = createCrs(to, error);
    if (!target) return nullptr;

    takeLastMessage();
    PjPtr operation = createOperation(source.get(), target.get());
    PjPtr normalized;
    if (operation) normalized.reset(proj_normalize_for_visualization(context(), operation.get()));
    if (!normalized) {
        if (error) {
            std::string message = takeLastMessage();
            *error = "PROJ has no transformation from " + quoted(from) + " to " + quoted(to) +
                     " other than a ballpark one, which ignores the datum shift" +
                     (message.empty() ? std::string() : " (" + message + ")");
        }
        return nullptr;
    }
    // Evicting everything is simpler than LRU and enough: a thread uses a handful of CRS pairs. Making
    // an operation costs 3 to 80 ms (PROJ 9.1, measured: it searches proj.db), using one about 1 µs
    // a point.
    if (m_operations.size() >= kMaxOperations) m_operations.clear();
    PJ* result = normalized.get();
    m_operations.emplace(*fromDefinition + '\0' + *toDefinition, std::move(normalized));
    return result;
}

}  // namespace tweeling::registry::geo::detail
