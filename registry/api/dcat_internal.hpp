#pragma once
// What the DCAT files share (not part of the interface): the vocabularies, the JSON accessors, the
// node builders, the record view, the record -> graph mapping and the writers' common steps.
//   dcat_graph.cpp        vocabularies, small helpers, node builders
//   dcat_resource.cpp     the properties a dataset and a data service share
//   dcat_record.cpp       the record view, dataset/service with distributions, catalog record, record()
//   dcat_catalog.cpp      the catalog, its publisher, catalog()
//   dcat_negotiation.cpp  f / Accept negotiation, media types, serialise
//   dcat_rdf.cpp          text and IRI cleaning, prefix compaction, flattening
//   dcat_turtle.cpp       the Turtle writer
//   dcat_jsonld.cpp       the JSON-LD writer
#include "api/dcat.hpp"
#include "common/json.hpp"

#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tweeling::registry::api::dcat {

namespace detail {

using common::JsonValue;

// ---- vocabularies ----
inline const std::string kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline const std::string kRdfs = "http://www.w3.org/2000/01/rdf-schema#";
inline const std::string kXsd = "http://www.w3.org/2001/XMLSchema#";
inline const std::string kDcat = "http://www.w3.org/ns/dcat#";
inline const std::string kDct = "http://purl.org/dc/terms/";
inline const std::string kFoaf = "http://xmlns.com/foaf/0.1/";
inline const std::string kVcard = "http://www.w3.org/2006/vcard/ns#";
inline const std::string kSkos = "http://www.w3.org/2004/02/skos/core#";
inline const std::string kLocn = "http://www.w3.org/ns/locn#";
inline const std::string kGsp = "http://www.opengis.net/ont/geosparql#";
inline const std::string kGeodcat = "http://data.europa.eu/930/";
inline const std::string kSpdx = "http://spdx.org/rdf/terms#";
inline const std::string kProv = "http://www.w3.org/ns/prov#";
inline const std::string kHydra = "http://www.w3.org/ns/hydra/core#";
inline const std::string kTwin = "https://w3id.org/tweeling/def/";

// prefix, namespace: the Turtle @prefix lines and the JSON-LD @context, in this order.
const std::vector<std::pair<std::string, std::string>>& prefixes();

extern const std::string kTwinThemeScheme;

// ---- small helpers ----
// A non-empty string member / an object member / an array member; nullopt or nullptr otherwise.
std::optional<std::string> str(const JsonValue* object, const char* name);
const JsonValue* obj(const JsonValue* object, const char* name);
const JsonValue* arr(const JsonValue* object, const char* name);
bool isAbsoluteIri(std::string_view text);
// xsd:date for YYYY-MM-DD, xsd:dateTime for an RFC 3339 date-time; nullopt for anything else.
std::optional<std::string> dateType(std::string_view text);
bool isHex(std::string_view text);
bool isLanguageTag(std::string_view tag);
std::string number(double value);
// A licence as an IRI: an absolute IRI as is, an SPDX identifier under spdx.org/licenses.
std::optional<std::string> licenseIri(const std::string& license);

// ---- node builders ----
using rdf::Graph;
using rdf::Node;
using rdf::Object;
using NodePtr = std::shared_ptr<Node>;

NodePtr node(const std::string& iri, std::initializer_list<std::string> types);
Object iri(const std::string& value);
Object literal(const std::string& value, const std::string& datatype = "", const std::string& language = "");
Object ref(NodePtr target);
void add(Node& subject, const std::string& predicate, Object object);
void addDate(Node& subject, const std::string& predicate, const std::optional<std::string>& text);
// A URL used as the object of dcat:accessURL and the like: the shapes want `a rdfs:Resource`.
Object resource(const std::string& url);
Object document(const std::string& url, const std::optional<std::string>& title = std::nullopt);
Object concept(const std::string& conceptIri, const std::string& scheme,
               const std::vector<std::pair<std::string, std::string>>& labels);
Object standard(const std::string& spec, const std::string& title);
NodePtr agent(const std::string& agentIri, const std::string& name);
// The contact point used where none is given: a vcard:Kind named after the catalogue's publisher,
// with the catalogue's home page as its URL.
NodePtr catalogContact(const CatalogInfo& info);
// Says in the output that a value required by DCAT-AP-NL was defaulted, and why: an rdfs:comment
// (English) on the subject, "DCAT-AP-NL default: <text>". docs/DCAT.md lists every default.
void noteDefault(Node& subject, const std::string& text);

// ---- the record ----
struct RecordView {
    const JsonValue& record;
    const JsonValue* properties;
    std::string language;  // tag for text literals ("" when unknown)

    explicit RecordView(const JsonValue& value);
    std::optional<std::string> prop(const char* name) const { return str(properties, name); }
    Object text(const std::string& value) const { return literal(value, "", language); }
};

bool isServiceRecord(const RecordView& view);
// The properties a dataset and a data service share (with the DCAT-AP-NL defaults).
void describeResource(Node& subject, const RecordView& view, const std::string& itemUrl, const CatalogInfo& info);
// The licence IRI for the record's `license` (the DCAT-AP-NL list's value where the licence is on
// it); `note` says why when it is not from the list or was defaulted ("" otherwise).
struct LicenceChoice {
    std::string iri;
    std::string note;
};
LicenceChoice licenceOf(const RecordView& view);
// The dataset or data service a record describes, with its distributions (or endpoints).
NodePtr resourceNode(const RecordView& view, const std::string& itemUrl, const CatalogInfo& info);
NodePtr catalogRecordNode(const RecordView& view, const std::string& itemUrl, const NodePtr& resource,
                          const CatalogInfo& info);
std::string serialise(Format format, const Graph& graph);

}  // namespace detail

namespace rdf::detail {

using NodePtr = std::shared_ptr<Node>;

// prefix:local when the IRI is in a known namespace and the local part is simple; "" otherwise.
std::string compact(const std::string& iriText);

// Merges every node with an IRI into one subject per IRI (first-seen order); nested IRI nodes become
// references. Blank nodes stay nested where they are.
struct Flattened {
    std::vector<NodePtr> subjects;  // the IRI nodes and top-level blank nodes, merged
    std::map<std::string, NodePtr> byIri;
    std::set<const Node*> done;  // source nodes already merged (a node referenced twice is merged once)
};
Flattened flatten(const Graph& graph);

// Properties grouped by predicate, in first-seen order.
std::vector<std::pair<std::string, std::vector<const Object*>>> grouped(const Node& subject);

}  // namespace rdf::detail

}  // namespace tweeling::registry::api::dcat
