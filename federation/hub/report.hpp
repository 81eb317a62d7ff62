#pragma once
// The report of one harvest run of one source: counts, and for every rejected or warned record its
// id and each problem with its JSON Pointer. Stored as JSON (GET /sources/{id}/reports/latest,
// `twin-federation report`).
#include "common/problem.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

struct RecordProblems {
    std::string id;
    std::string origin;
    std::string where;  // e.g. "feed seq 42" or "items page 3"
    common::Problems problems;
};

struct HarvestReport {
    std::string source;
    std::string kind;
    std::string url;
    std::string started;
    std::string finished;
    std::string status = "ok";  // ok | degraded | down
    std::string error;          // why the run failed or was partial
    bool resync = false;        // the source's epoch changed: full resync
    bool continues = false;     // stopped at the run's budget: the next round goes on (notes say where)
    int pages = 0;
    std::int64_t added = 0, updated = 0, unchanged = 0, stale = 0, deleted = 0, rejected = 0, warnings = 0;
    std::int64_t heldDeletions = 0;
    std::vector<RecordProblems> rejectedRecords;  // at most kMaxListed
    std::vector<RecordProblems> warnedRecords;    // at most kMaxListed
    std::vector<std::string> notes;

    static constexpr std::size_t kMaxListed = 1000;

    void reject(RecordProblems problems);
    void warn(RecordProblems problems);
    std::string toJson() const;
    // Human-readable summary for the command line.
    std::string toText() const;
};

}  // namespace tweeling::federation::hub
