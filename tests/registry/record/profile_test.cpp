#include "record/profile.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/json.hpp"
#include "common/time.hpp"
#include "record/record.hpp"
#include "support/http_client.hpp"

using tweeling::common::Json;
using tweeling::common::JsonValue;
using tweeling::common::Problems;
using tweeling::registry::record::Profile;
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

Json validRecord() { return load("tests/fixtures/records/valid/dataset-minimal.json"); }
Json simulationRecord() { return load("tests/fixtures/records/valid/simulation-result-full.json"); }

// Sets the member at `pointer` to the JSON `value` (creating it if needed).
void set(Json& doc, const char* pointer, const std::string& value) {
    Json parsed = parse(value);
    JsonValue copy(parsed, doc.GetAllocator());
    rapidjson::Pointer(pointer).Set(doc, copy, doc.GetAllocator());
}

void erase(Json& doc, const char* pointer) { REQUIRE(rapidjson::Pointer(pointer).Erase(doc)); }

Problems validate(const JsonValue& record) { return Profile::builtin().validate(record); }

std::string describe(const Problems& problems) {
    std::string out;
    for (const auto& problem : problems) out += "  " + problem.pointer + ": " + problem.message + "\n";
    return out.empty() ? "  (no problems)\n" : out;
}

const tweeling::common::Problem* find(const Problems& problems, const std::string& pointer) {
    auto it = std::find_if(problems.begin(), problems.end(), [&](const auto& p) { return p.pointer == pointer; });
    return it == problems.end() ? nullptr : &*it;
}

bool has(const Problems& problems, const std::string& pointer) { return find(problems, pointer) != nullptr; }

std::vector<std::string> filesIn(const std::string& relativeDir) {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(sourcePath(relativeDir)))
        if (entry.path().extension() == ".json") out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

// The schema on its own (no code-side checks), to prove each schema constraint really rejects:
// RapidJSON 1.1 silently ignores what it cannot compile.
bool schemaAccepts(const JsonValue& record) {
    static const Json schemaJson = load("schemas/twin-record.schema.json");
    static const rapidjson::SchemaDocument schema(schemaJson);
    rapidjson::SchemaValidator validator(schema);
    record.Accept(validator);
    return validator.IsValid();
}

}  // namespace

TEST_CASE("every sample record in deploy/samples is a valid twin record") {
    const auto files = filesIn("deploy/samples");
    REQUIRE(files.size() >= 3);
    for (const auto& file : files) {
        Json doc = parse(readFile(file));
        REQUIRE(doc.IsArray());
        CHECK(doc.Size() >= 6);
        CHECK(doc.Size() <= 9);
        std::set<std::string> ids;
        for (const auto& record : doc.GetArray()) {
            const std::string id = record["id"].GetString();
            INFO(file << " " << id);
            CHECK(ids.insert(id).second);
            auto problems = validate(record);
            INFO(describe(problems));
            CHECK(problems.empty());
            CHECK(schemaAccepts(record));
        }
    }
}

TEST_CASE("every fixture in tests/fixtures/records/valid is a valid twin record") {
    const auto files = filesIn("tests/fixtures/records/valid");
    REQUIRE(files.size() >= 5);
    for (const auto& file : files) {
        INFO(file);
        Json record = parse(readFile(file));
        auto problems = validate(record);
        INFO(describe(problems));
        CHECK(problems.empty());
        CHECK(schemaAccepts(record));
    }
}

TEST_CASE("every fixture in tests/fixtures/records/invalid names the documented pointer") {
    // Each file carries the pointer it must be rejected at in its top-level "x-expect" member.
    for (const auto& file : filesIn("tests/fixtures/records/invalid")) {
        INFO(file);
        Json record = parse(readFile(file));
        REQUIRE(record.HasMember("x-expect"));
        auto problems = validate(record);
        INFO(describe(problems));
        for (const auto& pointer : record["x-expect"].GetArray()) CHECK(has(problems, pointer.GetString()));
    }
}

