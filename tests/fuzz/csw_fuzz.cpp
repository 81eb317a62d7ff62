// CSW 2.0.2 with ISO 19139 (federation/adapters/csw): the input is a catalog's answer, parsed as the
// CSW job parses it (xml::Document::parse: no network, no entities, no DOCTYPE), then read as a
// GetRecords response and as a GetRecordById response (and checked for an ows:ExceptionReport);
// every ISO record they yield (or the root itself when neither accepts it) mapped by mapIsoRecord,
// and a kept record goes through the hub's ingest path.
#include "adapters/csw/csw.hpp"
#include "adapters/xml.hpp"
#include "fuzz_support.hpp"
#include "ingest.hpp"

using namespace tweeling;
namespace adapters = federation::adapters;
namespace xml = federation::adapters::xml;

namespace {

void mapAndIngest(const xml::Element& metadata) {
    const adapters::MappingContext context{"fuzz-source", "https://csw.example.org/geonetwork/srv/dut/csw"};
    adapters::MappedRecord mapped = adapters::mapIsoRecord(metadata, context, registry::record::Profile::builtin());
    if (mapped.rejections.empty()) fuzz::ingestAsHub(mapped.record, context.sourceId, &mapped.warnings);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string error;
    xml::Document document = xml::Document::parse(fuzz::text(data, size), error, 1u << 20);
    if (!document) {
        if (error.empty()) fuzz::fail("xml::Document::parse refused a document without saying why");
        return 0;
    }
    const xml::Element root = document.root();
    (void)adapters::cswException(root);
    bool read = false;
    adapters::CswSearchPage page;
    if (!adapters::readCswGetRecordsResponse(root, page)) {
        read = true;
        if (page.records.size() > static_cast<std::size_t>(size)) fuzz::fail("more records than input bytes");
        for (const xml::Element& record : page.records) mapAndIngest(record);
    }
    xml::Element record;
    if (!adapters::readCswGetRecordByIdResponse(root, record)) {
        read = true;
        if (!record) fuzz::fail("readCswGetRecordByIdResponse accepted a response without a record");
        mapAndIngest(record);
    }
    if (!read) mapAndIngest(root);
    return 0;
}
