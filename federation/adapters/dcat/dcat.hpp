#pragma once
// DCAT-AP catalogs (data.europa.eu, the Dutch DCAT-AP-NL portals, a Tweeling node's own items?f=ttl)
// as a harvest source. A page of the catalog is RDF — Turtle, N-Triples or JSON-LD, read into one
// bounded triple graph (rdf.hpp) — and each dcat:Dataset and dcat:DataService in it is mapped onto
// the twin profile (schemas/twin-record.schema.json) by mapDcatResource(). What the profile needs
// and the resource does not say becomes a warning, not a rejection, as long as the record is still
// useful (it has an id and a title). The mapping is in mapper.hpp and the files next to it, one per
// part of the record; docs/CATALOGS.md, "DCAT-AP", has it as a table.
//
// Mapping (DCAT-AP property -> twin member; "W" = kept with a warning, "R" = rejected). Literals
// in several languages: Dutch, else English, else one without a language tag, else any.
//
//  id            dct:identifier (a literal), else the resource's IRI. Neither (a blank node without
//                an identifier), or longer than 256 characters: R.
//  geometry      dct:spatial's locn:geometry or dcat:bbox: a WKT literal (gsp:wktLiteral, optionally
//                led by a CRS IRI: CRS84 or EPSG:4326 (axes swapped)) or a GeoJSON literal, as its
//                WGS84 envelope (a box polygon, or a Point). None usable: geometry null, W; a
//                dct:Location IRI without geometry (a place name IRI) is kept in properties.source.
//  links         "via" the resource's IRI (when http(s)): where the record came from; dcat:landingPage
//                as "describedby" (text/html); a DataService's dcat:endpointDescription as
//                "service-desc".
//  properties.
//   type         dcat:Dataset "dataset", dcat:DataService "service".
//   title        dct:title; missing: R.
//   description  dct:description; missing: the title, W.
//   keywords     dcat:keyword (every language, each once).
//   themes       every dcat:theme IRI as a concept of its scheme (the IRI without its last segment;
//                the EU data themes' scheme for theirs); the twin themes whose search terms occur in
//                a keyword or a theme's skos:prefLabel, as the twin scheme. No twin theme: W.
//   publisher    dct:publisher: id its IRI (TOOI organisation IRIs, https://identifier.overheid.nl/
//                tooi/id/..., as they are; another http(s) IRI, W: not a TOOI URI), name its
//                foaf:name (else skos:prefLabel, vcard:fn). No name: the IRI's last segment, W. A
//                blank node: {catalog}#publisher-{slug}, W. No publisher: the source id, W.
//   contacts     dcat:contactPoint (vCard): vcard:fn -> name (vcard:organization-name ->
//                organization), vcard:hasEmail -> emails, vcard:hasTelephone -> phones,
//                vcard:hasURL -> links; role pointOfContact. None: the publisher, W.
//   license      dct:license of the resource, else of its distributions: an SPDX id when the IRI is a
//                known one (SPDX, EU licence authority, Creative Commons; adapters/licenses.hpp) or its
//                skos:exactMatch is, else the IRI, else its rdfs:label / dct:title. None: W.
//   rights       dct:accessRights (DCAT-AP access-right PUBLIC/RESTRICTED/NON_PUBLIC, INSPIRE
//                limitations); else "public" for an open licence, W; else none, W.
//   updated      dct:modified, else dct:issued (W), else dct:created (W), else the catalog record's
//                (dcat:CatalogRecord foaf:primaryTopic) dct:modified (W); none: 1970-01-01 stands
//                for unknown, W.
//   created      dct:created, else dct:issued.
//   time         dct:temporal's dcat:startDate / dcat:endDate as an interval (an open end "..").
//   distributions  dcat:distribution: dcat:downloadURL, else dcat:accessURL (http(s) only) -> href;
//                format by adapters::guessFormat from the URL and dcat:mediaType (else dct:format: a
//                media type, an EU file-type IRI (its last segment as a file suffix) or a word);
//                dct:title -> title; dcat:byteSize -> byteSize. A DataService: its dcat:endpointURL,
//                the format by the URL and dct:conformsTo (OGC standards). None: the landing page,
//                else the resource's IRI, W.
//   crs          dct:conformsTo EPSG IRIs (of the resource), as the profile writes them.
//   updateFrequency  dct:accrualPeriodicity's IRI.
//   source       {"kind": "dcat", "iri", "page", "types", "accessRights", "conformsTo", "spatial",
//                "applicableLegislation", "hvdCategory", "distributionConformsTo"}: the IRI the record
//                was mapped from, the catalog page it was read on, and what the profile has no
//                member for.
//
// Nothing here throws on hostile input: the readers throw rdf::RdfError, which readDcatPage turns
// into an error text; the mapper yields rejections or warnings.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/dcat/rdf.hpp"
#include "adapters/mapped_record.hpp"
#include "record/profile.hpp"

namespace tweeling::federation::adapters {

// One resource (a dcat:Dataset or dcat:DataService) of a catalog page's graph.
struct DcatResource {
    const rdf::Graph& graph;
    rdf::TermId node;
    std::string pageUrl;  // the page it was read on (provenance)
};
inline bool isRecordShaped(const DcatResource&) {
    return true;
}

// context.catalogUrl is the source's URL (the catalog's first page).
MappedRecord mapDcatResource(const DcatResource& resource, const MappingContext& context,
                             const registry::record::Profile& profile);

// One page of a DCAT catalog.
struct DcatPage {
    std::unique_ptr<rdf::Graph> graph;
    rdf::Syntax syntax = rdf::Syntax::Unknown;
    std::vector<rdf::TermId> resources;  // the page's datasets, then its data services
    // Hydra paging: the next page's URL, resolved against the page's URL ("" on the last page or an
    // unpaged catalog), from hydra:next (a hydra:PartialCollectionView) or hydra:nextPage (the older
    // hydra:PagedCollection).
    std::string next;
    bool paged = false;  // the page names a Hydra view or paged collection
};

// Reads a page: chooses the reader by `contentType` (else by its first characters), reads the graph
// within `limits`, lists its resources and its next page. Returns an error text for a page that
// cannot be read (malformed, over a limit, an unknown remote JSON-LD context); `out` is reset first.
std::optional<std::string> readDcatPage(std::string_view body, std::string_view contentType, const std::string& pageUrl,
                                        DcatPage& out, rdf::RdfLimits limits = {});

// What the hub asks a DCAT catalog for (Turtle first: it is what serd reads fastest and every
// DCAT-AP portal serves it).
inline constexpr const char* kDcatAccept = "text/turtle, application/ld+json;q=0.9, application/n-triples;q=0.8";

}  // namespace tweeling::federation::adapters
