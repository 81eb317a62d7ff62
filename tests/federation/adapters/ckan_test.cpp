#include "adapters/ckan/ckan.hpp"

#include <rapidjson/pointer.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "adapters/content_hash.hpp"
#include "common/json.hpp"
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

const char* const kDemo = "https://demo.ckan.org";
const char* const kOverheid = "https://data.overheid.nl/data";

Json parse(const std::string& text) {
    Json doc;
    auto error = tweeling::common::parseUntrusted(text, doc);
    INFO((error ? error->message : std::string()));
    REQUIRE_FALSE(error);
    return doc;
}

Json load(const std::string& name) { return parse(readFile(sourcePath("tests/fixtures/ckan/" + name))); }

std::string show(const Problems& problems) {
    std::string out;
    for (const auto& problem : problems) out += "  " + problem.pointer + ": " + problem.message + "\n";
    return out;
}

MappedRecord map(const JsonValue& package, const std::string& catalog = kOverheid) {
    return mapCkanPackage(package, MappingContext{"ckan-src", catalog}, Profile::builtin());
}

MappedRecord mapText(const std::string& text, const std::string& catalog = kOverheid) {
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

const JsonValue* at(const JsonValue& value, const char* pointer) { return rapidjson::Pointer(pointer).Get(value); }

std::string textAt(const JsonValue& value, const char* pointer) {
    const JsonValue* found = at(value, pointer);
    return found && found->IsString() ? std::string(found->GetString(), found->GetStringLength()) : std::string("<none>");
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

// The store's entry points accept the record, and normalising is idempotent.
void requireStorable(const MappedRecord& mapped) {
    REQUIRE_NOTHROW(record::extractIndexFields(mapped.record));
    Json copy;
    copy.CopyFrom(mapped.record, copy.GetAllocator());
    REQUIRE_NOTHROW(record::normalizeForStorage(copy, "src"));
    std::string once = toString(copy);
    record::normalizeForStorage(copy, "src");
    CHECK(toString(copy) == once);
    CHECK_NOTHROW(contentHash(copy));
}

std::vector<std::string> distributionFormats(const JsonValue& mapped) {
    std::vector<std::string> out;
    if (const JsonValue* list = at(mapped, "/properties/distributions"))
        for (const auto& distribution : list->GetArray()) out.push_back(distribution["format"].GetString());
    return out;
}

std::vector<std::string> twinThemes(const JsonValue& mapped) { return record::extractIndexFields(mapped).themes; }

// A made-up data.overheid.nl package: a municipality's 3D buildings.
const char* const kDenHaag = R"json({
  "id": "0c1d2e3f-0000-4000-8000-000000000001",
  "name": "3d-gebouwen-den-haag",
  "title": "3D-gebouwen Den Haag",
  "notes": "Alle gebouwen van de gemeente Den Haag in 3D (LoD 2.2), afgeleid van de BAG en AHN.",
  "license_id": "http://creativecommons.org/publicdomain/zero/1.0/deed.nl",
  "license_title": "Creative Commons Zero",
  "private": false,
  "metadata_created": "2024-03-01T09:00:00.000000",
  "metadata_modified": "2025-11-20T14:30:12.123456",
  "maintainer": "Team Geo-informatie",
  "maintainer_email": "geo@denhaag.nl",
  "author": null,
  "organization": {"name": "gemeente-den-haag", "title": "Gemeente Den Haag", "type": "organization"},
  "tags": [{"name": "3D", "display_name": "3D"}, {"name": "gebouwen", "display_name": "gebouwen"}],
  "groups": [{"name": "ruimte-en-infrastructuur", "title": "Ruimte en infrastructuur"}],
  "extras": [
    {"key": "spatial", "value": "{\"type\": \"Polygon\", \"coordinates\": [[[4.18, 52.01], [4.42, 52.01], [4.42, 52.13], [4.18, 52.13], [4.18, 52.01]]]}"},
    {"key": "frequency", "value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"}
  ],
  "resources": [
    {"url": "https://ckan.denhaag.example/download/gebouwen.city.json", "format": "CityJSON",
     "mimetype": "application/city+json", "size": 123456789, "hash": "md5:0123456789abcdef0123456789abcdef",
     "name": "Gebouwen (CityJSON)"},
    {"url": "https://tiles.denhaag.example/3d/gebouwen/tileset.json", "format": "3D Tiles", "mimetype": null,
     "size": null, "hash": "", "name": "Gebouwen (3D Tiles)"},
    {"url": "ftp://old.example/gebouwen.zip", "format": "ZIP"}
  ]
})json";

}  // namespace

