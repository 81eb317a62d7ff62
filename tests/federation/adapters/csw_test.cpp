// The CSW adapter against real pycsw responses and a Dutch record written in the Nationaal
// Georegister's shape: page reading, the ISO 19139 mapping with concrete values, namespaces bound
// to other prefixes, and hostile XML (malformed, entity bombs, external entities).
#include "adapters/csw/csw.hpp"

#include <catch2/catch.hpp>
#include <regex>
#include <string>
#include <vector>

#include "adapters/xml.hpp"
#include "common/json.hpp"
#include "record/profile.hpp"
#include "support/http_client.hpp"

using tweeling::common::JsonValue;
using tweeling::common::toString;
using tweeling::registry::record::Profile;
using tweeling::test::readFile;
using tweeling::test::sourcePath;
using namespace tweeling::federation::adapters;

namespace {

const char* const kCatalog = "https://nationaalgeoregister.nl/geonetwork/srv/dut/csw";

std::string fixture(const std::string& name) {
    return readFile(sourcePath("tests/fixtures/csw/" + name));
}

xml::Document parseXml(const std::string& text) {
    std::string error;
    xml::Document document = xml::Document::parse(text, error);
    INFO(error);
    REQUIRE(document);
    return document;
}

MappedRecord mapText(const std::string& text) {
    xml::Document document = parseXml(text);
    return mapIsoRecord(document.root(), {"ngr", kCatalog}, Profile::builtin());
}

std::string str(const JsonValue& value) {
    return value.IsString() ? value.GetString() : toString(value);
}

bool hasProblemAt(const tweeling::common::Problems& problems, const std::string& pointer) {
    for (const auto& problem : problems)
        if (problem.pointer == pointer) return true;
    return false;
}

}  // namespace

TEST_CASE("csw: a real GetRecords page gives its counts and its ISO records", "[csw]") {
    xml::Document document = parseXml(fixture("pycsw-apiso__GetRecords-all_full_iso19139.xml"));
    CswSearchPage page;
    auto error = readCswGetRecordsResponse(document.root(), page);
    INFO(error.value_or(""));
    REQUIRE_FALSE(error);
    CHECK(page.matched == 18);
    CHECK(page.returned == 5);
    CHECK(page.next == 6);
    REQUIRE(page.records.size() == 5);

    // Every record maps; none is rejected (they all have an id, a title and a dateStamp).
    std::vector<std::string> ids;
    for (const auto& record : page.records) {
        MappedRecord mapped = mapIsoRecord(record, {"pycsw", "http://localhost/csw"}, Profile::builtin());
        INFO(mapped.id);
        CHECK(mapped.rejections.empty());
        ids.push_back(mapped.id);
    }
    CHECK(ids.front() == "3e9a8c05");
}

