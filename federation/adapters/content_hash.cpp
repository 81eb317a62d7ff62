#include "adapters/content_hash.hpp"

#include "adapters/json_members.hpp"
#include "common/jcs.hpp"
#include "common/sha256.hpp"

namespace tweeling::federation::adapters {

using common::JsonValue;

std::string canonicalJson(const JsonValue& value) {
    // RFC 8785 order and escaping (common/jcs), numbers as RapidJSON writes them.
    return common::canonicalJson(value, &numberText);
}

std::string contentHash(const JsonValue& value) {
    const std::string canonical = canonicalJson(value);
    return common::sha256Hex(canonical);
}

}  // namespace tweeling::federation::adapters