TEST_CASE("a real package_show package maps to a twin record", "[ckan]") {
    Json doc = load("ckan-demo__package_show_62513382.json");
    MappedRecord mapped = map(doc["result"], kDemo);
    INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
    REQUIRE(mapped.rejections.empty());
    requireProfileProblemsWarned(mapped);
    requireStorable(mapped);
    const Json& r = mapped.record;
    CHECK(mapped.id == "100-validated-species-of-plants");
    CHECK(textAt(r, "/id") == "100-validated-species-of-plants");
    CHECK(textAt(r, "/properties/title") == "100 Validated Species of Plants");
    CHECK(textAt(r, "/properties/description") == "This data includes the typical plants for machine learning test.");
    CHECK(textAt(r, "/properties/keywords/1") == "image recognition");
    CHECK(textAt(r, "/properties/updated") == "2017-08-05T03:19:33.886925Z");
    CHECK(textAt(r, "/properties/created") == "2017-08-05T03:16:52.857800Z");
    CHECK(textAt(r, "/properties/rights") == "public");
    CHECK(textAt(r, "/properties/license") == "Other (Open)");
    // organization null: the source names the publisher, within the catalog.
    CHECK(textAt(r, "/properties/publisher/name") == "ckan-src");
    CHECK(textAt(r, "/properties/publisher/id") == "https://demo.ckan.org#publisher-ckan-src");
    CHECK(warnedAt(mapped, "/properties/publisher"));
    CHECK(textAt(r, "/properties/contacts/0/name") == "TKKIM");
    CHECK(textAt(r, "/properties/contacts/0/emails/0/value") == "misoh049@gmail.com");
    CHECK(textAt(r, "/properties/contacts/0/roles/0") == "pointOfContact");
    CHECK(textAt(r, "/properties/contacts/1/roles/0") == "author");
    CHECK(distributionFormats(r) == std::vector<std::string>{"csv"});
    CHECK(at(r, "/properties/distributions/0/byteSize") == nullptr);
    CHECK(at(r, "/properties/distributions/0/checksum") == nullptr);
    CHECK(textAt(r, "/links/0/href") ==
          "https://demo.ckan.org/dataset/100-validated-species-of-plants");
    CHECK(textAt(r, "/links/0/rel") == "via");
    CHECK(at(r, "/geometry")->IsNull());
    CHECK(warnedAt(mapped, "/geometry"));
    // No tag names a twin theme: a warning, not a rejection.
    CHECK(twinThemes(r).empty());
    CHECK(warnedAt(mapped, "/properties/themes"));
    CHECK(at(r, "/properties/source") == nullptr);  // extras: []
}

TEST_CASE("every package of a real package_search page maps", "[ckan]") {
    Json doc = load("ckan-demo__package_search_rows3.json");
    CkanSearchPage page;
    REQUIRE_FALSE(readCkanSearchPage(doc, page));
    CHECK(page.count == 3);
    REQUIRE(page.packages.size() == 3);
    std::vector<MappedRecord> mapped;
    for (const JsonValue* package : page.packages) {
        mapped.push_back(map(*package, kDemo));
        INFO("rejections:\n" << show(mapped.back().rejections) << "warnings:\n" << show(mapped.back().warnings));
        CHECK(mapped.back().rejections.empty());
        requireProfileProblemsWarned(mapped.back());
        requireStorable(mapped.back());
    }
    SECTION("a title in Chinese is kept as it is") {
        CHECK(textAt(mapped[1].record, "/properties/title") == "\xE8\xA6\x8F\xE7\xAE\xA1\xE6\xB5\xB7\xE5\xA4\x96"
                                                                 "\xE7\x89\xA9\xE6\xA5\xAD\xE9\x8A\xB7\xE5\x94\xAE");
        CHECK(textAt(mapped[1].record, "/properties/license") == "CC-BY-4.0");
        // The tag "Housing" names the twin theme housing.
        CHECK(twinThemes(mapped[1].record) == std::vector<std::string>{"housing"});
        // No maintainer or author (empty strings): the publisher is the contact.
        CHECK(warnedAt(mapped[1], "/properties/contacts"));
    }
    SECTION("an organization is the publisher, its page at the catalog its id") {
        CHECK(textAt(mapped[2].record, "/properties/publisher/name") == "SDB");
        CHECK(textAt(mapped[2].record, "/properties/publisher/id") == "https://demo.ckan.org/organization/sdb");
    }
    SECTION("extras are kept under properties.source") {
        CHECK(textAt(mapped[2].record, "/properties/source/kind") == "ckan");
        CHECK(textAt(mapped[2].record, "/properties/source/extras/Anno") == "2016");
    }
}

