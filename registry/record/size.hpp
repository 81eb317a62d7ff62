#pragma once
// The size limit of a twin record, the same on every path a record takes: publishing (413),
// `twin-registry import`, and harvesting at hubs (the record is rejected alone and reported). A
// limit that held at nodes only let one oversized record swell a hub's /feed page past the fetch cap
// of every hub above it.
#include "common/json.hpp"
#include "common/problem.hpp"

#include <cstddef>
#include <optional>

namespace tweeling::registry::record {

// Measured on the record's compact JSON as its origin stores it (normalised, see record.hpp), without
// the members hubs add on the way (harvest, validation, signature, verified): so a record a node
// accepted is accepted by every hub that relays it.
inline constexpr std::size_t kMaxRecordBytes = 1024 * 1024;

// Bytes of `record` as they count against kMaxRecordBytes.
std::size_t recordBytes(const common::JsonValue& record);

// A problem naming the limit when the record is over it; nullopt otherwise.
std::optional<common::Problem> checkRecordSize(const common::JsonValue& record);

}  // namespace tweeling::registry::record
