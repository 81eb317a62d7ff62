#include "record/profile_walk.hpp"

#include "common/time.hpp"
#include "record/profile.hpp"

namespace tweeling::registry::record::checks {

void Walk::date(const JsonValue& value, const std::string& at) {
    if (!isString(value, at)) return;
    if (!common::parseRfc3339(text(value)))
        add(at, quoted(text(value)) +
                    " is not an RFC 3339 date or date-time; write e.g. 2024-05-01 or 2024-05-01T12:00:00Z "
                    "(a time needs Z or an offset such as +02:00).");
}

// A date of the record's own history (`updated`, `created`): not later than now.
void Walk::pastDate(const JsonValue& value, const std::string& at) {
    if (!isString(value, at)) return;
    std::optional<std::int64_t> seconds = common::parseRfc3339(text(value));
    if (!seconds) return date(value, at);
    std::int64_t latest = m_now + kMaxClockSkewSeconds + (isFullDate(text(value)) ? kEarliestTimeZoneSeconds : 0);
    if (*seconds > latest)
        add(at, quoted(text(value)) + " is in the future (this server's clock says " +
                    common::formatRfc3339(m_now) + " and allows " + std::to_string(kMaxClockSkewSeconds / 60) +
                    " minutes ahead): a record cannot have changed later than now, and hubs would refuse "
                    "every correction dated before it.");
}

// One end of an interval: null or ".." is open. Returns the seconds, or nullopt when open or bad.
std::optional<std::int64_t> Walk::intervalEnd(const JsonValue& value, const std::string& at, bool isEnd, bool& bad) {
    if (value.IsNull()) return std::nullopt;
    if (!value.IsString()) {
        add(at, "An interval end must be an RFC 3339 date or date-time, '..' or null; not " + kindOf(value) + ".");
        bad = true;
        return std::nullopt;
    }
    if (text(value) == "..") return std::nullopt;
    auto seconds = isEnd ? common::parseRfc3339End(text(value)) : common::parseRfc3339(text(value));
    if (!seconds) {
        add(at, quoted(text(value)) +
                    " is not an RFC 3339 date or date-time; write e.g. 2024-05-01 or 2024-05-01T12:00:00Z, or '..' "
                    "for an open end.");
        bad = true;
    }
    return seconds;
}

void Walk::time(const JsonValue& value, const std::string& at) {
    if (value.IsNull()) return;
    if (!isObject(value, at)) return;
    if (const JsonValue* interval = common::member(value, "interval")) {
        const std::string intervalAt = child(at, "interval");
        if (!interval->IsArray() || interval->Size() != 2) {
            add(intervalAt, "'interval' must be an array of two members [start, end]; use '..' for an open end.");
        } else {
            bool bad = false;
            auto start = intervalEnd((*interval)[0], child(intervalAt, 0), false, bad);
            auto end = intervalEnd((*interval)[1], child(intervalAt, 1), true, bad);
            if (start && end && *start > *end)
                add(intervalAt, "The interval starts (" + std::string(text((*interval)[0])) + ") after it ends (" +
                                    std::string(text((*interval)[1])) + ").");
        }
    }
    if (const JsonValue* date = common::member(value, "date")) {
        const std::string dateAt = child(at, "date");
        if (isString(*date, dateAt) && !isFullDate(text(*date)))
            add(dateAt, quoted(text(*date)) + " is not an RFC 3339 full date; write e.g. 2024-05-01.");
    }
    if (const JsonValue* timestamp = common::member(value, "timestamp")) {
        const std::string timestampAt = child(at, "timestamp");
        if (isString(*timestamp, timestampAt) &&
            (timestamp->GetStringLength() <= 10 || !common::parseRfc3339(text(*timestamp))))
            add(timestampAt,
                quoted(text(*timestamp)) + " is not an RFC 3339 date-time; write e.g. 2024-05-01T12:00:00Z.");
    }
    optionalString(value, at, "resolution");
}

}  // namespace tweeling::registry::record::checks
