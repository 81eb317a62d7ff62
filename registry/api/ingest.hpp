#pragma once
// The one path by which a record enters a store: HTTP publishing, `import`, and a hub's harvest of a
// node's feed and its crawl of a foreign catalog all call prepare(). It validates against the
// profile, decides by one rule whether the record is refused or kept with warnings, extracts the
// index fields, normalises for storage, checks the size and hashes the content when asked.
#include "common/json.hpp"
#include "common/problem.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <functional>
#include <optional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::api {

// Who ingests a record, and how tolerant that path is.
struct IngestPolicy {
    std::string origin;  // the record's origin (a node's id; a foreign catalog's source id)
    std::string source;  // the hub's source the record came from; empty at a node
    // Whether a record with problems, none essential (record::isEssentialProblem), is kept with them
    // as warnings. A node refuses any problem; a hub keeps a foreign catalog's record so.
    bool keepWithWarnings = false;
    // The record's warnings when it was already validated and judged (an adapter validates what it
    // maps, adapters::addProfileProblems): it is not validated again and kept with these warnings.
    const common::Problems* judgedWarnings = nullptr;
    // Set: put.contentHash is this hash of the normalised record (a hub's change detection). Unset
    // (a node): the store hashes the stored JSON.
    std::string (*contentHash)(const common::JsonValue& record) = nullptr;
    // A hub's own members (provenance, validation), added to the normalised, measured and hashed
    // record before it is written out; given the record's warnings and its content hash.
    std::function<void(common::Json& record, const common::Problems& warnings, const std::string& hash)> annotate;
};

struct Prepared {
    std::optional<store::PutRequest> put;  // set when the record is kept
    common::Problems problems;             // refused: every problem; kept: its warnings (none at a node)
    bool tooLarge = false;                 // over record::kMaxRecordBytes (publishing answers 413)
};

// `record` is modified (normalised) when kept. Its size is checked on the normalised form, the one
// every hub measures again (record/size.hpp), before any member a hub adds.
Prepared prepare(common::Json& record, const record::Profile& profile, const IngestPolicy& policy);

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
