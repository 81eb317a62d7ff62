// May one use the data: properties.license from the resource's legal constraints (Creative Commons
// anchors of the Dutch profile -> SPDX), properties.rights from its access constraints.
#include "adapters/csw/mapper.hpp"

#include "adapters/licenses.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::csw {

using xml::Element;
namespace ns = xml::ns;

namespace {

// MD_RestrictionCode values that restrict access (otherRestrictions and licence are said in text).
constexpr const char* kRestricting[] = {
    "restricted", "confidential",        "secret", "topSecret", "sensitiveButUnclassified", "forOfficialUseOnly",
    "protected",  "limitedDistribution", "private"};

}  // namespace

void Mapper::mapLicenseAndRights() {
    std::vector<std::string> texts, hrefs, useLimitations, otherConstraints;
    bool restricted = false;
    for (const Element& property : m_ident.children(ns::kGmd, "resourceConstraints", kMaxEntries)) {
        Element constraints = property.firstChild();  // MD_Constraints, MD_LegalConstraints, MD_SecurityConstraints
        for (const Element& limitation : constraints.children(ns::kGmd, "useLimitation", kMaxEntries)) {
            std::string value = characterString(limitation);
            if (!value.empty()) useLimitations.push_back(value), texts.push_back(value);
            if (std::string href = anchorHref(limitation); !href.empty()) hrefs.push_back(href);
        }
        for (const Element& other : constraints.children(ns::kGmd, "otherConstraints", kMaxEntries)) {
            std::string value = characterString(other);
            if (!value.empty()) otherConstraints.push_back(value), texts.push_back(value);
            if (std::string href = anchorHref(other); !href.empty()) hrefs.push_back(href);
        }
        for (const Element& access : constraints.children(ns::kGmd, "accessConstraints", kMaxEntries)) {
            std::string code = codeValue(access);
            for (const char* restricting : kRestricting)
                if (code == restricting) restricted = true;
        }
    }
    keep("useLimitations", useLimitations);
    keep("otherConstraints", otherConstraints);

    std::string license;
    for (const std::string& href : hrefs)
        if (auto spdx = spdxLicense(href); spdx && license.empty()) license = *spdx;
    for (const std::string& value : texts)
        if (auto spdx = spdxLicense(value); spdx && license.empty()) license = *spdx;
    // An anchor to a licence that has no SPDX id (the Public Domain Mark): its URL.
    for (const std::string& href : hrefs)
        if (license.empty() && isHttpUrl(href) && href.size() <= 1024 &&
            (href.find("creativecommons.org") != std::string::npos || href.find("licen") != std::string::npos))
            license = href;
    if (license.empty() && !otherConstraints.empty()) license = otherConstraints.front();
    if (license.empty() && !useLimitations.empty()) license = useLimitations.front();
    if (license.size() > 1024) license.clear();
    if (!license.empty())
        m_p.AddMember("license", s(license), m_allocator);
    else
        warn("/properties/license", "The record states no licence (gmd:resourceConstraints).");
    m_p.AddMember("rights", s(restricted ? "restricted" : "public"), m_allocator);
}

}  // namespace tweeling::federation::adapters::csw
