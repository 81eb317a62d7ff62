#pragma once
// Generic OGC API – Records (and Features) catalogs as a harvest source: pycsw, pygeoapi, GeoNetwork.
// Their records are Records GeoJSON records, not twin records. mapOgcRecord() maps one onto the twin
// profile (schemas/twin-record.schema.json) so it is still findable; what the twin profile needs and
// the foreign record does not say becomes a warning, not a rejection, as long as the record is still
// useful (it has an id, a title and a usable or null footprint). See docs/ARCHITECTURE.md, "Where to
// add things", for adding another kind of catalog.
// The mapping is in mapper.hpp and the files next to it, one per part of the record.
//
// Mapping (foreign member -> twin member; "W" = kept with a warning, "R" = rejected):
//
//  id            `id` string as is; a number becomes its decimal text. Missing, empty, other type or
//                longer than 256 characters: R.
//  type          always "Feature".
//  geometry      Polygon / MultiPolygon / Point that pass the profile's rules: kept. An axis-aligned
//                rectangle written with minimum and maximum swapped is rewritten in bbox order (same
//                shape). Other GeoJSON types (LineString, MultiPoint, GeometryCollection, ...) and
//                polygons the profile would refuse (unclosed ring, 4-number positions): their WGS84
//                envelope as a bbox polygon (a Point when the envelope is one point), W. Missing or
//                null: the envelope of top-level `bbox` or properties.extent.spatial.bbox (CRS84 only),
//                W; nothing: `geometry: null`, W ("not findable by bbox"). A geometry that is present
//                but unusable (not an object, coordinates out of lon/lat range such as RD New metres,
//                no numbers) and no usable bbox: R. A bbox with west > east (across the antimeridian)
//                becomes a MultiPolygon of two boxes.
//  time          the first usable of: top-level `time` (interval / date / timestamp, or a bare date
//                string), properties.extent.temporal.interval (pygeoapi; `[a,b]` or `[[a,b]]`),
//                properties.datetime, properties.start_datetime/end_datetime (STAC). Ends null or
//                ".." are open; an interval open at both ends (pygeoapi's `[null,null]`) says nothing
//                and is dropped, W. A date-time without offset gets "Z", W. No time at all: no time,
//                no warning (time is optional in the profile).
//  properties.
//   type         Records / ISO scope / DCAT values, case-insensitive, the last segment of a URI:
//                dataset, series, datasetseries, nongeographicdataset, collection, tile, feature,
//                document -> dataset; service, dataservice, webservice, api -> service; application
//                -> service (W); model, 3dmodel, digitaltwin, software -> model; simulation,
//                simulationresult, simulationoutput, modelrun, scenario -> simulation-result when a
//                lineage with model, version, scenario and runDate is present, else dataset (W).
//                Missing or unknown: dataset, W.
//   title        properties.title (a non-empty string), else top-level `title`. Missing: R.
//   description  properties.description; missing or empty: the title, W.
//   publisher    in this order: properties.publisher (twin {id, name}, or {name|organization|
//                organizationName, links / url / contactInfo.onlineResource.href}, or a string); the
//                first contact with role publisher, pointOfContact, custodian, owner, originator,
//                distributor, producer, resourceProvider (in that order of preference); properties.
//                providers (pygeoapi: strings "Team, mail@org, Organisation"; STAC: {name, url}); the
//                first contact of any role (W). name = organization, else name. id = a TOOI URI kept
//                as is; else the contact's first http(s) link / identifier (W "publisher has no TOOI
//                URI"); else catalogUrl (fragment removed) + "#publisher-" + slug of the name (W).
//                Nothing at all: the source id (or the catalog's host) as name, W.
//   contacts     properties.contacts normalised to Records contact objects the profile accepts: name,
//                organization (also organizationName), position, identifier, emails (objects or
//                strings; also `email`), phones (also `phone`), links (http `url` -> rel "about"),
//                roles (a string becomes a list; also `role`), contactInstructions, hoursOfService;
//                other members (addresses, logo) are left out. A contact without name or
//                organization is dropped, W. None: from the providers strings (W), else one contact
//                {organization: publisher name, links, roles ["publisher"]} from the publisher (W).
//   themes       Records themes with a scheme are kept (string concepts become {id}); concepts of the
//                twin scheme that are not twin themes are dropped (W). Themes without a scheme
//                (pygeoapi) cannot be Records themes: their concepts become keywords (W). Twin themes
//                are derived from keywords, theme concept ids/titles and the title by the Dutch and
//                English search terms of the theme table (registry/record/vocabulary.hpp), in the
//                table's order, e.g. gebouwen/buildings -> buildings, hoogte/AHN/terrain/elevation ->
//                terrain, bomen/trees -> vegetation,
//                puntenwolk/point cloud/lidar -> pointcloud, hittestress/heat stress -> heat-stress,
//                overstroming/wateroverlast/flood -> flooding, geluid/noise -> noise, stikstof ->
//                nitrogen, luchtkwaliteit -> air-quality, energie -> energy, BIM/IFC -> bim; found:
//                added as the first theme, W ("guessed"); none: W.
//   keywords     properties.keywords (strings; a single string is accepted), plus scheme-less theme
//                concepts, deduplicated.
//   distributions properties.distributions (twin form) and `links` with rel enclosure, download,
//                item, items, data, service; alternate only when its media type names a data format;
//                any other non-navigation rel (e.g. "describes") only when the link is an OGC service
//                (type "OGC:WMS"-like or href query service=WMS|WMTS|WFS|WCS). Format from, in order:
//                the OGC protocol (link type "OGC:WMS" / href service=...: WMS -> wms, WMTS -> wmts,
//                WFS with outputFormat csv/json/gpkg/shape-zip -> csv/geojson/gpkg/other, WFS -> other
//                "WFS", API features -> ogcapi-features), the media type (application/city+json ->
//                cityjson, application/geo+json -> geojson, text/csv -> csv, application/geopackage+
//                sqlite3 -> gpkg, model/gltf-* -> gltf, application/vnd.laszip(+copc) -> laz/copc,
//                ...), the href's file name (tileset.json -> 3dtiles, .city.json, .laz, .ifc, .gpkg,
//                ...); else other. A generic link type (none, application/octet-stream,
//                application/zip) gives way to the file name's format and media type. A link `type`
//                that is not a media type ("OGC:WMS", "download") is never used as mediaType. formatVersion from the href's version= or the format's
//                usual version, else "unknown" (W, one warning per record). Relative hrefs are
//                resolved against the record's URL; non-http(s) hrefs are dropped (W). byteSize from
//                link `length`. Links that became distributions are removed from `links` (storage
//                re-derives them as enclosure/service links). None usable: the record's own
//                self/alternate link, else catalogUrl/items/{id}, as format "other", W.
//   adminUnits   properties.adminUnits entries that are CBS codes; none: left out, W (a later step may
//                infer them from the footprint).
//   crs          properties.crs (string or list) and EPSG references in properties.conformsTo /
//                top-level conformsTo, normalised to http://www.opengis.net/def/crs/EPSG/0/N
//                ("EPSG:N", "urn:ogc:def:crs:EPSG::N", https form; CRS84 -> EPSG/0/4326). None:
//                EPSG/0/4326, W.
//   license      properties.license (a string; "other" and the like defer to a rel=license link),
//                else the href of a rel=license link; none: left out, W.
//   rights       properties.rights / accessRights / accessConstraints when they name an access level
//                (public/openbaar/EU PUBLIC -> public, restricted/beperkt -> restricted,
//                non-public/niet-openbaar/confidential -> non-public). Otherwise: public with a warning
//                when the licence is open (CC0, CC-BY*, ODbL, PDDL, OGL, public domain, ...); else left
//                out, W (access is never claimed without a hint).
//   updated      properties.updated, modified, dateStamp, created (RFC 3339; a date-time without
//                offset gets "Z", a year or year-month its first day, W). None: "1970-01-01", W. Not
//                "now": the mapped record is hashed for change detection, so it must not change
//                between two harvests of the same foreign record.
//   created, language (a string becomes {code}), externalIds, lod, accuracy, updateFrequency,
//                lineage: kept when they have the profile's form, left out otherwise.
//  links         the foreign links that are well-formed link objects (hrefs resolved; a `type` that is
//                not a media type left out), minus those that became distributions.
//  conformsTo    the foreign entries that are URIs (non-EPSG).
//
// Warning pointers name the foreign member that was read (e.g. /properties/extent/temporal/interval)
// or the twin member that was filled in or left out (e.g. /properties/publisher/id). At most 1000
// entries of any foreign array (links, contacts, keywords, themes, ...) are read.
//
// Then profile.validate() runs on the result: a problem at or inside a pointer already rejected is
// not repeated; problems registry::record::isEssentialProblem names ("", /id, /type, /geometry...,
// /properties/title..., /properties/updated...) are rejections; a problem at or inside a pointer
// already warned about is not repeated; everything else is a warning (pointer kept). The mapped
// record is always a JSON object that registry::record::extractIndexFields and normalizeForStorage
// accept.
//
// Nothing here throws on hostile input (not an object, wrong types everywhere, huge arrays, deep
// nesting): such input yields rejections or warnings.
#include <optional>
#include <string>
#include <vector>

