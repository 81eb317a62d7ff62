// May one use the data: properties.license (SPDX where CKAN's licence id is recognisable) and
// properties.rights (CKAN's `private`).
#include "adapters/ckan/mapper.hpp"

#include "adapters/json_members.hpp"
#include "adapters/licenses.hpp"
#include "adapters/url.hpp"

namespace tweeling::federation::adapters::ckan {

using common::JsonValue;

void Mapper::mapLicenseAndRights() {
    auto id = nonEmptyMember(m_in, "license_id");
    auto url = nonEmptyMember(m_in, "license_url");
    auto title = nonEmptyMember(m_in, "license_title");
    // A plain string ("" for none): GCC 12 takes an optional<string> assigned along these branches
    // for possibly uninitialised (-Wmaybe-uninitialized).
    std::string license;
    if (id) license = spdxLicenseOf(*id).value_or("");
    if (license.empty() && url) license = spdxLicenseOf(*url).value_or("");
    if (license.empty() && url && isHttpUrl(*url)) license = *url;
    if (license.empty() && title) license = *title;
    if (license.empty() && id) license = *id;
    if (license.size() > 1024) license.clear();
    if (!license.empty())
        m_p.AddMember("license", s(license), m_allocator);
    else
        warn("/properties/license", "The package states no licence.");

    const JsonValue* hidden = member(m_in, "private");
    bool isPrivate = hidden && hidden->IsBool() && hidden->GetBool();
    m_p.AddMember("rights", s(isPrivate ? "non-public" : "public"), m_allocator);
}

}  // namespace tweeling::federation::adapters::ckan
