#pragma once
// RFC 3339 dates and date-times, as used in records (`updated`, `time`) and in the `datetime`
// query parameter.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tweeling::common {

// Seconds since 1970-01-01T00:00:00Z. A full date ("2024-05-01") is its first second (UTC).
// Accepts "YYYY-MM-DD", and "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" (also lower-case t/z and a space
// separator, as RFC 3339 allows). Returns nullopt for anything else, including impossible dates.
std::optional<std::int64_t> parseRfc3339(std::string_view text);

// Like parseRfc3339, but a bare date maps to its last second (for the end of an interval).
std::optional<std::int64_t> parseRfc3339End(std::string_view text);

// "2024-05-01T12:00:00Z"
std::string formatRfc3339(std::int64_t secondsSinceEpoch);
std::string nowRfc3339();

// Open interval bounds are represented by these sentinels.
constexpr std::int64_t kOpenStart = INT64_MIN / 2;
constexpr std::int64_t kOpenEnd = INT64_MAX / 2;

}  // namespace tweeling::common
