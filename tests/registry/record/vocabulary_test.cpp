#include "record/vocabulary.hpp"

#include <catch2/catch.hpp>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "record/identifiers.hpp"
#include "record/record.hpp"
#include "support/http_client.hpp"

namespace tweeling::generated {
extern const char* const kTwinRecordSchema;
}

using tweeling::common::Json;
using tweeling::common::JsonValue;
using tweeling::test::parseJsonText;
using namespace tweeling::registry::record;

namespace {

template <typename Words>
std::vector<std::string> list(const Words& words) {
    return std::vector<std::string>(words.begin(), words.end());
}

// Every "enum" and "pattern" of a schema, by the JSON Pointer of the keyword.
void collect(const JsonValue& node, const std::string& at, std::map<std::string, std::vector<std::string>>& enums,
             std::map<std::string, std::string>& patterns) {
    if (node.IsArray()) {
        for (rapidjson::SizeType i = 0; i < node.Size(); ++i)
            collect(node[i], at + "/" + std::to_string(i), enums, patterns);
        return;
    }
    if (!node.IsObject()) return;
    for (auto it = node.MemberBegin(); it != node.MemberEnd(); ++it) {
        const std::string name(it->name.GetString(), it->name.GetStringLength());
        const std::string pointer = at + "/" + tweeling::common::escapePointerToken(name);
        if (name == "enum" && it->value.IsArray()) {
            auto& values = enums[pointer];
            for (const auto& value : it->value.GetArray()) values.push_back(tweeling::common::toString(value));
        } else if (name == "pattern" && it->value.IsString()) {
            patterns[pointer] = it->value.GetString();
        } else {
            collect(it->value, pointer, enums, patterns);
        }
    }
}

// As enum values appear in the collected form: JSON strings.
std::vector<std::string> quoted(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    for (const auto& word : words) out.push_back("\"" + word + "\"");
    return out;
}

struct SchemaRules {
    std::map<std::string, std::vector<std::string>> enums;
    std::map<std::string, std::string> patterns;
};

SchemaRules rulesOf(const std::string& schemaText) {
    Json schema = parseJsonText(schemaText);
    SchemaRules rules;
    collect(schema, "", rules.enums, rules.patterns);
    return rules;
}

}  // namespace

// The schema cannot include the tables, so this is what keeps the two the same: every enum of the
// schema must be listed here with the table it comes from, and equal it, in the same order.
TEST_CASE("every enum of the record schema equals a vocabulary table") {
    const std::map<std::string, std::vector<std::string>> expected = {
        {"/properties/type/enum", quoted({"Feature"})},
        {"/definitions/polygon/properties/type/enum", quoted({kGeometryTypes[0]})},
        {"/definitions/multiPolygon/properties/type/enum", quoted({kGeometryTypes[1]})},
        {"/definitions/point/properties/type/enum", quoted({kGeometryTypes[2]})},
        {"/definitions/twinThemeIds/enum", quoted(list(kTwinThemes))},
        {"/definitions/theme/anyOf/0/properties/scheme/enum", quoted({kTwinThemeScheme})},
        {"/definitions/theme/anyOf/1/properties/scheme/not/enum", quoted({kTwinThemeScheme})},
        {"/definitions/format/enum", quoted(list(kFormats))},
        {"/definitions/lod/enum", quoted(list(kLods))},
        {"/definitions/twinProperties/properties/type/enum", quoted(list(kRecordTypes))},
        {"/definitions/twinProperties/properties/rights/enum", quoted(list(kRightsValues))},
        {"/definitions/twinProperties/properties/language/properties/dir/enum", quoted(list(kTextDirections))},
    };
    // The schema compiled into the programs, and the file it is made from.
    for (const std::string& schema :
         {std::string(tweeling::generated::kTwinRecordSchema),
          tweeling::test::readFile(tweeling::test::sourcePath("schemas/twin-record.schema.json"))}) {
        SchemaRules rules = rulesOf(schema);
        for (const auto& [pointer, values] : rules.enums) {
            INFO(pointer);
            auto it = expected.find(pointer);
            CHECK(it != expected.end());
            if (it != expected.end()) CHECK(values == it->second);
        }
        for (const auto& [pointer, values] : expected) {
            INFO(pointer);
            CHECK(rules.enums.count(pointer) == 1);
        }
    }
}

