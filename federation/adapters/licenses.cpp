#include "adapters/licenses.hpp"

#include "common/text.hpp"

namespace tweeling::federation::adapters {

namespace {

// CKAN's own licence ids and data.overheid.nl's -> SPDX.
struct LicenseId {
    const char* id;  // lower case
    const char* spdx;
};
constexpr LicenseId kLicenses[] = {
    {"cc-by", "CC-BY-4.0"},
    {"cc-by-4.0", "CC-BY-4.0"},
    {"cc-by-40", "CC-BY-4.0"},
    {"cc-by-sa", "CC-BY-SA-4.0"},
    {"cc-by-sa-4.0", "CC-BY-SA-4.0"},
    {"cc-zero", "CC0-1.0"},
    {"cc0", "CC0-1.0"},
    {"cc0-1.0", "CC0-1.0"},
    {"cc-0", "CC0-1.0"},
    {"publiek-domein", "CC0-1.0"},
    {"cc-nc", "CC-BY-NC-4.0"},
    {"odc-odbl", "ODbL-1.0"},
    {"odc-by", "ODC-By-1.0"},
    {"odc-pddl", "PDDL-1.0"},
    {"gfdl", "GFDL-1.3-or-later"},
    {"uk-ogl", "OGL-UK-3.0"},
};

// Creative Commons URIs (http or https, any language's deed) -> SPDX.
struct LicenseUri {
    const char* part;  // lower case, found anywhere in the URI
    const char* spdx;
};
constexpr LicenseUri kLicenseUris[] = {
    {"creativecommons.org/publicdomain/zero/1.0", "CC0-1.0"},
    {"creativecommons.org/licenses/by/4.0", "CC-BY-4.0"},
    {"creativecommons.org/licenses/by-sa/4.0", "CC-BY-SA-4.0"},
    {"creativecommons.org/licenses/by-nc/4.0", "CC-BY-NC-4.0"},
    {"creativecommons.org/licenses/by-nd/4.0", "CC-BY-ND-4.0"},
};

}  // namespace

std::optional<std::string> spdxLicenseOf(std::string_view raw) {
    std::string key = common::toLowerAscii(common::trim(raw));
    for (const LicenseUri& uri : kLicenseUris)
        if (key.find(uri.part) != std::string::npos) return std::string(uri.spdx);
    for (const LicenseId& license : kLicenses)
        if (key == license.id) return std::string(license.spdx);
    return std::nullopt;
}

}  // namespace tweeling::federation::adapters
