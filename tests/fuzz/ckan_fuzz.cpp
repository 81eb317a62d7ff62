// CKAN (federation/adapters/ckan): the input is a package_search page, a package_show response or
// a package. Parsed as the CKAN job parses it (parseUntrusted, depth 256), read by
// readCkanSearchPage and readCkanPackageShow; every package they yield (or the document itself
// when neither accepts it) mapped by mapCkanPackage, and a kept record goes through the hub's
// ingest path.
#include "adapters/ckan/ckan.hpp"
#include "fuzz_support.hpp"
#include "ingest.hpp"

using namespace tweeling;
namespace adapters = federation::adapters;

namespace {

void mapAndIngest(const common::JsonValue& package) {
    const adapters::MappingContext context{"fuzz-source", "https://ckan.example.org/data"};
    adapters::MappedRecord mapped = adapters::mapCkanPackage(package, context, registry::record::Profile::builtin());
    if (mapped.rejections.empty()) fuzz::ingestAsHub(mapped.record, context.sourceId, &mapped.warnings);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    common::Json document;
    if (common::parseUntrusted(fuzz::text(data, size), document, 256)) return 0;
    bool read = false;
    adapters::CkanSearchPage page;
    if (!adapters::readCkanSearchPage(document, page)) {
        read = true;
        for (const common::JsonValue* package : page.packages) mapAndIngest(*package);
    }
    const common::JsonValue* package = nullptr;
    if (!adapters::readCkanPackageShow(document, package)) {
        read = true;
        if (!package) fuzz::fail("readCkanPackageShow accepted a response without a package");
        mapAndIngest(*package);
    }
    if (!read) mapAndIngest(document);
    return 0;
}