#include "adapters/content_hash.hpp"
#include "adapters/mapped_record.hpp"
#include "adapters/url.hpp"
#include "common/json.hpp"
#include "common/problem.hpp"
#include "record/profile.hpp"

namespace tweeling::federation::adapters {

MappedRecord mapOgcRecord(const common::JsonValue& foreign, const MappingContext& context,
                          const registry::record::Profile& profile);

// One items page of an OGC API – Records / Features collection: its features (every element of
// `features`, objects or not: mapOgcRecord rejects what is not a record) and its `next` link. When
// there are several next links, the first with a JSON media type (or none) wins over HTML ones; its
// href is resolved against pageUrl (RFC 3986). `numberMatched` when it is a non-negative integer.
struct ItemsPage {
    std::vector<const common::JsonValue*> features;  // point into the page
    std::string nextUrl;                             // "" on the last page
    std::optional<long long> numberMatched;
};

// Returns an error text if `page` is not a GeoJSON FeatureCollection with a `features` array, or if
// its next link is unusable (not http(s) after resolution, or pointing back to pageUrl: a crawl that
// stops there must not be taken as complete). `out` is reset first.
std::optional<std::string> readItemsPage(const common::JsonValue& page, const std::string& pageUrl, ItemsPage& out);

}  // namespace tweeling::federation::adapters
