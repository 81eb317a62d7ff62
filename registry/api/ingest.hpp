#pragma once
// The one path by which a record enters a store, shared by HTTP publishing and `import`: validate
// against the profile, extract the index fields, normalise for storage.
#include "common/json.hpp"
#include "common/problem.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <optional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::api {

struct Prepared {
    std::optional<store::PutRequest> put;  // set when the record is valid
    common::Problems problems;             // every problem otherwise
    bool tooLarge = false;                 // over record::kMaxRecordBytes (publishing answers 413)
};

// `record` is modified (normalised) when valid. Its size is checked on the normalised form, the
// one every hub measures again (record/size.hpp).
Prepared prepareRecord(common::Json& record, const record::Profile& profile, const std::string& origin);

// One record read from an import file, with where it came from (for messages).
struct ImportItem {
    std::string where;   // "file.json: record 3" or "file.ndjson: line 7"
    std::string id;      // the record's id when it has one
    // The record's JSON text, split off on the grammar alone: parse it with parseUntrusted before use,
    // which refuses a duplicate member name or text that is not UTF-8 in this record.
    std::string text;
    std::optional<std::string> parseError;
};

// Splits an import file: a JSON array of records, a GeoJSON FeatureCollection, a single record, or
// NDJSON (one record per line).
std::vector<ImportItem> splitImportFile(const std::string& name, std::string_view content);

// NDJSON read a line at a time, so that a file of any size imports in bounded memory. Items are
// the ones splitImportFile gives for the same lines.
class NdjsonReader {
public:
    NdjsonReader(std::string name, std::istream& in) : m_name(std::move(name)), m_in(in) {}
    // The next non-blank line's item; false at the end of the input.
    bool next(ImportItem& item);

private:
    std::string m_name;
    std::istream& m_in;
    std::string m_line;
    int m_lineNumber = 0;
};

// True when the file is NDJSON as NdjsonReader reads it: its first non-blank line is a whole JSON
// object that is not a FeatureCollection (a JSON array, a FeatureCollection or a record spread over
// several lines are read whole, by splitImportFile).
bool isNdjsonFile(const std::string& path);

}  // namespace tweeling::registry::api
