#include "adapters/licenses.hpp"

#include <algorithm>
#include <cctype>

#include "adapters/text.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters {

namespace {

// Licence ids (CKAN's own and data.overheid.nl's, lower case) and the EU Publications Office's
// licence authority table (its IRIs' last segment, lower case) -> SPDX.
struct LicenseId {
    const char* id;
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
    // http://publications.europa.eu/resource/authority/licence/…
    {"cc_by_4_0", "CC-BY-4.0"},
    {"cc_bysa_4_0", "CC-BY-SA-4.0"},
    {"cc_by_sa_4_0", "CC-BY-SA-4.0"},
    {"cc_bync_4_0", "CC-BY-NC-4.0"},
    {"cc_bynd_4_0", "CC-BY-ND-4.0"},
    {"cc_byncsa_4_0", "CC-BY-NC-SA-4.0"},
    {"cc_byncnd_4_0", "CC-BY-NC-ND-4.0"},
    {"cc_by_3_0", "CC-BY-3.0"},
    {"cc_pddm_1_0", "CC-PDDC"},
    {"odc_odbl", "ODbL-1.0"},
    {"odc_by", "ODC-By-1.0"},
    {"odc_pddl", "PDDL-1.0"},
    {"ogl_uk_3_0", "OGL-UK-3.0"},
    {"eupl_1_2", "EUPL-1.2"},
    {"dl_de_by_2_0", "DL-DE-BY-2.0"},
    {"dl_de_zero_2_0", "DL-DE-ZERO-2.0"},
    {"etalab_2_0", "etalab-2.0"},
};

constexpr std::string_view kEuLicences = "publications.europa.eu/resource/authority/licence/";

}  // namespace

std::optional<std::string> spdxLicense(std::string_view raw) {
    // SPDX's own licence IRIs (a Tweeling node's DCAT-AP output): http://spdx.org/licenses/CC-BY-4.0
    const std::string given = common::trim(raw);
    for (std::string_view spdx : {"http://spdx.org/licenses/", "https://spdx.org/licenses/"})
        if (startsWith(given, spdx)) {
            std::string id = given.substr(spdx.size());
            for (std::string_view suffix : {".html", ".json"})
                if (endsWith(id, suffix)) id.resize(id.size() - suffix.size());
            bool plain = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '+';
            });
            if (plain) return id;
        }
    std::string key = common::toLowerAscii(given);
    // Licences given as URLs: http://creativecommons.org/publicdomain/zero/1.0/deed.nl
    if (key.find("creativecommons.org/publicdomain/zero/1.0") != std::string::npos) return "CC0-1.0";
    if (key.find("creativecommons.org/licenses/by/4.0") != std::string::npos) return "CC-BY-4.0";
    if (key.find("creativecommons.org/licenses/by-sa/4.0") != std::string::npos) return "CC-BY-SA-4.0";
    if (key.find("creativecommons.org/licenses/by-nc/4.0") != std::string::npos) return "CC-BY-NC-4.0";
    if (key.find("creativecommons.org/licenses/by-nd/4.0") != std::string::npos) return "CC-BY-ND-4.0";
    if (std::size_t at = key.find(kEuLicences); at != std::string::npos) {
        key = key.substr(at + kEuLicences.size());
        while (!key.empty() && key.back() == '/') key.pop_back();
    }
    for (const LicenseId& license : kLicenses)
        if (key == license.id) return std::string(license.spdx);
    return std::nullopt;
}

bool isOpenLicense(std::string_view license) {
    std::string l = common::toLowerAscii(license);
    for (const char* open : {"cc0", "cc-by", "creativecommons.org/licenses/", "creativecommons.org/publicdomain",
                             "odbl", "odc-by", "pddl", "opendatacommons.org", "open government licen", "public domain",
                             "publicdomain", "publiek domein", "dl-de/by", "dl-de/zero", "etalab", "cc-pddc", "eupl"})
        if (l.find(open) != std::string::npos) return true;
    if (spdxLicense(license)) return true;
    const std::string words = wordsOf(license);
    for (const char* id : {" cc by ", " ogl ", " mit ", " apache 2 0 "})
        if (words.find(id) != std::string::npos) return true;
    return false;
}

std::string rightsOfAccessLevel(std::string_view raw) {
    std::string key = typeKey(raw);  // last URI segment, alphanumerics, lower-case
    if (key == "public" || key == "openbaar" || key == "open" || key == "nolimitations" || key == "geenbeperkingen")
        return "public";
    if (key == "restricted" || key == "beperkt" || key == "beperktopenbaar" || key == "restrictedaccess" ||
        key.rfind("inspiredirectivearticle13", 0) == 0)
        return "restricted";
    if (key == "nonpublic" || key == "nietopenbaar" || key == "confidential" || key == "vertrouwelijk" ||
        key == "private")
        return "non-public";
    return {};
}

}  // namespace tweeling::federation::adapters
