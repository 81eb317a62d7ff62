// DCAT-AP 3 output: the Turtle and JSON-LD writers, content negotiation, the mapping of a twin record,
// and (tag [shacl], run by the ctest `dcat_shacl`) conformance of what a live node serves to the
// official DCAT-AP 3.0.0 SHACL shapes, checked by a real SHACL validator (tests/shacl, Node).
#include "api/dcat.hpp"
#include "common/json.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <vector>

using namespace tweeling::test;
namespace dcat = tweeling::registry::api::dcat;
using tweeling::common::Json;

namespace {

Json parse(const std::string& text) {
    Json doc;
    doc.Parse(text.c_str(), text.size());
    INFO(text);
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

// The Amsterdam sample with checksum, byte size, two distributions (CityJSON + CityJSONSeq).
Json amsterdamCityJson() {
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    for (auto& record : all.GetArray()) {
        if (std::string(record["id"].GetString()) != "gm0363-3dbag-lod22-cityjson") continue;
        Json doc;
        doc.CopyFrom(record, doc.GetAllocator());
        doc.AddMember("origin", "gm0363", doc.GetAllocator());
        return doc;
    }
    FAIL("sample gm0363-3dbag-lod22-cityjson not found");
    return Json();
}

dcat::CatalogInfo info() {
    dcat::CatalogInfo result;
    result.base = "http://hub.example";
    result.iri = result.base + "/collections/twins";
    result.homepage = result.base + "/";
    result.title = "Landelijke hub";
    result.description = "Alle digitale tweelingen";
    result.publisherIri = "https://identifier.overheid.nl/tooi/id/ministerie/mnre1034";
    result.publisherName = "Ministerie van BZK";
    result.nodeId = "nl";
    return result;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A record a publisher could send, with every string a Turtle writer can get wrong.
Json hostileRecord() {
    Json doc = amsterdamCityJson();
    auto& allocator = doc.GetAllocator();
    doc["id"].SetString("weird id/with \"quotes\"", allocator);
    doc["properties"]["title"].SetString("Titel met \"aanhalingstekens\", \\backslash\\,\nnieuwe regel\tteken\x01 en é ü", allocator);
    doc["properties"]["distributions"][0]["href"].SetString("https://example.org/a b<c>{d}|e^f`g\\h\"i.json", allocator);
    doc["properties"]["keywords"][0].SetString("\"\"\"triple\"\"\"", allocator);
    return doc;
}

Json hubRecord(Json doc) {
    auto& allocator = doc.GetAllocator();
    tweeling::common::JsonValue harvest(rapidjson::kObjectType);
    harvest.AddMember("source", "pv27", allocator);
    harvest.AddMember("harvestedAt", "2024-06-01T12:00:00Z", allocator);
    harvest.AddMember("hash", "AB12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12", allocator);
    doc.AddMember("harvest", harvest, allocator);
    return doc;
}

}  // namespace

TEST_CASE("Turtle escapes strings and IRIs") {
    CHECK(dcat::rdf::turtleString("plain") == "plain");
    CHECK(dcat::rdf::turtleString("a\"b") == "a\\\"b");
    CHECK(dcat::rdf::turtleString("back\\slash") == "back\\\\slash");
    CHECK(dcat::rdf::turtleString("line\nfeed\rreturn\ttab") == "line\\nfeed\\rreturn\\ttab");
    CHECK(dcat::rdf::turtleString(std::string("nul\x01\x1f\x7f", 6)) == "nul\\u0001\\u001F\\u007F");
    CHECK(dcat::rdf::turtleString("één NO₂") == "één NO₂");  // UTF-8 stays as it is

    CHECK(dcat::rdf::turtleIri("https://example.org/a?b=c&d#e") == "https://example.org/a?b=c&d#e");
    CHECK(dcat::rdf::turtleIri("https://example.org/a b<c>\"{}|^`\\") ==
          "https://example.org/a%20b%3Cc%3E%22%7B%7D%7C%5E%60%5C");
    CHECK(dcat::rdf::turtleIri("https://example.org/ø") == "https://example.org/ø");  // IRIs allow UTF-8
    CHECK(dcat::rdf::cleanText(std::string("ok\xff\xfe", 4)) == "ok\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(dcat::rdf::cleanText("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong form refused

    // In context: a literal and a blank node, written from the graph model.
    auto subject = std::make_shared<dcat::rdf::Node>();
    subject->iri = "https://example.org/x y";
    subject->types = {"http://www.w3.org/ns/dcat#Dataset"};
    dcat::rdf::Object title;
    title.value = "say \"hi\"\n";
    title.language = "nl";
    subject->properties.emplace_back("http://purl.org/dc/terms/title", title);
    dcat::rdf::Graph graph;
    graph.subjects.push_back(subject);
    std::string turtle = dcat::rdf::toTurtle(graph);
    CHECK(contains(turtle, "<https://example.org/x%20y>\n    a dcat:Dataset ;\n    dct:title \"say \\\"hi\\\"\\n\"@nl ."));
    Json jsonld = parse(dcat::rdf::toJsonLd(graph));
    CHECK(std::string(jsonld["@graph"][0]["dct:title"]["@value"].GetString()) == "say \"hi\"\n");
    CHECK(std::string(jsonld["@graph"][0]["@id"].GetString()) == "https://example.org/x%20y");
}

TEST_CASE("DCAT-AP is negotiated by f or by Accept") {
    std::string jsonld = "jsonld", ttl = "ttl", json = "json";
    CHECK(dcat::negotiate(&jsonld, "") == dcat::Format::JsonLd);
    CHECK(dcat::negotiate(&ttl, "application/json") == dcat::Format::Turtle);
    CHECK_FALSE(dcat::negotiate(&json, "text/turtle"));  // f wins over Accept
    CHECK_FALSE(dcat::negotiate(nullptr, ""));
    CHECK(dcat::negotiate(nullptr, "text/turtle") == dcat::Format::Turtle);
    CHECK(dcat::negotiate(nullptr, "application/ld+json") == dcat::Format::JsonLd);
    CHECK(dcat::negotiate(nullptr, "application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded\"") ==
          dcat::Format::JsonLd);
    CHECK(dcat::negotiate(nullptr, "application/json;q=0.5, text/turtle") == dcat::Format::Turtle);
    CHECK_FALSE(dcat::negotiate(nullptr, "text/turtle;q=0.5, application/json"));
    CHECK_FALSE(dcat::negotiate(nullptr, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
    CHECK_FALSE(dcat::negotiate(nullptr, "application/geo+json"));
    CHECK(dcat::negotiate(nullptr, "text/turtle, application/ld+json;q=0.9, */*;q=0.1") == dcat::Format::Turtle);
    // Wildcards rate every type they cover (RFC 9110 §12.5.1): of what this server writes, "text/*" takes
    // only Turtle.
    CHECK(dcat::negotiate(nullptr, "text/*") == dcat::Format::Turtle);
    // Only the q parameter is the weight, not a "q=" inside another parameter.
    CHECK_FALSE(dcat::negotiate(nullptr, "text/turtle;profile=\"urn:faq=1\";q=0.2, application/json;q=0.5"));
    CHECK(std::string(dcat::mediaType(dcat::Format::Turtle)).rfind("text/turtle", 0) == 0);
    CHECK(std::string(dcat::mediaType(dcat::Format::JsonLd)) == "application/ld+json");
}

TEST_CASE("a twin record maps to a DCAT-AP catalog record, dataset and distributions") {
    Json record = hubRecord(amsterdamCityJson());
    dcat::Entry entry{&record, "http://hub.example/collections/twins/items/gm0363:gm0363-3dbag-lod22-cityjson"};
    std::string ttl = dcat::record(dcat::Format::Turtle, info(), entry);
    INFO(ttl);
    const std::string item = "<http://hub.example/collections/twins/items/gm0363:gm0363-3dbag-lod22-cityjson";
    CHECK(contains(ttl, item + ">\n    a dcat:CatalogRecord ;"));
    CHECK(contains(ttl, "foaf:primaryTopic " + item + "#dataset>"));
    CHECK(contains(ttl, item + "#dataset>\n    a dcat:Dataset, dcat:Resource ;"));
    CHECK(contains(ttl, "dct:title \"3D-gebouwen Amsterdam LoD2.2 (3DBAG, CityJSON)\"@nl"));
    CHECK(contains(ttl, "dct:publisher <https://identifier.overheid.nl/tooi/id/gemeente/gm0363>"));
    CHECK(contains(ttl, "foaf:name \"Gemeente Amsterdam\""));
    CHECK(contains(ttl, "vcard:hasEmail <mailto:3d@amsterdam.nl>"));
    CHECK(contains(ttl, "dcat:theme <https://w3id.org/tweeling/def/theme/buildings>"));
    CHECK(contains(ttl, "dcat:keyword \"gebouwen\"@nl"));
    CHECK(contains(ttl, "dcat:bbox \"POLYGON((4.7288 52.2782, 5.0792 52.2782, 5.0792 52.4311, 4.7288 52.4311, "
                        "4.7288 52.2782))\"^^gsp:wktLiteral"));
    CHECK(contains(ttl, "gsp:asGeoJSON \"{\\\"type\\\":\\\"Polygon\\\""));
    CHECK(contains(ttl, "dcat:startDate \"2024-04-20\"^^xsd:date"));
    // DCAT-AP-NL vocabularies: the licence list's Creative Commons deed, EU access rights, EU data
    // theme of the twin theme, EU language of the metadata and the data.
    CHECK(contains(ttl, "dct:license <http://creativecommons.org/licenses/by/4.0/deed.nl>"));
    CHECK(contains(ttl, "<http://publications.europa.eu/resource/authority/data-theme/REGI>\n    a skos:Concept ;"));
    CHECK(contains(ttl, "skos:inScheme <http://publications.europa.eu/resource/authority/data-theme>"));
    CHECK(contains(ttl, "dct:language <http://publications.europa.eu/resource/authority/language/NLD>"));
    CHECK(contains(ttl, "dct:creator <https://identifier.overheid.nl/tooi/id/gemeente/gm0363>"));
    CHECK(contains(ttl, "dcat:landingPage <http://hub.example/collections/twins/items/gm0363:gm0363-3dbag-lod22-cityjson?f=html>"));
    // A complete record needs no default.
    CHECK_FALSE(contains(ttl, "DCAT-AP-NL default"));
    CHECK(contains(ttl, "dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC>"));
    CHECK(contains(ttl, "geodcat:referenceSystem <http://www.opengis.net/def/crs/EPSG/0/7415>"));
    CHECK(contains(ttl, "dct:modified \"2024-04-20T00:00:00Z\"^^xsd:dateTime"));
    CHECK(contains(ttl, "dcat:downloadURL <https://data.3dbag.nl/v20240420/cityjson/gm0363/3dbag_gm0363_lod22.city.json>"));
    CHECK(contains(ttl, "dcat:mediaType <https://www.iana.org/assignments/media-types/application/city+json>"));
    CHECK(contains(ttl, "dct:conformsTo <https://www.cityjson.org/specs/>"));
    CHECK(contains(ttl, "dcat:byteSize \"1874233412\"^^xsd:nonNegativeInteger"));
    CHECK(contains(ttl, "spdx:algorithm spdx:checksumAlgorithm_sha256"));
    CHECK(contains(ttl, "spdx:checksumValue \"6f1c0b5d3e8a2f7c9d4b1a0e5f3c7b9d2a4e6f8c0b1d3e5f7a9c2b4d6e8f0a1c\"^^xsd:hexBinary"));
    // Provenance on the hub: origin node, harvest source and time, hash of what was harvested.
    CHECK(contains(ttl, "twin:origin \"gm0363\""));
    CHECK(contains(ttl, "twin:harvestSource \"pv27\""));
    CHECK(contains(ttl, "prov:used <http://hub.example/sources/pv27>"));
    CHECK(contains(ttl, "prov:endedAtTime \"2024-06-01T12:00:00Z\"^^xsd:dateTime"));
    CHECK(contains(ttl, "\"ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12\"^^xsd:hexBinary"));

    // JSON-LD carries the same graph with an inline context.
    Json jsonld = parse(dcat::record(dcat::Format::JsonLd, info(), entry));
    REQUIRE(jsonld["@context"].IsObject());
    CHECK(std::string(jsonld["@context"]["dcat"].GetString()) == "http://www.w3.org/ns/dcat#");
    bool sawDataset = false;
    for (const auto& node : jsonld["@graph"].GetArray()) {
        if (!node.HasMember("@type") || !node["@type"].IsArray()) continue;
        if (std::string(node["@type"][0].GetString()) != "dcat:Dataset") continue;
        sawDataset = true;
        CHECK(std::string(node["dct:title"]["@language"].GetString()) == "nl");
        CHECK(node["dcat:distribution"].Size() == 2);
    }
    CHECK(sawDataset);
}

TEST_CASE("a service record is a dcat:DataService with endpoints; English text is tagged en") {
    Json record = parse(readFile(sourcePath("tests/fixtures/records/valid/service-point-null-time.json")));
    std::string ttl = dcat::record(dcat::Format::Turtle, info(), {&record, "http://n.example/collections/twins/items/s"});
    INFO(ttl);
    CHECK(contains(ttl, "<http://n.example/collections/twins/items/s#service>\n    a dcat:DataService, dcat:Resource ;"));
    CHECK(contains(ttl, "dcat:endpointURL <"));
    CHECK(contains(ttl, "dcat:endpointDescription <http://www.opengis.net/doc/IS/wms/1.3>"));
    CHECK(contains(ttl, "dcat:centroid \"POINT(4.9 52.37)\"^^gsp:wktLiteral"));  // a point has no bbox
    CHECK_FALSE(contains(ttl, "dcat:distribution"));

    // DCAT-AP-NL allows one endpoint URL: with two endpoints the second is rdfs:seeAlso, and the
    // export says so.
    auto& allocator = record.GetAllocator();
    tweeling::common::JsonValue second(rapidjson::kObjectType);
    second.AddMember("href", "https://map.example.org/wmts", allocator);
    second.AddMember("format", "wmts", allocator);
    record["properties"]["distributions"].PushBack(second, allocator);
    ttl = dcat::record(dcat::Format::Turtle, info(), {&record, "http://n.example/collections/twins/items/s"});
    INFO(ttl);
    CHECK(contains(ttl, "rdfs:seeAlso <https://map.example.org/wmts>"));
    CHECK_FALSE(contains(ttl, "dcat:endpointURL <https://map.example.org/wmts>"));
    CHECK(contains(ttl, "DCAT-AP-NL default: the service has 2 endpoints"));
}

// A record without what DCAT-AP-NL requires (as a foreign catalogue may give a hub): no publisher,
// contact, theme, licence, rights, description or language.
Json strippedRecord() {
    Json doc = amsterdamCityJson();
    auto& properties = doc["properties"];
    for (const char* name : {"publisher", "contacts", "themes", "license", "rights", "description", "language"})
        properties.RemoveMember(name);
    return doc;
}

TEST_CASE("what DCAT-AP-NL requires and a record lacks is defaulted, and the export says so") {
    Json record = strippedRecord();
    dcat::Entry entry{&record, "http://hub.example/collections/twins/items/x"};
    std::string ttl = dcat::record(dcat::Format::Turtle, info(), entry);
    INFO(ttl);
    // The values: the catalogue's publisher (also creator) and contact, the EU theme "provisional
    // data", the licence list's "licence unknown", public access, the title as description, Dutch.
    CHECK(contains(ttl, "dct:publisher <https://identifier.overheid.nl/tooi/id/ministerie/mnre1034>"));
    CHECK(contains(ttl, "dct:creator <https://identifier.overheid.nl/tooi/id/ministerie/mnre1034>"));
    CHECK(contains(ttl, "vcard:hasURL <http://hub.example/>"));
    CHECK(contains(ttl, "dcat:theme <http://publications.europa.eu/resource/authority/data-theme/OP_DATPRO>"));
    CHECK(contains(ttl, "dct:license <http://standaarden.overheid.nl/owms/terms/licentieonbekend>"));
    CHECK(contains(ttl, "dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC>"));
    CHECK(contains(ttl, "dct:description \"3D-gebouwen Amsterdam LoD2.2 (3DBAG, CityJSON)\""));
    CHECK(contains(ttl, "dct:language <http://publications.europa.eu/resource/authority/language/NLD>"));
    // And the notes, one per default.
    for (const char* note : {"dct:publisher and dct:creator defaulted", "dcat:contactPoint defaulted",
                             "dcat:theme defaulted to the EU data theme OP_DATPRO", "dct:license defaulted to licentieonbekend",
                             "dct:accessRights defaulted to PUBLIC", "dct:description defaulted to the title",
                             "dct:language defaulted to NLD"}) {
        INFO(note);
        CHECK(contains(ttl, std::string("\"DCAT-AP-NL default: ") + note));
    }
    // A licence that is not on the list keeps its IRI, and the export says it is not on the list.
    record["properties"].AddMember("license", "ODbL-1.0", record.GetAllocator());
    ttl = dcat::record(dcat::Format::Turtle, info(), entry);
    CHECK(contains(ttl, "dct:license <http://spdx.org/licenses/ODbL-1.0>"));
    CHECK(contains(ttl, "licence ODbL-1.0, which is not on the DCAT-AP-NL licence list"));

    // A theme of another scheme that is an EU data theme is one: no default theme then.
    Json themes = parse(R"([{"scheme": "http://publications.europa.eu/resource/authority/data-theme",
                             "concepts": [{"id": "AGRI", "title": "Landbouw",
                                           "url": "http://publications.europa.eu/resource/authority/data-theme/AGRI"}]}])");
    record["properties"].AddMember("themes", tweeling::common::JsonValue(themes, record.GetAllocator()), record.GetAllocator());
    std::string withTheme = dcat::record(dcat::Format::Turtle, info(), entry);
    CHECK(contains(withTheme, "dcat:theme <http://publications.europa.eu/resource/authority/data-theme/AGRI>"));
    CHECK_FALSE(contains(withTheme, "OP_DATPRO"));
    record["properties"].RemoveMember("themes");

    // JSON-LD says the same.
    Json jsonld = parse(dcat::record(dcat::Format::JsonLd, info(), entry));
    int notes = 0;
    for (const auto& node : jsonld["@graph"].GetArray()) {
        if (!node.HasMember("rdfs:comment")) continue;
        const auto& comment = node["rdfs:comment"];
        notes += comment.IsArray() ? static_cast<int>(comment.Size()) : 1;
    }
    CHECK(notes == 7);  // six on the dataset (licence: not on the list), one on the catalog record
}

TEST_CASE("a publisher named as a Dutch government body is given its TOOI URI") {
    Json record = amsterdamCityJson();
    auto& allocator = record.GetAllocator();
    record["properties"]["publisher"].RemoveMember("id");  // only "Gemeente Amsterdam", adminUnits GM0363
    std::string ttl = dcat::record(dcat::Format::Turtle, info(), {&record, "http://n.example/collections/twins/items/r"});
    INFO(ttl);
    CHECK(contains(ttl, "dct:publisher <https://identifier.overheid.nl/tooi/id/gemeente/gm0363>"));
    CHECK(contains(ttl, "dct:type <http://purl.org/adms/publishertype/LocalAuthority>"));
    record["properties"]["publisher"]["name"].SetString("3D Bureau BV", allocator);
    ttl = dcat::record(dcat::Format::Turtle, info(), {&record, "http://n.example/collections/twins/items/r"});
    CHECK_FALSE(contains(ttl, "dct:publisher <https://identifier.overheid.nl/tooi/"));
    CHECK(contains(ttl, "foaf:name \"3D Bureau BV\""));
}

TEST_CASE("the catalog has a publisher, its records and hydra paging") {
    Json record = amsterdamCityJson();
    dcat::Paging paging;
    paging.self = "http://hub.example/collections/twins/items?limit=1&offset=1&f=ttl";
    paging.first = "http://hub.example/collections/twins/items?limit=1&f=ttl";
    paging.next = "http://hub.example/collections/twins/items?limit=1&offset=2&f=ttl";
    paging.previous = paging.first;
    paging.total = 3;
    paging.limit = 1;
    std::string ttl = dcat::catalog(dcat::Format::Turtle, info(), {{&record, "http://hub.example/collections/twins/items/r"}},
                                    paging);
    INFO(ttl);
    CHECK(contains(ttl, "<http://hub.example/collections/twins>\n    a dcat:Catalog ;"));
    CHECK(contains(ttl, "dct:publisher <https://identifier.overheid.nl/tooi/id/ministerie/mnre1034>"));
    CHECK(contains(ttl, "dcat:dataset <http://hub.example/collections/twins/items/r#dataset>"));
    CHECK(contains(ttl, "dcat:record <http://hub.example/collections/twins/items/r>"));
    CHECK(contains(ttl, "a hydra:PartialCollectionView"));
    CHECK(contains(ttl, "hydra:next <http://hub.example/collections/twins/items?limit=1&offset=2&f=ttl>"));
    CHECK(contains(ttl, "hydra:totalItems \"3\"^^xsd:integer"));
    // DCAT-AP-NL: one contact point (defaulted, and said so) and the publisher as creator.
    CHECK(contains(ttl, "dct:creator <https://identifier.overheid.nl/tooi/id/ministerie/mnre1034>"));
    CHECK(contains(ttl, "vcard:fn \"Ministerie van BZK\""));
    CHECK(contains(ttl, "DCAT-AP-NL default: dcat:contactPoint defaulted to the catalogue's publisher"));

    CHECK(dcat::defaultPublisher("gm0363", "Amsterdam", "http://n").first ==
          "https://identifier.overheid.nl/tooi/id/gemeente/gm0363");
    CHECK(dcat::defaultPublisher("pv27", "Noord-Holland", "http://n").first ==
          "https://identifier.overheid.nl/tooi/id/provincie/pv27");
    CHECK(dcat::defaultPublisher("national-hub", "NL", "http://n").first == "http://n/#publisher");
}

TEST_CASE("schemas/dcat-context.jsonld is the context the server inlines") {
    Json file = parse(readFile(sourcePath("schemas/dcat-context.jsonld")));
    Json inlined = parse(dcat::rdf::contextDocument());
    CHECK(file["@context"] == inlined["@context"]);
}

// ---- SHACL: a real validator over what a live node serves ----
namespace {

std::string shapes() { return sourcePath("tests/fixtures/dcat/dcat-ap-3.0.0-SHACL.ttl"); }

// DCAT-AP-NL 3.0.1: the profile, both class-range files, the recommended properties (warnings) and
// the DCAT-AP 3.0.1 shapes it ships, validated as one union.
std::vector<std::string> nlShapes() {
    std::vector<std::string> files;
    for (const char* name : {"dcat-ap-nl-SHACL.ttl", "dcat-ap-nl-SHACL-klassebereik.ttl",
                             "dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl", "dcat-ap-nl-SHACL-aanbevolen.ttl",
                             "dcat-ap-SHACL.ttl"})
        files.push_back(sourcePath(std::string("tests/fixtures/nl-gov/") + name));
    return files;
}

CommandResult validate(const std::string& file, const std::vector<std::string>& shapeFiles = {shapes()}) {
    std::vector<std::string> argv = {"/usr/bin/env", "node", sourcePath("tests/shacl/validate.mjs"), file};
    argv.insert(argv.end(), shapeFiles.begin(), shapeFiles.end());
    return run(argv);
}

void requireValidator(const CommandResult& result) {
    if (result.exitCode == 2 && contains(result.err, "Cannot find package"))
        FAIL("the SHACL validator is not installed: run (cd tests/shacl && npm ci) — tests/run.sh does");
}

// The recommended properties DCAT-AP-NL finds missing, as "path (count)" per property: printed, not failing.
std::string warningSummary(const std::string& out) {
    std::map<std::string, int> paths;
    std::size_t start = 0;
    while (start < out.size()) {
        std::size_t end = out.find('\n', start);
        if (end == std::string::npos) end = out.size();
        std::string line = out.substr(start, end - start);
        start = end + 1;
        if (line.rfind("warning ", 0) != 0) continue;
        auto at = line.find(" path <");
        auto close = at == std::string::npos ? std::string::npos : line.find('>', at);
        ++paths[close == std::string::npos ? "?" : line.substr(at + 7, close - at - 7)];
    }
    std::string summary;
    for (const auto& [path, count] : paths) summary += "\n  " + path + " (" + std::to_string(count) + ")";
    return summary;
}

// Conforms to DCAT-AP 3.0.0 and to DCAT-AP-NL 3.0.1 (profile + class ranges + DCAT-AP 3.0.1).
void checkConforms(const std::string& file) {
    auto result = validate(file);
    {
        INFO("DCAT-AP 3.0.0: " << file << "\n" << result.out << result.err);
        requireValidator(result);
        CHECK(result.exitCode == 0);
    }
    auto nl = validate(file, nlShapes());
    INFO("DCAT-AP-NL 3.0.1: " << file << "\n" << nl.err);
    requireValidator(nl);
    CHECK(nl.exitCode == 0);
    std::string warnings = warningSummary(nl.out);
    if (!warnings.empty()) WARN(file << ": DCAT-AP-NL recommended properties missing (warnings)" << warnings);
}

std::string fetchTo(const TempDir& dir, const std::string& name, const std::string& url, const std::string& accept,
                    const std::string& expectedType) {
    auto response = get(url, accept.empty() ? std::vector<std::string>{} : std::vector<std::string>{"Accept: " + accept});
    INFO(url << "\n" << response.body);
    REQUIRE(response.status == 200);
    CHECK(response.header("content-type").rfind(expectedType, 0) == 0);
    std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary) << response.body;
    return path;
}

}  // namespace

TEST_CASE("DCAT-AP output of a live node conforms to the DCAT-AP 3.0.0 SHACL shapes", "[.][shacl]") {
    TempDir dir;
    std::string db = dir.file("node.db");
    std::vector<std::string> import = {binPath("twin-registry"), "import", "--db", db, "--node-id", "gm0363"};
    for (const char* sample : {"gm0363-amsterdam", "gm0599-rotterdam", "gm0344-utrecht", "gm0392-haarlem"})
        import.push_back(sourcePath(std::string("deploy/samples/") + sample + ".json"));
    auto imported = run(import);
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);
    ServerProcess server({binPath("twin-registry"), "serve", "--db", db, "--listen", "127.0.0.1:0", "--node-id",
                          "gm0363", "--name", "Amsterdam"});
    const std::string base = server.baseUrl();
    const std::string items = base + "/collections/twins/items";
    const char* ttl = "text/turtle";
    const char* jsonld = "application/ld+json";

    std::vector<std::string> files = {
        fetchTo(dir, "catalog.ttl", base + "/collections/twins?f=ttl", "", ttl),
        fetchTo(dir, "catalog.jsonld", base + "/collections/twins?f=jsonld", "", jsonld),
        fetchTo(dir, "landing.ttl", base + "/", "text/turtle", ttl),
        fetchTo(dir, "landing.jsonld", base + "/?f=jsonld", "", jsonld),
        fetchTo(dir, "record.ttl", items + "/gm0363-3dbag-lod22-cityjson?f=ttl", "", ttl),
        fetchTo(dir, "record.jsonld", items + "/gm0363-3dbag-lod22-cityjson", "application/ld+json", jsonld),
        fetchTo(dir, "service.ttl", items + "/gm0363-wms-klimaatadaptatie", "text/turtle", ttl),
        fetchTo(dir, "simulation.jsonld", items + "/gm0363-wateroverlast-3di-70mm?f=jsonld", "", jsonld),
        fetchTo(dir, "search.ttl", items + "?q=gebouwen&limit=3&f=ttl", "", ttl),
        fetchTo(dir, "search.jsonld", items + "?limit=5&offset=5", "application/ld+json", jsonld),
        fetchTo(dir, "all.ttl", items + "?limit=100&f=ttl", "", ttl),
        fetchTo(dir, "all.jsonld", items + "?limit=100&f=jsonld", "", jsonld),
    };

    // The ordinary JSON is unchanged, and a bad f is still refused.
    CHECK(get(base + "/").header("content-type") == "application/json");
    CHECK(get(items + "/gm0363-3dbag-lod22-cityjson").header("content-type") == "application/geo+json");
    CHECK(get(items + "?f=xml").status == 400);
    // Each representation has its own ETag.
    CHECK(get(items + "/gm0363-3dbag-lod22-cityjson?f=ttl").header("etag") !=
          get(items + "/gm0363-3dbag-lod22-cityjson").header("etag"));

    // A live hub that harvested this node serves the same records as DCAT (with harvest provenance).
    std::string hubProgram = binPath("twin-federation");
    REQUIRE(access(hubProgram.c_str(), X_OK) == 0);
    std::string hubDb = dir.file("hub.db");
    auto added = run({hubProgram, "sources", "add", "--db", hubDb, "--hub-id", "nl", "--id", "gm0363", "--url", base,
                      "--allow-private"});
    INFO(added.err);
    REQUIRE(added.exitCode == 0);
    run({hubProgram, "harvest", "--db", hubDb});  // learns the node's signing key, harvests nothing yet
    REQUIRE(run({hubProgram, "sources", "approve", "gm0363", "--db", hubDb}).exitCode == 0);
    auto harvested = run({hubProgram, "harvest", "--db", hubDb});
    INFO(harvested.out << harvested.err);
    REQUIRE(harvested.exitCode == 0);
    {
        ServerProcess hubServer({hubProgram, "serve", "--db", hubDb, "--listen", "127.0.0.1:0", "--hub-id", "nl",
                                 "--quiet", "--no-harvest"});
        const std::string hubItems = hubServer.baseUrl() + "/collections/twins/items";
        for (auto file : {fetchTo(dir, "hub-catalog.ttl", hubServer.baseUrl() + "/collections/twins?f=ttl", "", ttl),
                          fetchTo(dir, "hub-catalog.jsonld", hubServer.baseUrl() + "/collections/twins?f=jsonld", "", jsonld),
                          fetchTo(dir, "hub-record.ttl", hubItems + "/gm0363:gm0363-3dbag-lod22-cityjson?f=ttl", "", ttl),
                          fetchTo(dir, "hub-service.jsonld", hubItems + "/gm0363:gm0363-wms-klimaatadaptatie?f=jsonld", "",
                                  jsonld),
                          fetchTo(dir, "hub-search.ttl", hubItems + "?q=gebouwen&limit=3&f=ttl", "", ttl),
                          fetchTo(dir, "hub-all.ttl", hubItems + "?limit=100&f=ttl", "", ttl),
                          fetchTo(dir, "hub-all.jsonld", hubItems + "?limit=100&f=jsonld", "", jsonld)})
            files.push_back(file);
        CHECK(contains(readFile(dir.file("hub-record.ttl")), "twin:harvestSource \"gm0363\""));
    }

    // The next page of a DCAT page is itself DCAT.
    std::string page = readFile(files[9]);
    CHECK(contains(page, "\"hydra:next\":{\"@id\":\"" + items + "?limit=5&offset=10&f=jsonld\"}"));

    // Records as a hub serves them (with harvest provenance), every valid fixture record, and
    // strings that need escaping, written by the library directly.
    dcat::CatalogInfo hub = info();
    auto writeBoth = [&](const std::string& name, const Json& record) {
        dcat::Entry entry{&record, "http://hub.example/collections/twins/items/" + name};
        std::ofstream(dir.file(name + ".ttl"), std::ios::binary) << dcat::record(dcat::Format::Turtle, hub, entry);
        std::ofstream(dir.file(name + ".jsonld"), std::ios::binary) << dcat::record(dcat::Format::JsonLd, hub, entry);
        files.push_back(dir.file(name + ".ttl"));
        files.push_back(dir.file(name + ".jsonld"));
    };
    writeBoth("hostile", hubRecord(hostileRecord()));
    writeBoth("stripped", hubRecord(strippedRecord()));  // DCAT-AP-NL defaults
    const std::string valid = sourcePath("tests/fixtures/records/valid");
    std::unique_ptr<DIR, int (*)(DIR*)> folder(opendir(valid.c_str()), closedir);
    REQUIRE(folder);
    int fixtures = 0;
    while (dirent* each = readdir(folder.get())) {
        std::string name = each->d_name;
        if (name.size() < 6 || name.substr(name.size() - 5) != ".json") continue;
        writeBoth("fixture-" + name.substr(0, name.size() - 5), hubRecord(parse(readFile(valid + "/" + name))));
        ++fixtures;
    }
    CHECK(fixtures >= 5);

    // A hub's page of all of them, written by the library.
    {
        std::vector<Json> records;
        records.push_back(hubRecord(hostileRecord()));
        records.push_back(hubRecord(strippedRecord()));
        records.push_back(hubRecord(amsterdamCityJson()));
        std::vector<dcat::Entry> entries;
        int n = 0;
        for (const auto& record : records)
            entries.push_back({&record, "http://hub.example/collections/twins/items/r" + std::to_string(++n)});
        dcat::Paging paging;
        paging.self = "http://hub.example/collections/twins/items?f=ttl";
        paging.total = 3;
        paging.limit = 10;
        std::ofstream(dir.file("hub-page.ttl"), std::ios::binary) << dcat::catalog(dcat::Format::Turtle, hub, entries, paging);
        std::ofstream(dir.file("hub-page.jsonld"), std::ios::binary) << dcat::catalog(dcat::Format::JsonLd, hub, entries, paging);
        files.push_back(dir.file("hub-page.ttl"));
        files.push_back(dir.file("hub-page.jsonld"));
    }

    for (const auto& file : files) checkConforms(file);
}

TEST_CASE("the SHACL check fails on a catalog that breaks the shapes", "[.][shacl]") {
    TempDir dir;
    std::string file = dir.file("bad.ttl");
    // A catalog without publisher and description, a distribution without accessURL, a bad byteSize.
    std::ofstream(file) << "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
                           "@prefix dct: <http://purl.org/dc/terms/> .\n"
                           "<http://x.example/c> a dcat:Catalog ; dct:title \"c\" .\n"
                           "<http://x.example/d> a dcat:Distribution ; dcat:byteSize \"-1\" .\n";
    auto result = validate(file);
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 1);
    CHECK(contains(result.err, "http://purl.org/dc/terms/publisher"));
    CHECK(contains(result.err, "http://www.w3.org/ns/dcat#accessURL"));
    CHECK(contains(result.err, "http://www.w3.org/ns/dcat#byteSize"));
}

