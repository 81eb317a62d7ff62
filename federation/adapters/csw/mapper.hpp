#pragma once
// The ISO 19139 mapping, private to this folder. One Mapper maps one gmd:MD_Metadata; its member
// functions are defined in the file of the record part they map:
//
//   mapper.cpp           run (the order of the parts), id, type, the GetRecordById link (first of
//                        the links; distributions.cpp adds web pages), times,
//                        language, properties.source, and the entry point
//   geometry.cpp         footprint (EX_GeographicBoundingBox), crs (referenceSystemInfo)
//   text_and_themes.cpp  title, description, keywords, themes (GEMET, INSPIRE, twin)
//   contacts.cpp         publisher, contacts (CI_ResponsibleParty)
//   rights.cpp           license, rights (resourceConstraints)
//   distributions.cpp    distributions and links (CI_OnlineResource, service connect points)
//   page.cpp             the GetRecords and GetRecordById responses (not the Mapper)
//
// Its names live in adapters::csw so that another catalog kind's Mapper cannot collide with it.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/json_members.hpp"
#include "adapters/mapped_record.hpp"
#include "adapters/xml.hpp"
#include "common/json.hpp"

namespace tweeling::federation::adapters::csw {

constexpr std::size_t kMaxEntries = 1000;    // entries read from one repeated element (keywords, parties, ...)
constexpr std::size_t kMaxText = 64 * 1024;  // bytes kept of one text (an abstract, a lineage)

// The text of an ISO "CharacterString-like" property: its gco:CharacterString, gmx:Anchor,
// gco:LocalName or gmd:URL child, else its own text; "" when absent.
std::string characterString(const xml::Element& property);
// The xlink:href of the property's gmx:Anchor child (or of the property itself); "" when none.
std::string anchorHref(const xml::Element& property);
// The codeListValue of the property's code list element (gmd:MD_ScopeCode, gmd:CI_RoleCode, ...),
// else that element's text.
std::string codeValue(const xml::Element& property);

class Mapper {
public:
    Mapper(const xml::Element& in, const MappingContext& context, MappedRecord& out)
        : m_in(in), m_context(context), m_out(out), m_allocator(out.record.GetAllocator()) {}

    void run();

    void warn(std::string pointer, std::string message) {
        m_out.warnings.push_back({std::move(pointer), std::move(message)});
    }
    void reject(std::string pointer, std::string message) {
        m_out.rejections.push_back({std::move(pointer), std::move(message)});
    }

private:
    const xml::Element& m_in;
    const MappingContext& m_context;
    MappedRecord& m_out;
    Allocator& m_allocator;
    common::JsonValue m_p;       // properties being built
    common::JsonValue m_source;  // properties.source being built
    common::JsonValue m_links;   // links being built
    xml::Element m_ident;        // gmd:identificationInfo's MD_DataIdentification or SV_ServiceIdentification
    bool m_service = false;      // m_ident is an srv:SV_ServiceIdentification
    std::string m_title;
    std::string m_recordUrl;  // GetRecordById; "" when the catalog URL is not http(s)

    common::JsonValue s(std::string_view value) { return str(value, m_allocator); }
    // Adds `value` under properties.source (strings; skipped when empty).
    void keep(const char* name, const std::string& value);
    void keep(const char* name, const std::vector<std::string>& values);

    // mapper.cpp
    void mapId();
    void mapType();
    void mapTime();
    void mapTemporalExtent();
    void mapLanguage();
    void mapSourceOnly();
    void mapLinks();

    // geometry.cpp
    void mapGeometry();
    void mapCrs();

    // text_and_themes.cpp
    void mapTitleAndDescription();
    void mapThemesAndKeywords();

    // contacts.cpp
    void mapPublisherAndContacts();

    // rights.cpp
    void mapLicenseAndRights();

    // distributions.cpp
    void mapDistributions();
};

}  // namespace tweeling::federation::adapters::csw