// The schema says with patterns what identifiers.cpp says in code; both must accept the same codes.
TEST_CASE("the schema's patterns for admin units and CRSs accept what identifiers.cpp accepts") {
    SchemaRules rules = rulesOf(tweeling::generated::kTwinRecordSchema);
    const std::string unitPattern =
        rules.patterns.at("/definitions/twinProperties/properties/adminUnits/items/pattern");
    const std::string crsPattern = rules.patterns.at("/definitions/twinProperties/properties/crs/items/pattern");
    std::regex unitRegex(unitPattern), crsRegex(crsPattern);
    for (const char* code : {"GM0363", "PV27",    "WS0155",  "GM0000", "gm0363",
                             "Gm0363", "GM036",   "GM03633", "PV2",    "PV277",
                             "WS015",  "WS01555", "XX0001",  "GM036a", "GM",
                             "",       " GM0363", "GM0363 ", "PV-7",   "GM\xd9\xa3\xd9\xa3\xd9\xa3\xd9\xa3"}) {
        INFO(code);
        CHECK(std::regex_search(code, unitRegex) == isAdminUnit(code));
    }
    for (const char* uri :
         {"http://www.opengis.net/def/crs/EPSG/0/7415", "https://www.opengis.net/def/crs/EPSG/0/28992",
          "http://www.opengis.net/def/crs/EPSG/0/", "http://www.opengis.net/def/crs/EPSG/0/12a",
          "http://www.opengis.net/def/crs/EPSG/0/4326/", "EPSG:28992", "urn:ogc:def:crs:EPSG::28992",
          "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/4326", "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
          "ftp://www.opengis.net/def/crs/EPSG/0/4326", " http://www.opengis.net/def/crs/EPSG/0/4326"}) {
        INFO(uri);
        CHECK(std::regex_search(uri, crsRegex) == isEpsgUri(uri));
    }
}

TEST_CASE("the theme table") {
    std::set<std::string> ids;
    for (const Theme& theme : kThemes) {
        INFO(theme.id);
        CHECK(ids.insert(theme.id).second);
        CHECK(std::string(theme.labelNl).size() > 0);
        CHECK(std::string(theme.labelEn).size() > 0);
        // DCAT-AP-NL requires an EU data theme: every twin theme maps onto one of the EU table.
        REQUIRE(theme.euDataTheme != nullptr);
        CHECK(findEuDataTheme(theme.euDataTheme) != nullptr);
        CHECK(theme.searchTerms[0] != nullptr);
        bool ended = false;
        for (const char* term : theme.searchTerms) {
            if (!term) {
                ended = true;
                continue;
            }
            CHECK_FALSE(ended);  // no term after the padding
            // Matched in lower-cased words separated by single spaces.
            std::string text(term);
            for (char c : text)
                CHECK((std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                       c == ' '));
            CHECK(text.find("  ") == std::string::npos);
        }
    }
    CHECK(findTheme("heat-stress")->labelNl == std::string("Hittestress"));
    CHECK(findTheme("Heat-stress") == nullptr);
}

TEST_CASE("the format table") {
    std::set<std::string> ids, mediaTypes, suffixes;
    for (const Format& format : kFormatTable) {
        INFO(format.id);
        CHECK(ids.insert(format.id).second);
        CHECK(std::string(format.label).size() > 0);
        CHECK((format.spec != nullptr) == (std::string(format.id) != "other"));
        // A media type or suffix names one format, so lookups cannot depend on table order.
        for (const char* type : format.mediaTypes)
            if (type) CHECK(mediaTypes.insert(type).second);
        for (const FileSuffix& suffix : format.suffixes)
            if (suffix.suffix) {
                CHECK(suffixes.insert(suffix.suffix).second);
                CHECK(suffix.mediaType != nullptr);
                CHECK(formatOfFileName(std::string("https://e.org/data/x") + suffix.suffix) == &format);
            }
    }
    for (const std::string& text : mediaTypes)
        for (char c : text) CHECK_FALSE(std::isupper(static_cast<unsigned char>(c)));
    std::vector<std::string> services;
    for (const Format& format : kFormatTable)
        if (format.service) services.push_back(format.id);
    CHECK(services == std::vector<std::string>{"i3s", "quantized-mesh", "wms", "wmts", "ogcapi-features"});
    CHECK(isServiceFormat("wms"));
    CHECK_FALSE(isServiceFormat("3dtiles"));
    CHECK_FALSE(isServiceFormat("bogus"));

    CHECK(std::string(formatOfMediaType("application/city+json")->id) == "cityjson");
    CHECK(std::string(formatOfMediaType("application/vnd.geo+json")->id) == "geojson");
    CHECK(formatOfMediaType("application/json") == nullptr);  // the file name decides
    const FileSuffix* suffix = nullptr;
    CHECK(std::string(formatOfFileName("/pc/tile.copc.laz", &suffix)->id) == "copc");  // not laz
    CHECK(std::string(suffix->mediaType) == "application/vnd.laszip+copc");
    CHECK(std::string(formatOfFileName("/a/b.city.jsonl")->id) == "cityjsonseq");
    CHECK(std::string(formatOfFileName("/3d/tileset.json")->id) == "3dtiles");
    CHECK(formatOfFileName("/x.json") == nullptr);
    CHECK(formatOfFileName("/x.pdf", &suffix) == nullptr);
    CHECK(suffix == nullptr);
}