TEST_CASE("each municipality sample holds the kinds of records the quickstart relies on") {
    struct Sample {
        const char* file;
        const char* code;
        const char* province;
    };
    for (const Sample& sample : {Sample{"deploy/samples/gm0363-amsterdam.json", "GM0363", "PV27"},
                                 Sample{"deploy/samples/gm0599-rotterdam.json", "GM0599", "PV28"},
                                 Sample{"deploy/samples/gm0344-utrecht.json", "GM0344", "PV26"}}) {
        INFO(sample.file);
        Json doc = load(sample.file);
        bool tiles = false, cityjson = false, copc = false, heat = false, flood = false, trees = false, ifc = false,
             wms = false;
        for (const auto& record : doc.GetArray()) {
            auto fields = tweeling::registry::record::extractIndexFields(record);
            auto hasTheme = [&](const char* theme) {
                return std::find(fields.themes.begin(), fields.themes.end(), theme) != fields.themes.end();
            };
            auto hasFormat = [&](const char* format) {
                return std::find(fields.formats.begin(), fields.formats.end(), format) != fields.formats.end();
            };
            CHECK(std::find(fields.adminUnits.begin(), fields.adminUnits.end(), sample.code) !=
                  fields.adminUnits.end());
            CHECK(std::find(fields.adminUnits.begin(), fields.adminUnits.end(), sample.province) !=
                  fields.adminUnits.end());
            bool buildings =
                hasTheme("buildings") && fields.title.find("gebouwen") != std::string::npos &&
                std::find(fields.keywords.begin(), fields.keywords.end(), "gebouwen") != fields.keywords.end();
            tiles = tiles || (buildings && hasFormat("3dtiles"));
            cityjson = cityjson || (buildings && hasFormat("cityjson"));
            copc = copc || (hasTheme("pointcloud") && hasFormat("copc"));
            heat = heat || (hasTheme("heat-stress") && fields.type == "simulation-result" &&
                            record["properties"].HasMember("lineage"));
            flood = flood || (hasTheme("flooding") && (fields.type == "simulation-result" || fields.type == "model"));
            trees = trees || hasTheme("vegetation");
            ifc = ifc || (hasTheme("bim") && hasFormat("ifc"));
            wms = wms || (fields.type == "service" && hasFormat("wms"));
        }
        CHECK(tiles);
        CHECK(cityjson);
        CHECK(copc);
        CHECK(heat);
        CHECK(flood);
        CHECK(trees);
        CHECK(ifc);
        CHECK(wms);
    }
}

TEST_CASE("Amsterdam's buildings record is found by q=gebouwen and bbox=4.7,52.2,5.1,52.5") {
    Json doc = load("deploy/samples/gm0363-amsterdam.json");
    bool found = false;
    for (const auto& record : doc.GetArray()) {
        auto fields = tweeling::registry::record::extractIndexFields(record);
        if (std::string(record["id"].GetString()) != "gm0363-3dbag-lod22-tiles") continue;
        found = true;
        CHECK(fields.title.find("gebouwen") != std::string::npos);
        REQUIRE(fields.bbox);
        CHECK(fields.bbox->minX <= 5.1);
        CHECK(fields.bbox->maxX >= 4.7);
        CHECK(fields.bbox->minY <= 52.5);
        CHECK(fields.bbox->maxY >= 52.2);
    }
    CHECK(found);
}

TEST_CASE("a missing title is reported at /properties/title") {
    Json record = validRecord();
    erase(record, "/properties/title");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/title");
    CHECK(problems[0].message.find("'title' is required but missing") == 0);
    CHECK_FALSE(schemaAccepts(record));
}

