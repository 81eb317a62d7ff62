#pragma once
// The twin record profile: schemas/twin-record.schema.json (JSON Schema draft-04, checked by
// RapidJSON's validator) plus the checks the schema cannot express, done in code. Every problem of a
// record is reported, each with a JSON Pointer and a sentence a publisher understands.
#include "common/json.hpp"
#include "common/problem.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace tweeling::registry::record {

// `updated` and `created` may be at most this far ahead of the validating clock: room for clocks
// that drift, too little to freeze a record (a hub refuses an `updated` older than the one it holds,
// so one far in the future would make it refuse every later correction as a replay).
inline constexpr std::int64_t kMaxClockSkewSeconds = 5 * 60;
// A bare date ("2024-05-01") names no time zone: it is accepted from the moment that day has begun
// somewhere (UTC+14), so a publisher east of UTC can date a record today just after midnight.
inline constexpr std::int64_t kEarliestTimeZoneSeconds = 14 * 60 * 60;

// Whether a problem at `pointer` makes a record unusable even where records are kept with warnings
// (a hub keeps a foreign catalog's record that lacks twin fields): its identity, kind, place and
// name, and `updated`, the version clock by which hubs refuse replays (an `updated` in the future
// would freeze the record there). The pointer names the member or one inside it; "" is the record.
bool isEssentialProblem(const std::string& pointer);

class Profile {
public:
    // The schema compiled into the program (generated from schemas/twin-record.schema.json).
    static const Profile& builtin();
    // A schema from a file (tests, and `validate --schema`). Throws std::runtime_error if unreadable.
    static Profile fromFile(const std::string& path);
    explicit Profile(const std::string& schemaText);
    ~Profile();
    Profile(Profile&&) noexcept;

    // Thread-safe (the compiled schema is shared and const; validators are per call). Dates are
    // checked against the system clock, or against `now` (seconds since 1970) when given.
    common::Problems validate(const common::JsonValue& record) const;
    common::Problems validate(const common::JsonValue& record, std::int64_t now) const;

private:
    struct Private;
    std::unique_ptr<Private> m_private;
};

}  // namespace tweeling::registry::record