TEST_CASE("the rights table") {
    CHECK(list(kRightsValues) == std::vector<std::string>{"public", "restricted", "non-public"});
    CHECK(std::string(findRights("non-public")->euAccessRight) ==
          "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC");
    CHECK(findRights("open") == nullptr);
}

TEST_CASE("the EU data themes, licences and languages of DCAT-AP-NL") {
    for (const EuDataTheme& theme : kEuDataThemes) {
        INFO(theme.iri);
        CHECK(std::string(theme.iri).rfind(std::string(kEuDataThemeScheme) + "/", 0) == 0);
        CHECK(std::string(theme.labelEn).size() > 0);
        CHECK(std::string(theme.labelNl).size() > 0);
    }
    CHECK(findEuDataTheme(kEuDataThemeUnclassified) != nullptr);
    CHECK(findEuDataTheme("http://publications.europa.eu/resource/authority/data-theme/XXXX") == nullptr);
    CHECK(std::string(findTheme("buildings")->euDataTheme) ==
          "http://publications.europa.eu/resource/authority/data-theme/REGI");

    // An SPDX id in any case, the SPDX IRI and every spelling of the Creative Commons IRI.
    const std::string ccBy = "http://creativecommons.org/licenses/by/4.0/deed.nl";
    for (const char* spelling :
         {"CC-BY-4.0", "cc-by-4.0", "http://spdx.org/licenses/CC-BY-4.0", "https://spdx.org/licenses/CC-BY-4.0.html",
          "https://creativecommons.org/licenses/by/4.0/", "http://creativecommons.org/licenses/by/4.0",
          "https://www.creativecommons.org/licenses/by/4.0/legalcode", "https://creativecommons.org/licenses/by/4.0/deed.en",
          "http://creativecommons.org/licenses/by/4.0/deed.nl"}) {
        INFO(spelling);
        const Licence* licence = findLicence(spelling);
        REQUIRE(licence != nullptr);
        CHECK(licence->nlIri == ccBy);
    }
    CHECK(std::string(findLicence("CC0-1.0")->nlIri) == "http://creativecommons.org/publicdomain/zero/1.0/deed.nl");
    CHECK(std::string(findLicence("https://creativecommons.org/publicdomain/mark/1.0/")->nlIri) ==
          "http://creativecommons.org/publicdomain/mark/1.0/deed.nl");
    // Not on the list: other licences, and a version the list does not have (no silent upgrade).
    CHECK(findLicence("ODbL-1.0") == nullptr);
    CHECK(findLicence("CC-BY-3.0") == nullptr);
    CHECK(findLicence("https://creativecommons.org/licenses/by/3.0/nl/") == nullptr);
    CHECK(findLicence("https://example.org/licenses/by/4.0") == nullptr);
    CHECK(findLicence("") == nullptr);

    CHECK(euLanguageIri("nl") == "http://publications.europa.eu/resource/authority/language/NLD");
    CHECK(euLanguageIri("nl-NL") == "http://publications.europa.eu/resource/authority/language/NLD");
    CHECK(euLanguageIri("EN") == "http://publications.europa.eu/resource/authority/language/ENG");
    CHECK(euLanguageIri("fy") == "http://publications.europa.eu/resource/authority/language/FRY");
    CHECK(euLanguageIri("xx").empty());
    CHECK(euLanguageIri("").empty());
}