TEST_CASE("csw: pycsw's service record maps to a twin service record with concrete values", "[csw]") {
    xml::Document document = parseXml(fixture("pycsw-apiso__GetRecords-all_full_iso19139.xml"));
    CswSearchPage page;
    REQUIRE_FALSE(readCswGetRecordsResponse(document.root(), page));
    MappedRecord mapped = mapIsoRecord(page.records.front(), {"pycsw", "http://localhost/csw"}, Profile::builtin());
    REQUIRE(mapped.rejections.empty());
    const JsonValue& record = mapped.record;
    const JsonValue& p = record["properties"];
    CHECK(str(record["id"]) == "3e9a8c05");
    CHECK(str(p["type"]) == "service");
    CHECK(str(p["title"]) == "test Title");
    CHECK(str(p["description"]) == "test Abstract");
    CHECK(str(p["updated"]) == "2011-04-18");
    CHECK(str(p["created"]) == "2011-04-19");
    CHECK(str(p["publisher"]["name"]) == "NTUA");
    // Its footprint is its EX_GeographicBoundingBox (19.37 29.61 34.80 41.75) as a polygon.
    REQUIRE(record["geometry"].IsObject());
    CHECK(str(record["geometry"]["type"]) == "Polygon");
    CHECK(record["geometry"]["coordinates"][0][0][0].GetDouble() == Approx(19.37));
    CHECK(record["geometry"]["coordinates"][0][2][1].GetDouble() == Approx(41.75));
    // The GEMET keyword is a theme under GEMET's scheme, not a plain keyword.
    REQUIRE(p.HasMember("themes"));
    bool gemet = false;
    for (const auto& theme : p["themes"].GetArray())
        if (str(theme["scheme"]) == "http://www.eionet.europa.eu/gemet/") {
            gemet = true;
            CHECK(str(theme["concepts"][0]["id"]) == "administration");
        }
    CHECK(gemet);
    REQUIRE(p.HasMember("keywords"));
    CHECK(str(p["keywords"][0]) == "Geographic viewer (humanGeographicViewer)");
    // Its legal constraint's text stands for the licence; a source member says what ISO said.
    CHECK(str(p["license"]) == "no limitation");
    CHECK(str(p["source"]["kind"]) == "csw");
    CHECK(str(p["source"]["fileIdentifier"]) == "3e9a8c05");
    CHECK(str(p["source"]["hierarchyLevel"]) == "service");
    CHECK(str(p["source"]["useLimitations"][0]) == "Conditions unknown");
    // The provenance: the record's GetRecordById URL.
    CHECK(str(record["links"][0]["rel"]) == "via");
    CHECK(str(record["links"][0]["href"]) ==
          "http://localhost/csw?service=CSW&version=2.0.2&request=GetRecordById&elementSetName=full"
          "&outputSchema=http%3A%2F%2Fwww.isotc211.org%2F2005%2Fgmd&id=3e9a8c05");
}

TEST_CASE("csw: a real GetRecordById response and a bare record give the same ISO record", "[csw]") {
    xml::Document byId = parseXml(fixture("pycsw-apiso__GetRecordById-full.xml"));
    xml::Element record;
    auto error = readCswGetRecordByIdResponse(byId.root(), record);
    INFO(error.value_or(""));
    REQUIRE_FALSE(error);
    REQUIRE(record);
    MappedRecord mapped = mapIsoRecord(record, {"pycsw", "http://localhost/csw"}, Profile::builtin());
    CHECK(mapped.rejections.empty());
    CHECK_FALSE(mapped.id.empty());

    xml::Document bare = parseXml(fixture("pycsw-apiso__data_T_ortho_RAS_1998_284404_iso19139.xml"));
    xml::Element same;
    REQUIRE_FALSE(readCswGetRecordByIdResponse(bare.root(), same));
    MappedRecord ortho = mapIsoRecord(same, {"pycsw", "http://localhost/csw"}, Profile::builtin());
    INFO(toString(ortho.record));
    CHECK(ortho.rejections.empty());
    CHECK(ortho.id == "de53e931-778a-4792-94ad-9fe507aca483");
    const JsonValue& p = ortho.record["properties"];
    CHECK(str(p["type"]) == "dataset");
    CHECK(str(p["title"]) == "Ortho");
    CHECK(str(p["publisher"]["name"]) == "YPAAT");
    // Its INSPIRE theme under INSPIRE's scheme; its time period 1997-01-01 to 1999-01-01.
    CHECK(str(p["themes"][0]["scheme"]) == "http://inspire.ec.europa.eu/theme");
    CHECK(str(p["themes"][0]["concepts"][0]["id"]) == "Orthoimagery");
    CHECK(str(ortho.record["time"]["interval"][0]) == "1997-01-01");
    CHECK(str(ortho.record["time"]["interval"][1]) == "1999-01-01");
    CHECK(str(p["source"]["resourceIdentifiers"][1]) == "T_ortho_RAS_1998_284404.tif");
}

