#include "api/ingest.hpp"

#include "record/record.hpp"
#include "record/size.hpp"

#include <algorithm>
#include <fstream>

namespace tweeling::registry::api {

namespace {

// The one rule: a record with a problem is refused, unless the path keeps records with warnings and
// none of its problems is essential.
bool refuses(const common::Problems& problems, bool keepWithWarnings) {
    if (problems.empty()) return false;
    if (!keepWithWarnings) return true;
    return std::any_of(problems.begin(), problems.end(),
                       [](const common::Problem& problem) { return record::isEssentialProblem(problem.pointer); });
}

}  // namespace

Prepared prepare(common::Json& record, const record::Profile& profile, const IngestPolicy& policy) {
    Prepared prepared;
    if (policy.judgedWarnings) {
        prepared.problems = *policy.judgedWarnings;
    } else {
        prepared.problems = profile.validate(record);
        if (refuses(prepared.problems, policy.keepWithWarnings)) return prepared;
    }
    store::PutRequest put;
    put.fields = record::extractIndexFields(record);
    record::normalizeForStorage(record, policy.origin);
    // The record's JSON is written once: its size is at least what counts against the limit (which
    // leaves out members hubs add), so only a record over the limit is measured exactly.
    std::string json = common::toString(record);
    if (json.size() > record::kMaxRecordBytes) {
        if (auto problem = record::checkRecordSize(record)) {
            prepared.problems = {std::move(*problem)};
            prepared.tooLarge = true;
            return prepared;
        }
    }
    if (policy.contentHash) put.contentHash = policy.contentHash(record);
    if (policy.annotate) {
        policy.annotate(record, prepared.problems, put.contentHash);
        json = common::toString(record);
    }
    put.origin = policy.origin;
    put.source = policy.source;
    put.json = std::move(json);
    prepared.put = std::move(put);
    return prepared;
}

namespace {

std::string idOf(const common::JsonValue& value) {
    auto id = common::stringMember(value, "id");
    return id ? std::string(*id) : "";
}

ImportItem itemFrom(const std::string& where, const common::JsonValue& value) {
    ImportItem item;
    item.where = where;
    item.id = idOf(value);
    item.text = common::toString(value);
    return item;
}

ImportItem ndjsonItem(const std::string& name, int lineNumber, std::string_view line) {
    ImportItem item;
    item.where = name + ": line " + std::to_string(lineNumber);
    common::Json lineDoc;
    if (auto lineError = common::parseUntrusted(line, lineDoc)) {
        item.parseError = "not valid JSON at byte " + std::to_string(lineError->offset) + ": " + lineError->message;
    } else {
        item.id = idOf(lineDoc);
        item.text = std::string(line);
    }
    return item;
}

}  // namespace

bool NdjsonReader::next(ImportItem& item) {
    while (std::getline(m_in, m_line)) {
        ++m_lineNumber;
        if (m_line.find_first_not_of(" \t\r") == std::string::npos) continue;
        item = ndjsonItem(m_name, m_lineNumber, m_line);
        return true;
    }
    return false;
}

bool isNdjsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        common::Json doc;
        // Only the shape matters here; the lines are each checked fully when read.
        if (common::parseUntrusted(line, doc, common::kMaxJsonDepth, common::JsonChecks::SyntaxOnly) || !doc.IsObject())
            return false;
        auto type = common::stringMember(doc, "type");
        return !(type && *type == "FeatureCollection");
    }
    return false;
}

std::vector<ImportItem> splitImportFile(const std::string& name, std::string_view content) {
    std::vector<ImportItem> items;
    common::Json doc;
    // Split on the grammar alone: each item is written back as it came (a duplicate member name and
    // text that is not UTF-8 included) and parsed again, fully, before it is used, so a bad record
    // is reported on its own and the file's other records are still read.
    auto error = common::parseUntrusted(content, doc, 256, common::JsonChecks::SyntaxOnly);
    if (!error) {
        if (doc.IsArray()) {
            int index = 0;
            for (const auto& value : doc.GetArray())
                items.push_back(itemFrom(name + ": record " + std::to_string(++index), value));
            return items;
        }
        auto type = common::stringMember(doc, "type");
        if (type && *type == "FeatureCollection") {
            const common::JsonValue* features = common::member(doc, "features");
            int index = 0;
            if (features && features->IsArray())
                for (const auto& value : features->GetArray())
                    items.push_back(itemFrom(name + ": feature " + std::to_string(++index), value));
            return items;
        }
        items.push_back(itemFrom(name, doc));
        return items;
    }
    // Not one JSON document: read it as NDJSON, one record per non-empty line.
    std::size_t start = 0;
    int lineNumber = 0;
    bool anyLine = false;
    while (start < content.size()) {
        std::size_t end = content.find('\n', start);
        if (end == std::string_view::npos) end = content.size();
        std::string_view line = content.substr(start, end - start);
        ++lineNumber;
        start = end + 1;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        anyLine = true;
        items.push_back(ndjsonItem(name, lineNumber, line));
    }
    if (!anyLine) {
        ImportItem item;
        item.where = name;
        item.parseError = "not valid JSON at byte " + std::to_string(error->offset) + ": " + error->message;
        items.push_back(std::move(item));
    }
    return items;
}

}  // namespace tweeling::registry::api
