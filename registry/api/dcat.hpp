#pragma once
// DCAT-AP 3.0 (with GeoDCAT-AP where it applies) views of the catalog, of a record and of a page of
// search results, as JSON-LD (inline @context) and Turtle. The output is checked against the official
// DCAT-AP 3.0.0 SHACL shapes and the Dutch profile DCAT-AP-NL 3.0.1 by the dcat_shacl test; what
// DCAT-AP-NL requires and a record lacks is defaulted and noted (docs/DCAT.md lists the defaults).
//
// IRIs (the choices a harvester sees):
//   catalog          <base>/collections/twins              dcat:Catalog (also served at / )
//   catalog record   <base>/collections/twins/items/{id}   dcat:CatalogRecord (the metadata record)
//   dataset          <item>#dataset                        dcat:Dataset (type dataset|model|simulation-result)
//   data service     <item>#service                        dcat:DataService (type service)
//   distribution     <item>#distribution-N                 dcat:Distribution, N = position (1-based)
//   page of results  the items URL of that page (with f)   hydra:PartialCollectionView with next/previous
//
// The SHACL shapes check `sh:class` without inference, so every node an object points to is typed
// in the output (a URL is `a rdfs:Resource`, a dataset also `a dcat:Resource`, and so on).
#include "common/json.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tweeling::registry::api::dcat {

enum class Format { JsonLd, Turtle };

// The serialisation asked for: `f` (jsonld | ttl; any other value: not DCAT) wins; without `f`, the
// Accept header is negotiated (q-values honoured; on a tie JSON wins, so browsers and `*/*` keep
// getting JSON). nullopt: serve the ordinary JSON.
std::optional<Format> negotiate(const std::string* f, const std::string& accept);
const char* mediaType(Format format);        // "application/ld+json" | "text/turtle; charset=utf-8"
const char* formatParameter(Format format);  // "jsonld" | "ttl"

struct CatalogInfo {
    std::string iri;            // the dcat:Catalog (the collection URL)
    std::string homepage;       // the landing page URL
    std::string title;
    std::string description;
    std::string publisherIri;   // dct:publisher (DCAT-AP: mandatory for a catalog)
    std::string publisherName;
    std::string nodeId;
    std::string base;           // base URL of this server (hub: /sources/{id} links)
};

// The catalog's publisher when nothing is configured: a municipality, province or water board node
// (node id gm0363, pv27, ws0155) is published by that body (its TOOI URI); any other node by
// itself: <base>/#publisher named after the node.
std::pair<std::string, std::string> defaultPublisher(const std::string& nodeId, const std::string& name,
                                                     const std::string& base);

struct Entry {
    const common::JsonValue* record = nullptr;  // the stored record (with origin, on a hub harvest)
    std::string itemUrl;                        // the record's URL on this server
};

struct Paging {
    std::string self;  // this page
    std::string first;
    std::string next;      // empty: none
    std::string previous;  // empty: none
    std::int64_t total = 0;
    std::int64_t limit = 0;
};

// The catalog with the datasets, data services and catalog records of `entries` (a page), plus
// hydra paging. Also used for the catalog itself (its first page).
std::string catalog(Format format, const CatalogInfo& info, const std::vector<Entry>& entries, const Paging& paging);
// One record: its dcat:CatalogRecord and the dataset or data service it describes.
std::string record(Format format, const CatalogInfo& info, const Entry& entry);

// ---- A small RDF graph and its two writers (exposed for tests) ----
namespace rdf {

struct Node;

struct Object {
    enum class Kind { Iri, Literal, Node };
    Kind kind = Kind::Literal;
    std::string value;     // IRI or lexical form
    std::string datatype;  // literal datatype IRI; empty: xsd:string (or rdf:langString with language)
    std::string language;
    std::shared_ptr<Node> node;
};

struct Node {
    std::string iri;                 // empty: a blank node
    std::vector<std::string> types;  // class IRIs
    std::vector<std::pair<std::string, Object>> properties;  // predicate IRI, object
};

struct Graph {
    std::vector<std::shared_ptr<Node>> subjects;
};

// Turtle: a string literal's body between double quotes, and an IRI between < and >.
std::string turtleString(std::string_view text);
std::string turtleIri(std::string_view iri);
// Makes text safe for RDF: invalid UTF-8 becomes U+FFFD. For IRIs also: characters not allowed in
// an IRI (controls, space, <>"{}|^`\) are percent-encoded.
std::string cleanText(std::string_view text);
std::string cleanIri(std::string_view iri);

std::string toTurtle(const Graph& graph);
std::string toJsonLd(const Graph& graph);
// The inline JSON-LD @context (prefixes), as the JSON object {"@context": {...}}; the same as
// schemas/dcat-context.jsonld.
std::string contextDocument();

}  // namespace rdf

}  // namespace tweeling::registry::api::dcat
