#pragma once
// What the adapter of every catalog kind returns for one foreign record, and the one rule by which
// the twin profile's problems with it become rejections or warnings.
#include <string>

#include "common/json.hpp"
#include "common/problem.hpp"
#include "record/profile.hpp"

namespace tweeling::federation::adapters {

struct MappingContext {
    std::string sourceId;    // the source's id in the hub (a fallback publisher name)
    std::string catalogUrl;  // the collection URL crawled (…/collections/{id} or …/collections/{id}/items)
};

struct MappedRecord {
    std::string id;                // the foreign record's id ("" if it has none)
    common::Json record;           // the twin-form record (as complete as the input allows)
    common::Problems warnings;     // the record is kept; each problem says what was missing or guessed
    common::Problems rejections;   // non-empty: the record is NOT usable (no id, no title, unusable geometry)
};

// Runs profile.validate() on mapped.record and adds its problems: a problem at or inside a pointer
// already rejected is not repeated; problems registry::record::isEssentialProblem names are
// rejections; a problem at or inside a pointer already warned about is not repeated; everything else
// is a warning (pointer kept).
void addProfileProblems(MappedRecord& mapped, const registry::record::Profile& profile);

}  // namespace tweeling::federation::adapters
