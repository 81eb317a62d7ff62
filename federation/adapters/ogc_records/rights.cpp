// May one use the data: properties.license and properties.rights (access levels and open licences
// as adapters/licenses.hpp, shared by all adapters, recognises them).
#include "adapters/ogc_records/mapper.hpp"
#include "common/text.hpp"

#include "adapters/json_members.hpp"
#include "adapters/licenses.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"

namespace tweeling::federation::adapters::ogc_records {

using common::Json;
using common::JsonValue;

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
        if (value && value->IsString()) rights = rightsOfAccessLevel(text(*value));
        if (value && value->IsArray())
            for (rapidjson::SizeType i = 0; i < value->Size() && i < kMaxEntries && rights.empty(); ++i)
                if ((*value)[i].IsString()) rights = rightsOfAccessLevel(text((*value)[i]));
        if (!rights.empty()) break;
    }
    if (rights.empty()) {
        if (license && isOpenLicense(*license)) {
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
