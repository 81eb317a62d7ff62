#pragma once
// CSW 2.0.2 catalogs speaking ISO 19115/19139 (GeoNetwork, as the Nationaal Georegister runs it in
// the Dutch metadata profile 2.0; pycsw) as a harvest source. An ISO record (gmd:MD_Metadata, or
// gmi:MI_Metadata) is not a twin record; mapIsoRecord() maps one onto the twin profile
// (schemas/twin-record.schema.json). Elements are found by namespace URI and local name, never by
// prefix (adapters/xml.hpp). The mapping is in mapper.hpp and the files next to it, one per part of
// the record; docs/CATALOGS.md, "CSW 2.0.2 with ISO 19139", has it as a table.
//
// Mapping (ISO element -> twin member; "W" = kept with a warning, "R" = rejected; `ident` is
// gmd:identificationInfo/(gmd:MD_DataIdentification | srv:SV_ServiceIdentification)):
//
//  id            gmd:fileIdentifier. Missing, or not a record id (record::idProblem): R.
//  geometry      ident/gmd:extent/gmd:EX_Extent/gmd:geographicElement/gmd:EX_GeographicBoundingBox
//                (all of them: their envelope) as a box polygon. None or not WGS84: null, W.
//  time          ident/.../gmd:temporalElement/gmd:EX_TemporalExtent/gmd:extent: gml:TimePeriod
//                (beginPosition/endPosition, or begin/end TimeInstant) -> interval ("now"/"unknown"
//                ends are open); gml:TimeInstant/timePosition -> date or timestamp. gml and gml32.
//  links         rel "via": the record's GetRecordById URL at the catalog (cswRecordByIdUrl).
//  properties.
//   type         gmd:hierarchyLevel/gmd:MD_ScopeCode@codeListValue: dataset, series -> "dataset";
//                service -> "service"; model -> "model"; anything else or none: "dataset", W.
//   title        ident/gmd:citation/gmd:CI_Citation/gmd:title; missing: R.
//   description  ident/gmd:abstract; missing: the title, W.
//   keywords     ident/gmd:descriptiveKeywords/gmd:MD_Keywords/gmd:keyword of a thesaurus that is
//                not GEMET or INSPIRE (or of none).
//   themes       keywords of a GEMET or INSPIRE thesaurus (gmd:thesaurusName/gmd:CI_Citation/
//                gmd:title) -> a theme {scheme: the thesaurus' gmx:Anchor href, else its well-known
//                URI, concepts: [{id: the keyword's gmx:Anchor href, else its text; title}]}; plus the
//                twin themes whose search terms occur in any keyword (twin scheme). None: W.
//   publisher    the first CI_ResponsibleParty (ident/gmd:pointOfContact, then gmd:contact) with role
//                publisher, else owner, custodian, distributor, originator, pointOfContact, else the
//                first: name = organisationName; id = its gmx:Anchor href, else the party's
//                onlineResource URL, else {catalog}#publisher-{slug} (W unless a TOOI URI).
//   contacts     every CI_ResponsibleParty: organisationName (-> organization), individualName
//                (-> name), positionName, electronicMailAddress, onlineResource URL, role. None: W.
//   crs          gmd:referenceSystemInfo/.../gmd:referenceSystemIdentifier/gmd:RS_Identifier/gmd:code
//                (gmx:Anchor href or text, with gmd:codeSpace "EPSG"), through geo::crsId, or a Dutch
//                CRS's name ("Amersfoort / RD New" -> EPSG:28992) -> EPSG URIs. None recognised: W.
//   updated      gmd:dateStamp (gco:DateTime or gco:Date); missing or not a date: R.
//   created      ident's citation date of type creation (else publication).
//   license      ident/gmd:resourceConstraints/gmd:MD_LegalConstraints/gmd:otherConstraints and
//                gmd:useLimitation: a gmx:Anchor href or text that is a known licence -> SPDX
//                (adapters/licenses.hpp), else the first http(s) anchor href, else the first text.
//                None: W.
//   rights       gmd:accessConstraints restricted/confidential/secret/... -> "restricted", else "public".
//   language     gmd:language/gmd:LanguageCode@codeListValue (dut -> nl, eng -> en, ...).
//   distributions  gmd:distributionInfo/.../gmd:onLine/gmd:CI_OnlineResource (http(s) linkage/URL;
//                format by adapters::guessFormat from the URL and gmd:protocol (OGC:WMS, OGC:WFS,
//                OGC:API-Features, INSPIRE Atom, download ...); gmd:name -> title) and, for service
//                metadata, srv:containsOperations/srv:SV_OperationMetadata/srv:connectPoint. Web pages
//                (protocol WWW:LINK, landing page) go to links instead. None: W.
//   source       {"kind": "csw", "fileIdentifier", "hierarchyLevel", "metadataStandard",
//                "resourceIdentifiers", "lineage" (gmd:dataQualityInfo/.../gmd:LI_Lineage/
//                gmd:statement), "serviceType", "serviceTypeVersion", "operations" [{name, url}],
//                "useLimitations", "otherConstraints", "referenceSystems" (as written)}: what the
//                profile has no member for.
//   adminUnits   ISO has none: the profile's warning.
//
// Nothing here throws on hostile input: such input yields rejections or warnings.
#include <optional>
#include <string>
#include <vector>

#include "adapters/mapped_record.hpp"
#include "adapters/xml.hpp"
#include "record/profile.hpp"

namespace tweeling::federation::adapters {

// context.catalogUrl is the CSW endpoint (".../geonetwork/srv/dut/csw"), without a query.
// `metadata` is a gmd:MD_Metadata (or gmi:MI_Metadata) element; anything else is rejected.
MappedRecord mapIsoRecord(const xml::Element& metadata, const MappingContext& context,
                          const registry::record::Profile& profile);

// The record's GetRecordById URL (KVP, ISO 19139, full): where a harvested record came from.
std::string cswRecordByIdUrl(const std::string& catalogUrl, const std::string& fileIdentifier);

// One page of GetRecords: csw:GetRecordsResponse/csw:SearchResults.
struct CswSearchPage {
    long long matched = 0;              // numberOfRecordsMatched
    long long returned = 0;             // numberOfRecordsReturned
    long long next = 0;                 // nextRecord (0: no more)
    std::vector<xml::Element> records;  // the gmd:MD_Metadata (gmi:MI_Metadata) children, in order
};

// Returns an error text when `root` is not a GetRecordsResponse with ISO records: an
// ows:ExceptionReport (its code, locator and text), another document, SearchResults without
// non-negative integer counts, or records in another schema (csw:Record). `out` is reset first.
std::optional<std::string> readCswGetRecordsResponse(const xml::Element& root, CswSearchPage& out);

// The ISO record of a GetRecordById response (csw:GetRecordByIdResponse, or a bare gmd:MD_Metadata),
// or an error text (an ows:ExceptionReport, no record).
std::optional<std::string> readCswGetRecordByIdResponse(const xml::Element& root, xml::Element& record);

// Why `root` is an ows:ExceptionReport ("ows:ExceptionReport: InvalidParameterValue (outputSchema):
// ..."), or nullopt when it is not one.
std::optional<std::string> cswException(const xml::Element& root);

}  // namespace tweeling::federation::adapters
