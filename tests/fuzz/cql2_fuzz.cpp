// CQL2 text (filter=): store::cql2::parse, as CRS84 and as another CRS (filter-crs). A bad filter
// must be a FilterError whose offset lies within the text.
#include "fuzz_support.hpp"
#include "store/cql2.hpp"

using namespace tweeling;
namespace cql2 = registry::store::cql2;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = fuzz::text(data, size);
    for (bool crs84 : {true, false}) {
        try {
            cql2::parse(text, crs84);
        } catch (const cql2::FilterError& error) {
            // The offset counts characters, so it is at most the byte length.
            if (error.offset() > text.size()) fuzz::fail("FilterError offset beyond the end of the filter");
        }
    }
    return 0;
}