TEST_CASE("a Dutch 3D buildings package maps footprint, themes and 3D distributions", "[ckan]") {
    MappedRecord mapped = mapText(kDenHaag);
    INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
    REQUIRE(mapped.rejections.empty());
    requireProfileProblemsWarned(mapped);
    requireStorable(mapped);
    const Json& r = mapped.record;
    CHECK(mapped.id == "3d-gebouwen-den-haag");
    CHECK(textAt(r, "/geometry/type") == "Polygon");
    record::IndexedRecord fields = record::extractIndexFields(r);
    std::vector<std::string> themes = fields.themes;
    CHECK(std::find(themes.begin(), themes.end(), "buildings") != themes.end());
    CHECK(std::find(themes.begin(), themes.end(), "spatial-planning") != themes.end());
    CHECK_FALSE(warnedAt(mapped, "/properties/themes"));
    CHECK(distributionFormats(r) == std::vector<std::string>{"cityjson", "3dtiles"});
    CHECK(at(r, "/properties/distributions/0/byteSize")->GetInt64() == 123456789);
    CHECK(textAt(r, "/properties/distributions/0/checksum/algorithm") == "md5");
    CHECK(textAt(r, "/properties/distributions/0/title") == "Gebouwen (CityJSON)");
    CHECK(warnedAt(mapped, "/properties/distributions"));  // the ftp resource
    CHECK(textAt(r, "/properties/license") == "CC0-1.0");
    CHECK(textAt(r, "/properties/publisher/name") == "Gemeente Den Haag");
    CHECK(textAt(r, "/properties/publisher/id") == "https://data.overheid.nl/data/organization/gemeente-den-haag");
    CHECK(textAt(r, "/properties/contacts/0/name") == "Team Geo-informatie");
    CHECK(at(r, "/properties/contacts/1") == nullptr);
    CHECK(textAt(r, "/links/0/href") == "https://data.overheid.nl/data/dataset/3d-gebouwen-den-haag");
    CHECK(textAt(r, "/properties/source/extras/frequency") ==
          "http://publications.europa.eu/resource/authority/frequency/ANNUAL");
}

TEST_CASE("private packages, bbox extras and the id fall back as documented", "[ckan]") {
    MappedRecord mapped = mapText(R"({"id": "abc-123", "title": "Bomen", "private": true,
        "metadata_modified": "2025-01-02T03:04:05",
        "extras": [{"key": "bbox-west-long", "value": "4.8"}, {"key": "bbox-south-lat", "value": "52.3"},
                   {"key": "bbox-east-long", "value": "5.0"}, {"key": "bbox-north-lat", "value": "52.4"}],
        "tags": ["bomen"], "resources": []})");
    INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
    REQUIRE(mapped.rejections.empty());
    requireProfileProblemsWarned(mapped);
    CHECK(mapped.id == "abc-123");
    CHECK(textAt(mapped.record, "/properties/rights") == "non-public");
    CHECK(textAt(mapped.record, "/geometry/type") == "Polygon");
    CHECK(twinThemes(mapped.record) == std::vector<std::string>{"vegetation"});
    // No resources: the package's page is the only distribution.
    CHECK(textAt(mapped.record, "/properties/distributions/0/href") == "https://data.overheid.nl/data/dataset/abc-123");
    CHECK(warnedAt(mapped, "/properties/distributions"));
    CHECK(warnedAt(mapped, "/properties/license"));
}

TEST_CASE("a package without name, title or modification time is rejected", "[ckan]") {
    CHECK(rejectedAt(mapText(R"({"title": "T", "metadata_modified": "2025-01-01T00:00:00"})"), "/id"));
    CHECK(rejectedAt(mapText(R"({"name": "n", "metadata_modified": "2025-01-01T00:00:00"})"), "/properties/title"));
    CHECK(rejectedAt(mapText(R"({"name": "n", "title": "T", "metadata_modified": "gisteren"})"),
                     "/properties/updated"));
    CHECK(rejectedAt(mapText(R"([1, 2])"), ""));
}

