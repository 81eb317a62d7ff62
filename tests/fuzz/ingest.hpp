#pragma once
// The one ingest path (api::prepare) as a hub runs it on what it harvested (hub::Job::prepare, less
// the hub's own provenance members): the origin is the source, content hashed as a hub hashes it,
// kept with warnings when an adapter judged them or a hub upstream kept it so.
#include "adapters/content_hash.hpp"
#include "api/ingest.hpp"
#include "common/json.hpp"
#include "record/profile.hpp"

namespace tweeling::fuzz {

inline void ingestAsHub(common::Json& record, const std::string& origin,
                        const common::Problems* judgedWarnings = nullptr) {
    registry::api::IngestPolicy policy;
    policy.origin = origin;
    policy.source = "fuzz-source";
    if (const common::JsonValue* validation = common::member(record, "validation")) {
        const std::string_view status = common::stringMember(*validation, "status").value_or("");
        policy.keepWithWarnings = status == "warn" || status == "fail";
    }
    policy.judgedWarnings = judgedWarnings;
    policy.contentHash = &federation::adapters::contentHash;
    registry::api::prepare(record, registry::record::Profile::builtin(), policy);
}

}  // namespace tweeling::fuzz
