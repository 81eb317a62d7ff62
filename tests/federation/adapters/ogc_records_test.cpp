#include "adapters/ogc_records.hpp"

#include <rapidjson/pointer.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "common/time.hpp"
#include "record/profile.hpp"
#include "record/record.hpp"
#include "support/http_client.hpp"

using tweeling::common::Json;
using tweeling::common::JsonValue;
using tweeling::common::Problems;
using tweeling::common::toString;
using tweeling::registry::record::Profile;
using tweeling::test::readFile;
using tweeling::test::sourcePath;
using namespace tweeling::federation::adapters;
namespace record = tweeling::registry::record;

namespace {

const char* const kCatalog = "https://cat.example/collections/c";
const char* const kPygeoapi = "https://demo.pygeoapi.io/master/collections/dutch-metadata";

Json parse(const std::string& text, int maxDepth = tweeling::common::kMaxJsonDepth) {
    Json doc;
    auto error = tweeling::common::parseUntrusted(text, doc, maxDepth);
    INFO((error ? error->message : std::string()));
    REQUIRE_FALSE(error);
    return doc;
}

Json load(const std::string& relative) { return parse(readFile(sourcePath(relative))); }

std::string show(const Problems& problems) {
    std::string out;
    for (const auto& problem : problems) out += "  " + problem.pointer + ": " + problem.message + "\n";
    return out;
}

MappedRecord map(const JsonValue& foreign, const std::string& catalog = kCatalog) {
    return mapOgcRecord(foreign, MappingContext{"src", catalog}, Profile::builtin());
}

MappedRecord mapText(const std::string& text, const std::string& catalog = kCatalog) {
    Json doc = parse(text);
    return map(doc, catalog);
}

bool warnedAt(const MappedRecord& mapped, const std::string& pointer) {
    return std::any_of(mapped.warnings.begin(), mapped.warnings.end(),
                       [&](const auto& problem) { return problem.pointer == pointer; });
}

bool rejectedAt(const MappedRecord& mapped, const std::string& pointer) {
    return std::any_of(mapped.rejections.begin(), mapped.rejections.end(),
                       [&](const auto& problem) { return problem.pointer == pointer; });
}

std::string warningAt(const MappedRecord& mapped, const std::string& pointer) {
    std::string out;
    for (const auto& problem : mapped.warnings)
        if (problem.pointer == pointer) out += problem.message + "\n";
    return out;
}

const JsonValue* at(const JsonValue& value, const char* pointer) { return rapidjson::Pointer(pointer).Get(value); }

std::string textAt(const JsonValue& value, const char* pointer) {
    const JsonValue* found = at(value, pointer);
    return found && found->IsString() ? std::string(found->GetString(), found->GetStringLength()) : std::string("<none>");
}

std::set<std::string> pointers(const Problems& problems) {
    std::set<std::string> out;
    for (const auto& problem : problems) out.insert(problem.pointer);
    return out;
}

bool within(const std::string& inner, const std::string& outer) {
    return inner == outer || (inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
                              inner[outer.size()] == '/');
}

// Every problem the profile still finds in a mapped record is one the mapping warned about.
void requireProfileProblemsWarned(const MappedRecord& mapped) {
    Problems problems = Profile::builtin().validate(mapped.record);
    for (const auto& problem : problems) {
        INFO("profile problem " << problem.pointer << ": " << problem.message << "\nwarnings:\n" << show(mapped.warnings));
        CHECK(std::any_of(mapped.warnings.begin(), mapped.warnings.end(),
                          [&](const auto& warning) { return within(problem.pointer, warning.pointer); }));
    }
}

// The store's two entry points accept the record, and normalising is idempotent.
record::IndexedRecord requireStorable(const MappedRecord& mapped) {
    record::IndexedRecord fields;
    REQUIRE_NOTHROW(fields = record::extractIndexFields(mapped.record));
    Json copy;
    copy.CopyFrom(mapped.record, copy.GetAllocator());
    REQUIRE_NOTHROW(record::normalizeForStorage(copy, "src"));
    REQUIRE(copy.IsObject());
    CHECK(textAt(copy, "/origin") == "src");
    std::string once = toString(copy);
    record::normalizeForStorage(copy, "src");
    CHECK(toString(copy) == once);
    CHECK_NOTHROW(contentHash(copy));
    return fields;
}

std::vector<std::string> distributionFormats(const JsonValue& mapped) {
    std::vector<std::string> out;
    if (const JsonValue* list = at(mapped, "/properties/distributions"))
        for (const auto& distribution : list->GetArray()) out.push_back(distribution["format"].GetString());
    return out;
}

std::vector<std::string> twinThemes(const JsonValue& mapped) {
    return record::extractIndexFields(mapped).themes;
}

// A minimal generic Records record; `properties` members are spliced in.
std::string foreignRecord(const std::string& extraProperties, const std::string& extraTop = "") {
    return R"({"id": "rec1", "type": "Feature",
               "geometry": {"type": "Point", "coordinates": [4.9, 52.37]},)" +
           extraTop + R"("properties": {"title": "A record")" + (extraProperties.empty() ? "" : ", " + extraProperties) +
           "}}";
}

}  // namespace