TEST_CASE("a title of only spaces, tabs or line breaks is reported at /properties/title") {
    // Found by the hostile-input table (tests/registry/api/hostile_test.cpp): "   \t " was published.
    for (const char* blank : {" ", "   \t ", "\n\r\n"}) {
        Json record = validRecord();
        rapidjson::Pointer("/properties/title").Set(record, blank);
        auto problems = validate(record);
        INFO(describe(problems));
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].pointer == "/properties/title");
        CHECK(problems[0].message.find("must not be blank") != std::string::npos);
    }
    Json record = validRecord();
    rapidjson::Pointer("/properties/title").Set(record, " Bomen ");  // text with spaces around it is fine
    CHECK(validate(record).empty());
}

TEST_CASE("several missing members are all reported at once") {
    Json record = validRecord();
    for (const char* pointer : {"/properties/title", "/properties/adminUnits", "/properties/distributions",
                                "/properties/license", "/properties/publisher/id", "/id"})
        erase(record, pointer);
    auto problems = validate(record);
    INFO(describe(problems));
    CHECK(problems.size() == 6);
    for (const char* pointer : {"/properties/title", "/properties/adminUnits", "/properties/distributions",
                                "/properties/license", "/properties/publisher/id", "/id"})
        CHECK(has(problems, pointer));
}

TEST_CASE("problems in different members are all reported at once, each once") {
    Json record = validRecord();
    set(record, "/properties/distributions/0/format", "\"tiles\"");
    set(record, "/properties/adminUnits/0", "\"GM363\"");
    set(record, "/properties/crs/0", "\"EPSG:7415\"");
    set(record, "/properties/rights", "\"open\"");
    set(record, "/properties/updated", "\"15-01-2024\"");
    auto problems = validate(record);
    INFO(describe(problems));
    CHECK(problems.size() == 5);
    std::set<std::string> pointers;
    for (const auto& problem : problems) pointers.insert(problem.pointer);
    CHECK(pointers.size() == problems.size());  // the schema's own report of the first error is not repeated
}

TEST_CASE("an unknown distribution format is named with the allowed ones") {
    Json record = validRecord();
    set(record, "/properties/distributions/0/format", "\"tiles\"");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/distributions/0/format");
    CHECK(problems[0].message.find("'tiles' is not a known format; use one of 3dtiles, cityjson, ") == 0);
    CHECK_FALSE(schemaAccepts(record));

    set(record, "/properties/distributions/0/format", "\"3D Tiles\"");
    problems = validate(record);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.find("did you mean '3dtiles'?") != std::string::npos);
}

TEST_CASE("an unknown concept in the twin theme scheme is rejected; other schemes are free") {
    Json record = validRecord();
    set(record, "/properties/themes/0/concepts/0/id", "\"gebouwen\"");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/themes/0/concepts/0/id");
    CHECK(problems[0].message.find("'gebouwen' is not a twin theme; use one of buildings, terrain") == 0);
    CHECK_FALSE(schemaAccepts(record));

    Json other = validRecord();
    set(other, "/properties/themes/1", R"({"scheme": "https://example.org/themes", "concepts": [{"id": "gebouwen"}]})");
    CHECK(validate(other).empty());
    CHECK(schemaAccepts(other));
}

TEST_CASE("themes without any twin theme are rejected") {
    Json record = validRecord();
    set(record, "/properties/themes", R"([{"scheme": "https://example.org/themes", "concepts": [{"id": "x"}]}])");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/themes");
}

TEST_CASE("an admin unit that is not a CBS code is rejected") {
    for (const char* code : {"\"GM363\"", "\"GM03630\"", "\"gm0363\"", "\"PV027\"", "\"NL0363\"", "\"WS155\""}) {
        INFO(code);
        Json record = validRecord();
        set(record, "/properties/adminUnits/0", code);
        auto problems = validate(record);
        INFO(describe(problems));
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].pointer == "/properties/adminUnits/0");
        CHECK(problems[0].message.find("is not a CBS code") != std::string::npos);
        CHECK_FALSE(schemaAccepts(record));  // the schema's pattern is really compiled (std::regex)
    }
    Json record = validRecord();
    set(record, "/properties/adminUnits", R"(["GM0363", "PV27", "WS0155"])");
    CHECK(validate(record).empty());
}

