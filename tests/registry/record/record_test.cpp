#include "record/record.hpp"

#include <rapidjson/pointer.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "common/time.hpp"
#include "record/profile.hpp"
#include "support/http_client.hpp"

using tweeling::common::Json;
using tweeling::common::JsonValue;
using tweeling::common::kOpenEnd;
using tweeling::common::kOpenStart;
using tweeling::common::parseRfc3339;
using tweeling::common::toString;
using namespace tweeling::registry::record;
using tweeling::test::readFile;
using tweeling::test::sourcePath;

namespace {

Json parse(const std::string& text) {
    Json doc;
    auto error = tweeling::common::parseUntrusted(text, doc);
    INFO((error ? error->message : std::string()));
    REQUIRE_FALSE(error);
    return doc;
}

Json load(const std::string& relative) { return parse(readFile(sourcePath(relative))); }

void set(Json& doc, const char* pointer, const std::string& value) {
    Json parsed = parse(value);
    JsonValue copy(parsed, doc.GetAllocator());
    rapidjson::Pointer(pointer).Set(doc, copy, doc.GetAllocator());
}

// Every record of the samples and of the valid fixtures, each as its own document.
std::vector<std::string> allValidRecords() {
    std::vector<std::string> out;
    for (const char* dir : {"deploy/samples", "tests/fixtures/records/valid"}) {
        for (const auto& entry : std::filesystem::directory_iterator(sourcePath(dir))) {
            if (entry.path().extension() != ".json") continue;
            Json doc = parse(readFile(entry.path().string()));
            if (doc.IsArray())
                for (const auto& record : doc.GetArray()) out.push_back(toString(record));
            else
                out.push_back(toString(doc));
        }
    }
    return out;
}

std::string normalized(const std::string& text, const std::string& origin) {
    Json doc = parse(text);
    normalizeForStorage(doc, origin);
    return toString(doc);
}

std::vector<const JsonValue*> linksWithRel(const JsonValue& record, const char* rel) {
    std::vector<const JsonValue*> out;
    for (const auto& link : record["links"].GetArray())
        if (std::string(link["rel"].GetString()) == rel) out.push_back(&link);
    return out;
}

}  // namespace

TEST_CASE("index fields of a full record") {
    Json record = load("tests/fixtures/records/valid/simulation-result-full.json");
    IndexedRecord fields = extractIndexFields(record);
    CHECK(fields.id == "pv28-overstroming-lekdijk-t1000");
    CHECK(fields.type == "simulation-result");
    CHECK(fields.title == "Overstromingsdiepte bij doorbraak Lekdijk (T=1000, 2085)");
    CHECK(fields.description.find("ééns-per-1000-jaar") != std::string::npos);
    CHECK(fields.keywords == std::vector<std::string>{"overstroming", "dijkdoorbraak", "Lekdijk", "waterdiepte"});
    CHECK(fields.themes == std::vector<std::string>{"flooding", "water"});  // not the INSPIRE "nz"
    CHECK(fields.formats == std::vector<std::string>{"gpkg", "wmts"});
    CHECK(fields.adminUnits == std::vector<std::string>{"PV28", "GM0599", "WS0155"});
    CHECK(fields.publisherId == "https://identifier.overheid.nl/tooi/id/provincie/pv28");
    CHECK(fields.publisherName == "Provincie Zuid-Holland");
    CHECK(fields.license == "https://creativecommons.org/publicdomain/zero/1.0/");
    CHECK(fields.rights == "public");
    REQUIRE(fields.bbox);
    CHECK(fields.bbox->minX == Approx(4.3));
    CHECK(fields.bbox->minY == Approx(51.8));
    CHECK(fields.bbox->maxX == Approx(5.0));
    CHECK(fields.bbox->maxY == Approx(52.1));
    CHECK(fields.timeStart == parseRfc3339("2085-01-01T00:00:00Z"));
    CHECK(fields.timeEnd == parseRfc3339("2085-12-31T23:59:59Z"));
    CHECK(fields.updated == *parseRfc3339("2024-06-01T10:00:00Z"));
}

