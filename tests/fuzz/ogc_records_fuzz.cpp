// OGC API – Records (federation/adapters/ogc_records): the input is an items page or one record as
// a catalog sends it. Parsed as the crawl parses it (parseUntrusted, depth 256), read by
// readItemsPage, each feature (or, for a page it refuses, the document itself) mapped by
// mapOgcRecord, and a record the mapping kept goes through the hub's ingest path.
#include "adapters/ogc_records.hpp"
#include "fuzz_support.hpp"
#include "ingest.hpp"

using namespace tweeling;
namespace adapters = federation::adapters;

namespace {

void mapAndIngest(const common::JsonValue& foreign) {
    const adapters::MappingContext context{"fuzz-source", "https://catalog.example.org/collections/c/items"};
    adapters::MappedRecord mapped = adapters::mapOgcRecord(foreign, context, registry::record::Profile::builtin());
    if (mapped.rejections.empty()) fuzz::ingestAsHub(mapped.record, context.sourceId, &mapped.warnings);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    common::Json document;
    if (common::parseUntrusted(fuzz::text(data, size), document, 256)) return 0;
    adapters::ItemsPage page;
    if (adapters::readItemsPage(document, "https://catalog.example.org/collections/c/items?limit=10", page)) {
        mapAndIngest(document);
        return 0;
    }
    for (const common::JsonValue* feature : page.features) mapAndIngest(*feature);
    return 0;
}
