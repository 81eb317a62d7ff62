// The CSW 2.0.2 responses a hub reads: GetRecords (csw:SearchResults with its counts and the ISO
// records), GetRecordById, and the ows:ExceptionReport a catalog answers with instead.
#include <cerrno>
#include <cstdlib>

#include "adapters/csw/csw.hpp"
#include "adapters/csw/mapper.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters {

using xml::Element;
namespace ns = xml::ns;

namespace {

bool isIsoRecord(const Element& element) {
    return element.is(ns::kGmd, "MD_Metadata") || element.is(ns::kGmi, "MI_Metadata");
}

// A non-negative integer attribute of at most 18 digits.
std::optional<long long> count(const Element& element, const char* name) {
    auto raw = element.attribute("", name);
    if (!raw) return std::nullopt;
    std::string value = common::trim(*raw);
    if (value.empty() || value.size() > 18) return std::nullopt;
    for (char c : value)
        if (c < '0' || c > '9') return std::nullopt;
    return std::stoll(value);
}

}  // namespace

std::optional<std::string> cswException(const Element& root) {
    if (!root.is(ns::kOws, "ExceptionReport") && !root.is(ns::kOws11, "ExceptionReport")) return std::nullopt;
    std::string space(root.namespaceUri());
    std::string why = "the catalog answered with an ows:ExceptionReport";
    for (const Element& exception : root.children(space, "Exception", 5)) {
        std::string code = exception.attribute("", "exceptionCode").value_or("");
        std::string locator = exception.attribute("", "locator").value_or("");
        std::string text = exception.child(space, "ExceptionText").text(1024);
        why += ": " + common::truncateUtf8(code, 100);
        if (!locator.empty()) why += " (" + common::truncateUtf8(locator, 100) + ")";
        if (!text.empty()) why += " " + common::truncateUtf8(text, 300);
    }
    return why;
}

std::optional<std::string> readCswGetRecordsResponse(const Element& root, CswSearchPage& out) {
    out = CswSearchPage{};
    if (auto exception = cswException(root)) return exception;
    if (!root.is(ns::kCsw, "GetRecordsResponse"))
        return "the response is not a CSW 2.0.2 csw:GetRecordsResponse (its root is " + std::string(root.localName()) +
               " in namespace '" + common::truncateUtf8(root.namespaceUri(), 200) + "')";
    Element results = root.child(ns::kCsw, "SearchResults");
    if (!results) return std::string("the GetRecordsResponse has no csw:SearchResults");
    auto matched = count(results, "numberOfRecordsMatched");
    auto returned = count(results, "numberOfRecordsReturned");
    if (!matched || !returned)
        return std::string(
            "the csw:SearchResults have no non-negative integer numberOfRecordsMatched and "
            "numberOfRecordsReturned");
    // nextRecord is optional in CSW 2.0.2: without it, no more pages are announced.
    auto next = count(results, "nextRecord");
    if (results.attribute("", "nextRecord") && !next)
        return std::string("the csw:SearchResults' nextRecord is not a non-negative integer");
    out.matched = *matched;
    out.returned = *returned;
    out.next = next.value_or(0);
    std::size_t others = 0;
    for (const Element& record : results.children()) {
        if (isIsoRecord(record))
            out.records.push_back(record);
        else
            ++others;
    }
    if (out.records.empty() && others > 0)
        return "the catalog returned its records in another schema (" + std::string(results.firstChild().localName()) +
               "), not ISO 19139 gmd:MD_Metadata: does it support outputSchema http://www.isotc211.org/2005/gmd?";
    return std::nullopt;
}

std::optional<std::string> readCswGetRecordByIdResponse(const Element& root, Element& record) {
    record = Element();
    if (auto exception = cswException(root)) return exception;
    if (isIsoRecord(root)) {
        record = root;
        return std::nullopt;
    }
    if (!root.is(ns::kCsw, "GetRecordByIdResponse"))
        return "the response is not a csw:GetRecordByIdResponse (its root is " + std::string(root.localName()) + ")";
    for (const Element& child : root.children())
        if (isIsoRecord(child)) {
            record = child;
            return std::nullopt;
        }
    return std::string("the GetRecordByIdResponse holds no ISO 19139 record (unknown id?)");
}

}  // namespace tweeling::federation::adapters
