// DCAT-AP (federation/adapters/dcat): the input is a catalog page, read by readDcatPage as the DCAT
// job reads it: the reader (serd for Turtle and N-Triples, the bounded JSON-LD reader) chosen by
// sniffing the first characters, as for a page served without a usable Content-Type, within the
// default limits. Every dataset and data service of the page is mapped by mapDcatResource, and a
// kept record goes through the hub's ingest path.
#include "adapters/dcat/dcat.hpp"
#include "fuzz_support.hpp"
#include "ingest.hpp"

#include <string>

using namespace tweeling;
namespace adapters = federation::adapters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string pageUrl = "https://data.example.org/catalog?page=1";
    adapters::DcatPage page;
    if (adapters::readDcatPage(fuzz::text(data, size), "", pageUrl, page)) return 0;
    if (!page.graph) fuzz::fail("readDcatPage accepted a page without a graph");
    const adapters::MappingContext context{"fuzz-source", "https://data.example.org/catalog"};
    for (adapters::rdf::TermId node : page.resources) {
        adapters::MappedRecord mapped = adapters::mapDcatResource(adapters::DcatResource{*page.graph, node, pageUrl},
                                                                  context, registry::record::Profile::builtin());
        if (mapped.rejections.empty()) fuzz::ingestAsHub(mapped.record, context.sourceId, &mapped.warnings);
    }
    return 0;
}