TEST_CASE("pygeoapi's Dutch record (Zaanstad) maps with warnings and no rejections", "[ogc-records]") {
    Json foreign = load("tests/fixtures/ogcapi-records/pygeoapi-demo__dutch-metadata__record_35149dfb.json");
    MappedRecord mapped = map(foreign, kPygeoapi);
    INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
    REQUIRE(mapped.rejections.empty());
    CHECK(mapped.id == "35149dfb-31d3-431c-a8bc-12a4034dac48");
    const Json& r = mapped.record;
    CHECK(textAt(r, "/id") == mapped.id);
    CHECK(textAt(r, "/type") == "Feature");
    CHECK(textAt(r, "/geometry/type") == "Polygon");
    CHECK(at(r, "/geometry/coordinates/0/2/0")->GetDouble() == Approx(5.020341796875));

    SECTION("members the record has") {
        CHECK(textAt(r, "/properties/type") == "dataset");
        CHECK(textAt(r, "/properties/title") == "Kaartboeck 1635");
        CHECK(textAt(r, "/properties/description").rfind("Data uit kaartboeken", 0) == 0);
        CHECK(textAt(r, "/properties/updated") == "2022-06-10T01:27:47Z");
        CHECK(textAt(r, "/properties/created") == "2021-12-08");
        CHECK(textAt(r, "/properties/externalIds/0/value") == mapped.id);
    }
    SECTION("time [null, null] is dropped with a warning") {
        CHECK_FALSE(r.HasMember("time"));
        CHECK(warnedAt(mapped, "/properties/extent/temporal/interval"));
    }
    SECTION("publisher and contacts come from the providers strings") {
        CHECK(textAt(r, "/properties/publisher/name") == "Gemeente Zaanstad");
        CHECK(textAt(r, "/properties/publisher/id") == std::string(kPygeoapi) + "#publisher-gemeente-zaanstad");
        CHECK(warningAt(mapped, "/properties/publisher/id").find("TOOI") != std::string::npos);
        CHECK(textAt(r, "/properties/contacts/0/name") == "Team Geo");
        CHECK(textAt(r, "/properties/contacts/0/organization") == "Gemeente Zaanstad");
        CHECK(textAt(r, "/properties/contacts/0/emails/0/value") == "geo-informatie@zaanstad.nl");
        CHECK(warnedAt(mapped, "/properties/contacts"));
    }
    SECTION("scheme-less themes become keywords; no twin theme fits") {
        CHECK_FALSE(at(r, "/properties/themes"));
        const JsonValue* keywords = at(r, "/properties/keywords");
        REQUIRE(keywords);
        REQUIRE(keywords->Size() == 6);
        CHECK(textAt(r, "/properties/keywords/0") == "ARGEOLOGIE");
        CHECK(textAt(r, "/properties/keywords/5") == "HISTORIE");
        CHECK(warningAt(mapped, "/properties/themes").find("No twin theme") != std::string::npos);
    }
    SECTION("links become distributions: WMS service, WFS, csv and shape-zip downloads") {
        CHECK(distributionFormats(r) == std::vector<std::string>{"wms", "other", "csv", "other"});
        CHECK(textAt(r, "/properties/distributions/0/href") ==
              "https://maps-intern.zaanstad.gem.local/geoserver/wms?SERVICE=WMS");
        CHECK(textAt(r, "/properties/distributions/0/mediaType") == "application/vnd.ogc.wms_xml");
        CHECK(textAt(r, "/properties/distributions/0/title") == "geo:kaartboeck");
        CHECK(textAt(r, "/properties/distributions/1/formatVersion") == "WFS");
        CHECK(textAt(r, "/properties/distributions/2/mediaType") == "text/csv");
        CHECK(textAt(r, "/properties/distributions/3/mediaType") == "application/zip");
        CHECK(at(r, "/links")->Empty());  // every link became a distribution
        CHECK(warnedAt(mapped, "/properties/distributions"));  // the WMS version is unknown
    }
    SECTION("twin members it lacks are warnings") {
        CHECK(textAt(r, "/properties/crs/0") == "http://www.opengis.net/def/crs/EPSG/0/4326");
        for (const char* pointer : {"/properties/crs", "/properties/adminUnits", "/properties/license",
                                    "/properties/rights", "/properties/themes"})
            CHECK(warnedAt(mapped, pointer));
        requireProfileProblemsWarned(mapped);
        CHECK(pointers(Profile::builtin().validate(r)) ==
              std::set<std::string>{"/properties/adminUnits", "/properties/license", "/properties/rights",
                                    "/properties/themes"});
    }
    SECTION("the mapped record can be stored") {
        record::IndexedRecord fields = requireStorable(mapped);
        CHECK(fields.id == mapped.id);
        CHECK(fields.type == "dataset");
        CHECK(fields.publisherName == "Gemeente Zaanstad");
        CHECK(fields.formats == std::vector<std::string>{"wms", "other", "csv"});
        REQUIRE(fields.bbox);
        CHECK(fields.bbox->minX == Approx(4.690751953125));
        CHECK(fields.bbox->maxY == Approx(52.6333984375));
        CHECK_FALSE(fields.timeStart);
        CHECK(fields.updated > 0);

        Json stored;
        stored.CopyFrom(r, stored.GetAllocator());
        record::normalizeForStorage(stored, "src");
        const JsonValue& links = stored["links"];
        auto hasLink = [&](const char* rel, const char* href) {
            return std::any_of(links.Begin(), links.End(), [&](const JsonValue& link) {
                return std::string(link["rel"].GetString()) == rel && std::string(link["href"].GetString()) == href;
            });
        };
        CHECK(hasLink("service", "https://maps-intern.zaanstad.gem.local/geoserver/wms?SERVICE=WMS"));
        CHECK(stored["properties"]["formats"].Size() == 3);
    }
    SECTION("mapping is deterministic, so the content hash detects changes only") {
        MappedRecord again = map(foreign, kPygeoapi);
        CHECK(contentHash(again.record) == contentHash(mapped.record));
        Json changed;
        changed.CopyFrom(foreign, changed.GetAllocator());
        changed["properties"]["title"].SetString("Kaartboeck 1636", changed.GetAllocator());
        CHECK(contentHash(map(changed, kPygeoapi).record) != contentHash(mapped.record));
    }
}

TEST_CASE("the NZ buildings record (no conformsTo) maps", "[ogc-records]") {
    Json foreign = load("tests/fixtures/ogcapi-records/spec-crawlable__nz-buildings-record.json");
    MappedRecord mapped = map(foreign, "https://example.org/collections/nz");
    INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
    REQUIRE(mapped.rejections.empty());
    const Json& r = mapped.record;
    CHECK(mapped.id == "101290");
    CHECK_FALSE(r.HasMember("conformsTo"));
    CHECK(textAt(r, "/properties/type") == "dataset");
    CHECK(twinThemes(r) == std::vector<std::string>{"buildings"});  // from the title
    CHECK(warningAt(mapped, "/properties/themes").find("guessed") != std::string::npos);
    CHECK(textAt(r, "/properties/keywords/0") == "New Zealand");
    CHECK(textAt(r, "/properties/language/code") == "en-NZ");

    CHECK(textAt(r, "/properties/publisher/name") == "LINZ - Land Information New Zealand");
    CHECK(textAt(r, "/properties/publisher/id") == "https://data.linz.govt.nz/");
    CHECK(warningAt(mapped, "/properties/publisher/id").find("TOOI") != std::string::npos);
    CHECK(textAt(r, "/properties/contacts/0/organization") == "LINZ - Land Information New Zealand");
    CHECK(textAt(r, "/properties/contacts/0/emails/0/value") == "customersupport@linz.govt.nz");
    CHECK(textAt(r, "/properties/contacts/0/roles/0") == "publisher");

    CHECK(distributionFormats(r) == std::vector<std::string>{"gpkg"});
    CHECK(textAt(r, "/properties/distributions/0/href") ==
          "https://storage.googleapis.com/open-geodata/linz-examples/nz-building-outlines.gpkg");
    CHECK(textAt(r, "/properties/distributions/0/mediaType") == "application/geopackage+sqlite3");
    CHECK(at(r, "/properties/distributions/0/byteSize")->GetInt64() == 1449656320);

    CHECK(textAt(r, "/properties/license") == "CC-BY-4.0");
    CHECK(textAt(r, "/properties/rights") == "public");
    CHECK(warningAt(mapped, "/properties/rights").find("open") != std::string::npos);
    CHECK(textAt(r, "/properties/updated") == "2021-08-17T00:00:00Z");

    // Relative links are resolved against the record's URL; the enclosure became a distribution.
    const JsonValue& links = r["links"];
    REQUIRE(links.Size() == 3);
    CHECK(textAt(r, "/links/1/href") == "https://example.org/collections/nz/items/buildings-collection.json");
    CHECK(textAt(r, "/links/2/href") == "https://example.org/collections/nz/items/nz-building-outlines.xml");

    CHECK(pointers(Profile::builtin().validate(r)) == std::set<std::string>{"/properties/adminUnits"});
    requireProfileProblemsWarned(mapped);
    record::IndexedRecord fields = requireStorable(mapped);
    CHECK(fields.themes == std::vector<std::string>{"buildings"});
    REQUIRE(fields.bbox);
    CHECK(fields.bbox->minX == Approx(167.325430204));
}

