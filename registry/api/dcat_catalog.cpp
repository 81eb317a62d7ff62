// The catalog as a graph: the dcat:Catalog with its publisher and theme taxonomy, and a page of its
// datasets, data services and catalog records with hydra paging.
#include "api/dcat_internal.hpp"
#include "record/identifiers.hpp"

namespace tweeling::registry::api::dcat {

namespace detail {

namespace {

NodePtr catalogNode(const CatalogInfo& info) {
    auto catalog = node(info.iri, {kDcat + "Catalog"});
    add(*catalog, kDct + "title", literal(info.title));
    add(*catalog, kDct + "description", literal(info.description));
    auto publisher = agent(info.publisherIri, info.publisherName);
    add(*catalog, kDct + "publisher", ref(publisher));
    add(*catalog, kDct + "creator", ref(publisher));
    // DCAT-AP-NL: exactly one contact point. The node configures none, so it is the publisher at the
    // catalogue's home page (noted).
    add(*catalog, kDcat + "contactPoint", ref(catalogContact(info)));
    noteDefault(*catalog, "dcat:contactPoint defaulted to the catalogue's publisher and home page because no "
                          "contact is configured for the catalogue");
    if (!info.nodeId.empty()) add(*catalog, kDct + "identifier", literal(info.nodeId));
    if (!info.homepage.empty()) add(*catalog, kFoaf + "homepage", document(info.homepage));
    auto scheme = node(kTwinThemeScheme, {kSkos + "ConceptScheme"});
    add(*scheme, kDct + "title", literal("Tweeling twin themes", "", "en"));
    add(*catalog, kDcat + "themeTaxonomy", ref(scheme));
    return catalog;
}

}  // namespace

}  // namespace detail

using namespace detail;


std::pair<std::string, std::string> defaultPublisher(const std::string& nodeId, const std::string& name,
                                                     const std::string& base) {
    // A node named by its CBS code ("gm0363") publishes as that public body.
    if (auto unit = record::parseAdminUnit(nodeId)) return {record::tooiUri(*unit), name};
    return {base + "/#publisher", name};
}

std::string catalog(Format format, const CatalogInfo& catalogInfo, const std::vector<Entry>& entries,
                    const Paging& paging) {
    // When the catalog's publisher also publishes records, use the name those records give it.
    CatalogInfo info = catalogInfo;
    for (const auto& entry : entries) {
        const JsonValue* publisher = entry.record ? obj(obj(entry.record, "properties"), "publisher") : nullptr;
        if (str(publisher, "id") == std::optional<std::string>(info.publisherIri))
            if (auto name = str(publisher, "name")) {
                info.publisherName = *name;
                break;
            }
    }
    Graph graph;
    auto catalogSubject = catalogNode(info);
    graph.subjects.push_back(catalogSubject);
    for (const auto& entry : entries) {
        if (!entry.record || !entry.record->IsObject()) continue;
        RecordView view(*entry.record);
        auto resource = resourceNode(view, entry.itemUrl, info);
        add(*catalogSubject, isServiceRecord(view) ? kDcat + "service" : kDcat + "dataset", ref(resource));
        add(*catalogSubject, kDcat + "record", ref(catalogRecordNode(view, entry.itemUrl, resource, info)));
    }
    if (!paging.self.empty()) {
        auto page = node(paging.self, {kHydra + "PartialCollectionView"});
        add(*page, kHydra + "totalItems", literal(std::to_string(paging.total), kXsd + "integer"));
        add(*page, kHydra + "itemsPerPage", literal(std::to_string(paging.limit), kXsd + "integer"));
        if (!paging.first.empty()) add(*page, kHydra + "first", iri(paging.first));
        if (!paging.next.empty()) add(*page, kHydra + "next", iri(paging.next));
        if (!paging.previous.empty()) add(*page, kHydra + "previous", iri(paging.previous));
        add(*catalogSubject, kHydra + "view", ref(page));
    }
    return serialise(format, graph);
}

}  // namespace tweeling::registry::api::dcat
