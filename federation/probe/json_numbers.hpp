#pragma once
// Number arrays in asset documents (a transform's scale, an extent, a bbox): read one way by every
// probe. Parsed JSON holds no NaN or infinity (parseUntrusted refuses them), so a number is finite.
#include <optional>
#include <vector>

#include "common/json.hpp"

namespace tweeling::federation::probe {

// The values of an array of exactly `size` numbers; nullopt for anything else (none included).
inline std::optional<std::vector<double>> numberArray(const common::JsonValue* value, rapidjson::SizeType size) {
    if (!value || !value->IsArray() || value->Size() != size) return std::nullopt;
    std::vector<double> numbers;
    numbers.reserve(size);
    for (const common::JsonValue& item : value->GetArray()) {
        if (!item.IsNumber()) return std::nullopt;
        numbers.push_back(item.GetDouble());
    }
    return numbers;
}

}  // namespace tweeling::federation::probe
