// When: properties.updated and created (dct:modified, dct:issued), time (dct:temporal) and
// updateFrequency (dct:accrualPeriodicity).
#include "adapters/dcat/mapper.hpp"

#include "adapters/text.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"

namespace tweeling::federation::adapters::dcat {

using common::JsonValue;

namespace {

// The first value of a property that is a date or date-time.
std::optional<std::string> instantOf(const rdf::Graph& graph, const std::vector<TermId>& values, bool& guessed) {
    for (TermId id : values) {
        const rdf::Term& t = graph.term(id);
        if (t.kind != rdf::TermKind::Literal || t.value.size() > 64) continue;
        if (auto value = normalizeInstant(t.value, guessed)) return value;
    }
    return std::nullopt;
}

}  // namespace

void Mapper::mapTime() {
    bool guessed = false;
    std::optional<std::string> updated = instantOf(m_graph, objects(m_node, ns::dct, "modified"), guessed);
    std::optional<std::string> issued = instantOf(m_graph, objects(m_node, ns::dct, "issued"), guessed);
    if (!updated && issued) {
        updated = issued;
        warn("/properties/updated", "The resource has no usable dct:modified; its dct:issued is used.");
    }
    if (!updated)
        if ((updated = instantOf(m_graph, objects(m_node, ns::dct, "created"), guessed)))
            warn("/properties/updated",
                 "The resource has no usable dct:modified or dct:issued; its dct:created is used.");
    if (!updated) {
        // The catalog record about the resource (dcat:CatalogRecord foaf:primaryTopic) says when the
        // metadata changed.
        if (auto primaryTopic = m_graph.findIri(rdf::vocabIri(ns::foaf, "primaryTopic")))
            for (const rdf::Triple& triple : m_graph.triples())
                if (triple.predicate == *primaryTopic && triple.object == m_node)
                    if ((updated = instantOf(m_graph, objects(triple.subject, ns::dct, "modified"), guessed))) {
                        warn("/properties/updated",
                             "The resource has no dct:modified; its catalog record's dct:modified is used.");
                        break;
                    }
    }
    if (!updated) {
        updated = "1970-01-01";
        warn("/properties/updated",
             "The resource does not say when it was last changed (no dct:modified or dct:issued); 1970-01-01 "
             "stands for 'unknown'.");
    }
    if (guessed)
        warn("/properties/updated", "A date of the resource had no UTC offset or was incomplete; it was read as UTC.");
    m_p.AddMember("updated", s(*updated), m_allocator);
    bool ignored = false;
    if (auto created = instantOf(m_graph, objects(m_node, ns::dct, "created"), ignored))
        m_p.AddMember("created", s(*created), m_allocator);
    else if (issued)
        m_p.AddMember("created", s(*issued), m_allocator);

    for (TermId period : objects(m_node, ns::dct, "temporal")) {
        bool periodGuessed = false;
        auto start = instantOf(m_graph, objects(period, ns::dcat, "startDate"), periodGuessed);
        auto end = instantOf(m_graph, objects(period, ns::dcat, "endDate"), periodGuessed);
        // schema.org's, as DCAT-AP 2 examples and older DCAT-AP-NL catalogs write them.
        if (!start) start = instantOf(m_graph, objects(period, "http://schema.org/", "startDate"), periodGuessed);
        if (!end) end = instantOf(m_graph, objects(period, "http://schema.org/", "endDate"), periodGuessed);
        if (!start && !end) continue;
        JsonValue interval(rapidjson::kArrayType);
        interval.PushBack(s(start.value_or("..")), m_allocator);
        interval.PushBack(s(end.value_or("..")), m_allocator);
        JsonValue time(rapidjson::kObjectType);
        time.AddMember("interval", interval, m_allocator);
        m_p.AddMember("time", time, m_allocator);
        break;
    }

    for (TermId id : objects(m_node, ns::dct, "accrualPeriodicity"))
        if (std::string iri = iriOf(id); !iri.empty() && isUri(iri) && iri.size() <= 4096) {
            m_p.AddMember("updateFrequency", s(iri), m_allocator);
            break;
        }
}

}  // namespace tweeling::federation::adapters::dcat