TEST_CASE("a CRS that is not an EPSG URI is rejected with the URI to write instead") {
    Json record = validRecord();
    set(record, "/properties/crs/0", "\"EPSG:7415\"");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/crs/0");
    CHECK(problems[0].message.find("http://www.opengis.net/def/crs/EPSG/0/7415") != std::string::npos);
    CHECK_FALSE(schemaAccepts(record));

    set(record, "/properties/crs/0", "\"http://www.opengis.net/def/crs/OGC/1.3/CRS84\"");
    CHECK(has(validate(record), "/properties/crs/0"));
    set(record, "/properties/crs/0", "\"https://www.opengis.net/def/crs/EPSG/0/28992\"");
    CHECK(validate(record).empty());
}

TEST_CASE("dates must be RFC 3339") {
    for (const char* value : {"\"15-01-2024\"", "\"2024-01-15T10:00:00\"", "\"2023-02-29\"", "\"gisteren\"", "\"\""}) {
        INFO(value);
        Json record = validRecord();
        set(record, "/properties/updated", value);
        auto problems = validate(record);
        INFO(describe(problems));
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].pointer == "/properties/updated");
    }
    Json record = simulationRecord();
    set(record, "/properties/created", "\"2024/01/01\"");
    set(record, "/properties/lineage/runDate", "\"december 2023\"");
    set(record, "/time", R"({"date": "2024-01-01T00:00:00Z"})");
    auto problems = validate(record);
    INFO(describe(problems));
    CHECK(has(problems, "/properties/created"));
    CHECK(has(problems, "/properties/lineage/runDate"));
    CHECK(has(problems, "/time/date"));
    set(record, "/time", R"({"timestamp": "2024-01-01"})");
    CHECK(has(validate(record), "/time/timestamp"));
    set(record, "/time", R"({"interval": ["2024-01-01", "soon"]})");
    CHECK(has(validate(record), "/time/interval/1"));
}

TEST_CASE("updated and created may not be later than now, give or take the allowed clock skew") {
    using tweeling::common::formatRfc3339;
    using tweeling::registry::record::kMaxClockSkewSeconds;
    const std::int64_t now = *tweeling::common::parseRfc3339("2026-06-15T12:00:00Z");
    auto problemsAt = [&](const char* pointer, const std::string& value, std::int64_t clock) {
        Json record = simulationRecord();
        set(record, pointer, "\"" + value + "\"");
        return Profile::builtin().validate(record, clock);
    };
    for (const char* pointer : {"/properties/updated", "/properties/created"}) {
        INFO(pointer);
        for (const std::string& refused : {formatRfc3339(now + 3600), formatRfc3339(now + kMaxClockSkewSeconds + 1),
                                           std::string("9999-12-31"), std::string("9999-12-31T23:59:59Z"),
                                           std::string("2026-06-15T14:06:00+02:00"), std::string("2026-06-17")}) {
            INFO(refused);
            auto problems = problemsAt(pointer, refused, now);
            INFO(describe(problems));
            REQUIRE(problems.size() == 1);
            CHECK(problems[0].pointer == pointer);
            CHECK(problems[0].message.find("in the future") != std::string::npos);
        }
        for (const std::string& accepted :
             {formatRfc3339(now), formatRfc3339(now + 60), formatRfc3339(now + kMaxClockSkewSeconds),
              formatRfc3339(now - 86400 * 365), std::string("2026-06-15T14:04:00+02:00"),
              // A bare date is accepted once its day has begun somewhere: tomorrow already has in UTC+14.
              std::string("2026-06-15"), std::string("2026-06-16")}) {
            INFO(accepted);
            auto problems = problemsAt(pointer, accepted, now);
            INFO(describe(problems));
            CHECK(problems.empty());
        }
    }
    // Without a clock given, the system clock: an hour ahead is refused, a minute ahead accepted.
    std::int64_t system = static_cast<std::int64_t>(std::time(nullptr));
    Json record = validRecord();
    set(record, "/properties/updated", "\"" + formatRfc3339(system + 3600) + "\"");
    CHECK(has(validate(record), "/properties/updated"));
    set(record, "/properties/updated", "\"" + formatRfc3339(system + 60) + "\"");
    CHECK(validate(record).empty());
}

