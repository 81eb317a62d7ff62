// A page of a node's change feed (GET /feed) as a hub reads it. The page reader is private to
// hub::FeedJob (readPage, readEntries, readEntry, verifyAndPrepare), so this target runs the pieces
// it is made of, with its bounds: parseUntrusted (depth 256, at most 8,000,000 values), the members
// a feed page needs (epoch, latest, entries), each entry's seq, op, id and origin, a deletion's time
// (parseRfc3339), and each put's record through checkRecordSize and the hub's ingest path
// (api::prepare). Signatures are not checked here: every entry is taken as unsigned.
#include "common/json.hpp"
#include "common/time.hpp"
#include "fuzz_support.hpp"
#include "ingest.hpp"
#include "record/size.hpp"

using namespace tweeling;
using common::JsonValue;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    common::Json page;
    if (common::parseUntrusted(fuzz::text(data, size), page, 256, common::JsonChecks::Full, 8'000'000)) return 0;
    auto epoch = common::stringMember(page, "epoch");
    const JsonValue* entries = common::member(page, "entries");
    const JsonValue* latest = common::member(page, "latest");
    if (!epoch || !entries || !entries->IsArray() || !latest || !latest->IsInt64()) return 0;
    std::string pageOrigin(common::stringMember(page, "origin").value_or(""));
    std::int64_t last = 0;
    for (rapidjson::SizeType index = 0; index < entries->Size(); ++index) {
        const JsonValue& entry = (*entries)[index];
        const JsonValue* seq = common::member(entry, "seq");
        if (!seq || !seq->IsInt64() || seq->GetInt64() <= last) return 0;
        last = seq->GetInt64();
        auto op = common::stringMember(entry, "op");
        auto id = common::stringMember(entry, "id");
        std::string origin(common::stringMember(entry, "origin").value_or(pageOrigin));
        if (!op || !id || id->empty() || origin.empty()) continue;
        if (*op == "delete") {
            std::string deletedAt(common::stringMember(entry, "updated").value_or(""));
            if (deletedAt.empty()) deletedAt = std::string(common::stringMember(entry, "at").value_or(""));
            common::parseRfc3339(deletedAt);
            continue;
        }
        const JsonValue* record = common::member(entry, "record");
        if (*op != "put" || !record || !record->IsObject()) continue;
        if (registry::record::checkRecordSize(*record)) continue;
        common::Json doc;
        doc.CopyFrom(*record, doc.GetAllocator());
        fuzz::ingestAsHub(doc, origin);
    }
    return 0;
}
