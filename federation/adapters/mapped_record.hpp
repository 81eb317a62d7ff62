#pragma once
// What the adapter of every catalog kind returns for one foreign record, and the one rule by which
// the twin profile's problems with it become rejections or warnings.
#include <stdexcept>
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

// Whether a foreign record has the shape of one (a JSON object); a kind whose records are not JSON
// overloads it for its own type (DCAT's RDF resources), or leaves it to this default and refuses a
// misshapen record whole with a rejection at "" (CSW's XML elements).
template <typename Foreign>
bool isRecordShaped(const Foreign&) {
    return true;
}
inline bool isRecordShaped(const common::JsonValue& foreign) { return foreign.IsObject(); }

// An adapter's entry point: its Mapper (constructed from the foreign record, the context and the
// result, then run()) maps the record (a JSON value, an XML element, an RDF resource); a record of
// the shape of one (isRecordShaped) that the mapper did not refuse whole (a rejection at "", such as
// "not a JSON object") then gets the profile's problems (addProfileProblems). Never throws: only
// allocation failure can get past a mapper, and it becomes a rejection naming `what` ("record",
// "package") rather than taking the harvest down.
template <typename Mapper, typename Foreign = common::JsonValue>
MappedRecord mapWith(const Foreign& foreign, const MappingContext& context,
                     const registry::record::Profile& profile, const char* what) {
    MappedRecord out;
    try {
        Mapper mapper(foreign, context, out);
        mapper.run();
        if (!isRecordShaped(foreign)) return out;
        for (const common::Problem& rejection : out.rejections)
            if (rejection.pointer.empty()) return out;
        addProfileProblems(out, profile);
    } catch (const std::exception& error) {
        out.rejections.push_back({"", std::string("The ") + what + " could not be mapped: " + error.what()});
    }
    return out;
}

}  // namespace tweeling::federation::adapters
