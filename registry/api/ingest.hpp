#pragma once
// The one path by which a record enters a store, shared by HTTP publishing and `import`: validate
// against the profile, extract the index fields, normalise for storage.
#include "common/json.hpp"
#include "common/problem.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::api {

struct Prepared {
    std::optional<store::PutRequest> put;  // set when the record is valid
    common::Problems problems;             // every problem otherwise
};

// `record` is modified (normalised) when valid.
Prepared prepareRecord(common::Json& record, const record::Profile& profile, const std::string& origin);

// One record read from an import file, with where it came from (for messages).
struct ImportItem {
    std::string where;   // "file.json: record 3" or "file.ndjson: line 7"
    std::string id;      // the record's id when it has one
    std::string text;    // the record's JSON text
    std::optional<std::string> parseError;
};

// Splits an import file: a JSON array of records, a GeoJSON FeatureCollection, a single record, or
// NDJSON (one record per line).
std::vector<ImportItem> splitImportFile(const std::string& name, std::string_view content);

}  // namespace tweeling::registry::api
