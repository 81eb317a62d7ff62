// May one use the data: properties.license and properties.rights.
#include "adapters/ogc_records/mapper.hpp"
#include "common/text.hpp"

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"

namespace tweeling::federation::adapters::ogc_records {

using common::Json;
using common::JsonValue;

namespace {

// Open: anyone may get the data (CC licences including NC/ND, open data licences, public domain).
bool openLicense(std::string_view license) {
    std::string l = common::toLowerAscii(license);
    for (const char* open : {"cc0", "cc-by", "creativecommons.org/licenses/", "creativecommons.org/publicdomain",
                             "odbl", "odc-by", "pddl", "opendatacommons.org", "open government licen",
                             "public domain", "publicdomain", "publiek domein", "dl-de/by", "dl-de/zero",
                             "etalab"})
        if (l.find(open) != std::string::npos) return true;
    const std::string words = wordsOf(license);
    for (const char* id : {" cc by ", " ogl ", " mit ", " apache 2 0 "})
        if (words.find(id) != std::string::npos) return true;
    return false;
}

std::string rightsValue(std::string_view raw) {
    std::string key = typeKey(raw);  // last URI segment, alphanumerics, lower-case
    if (key == "public" || key == "openbaar" || key == "open" || key == "nolimitations" ||
        key == "geenbeperkingen")
        return "public";
    if (key == "restricted" || key == "beperkt" || key == "beperktopenbaar" || key == "restrictedaccess")
        return "restricted";
    if (key == "nonpublic" || key == "nietopenbaar" || key == "confidential" || key == "vertrouwelijk" ||
        key == "private")
        return "non-public";
    return {};
}

}  // namespace

void Mapper::mapLicenseAndRights() {
    std::optional<std::string> license = nonEmptyMember(*m_props, "license");
    std::string linkLicense;
    if (const JsonValue* links = arrayMember(m_in, "links"))
        for (rapidjson::SizeType i = 0; i < links->Size() && i < kMaxEntries; ++i)
            if (common::stringMember((*links)[i], "rel") == std::string_view("license"))
                if (auto href = nonEmptyMember((*links)[i], "href")) {
                    linkLicense = resolveUrl(m_recordUrl, *href);
                    break;
                }
    if (license) {
        std::string l = common::toLowerAscii(*license);
        if ((l == "other" || l == "various" || l == "proprietary" || l == "see link") && !linkLicense.empty())
            license = linkLicense;
    } else if (!linkLicense.empty()) {
        license = linkLicense;
    }
    if (license)
        m_p.AddMember("license", s(*license), m_allocator);
    else
        warn("/properties/license", "The record states no licence.");

    std::string rights;
    for (const char* name : {"rights", "accessRights", "accessConstraints"}) {
        const JsonValue* value = member(*m_props, name);
        if (value && value->IsString()) rights = rightsValue(text(*value));
        if (value && value->IsArray())
            for (rapidjson::SizeType i = 0; i < value->Size() && i < kMaxEntries && rights.empty(); ++i)
                if ((*value)[i].IsString()) rights = rightsValue(text((*value)[i]));
        if (!rights.empty()) break;
    }
    if (rights.empty()) {
        if (license && openLicense(*license)) {
            rights = "public";
            warn("/properties/rights", "The record does not say who may access the data; it is taken to be "
                                       "public because its licence is open.");
        } else {
            warn("/properties/rights",
                 "The record does not say who may access the data (public, restricted or non-public).");
            return;
        }
    }
    m_p.AddMember("rights", s(rights), m_allocator);
}

}  // namespace tweeling::federation::adapters::ogc_records
