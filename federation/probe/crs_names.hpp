#pragma once
// The names probes give CRSs in AssetFacts: "EPSG:<code>" whatever spelling an asset uses for an
// EPSG CRS, and "OGC:CRS84" for longitude/latitude in degrees, so that claims and the assembly
// compare one form.
#include <string>
#include <string_view>

namespace tweeling::federation::probe {

// "EPSG:7415" for https://www.opengis.net/def/crs/EPSG/0/7415 (http or https),
// urn:ogc:def:crs:EPSG::7415 (or with a version) and EPSG:7415; "" for anything else, CRS84
// included (it is not EPSG:4326: its axes are longitude, latitude).
std::string epsgName(std::string_view text);
std::string epsgName(long long code);  // "" unless 0 < code < 10^9

// epsgName, or "OGC:CRS84" for the OGC CRS84 URI or URN; "" otherwise.
std::string crsName(std::string_view text);

// Whether `text` is the OGC URI of an EPSG CRS (https or http://www.opengis.net/def/crs/EPSG/0/<code>),
// the form CityJSON and OGC API documents are to use.
bool isEpsgCrsUri(std::string_view text);

}  // namespace tweeling::federation::probe