TEST_CASE("the spec's record.json maps", "[ogc-records]") {
    Json foreign = load("tests/fixtures/ogcapi-records/spec__record.json");
    MappedRecord mapped = map(foreign);
    INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
    REQUIRE(mapped.rejections.empty());
    const Json& r = mapped.record;
    CHECK(mapped.id == "urn:x-wmo:md:int.wmo.wis::https://geo.woudc.org/def/data/ozone/total-column-ozone/totalozone");
    CHECK(textAt(r, "/time/interval/0") == "1924-08-17T00:00:00Z");
    CHECK(textAt(r, "/time/interval/1") == "..");
    CHECK(textAt(r, "/time/resolution") == "P1D");
    CHECK(textAt(r, "/conformsTo/0") == "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core");

    CHECK(textAt(r, "/properties/contacts/0/name") == "World Ozone and Ultraviolet Radiation Data Centre");
    CHECK(textAt(r, "/properties/contacts/0/links/0/href") == "https://woudc.org");
    CHECK(textAt(r, "/properties/contacts/0/roles/0") == "publisher");
    CHECK(textAt(r, "/properties/contacts/0/contactInstructions") == "SEE PAGE: https://woudc.org/contact.php");
    CHECK(textAt(r, "/properties/publisher/name") == "World Ozone and Ultraviolet Radiation Data Centre");
    CHECK(textAt(r, "/properties/publisher/id") == "https://woudc.org");

    // Records themes are kept with their schemes; none is a twin theme.
    CHECK(at(r, "/properties/themes")->Size() == 2);
    CHECK(textAt(r, "/properties/themes/0/scheme") == "https://geo.woudc.org/codelists.xml#WOUDC_InstrumentCode");
    CHECK(textAt(r, "/properties/themes/0/concepts/0/id") == "dobson");
    CHECK(textAt(r, "/properties/themes/0/concepts/0/url") ==
          "https://geo.woudc.org/codelists.xml#WOUDC_InstrumentCode_dobson");
    CHECK(twinThemes(r).empty());
    CHECK(warnedAt(mapped, "/properties/themes"));
    CHECK(textAt(r, "/properties/language/code") == "en-CA");

    // "other" defers to the licence link; no access level is stated and the licence is not open.
    CHECK(textAt(r, "/properties/license") == "https://woudc.org/about/data-policy.php");
    CHECK_FALSE(at(r, "/properties/rights"));
    CHECK(warnedAt(mapped, "/properties/rights"));

    // WMS and WFS capabilities (rel "describes") are services; both enclosures are downloads.
    CHECK(distributionFormats(r) == std::vector<std::string>{"wms", "other", "other", "other"});
    CHECK(textAt(r, "/properties/distributions/1/formatVersion") == "WFS");
    CHECK(textAt(r, "/properties/distributions/3/mediaType") == "application/zip");

    requireProfileProblemsWarned(mapped);
    CHECK(pointers(Profile::builtin().validate(r)) ==
          std::set<std::string>{"/properties/adminUnits", "/properties/rights", "/properties/themes"});
    record::IndexedRecord fields = requireStorable(mapped);
    REQUIRE(fields.timeStart);
    CHECK(*fields.timeEnd == tweeling::common::kOpenEnd);
}

TEST_CASE("twin records pass through the mapping unchanged in substance", "[ogc-records]") {
    for (const auto& entry : std::filesystem::directory_iterator(sourcePath("tests/fixtures/records/valid"))) {
        INFO(entry.path().filename().string());
        Json foreign = parse(readFile(entry.path().string()));
        MappedRecord mapped = map(foreign);
        INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
        REQUIRE(mapped.rejections.empty());
        CHECK(Profile::builtin().validate(mapped.record).empty());
        record::IndexedRecord before = record::extractIndexFields(foreign);
        record::IndexedRecord after = requireStorable(mapped);
        CHECK(after.type == before.type);
        CHECK(after.themes == before.themes);
        CHECK(after.formats == before.formats);
        CHECK(after.adminUnits == before.adminUnits);
        CHECK(after.publisherId == before.publisherId);
        CHECK(after.license == before.license);
        CHECK(after.rights == before.rights);
        CHECK(after.updated == before.updated);
        CHECK(after.timeStart == before.timeStart);
        CHECK(after.timeEnd == before.timeEnd);
        CHECK(after.bbox.has_value() == before.bbox.has_value());
    }
    Json minimal = load("tests/fixtures/records/valid/dataset-minimal.json");
    MappedRecord mapped = map(minimal);
    INFO(show(mapped.warnings));
    CHECK(mapped.warnings.empty());
    CHECK(toString(mapped.record["properties"]) == toString(minimal["properties"]));
}

TEST_CASE("records without id or title, and non-objects, are rejected", "[ogc-records]") {
    SECTION("no id") {
        MappedRecord mapped = mapText(R"({"type": "Feature", "geometry": null, "properties": {"title": "T"}})");
        CHECK(mapped.id.empty());
        CHECK(rejectedAt(mapped, "/id"));
    }
    SECTION("empty id, object id, overlong id") {
        CHECK(rejectedAt(mapText(R"({"id": "", "geometry": null, "properties": {"title": "T"}})"), "/id"));
        CHECK(rejectedAt(mapText(R"({"id": {"a": 1}, "geometry": null, "properties": {"title": "T"}})"), "/id"));
        CHECK(rejectedAt(mapText(R"({"id": ")" + std::string(300, 'x') + R"(", "properties": {"title": "T"}})"), "/id"));
    }
    SECTION("a numeric id becomes its text") {
        MappedRecord mapped = mapText(R"({"id": 42, "geometry": null, "properties": {"title": "T"}})");
        CHECK(mapped.rejections.empty());
        CHECK(mapped.id == "42");
        CHECK(textAt(mapped.record, "/id") == "42");
    }
    SECTION("no title, or an empty one") {
        MappedRecord mapped = mapText(R"({"id": "a", "geometry": null, "properties": {"description": "D"}})");
        CHECK(mapped.id == "a");  // still known, so the harvester can report it
        CHECK(rejectedAt(mapped, "/properties/title"));
        CHECK(rejectedAt(mapText(R"({"id": "a", "properties": {"title": "  "}})"), "/properties/title"));
        CHECK(rejectedAt(mapText(R"({"id": "a", "properties": "title"})"), "/properties/title"));
    }
    SECTION("not an object") {
        for (const char* text : {"[]", "\"record\"", "null", "42", "true", "[{\"id\": \"a\"}]"}) {
            INFO(text);
            MappedRecord mapped;
            REQUIRE_NOTHROW(mapped = mapText(text));
            CHECK(rejectedAt(mapped, ""));
            CHECK(mapped.id.empty());
        }
    }
}