TEST_CASE("an interval that starts after it ends is rejected") {
    Json record = validRecord();
    set(record, "/time", R"({"interval": ["2025-01-01", "2024-12-31T23:00:00Z"]})");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/time/interval");
    CHECK(problems[0].message.find("starts (2025-01-01) after it ends") != std::string::npos);
}

TEST_CASE("open intervals and one-day intervals are accepted") {
    for (const char* interval :
         {R"(["2024-01-01", ".."])", R"(["..", "2024-01-01"])", R"([null, null])", R"(["..", ".."])",
          R"(["2024-01-01", "2024-01-01"])", R"(["2024-01-01T12:00:00Z", "2024-01-01"])"}) {
        INFO(interval);
        Json record = validRecord();
        set(record, "/time", std::string(R"({"interval": )") + interval + "}");
        auto problems = validate(record);
        INFO(describe(problems));
        CHECK(problems.empty());
    }
    Json record = validRecord();
    set(record, "/time", R"({"interval": ["2024-01-01"]})");
    CHECK(has(validate(record), "/time/interval"));
}

TEST_CASE("footprint coordinates must be WGS84 longitude/latitude") {
    Json record = validRecord();
    set(record, "/geometry/coordinates/0/1/0", "200");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/geometry/coordinates/0/1/0");
    CHECK(problems[0].message.find("Longitude 200 is outside -180..180") == 0);

    Json rd = validRecord();
    set(rd, "/geometry", R"({"type": "Point", "coordinates": [121000, 487000]})");
    problems = validate(rd);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);  // one problem for a footprint in the wrong CRS, not one per number
    CHECK(problems[0].pointer == "/geometry/coordinates/0");
    CHECK(problems[0].message.find("RD New") != std::string::npos);
    CHECK(problems[0].message.find("2 coordinates of this footprint are out of range") != std::string::npos);

    Json bad = validRecord();
    set(bad, "/geometry", R"({"type": "LineString", "coordinates": [[4.9, 52.3], [5.0, 52.4]]})");
    CHECK(has(validate(bad), "/geometry/type"));
    CHECK_FALSE(schemaAccepts(bad));
}

TEST_CASE("a bounding-box polygon with minimum above maximum is rejected") {
    Json record = validRecord();
    // A bbox [minLon, minLat, maxLon, maxLat] = [4.42, 52.0, 4.18, 52.13] written as a polygon.
    set(record, "/geometry/coordinates", "[[[4.42, 52.0], [4.18, 52.0], [4.18, 52.13], [4.42, 52.13], [4.42, 52.0]]]");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/geometry/coordinates/0");
    CHECK(problems[0].message.find("longitude runs from 4.42 to 4.18") != std::string::npos);

    set(record, "/geometry/coordinates", "[[[4.18, 52.13], [4.42, 52.13], [4.42, 52.0], [4.18, 52.0], [4.18, 52.13]]]");
    problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.find("latitude runs from 52.13 to 52") != std::string::npos);

    Json open = validRecord();
    set(open, "/geometry/coordinates", "[[[4.18, 52.0], [4.42, 52.0], [4.42, 52.13], [4.18, 52.13]]]");
    CHECK(has(validate(open), "/geometry/coordinates/0"));  // ring not closed

    Json box = validRecord();
    set(box, "/bbox", "[4.18, 52.13, 4.42, 52.0]");
    CHECK(has(validate(box), "/bbox"));
}

