#pragma once
// The profile's checks done in code, as one walk over a record. The walk is split by the part of
// the record it checks: profile_walk.cpp (shapes, links, the record's top level), profile_time.cpp
// (dates, `time`), profile_footprint.cpp (`geometry`, `bbox`), profile_properties.cpp (the twin
// members). Internal to registry/record.
#include "common/json.hpp"
#include "common/problem.hpp"
#include "record/profile_text.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace tweeling::registry::record::checks {

// Walks a record and collects every problem the profile defines, each with its JSON Pointer. The
// schema validator stops at its first error, so this walk is what lets a publisher fix all
// problems in one go.
class Walk {
public:
    explicit Walk(std::int64_t now) : m_now(now) {}

    common::Problems problems;

    void add(std::string pointer, std::string message) { problems.push_back({std::move(pointer), std::move(message)}); }

    void record(const JsonValue& value);

    // --- generic shape checks; each reports its own problem and returns whether the value fits ---

    const JsonValue* required(const JsonValue& object, const std::string& at, const char* name);
    bool isString(const JsonValue& value, const std::string& at, bool nonEmpty = true);
    bool isObject(const JsonValue& value, const std::string& at);
    bool isArray(const JsonValue& value, const std::string& at, std::size_t minItems = 0);
    // An array whose entries must all be strings.
    void stringList(const JsonValue& value, const std::string& at);
    void optionalString(const JsonValue& object, const std::string& at, const char* name, bool nonEmpty = false);

    template <typename Words>
    bool oneOf(const JsonValue& value, const std::string& at, const Words& allowed, const char* what) {
        if (!isString(value, at, false)) return false;
        if (contains(allowed, text(value))) return true;
        add(at, quoted(text(value)) + " is not " + what + "; use one of " + join(allowed) +
                    suggestion(allowed, text(value)) + ".");
        return false;
    }

    void httpUrl(const JsonValue& value, const std::string& at, const char* example);
    void link(const JsonValue& value, const std::string& at);
    void links(const JsonValue& value, const std::string& at);

    // --- time (profile_time.cpp) ---

    void date(const JsonValue& value, const std::string& at);
    // A date of the record's own history (`updated`, `created`): not later than now.
    void pastDate(const JsonValue& value, const std::string& at);
    // One end of an interval: null or ".." is open. Returns the seconds, or nullopt when open or bad.
    std::optional<std::int64_t> intervalEnd(const JsonValue& value, const std::string& at, bool isEnd, bool& bad);
    void time(const JsonValue& value, const std::string& at);

    // --- geometry (profile_footprint.cpp) ---

    bool position(const JsonValue& value, const std::string& at, double& lon, double& lat);
    // A footprint in the wrong CRS has every coordinate out of range: report the first one, and
    // how many there are, instead of one problem per number.
    void beginCoordinates();
    void endCoordinates();
    bool coordinateInRange(double value, const std::string& at, double limit, const char* axis);
    void ring(const JsonValue& value, const std::string& at, bool exterior);
    void polygonCoordinates(const JsonValue& value, const std::string& at);
    void geojsonBbox(const JsonValue& value, const std::string& at);
    void bboxNumbers(const JsonValue& value, const std::string& at);
    void geometry(const JsonValue& value, const std::string& at);
    void geometryShape(const JsonValue& value, const std::string& at);

    // --- properties (profile_properties.cpp) ---

    void publisher(const JsonValue& value, const std::string& at);
    void contacts(const JsonValue& value, const std::string& at);
    void themes(const JsonValue& value, const std::string& at);
    void adminUnits(const JsonValue& value, const std::string& at);
    void crs(const JsonValue& value, const std::string& at);
    void distributions(const JsonValue& value, const std::string& at);
    void lod(const JsonValue& value, const std::string& at);
    void lineage(const JsonValue& value, const std::string& at, bool simulation);
    void properties(const JsonValue& value, const std::string& at);

private:
    std::int64_t m_now;  // seconds since 1970
    int m_outOfRange = 0;
    std::size_t m_firstOutOfRange = 0;
};

}  // namespace tweeling::registry::record::checks
