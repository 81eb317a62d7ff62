// May one use the data: properties.license (SPDX where CKAN's licence id is recognisable) and
// properties.rights (CKAN's `private`).
#include "adapters/ckan/mapper.hpp"

#include "adapters/json_members.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::ckan {

using common::JsonValue;

namespace {

// CKAN's own licence ids and data.overheid.nl's -> SPDX.
struct LicenseId {
    const char* ckan;  // lower case
    const char* spdx;
};
constexpr LicenseId kLicenses[] = {
    {"cc-by", "CC-BY-4.0"},         {"cc-by-4.0", "CC-BY-4.0"},       {"cc-by-40", "CC-BY-4.0"},
    {"cc-by-sa", "CC-BY-SA-4.0"},   {"cc-by-sa-4.0", "CC-BY-SA-4.0"}, {"cc-zero", "CC0-1.0"},
    {"cc0", "CC0-1.0"},             {"cc0-1.0", "CC0-1.0"},           {"cc-0", "CC0-1.0"},
    {"publiek-domein", "CC0-1.0"},  {"cc-nc", "CC-BY-NC-4.0"},        {"odc-odbl", "ODbL-1.0"},
    {"odc-by", "ODC-By-1.0"},       {"odc-pddl", "PDDL-1.0"},         {"gfdl", "GFDL-1.3-or-later"},
    {"uk-ogl", "OGL-UK-3.0"},
};

std::optional<std::string> spdxOf(std::string_view raw) {
    std::string key = common::toLowerAscii(common::trim(raw));
    // data.overheid.nl gives licences as URIs: http://creativecommons.org/publicdomain/zero/1.0/deed.nl
    if (key.find("creativecommons.org/publicdomain/zero/1.0") != std::string::npos) return "CC0-1.0";
    if (key.find("creativecommons.org/licenses/by/4.0") != std::string::npos) return "CC-BY-4.0";
    if (key.find("creativecommons.org/licenses/by-sa/4.0") != std::string::npos) return "CC-BY-SA-4.0";
    for (const LicenseId& license : kLicenses)
        if (key == license.ckan) return std::string(license.spdx);
    return std::nullopt;
}

}  // namespace

void Mapper::mapLicenseAndRights() {
    auto id = nonEmptyMember(m_in, "license_id");
    auto url = nonEmptyMember(m_in, "license_url");
    auto title = nonEmptyMember(m_in, "license_title");
    // A plain string ("" for none): GCC 12 takes an optional<string> assigned along these branches
    // for possibly uninitialised (-Wmaybe-uninitialized).
    std::string license;
    if (id) license = spdxOf(*id).value_or("");
    if (license.empty() && url) license = spdxOf(*url).value_or("");
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
