// A twin record as a node receives it (POST /collections/twins/items, import, a hub's harvest):
// parseUntrusted, the profile's validation, and for a valid record what the store does with it
// (normalizeForStorage, which must be idempotent, and extractIndexFields).
#include "common/json.hpp"
#include "fuzz_support.hpp"
#include "record/profile.hpp"
#include "record/record.hpp"

using namespace tweeling;
using registry::record::Profile;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    common::Json record;
    if (common::parseUntrusted(fuzz::text(data, size), record)) return 0;
    // A fixed clock (2026-01-01), so an input behaves the same on every run.
    const std::int64_t now = 1767225600;
    if (!Profile::builtin().validate(record, now).empty()) return 0;
    registry::record::normalizeForStorage(record, "https://node.example.org");
    std::string once = common::toString(record);
    registry::record::extractIndexFields(record);
    registry::record::normalizeForStorage(record, "https://node.example.org");
    if (common::toString(record) != once) fuzz::fail("normalizeForStorage is not idempotent");
    return 0;
}