TEST_CASE("a simulation result needs lineage with model, version, scenario and runDate") {
    Json record = simulationRecord();
    erase(record, "/properties/lineage");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/lineage");
    CHECK(problems[0].message.find("simulation result") != std::string::npos);

    Json partial = simulationRecord();
    erase(partial, "/properties/lineage/scenario");
    erase(partial, "/properties/lineage/runDate");
    problems = validate(partial);
    INFO(describe(problems));
    CHECK(problems.size() == 2);
    CHECK(has(problems, "/properties/lineage/scenario"));
    CHECK(has(problems, "/properties/lineage/runDate"));

    Json model = simulationRecord();
    set(model, "/properties/type", "\"model\"");
    erase(model, "/properties/lineage");
    CHECK(validate(model).empty());
}

TEST_CASE("a distribution href must be an absolute http or https URL") {
    for (const char* href : {"\"ftp://data.example.nl/gebouwen.city.json\"", "\"gebouwen/tileset.json\"",
                             "\"/data/tileset.json\"", "\"https://\"", "\"https:// data.nl/x\"", "\"file:///tmp/x\""}) {
        INFO(href);
        Json record = validRecord();
        set(record, "/properties/distributions/0/href", href);
        auto problems = validate(record);
        INFO(describe(problems));
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].pointer == "/properties/distributions/0/href");
        CHECK(problems[0].message.find("is not an absolute http or https URL") != std::string::npos);
        CHECK_FALSE(schemaAccepts(record));
    }
}

TEST_CASE("rights outside public, restricted and non-public are rejected") {
    Json record = validRecord();
    set(record, "/properties/rights", "\"open\"");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/rights");
    CHECK(problems[0].message == "'open' is not a known kind of rights; use one of public, restricted, non-public.");
    CHECK_FALSE(schemaAccepts(record));
}

TEST_CASE("publisher id, byteSize, lod and types of members are checked") {
    struct Case {
        const char* pointer;
        const char* value;
        const char* expected;
        bool schemaRejects;  // false: only the code can tell (RFC 3339, ranges, lineage, ...)
    };
    const Case cases[] = {
        {"/id", "42", "/id", true},
        {"/id", "\"\"", "/id", true},
        {"/type", "\"FeatureCollection\"", "/type", true},
        {"/geometry", "\"POLYGON((4 52, 5 52, 5 53, 4 52))\"", "/geometry", true},
        {"/links", R"([{"rel": "about"}])", "/links/0/href", true},
        {"/conformsTo", "[42]", "/conformsTo/0", true},
        {"/time", "\"2024\"", "/time", true},
        {"/properties", "[]", "/properties", true},
        {"/properties/type", "\"kaart\"", "/properties/type", true},
        {"/properties/title", "42", "/properties/title", true},
        {"/properties/title", "\"\"", "/properties/title", true},
        {"/properties/description", "null", "/properties/description", true},
        {"/properties/publisher/id", "\"gm0363\"", "/properties/publisher/id", true},
        {"/properties/publisher/name", "\"\"", "/properties/publisher/name", true},
        {"/properties/contacts", "[]", "/properties/contacts", true},
        {"/properties/contacts/0", R"({"position": "GIS-specialist"})", "/properties/contacts/0", true},
        {"/properties/contacts/0/emails", R"([{"value": "geen adres"}])", "/properties/contacts/0/emails/0/value",
         true},
        {"/properties/themes", "[]", "/properties/themes", true},
        {"/properties/themes/0/concepts", "[]", "/properties/themes/0/concepts", true},
        {"/properties/themes/0/scheme", "42", "/properties/themes/0/scheme", true},
        {"/properties/adminUnits", "\"GM0363\"", "/properties/adminUnits", true},
        {"/properties/adminUnits", "[]", "/properties/adminUnits", true},
        {"/properties/crs", "[]", "/properties/crs", true},
        {"/properties/updated", "20240115", "/properties/updated", true},
        {"/properties/license", "\"\"", "/properties/license", true},
        {"/properties/distributions", "[]", "/properties/distributions", true},
        {"/properties/distributions/0/formatVersion", "2", "/properties/distributions/0/formatVersion", true},
        {"/properties/distributions/0/mediaType", "\"\"", "/properties/distributions/0/mediaType", true},
        {"/properties/distributions/0/byteSize", "-1", "/properties/distributions/0/byteSize", true},
        {"/properties/distributions/0/byteSize", "1.5", "/properties/distributions/0/byteSize", true},
        {"/properties/distributions/0/byteSize", "\"12 MB\"", "/properties/distributions/0/byteSize", true},
        {"/properties/distributions/0/checksum", R"({"algorithm": "sha256"})",
         "/properties/distributions/0/checksum/value", true},
        {"/properties/keywords", R"(["gebouwen", 3])", "/properties/keywords/1", true},
        {"/properties/language", R"({"name": "Nederlands"})", "/properties/language/code", true},
        {"/properties/lod", R"(["2.5"])", "/properties/lod/0", true},
        {"/properties/lod", "[2.2]", "/properties/lod/0", true},
        {"/properties/accuracy", "[1]", "/properties/accuracy", true},
        {"/properties/updateFrequency", "\"jaarlijks\"", "/properties/updateFrequency", true},
        {"/properties/lineage", R"({"sources": [{"href": "https://www.ahn.nl/"}]})",
         "/properties/lineage/sources/0/title", true},
        {"/properties/created", "\"2024-13-01\"", "/properties/created", false},
        {"/geometry/coordinates/0/2/1", "91", "/geometry/coordinates/0/2/1", false},
    };
    for (const Case& c : cases) {
        INFO(c.pointer << " = " << c.value);
        Json record = validRecord();
        set(record, c.pointer, c.value);
        auto problems = validate(record);
        INFO(describe(problems));
        CHECK(has(problems, c.expected));
        if (c.schemaRejects) CHECK_FALSE(schemaAccepts(record));
    }
}