TEST_CASE("csw: the Dutch 3D record maps every part of the profile it can", "[csw]") {
    MappedRecord mapped = mapText(fixture("nl-3d-gebouwen-rotterdam.xml"));
    INFO(toString(mapped.record));
    REQUIRE(mapped.rejections.empty());
    const JsonValue& record = mapped.record;
    const JsonValue& p = record["properties"];
    CHECK(mapped.id == "b6f1c3a2-3d0e-4c5a-9f77-0a1b2c3d4e5f");
    CHECK(str(p["type"]) == "dataset");
    CHECK(str(p["title"]) == "3D-gebouwen Rotterdam (LoD2.2)");
    CHECK(str(p["updated"]) == "2025-09-15T10:30:00Z");
    CHECK(str(p["created"]) == "2024-03-01");
    CHECK(str(p["language"]["code"]) == "nl");
    // The TOOI anchor of the owner is the publisher's id (no warning about it).
    CHECK(str(p["publisher"]["name"]) == "Gemeente Rotterdam");
    CHECK(str(p["publisher"]["id"]) == "https://identifier.overheid.nl/tooi/id/gemeente/gm0599");
    CHECK_FALSE(hasProblemAt(mapped.warnings, "/properties/publisher/id"));
    REQUIRE(p["contacts"].Size() == 2);
    CHECK(str(p["contacts"][0]["name"]) == "Team 3D");
    CHECK(str(p["contacts"][0]["organization"]) == "Gemeente Rotterdam");
    CHECK(str(p["contacts"][0]["position"]) == "Beheerder 3D-stadsmodel");
    CHECK(str(p["contacts"][0]["emails"][0]["value"]) == "3d@rotterdam.example");
    CHECK(str(p["contacts"][0]["roles"][0]) == "owner");
    CHECK(str(p["contacts"][0]["links"][0]["href"]) == "https://www.rotterdam.example/3d");
    CHECK(str(p["contacts"][1]["roles"][0]) == "pointOfContact");
    // RD New by its EPSG anchor, RD New + NAP height by its name.
    REQUIRE(p["crs"].Size() == 2);
    CHECK(str(p["crs"][0]) == "http://www.opengis.net/def/crs/EPSG/0/28992");
    CHECK(str(p["crs"][1]) == "http://www.opengis.net/def/crs/EPSG/0/7415");
    // The INSPIRE theme under the thesaurus' anchor, with the concept's anchor as id; the twin
    // theme "buildings" from the keywords; "3D" stays a keyword.
    REQUIRE(p["themes"].Size() == 2);
    CHECK(str(p["themes"][0]["scheme"]) == "http://www.eionet.europa.eu/gemet/inspire_themes");
    CHECK(str(p["themes"][0]["concepts"][0]["id"]) == "http://inspire.ec.europa.eu/theme/bu");
    CHECK(str(p["themes"][0]["concepts"][0]["title"]) == "Gebouwen");
    CHECK(str(p["themes"][1]["scheme"]) == "https://w3id.org/tweeling/def/theme");
    CHECK(str(p["themes"][1]["concepts"][0]["id"]) == "buildings");
    CHECK(str(p["keywords"][0]) == "3D");
    // The CC BY 4.0 anchor is an SPDX licence; "otherRestrictions" does not restrict access.
    CHECK(str(p["license"]) == "CC-BY-4.0");
    CHECK(str(p["rights"]) == "public");
    // The time period is open at its end ("now").
    REQUIRE(record["time"]["interval"].Size() == 2);
    CHECK(str(record["time"]["interval"][0]) == "2023-01-01");
    CHECK(str(record["time"]["interval"][1]) == "..");
    // WMS, WFS, OGC API – Features and 3D Tiles are distributions with their twin formats; the
    // landing page is a link.
    const JsonValue& distributions = p["distributions"];
    REQUIRE(distributions.Size() == 4);
    CHECK(str(distributions[0]["format"]) == "wms");
    CHECK(str(distributions[0]["formatVersion"]) == "1.3.0");
    CHECK(str(distributions[0]["title"]) == "gebouwen_3d");
    CHECK(str(distributions[1]["format"]) != "wms");
    CHECK(str(distributions[1]["formatVersion"]).find("WFS") == 0);
    CHECK(str(distributions[2]["format"]) == "ogcapi-features");
    CHECK(str(distributions[3]["format"]) == "3dtiles");
    bool landing = false;
    for (const auto& link : record["links"].GetArray())
        if (str(link["rel"]) == "related" && str(link["href"]) == "https://www.rotterdam.example/3d-stadsmodel")
            landing = true;
    CHECK(landing);
    // What the profile has no member for is kept under properties.source.
    CHECK(str(p["source"]["lineage"]).find("AHN4") != std::string::npos);
    CHECK(str(p["source"]["resourceIdentifiers"][0]) == "https://data.rotterdam.example/id/3d-gebouwen");
    CHECK(str(p["source"]["referenceSystems"][1]) == "Amersfoort / RD New + NAP height");
    // Only adminUnits is missing (ISO has none): it is the one warning about the profile.
    CHECK(hasProblemAt(mapped.warnings, "/properties/adminUnits"));
}

