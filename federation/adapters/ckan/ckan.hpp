#pragma once
// CKAN catalogs (data.overheid.nl, data.europa.eu's national portals, demo.ckan.org) as a harvest
// source. A CKAN package (an element of package_search's `result.results`, or package_show's
// `result`) is not a twin record; mapCkanPackage() maps one onto the twin profile
// (schemas/twin-record.schema.json) so it is still findable. What the profile needs and the package
// does not say becomes a warning, not a rejection, as long as the record is still useful (it has an
// id and a title). The mapping is in mapper.hpp and the files next to it, one per part of the record;
// docs/CATALOGS.md, "CKAN", has it as a table.
//
// Mapping (CKAN member -> twin member; "W" = kept with a warning, "R" = rejected):
//
//  id            `name` (the package's URL name), else `id`. Neither, or longer than 256 characters: R.
//  geometry      extra `spatial` (GeoJSON text, as ckanext-spatial stores it): its WGS84 envelope as a
//                bbox polygon (a Point when it has no extent); else the extras `bbox-west-long`,
//                `bbox-south-lat`, `bbox-east-long`, `bbox-north-lat` (ckanext-dcat). Neither or
//                unusable: geometry null, W.
//  links         one link rel "via" to the package's page, {catalog}/dataset/{name}: where the record
//                came from.
//  properties.
//   type         always "dataset" (CKAN packages are datasets; `type` says which CKAN schema).
//   title        `title`; missing or empty: R.
//   description  `notes`; missing or empty: the title, W.
//   keywords     `tags[].name` (or `display_name`), then `groups[].title` (or `name`).
//   themes       twin themes whose search terms (record/vocabulary.hpp) occur in a tag or group, plus
//                the few CKAN words of kCkanThemeWords (text_and_themes.cpp). None: no themes, W.
//   publisher    `organization`: name = its `title` (else `name`), id = {catalog}/organization/{name},
//                the organization's page at the catalog (W: no TOOI URI). No organization (null, as
//                on demo.ckan.org): the source id as name, id {catalog}#publisher-{slug}, W.
//   contacts     `maintainer`/`maintainer_email` (role pointOfContact) and `author`/`author_email`
//                (role author); an email without a name is named by its address. None: the publisher
//                as contact, W.
//   license      `license_id` as an SPDX id where recognisable (cc-by -> CC-BY-4.0, cc-zero ->
//                CC0-1.0, odc-odbl -> ODbL-1.0, ...), else `license_url`, else `license_title`, else
//                `license_id` as is. None: W.
//   rights       "non-public" when `private` is true, else "public".
//   updated      `metadata_modified` (CKAN writes UTC without an offset: "Z" is added); missing or
//                unreadable: R (the profile's essential member).
//   created      `metadata_created`, the same way.
//   distributions  `resources[]` with an http(s) `url`: format by adapters::guessFormat from the url
//                and `mimetype` (or `format` where it names a media type or protocol), then CKAN's
//                `format` word (CityJSON, 3D Tiles, LAS, ...); `mimetype` -> mediaType; `size` ->
//                byteSize; `hash` -> checksum (algorithm from an "md5:"/"sha256:" prefix or the
//                hash's length); `name` -> title. None: the package page as the only distribution, W.
//   source       {"kind": "ckan", "extras": {key: value, ...}}: the package's extras kept verbatim
//                (strings only; the spatial and bbox extras too), so nothing the catalog said is lost.
//   crs, adminUnits  CKAN has neither: the profile's warnings.
//
// Nothing here throws on hostile input (not an object, wrong types everywhere, huge arrays): such
// input yields rejections or warnings.
#include <optional>
#include <string>
#include <vector>

#include "adapters/mapped_record.hpp"
#include "common/json.hpp"
#include "record/profile.hpp"

namespace tweeling::federation::adapters {

// context.catalogUrl is the CKAN base ("https://data.overheid.nl/data"), without /api/3.
MappedRecord mapCkanPackage(const common::JsonValue& package, const MappingContext& context,
                            const registry::record::Profile& profile);

// The package's page at the catalog: {catalogUrl}/dataset/{name}.
std::string ckanPackageUrl(const std::string& catalogUrl, const std::string& name);

// One page of package_search: {success: true, result: {count, results: [...]}}.
struct CkanSearchPage {
    std::vector<const common::JsonValue*> packages;  // point into the page; objects or not
    long long count = 0;
};

// Returns an error text when `page` is not a successful package_search envelope (success not true,
// no result object, no non-negative integer count, no results array). `out` is reset first.
std::optional<std::string> readCkanSearchPage(const common::JsonValue& page, CkanSearchPage& out);

// The package of a package_show response ({"success": true, "result": {package}}), or an error
// text (the catalog's own message, cut to 200 characters, when it gives one). `out` is set to null
// first.
std::optional<std::string> readCkanPackageShow(const common::JsonValue& response, const common::JsonValue*& out);

}  // namespace tweeling::federation::adapters