TEST_CASE("constraints only the schema states are reported through the schema validator") {
    // The code walk does not check language.dir, phones or link lengths; the schema does, and its
    // first error is reported with the instance pointer and a message built from the keyword.
    Json record = validRecord();
    set(record, "/properties/language", R"({"code": "nl", "dir": "sideways"})");
    auto problems = validate(record);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/language/dir");
    CHECK(problems[0].message == "'sideways' is not allowed here; use one of ltr, rtl, ttb, btt.");

    Json phones = validRecord();
    set(phones, "/properties/contacts/0/phones", R"([{"value": 31201234567}])");
    problems = validate(phones);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/properties/contacts/0/phones/0/value");
    CHECK(problems[0].message == "'value' must be of type string, not a number.");

    Json length = validRecord();
    set(length, "/links", R"([{"href": "https://example.org", "rel": "about", "length": -5}])");
    problems = validate(length);
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "/links/0/length");
    CHECK(problems[0].message == "'length' must be at least 0.");
}

TEST_CASE("documents that are not objects are rejected with one problem at the root") {
    for (const char* text : {"[]", "\"record\"", "null", "42", "[{\"id\": \"x\"}]"}) {
        INFO(text);
        Json doc = parse(text);
        auto problems = validate(doc);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].pointer == "");
        CHECK(problems[0].message.find("must be a JSON object") != std::string::npos);
    }
}

TEST_CASE("deeply nested input is rejected without a crash") {
    const std::size_t depth = 200000;
    std::string text = R"({"id": "x", "type": "Feature", "geometry": null, "properties": {"keywords": )";
    text += std::string(depth, '[') + std::string(depth, ']') + "}}";

    Json untrusted;
    CHECK(tweeling::common::parseUntrusted(text, untrusted));  // the normal way in refuses it

    Json doc;  // and a tree that got past parsing some other way is refused by the validator
    doc.Parse<rapidjson::kParseIterativeFlag>(text.c_str(), text.size());
    REQUIRE_FALSE(doc.HasParseError());
    auto problems = validate(doc);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pointer == "");
    CHECK(problems[0].message.find("nested deeper than") != std::string::npos);
}

