#pragma once
// The twin record model: what the store and the search engine need from a validated record, and
// the normalised form a node stores and serves. See docs/ARCHITECTURE.md, "A record's path".
#include "common/json.hpp"
#include "record/geometry.hpp"
#include "record/vocabulary.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::registry::record {

// Everything search, facets and the feed need, pulled out of a record once at write time.
struct IndexedRecord {
    std::string id;           // the origin's own id (top-level "id")
    std::string type;         // properties.type
    std::string title;        // properties.title
    std::string description;  // properties.description
    std::vector<std::string> keywords;    // properties.keywords
    std::vector<std::string> themes;      // twin theme concept ids ("buildings", ...), deduplicated
    std::vector<std::string> formats;     // distribution formats ("3dtiles", ...), deduplicated
    std::vector<std::string> adminUnits;  // "GM0363", "PV27", ...
    std::string publisherId;              // properties.publisher.id (TOOI URI)
    std::string publisherName;
    std::string license;
    std::string rights;
    std::optional<Bbox> bbox;             // envelope of geometry; nullopt when geometry is null
    // Temporal extent from time.interval / time.date / time.timestamp, as seconds since the epoch;
    // open ends use common::kOpenStart / kOpenEnd. nullopt when the record has no time.
    std::optional<std::int64_t> timeStart;
    std::optional<std::int64_t> timeEnd;
    std::int64_t updated = 0;  // properties.updated, seconds since the epoch
    // A hub's verdict on the record (its `validation.status`: "pass", "warn" or "fail"); "" when it
    // has none. Never read from the record by extractIndexFields: only a hub sets it, on its copy.
    std::string validation;
};

// Extracts the index fields of a record that passed Profile::validate. Never throws on a valid
// record; tolerates missing optional members.
IndexedRecord extractIndexFields(const common::JsonValue& record);

// Turns a validated record into the form the node stores and serves, in place:
//  - removes members only the system sets (top-level "origin", "seq", "signature", "harvest",
//    "validation"; and properties.formats, which is derived),
//  - removes navigation links the server adds per response (rel self, alternate, collection, root,
//    next, prev) and links derived from distributions (they are re-derived),
//  - sets properties.formats = [{name, mediaType}] derived from distributions (deduplicated),
//  - appends one link per distribution: rel "service" for a service format (Format::service in
//    vocabulary.hpp: wms, wmts, ogcapi-features, i3s, quantized-mesh), "enclosure" for a file, with
//    href, type (mediaType) and title ("<format> <formatVersion>"),
//  - sets top-level "origin" to `origin`.
// Idempotent: normalising a served record again yields the same JSON.
void normalizeForStorage(common::Json& record, const std::string& origin);

}  // namespace tweeling::registry::record