TEST_CASE("hostile input never throws", "[ogc-records]") {
    SECTION("wrong types everywhere") {
        const std::string properties = R"("type": [1], "description": {}, "contacts": "c", "themes": {"x": 1},
            "keywords": 7, "providers": [1, null, {}, ""], "publisher": [], "license": 5, "rights": {},
            "distributions": "d", "crs": {}, "adminUnits": "GM0363", "language": 7, "created": 5, "updated": [],
            "extent": {"spatial": {"bbox": "x"}, "temporal": {"interval": "y"}}, "lod": [{}], "lineage": "x",
            "accuracy": [], "externalIds": [1], "datetime": 5, "start_datetime": {})";
        const std::string top = R"("time": 5, "links": {"a": 1}, "conformsTo": "x", "bbox": "b",)";
        MappedRecord mapped;
        REQUIRE_NOTHROW(mapped = mapText(foreignRecord(properties, top)));
        INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
        CHECK(mapped.rejections.empty());  // it has an id, a title and a point
        requireProfileProblemsWarned(mapped);
        requireStorable(mapped);
        CHECK(textAt(mapped.record, "/properties/type") == "dataset");
        CHECK(textAt(mapped.record, "/properties/description") == "A record");
    }
    SECTION("unusable geometry is a rejection") {
        for (const char* geometry :
             {R"("abc")", R"({"type": "Polygon", "coordinates": "nope"})", R"({"type": 5})", R"([1, 2])",
              R"({"type": "Polygon", "coordinates": [[[120000, 480000], [121000, 480000], [121000, 481000],
                  [120000, 480000]]]})"}) {
            INFO(geometry);
            MappedRecord mapped;
            REQUIRE_NOTHROW(mapped = mapText(std::string(R"({"id": "g", "geometry": )") + geometry +
                                             R"(, "properties": {"title": "T"}})"));
            CHECK(rejectedAt(mapped, "/geometry"));
        }
    }
    SECTION("huge arrays") {
        std::string keywords, links;
        for (int i = 0; i < 50000; ++i) {
            keywords += (i ? "," : "") + std::string("\"kw") + std::to_string(i) + "\"";
            links += (i ? "," : "") + std::string(R"({"rel": "item", "href": "https://x.example/f)") +
                     std::to_string(i) + R"(.laz"})";
        }
        std::string ring;
        for (int i = 0; i < 100000; ++i) ring += "[5, " + std::to_string(52 + i * 1e-6) + "],";
        std::string text = R"({"id": "huge", "geometry": {"type": "LineString", "coordinates": [)" + ring +
                           R"([5.1, 52.0]]}, "links": [)" + links + R"(], "properties": {"title": "T", "keywords": [)" +
                           keywords + "]}}";
        MappedRecord mapped;
        REQUIRE_NOTHROW(mapped = mapText(text));
        CHECK(mapped.rejections.empty());
        CHECK(textAt(mapped.record, "/geometry/type") == "Polygon");
        CHECK(at(mapped.record, "/properties/distributions")->Size() == 1000);
        CHECK(at(mapped.record, "/properties/keywords")->Size() == 1000);
        requireStorable(mapped);
    }
    SECTION("deep nesting is not copied into the record") {
        std::string deep = std::string(150, '[') + std::string(150, ']');
        std::string text = R"({"id": "deep", "geometry": null, "properties": {"title": "T", "accuracy": {"a": )" + deep +
                           R"(}, "extra": )" + deep + "}}";
        Json doc = parse(text, 256);
        MappedRecord mapped;
        REQUIRE_NOTHROW(mapped = map(doc));
        INFO(show(mapped.rejections));
        CHECK(mapped.rejections.empty());
        CHECK_FALSE(at(mapped.record, "/properties/accuracy"));
    }
}

TEST_CASE("geometry mapping", "[ogc-records]") {
    auto withGeometry = [](const std::string& geometry, const std::string& extra = "") {
        return mapText(R"({"id": "g", "geometry": )" + geometry + R"(, "properties": {"title": "T")" + extra + "}}");
    };
    SECTION("Point and MultiPolygon are kept") {
        MappedRecord point = withGeometry(R"({"type": "Point", "coordinates": [4.9, 52.37, 3.5]})");
        CHECK(toString(point.record["geometry"]) == R"({"type":"Point","coordinates":[4.9,52.37,3.5]})");
        CHECK_FALSE(warnedAt(point, "/geometry"));
        MappedRecord multi = withGeometry(
            R"({"type": "MultiPolygon", "coordinates": [[[[4,52],[5,52],[5,53],[4,53],[4,52]]]]})");
        CHECK(textAt(multi.record, "/geometry/type") == "MultiPolygon");
        CHECK_FALSE(warnedAt(multi, "/geometry"));
    }
    SECTION("other types become their bbox envelope") {
        MappedRecord line = withGeometry(R"({"type": "LineString", "coordinates": [[4, 52], [5, 53]]})");
        CHECK(toString(line.record["geometry"]) ==
              R"({"type":"Polygon","coordinates":[[[4.0,52.0],[5.0,52.0],[5.0,53.0],[4.0,53.0],[4.0,52.0]]]})");
        CHECK(warnedAt(line, "/geometry"));
        MappedRecord collection = withGeometry(
            R"({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [4, 52]},
                {"type": "Point", "coordinates": [6, 51]}]})");
        CHECK(textAt(collection.record, "/geometry/type") == "Polygon");
        CHECK(at(collection.record, "/geometry/coordinates/0/2/0")->GetDouble() == 6);
        MappedRecord single = withGeometry(R"({"type": "MultiPoint", "coordinates": [[4, 52]]})");
        CHECK(textAt(single.record, "/geometry/type") == "Point");
        MappedRecord unclosed = withGeometry(R"({"type": "Polygon", "coordinates": [[[4,52],[5,52],[5,53],[4,53]]]})");
        CHECK(warnedAt(unclosed, "/geometry"));
        CHECK(Profile::builtin().validate(unclosed.record).size() > 0);  // other members, not the geometry
        CHECK(unclosed.rejections.empty());
    }
    SECTION("a rectangle with minimum and maximum swapped is rewritten in bbox order") {
        MappedRecord swapped = withGeometry(R"({"type": "Polygon", "coordinates": [[[5,52],[4,52],[4,53],[5,53],[5,52]]]})");
        CHECK(swapped.rejections.empty());
        CHECK(toString(swapped.record["geometry"]["coordinates"]) ==
              "[[[4.0,52.0],[5.0,52.0],[5.0,53.0],[4.0,53.0],[4.0,52.0]]]");
    }
    SECTION("no geometry: bbox fallback, else null with a warning") {
        MappedRecord none = withGeometry("null");
        CHECK(none.rejections.empty());
        CHECK(none.record["geometry"].IsNull());
        CHECK(warningAt(none, "/geometry").find("bbox") != std::string::npos);
        MappedRecord extent = withGeometry(
            "null", R"(, "extent": {"spatial": {"bbox": [[4.7, 52.3, 5.0, 52.6]],
                       "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}})");
        CHECK(textAt(extent.record, "/geometry/type") == "Polygon");
        CHECK(warnedAt(extent, "/geometry"));
        MappedRecord projected = withGeometry(
            "null", R"(, "extent": {"spatial": {"bbox": [[120000, 480000, 130000, 490000]]}})");
        CHECK(projected.record["geometry"].IsNull());
        MappedRecord antimeridian =
            mapText(R"({"id": "g", "bbox": [170, -10, -170, 10], "properties": {"title": "T"}})");
        CHECK(textAt(antimeridian.record, "/geometry/type") == "MultiPolygon");
        CHECK(antimeridian.rejections.empty());
    }
    SECTION("projected coordinates with a WGS84 bbox use the bbox") {
        MappedRecord mapped = withGeometry(
            R"({"type": "Polygon", "coordinates": [[[120000,480000],[121000,480000],[121000,481000],[120000,480000]]]})",
            R"(, "extent": {"spatial": {"bbox": [[4.7, 52.3, 5.0, 52.6]]}})");
        CHECK(mapped.rejections.empty());
        CHECK(at(mapped.record, "/geometry/coordinates/0/0/0")->GetDouble() == Approx(4.7));
    }
}