TEST_CASE("hostile CKAN packages never throw", "[ckan]") {
    SECTION("wrong types everywhere") {
        MappedRecord mapped;
        REQUIRE_NOTHROW(mapped = mapText(R"({"name": "x", "title": "T", "metadata_modified": "2025-01-01T00:00:00",
            "notes": 5, "tags": {"a": 1}, "groups": [1, null, {"name": 7}, []], "organization": "org",
            "maintainer": [], "maintainer_email": "not an email", "author": {}, "license_id": 42,
            "license_url": [], "private": "yes", "metadata_created": {}, "extras": {"spatial": 1},
            "resources": [1, null, {"url": 5}, {"url": "https://x.example/a", "size": "-3", "hash": 7,
                          "format": [], "mimetype": {}}]})"));
        INFO("rejections:\n" << show(mapped.rejections) << "warnings:\n" << show(mapped.warnings));
        CHECK(mapped.rejections.empty());
        requireProfileProblemsWarned(mapped);
        requireStorable(mapped);
        CHECK(textAt(mapped.record, "/properties/rights") == "public");
        CHECK(distributionFormats(mapped.record) == std::vector<std::string>{"other"});
    }
    SECTION("hostile extras") {
        for (const char* spatial : {R"("{")", R"("[1,2]")", R"("{\"type\": \"Point\", \"coordinates\": [120000, 480000]}")",
                                    R"(5)", R"("{\"type\": \"Polygon\", \"coordinates\": [[[[[[[[[[[1]]]]]]]]]]]}")"}) {
            INFO(spatial);
            MappedRecord mapped;
            REQUIRE_NOTHROW(mapped = mapText(std::string(R"({"name": "x", "title": "T",
                "metadata_modified": "2025-01-01T00:00:00", "extras": [{"key": "spatial", "value": )") +
                                             spatial + "}]}"));
            CHECK(mapped.rejections.empty());
            CHECK(at(mapped.record, "/geometry")->IsNull());
            CHECK(warnedAt(mapped, "/geometry"));
        }
    }
    SECTION("huge arrays") {
        std::string tags, resources, extras;
        for (int i = 0; i < 5000; ++i) {
            tags += std::string(i ? "," : "") + R"({"name": "t)" + std::to_string(i) + "\"}";
            resources += std::string(i ? "," : "") + R"({"url": "https://x.example/)" + std::to_string(i) + ".csv\"}";
            extras += std::string(i ? "," : "") + R"({"key": "k)" + std::to_string(i) + R"(", "value": "v"})";
        }
        MappedRecord mapped;
        REQUIRE_NOTHROW(mapped = mapText(R"({"name": "x", "title": "T", "metadata_modified": "2025-01-01T00:00:00",
            "tags": [)" + tags + R"(], "resources": [)" + resources + R"(], "extras": [)" + extras + "]}"));
        CHECK(mapped.rejections.empty());
        CHECK(at(mapped.record, "/properties/keywords")->Size() == 1000);
        CHECK(at(mapped.record, "/properties/distributions")->Size() == 1000);
        CHECK(at(mapped.record, "/properties/source/extras")->MemberCount() == 1000);
        CHECK(warnedAt(mapped, "/properties/keywords"));
    }
}

TEST_CASE("package_search envelopes are checked", "[ckan]") {
    CkanSearchPage page;
    CHECK(readCkanSearchPage(parse(R"({"success": false, "error": {"message": "Solr down"}})"), page)->find("Solr down") !=
          std::string::npos);
    CHECK(readCkanSearchPage(parse(R"({"success": true, "result": {"results": []}})"), page));
    CHECK(readCkanSearchPage(parse(R"({"success": true, "result": {"count": -1, "results": []}})"), page));
    CHECK(readCkanSearchPage(parse(R"({"success": true, "result": {"count": 1, "results": {}}})"), page));
    CHECK(readCkanSearchPage(parse(R"([])"), page));
    // package_list is no package_search response.
    CHECK(readCkanSearchPage(load("ckan-demo__package_list.json"), page));
    REQUIRE_FALSE(readCkanSearchPage(parse(R"({"success": true, "result": {"count": 7, "results": [1, {}]}})"), page));
    CHECK(page.count == 7);
    CHECK(page.packages.size() == 2);
}

TEST_CASE("package_show envelopes are checked", "[ckan]") {
    const JsonValue* package = nullptr;
    Json real = load("ckan-demo__package_show_62513382.json");
    REQUIRE_FALSE(readCkanPackageShow(real, package));
    REQUIRE(package);
    CHECK(std::string((*package)["name"].GetString()) == std::string(real["result"]["name"].GetString()));
    auto notFound = readCkanPackageShow(
        parse(R"({"success": false, "error": {"message": "Not found", "__type": "Not Found Error"}})"), package);
    REQUIRE(notFound);
    CHECK(notFound->find("package_show") != std::string::npos);
    CHECK(notFound->find("Not found") != std::string::npos);
    CHECK(package == nullptr);
    CHECK(readCkanPackageShow(parse(R"({"success": true, "result": []})"), package));
    CHECK(readCkanPackageShow(parse(R"("ok")"), package));
}
