// A page of a DCAT catalog: its graph, the resources to map, and Hydra's next page.
#include <algorithm>
#include <new>
#include <set>

#include "adapters/dcat/dcat.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters {

using rdf::TermId;
namespace ns = rdf::ns;

std::optional<std::string> readDcatPage(std::string_view body, std::string_view contentType, const std::string& pageUrl,
                                        DcatPage& out, rdf::RdfLimits limits) {
    out = DcatPage{};
    out.syntax = rdf::syntaxOf(contentType, body);
    out.graph = std::make_unique<rdf::Graph>(limits);
    rdf::Graph& graph = *out.graph;
    try {
        rdf::readRdf(out.syntax, body, pageUrl, graph);
    } catch (const rdf::RdfError& error) {
        return std::string("not readable as ") + rdf::syntaxName(out.syntax) + ": " + error.what();
    } catch (const std::bad_alloc&) {
        return std::string("not readable as ") + rdf::syntaxName(out.syntax) + ": out of memory";
    }

    // A blank-node service that is a distribution's dcat:accessService belongs to that distribution
    // (GeoDCAT-AP writes them so); only services that stand on their own become records.
    std::set<TermId> partOfDistribution;
    if (auto accessService = graph.findIri(rdf::vocabIri(ns::dcat, "accessService")))
        for (const rdf::Triple& triple : graph.triples())
            if (triple.predicate == *accessService && graph.term(triple.object).kind == rdf::TermKind::Blank)
                partOfDistribution.insert(triple.object);
    out.resources = graph.subjectsOfType(rdf::vocabIri(ns::dcat, "Dataset"));
    for (TermId service : graph.subjectsOfType(rdf::vocabIri(ns::dcat, "DataService")))
        if (!partOfDistribution.count(service) &&
            std::find(out.resources.begin(), out.resources.end(), service) == out.resources.end())
            out.resources.push_back(service);

    // Hydra: a hydra:PartialCollectionView's hydra:next, or the older hydra:PagedCollection's
    // hydra:nextPage.
    for (const char* type : {"PartialCollectionView", "PagedCollection"})
        if (!graph.subjectsOfType(rdf::vocabIri(ns::hydra, type)).empty()) out.paged = true;
    for (const char* property : {"next", "nextPage"}) {
        auto predicate = graph.findIri(rdf::vocabIri(ns::hydra, property));
        if (!predicate) continue;
        for (const rdf::Triple& triple : graph.triples()) {
            if (triple.predicate != *predicate) continue;
            const rdf::Term& next = graph.term(triple.object);
            if (next.kind == rdf::TermKind::Blank) continue;
            out.paged = true;
            std::string url = resolveUrl(pageUrl, common::trim(next.value));
            if (isHttpUrl(url)) {
                out.next = url;
                break;
            }
        }
        if (!out.next.empty()) break;
    }
    return std::nullopt;
}

}  // namespace tweeling::federation::adapters
