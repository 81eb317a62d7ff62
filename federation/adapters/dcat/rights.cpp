// May one use the data: properties.license (dct:license, as SPDX where the licence table all
// adapters share knows it: adapters/licenses.hpp) and properties.rights (dct:accessRights).
#include "adapters/dcat/mapper.hpp"

#include "adapters/licenses.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"

namespace tweeling::federation::adapters::dcat {

void Mapper::mapLicenseAndRights() {
    // DCAT-AP puts the licence on distributions; a dataset-level one (DCAT-AP-NL, GeoDCAT-AP) first.
    std::vector<TermId> licences = objects(m_node, ns::dct, "license");
    for (TermId distribution : objects(m_node, ns::dcat, "distribution"))
        for (TermId licence : objects(distribution, ns::dct, "license")) licences.push_back(licence);
    std::string license, fallback;
    for (TermId id : licences) {
        std::string iri = iriOf(id);
        if (auto spdx = spdxLicense(iri)) {
            license = *spdx;
            break;
        }
        // A catalog's own licence document that says which known licence it is.
        for (TermId match : objects(id, ns::skos, "exactMatch"))
            if (auto spdx = spdxLicense(iriOf(match))) license = *spdx;
        if (!license.empty()) break;
        if (fallback.empty()) {
            if (!iri.empty() && isUri(iri) && iri.size() <= 1024) {
                fallback = iri;
            } else if (auto label = text(id, ns::rdfs, "label"); label && label->size() <= 1024) {
                fallback = *label;
            } else if (auto title = text(id, ns::dct, "title"); title && title->size() <= 1024) {
                fallback = *title;
            } else if (term(id).kind == rdf::TermKind::Literal && term(id).value.size() <= 1024) {
                fallback = term(id).value;
            }
        }
    }
    if (license.empty()) license = fallback;
    m_license = license;
    if (!license.empty())
        m_p.AddMember("license", s(license), m_allocator);
    else
        warn("/properties/license", "The resource states no dct:license (nor do its distributions).");

    std::string rights, accessRights;
    for (TermId id : objects(m_node, ns::dct, "accessRights")) {
        accessRights = valueOf(id);
        if (accessRights.empty())
            if (auto label = text(id, ns::rdfs, "label")) accessRights = *label;
        rights = rightsOfAccessLevel(accessRights);
        if (!rights.empty()) break;
    }
    if (accessRights.size() <= 4096) keep("accessRights", accessRights);
    if (rights.empty()) {
        if (!license.empty() && isOpenLicense(license)) {
            rights = "public";
            warn("/properties/rights",
                 "The resource has no dct:accessRights that says who may access the data; it "
                 "is taken to be public because its licence is open.");
        } else {
            warn("/properties/rights",
                 "The resource has no dct:accessRights that says who may access the data "
                 "(public, restricted or non-public).");
            return;
        }
    }
    m_p.AddMember("rights", s(rights), m_allocator);
}

}  // namespace tweeling::federation::adapters::dcat
