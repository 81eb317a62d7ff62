// The Mapper's frame (the order of the record's parts), the record's identity and type, its links,
// what is kept in properties.source, the graph readers the parts share, and the entry point.
#include "adapters/dcat/mapper.hpp"

#include <algorithm>

#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::dcat {

using common::Json;
using common::JsonValue;
using rdf::TermKind;

void Mapper::run() {
    Json& record = m_out.record;
    record.SetObject();
    m_source.SetObject();
    m_links.SetArray();
    m_source.AddMember("kind", "dcat", m_allocator);
    mapId();
    record.AddMember("type", "Feature", m_allocator);
    mapGeometry();

    m_p.SetObject();
    mapType();
    mapTitleAndDescription();
    mapPublisherAndContacts();
    mapThemesAndKeywords();
    mapTime();
    mapLicenseAndRights();
    mapDistributions();
    mapCrs();
    mapSource();
    m_p.AddMember("source", m_source, m_allocator);
    record.AddMember("properties", m_p, m_allocator);
    record.AddMember("links", m_links, m_allocator);
}

std::vector<TermId> Mapper::objects(TermId subject, std::string_view prefix, std::string_view local) const {
    std::vector<TermId> all = m_graph.objects(subject, rdf::vocabIri(prefix, local));
    if (all.size() > kMaxEntries) all.resize(kMaxEntries);
    return all;
}

std::optional<TermId> Mapper::object(TermId subject, std::string_view prefix, std::string_view local) const {
    return m_graph.object(subject, rdf::vocabIri(prefix, local));
}

std::optional<std::string> Mapper::text(TermId subject, std::string_view prefix, std::string_view local) const {
    std::optional<std::string> byRank[4];
    for (TermId id : objects(subject, prefix, local)) {
        const rdf::Term& t = term(id);
        if (t.kind != TermKind::Literal) continue;
        std::string value = common::trim(t.value);
        if (value.empty() || value.size() > kMaxText) continue;
        const std::string& language = t.language;
        int rank = language.rfind("nl", 0) == 0 ? 0 : language.rfind("en", 0) == 0 ? 1 : language.empty() ? 2 : 3;
        if (!byRank[rank]) byRank[rank] = std::move(value);
    }
    for (auto& value : byRank)
        if (value) return value;
    return std::nullopt;
}

std::vector<std::string> Mapper::texts(TermId subject, std::string_view prefix, std::string_view local) const {
    std::vector<std::string> out;
    for (TermId id : objects(subject, prefix, local)) {
        const rdf::Term& t = term(id);
        if (t.kind != TermKind::Literal) continue;
        std::string value = common::trim(t.value);
        if (value.empty() || value.size() > 1024) continue;
        if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
    }
    return out;
}

std::string Mapper::iriOf(TermId id) const {
    const rdf::Term& t = term(id);
    return t.kind == TermKind::Iri ? t.value : std::string();
}

std::string Mapper::urlOf(TermId id) const {
    const rdf::Term& t = term(id);
    if (t.kind == TermKind::Blank) return {};
    std::string value = common::trim(t.value);
    return isHttpUrl(value) && value.size() <= 4096 ? value : std::string();
}

std::string Mapper::valueOf(TermId id) const {
    const rdf::Term& t = term(id);
    return t.kind == TermKind::Blank ? std::string() : common::trim(t.value);
}

void Mapper::keep(const char* name, const std::vector<std::string>& values) {
    if (values.empty()) return;
    JsonValue list(rapidjson::kArrayType);
    for (const auto& value : values) list.PushBack(s(value), m_allocator);
    m_source.RemoveMember(name);
    m_source.AddMember(JsonValue(name, m_allocator), list, m_allocator);
}

void Mapper::keep(const char* name, const std::string& value) {
    if (value.empty()) return;
    m_source.RemoveMember(name);
    m_source.AddMember(JsonValue(name, m_allocator), s(value), m_allocator);
}

void Mapper::link(const std::string& href, const char* rel, const char* type, const char* title) {
    for (const auto& existing : m_links.GetArray())
        if (existing["href"] == href.c_str() && existing["rel"] == rel) return;
    JsonValue entry(rapidjson::kObjectType);
    entry.AddMember("href", s(href), m_allocator);
    entry.AddMember("rel", JsonValue(rel, m_allocator), m_allocator);
    if (type) entry.AddMember("type", JsonValue(type, m_allocator), m_allocator);
    if (title) entry.AddMember("title", JsonValue(title, m_allocator), m_allocator);
    m_links.PushBack(entry, m_allocator);
}

void Mapper::mapId() {
    std::string value;
    for (TermId id : objects(m_node, ns::dct, "identifier")) {
        if (term(id).kind != TermKind::Literal) continue;
        value = common::trim(term(id).value);
        if (!value.empty()) break;
    }
    const std::string iri = iriOf(m_node);
    if (value.empty()) value = iri;
    if (value.empty()) {
        reject("/id",
               "The resource is a blank node without a dct:identifier; without one it cannot be tracked "
               "between harvests.");
    } else if (value.size() > kMaxIdLength) {
        reject("/id", "The resource's identifier is longer than " + std::to_string(kMaxIdLength) + " characters.");
    }
    m_out.id = value;
    m_out.record.AddMember("id", s(value), m_allocator);
    // "via": the source of the information (RFC 4287); navigation rels are the store's own.
    if (isHttpUrl(iri)) link(iri, "via", nullptr, "DCAT resource");
    keep("iri", iri);
    keep("page", m_pageUrl);
}

void Mapper::mapType() {
    m_service = !m_graph.hasType(m_node, rdf::vocabIri(ns::dcat, "Dataset")) &&
                m_graph.hasType(m_node, rdf::vocabIri(ns::dcat, "DataService"));
    m_p.AddMember("type", m_service ? "service" : "dataset", m_allocator);
    std::vector<std::string> types;
    for (TermId id : objects(m_node, ns::rdf, "type"))
        if (std::string iri = iriOf(id); !iri.empty()) types.push_back(iri);
    keep("types", types);
}

void Mapper::mapSource() {
    auto iris = [&](std::string_view prefix, std::string_view local) {
        std::vector<std::string> out;
        for (TermId id : objects(m_node, prefix, local))
            if (std::string value = valueOf(id);
                !value.empty() && value.size() <= 4096 && std::find(out.begin(), out.end(), value) == out.end())
                out.push_back(value);
        return out;
    };
    keep("applicableLegislation", iris("http://data.europa.eu/r5r/", "applicableLegislation"));
    keep("hvdCategory", iris("http://data.europa.eu/r5r/", "hvdCategory"));
    keep("language", iris(ns::dct, "language"));
    if (m_service) keep("servesDataset", iris(ns::dcat, "servesDataset"));
}

}  // namespace tweeling::federation::adapters::dcat

namespace tweeling::federation::adapters {

MappedRecord mapDcatResource(const DcatResource& resource, const MappingContext& context,
                             const registry::record::Profile& profile) {
    return mapWith<dcat::Mapper>(resource, context, profile, "resource");
}

}  // namespace tweeling::federation::adapters