TEST_CASE("formats and themes are deduplicated in first-seen order") {
    Json record = load("tests/fixtures/records/valid/dataset-minimal.json");
    set(record, "/properties/distributions",
        R"([{"href": "https://a.nl/1.city.json", "format": "cityjson", "formatVersion": "2.0", "mediaType": "application/city+json"},
            {"href": "https://a.nl/tileset.json", "format": "3dtiles", "formatVersion": "1.1", "mediaType": "application/json"},
            {"href": "https://a.nl/2.city.json", "format": "cityjson", "formatVersion": "1.1", "mediaType": "application/city+json"}])");
    set(record, "/properties/themes",
        R"([{"scheme": "https://w3id.org/tweeling/def/theme", "concepts": [{"id": "terrain"}, {"id": "buildings"}]},
            {"scheme": "https://example.org", "concepts": [{"id": "roofs"}]},
            {"scheme": "https://w3id.org/tweeling/def/theme", "concepts": [{"id": "buildings"}, {"id": "bim"}]}])");
    IndexedRecord fields = extractIndexFields(record);
    CHECK(fields.formats == std::vector<std::string>{"cityjson", "3dtiles"});
    CHECK(fields.themes == std::vector<std::string>{"terrain", "buildings", "bim"});
}

TEST_CASE("the bbox is the envelope of all geometry coordinates") {
    Json multi = load("tests/fixtures/records/valid/waterboard-multipolygon-open-start.json");
    auto fields = extractIndexFields(multi);
    REQUIRE(fields.bbox);
    CHECK(fields.bbox->minX == Approx(4.9));
    CHECK(fields.bbox->minY == Approx(51.95));
    CHECK(fields.bbox->maxX == Approx(5.3));
    CHECK(fields.bbox->maxY == Approx(52.1));

    Json point = load("tests/fixtures/records/valid/service-point-null-time.json");
    fields = extractIndexFields(point);
    REQUIRE(fields.bbox);
    CHECK(fields.bbox->minX == fields.bbox->maxX);
    CHECK(fields.bbox->minY == Approx(52.37));

    Json none = load("tests/fixtures/records/valid/geometry-null-timestamp.json");
    CHECK_FALSE(extractIndexFields(none).bbox);
}

TEST_CASE("time from interval, date and timestamp; open ends are sentinels") {
    Json record = load("tests/fixtures/records/valid/dataset-minimal.json");
    CHECK_FALSE(extractIndexFields(record).timeStart);  // no time at all
    CHECK_FALSE(extractIndexFields(record).timeEnd);

    set(record, "/time", R"({"date": "2024-05-01"})");
    auto fields = extractIndexFields(record);
    CHECK(fields.timeStart == parseRfc3339("2024-05-01T00:00:00Z"));
    CHECK(fields.timeEnd == parseRfc3339("2024-05-01T23:59:59Z"));  // a bare date covers its day

    set(record, "/time", R"({"interval": ["2020-01-01", "2022-12-31"]})");
    fields = extractIndexFields(record);
    CHECK(fields.timeStart == parseRfc3339("2020-01-01T00:00:00Z"));
    CHECK(fields.timeEnd == parseRfc3339("2022-12-31T23:59:59Z"));

    set(record, "/time", R"({"interval": ["2024-04-20", ".."]})");
    fields = extractIndexFields(record);
    CHECK(fields.timeStart == parseRfc3339("2024-04-20"));
    CHECK(fields.timeEnd == kOpenEnd);

    set(record, "/time", R"({"interval": [null, "2030-12-31"]})");
    fields = extractIndexFields(record);
    CHECK(fields.timeStart == kOpenStart);
    CHECK(fields.timeEnd == parseRfc3339("2030-12-31T23:59:59Z"));

    set(record, "/time", R"({"timestamp": "2023-11-02T14:00:00+01:00"})");
    fields = extractIndexFields(record);
    CHECK(fields.timeStart == parseRfc3339("2023-11-02T13:00:00Z"));
    CHECK(fields.timeEnd == fields.timeStart);

    set(record, "/time", "null");
    CHECK_FALSE(extractIndexFields(record).timeStart);
}

