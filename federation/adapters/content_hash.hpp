#pragma once
// The content hash by which a hub finds changed records, of every source kind (the harvester hashes
// feed records and mapped records alike).
#include <string>

#include "common/json.hpp"

namespace tweeling::federation::adapters {

// Canonical JSON as RFC 8785 (JCS) writes it, except numbers: object members sorted by their names'
// UTF-16 code units (ties between duplicate names keep document order), no insignificant whitespace,
// strings minimally escaped (\" \\ \b \f \n \r \t, other controls as \u00xx in lower-case hex; "/",
// DEL and non-ASCII written raw as UTF-8); numbers as RapidJSON's Writer writes them. Iterative, so
// any nesting depth is safe. Bytes that are not valid UTF-8 are written unchanged.
std::string canonicalJson(const common::JsonValue& value);

// Hash for change detection: lower-case hex SHA-256 (OpenSSL EVP) of canonicalJson(value).
std::string contentHash(const common::JsonValue& value);

}  // namespace tweeling::federation::adapters