TEST_CASE("JSON Pointers escape '/' and '~' in member names") {
    Json record = validRecord();
    set(record, "/properties/lineage", R"({"sources": [{"title": "AHN", "href": "ahn.nl"}]})");
    auto problems = validate(record);
    INFO(describe(problems));
    CHECK(has(problems, "/properties/lineage/sources/0/href"));
    // A missing member under an escaped name is pointed at with RFC 6901 escaping.
    Json weird = validRecord();
    set(weird, "/properties/contacts/0", R"({"a/b~c": 1})");
    problems = validate(weird);
    CHECK(has(problems, "/properties/contacts/0"));
}

TEST_CASE("the OGC Records specification's example record is a Records record but not a twin record") {
    Json record = load("tests/fixtures/ogcapi-records/spec__record.json");
    auto problems = validate(record);
    INFO(describe(problems));
    // It lacks every twin member a publisher must add.
    for (const char* pointer : {"/properties/publisher", "/properties/adminUnits", "/properties/crs",
                                "/properties/rights", "/properties/distributions"})
        CHECK(has(problems, pointer));
    // Its themes are Records themes, but none from the twin theme scheme.
    CHECK(has(problems, "/properties/themes"));
    // What it does have is fine: the open interval "..", the dates, the world footprint (a rectangle
    // written south-west first, going north), contacts, links and language.
    for (const auto& problem : problems) {
        CHECK(problem.pointer.rfind("/time", 0) != 0);
        CHECK(problem.pointer.rfind("/geometry", 0) != 0);
        CHECK(problem.pointer.rfind("/links", 0) != 0);
        CHECK(problem.pointer.rfind("/properties/contacts", 0) != 0);
        CHECK(problem.pointer.rfind("/properties/updated", 0) != 0);
    }
    CHECK(problems.size() == 6);
}

TEST_CASE("a profile from the schema file behaves like the built-in one") {
    Profile fromFile = Profile::fromFile(sourcePath("schemas/twin-record.schema.json"));
    Json record = validRecord();
    CHECK(fromFile.validate(record).empty());
    set(record, "/properties/language", R"({"code": "nl", "dir": "sideways"})");
    CHECK(has(fromFile.validate(record), "/properties/language/dir"));
    CHECK_THROWS_AS(Profile::fromFile(sourcePath("schemas/does-not-exist.json")), std::runtime_error);
    CHECK_THROWS_AS(Profile("{not json"), std::runtime_error);
    Profile moved(std::move(fromFile));
    CHECK(has(moved.validate(record), "/properties/language/dir"));
}

TEST_CASE("validation is thread-safe: one shared profile, concurrent callers") {
    Json samples = load("deploy/samples/gm0599-rotterdam.json");
    Json bad = validRecord();
    set(bad, "/properties/language", R"({"code": "nl", "dir": "sideways"})");
    set(bad, "/properties/rights", "\"open\"");
    const Profile& profile = Profile::builtin();
    std::atomic<int> failures{0};
    auto work = [&] {
        for (int round = 0; round < 50; ++round) {
            for (const auto& record : samples.GetArray())
                if (!profile.validate(record).empty()) ++failures;
            auto problems = profile.validate(bad);
            if (problems.size() != 2) ++failures;
        }
    };
    std::thread a(work), b(work);
    a.join();
    b.join();
    CHECK(failures == 0);
}

TEST_CASE("the profile refuses ids no URL path can name") {
    for (const char* id : {R"(".")", R"("..")", R"("")", R"("line\nbreak")"}) {
        Json record = validRecord();
        set(record, "/id", id);
        auto problems = validate(record);
        INFO(id << ": " << describe(problems));
        REQUIRE(has(problems, "/id"));
        CHECK(tweeling::registry::record::isEssentialProblem("/id"));
    }
}
