// The Mapper's frame (the order of the record's parts), the record's identity and type, the link to
// its GetRecordById, the times, the language, what only properties.source keeps, and the adapter's
// entry points.
#include "adapters/csw/mapper.hpp"

#include "adapters/csw/csw.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"
#include "common/time.hpp"
#include "common/url.hpp"
#include "record/identifiers.hpp"

namespace tweeling::federation::adapters::csw {

using common::Json;
using common::JsonValue;
using xml::Element;
namespace ns = xml::ns;

std::string characterString(const Element& property) {
    if (!property) return {};
    for (const auto& [space, name] :
         {std::pair{ns::kGco, "CharacterString"}, std::pair{ns::kGmx, "Anchor"}, std::pair{ns::kGco, "LocalName"},
          std::pair{ns::kGmd, "URL"}, std::pair{ns::kGco, "ScopedName"}})
        if (Element value = property.child(space, name)) return value.text(kMaxText);
    // gmd:PT_FreeText only (a multilingual text without a default): its first localised string.
    if (Element free = property.child(ns::kGmd, "PT_FreeText"))
        for (const Element& group : free.children(ns::kGmd, "textGroup", 1))
            return group.path({{ns::kGmd, "LocalisedCharacterString"}}).text(kMaxText);
    if (property.firstChild()) return {};
    return property.text(kMaxText);
}

std::string anchorHref(const Element& property) {
    if (!property) return {};
    if (Element anchor = property.child(ns::kGmx, "Anchor"))
        return common::trim(anchor.attribute(ns::kXlink, "href").value_or(""));
    return common::trim(property.attribute(ns::kXlink, "href").value_or(""));
}

std::string codeValue(const Element& property) {
    Element code = property.firstChild();
    if (!code) return common::trim(property.text(1024));
    if (auto value = code.attribute("", "codeListValue"); value && !common::trim(*value).empty())
        return common::trim(*value);
    return code.text(1024);
}

void Mapper::keep(const char* name, const std::string& value) {
    if (!value.empty()) m_source.AddMember(JsonValue(name, m_allocator), s(value), m_allocator);
}

void Mapper::keep(const char* name, const std::vector<std::string>& values) {
    if (values.empty()) return;
    JsonValue list(rapidjson::kArrayType);
    for (const auto& value : values) list.PushBack(s(value), m_allocator);
    m_source.AddMember(JsonValue(name, m_allocator), list, m_allocator);
}

void Mapper::run() {
    Json& record = m_out.record;
    record.SetObject();
    if (!m_in.is(ns::kGmd, "MD_Metadata") && !m_in.is(ns::kGmi, "MI_Metadata")) {
        reject("", "The record is not an ISO 19139 gmd:MD_Metadata element (it is " + std::string(m_in.localName()) +
                       " in namespace '" + std::string(m_in.namespaceUri()) + "').");
        return;
    }
    if (Element info = m_in.child(ns::kGmd, "identificationInfo")) {
        m_ident = info.child(ns::kGmd, "MD_DataIdentification");
        if (!m_ident) {
            m_ident = info.child(ns::kSrv, "SV_ServiceIdentification");
            m_service = static_cast<bool>(m_ident);
        }
        if (!m_ident) m_ident = info.firstChild();  // another identification (a profile's own)
    }
    m_source.SetObject();
    m_source.AddMember("kind", "csw", m_allocator);
    m_links.SetArray();

    mapId();
    mapLinks();
    record.AddMember("type", "Feature", m_allocator);
    mapGeometry();
    mapTemporalExtent();

    m_p.SetObject();
    mapType();
    mapTitleAndDescription();
    mapPublisherAndContacts();
    mapThemesAndKeywords();
    mapCrs();
    mapTime();
    mapLicenseAndRights();
    mapLanguage();
    mapDistributions();
    mapSourceOnly();
    m_p.AddMember("source", m_source, m_allocator);
    record.AddMember("properties", m_p, m_allocator);
    record.AddMember("links", m_links, m_allocator);
}

void Mapper::mapId() {
    std::string value = characterString(m_in.child(ns::kGmd, "fileIdentifier"));
    if (value.empty()) {
        reject("/id", "The record has no gmd:fileIdentifier; without one it cannot be tracked between harvests.");
    } else if (auto problem = registry::record::idProblem(value)) {
        reject("/id", "The record's gmd:fileIdentifier cannot be a record id: " + *problem);
    }
    m_out.id = value;
    m_out.record.AddMember("id", s(value), m_allocator);
    keep("fileIdentifier", value);
    if (!value.empty() && value.size() <= registry::record::kMaxIdLength)
        m_recordUrl = cswRecordByIdUrl(m_context.catalogUrl, value);
}

void Mapper::mapType() {
    std::string level = codeValue(m_in.child(ns::kGmd, "hierarchyLevel"));
    keep("hierarchyLevel", level);
    std::string key = common::toLowerAscii(level);
    const char* type = "dataset";
    if (key == "service" || (key.empty() && m_service))
        type = "service";
    else if (key == "model")
        type = "model";
    else if (key != "dataset" && key != "series")
        warn("/properties/type", key.empty() ? "The record has no gmd:hierarchyLevel; it is taken for a dataset."
                                             : "The record's gmd:hierarchyLevel '" + level +
                                                   "' has no twin type; it is taken for a dataset.");
    m_p.AddMember("type", s(type), m_allocator);
}

namespace {

// gco:DateTime or gco:Date inside a date property, normalised (a DateTime without an offset is UTC).
std::optional<std::string> isoDate(const Element& property) {
    if (!property) return std::nullopt;
    Element value = property.child(ns::kGco, "DateTime");
    if (!value) value = property.child(ns::kGco, "Date");
    std::string raw = value ? value.text(128) : std::string();
    if (raw.empty() || raw.size() > 64) return std::nullopt;
    bool guessed = false;
    return normalizeInstant(raw, guessed);
}

}  // namespace

void Mapper::mapTime() {
    if (auto updated = isoDate(m_in.child(ns::kGmd, "dateStamp"))) {
        m_p.AddMember("updated", s(*updated), m_allocator);
    } else {
        reject("/properties/updated", "The record has no usable gmd:dateStamp (a gco:Date or gco:DateTime).");
    }
    // The resource's creation date (else its publication date) from its citation.
    Element citation = m_ident.path({{ns::kGmd, "citation"}, {ns::kGmd, "CI_Citation"}});
    std::optional<std::string> creation, publication;
    for (const Element& date : citation.children(ns::kGmd, "date", kMaxEntries)) {
        Element entry = date.child(ns::kGmd, "CI_Date");
        std::string type = common::toLowerAscii(codeValue(entry.child(ns::kGmd, "dateType")));
        auto value = isoDate(entry.child(ns::kGmd, "date"));
        if (!value) continue;
        if (type == "creation" && !creation) creation = value;
        if (type == "publication" && !publication) publication = value;
    }
    if (!creation) creation = publication;
    if (creation) m_p.AddMember("created", s(*creation), m_allocator);
}

namespace {

// One end of a GML time period: a date or date-time, open ("now", "unknown", empty), or bad.
struct End {
    enum Kind { Open, Valid, Bad } kind = Open;
    std::string value;
};

End gmlPosition(const Element& position) {
    if (!position) return {};
    std::string raw = position.text(128);
    if (raw.empty()) return {};  // indeterminatePosition="now" / "unknown"
    bool guessed = false;
    if (auto value = normalizeInstant(raw, guessed)) return {End::Valid, *value};
    return {End::Bad, {}};
}

}  // namespace

void Mapper::mapTemporalExtent() {
    std::vector<Element> extents;
    for (const Element& extent : m_ident.children(ns::kGmd, "extent", kMaxEntries))
        for (const Element& temporal :
             extent.path({{ns::kGmd, "EX_Extent"}}).children(ns::kGmd, "temporalElement", kMaxEntries))
            if (Element inner = temporal.path({{ns::kGmd, "EX_TemporalExtent"}, {ns::kGmd, "extent"}}).firstChild())
                extents.push_back(inner);
    if (extents.empty()) return;
    const Element& gml = extents.front();
    const std::string_view space = gml.namespaceUri();
    if (space != ns::kGml && space != ns::kGml32) {
        warn("/time", "The temporal extent is not a GML time primitive; it was left out.");
        return;
    }
    JsonValue time(rapidjson::kObjectType);
    if (gml.localName() == "TimePeriod") {
        std::string gmlNs(space);
        Element begin = gml.child(gmlNs, "beginPosition"), end = gml.child(gmlNs, "endPosition");
        if (!begin)
            begin =
                gml.path({{gmlNs.c_str(), "begin"}, {gmlNs.c_str(), "TimeInstant"}, {gmlNs.c_str(), "timePosition"}});
        if (!end)
            end = gml.path({{gmlNs.c_str(), "end"}, {gmlNs.c_str(), "TimeInstant"}, {gmlNs.c_str(), "timePosition"}});
        End start = gmlPosition(begin), finish = gmlPosition(end);
        if (start.kind == End::Bad || finish.kind == End::Bad) {
            warn("/time", "The gml:TimePeriod has an end that is not a date or date-time; it was left out.");
            return;
        }
        if (start.kind == End::Open && finish.kind == End::Open) {
            warn("/time", "The gml:TimePeriod is open at both ends (it says nothing); the record has no time.");
            return;
        }
        if (start.kind == End::Valid && finish.kind == End::Valid &&
            *common::parseRfc3339(start.value) > *common::parseRfc3339End(finish.value)) {
            warn("/time", "The gml:TimePeriod starts after it ends; it was left out.");
            return;
        }
        JsonValue interval(rapidjson::kArrayType);
        interval.PushBack(start.kind == End::Valid ? s(start.value) : s(".."), m_allocator);
        interval.PushBack(finish.kind == End::Valid ? s(finish.value) : s(".."), m_allocator);
        time.AddMember("interval", interval, m_allocator);
    } else if (gml.localName() == "TimeInstant") {
        End at = gmlPosition(gml.child(std::string(space), "timePosition"));
        if (at.kind != End::Valid) {
            warn("/time", "The gml:TimeInstant has no date or date-time; it was left out.");
            return;
        }
        time.AddMember(JsonValue(at.value.size() == 10 ? "date" : "timestamp", m_allocator), s(at.value), m_allocator);
    } else {
        warn("/time", "The temporal extent is a gml:" + std::string(gml.localName()) +
                          ", neither a TimePeriod nor a TimeInstant; it was left out.");
        return;
    }
    m_out.record.AddMember("time", time, m_allocator);
}

namespace {

// ISO 639-2 (as ISO 19139 writes languages) -> the BCP 47 tags of the languages Dutch catalogs use.
struct Language {
    const char* iso6392;
    const char* tag;
};
constexpr Language kLanguages[] = {
    {"dut", "nl"}, {"nld", "nl"}, {"eng", "en"}, {"ger", "de"}, {"deu", "de"},
    {"fre", "fr"}, {"fra", "fr"}, {"fry", "fy"}, {"gre", "el"}, {"ell", "el"},
};

}  // namespace

void Mapper::mapLanguage() {
    Element language = m_ident.child(ns::kGmd, "language");
    if (!language) language = m_in.child(ns::kGmd, "language");
    std::string code = common::toLowerAscii(codeValue(language));
    if (code.empty() || code.size() > 64) return;
    for (const Language& known : kLanguages)
        if (code == known.iso6392) code = known.tag;
    JsonValue value(rapidjson::kObjectType);
    value.AddMember("code", s(code), m_allocator);
    m_p.AddMember("language", value, m_allocator);
}

void Mapper::mapSourceOnly() {
    std::string standard = characterString(m_in.child(ns::kGmd, "metadataStandardName"));
    std::string version = characterString(m_in.child(ns::kGmd, "metadataStandardVersion"));
    keep("metadataStandard", version.empty() ? standard : standard + " " + version);
    std::vector<std::string> identifiers;
    Element citation = m_ident.path({{ns::kGmd, "citation"}, {ns::kGmd, "CI_Citation"}});
    for (const Element& identifier : citation.children(ns::kGmd, "identifier", kMaxEntries)) {
        Element inner = identifier.firstChild();  // MD_Identifier or RS_Identifier
        std::string code = characterString(inner.child(ns::kGmd, "code"));
        if (!code.empty()) identifiers.push_back(code);
    }
    keep("resourceIdentifiers", identifiers);
    std::vector<std::string> statements;
    for (const Element& quality : m_in.children(ns::kGmd, "dataQualityInfo", kMaxEntries)) {
        std::string statement = characterString(quality.path(
            {{ns::kGmd, "DQ_DataQuality"}, {ns::kGmd, "lineage"}, {ns::kGmd, "LI_Lineage"}, {ns::kGmd, "statement"}}));
        if (!statement.empty()) statements.push_back(statement);
    }
    if (!statements.empty()) keep("lineage", statements.front());
}

void Mapper::mapLinks() {
    if (!m_recordUrl.empty()) {
        // "via": the source of the information (RFC 4287); navigation rels are the store's own.
        JsonValue link(rapidjson::kObjectType);
        link.AddMember("href", s(m_recordUrl), m_allocator);
        link.AddMember("rel", "via", m_allocator);
        link.AddMember("type", "application/xml", m_allocator);
        link.AddMember("title", "ISO 19139 record (CSW GetRecordById)", m_allocator);
        m_links.PushBack(link, m_allocator);
    }
}

}  // namespace tweeling::federation::adapters::csw

namespace tweeling::federation::adapters {

std::string cswRecordByIdUrl(const std::string& catalogUrl, const std::string& fileIdentifier) {
    std::string base = catalogUrl.substr(0, catalogUrl.find_first_of("?#"));
    if (!isHttpUrl(base)) return {};
    return base + "?service=CSW&version=2.0.2&request=GetRecordById&elementSetName=full&outputSchema=" +
           common::percentEncode(xml::ns::kGmd, common::percent::kUnreserved) +
           "&id=" + common::percentEncode(fileIdentifier, common::percent::kUnreserved);
}

MappedRecord mapIsoRecord(const xml::Element& metadata, const MappingContext& context,
                          const registry::record::Profile& profile) {
    return mapWith<csw::Mapper>(metadata, context, profile, "ISO record");
}

}  // namespace tweeling::federation::adapters
