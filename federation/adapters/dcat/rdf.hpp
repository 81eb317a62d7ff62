#pragma once
// An RDF graph in memory, bounded in size, as the DCAT adapter reads a catalog page: the Turtle and
// N-Triples reader (turtle.cpp, over serd) and the JSON-LD reader (jsonld.cpp) both fill it, so the
// mapping onto twin records (mapper.hpp) is written once, against triples.
//
// A page is hostile input: every reader stops with an error (never a crash, never unbounded memory)
// at the limits of RdfLimits.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace tweeling::federation::adapters::rdf {

// The vocabularies the adapter reads.
namespace ns {
inline constexpr std::string_view rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr std::string_view xsd = "http://www.w3.org/2001/XMLSchema#";
inline constexpr std::string_view dcat = "http://www.w3.org/ns/dcat#";
inline constexpr std::string_view dct = "http://purl.org/dc/terms/";
inline constexpr std::string_view foaf = "http://xmlns.com/foaf/0.1/";
inline constexpr std::string_view vcard = "http://www.w3.org/2006/vcard/ns#";
inline constexpr std::string_view locn = "http://www.w3.org/ns/locn#";
inline constexpr std::string_view gsp = "http://www.opengis.net/ont/geosparql#";
inline constexpr std::string_view skos = "http://www.w3.org/2004/02/skos/core#";
inline constexpr std::string_view hydra = "http://www.w3.org/ns/hydra/core#";
inline constexpr std::string_view rdfs = "http://www.w3.org/2000/01/rdf-schema#";
}  // namespace ns

std::string vocabIri(std::string_view prefix, std::string_view local);

struct RdfLimits {
    std::size_t maxTriples = 100000;            // per page
    std::size_t maxTermBytes = 1u << 20;        // one IRI or literal
    std::size_t maxTotalTermBytes = 64u << 20;  // all distinct terms of a page together
    std::size_t maxDepth = 32;                  // nesting of JSON-LD objects, Turtle's [ ] and ( )
};

// A reader gave up: malformed input, or a limit of RdfLimits reached.
class RdfError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class TermKind : std::uint8_t { Iri, Blank, Literal };

struct Term {
    TermKind kind = TermKind::Iri;
    std::string value;     // the IRI, the blank node's label, or the literal's lexical form
    std::string language;  // literals: lower-cased language tag, "" for none
    std::string datatype;  // literals: datatype IRI, "" for a plain (xsd:string or rdf:langString) literal
};

using TermId = std::uint32_t;

struct Triple {
    TermId subject;
    TermId predicate;
    TermId object;
};

class Graph {
public:
    explicit Graph(RdfLimits limits = {}) : m_limits(limits) {}

    // Terms are interned: one id per distinct term. Throw RdfError past the limits.
    TermId iri(std::string_view value);
    TermId blank(std::string_view label);
    TermId literal(std::string_view value, std::string_view language = {}, std::string_view datatype = {});
    // A blank node no document names (JSON-LD's unnamed node objects).
    TermId freshBlank();
    // Adds a triple once (a repeated one is ignored). Throws RdfError past maxTriples.
    void add(TermId subject, TermId predicate, TermId object);

    const Term& term(TermId id) const { return m_terms[id]; }
    std::size_t size() const { return m_triples.size(); }
    const std::vector<Triple>& triples() const { return m_triples; }
    const RdfLimits& limits() const { return m_limits; }

    // The id of IRI `value` if the graph has it.
    std::optional<TermId> findIri(std::string_view value) const;
    // The objects of (subject, predicate), in the order they were added.
    std::vector<TermId> objects(TermId subject, std::string_view predicate) const;
    std::optional<TermId> object(TermId subject, std::string_view predicate) const;
    // The subjects of rdf:type `type`, in the order they were first typed.
    std::vector<TermId> subjectsOfType(std::string_view type) const;
    bool hasType(TermId subject, std::string_view type) const;

private:
    TermId intern(TermKind kind, std::string_view value, std::string_view language, std::string_view datatype);

    RdfLimits m_limits;
    std::vector<Term> m_terms;
    std::unordered_map<std::string, TermId> m_index;
    std::size_t m_termBytes = 0;
    std::size_t m_freshBlanks = 0;
    std::vector<Triple> m_triples;
    std::set<std::tuple<TermId, TermId, TermId>> m_seen;
    std::unordered_map<TermId, std::vector<std::size_t>> m_bySubject;  // triple indexes
};

// Turtle (and N-Triples, a subset) through serd; relative IRIs are resolved against `baseIri`.
// Throws RdfError with the line and column of the first error.
void readTurtle(std::string_view text, const std::string& baseIri, Graph& out);

// JSON-LD 1.1, bounded to what DCAT-AP catalogs use (jsonld.cpp says what is read and what not).
// Throws RdfError.
void readJsonLd(std::string_view text, const std::string& baseIri, Graph& out);

enum class Syntax { Turtle, NTriples, JsonLd, Unknown };
// The syntax a Content-Type names; else sniffed from the body's first characters.
Syntax syntaxOf(std::string_view contentType, std::string_view body);
const char* syntaxName(Syntax syntax);
// Reads `text` in `syntax` (Unknown: throws RdfError).
void readRdf(Syntax syntax, std::string_view text, const std::string& baseIri, Graph& out);

}  // namespace tweeling::federation::adapters::rdf