TEST_CASE("updated is seconds since the epoch") {
    Json record = load("tests/fixtures/records/valid/dataset-minimal.json");
    CHECK(extractIndexFields(record).updated == *parseRfc3339("2024-01-15"));
}

TEST_CASE("missing optional members do not throw") {
    Json record = parse(R"({"id": "x", "properties": {"type": "dataset"}})");
    IndexedRecord fields;
    CHECK_NOTHROW(fields = extractIndexFields(record));
    CHECK(fields.id == "x");
    CHECK(fields.keywords.empty());
    CHECK(fields.updated == 0);
    CHECK_FALSE(fields.bbox);
}

TEST_CASE("normalising derives formats and one link per distribution") {
    Json record = load("tests/fixtures/records/valid/simulation-result-full.json");
    normalizeForStorage(record, "pv28");
    CHECK(std::string(record["origin"].GetString()) == "pv28");
    CHECK(
        toString(record["properties"]["formats"]) ==
        R"([{"name":"gpkg","mediaType":"application/geopackage+sqlite3"},{"name":"wmts","mediaType":"application/xml"}])");

    auto enclosures = linksWithRel(record, "enclosure");
    REQUIRE(enclosures.size() == 1);
    CHECK(
        toString(*enclosures[0]) ==
        R"({"href":"https://data.zuid-holland.nl/overstroming/lekdijk_t1000_2085.gpkg","rel":"enclosure","type":"application/geopackage+sqlite3","title":"gpkg 1.3"})");
    auto services = linksWithRel(record, "service");
    REQUIRE(services.size() == 1);
    CHECK(std::string((*services[0])["title"].GetString()) == "wmts 1.0.0");
    // The publisher's own link stays, first.
    CHECK(std::string(record["links"][0]["rel"].GetString()) == "describedby");
}

TEST_CASE("service formats become rel=service links, files rel=enclosure") {
    Json record = load("tests/fixtures/records/valid/dataset-minimal.json");
    set(record, "/properties/distributions",
        R"([{"href": "https://a.nl/wms", "format": "wms", "formatVersion": "1.3.0", "mediaType": "application/vnd.ogc.wms_xml"},
            {"href": "https://a.nl/wmts", "format": "wmts", "formatVersion": "1.0.0", "mediaType": "application/xml"},
            {"href": "https://a.nl/ogc", "format": "ogcapi-features", "formatVersion": "1.0", "mediaType": "application/geo+json"},
            {"href": "https://a.nl/i3s", "format": "i3s", "formatVersion": "1.8", "mediaType": "application/json"},
            {"href": "https://a.nl/terrain", "format": "quantized-mesh", "formatVersion": "1.0", "mediaType": "application/vnd.quantized-mesh"},
            {"href": "https://a.nl/tileset.json", "format": "3dtiles", "formatVersion": "1.1", "mediaType": "application/json"},
            {"href": "https://a.nl/a.copc.laz", "format": "copc", "formatVersion": "1.0", "mediaType": "application/vnd.laszip+copc"},
            {"href": "https://a.nl/a.ifc", "format": "ifc", "formatVersion": "IFC4", "mediaType": "application/x-step"}])");
    normalizeForStorage(record, "gm0518");
    CHECK(linksWithRel(record, "service").size() == 5);
    CHECK(linksWithRel(record, "enclosure").size() == 3);
    CHECK(std::string(linksWithRel(record, "enclosure")[0]->FindMember("href")->value.GetString()) ==
          "https://a.nl/tileset.json");
}

