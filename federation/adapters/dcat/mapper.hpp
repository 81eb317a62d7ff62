#pragma once
// The DCAT-AP mapping, private to this folder. One Mapper maps one resource (a dcat:Dataset or
// dcat:DataService) of a page's triple graph; its member functions are defined in the file of the
// record part they map:
//
//   mapper.cpp           run (the order of the parts), id, type, links, properties.source, the
//                        entry point
//   page.cpp             readDcatPage: the graph of a page, its resources, Hydra's next page
//   geometry.cpp         geometry from dct:spatial, crs from dct:conformsTo
//   time.cpp             updated, created, time, updateFrequency
//   text_and_themes.cpp  title, description, keywords, themes
//   contacts.cpp         publisher, contacts
//   rights.cpp           license, rights
//   distributions.cpp    distributions from dcat:distribution or a service's endpoint
//
// Its names live in adapters::dcat so that another catalog kind's Mapper cannot collide with it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/dcat/dcat.hpp"
#include "adapters/json_members.hpp"
#include "adapters/mapped_record.hpp"
#include "common/json.hpp"

namespace tweeling::federation::adapters::dcat {

using rdf::TermId;
namespace ns = rdf::ns;

constexpr std::size_t kMaxIdLength = 256;
constexpr std::size_t kMaxEntries = 1000;    // values read of one property (keywords, distributions, ...)
constexpr std::size_t kMaxText = 64 * 1024;  // a title, description or name

class Mapper {
public:
    Mapper(const DcatResource& in, const MappingContext& context, MappedRecord& out)
        : m_graph(in.graph),
          m_node(in.node),
          m_pageUrl(in.pageUrl),
          m_context(context),
          m_out(out),
          m_allocator(out.record.GetAllocator()) {}

    void run();

    void warn(std::string pointer, std::string message) {
        m_out.warnings.push_back({std::move(pointer), std::move(message)});
    }
    void reject(std::string pointer, std::string message) {
        m_out.rejections.push_back({std::move(pointer), std::move(message)});
    }

private:
    const rdf::Graph& m_graph;
    TermId m_node;
    std::string m_pageUrl;
    const MappingContext& m_context;
    MappedRecord& m_out;
    Allocator& m_allocator;
    common::JsonValue m_p;       // properties being built
    common::JsonValue m_source;  // properties.source being built
    common::JsonValue m_links;   // links being built
    std::string m_title;
    std::string m_publisherName;
    std::string m_license;
    bool m_service = false;

    common::JsonValue s(std::string_view value) { return str(value, m_allocator); }

    // --- reading the graph (mapper.cpp) ---
    const rdf::Term& term(TermId id) const { return m_graph.term(id); }
    // The objects of (subject, DCAT-AP property), at most kMaxEntries.
    std::vector<TermId> objects(TermId subject, std::string_view prefix, std::string_view local) const;
    std::optional<TermId> object(TermId subject, std::string_view prefix, std::string_view local) const;
    // The literal of a property in the preferred language (nl, en, none, any), trimmed, non-empty,
    // at most kMaxText bytes.
    std::optional<std::string> text(TermId subject, std::string_view prefix, std::string_view local) const;
    // Every literal of a property, trimmed, non-empty, each once.
    std::vector<std::string> texts(TermId subject, std::string_view prefix, std::string_view local) const;
    // The IRI of a term ("" for a blank node or literal).
    std::string iriOf(TermId id) const;
    // An http(s) URL given as an IRI or as a literal ("" otherwise).
    std::string urlOf(TermId id) const;
    // A term as text: a literal's value or an IRI ("" for a blank node).
    std::string valueOf(TermId id) const;
    // Adds `values` (each once) to properties.source under `name`.
    void keep(const char* name, const std::vector<std::string>& values);
    void keep(const char* name, const std::string& value);
    void link(const std::string& href, const char* rel, const char* type, const char* title);

    // mapper.cpp
    void mapId();
    void mapType();
    void mapSource();

    // geometry.cpp
    void mapGeometry();
    void mapCrs();

    // time.cpp
    void mapTime();

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

}  // namespace tweeling::federation::adapters::dcat
