#pragma once
// Builds store requests for the store tests directly from IndexedRecord values (the store must not
// depend on the record library's parsing).
#include "record/record.hpp"
#include "store/store.hpp"
#include "support/http_client.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tweeling::test {

inline constexpr const char* kNodeId = "gm0363";

inline std::string jsonEscape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

struct TestRecord {
    registry::record::IndexedRecord fields;
    std::string origin;     // "" = this node
    std::string extra;      // varies the JSON without changing index fields

    TestRecord& title(std::string value) { fields.title = std::move(value); return *this; }
    TestRecord& description(std::string value) { fields.description = std::move(value); return *this; }
    TestRecord& keywords(std::vector<std::string> value) { fields.keywords = std::move(value); return *this; }
    TestRecord& themes(std::vector<std::string> value) { fields.themes = std::move(value); return *this; }
    TestRecord& formats(std::vector<std::string> value) { fields.formats = std::move(value); return *this; }
    TestRecord& adminUnits(std::vector<std::string> value) { fields.adminUnits = std::move(value); return *this; }
    TestRecord& type(std::string value) { fields.type = std::move(value); return *this; }
    TestRecord& publisher(std::string value) { fields.publisherId = std::move(value); return *this; }
    TestRecord& updated(std::int64_t value) { fields.updated = value; return *this; }
    TestRecord& bbox(double minX, double minY, double maxX, double maxY) {
        fields.bbox = registry::record::Bbox{minX, minY, maxX, maxY};
        return *this;
    }
    TestRecord& time(std::optional<std::int64_t> start, std::optional<std::int64_t> end) {
        fields.timeStart = start;
        fields.timeEnd = end;
        return *this;
    }
    TestRecord& from(std::string value) { origin = std::move(value); return *this; }
    TestRecord& version(std::string value) { extra = std::move(value); return *this; }

    std::string json() const {
        return "{\"id\":\"" + jsonEscape(fields.id) + "\",\"type\":\"Feature\",\"properties\":{\"title\":\"" +
               jsonEscape(fields.title) + "\",\"description\":\"" + jsonEscape(fields.description) +
               "\",\"updated\":" + std::to_string(fields.updated) + "},\"extra\":\"" + jsonEscape(extra) + "\"}";
    }
    registry::store::PutRequest request() const {
        registry::store::PutRequest request;
        request.fields = fields;
        request.origin = origin;
        request.json = json();
        return request;
    }
};

inline TestRecord makeRecord(std::string id, std::string title = "Een record") {
    TestRecord record;
    record.fields.id = std::move(id);
    record.fields.type = "dataset";
    record.fields.title = std::move(title);
    record.fields.description = "Beschrijving";
    record.fields.publisherId = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";
    record.fields.publisherName = "Gemeente Amsterdam";
    record.fields.license = "CC0-1.0";
    record.fields.rights = "public";
    record.fields.updated = 1700000000;
    return record;
}

// A store for tests; `adjust` changes options before it opens (sqlSearchOnly, dictionaryAfter, …).
inline std::unique_ptr<registry::store::Store> openStoreWith(
    const std::string& path, const std::function<void(registry::store::StoreOptions&)>& adjust,
    const std::string& nodeId = kNodeId) {
    registry::store::StoreOptions options;
    options.path = path;
    options.nodeId = nodeId;
    options.cacheKiB = 4096;
    if (adjust) adjust(options);
    return std::make_unique<registry::store::Store>(options);
}

inline std::unique_ptr<registry::store::Store> openStore(const std::string& path, const std::string& nodeId = kNodeId) {
    return openStoreWith(path, nullptr, nodeId);
}

// The same file answered by the general SQL plan alone: the reference the fast paths are checked
// against (no candidate path, no facet bitmaps, no word expansion).
inline std::unique_ptr<registry::store::Store> openSqlOnly(const std::string& path) {
    return openStoreWith(path, [](registry::store::StoreOptions& options) { options.sqlSearchOnly = true; });
}

}  // namespace tweeling::test
