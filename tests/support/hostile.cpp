#include "support/hostile.hpp"

#include "common/json.hpp"

#include <catch2/catch.hpp>

#include <cctype>

namespace tweeling::test::hostile {

namespace {

const std::string kProblemBase = "https://w3id.org/tweeling/problem/";

// Whether the problem document names `name`: as its parameter, in invalid-params, or as the JSON
// Pointer of one of its errors (or a member below it: /properties/title/0 names /properties/title).
bool names(const common::Json& problem, const std::string& name) {
    auto underOrAt = [&](const std::string& found) {
        return found == name || (!name.empty() && name[0] == '/' && found.rfind(name + "/", 0) == 0);
    };
    if (const auto* parameter = common::member(problem, "parameter"); parameter && parameter->IsString())
        if (underOrAt(parameter->GetString())) return true;
    for (const char* list : {"invalid-params", "errors"}) {
        const auto* entries = common::member(problem, list);
        if (!entries || !entries->IsArray()) continue;
        for (const auto& entry : entries->GetArray()) {
            if (!entry.IsObject()) continue;
            for (const char* key : {"name", "pointer"}) {
                const auto* value = common::member(entry, key);
                if (value && value->IsString() && underOrAt(value->GetString())) return true;
            }
        }
    }
    return false;
}

std::string repeat(const std::string& text, std::size_t times) {
    std::string out;
    out.reserve(text.size() * times);
    for (std::size_t i = 0; i < times; ++i) out += text;
    return out;
}

}  // namespace

const char* name(Expect expect) {
    switch (expect) {
        case Expect::Ok:
            return "2xx";
        case Expect::Problem:
            return "4xx naming the field";
        case Expect::Refused:
            return "4xx problem";
        case Expect::NotFound:
            return "404 problem";
        case Expect::NotModified:
            return "304";
        case Expect::Clean:
            return "2xx or 4xx problem";
    }
    return "?";
}

const std::vector<Value>& values() {
    static const std::vector<Value> all = {
        {"empty", ""},
        {"whitespace only", "   \t "},
        // 1 MB (10^6 bytes): curl sends at most 1 MiB of request head.
        {"1 MB", std::string(1000 * 1000, 'a')},
        {"5000 bytes (over the 4 KiB bound)", std::string(5000, '7')},
        {"10^400", "1" + std::string(400, '0')},
        {"negative", "-1"},
        {"zero", "0"},
        {"minus zero", "-0"},
        {"NaN", "NaN"},
        {"Infinity", "Infinity"},
        {"1e309", "1e309"},
        {"2^63", "9223372036854775808"},
        {"invalid UTF-8", "caf\xe9", false},
        {"overlong '/'", "\xc0\xaf", false},
        {"lone surrogate (CESU-8)", "\xed\xa0\x80", false},
        {"truncated 4-byte sequence", "\xf0\x9f\x8f", false},
        {"U+0000", std::string("a\0b", 3)},
        {"U+FEFF BOM",
         "\xef\xbb\xbf"
         "gebouwen"},
        {"RTL override",
         "\xe2\x80\xae"
         "nietsgeb"},
        {"combining marks", "e\xcc\x81\xcc\x81\xcc\x81\xcc\x81"},
        {"4-byte emoji", "\xf0\x9f\x8f\xa0\xf0\x9f\x8c\xb3"},
        {"SQL injection", "' OR 1=1 --"},
        {"SQL stacked", "x'); DROP TABLE records; --"},
        {"FTS5 syntax", "\"a\" NEAR(b"},
        {"FTS5 star", "*"},
        {"FTS5 column filter", "title:x OR {id}: y ^z"},
        {"CQL2 fragment", "title LIKE '%' OR 1=1"},
        {"CQL2 spatial", "S_INTERSECTS(geometry,POLYGON((0 0,1 1,0 0)))"},
        {"markup", kScript},
        {"attribute breakout", "\"><img src=x onerror=alert(1)>"},
        {"CRLF header injection", "x\r\nX-Injected: yes"},
        {"template", "{{7*7}}${7*7}"},
        {"JNDI", "${jndi:ldap://example.org/a}"},
        {"percent literal", "%0d%0a%00%ff"},
        {"dot-dot", "../../etc/passwd"},
        {"backslashes", "..\\..\\windows\\win.ini"},
        {"absolute path", "/etc/passwd"},
        {"many commas", repeat(",", 3000)},
        {"many list items", repeat("a,", 1500)},
    };
    return all;
}

const std::vector<Value>& pathValues() {
    static const std::vector<Value> all = {
        {"..", "..", true, true},
        {"%2e%2e", "%2e%2e", true, true},
        {"..%2f..%2fetc%2fpasswd", "..%2f..%2fetc%2fpasswd", true, true},
        {"..%5c..%5cwindows", "..%5c..%5cwindows", true, true},
        {"%2fetc%2fpasswd", "%2fetc%2fpasswd", true, true},
        {"%00", "%00", true, true},
        {"%ff", "%ff", false, true},
        {"%c0%ae%c0%ae", "%c0%ae%c0%ae", false, true},
    };
    return all;
}

std::vector<Parameter> withSearch(const std::string& operation, std::vector<Parameter> rows) {
    const std::pair<const char*, Kind> search[] = {
        {"q", Kind::Text},          {"bbox", Kind::Choice},        {"bbox-crs", Kind::Choice},
        {"crs", Kind::Choice},      {"datetime", Kind::Choice},    {"type", Kind::Text},
        {"ids", Kind::Text},        {"themes", Kind::Text},        {"formats", Kind::Text},
        {"adminUnits", Kind::Text}, {"origin", Kind::Text},        {"publisher", Kind::Text},
        {"license", Kind::Text},    {"rights", Kind::Text},        {"limit", Kind::Count1},
        {"offset", Kind::Count0},   {"sortby", Kind::Choice},      {"f", Kind::Choice},
        {"filter", Kind::Choice},   {"filter-lang", Kind::Choice}, {"filter-crs", Kind::Choice},
        {"facets", Kind::Choice},   {"facetLimit", Kind::Count1},
    };
    for (const auto& [name, kind] : search) rows.push_back({operation, "query", name, kind});
    return rows;
}

// What a hostile value of a parameter should get.
Expect expectationOf(const Parameter& parameter, const Value& value) {
    const Kind kind = parameter.kind;
    if (value.bytes.empty()) return Expect::Ok;         // an empty parameter is one left out (README, "HTTP surface")
    if (value.label == "1 MB") return Expect::Refused;  // 414 from the HTTP server: no parameter to name
    // A list of facets, LoDs or verdicts with nothing in it asks for none.
    const bool list = parameter.name == "facets" || parameter.name == "lod" || parameter.name == "validation";
    if (list && value.bytes.find_first_not_of(" \t,") == std::string::npos) return Expect::Ok;
    if (parameter.name == "lod" && value.bytes == "0") return Expect::Ok;  // LoD 0 is a CityJSON LoD
    // Valid CQL2 (1=1 compares two literals), however it looks.
    if (parameter.name == "filter" && value.label == "CQL2 fragment") return Expect::Ok;
    switch (kind) {
        case Kind::Text:
            if (!value.utf8 || value.bytes.size() > 4096) return Expect::Problem;
            // Many list items may be more than the database compiles: a 400 naming the parameter.
            if (value.label == "many list items") return Expect::Clean;
            return Expect::Ok;
        case Kind::Count0:
            return value.label == "zero" ? Expect::Ok : Expect::Problem;
        case Kind::Count1:
        case Kind::Choice:
            return Expect::Problem;
    }
    return Expect::Problem;
}

std::string querySegment(const Value& value) {
    return urlEncode(value.bytes);
}

std::string pathSegment(const Value& value) {
    return value.rawPath ? value.bytes : urlEncode(value.bytes);
}

std::string headerLine(const std::string& name, const std::string& value) {
    // curl drops "Name:" with nothing or only blanks after it; "Name;" sends the header with an empty
    // value, which is what a header of blanks is (they are optional whitespace, RFC 9110 §5.6.3).
    return value.find_first_not_of(" \t") == std::string::npos ? name + ";" : name + ": " + value;
}

void checkAnswer(const HttpResponse& response, const Case& row) {
    INFO(row.field << " = " << row.label << " (expected " << name(row.expect) << "): HTTP " << response.status << " "
                   << response.header("content-type") << "\n"
                   << response.body.substr(0, 600));
    REQUIRE(response.status != 0);  // the connection was answered, not dropped
    CHECK(response.status < 500);
    switch (row.expect) {
        case Expect::Ok:
            CHECK((response.status >= 200 && response.status < 300));
            break;
        case Expect::Problem:
        case Expect::Refused:
            CHECK((response.status >= 400 && response.status < 500));
            break;
        case Expect::NotFound:
            CHECK(response.status == 404);
            break;
        case Expect::NotModified:
            CHECK(response.status == 304);
            break;
        case Expect::Clean:
            CHECK(((response.status >= 200 && response.status < 300) ||
                   (response.status >= 400 && response.status < 500)));
            break;
    }
    if (response.status >= 400) {
        CHECK(response.header("content-type") == "application/problem+json");
        common::Json problem;
        problem.Parse(response.body.c_str(), response.body.size());
        CHECK_FALSE(problem.HasParseError());
        CHECK(problem.IsObject());
        const auto* type = problem.IsObject() ? common::member(problem, "type") : nullptr;
        CHECK((type && type->IsString()));
        if (!type || !type->IsString()) return;
        std::string typeUri = type->GetString();
        CHECK(typeUri.rfind(kProblemBase, 0) == 0);
        const auto* status = common::member(problem, "status");
        CHECK((status && status->IsInt() && status->GetInt() == response.status));
        if (!row.problemCode.empty()) CHECK(typeUri == kProblemBase + row.problemCode);
        if ((row.expect == Expect::Problem || row.expect == Expect::Clean) && !row.name.empty())
            CHECK(names(problem, row.name));
    }
    for (const auto& [header, value] : response.headers) {
        INFO("header " << header << ": " << value.substr(0, 300));
        CHECK(value.find_first_of("\r\n") == std::string::npos);
        CHECK(header != "x-injected");
        if (header == "location" || header == "content-location" || header == "link" || header == "etag")
            CHECK(value.size() <= 4096);
        // A value longer than a Link entry may be (html::kMaxLinkHeaderEntry) never reaches a header whole.
        if (row.echo.size() > 1024) CHECK(value.find(row.echo) == std::string::npos);
    }
    if (response.header("content-type").rfind("text/html", 0) == 0) {
        CHECK(response.body.find(kScript) == std::string::npos);
        CHECK(response.body.find("<img src=x") == std::string::npos);
    }
    CHECK(response.body.find("root:x:0:0") == std::string::npos);  // /etc/passwd never served
}

std::set<std::string> documentedInputs(const std::string& openApiJson) {
    common::Json doc = parseJsonText(openApiJson);
    std::set<std::string> inputs;
    const auto* paths = common::member(doc, "paths");
    REQUIRE((paths && paths->IsObject()));
    const auto* components = common::member(doc, "components");
    const auto* shared = components ? common::member(*components, "parameters") : nullptr;
    auto resolve = [&](const common::JsonValue& parameter) -> const common::JsonValue* {
        const auto* ref = common::member(parameter, "$ref");
        if (!ref) return &parameter;
        std::string target = ref->GetString();
        const std::string prefix = "#/components/parameters/";
        REQUIRE(target.rfind(prefix, 0) == 0);
        REQUIRE(shared);
        const auto* found = common::member(*shared, target.substr(prefix.size()).c_str());
        INFO(target);
        REQUIRE(found);
        return found;
    };
    for (const auto& path : paths->GetObject()) {
        std::vector<const common::JsonValue*> pathLevel;
        if (const auto* list = common::member(path.value, "parameters"); list && list->IsArray())
            for (const auto& parameter : list->GetArray()) pathLevel.push_back(resolve(parameter));
        for (const auto& operation : path.value.GetObject()) {
            std::string method = operation.name.GetString();
            if (method == "parameters" || !operation.value.IsObject()) continue;
            if (method != "get" && method != "put" && method != "post" && method != "delete" && method != "patch")
                continue;
            for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            std::string prefix = method + " " + path.name.GetString() + " ";
            std::vector<const common::JsonValue*> all = pathLevel;
            if (const auto* list = common::member(operation.value, "parameters"); list && list->IsArray())
                for (const auto& parameter : list->GetArray()) all.push_back(resolve(parameter));
            for (const auto* parameter : all) {
                const auto* in = common::member(*parameter, "in");
                const auto* parameterName = common::member(*parameter, "name");
                REQUIRE((in && parameterName));
                inputs.insert(prefix + in->GetString() + ":" + parameterName->GetString());
            }
            if (common::member(operation.value, "requestBody")) inputs.insert(prefix + "body");
        }
    }
    return inputs;
}

}  // namespace tweeling::test::hostile