TEST_CASE("the DCAT-AP-NL check fails on what the Dutch profile forbids and only warns on recommendations",
          "[.][shacl]") {
    TempDir dir;
    // Valid DCAT-AP 3.0.0, but DCAT-AP-NL wants creator, contact point, theme, access rights and an
    // identifier on a dataset, one contact point on a catalogue and a language on a catalog record.
    std::string file = dir.file("not-nl.ttl");
    std::ofstream(file) << "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
                           "@prefix dct: <http://purl.org/dc/terms/> .\n"
                           "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
                           "<http://x.example/c> a dcat:Catalog ; dct:title \"c\" ; dct:description \"c\" ;\n"
                           "  dct:publisher <http://x.example/p> ; dcat:dataset <http://x.example/d> .\n"
                           "<http://x.example/p> a foaf:Agent ; foaf:name \"p\" .\n"
                           "<http://x.example/d> a dcat:Dataset ; dct:title \"d\" ; dct:description \"d\" .\n";
    REQUIRE(validate(file).exitCode == 0);
    auto result = validate(file, nlShapes());
    INFO(result.out << result.err);
    REQUIRE(result.exitCode == 1);
    for (const char* path : {"http://purl.org/dc/terms/creator", "http://www.w3.org/ns/dcat#contactPoint",
                             "http://www.w3.org/ns/dcat#theme", "http://purl.org/dc/terms/accessRights",
                             "http://purl.org/dc/terms/identifier"})
        CHECK(contains(result.err, std::string("path <") + path + ">"));
    // The missing recommended properties are warnings on stdout, not violations.
    CHECK(contains(result.out, "warning "));
    CHECK(contains(result.out, "path <http://www.w3.org/ns/dcat#landingPage>"));
    CHECK_FALSE(contains(result.err, "dcat#landingPage"));
}
