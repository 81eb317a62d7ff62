#pragma once
// Dates and times in foreign records, shared by the adapters of every catalog kind.
#include <optional>
#include <string>
#include <string_view>

namespace tweeling::federation::adapters {

// Normalises a date or date-time to what common::parseRfc3339 accepts. `guessed` is set when the
// text had to be completed (no offset -> "Z", "2021" -> "2021-01-01").
std::optional<std::string> normalizeInstant(std::string_view raw, bool& guessed);

}  // namespace tweeling::federation::adapters