TEST_CASE("csw: namespaces bound to other prefixes (or the default namespace) map the same", "[csw]") {
    std::string text = fixture("nl-3d-gebouwen-rotterdam.xml");
    MappedRecord original = mapText(text);
    // gmd -> a default namespace, gco -> "c", gmx -> "x", gml -> "g", xlink -> "l".
    std::string renamed = std::regex_replace(text, std::regex("xmlns:gmd="), "xmlns=");
    renamed = std::regex_replace(renamed, std::regex("(</?)gmd:"), "$1");
    renamed = std::regex_replace(renamed, std::regex("xmlns:gco="), "xmlns:c=");
    renamed = std::regex_replace(renamed, std::regex("(</?)gco:"), "$1c:");
    renamed = std::regex_replace(renamed, std::regex("xmlns:gmx="), "xmlns:x=");
    renamed = std::regex_replace(renamed, std::regex("(</?)gmx:"), "$1x:");
    renamed = std::regex_replace(renamed, std::regex("xmlns:gml="), "xmlns:g=");
    renamed = std::regex_replace(renamed, std::regex("(</?)gml:"), "$1g:");
    renamed = std::regex_replace(renamed, std::regex(" gml:id="), " g:id=");
    renamed = std::regex_replace(renamed, std::regex("xmlns:xlink="), "xmlns:l=");
    renamed = std::regex_replace(renamed, std::regex("xlink:href="), "l:href=");
    REQUIRE(renamed.find("gmd:") == std::string::npos);
    MappedRecord same = mapText(renamed);
    CHECK(toString(same.record) == toString(original.record));
    CHECK(same.warnings.size() == original.warnings.size());

    // The same local names in another namespace are not ISO elements: nothing is taken from them.
    std::string foreign = std::regex_replace(text, std::regex("http://www.isotc211.org/2005/gmd"), "urn:not-iso");
    MappedRecord notIso = mapText(foreign);
    REQUIRE_FALSE(notIso.rejections.empty());
    CHECK(notIso.rejections.front().pointer.empty());
}

TEST_CASE("csw: what cannot become a twin record is rejected with its reasons", "[csw]") {
    std::string text = fixture("nl-3d-gebouwen-rotterdam.xml");
    // No fileIdentifier, no title, no dateStamp: three reasons.
    std::string broken = std::regex_replace(text, std::regex("<gmd:fileIdentifier>.*</gmd:fileIdentifier>"), "");
    broken = std::regex_replace(
        broken, std::regex("<gmd:title><gco:CharacterString>3D-gebouwen[^<]*</gco:CharacterString></gmd:title>"), "");
    broken = std::regex_replace(broken, std::regex("<gmd:dateStamp>.*</gmd:dateStamp>"), "");
    MappedRecord mapped = mapText(broken);
    CHECK(hasProblemAt(mapped.rejections, "/id"));
    CHECK(hasProblemAt(mapped.rejections, "/properties/title"));
    CHECK(hasProblemAt(mapped.rejections, "/properties/updated"));

    // Not a record at all.
    MappedRecord report = mapText(fixture("ows-exception-report.xml"));
    REQUIRE(report.rejections.size() == 1);
    CHECK(report.rejections[0].message.find("ExceptionReport") != std::string::npos);
}

