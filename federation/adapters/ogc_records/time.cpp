// The record's time (top-level `time`, pygeoapi's temporal extent, STAC datetimes) and
// properties.updated / created.
#include "adapters/ogc_records/mapper.hpp"
#include "common/text.hpp"

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "common/time.hpp"

namespace tweeling::federation::adapters::ogc_records {

using common::Json;
using common::JsonValue;

namespace {

// One interval end: open (null, "..", ""), a valid instant, or bad.
struct End {
    enum Kind { Open, Valid, Bad } kind = Open;
    std::string value;
};

End intervalEnd(const JsonValue& value, bool& guessed) {
    if (value.IsNull()) return {};
    if (!value.IsString()) return {End::Bad, {}};
    std::string raw = common::trim(text(value));
    if (raw.empty() || raw == "..") return {};
    if (auto instant = normalizeInstant(raw, guessed)) return {End::Valid, *instant};
    return {End::Bad, {}};
}

}  // namespace

// Returns true when `value` gave a usable time (added to the record); `present` when it said something.
bool Mapper::timeFromInterval(const JsonValue& interval, const std::string& pointer, bool& present) {
    const JsonValue* pair = &interval;
    if (pair->IsArray() && pair->Size() >= 1 && (*pair)[0].IsArray()) pair = &(*pair)[0];  // [[a, b]]
    if (!pair->IsArray() || pair->Size() != 2) {
        present = true;
        warn(pointer, "The temporal interval is not a pair [start, end]; it was left out.");
        return false;
    }
    present = true;
    bool guessed = false;
    End start = intervalEnd((*pair)[0], guessed), end = intervalEnd((*pair)[1], guessed);
    if (start.kind == End::Bad || end.kind == End::Bad) {
        warn(pointer, "The temporal interval has an end that is not an RFC 3339 date or date-time; it was left out.");
        return false;
    }
    if (start.kind == End::Open && end.kind == End::Open) {
        warn(pointer, "The temporal interval is open at both ends (it says nothing); the record has no time.");
        return false;
    }
    if (start.kind == End::Valid && end.kind == End::Valid &&
        *common::parseRfc3339(start.value) > *common::parseRfc3339End(end.value)) {
        warn(pointer, "The temporal interval starts after it ends; it was left out.");
        return false;
    }
    if (guessed) warn(pointer, "A time in the temporal interval has no UTC offset or is incomplete; it was read as UTC.");
    JsonValue values(rapidjson::kArrayType);
    values.PushBack(start.kind == End::Valid ? s(start.value) : s(".."), m_allocator);
    values.PushBack(end.kind == End::Valid ? s(end.value) : s(".."), m_allocator);
    JsonValue time(rapidjson::kObjectType);
    time.AddMember("interval", values, m_allocator);
    if (const JsonValue* top = startsWith(pointer, "/time") ? objectMember(m_in, "time") : nullptr)
        if (auto resolution = nonEmptyMember(*top, "resolution")) time.AddMember("resolution", s(*resolution), m_allocator);
    m_out.record.AddMember("time", time, m_allocator);
    return true;
}

bool Mapper::timeFromInstant(const JsonValue& value, const std::string& pointer, bool& present) {
    present = true;
    bool guessed = false;
    auto instant = value.IsString() ? normalizeInstant(text(value), guessed) : std::nullopt;
    if (!instant) {
        warn(pointer, "The time is not an RFC 3339 date or date-time; it was left out.");
        return false;
    }
    if (guessed) warn(pointer, "The time has no UTC offset or is incomplete; it was read as UTC.");
    JsonValue time(rapidjson::kObjectType);
    if (instant->size() == 10)
        time.AddMember("date", s(*instant), m_allocator);
    else
        time.AddMember("timestamp", s(*instant), m_allocator);
    m_out.record.AddMember("time", time, m_allocator);
    return true;
}

void Mapper::mapTime() {
    bool present = false;
    if (const JsonValue* time = member(m_in, "time"); time && !time->IsNull()) {
        if (time->IsObject()) {
            if (const JsonValue* interval = member(*time, "interval")) {
                if (timeFromInterval(*interval, "/time/interval", present)) return;
            } else if (const JsonValue* date = member(*time, "date")) {
                if (timeFromInstant(*date, "/time/date", present)) return;
            } else if (const JsonValue* timestamp = member(*time, "timestamp")) {
                if (timeFromInstant(*timestamp, "/time/timestamp", present)) return;
            }
        } else if (time->IsString()) {
            if (timeFromInstant(*time, "/time", present)) return;
        } else {
            present = true;
            warn("/time", "'time' is neither an object nor a date; it was left out.");
        }
    }
    const JsonValue* extent = objectMember(*m_props, "extent");
    const JsonValue* temporal = extent ? objectMember(*extent, "temporal") : nullptr;
    if (const JsonValue* interval = temporal ? member(*temporal, "interval") : nullptr)
        if (timeFromInterval(*interval, "/properties/extent/temporal/interval", present)) return;
    if (const JsonValue* datetime = member(*m_props, "datetime"); datetime && !datetime->IsNull())
        if (timeFromInstant(*datetime, "/properties/datetime", present)) return;
    const JsonValue* start = member(*m_props, "start_datetime");
    const JsonValue* end = member(*m_props, "end_datetime");
    if (start || end) {
        Json pair;
        pair.SetArray();
        pair.PushBack(start ? JsonValue(*start, pair.GetAllocator()) : JsonValue(), pair.GetAllocator());
        pair.PushBack(end ? JsonValue(*end, pair.GetAllocator()) : JsonValue(), pair.GetAllocator());
        if (timeFromInterval(pair, "/properties/start_datetime", present)) return;
    }
    (void)present;
}

void Mapper::mapUpdated() {
    std::optional<std::string> updated;
    for (const char* name : {"updated", "modified", "dateStamp", "created"}) {
        const JsonValue* value = member(*m_props, name);
        if (!value || !value->IsString()) continue;
        bool guessed = false;
        updated = normalizeInstant(text(*value), guessed);
        if (!updated) continue;
        if (std::string_view(name) != "updated")
            warn("/properties/updated", "The record has no 'updated'; its '" + std::string(name) + "' is used.");
        if (guessed)
            warn("/properties/updated", "The date of the last change had no UTC offset or was incomplete; it was read as UTC.");
        break;
    }
    if (!updated) {
        updated = "1970-01-01";
        warn("/properties/updated",
             "The record does not say when it was last changed; 1970-01-01 stands for 'unknown'.");
    }
    m_p.AddMember("updated", s(*updated), m_allocator);
    if (const JsonValue* created = member(*m_props, "created"); created && created->IsString()) {
        bool guessed = false;
        if (auto value = normalizeInstant(text(*created), guessed)) m_p.AddMember("created", s(*value), m_allocator);
    }
}

}  // namespace tweeling::federation::adapters::ogc_records
