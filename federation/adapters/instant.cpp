#include "adapters/instant.hpp"

#include "adapters/text.hpp"
#include "common/text.hpp"
#include "common/time.hpp"

namespace tweeling::federation::adapters {

std::optional<std::string> normalizeInstant(std::string_view raw, bool& guessed) {
    std::string value = common::trim(raw);
    if (value.empty()) return std::nullopt;
    if (common::parseRfc3339(value)) return value;
    if (value.size() >= 19 && (value[10] == 'T' || value[10] == 't' || value[10] == ' ') &&
        common::parseRfc3339(value + "Z")) {
        guessed = true;
        return value + "Z";
    }
    if (value.size() == 4 && digitsOnly(value) && common::parseRfc3339(value + "-01-01")) {
        guessed = true;
        return value + "-01-01";
    }
    if (value.size() == 7 && value[4] == '-' && common::parseRfc3339(value + "-01")) {
        guessed = true;
        return value + "-01";
    }
    return std::nullopt;
}

}  // namespace tweeling::federation::adapters