TEST_CASE("csw: an ows:ExceptionReport and other documents are not a page", "[csw]") {
    xml::Document report = parseXml(fixture("ows-exception-report.xml"));
    CswSearchPage page;
    auto error = readCswGetRecordsResponse(report.root(), page);
    REQUIRE(error);
    CHECK(error->find("InvalidParameterValue") != std::string::npos);
    CHECK(error->find("outputSchema") != std::string::npos);

    xml::Document record = parseXml(fixture("nl-3d-gebouwen-rotterdam.xml"));
    CHECK(readCswGetRecordsResponse(record.root(), page));

    // Counts that are not integers.
    std::string text = fixture("pycsw-apiso__GetRecords-all_full_iso19139.xml");
    xml::Document bad = parseXml(
        std::regex_replace(text, std::regex("numberOfRecordsMatched=\"18\""), "numberOfRecordsMatched=\"many\""));
    CHECK(readCswGetRecordsResponse(bad.root(), page));

    // Dublin Core records instead of ISO: the catalog ignored the outputSchema.
    xml::Document dublinCore = parseXml(R"(<csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2">
        <csw:SearchResults numberOfRecordsMatched="1" numberOfRecordsReturned="1" nextRecord="0">
        <csw:Record><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">x</dc:title></csw:Record>
        </csw:SearchResults></csw:GetRecordsResponse>)");
    auto other = readCswGetRecordsResponse(dublinCore.root(), page);
    REQUIRE(other);
    CHECK(other->find("outputSchema") != std::string::npos);
}

TEST_CASE("csw: hostile XML is refused without harm", "[csw]") {
    std::string error;
    // Malformed: the error names the line.
    CHECK_FALSE(xml::Document::parse("<a>\n<b></a>", error));
    CHECK(error.find("line 2") != std::string::npos);
    CHECK_FALSE(xml::Document::parse("", error));
    CHECK_FALSE(xml::Document::parse("not xml at all", error));

    // A billion laughs: refused at its DOCTYPE, before a single entity is declared.
    std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
    for (int i = 1; i <= 9; ++i) {
        bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
        for (int j = 0; j < 10; ++j) bomb += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
        bomb += "\">\n";
    }
    bomb +=
        "]>\n<gmd:MD_Metadata xmlns:gmd=\"http://www.isotc211.org/2005/gmd\"><gmd:fileIdentifier>"
        "<gco:CharacterString xmlns:gco=\"http://www.isotc211.org/2005/gco\">&lol9;</gco:CharacterString>"
        "</gmd:fileIdentifier></gmd:MD_Metadata>";
    CHECK_FALSE(xml::Document::parse(bomb, error));
    CHECK(error.find("DTD") != std::string::npos);

    // An external entity (a local file, or the network): refused the same way, nothing read.
    std::string external = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    CHECK_FALSE(xml::Document::parse(external, error));
    CHECK(error.find("DTD") != std::string::npos);
    CHECK_FALSE(xml::Document::parse("<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\"><r/>", error));

    // Nesting beyond libxml2's limit (256, XML_PARSE_HUGE off) is refused, not recursed into.
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<a>";
    CHECK_FALSE(xml::Document::parse(deep, error));

    // Too large: refused unread.
    CHECK_FALSE(xml::Document::parse(std::string(2048, ' ') + "<a/>", error, 1024));
    CHECK(error.find("larger") != std::string::npos);

    // An element holding no text where a text is expected, repeated elements: no crash, reasons.
    MappedRecord empty = mapText(
        "<gmd:MD_Metadata xmlns:gmd=\"http://www.isotc211.org/2005/gmd\">"
        "<gmd:fileIdentifier><gmd:fileIdentifier/></gmd:fileIdentifier></gmd:MD_Metadata>");
    CHECK(hasProblemAt(empty.rejections, "/id"));
}

TEST_CASE("csw: a text cut at its limit stays valid UTF-8", "[csw]") {
    xml::Document document = parseXml("<a>" + std::string(9, 'x') + "\xC3\xA9\xC3\xA9</a>");  // 9 + "éé"
    std::string cut = document.root().text(10);  // 10 bytes would end inside the first é
    CHECK(cut == std::string(9, 'x'));
    CHECK(document.root().text(11) == std::string(9, 'x') + "\xC3\xA9");
}
