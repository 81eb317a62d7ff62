// The DCAT-AP adapter: real DCAT-AP 3.0.0, HVD and GeoDCAT-AP examples (Turtle and JSON-LD) and a
// DCAT-AP-NL style catalog mapped onto twin records; Turtle and JSON-LD of one catalog map to the
// same records; malformed and oversized pages give an error, never a crash.
#include "adapters/dcat/dcat.hpp"

#include <rapidjson/pointer.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "record/profile.hpp"
#include "support/http_client.hpp"

using tweeling::common::Json;
using tweeling::common::JsonValue;
using tweeling::common::Problems;
using tweeling::common::toString;
using tweeling::registry::record::Profile;
using tweeling::test::readFile;
using tweeling::test::sourcePath;
using namespace tweeling::federation::adapters;

namespace {

const char* const kPage = "https://catalog.example.org/dcat";

std::string fixture(const std::string& name) {
    return readFile(sourcePath("tests/fixtures/dcat/" + name));
}

std::string show(const Problems& problems) {
    std::string out;
    for (const auto& problem : problems) out += "  " + problem.pointer + ": " + problem.message + "\n";
    return out;
}

struct MappedPage {
    DcatPage page;
    std::vector<MappedRecord> records;  // sorted by id

    const MappedRecord& byId(const std::string& id) const {
        for (const auto& record : records)
            if (record.id == id) return record;
        FAIL("no record " << id);
        return records.front();
    }
};

MappedPage mapPage(const std::string& body, const std::string& contentType, rdf::RdfLimits limits = {}) {
    MappedPage out;
    auto error = readDcatPage(body, contentType, kPage, out.page, limits);
    INFO((error ? *error : std::string()));
    REQUIRE_FALSE(error);
    for (rdf::TermId node : out.page.resources)
        out.records.push_back(mapDcatResource(DcatResource{*out.page.graph, node, kPage},
                                              MappingContext{"dcat-src", kPage}, Profile::builtin()));
    std::sort(out.records.begin(), out.records.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

std::string at(const MappedRecord& mapped, const char* pointer) {
    const JsonValue* value = rapidjson::Pointer(pointer).Get(mapped.record);
    if (!value) return "<absent>";
    return value->IsString() ? std::string(value->GetString()) : toString(*value);
}

bool warnedAt(const MappedRecord& mapped, const std::string& pointer) {
    return std::any_of(mapped.warnings.begin(), mapped.warnings.end(),
                       [&](const auto& problem) { return problem.pointer == pointer; });
}

std::string readError(const std::string& body, const std::string& contentType, rdf::RdfLimits limits = {}) {
    DcatPage page;
    auto error = readDcatPage(body, contentType, kPage, page, limits);
    return error.value_or("");
}

}  // namespace

TEST_CASE("DCAT-AP-NL: a municipality's 3D dataset with a TOOI publisher maps member by member", "[dcat]") {
    MappedPage mapped = mapPage(fixture("dcat-ap-nl__gemeente-delft-3d.ttl"), "text/turtle; charset=utf-8");
    REQUIRE(mapped.records.size() == 1);  // the catalog itself is no record
    const MappedRecord& r = mapped.records[0];
    INFO(show(r.rejections) << show(r.warnings));
    CHECK(r.rejections.empty());
    CHECK(r.id == "3d-gebouwen-delft");
    CHECK(at(r, "/properties/type") == "dataset");
    CHECK(at(r, "/properties/title") == "3D-gebouwen Delft");  // Dutch before English
    CHECK(at(r, "/properties/description").rfind("Driedimensionaal model", 0) == 0);
    CHECK(at(r, "/properties/publisher/id") == "https://identifier.overheid.nl/tooi/id/gemeente/gm0503");
    CHECK(at(r, "/properties/publisher/name") == "Gemeente Delft");
    CHECK_FALSE(warnedAt(r, "/properties/publisher/id"));
    CHECK(at(r, "/geometry/type") == "Polygon");
    CHECK(at(r, "/geometry/coordinates/0/0") == "[4.32,51.96]");
    CHECK(at(r, "/geometry/coordinates/0/2") == "[4.41,52.03]");
    CHECK(at(r, "/properties/license") == "CC-BY-4.0");  // EU licence IRI of the distributions
    CHECK(at(r, "/properties/rights") == "public");      // access-right PUBLIC
    CHECK(at(r, "/properties/updated") == "2025-03-15T09:30:00Z");
    CHECK(at(r, "/properties/created") == "2024-02-01");
    CHECK(at(r, "/properties/time/interval") == R"(["2023-01-01",".."])");
    CHECK(at(r, "/properties/crs") == R"(["http://www.opengis.net/def/crs/EPSG/0/7415"])");
    CHECK(at(r, "/properties/updateFrequency") == "http://publications.europa.eu/resource/authority/frequency/ANNUAL");
    CHECK(at(r, "/properties/keywords") == R"(["3D","gebouwen","digitale tweeling","buildings"])");
    CHECK(at(r, "/properties/themes/0/scheme") == "https://w3id.org/tweeling/def/theme");
    CHECK(at(r, "/properties/themes/0/concepts/0/id") == "buildings");
    CHECK(at(r, "/properties/themes/1/scheme") == "http://publications.europa.eu/resource/authority/data-theme");
    CHECK(at(r, "/properties/themes/1/concepts/0/id") == "REGI");
    CHECK(at(r, "/properties/themes/2/scheme") == "http://standaarden.overheid.nl/owms/terms");
    CHECK(at(r, "/properties/contacts/0/name") == "Team Geo-informatie");
    CHECK(at(r, "/properties/contacts/0/emails/0/value") == "geo@delft.example");
    CHECK(at(r, "/properties/contacts/0/phones/0/value") == "+3114015");
    CHECK(at(r, "/properties/distributions/0/href") == "https://data.delft.example/3d/gebouwen.city.json");
    CHECK(at(r, "/properties/distributions/0/format") == "cityjson");
    CHECK(at(r, "/properties/distributions/0/mediaType") == "application/city+json");
    CHECK(at(r, "/properties/distributions/0/byteSize") == "73400320");
    CHECK(at(r, "/properties/distributions/1/href") == "https://data.delft.example/3d/tiles/tileset.json");
    CHECK(at(r, "/properties/distributions/1/format") == "3dtiles");
    // Provenance and what the profile has no member for.
    CHECK(at(r, "/properties/source/kind") == "dcat");
    CHECK(at(r, "/properties/source/iri") == "https://data.delft.example/id/dataset/3d-gebouwen-delft");
    CHECK(at(r, "/properties/source/page") == kPage);
    CHECK(at(r, "/properties/source/spatial") == R"(["https://identifier.overheid.nl/tooi/id/gemeente/gm0503"])");
    CHECK(at(r, "/properties/source/accessRights") ==
          "http://publications.europa.eu/resource/authority/access-right/PUBLIC");
    CHECK(at(r, "/links/0/rel") == "via");
    CHECK(at(r, "/links/0/href") == "https://data.delft.example/id/dataset/3d-gebouwen-delft");
    CHECK(at(r, "/links/1/rel") == "describedby");
    CHECK(at(r, "/links/1/href") == "https://data.delft.example/dataset/3d-gebouwen-delft");
}

TEST_CASE("DCAT-AP 3.0.0 bee population: Turtle and JSON-LD (a bundled remote context) map the same", "[dcat]") {
    MappedPage turtle = mapPage(fixture("dcat-ap-3.0.0-example-bee-population-2022-2023.ttl"), "text/turtle");
    MappedPage jsonld =
        mapPage(fixture("dcat-ap-3.0.0-example-bee-population-2022-2023.jsonld"), "application/ld+json");
    REQUIRE(turtle.records.size() == 2);
    REQUIRE(jsonld.records.size() == 2);
    CHECK(turtle.page.graph->size() == jsonld.page.graph->size());
    for (std::size_t i = 0; i < 2; ++i) {
        INFO(toString(turtle.records[i].record) << "\n" << toString(jsonld.records[i].record));
        CHECK(toString(turtle.records[i].record) == toString(jsonld.records[i].record));
        CHECK(show(turtle.records[i].warnings) == show(jsonld.records[i].warnings));
        CHECK(turtle.records[i].rejections.empty());
    }
    const MappedRecord& bees = turtle.byId("https://data.gov.gr/id/dataset/BeePopulation2022");
    CHECK(at(bees, "/properties/title") == "Bee population 2022");
    CHECK(at(bees, "/properties/description") == "A dataset about bee population in Greece in 2022");
    CHECK(at(bees, "/properties/publisher/id") == "https://agencies.gov.gr/id/GreekEnvironmentAgency");
    CHECK(at(bees, "/properties/publisher/name") == "GreekEnvironmentAgency");
    CHECK(warnedAt(bees, "/properties/publisher/name"));
    CHECK(at(bees, "/properties/updated") == "1970-01-01");
    CHECK(warnedAt(bees, "/properties/updated"));
    CHECK(at(bees, "/geometry") == "null");
    // No distribution: the dataset's IRI stands in for one.
    CHECK(at(bees, "/properties/distributions/0/href") == "https://data.gov.gr/id/dataset/BeePopulation2022");
    CHECK(warnedAt(bees, "/properties/distributions"));
}

TEST_CASE("DCAT-AP HVD 3.0.0 catalogue: a dataset and a data service, Turtle and JSON-LD alike", "[dcat]") {
    MappedPage turtle = mapPage(fixture("dcat-ap-hvd-3.0.0-example-ms_catalogue.ttl"), "text/turtle");
    MappedPage jsonld = mapPage(fixture("dcat-ap-hvd-3.0.0-example-ms_catalogue.jsonld"), "application/ld+json");
    REQUIRE(turtle.records.size() == 2);
    REQUIRE(jsonld.records.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) CHECK(toString(turtle.records[i].record) == toString(jsonld.records[i].record));

    const MappedRecord& dataset = turtle.byId("https://data.exampleMS.gov/id/dataset/1T2p3o4B");
    INFO(show(dataset.rejections) << show(dataset.warnings));
    CHECK(dataset.rejections.empty());
    CHECK(at(dataset, "/properties/title") == "The population of bees");
    CHECK(at(dataset, "/properties/publisher/name") == "MS Environmental Agency");  // a blank foaf:Agent
    CHECK(at(dataset, "/properties/publisher/id") == std::string(kPage) + "#publisher-ms-environmental-agency");
    // The catalog's own licence document is skos:exactMatch the EU's CC0.
    CHECK(at(dataset, "/properties/license") == "CC0-1.0");
    CHECK(at(dataset, "/properties/distributions/0/href") == "https://orgea.exampleMS.gov/files/1T2p3o4B.shp");
    CHECK(at(dataset, "/properties/updateFrequency") ==
          "http://publications.europa.eu/resource/authority/frequency/BIENNIAL");
    CHECK(at(dataset, "/properties/source/hvdCategory") == R"(["http://data.europa.eu/bna/c_b7f6a4f3"])");
    CHECK(at(dataset, "/properties/source/conformsTo") ==
          R"(["https://orgea.exampleMS.gov/applicationprofile/populationOfInsects"])");

    const MappedRecord& service = turtle.byId("https://data.exampleMS.gov/id/dataset/EAMS-APIplatform");
    CHECK(service.rejections.empty());
    CHECK(at(service, "/properties/type") == "service");
    CHECK(at(service, "/properties/title") == "EA API platform");
    CHECK(at(service, "/properties/distributions/0/href") == "https://orgea.exampleMS.gov/api/v2/");
    CHECK(at(service, "/properties/license") == "https://orgea.exampleMS.gov/api/documentation/TermsOfUse");
    // A contact point with only a service desk URL is kept, under the publisher's name.
    CHECK(at(service, "/properties/contacts/0/links/0/href") == "https://eams.jira.net/servicedesk");
    bool describedService = false;
    for (const auto& link : service.record["links"].GetArray())
        describedService |=
            std::string(link["rel"].GetString()) == "service-desc" &&
            std::string(link["href"].GetString()) == "https://orgea.exampleMS.gov/api/openAPI/index.html";
    CHECK(describedService);
}

TEST_CASE("GeoDCAT-AP 2.0.0: the WKT bbox becomes the footprint; the service inside a distribution is no record",
          "[dcat]") {
    MappedPage mapped = mapPage(fixture("geodcat-ap-2.0.0-example-dataset.ttl"), "");  // sniffed
    CHECK(mapped.page.syntax == rdf::Syntax::Turtle);
    REQUIRE(mapped.records.size() == 1);
    const MappedRecord& r = mapped.records[0];
    INFO(show(r.rejections) << show(r.warnings));
    CHECK(r.rejections.empty());
    CHECK(r.id == "eea_r_3035_10_m_noise-contours-end2017_i_2016_v01_r00");
    CHECK(at(r, "/geometry/coordinates/0/0") == "[-31.285,27.642]");
    CHECK(at(r, "/geometry/coordinates/0/2") == "[34.099,70.075]");
    CHECK(at(r, "/properties/crs") == R"(["http://www.opengis.net/def/crs/EPSG/0/3035"])");
    CHECK(at(r, "/properties/time/interval") == R"(["2016-01-01","2016-12-31"])");
    CHECK(at(r, "/properties/updated") == "2019-10-31");  // dct:created, warned
    CHECK(warnedAt(r, "/properties/updated"));
    CHECK(at(r, "/properties/contacts/0/name") == "European Environment Agency");
    CHECK(at(r, "/properties/contacts/0/emails/0/value") == "info@eea.europa.eu");
    CHECK(at(r, "/properties/distributions/0/format") == "wms");
    CHECK(at(r, "/properties/license").rfind("The full noise contour maps data set", 0) == 0);  // rdfs:label
    CHECK(mapped.records[0].record["properties"]["keywords"].Size() == 5);
    CHECK(at(r, "/properties/themes/1/concepts/0/id") == "hh");
}

TEST_CASE("DCAT: a resource that cannot become a twin record is rejected with its reasons", "[dcat]") {
    MappedPage mapped = mapPage(R"(@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
[] a dcat:Dataset ; dct:title "Nameless" .
<https://example.org/d/2> a dcat:Dataset ; dct:description "No title" .
)",
                                "text/turtle");
    REQUIRE(mapped.records.size() == 2);
    const MappedRecord& blank = mapped.records[0];
    REQUIRE(blank.id.empty());
    REQUIRE_FALSE(blank.rejections.empty());
    CHECK(blank.rejections[0].pointer == "/id");
    const MappedRecord& untitled = mapped.byId("https://example.org/d/2");
    REQUIRE_FALSE(untitled.rejections.empty());
    CHECK(untitled.rejections[0].pointer == "/properties/title");
}

TEST_CASE("DCAT: Hydra paging names the next page, resolved against the page", "[dcat]") {
    const std::string view = R"(@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<?page=1> a hydra:PartialCollectionView ; hydra:next <?page=2> .
)";
    DcatPage page;
    REQUIRE_FALSE(readDcatPage(view, "text/turtle", "https://catalog.example.org/dcat?page=1", page));
    CHECK(page.paged);
    CHECK(page.next == "https://catalog.example.org/dcat?page=2");
    const std::string older = R"({"@context": {"hydra": "http://www.w3.org/ns/hydra/core#"},
        "@id": "https://catalog.example.org/dcat", "@type": "hydra:PagedCollection",
        "hydra:nextPage": "/dcat?p=2"})";
    REQUIRE_FALSE(readDcatPage(older, "application/ld+json", "https://catalog.example.org/dcat", page));
    CHECK(page.next == "https://catalog.example.org/dcat?p=2");
    REQUIRE_FALSE(
        readDcatPage("<https://a.example/x> <https://a.example/p> \"v\" .\n", "application/n-triples", kPage, page));
    CHECK_FALSE(page.paged);
    CHECK(page.next.empty());
}

TEST_CASE("DCAT: malformed pages give an error naming the problem, never a crash", "[dcat]") {
    CHECK(
        readError(
            "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<https://a.example/x> a dcat:Dataset ;\n dct:title \"x\" .",
            "text/turtle")
            .find("'dct:title' cannot be expanded") != std::string::npos);  // undeclared prefix dct:
    CHECK(readError("<https://a.example/x> a \"unterminated .", "text/turtle") ==
          "not readable as Turtle: line 1, column 40: end of file in short string");
    CHECK(readError("{\"@graph\": [", "application/ld+json").find("not valid JSON") != std::string::npos);
    CHECK(readError(R"({"@context": "https://elsewhere.example/context.jsonld", "@id": "https://a.example/x"})",
                    "application/ld+json")
              .find("never fetched") != std::string::npos);
    CHECK(readError(R"({"@context": {"@import": "https://elsewhere.example/c"}})", "application/ld+json") != "");
    CHECK(readError("\x01\x02 binary", "application/octet-stream").find("neither") != std::string::npos);
    CHECK(readError("", "text/turtle") == "");  // an empty Turtle document is a valid, empty graph
}

TEST_CASE("DCAT: the readers' bounds hold on hostile pages", "[dcat]") {
    // Nesting that would exhaust serd's recursive descent.
    std::string deep = "<https://a.example/s> <https://a.example/p> " + std::string(100000, '[') + " .";
    CHECK(readError(deep, "text/turtle").find("nested") != std::string::npos);
    std::string deepJson;
    for (int i = 0; i < 5000; ++i) deepJson += R"({"https://a.example/p": )";
    deepJson += "1" + std::string(5000, '}');
    CHECK_FALSE(readError(deepJson, "application/ld+json").empty());
    // Node objects nested within the JSON limit but past the node depth limit.
    rdf::RdfLimits shallow;
    shallow.maxDepth = 4;
    std::string nested;
    for (int i = 0; i < 6; ++i) nested += R"({"https://a.example/p": )";
    nested += "\"x\"" + std::string(6, '}');
    CHECK(readError(nested, "application/ld+json", shallow).find("nested") != std::string::npos);

    rdf::RdfLimits few;
    few.maxTriples = 10;
    std::string many;
    for (int i = 0; i < 20; ++i)
        many += "<https://a.example/s" + std::to_string(i) + "> <https://a.example/p> \"v\" .\n";
    CHECK(readError(many, "application/n-triples", few).find("more than 10 triples") != std::string::npos);
    std::string manyJson = R"({"@id": "https://a.example/s", "https://a.example/p": [)";
    for (int i = 0; i < 20; ++i) manyJson += (i ? "," : "") + std::string("\"v") + std::to_string(i) + "\"";
    manyJson += "]}";
    CHECK(readError(manyJson, "application/ld+json", few).find("more than 10 triples") != std::string::npos);

    rdf::RdfLimits small;
    small.maxTermBytes = 1000;
    std::string huge = "<https://a.example/s> <https://a.example/p> \"" + std::string(5000, 'x') + "\" .";
    CHECK(readError(huge, "text/turtle", small).find("longer than 1000 bytes") != std::string::npos);
    // Within the limits the same shapes read fine.
    CHECK(readError(many, "application/n-triples").empty());
}