TEST_CASE("record types", "[ogc-records]") {
    struct Case {
        const char* given;
        const char* type;
        bool warned;
    };
    const Case cases[] = {
        {R"("dataset")", "dataset", false},
        {R"("series")", "dataset", false},
        {R"("nonGeographicDataset")", "dataset", false},
        {R"("http://purl.org/dc/dcmitype/Dataset")", "dataset", false},
        {R"("service")", "service", false},
        {R"("http://www.w3.org/ns/dcat#DataService")", "service", false},
        {R"("application")", "service", true},
        {R"("model")", "model", false},
        {R"("simulation")", "dataset", true},
        {R"("sensor")", "dataset", true},
        {R"(17)", "dataset", true},
    };
    for (const Case& c : cases) {
        INFO(c.given);
        MappedRecord mapped = mapText(foreignRecord(std::string(R"("type": )") + c.given));
        CHECK(textAt(mapped.record, "/properties/type") == c.type);
        CHECK(warnedAt(mapped, "/properties/type") == c.warned);
    }
    MappedRecord missing = mapText(foreignRecord(""));
    CHECK(textAt(missing.record, "/properties/type") == "dataset");
    CHECK(warnedAt(missing, "/properties/type"));
    MappedRecord simulation = mapText(foreignRecord(
        R"("type": "simulation-result", "lineage": {"model": "3Di", "version": "3.2", "scenario": "T100",
            "runDate": "2024-03-01"})"));
    CHECK(textAt(simulation.record, "/properties/type") == "simulation-result");
    CHECK(textAt(simulation.record, "/properties/lineage/model") == "3Di");
    CHECK_FALSE(warnedAt(simulation, "/properties/type"));
}

TEST_CASE("twin themes from Dutch and English keywords", "[ogc-records]") {
    struct Case {
        const char* keyword;
        const char* theme;
    };
    const Case cases[] = {
        {"gebouwen", "buildings"},       {"3D Buildings", "buildings"},    {"AHN4", "terrain"},
        {"hoogtebestand", "terrain"},    {"Digital Terrain Model", "terrain"}, {"bomen", "vegetation"},
        {"trees", "vegetation"},         {"puntenwolk", "pointcloud"},    {"point cloud", "pointcloud"},
        {"hittestress", "heat-stress"},  {"heat stress", "heat-stress"},  {"overstroming", "flooding"},
        {"wateroverlast", "flooding"},   {"Flood risk", "flooding"},      {"geluidbelasting", "noise"},
        {"road noise", "noise"},         {"stikstofdepositie", "nitrogen"}, {"luchtkwaliteit", "air-quality"},
        {"energietransitie", "energy"},  {"BIM", "bim"},                  {"IFC", "bim"},
        {"ondergrond", "subsurface"},    {"woningbouw", "housing"},       {"bestemmingsplan", "spatial-planning"},
    };
    for (const Case& c : cases) {
        INFO(c.keyword);
        MappedRecord mapped = mapText(foreignRecord(std::string(R"("keywords": [")") + c.keyword + "\"]"));
        CHECK(twinThemes(mapped.record) == std::vector<std::string>{c.theme});
        CHECK(warningAt(mapped, "/properties/themes").find("guessed") != std::string::npos);
    }
    // Near misses: "argeologie" must not read as geology, "heatmap" is not heat stress, "Bagage" is not BAG.
    for (const char* keyword : {"heatmap", "Kadaster", "monumenten", "ozone", "Bagage", "ARGEOLOGIE", "waterschap"}) {
        INFO(keyword);
        MappedRecord mapped = mapText(foreignRecord(std::string(R"("keywords": [")") + keyword + "\"]"));
        CHECK(twinThemes(mapped.record).empty());
    }
    SECTION("theme concepts and declared twin themes") {
        MappedRecord mapped = mapText(foreignRecord(
            R"("themes": [{"scheme": "https://w3id.org/tweeling/def/theme", "concepts": [{"id": "flooding"}, {"id": "rain"}]},
                          {"scheme": "https://www.eionet.europa.eu/gemet/nl/inspire-themes/",
                           "concepts": [{"id": "bu", "title": "Gebouwen"}, "Hoogte"]}])"));
        CHECK(twinThemes(mapped.record) == std::vector<std::string>{"flooding", "buildings", "terrain"});
        CHECK(warningAt(mapped, "/properties/themes").find("'rain'") != std::string::npos);
        CHECK(textAt(mapped.record, "/properties/themes/1/concepts/1/id") == "Hoogte");
        CHECK(Profile::builtin().validate(mapped.record).size() >= 1);
        requireProfileProblemsWarned(mapped);
    }
}

TEST_CASE("distributions from links", "[ogc-records]") {
    struct Case {
        const char* link;
        const char* format;
        const char* mediaType;
    };
    const Case cases[] = {
        {R"({"rel": "enclosure", "type": "application/city+json", "href": "https://x.example/a.city.json"})", "cityjson",
         "application/city+json"},
        {R"({"rel": "enclosure", "href": "https://x.example/tiles/tileset.json"})", "3dtiles", "application/json"},
        {R"({"rel": "download", "type": "application/octet-stream", "href": "https://x.example/a.laz"})", "laz",
         "application/vnd.laszip"},  // a generic media type gives way to the file name's
        {R"({"rel": "item", "type": "OGC:WMTS", "href": "https://x.example/wmts"})", "wmts", "application/vnd.ogc.wmts_xml"},
        {R"({"rel": "data", "type": "application/geo+json", "href": "https://x.example/a.geojson"})", "geojson",
         "application/geo+json"},
        {R"({"rel": "service", "href": "https://x.example/ows?service=WMS&version=1.1.1"})", "wms",
         "application/vnd.ogc.wms_xml"},
        {R"({"rel": "alternate", "type": "application/vnd.laszip+copc", "href": "https://x.example/a.copc.laz"})", "copc",
         "application/vnd.laszip+copc"},
        {R"({"rel": "related", "href": "https://x.example/ows?SERVICE=WFS&request=GetCapabilities"})", "other",
         "application/xml"},
        {R"({"rel": "enclosure", "type": "model/gltf-binary", "href": "https://x.example/m.glb"})", "gltf",
         "model/gltf-binary"},
        {R"({"rel": "enclosure", "type": "OGC API - Features", "href": "https://x.example/collections/b"})",
         "ogcapi-features", "application/geo+json"},
        {R"({"rel": "enclosure", "href": "https://x.example/model.ifc"})", "ifc", "application/x-step"},
        {R"({"rel": "download", "type": "download", "href": "https://x.example/a.gpkg"})", "gpkg",
         "application/geopackage+sqlite3"},
    };
    for (const Case& c : cases) {
        INFO(c.link);
        MappedRecord mapped = mapText(foreignRecord("", std::string(R"("links": [)") + c.link + "],"));
        REQUIRE(distributionFormats(mapped.record).size() == 1);
        CHECK(textAt(mapped.record, "/properties/distributions/0/format") == c.format);
        CHECK(textAt(mapped.record, "/properties/distributions/0/mediaType") == c.mediaType);
        CHECK(at(mapped.record, "/links")->Empty());
        requireStorable(mapped);
    }
    SECTION("the WMS version comes from the href") {
        MappedRecord mapped = mapText(foreignRecord(
            "", R"("links": [{"rel": "service", "href": "https://x.example/ows?service=WMS&version=1.1.1"}],)"));
        CHECK(textAt(mapped.record, "/properties/distributions/0/formatVersion") == "1.1.1");
    }
    SECTION("relative hrefs are resolved against the record's URL; non-http links are dropped") {
        MappedRecord mapped = mapText(foreignRecord(
            "", R"("links": [{"rel": "enclosure", "href": "data/a.gpkg"}, {"rel": "enclosure", "href": "ftp://x.example/b.zip"}],)"));
        CHECK(textAt(mapped.record, "/properties/distributions/0/href") == std::string(kCatalog) + "/items/data/a.gpkg");
        CHECK(distributionFormats(mapped.record).size() == 1);
        CHECK(warningAt(mapped, "/properties/distributions").find("ftp://") != std::string::npos);
    }
    SECTION("no usable link: the record's self link, else its item URL") {
        MappedRecord self = mapText(foreignRecord(
            "", R"("links": [{"rel": "self", "type": "application/geo+json", "href": "https://cat.example/collections/c/items/rec1?f=json"},
                             {"rel": "alternate", "type": "text/html", "href": "https://cat.example/collections/c/items/rec1?f=html"}],)"));
        CHECK(distributionFormats(self.record) == std::vector<std::string>{"other"});
        CHECK(textAt(self.record, "/properties/distributions/0/href") ==
              "https://cat.example/collections/c/items/rec1?f=json");
        CHECK(textAt(self.record, "/properties/distributions/0/mediaType") == "application/geo+json");
        CHECK(warningAt(self, "/properties/distributions").find("only distribution") != std::string::npos);

        MappedRecord bare = mapText(R"({"id": "rec 1/2", "geometry": null, "properties": {"title": "T"}})",
                                    "https://cat.example/collections/c/items/?f=json");
        CHECK(textAt(bare.record, "/properties/distributions/0/href") ==
              "https://cat.example/collections/c/items/rec%201%2F2");
        requireStorable(bare);
    }
    SECTION("twin-form distributions are kept") {
        MappedRecord mapped = mapText(foreignRecord(
            R"("distributions": [{"href": "https://x.example/t/tileset.json", "format": "3dtiles", "formatVersion": "1.1",
                                  "mediaType": "application/json", "byteSize": 12,
                                  "checksum": {"algorithm": "sha256", "value": "abc"}}])"));
        CHECK(toString(mapped.record["properties"]["distributions"]) ==
              R"([{"href":"https://x.example/t/tileset.json","format":"3dtiles","formatVersion":"1.1","mediaType":"application/json","byteSize":12,"checksum":{"algorithm":"sha256","value":"abc"}}])");
        CHECK_FALSE(warnedAt(mapped, "/properties/distributions"));
    }
}

TEST_CASE("time, updated, crs, licence and rights", "[ogc-records]") {
    SECTION("time forms") {
        MappedRecord open = mapText(foreignRecord("", R"("time": {"interval": [null, ".."]},)"));
        CHECK_FALSE(open.record.HasMember("time"));
        CHECK(warnedAt(open, "/time/interval"));
        MappedRecord interval = mapText(foreignRecord("", R"("time": {"interval": ["2020-01-01", null]},)"));
        CHECK(toString(interval.record["time"]) == R"({"interval":["2020-01-01",".."]})");
        MappedRecord date = mapText(foreignRecord("", R"("time": "2020-05-01",)"));
        CHECK(toString(date.record["time"]) == R"({"date":"2020-05-01"})");
        MappedRecord datetime = mapText(foreignRecord(R"("datetime": "2021-05-01T10:00:00")"));
        CHECK(toString(datetime.record["time"]) == R"({"timestamp":"2021-05-01T10:00:00Z"})");
        CHECK(warnedAt(datetime, "/properties/datetime"));
        MappedRecord stac = mapText(foreignRecord(R"("start_datetime": "2019-01-01T00:00:00Z", "end_datetime": "2019-12-31")"));
        CHECK(toString(stac.record["time"]) == R"({"interval":["2019-01-01T00:00:00Z","2019-12-31"]})");
        MappedRecord backwards = mapText(foreignRecord("", R"("time": {"interval": ["2021-01-01", "2020-01-01"]},)"));
        CHECK_FALSE(backwards.record.HasMember("time"));
        CHECK(warnedAt(backwards, "/time/interval"));
        for (const MappedRecord* mapped : {&open, &interval, &date, &datetime, &stac, &backwards}) {
            CHECK(mapped->rejections.empty());
            requireProfileProblemsWarned(*mapped);
        }
    }
    SECTION("updated") {
        MappedRecord modified = mapText(foreignRecord(R"("modified": "2023-02-03")"));
        CHECK(textAt(modified.record, "/properties/updated") == "2023-02-03");
        CHECK(warnedAt(modified, "/properties/updated"));
        MappedRecord none = mapText(foreignRecord(""));
        CHECK(textAt(none.record, "/properties/updated") == "1970-01-01");  // deterministic, never "now"
        CHECK(warnedAt(none, "/properties/updated"));
        // A catalog's record dated in the future would be frozen at the hub (every later version
        // is older, so refused as a replay): rejected, not kept with a warning.
        MappedRecord future = mapText(foreignRecord(R"("updated": "9999-12-31T00:00:00Z")"));
        CHECK(rejectedAt(future, "/properties/updated"));
        CHECK_FALSE(mapText(foreignRecord(R"("updated": "2023-02-03T10:00:00Z")")).rejections.size());
    }
    SECTION("crs") {
        MappedRecord mapped = mapText(foreignRecord(R"("crs": "EPSG:28992", "conformsTo": ["urn:ogc:def:crs:EPSG::7415"])",
                                                    R"("conformsTo": ["http://www.opengis.net/def/crs/EPSG/0/4258",
                                                       "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core"],)"));
        CHECK(toString(mapped.record["properties"]["crs"]) ==
              R"(["http://www.opengis.net/def/crs/EPSG/0/28992","http://www.opengis.net/def/crs/EPSG/0/7415","http://www.opengis.net/def/crs/EPSG/0/4258"])");
        CHECK_FALSE(warnedAt(mapped, "/properties/crs"));
        CHECK(toString(mapped.record["conformsTo"]) ==
              R"(["http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core"])");
    }
    SECTION("licence and rights") {
        MappedRecord open = mapText(foreignRecord(R"("license": "CC0-1.0")"));
        CHECK(textAt(open.record, "/properties/rights") == "public");
        CHECK(warnedAt(open, "/properties/rights"));
        MappedRecord restricted = mapText(foreignRecord(
            R"("license": "CC-BY-4.0", "accessRights": "http://publications.europa.eu/resource/authority/access-right/RESTRICTED")"));
        CHECK(textAt(restricted.record, "/properties/rights") == "restricted");
        CHECK_FALSE(warnedAt(restricted, "/properties/rights"));
        MappedRecord closed = mapText(foreignRecord(R"("license": "proprietary", "rights": "Copyright 2021 Gemeente X")"));
        CHECK(textAt(closed.record, "/properties/license") == "proprietary");
        CHECK_FALSE(at(closed.record, "/properties/rights"));
        CHECK(warnedAt(closed, "/properties/rights"));
        MappedRecord linked = mapText(foreignRecord(
            "", R"("links": [{"rel": "license", "href": "https://creativecommons.org/licenses/by/4.0/"}],)"));
        CHECK(textAt(linked.record, "/properties/license") == "https://creativecommons.org/licenses/by/4.0/");
        CHECK(textAt(linked.record, "/properties/rights") == "public");
        MappedRecord none = mapText(foreignRecord(""));
        CHECK(warnedAt(none, "/properties/license"));
    }
    SECTION("publisher from contacts by role, with a TOOI URI") {
        MappedRecord mapped = mapText(foreignRecord(
            R"("contacts": [{"name": "Jan", "roles": ["author"]},
                            {"organization": "Gemeente Amsterdam", "roles": ["pointOfContact"],
                             "links": [{"rel": "about", "href": "https://identifier.overheid.nl/tooi/id/gemeente/gm0363"}]},
                            {"position": "nobody"}])"));
        CHECK(textAt(mapped.record, "/properties/publisher/name") == "Gemeente Amsterdam");
        CHECK(textAt(mapped.record, "/properties/publisher/id") ==
              "https://identifier.overheid.nl/tooi/id/gemeente/gm0363");
        CHECK_FALSE(warnedAt(mapped, "/properties/publisher/id"));
        CHECK(at(mapped.record, "/properties/contacts")->Size() == 2);
        CHECK(warnedAt(mapped, "/properties/contacts"));  // the one without name or organization
    }
    SECTION("no publisher at all: the source") {
        MappedRecord mapped = mapText(foreignRecord(""));
        CHECK(textAt(mapped.record, "/properties/publisher/name") == "src");
        CHECK(textAt(mapped.record, "/properties/publisher/id") == std::string(kCatalog) + "#publisher-src");
        CHECK(textAt(mapped.record, "/properties/contacts/0/organization") == "src");
        requireProfileProblemsWarned(mapped);
    }
}

TEST_CASE("readItemsPage reads features, numberMatched and the next link", "[ogc-records]") {
    const std::string pageUrl = "https://demo.pygeoapi.io/master/collections/dutch-metadata/items?f=json";
    ItemsPage page;
    SECTION("relative next link, JSON preferred over HTML") {
        Json doc = parse(R"({"type": "FeatureCollection", "numberMatched": 308, "numberReturned": 3,
            "features": [{"id": "a"}, {"id": "b"}, 5],
            "links": [{"rel": "next", "type": "text/html", "href": "items?f=html&offset=10"},
                      {"rel": "next", "type": "application/geo+json", "href": "items?f=json&offset=10"},
                      {"rel": "self", "href": "items?f=json"}]})");
        REQUIRE_FALSE(readItemsPage(doc, pageUrl, page));
        CHECK(page.features.size() == 3);
        CHECK(page.features[0] == &doc["features"][0]);
        REQUIRE(page.numberMatched);
        CHECK(*page.numberMatched == 308);
        CHECK(page.nextUrl == "https://demo.pygeoapi.io/master/collections/dutch-metadata/items?f=json&offset=10");
    }
    SECTION("query-only, absolute-path, dot-segment and absolute next links") {
        struct Case {
            const char* href;
            const char* next;
        };
        const Case cases[] = {
            {"?offset=20", "https://demo.pygeoapi.io/master/collections/dutch-metadata/items?offset=20"},
            {"/master/collections/dutch-metadata/items?offset=30",
             "https://demo.pygeoapi.io/master/collections/dutch-metadata/items?offset=30"},
            {"../dutch-metadata/./items?offset=40",
             "https://demo.pygeoapi.io/master/collections/dutch-metadata/items?offset=40"},
            {"https://other.example/items?page=2", "https://other.example/items?page=2"},
        };
        for (const Case& c : cases) {
            INFO(c.href);
            Json doc = parse(std::string(R"({"type": "FeatureCollection", "features": [], "links": [{"rel": "next", "href": ")") +
                             c.href + "\"}]}");
            REQUIRE_FALSE(readItemsPage(doc, pageUrl, page));
            CHECK(page.nextUrl == c.next);
            CHECK(page.features.empty());
            CHECK_FALSE(page.numberMatched);
        }
    }
    SECTION("the last page has no next link") {
        page.nextUrl = "left over";
        Json doc = parse(R"({"type": "FeatureCollection", "features": [{"id": "z"}], "numberMatched": -1,
                             "links": [{"rel": "prev", "href": "items?offset=0"}]})");
        REQUIRE_FALSE(readItemsPage(doc, pageUrl, page));
        CHECK(page.nextUrl.empty());
        CHECK(page.features.size() == 1);
        CHECK_FALSE(page.numberMatched);
    }
    SECTION("unusable next links are errors, so the crawl is not taken as complete") {
        for (const char* links :
             {R"([{"rel": "next", "href": "items?f=json"}])", R"([{"rel": "next", "type": "text/html", "href": "?f=html"}])",
              R"([{"rel": "next", "href": "ftp://x.example/items"}])"}) {
            INFO(links);
            Json doc = parse(std::string(R"({"type": "FeatureCollection", "features": [], "links": )") + links + "}");
            auto error = readItemsPage(doc, pageUrl, page);
            CHECK(error);
            CHECK(page.nextUrl.empty());
        }
    }
    SECTION("what is not a FeatureCollection is rejected") {
        for (const char* text : {"[]", "\"x\"", R"({"type": "Feature", "features": []})", R"({"features": []})",
                                 R"({"type": "FeatureCollection"})", R"({"type": "FeatureCollection", "features": {}})"}) {
            INFO(text);
            Json doc = parse(text);
            CHECK(readItemsPage(doc, pageUrl, page));
        }
        Json collection = load("tests/fixtures/ogcapi-records/pygeoapi-demo__collection_dutch-metadata.json");
        auto error = readItemsPage(collection, pageUrl, page);
        REQUIRE(error);
        CHECK(error->find("'Catalog'") != std::string::npos);
    }
    SECTION("the truncated and placeholder fixtures fail before: they are not JSON") {
        for (const char* file : {"tests/fixtures/ogcapi-records/pygeoapi-demo__items_dutch-metadata__EXTRACT_TRUNCATED.json.txt",
                                 "tests/fixtures/ogcapi-records/spec__records_PLACEHOLDER_INVALID_JSON.json.txt"}) {
            INFO(file);
            Json doc;
            CHECK(tweeling::common::parseUntrusted(readFile(sourcePath(file)), doc, 256));
        }
    }
}

TEST_CASE("resolveUrl follows RFC 3986 section 5.4", "[ogc-records]") {
    const std::string base = "http://a/b/c/d;p?q";
    const std::pair<const char*, const char*> cases[] = {
        {"g:h", "g:h"},           {"g", "http://a/b/c/g"},          {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"}, {"/g", "http://a/g"},             {"//g", "http://g"},
        {"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"},   {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"}, {"g?y#s", "http://a/b/c/g?y#s"}, {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"}, {"", "http://a/b/c/d;p?q"},     {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},   {"..", "http://a/b/"},            {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},  {"../..", "http://a/"},           {"../../g", "http://a/g"},
        {"../../../g", "http://a/g"}, {"/./g", "http://a/g"},        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."}, {"..g", "http://a/b/c/..g"},      {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"}, {"g/./h", "http://a/b/c/g/h"}, {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"}, {"g;x=1/../y", "http://a/b/c/y"},
    };
    for (const auto& [reference, expected] : cases) {
        INFO(reference);
        CHECK(resolveUrl(base, reference) == expected);
    }
    CHECK(resolveUrl("not a url", "g") == "g");
    CHECK(resolveUrl("https://h.example", "items") == "https://h.example/items");
}

TEST_CASE("canonicalJson and contentHash", "[ogc-records]") {
    SECTION("stable under key order and whitespace, different on a value change") {
        Json a = parse(R"({"b": 1, "a": [1, 2, {"d": true, "c": null}], "e": "x"})");
        Json b = parse("{\n  \"e\" : \"x\",\n  \"a\": [1,2,{ \"c\":null,\"d\":true }],\t\"b\":1 }");
        CHECK(canonicalJson(a) == R"({"a":[1,2,{"c":null,"d":true}],"b":1,"e":"x"})");
        CHECK(canonicalJson(a) == canonicalJson(b));
        CHECK(contentHash(a) == contentHash(b));
        CHECK(contentHash(a).size() == 64);
        CHECK(contentHash(a) != contentHash(parse(R"({"b": 2, "a": [1, 2, {"d": true, "c": null}], "e": "x"})")));
        CHECK(contentHash(a) != contentHash(parse(R"({"b": 1, "a": [2, 1, {"d": true, "c": null}], "e": "x"})")));
        CHECK(contentHash(a) != contentHash(parse(R"({"b": 1, "a": [1, 2, {"d": true, "c": null}], "e": "x "})")));
    }
    SECTION("known digest") {
        CHECK(contentHash(parse("{}")) == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }
    SECTION("strings are escaped as RFC 8785 does") {
        Json doc = parse(R"(["\u000f\u001f", "a/b", "\u00e9\u20ac", "\"\\\b\f\n\r\t", "\u007f", "\u2028"])");
        CHECK(canonicalJson(doc) == "[\"\\u000f\\u001f\",\"a/b\",\"\xC3\xA9\xE2\x82\xAC\",\"\\\"\\\\\\b\\f\\n\\r\\t\","
                                    "\"\x7F\",\"\xE2\x80\xA8\"]");
        Json withNul = parse(R"({"k\u0000": "\u0000"})");
        CHECK(canonicalJson(withNul) == std::string("{\"k\\u0000\":\"\\u0000\"}"));
    }
    SECTION("members are sorted by UTF-16 code units (RFC 8785 section 3.2.3)") {
        Json doc = parse(R"({"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
                             "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
                             "\u00f6": "Latin Small Letter O With Diaeresis"})");
        std::string canonical = canonicalJson(doc);
        std::vector<std::string> order = {"\"\\r\"", "\"1\"", "\"\xC2\x80\"", "\"\xC3\xB6\"", "\"\xE2\x82\xAC\"",
                                          "\"\xF0\x9F\x98\x80\"", "\"\xEF\xAC\xB3\""};
        std::size_t last = 0;
        for (const auto& key : order) {
            INFO(key);
            std::size_t position = canonical.find(key + ":");
            REQUIRE(position != std::string::npos);
            CHECK(position >= last);
            last = position;
        }
    }
    SECTION("numbers as RapidJSON writes them; deep nesting is fine") {
        Json numbers = parse("[1, -2, 1.5, 1e2, 0.1, 12345678901234567890, 3.0e-7]");
        CHECK(canonicalJson(numbers) == toString(numbers));
        Json deep;
        deep.SetArray();
        JsonValue* cursor = &deep;
        for (int i = 0; i < 100000; ++i) {
            cursor->PushBack(JsonValue(rapidjson::kArrayType), deep.GetAllocator());
            cursor = &(*cursor)[0];
        }
        std::string canonical;
        REQUIRE_NOTHROW(canonical = canonicalJson(deep));
        CHECK(canonical.size() == 200002);
    }
}