TEST_CASE("normalising strips system members and server navigation links") {
    Json record = load("tests/fixtures/records/valid/dataset-minimal.json");
    set(record, "/origin", "\"somewhere-else\"");
    set(record, "/seq", "17");
    set(record, "/signature", R"({"alg": "Ed25519", "value": "abc"})");
    set(record, "/harvest", R"({"source": "pv27", "harvestedAt": "2024-01-01T00:00:00Z", "hash": "x"})");
    set(record, "/validation", R"({"status": "pass", "checks": []})");
    set(record, "/properties/formats", R"([{"name": "stale", "mediaType": "x/y"}])");
    set(record, "/links",
        R"([{"href": "https://node/collections/twins/items/x", "rel": "self", "type": "application/geo+json"},
            {"href": "https://node/collections/twins/items/x?f=html", "rel": "alternate", "type": "text/html"},
            {"href": "https://node/collections/twins", "rel": "collection"},
            {"href": "https://node/", "rel": "root"},
            {"href": "https://node/next", "rel": "next"},
            {"href": "https://node/prev", "rel": "prev"},
            {"href": "https://creativecommons.org/licenses/by/4.0/", "rel": "license", "type": "text/html"},
            {"href": "https://data.denhaag.nl/3d/gebouwen_lod13.city.json", "rel": "enclosure", "type": "x/old", "title": "old"},
            {"href": "https://data.denhaag.nl/3d/extra.zip", "rel": "enclosure", "type": "application/zip", "title": "extra"}])");
    normalizeForStorage(record, "gm0518");

    for (const char* member : {"seq", "signature", "harvest", "validation"}) CHECK_FALSE(record.HasMember(member));
    CHECK(std::string(record["origin"].GetString()) == "gm0518");
    CHECK(toString(record["properties"]["formats"]) == R"([{"name":"cityjson","mediaType":"application/city+json"}])");
    std::vector<std::string> rels;
    for (const auto& link : record["links"].GetArray()) rels.push_back(link["rel"].GetString());
    // license and the publisher's own extra enclosure stay; the old derived enclosure is replaced.
    CHECK(rels == std::vector<std::string>{"license", "enclosure", "enclosure"});
    CHECK(std::string(record["links"][1]["title"].GetString()) == "extra");
    CHECK(
        toString(record["links"][2]) ==
        R"({"href":"https://data.denhaag.nl/3d/gebouwen_lod13.city.json","rel":"enclosure","type":"application/city+json","title":"cityjson 2.0"})");
}

TEST_CASE("normalising is idempotent and keeps every record valid") {
    const auto records = allValidRecords();
    REQUIRE(records.size() >= 25);
    for (const auto& text : records) {
        const std::string once = normalized(text, "gm0363");
        const std::string twice = normalized(once, "gm0363");
        INFO(once);
        CHECK(once == twice);
        Json stored = parse(once);
        auto problems = Profile::builtin().validate(stored);
        CHECK(problems.empty());
        // A hub re-normalising under another origin changes only the origin.
        std::string other = normalized(once, "pv27");
        CHECK(other.find(R"("origin":"pv27")") != std::string::npos);
        CHECK(normalized(other, "gm0363") == once);
        // The index fields do not change by normalising.
        auto before = extractIndexFields(parse(text));
        auto after = extractIndexFields(stored);
        CHECK(before.formats == after.formats);
        CHECK(before.themes == after.themes);
        CHECK(before.updated == after.updated);
    }
}

TEST_CASE("normalising a record without links creates them") {
    Json record = load("tests/fixtures/records/valid/dataset-minimal.json");
    REQUIRE_FALSE(record.HasMember("links"));
    normalizeForStorage(record, "gm0518");
    REQUIRE(record.HasMember("links"));
    CHECK(record["links"].Size() == 1);
}
