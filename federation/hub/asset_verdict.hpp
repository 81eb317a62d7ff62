#pragma once
// One record's verdict: its distributions probed, the record's claims checked against them, and the
// `validation` member of the hub's copy of the record made from the checks (asset_probes.hpp).
#include "hub/asset_probes.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tweeling::federation::hub {

struct RecordVerdict {
    std::string key, hash, source;
    std::string status;  // "pass" | "warn" | "fail": the worst of its checks
    // The record's JSON with its new validation member; empty when the member would not change
    // (only its checkedAt would), so a re-check that finds the same does not rewrite the record.
    std::string json;
    std::map<std::string, std::pair<std::string, std::string>> worst;  // check id -> (status, message)
    std::vector<ProbedTileset> tilesets;  // 3D Tiles distributions that passed
};

// The id of the checks a hub's profile validation contributes (a kept record's warnings).
inline constexpr const char* kProfileCheck = "profile";

RecordVerdict judgeRecord(const registry::store::StoredRecord& record, const probe::Fetch& fetch,
                          const ProberOptions& options);

}  // namespace tweeling::federation::hub
