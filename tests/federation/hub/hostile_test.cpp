// Hostile input everywhere on the hub (docs/RELIABILITY.md, "Hostile input"): every query parameter,
// path parameter, header and body of `twin-federation serve` (sources, reports, the assembled twin
// and the federated search), against the table of hostile values (tests/support/hostile.hpp), over
// HTTP against the real program. A 2xx where the value is legitimately fine, else a 4xx
// application/problem+json naming the field; never a 5xx, a crash, an injected or unbounded header,
// or a page reflecting markup. The table is checked against the hub's live /openapi.json.
#include "support/hostile.hpp"
#include "common/json.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <memory>

using namespace tweeling::test;
using namespace tweeling::test::hostile;
using tweeling::common::Json;

namespace {

const std::string kSourceId = "gm0363";

std::string program() {
    return binPath("twin-federation");
}

// The hub's query parameters, as its OpenAPI document names them. A parameter added to the
// document needs a row here: "every documented input of the hub has a row" fails until it has one.
const std::vector<Parameter>& queryTable() {
    static const std::vector<Parameter> table =
        withSearch("GET /collections/twins/items",
                   {
                       {"GET /", "query", "f", Kind::Choice},
                       {"GET /collections/twins", "query", "f", Kind::Choice},
                       {"GET /collections/twins/queryables", "query", "f", Kind::Choice},
                       {"GET /collections/twins/sortables", "query", "f", Kind::Choice},
                       {"GET /collections/twins/items", "query", "source", Kind::Text},
                       {"GET /collections/twins/items", "query", "validation", Kind::Choice},
                       {"GET /feed", "query", "after", Kind::Count0},
                       {"GET /feed", "query", "limit", Kind::Count1},
                       {"GET /sources", "query", "f", Kind::Choice},
                       {"GET /sources/{sourceId}", "query", "f", Kind::Choice},
                       {"GET /twin/tileset.json", "query", "bbox", Kind::Choice},
                       {"GET /twin/tileset.json", "query", "bbox-crs", Kind::Choice},
                       {"GET /twin/tileset.json", "query", "themes", Kind::Text},
                       {"GET /twin/tileset.json", "query", "adminUnits", Kind::Text},
                       {"GET /twin/tileset.json", "query", "lod", Kind::Choice},
                       {"GET /collections/{twinCollectionId}/3dtiles", "query", "bbox", Kind::Choice},
                       {"GET /collections/{twinCollectionId}/3dtiles", "query", "bbox-crs", Kind::Choice},
                       {"GET /collections/{twinCollectionId}/3dtiles", "query", "themes", Kind::Text},
                       {"GET /collections/{twinCollectionId}/3dtiles", "query", "adminUnits", Kind::Text},
                       {"GET /collections/{twinCollectionId}/3dtiles", "query", "lod", Kind::Choice},
                   });
    return table;
}

std::string concretePath(const std::string& operation) {
    std::string path = operation.substr(operation.find(' ') + 1);
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"{sourceId}", kSourceId}, {"{twinCollectionId}", "twin-3d"}, {"{recordId}", "none"}}) {
        auto at = path.find(name);
        if (at != std::string::npos) path.replace(at, name.size(), value);
    }
    return path;
}

// One hub for the whole file: rate limits off, 127.0.0.1 a trusted proxy, no harvesting (its one
// source points nowhere), an admin key.
struct Hub {
    TempDir dir;
    std::string admin;
    std::unique_ptr<ServerProcess> server;

    Hub() {
        std::string db = dir.file("hub.db");
        auto created = run({program(), "keys", "create", "--admin", "--db", db, "--hub-id", "hostile"});
        INFO(created.err);
        REQUIRE(created.exitCode == 0);
        admin = created.out.substr(0, created.out.find('\n'));
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            program(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--quiet", "--no-harvest", "--rate-limit", "0",
            "--publish-rate-limit", "0", "--trusted-proxy", "127.0.0.1"});
        HttpResponse added = post("/sources", "{\"id\":\"" + kSourceId + "\",\"url\":\"https://example.org/gm0363\"}");
        INFO(added.body);
        REQUIRE(added.status == 201);
    }

    std::string url(const std::string& path) const { return server->baseUrl() + path; }

    HttpResponse request(const std::string& method, const std::string& path, const std::string& body,
                         std::vector<std::string> extra = {}) const {
        HttpRequest request;
        request.method = method;
        request.url = url(path);
        request.body = body;
        return sendWithDefaults(
            request, {"Content-Type: application/json", "Authorization: Bearer " + admin, "Expect:"}, extra);
    }
    HttpResponse post(const std::string& path, const std::string& body, std::vector<std::string> extra = {}) const {
        return request("POST", path, body, std::move(extra));
    }
};

Hub& hub() {
    static Hub shared;
    return shared;
}

}  // namespace

TEST_CASE("every documented input of the hub has a row in the hostile table", "[hostile]") {
    HttpResponse document = get(hub().url("/openapi.json"));
    REQUIRE(document.status == 200);
    std::set<std::string> rows;
    for (const auto& parameter : queryTable())
        rows.insert(parameter.operation + " " + parameter.in + ":" + parameter.name);
    for (const char* covered : {
             // The path parameters, headers and bodies the test cases below send hostile values in.
             "GET /sources/{sourceId} path:sourceId",
             "DELETE /sources/{sourceId} path:sourceId",
             "POST /sources/{sourceId}/harvest path:sourceId",
             "GET /sources/{sourceId}/reports/latest path:sourceId",
             "GET /collections/{twinCollectionId} path:twinCollectionId",
             "GET /collections/{twinCollectionId}/3dtiles path:twinCollectionId",
             "POST /sources body",
             // The node's own (tests/registry/api/hostile_test.cpp): the hub serves them with the same code.
             "GET /collections/twins/items/{recordId} path:recordId",
             "GET /collections/twins/items/{recordId} header:If-None-Match",
             "GET /collections/twins/items/{recordId} query:f",
             "GET /collections/twins/items/{recordId} query:crs",
             "PUT /collections/twins/items/{recordId} path:recordId",
             "PUT /collections/twins/items/{recordId} header:If-Match",
             "PUT /collections/twins/items/{recordId} body",
             "DELETE /collections/twins/items/{recordId} path:recordId",
             "POST /collections/twins/items body",
             "GET /ui/{path} path:path",
             "GET /ui/{path} header:If-None-Match",
         })
        rows.insert(covered);
    for (const std::string& input : documentedInputs(document.body)) {
        INFO("documented input without a row in the hostile table: " << input);
        CHECK(rows.count(input) == 1);
    }
}

TEST_CASE("hostile query parameters of the hub get a 2xx or a problem naming the parameter", "[hostile]") {
    for (const auto& parameter : queryTable()) {
        std::string path = concretePath(parameter.operation);
        bool page = parameter.operation == "GET /sources" || parameter.operation == "GET /sources/{sourceId}" ||
                    parameter.operation == "GET /collections/twins/items";
        for (const Value& value : values()) {
            Case row{parameter.operation + " query:" + parameter.name,
                     parameter.name,
                     value.label,
                     expectationOf(parameter, value),
                     "",
                     value.bytes};
            std::string query = "?" + parameter.name + "=" + querySegment(value);
            checkAnswer(get(hub().url(path + query)), row);
            if (page && parameter.name != "f" && row.expect != Expect::Refused) {
                row.field += " (f=html)";
                if ((parameter.name == "crs" || parameter.name == "facets" || parameter.name == "facetLimit") &&
                    value.utf8 && value.bytes.size() <= 4096)
                    row.expect = Expect::Ok;  // a page leaves these out (api/routes.cpp)
                checkAnswer(get(hub().url(path + query + "&f=html")), row);
            }
        }
    }
}

TEST_CASE("hostile source and collection ids in the path get a problem", "[hostile]") {
    std::vector<Value> ids = values();
    for (const Value& value : pathValues()) ids.push_back(value);
    for (const Value& value : ids) {
        if (value.bytes.empty()) continue;  // /sources/ is the list
        std::string id = pathSegment(value);
        // A source id the hub never holds: 404, or 400 for a path that is not UTF-8, or 414 (1 MB).
        // ".." and friends may be resolved to another path by no one: the server takes the path as sent.
        Expect missing = value.label == "1 MB" || !value.utf8 ? Expect::Refused : Expect::Clean;
        auto check = [&](const std::string& operation, const HttpResponse& response) {
            checkAnswer(response, {operation + " path", "", value.label, missing, "", value.bytes});
            if (value.utf8 && value.label != "1 MB" && !value.rawPath) CHECK(response.status == 404);
        };
        check("GET /sources/{sourceId}", get(hub().url("/sources/" + id)));
        check("GET /sources/{sourceId} (f=html)", get(hub().url("/sources/" + id + "?f=html")));
        check("DELETE /sources/{sourceId}", hub().request("DELETE", "/sources/" + id, ""));
        check("POST /sources/{sourceId}/harvest", hub().post("/sources/" + id + "/harvest", ""));
        check("GET /sources/{sourceId}/reports/latest", get(hub().url("/sources/" + id + "/reports/latest")));
        check("GET /collections/{twinCollectionId}", get(hub().url("/collections/" + id)));
        check("GET /collections/{twinCollectionId}/3dtiles", get(hub().url("/collections/" + id + "/3dtiles")));
    }
    CHECK(get(hub().url("/sources/" + kSourceId)).status == 200);  // nothing removed the one there is
}

namespace {

// A source registration body: the valid one with `member` set to the JSON text `json`.
std::string sourceBody(const std::string& id, const std::string& member = "", const std::string& json = "") {
    Json doc = parseJsonText("{\"id\":\"" + id + "\",\"url\":\"https://example.org/" + id +
                             "\",\"kind\":\"tweeling\",\"every\":\"1h\"}");
    if (!member.empty()) {
        Json value = parseJsonText(json);
        doc.RemoveMember(member.c_str());
        doc.AddMember(tweeling::common::JsonValue(member.c_str(), doc.GetAllocator()),
                      tweeling::common::JsonValue(value, doc.GetAllocator()), doc.GetAllocator());
    }
    return tweeling::common::toString(doc);
}

std::string repeated(const std::string& text, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += text;
    return out;
}

}  // namespace

TEST_CASE("hostile source registrations get a problem naming the member", "[hostile]") {
    struct BodyRow {
        std::string label;
        std::string body;
        Expect expect;
        std::string name;
        std::string problemCode;
    };
    int serial = 0;
    auto fresh = [&] { return "h" + std::to_string(++serial); };
    std::vector<BodyRow> rows = {
        {"not JSON", "hello", Expect::Refused, "", "malformed-json"},
        {"empty", "", Expect::Refused, "", "malformed-json"},
        {"JSON null", "null", Expect::Refused, "", "invalid-source"},
        {"an array", "[]", Expect::Refused, "", "invalid-source"},
        {"deep nesting (100k)", repeated("[", 100000) + repeated("]", 100000), Expect::Refused, "", "malformed-json"},
        {"deep nesting in a member (100k)",
         "{\"id\":\"x\",\"x\":" + repeated("{\"a\":", 100000) + "1" + repeated("}", 100000) + "}", Expect::Refused, "",
         "malformed-json"},
        {"huge array", "{\"id\":\"x\",\"x\":[" + repeated("1,", 1000000) + "1]}", Expect::Refused, "", ""},
        {"duplicate keys", "{\"id\":\"a\",\"id\":\"b\",\"url\":\"https://example.org/\"}", Expect::Problem, "/id",
         "malformed-json"},
        {"invalid UTF-8", "{\"id\":\"caf\xe9\",\"url\":\"https://example.org/\"}", Expect::Problem, "/id",
         "malformed-json"},
        {"lone surrogate", "{\"id\":\"\\ud800\",\"url\":\"https://example.org/\"}", Expect::Refused, "",
         "malformed-json"},
        {"NaN", "{\"id\":\"x\",\"url\":\"https://example.org/\",\"maxDeleteFraction\":NaN}", Expect::Refused, "",
         "malformed-json"},
        {"1e309", "{\"id\":\"x\",\"url\":\"https://example.org/\",\"maxDeleteFraction\":1e309}", Expect::Refused, "",
         "malformed-json"},
        {"10^400", "{\"id\":\"x\",\"url\":\"https://example.org/\",\"every\":1" + std::string(400, '0') + "}",
         Expect::Refused, "", "malformed-json"},
    };
    // Every member with values of the wrong type and out of range.
    const std::vector<std::pair<std::string, std::vector<std::string>>> wrong = {
        {"id", {"42", "true", "null", "{}", "[]"}},
        {"url", {"42", "true", "null", "{}", "[\"https://example.org/\"]"}},
        {"kind", {"42", "true", "null", "{}", "[\"tweeling\"]"}},
        {"every",
         {"true", "null", "{}", "[]", "-1", "0", "-0", "1.5", "9223372036854775807", "-9223372036854775808",
          "18446744073709551615", "1e300"}},
        {"maxDeleteFraction", {"\"0.5\"", "true", "null", "-1", "1.0000001", "1e300", "-1e-300"}},
        {"totalTimeoutMs", {"\"1000\"", "true", "null", "1.5", "-1", "0", "99", "-9223372036854775808"}},
        {"connectTimeoutMs", {"\"1000\"", "true", "null", "1.5", "-1", "0", "99", "-9223372036854775808"}},
        {"allowPrivate", {"\"true\"", "1", "null", "{}"}},
        {"tlsPin", {"42", "true", "{}", "[]"}},
        {"publicKey", {"42", "true", "null", "{}"}},
    };
    for (const auto& [member, values] : wrong)
        for (const std::string& value : values)
            rows.push_back({"/" + member + " = " + value, sourceBody(fresh(), member, value), Expect::Problem,
                            "/" + member, "invalid-source"});
    // Every hostile text in every text member.
    for (const char* member : {"id", "url", "kind", "every", "tlsPin", "publicKey"}) {
        for (const Value& value : values()) {
            if (!value.utf8) continue;  // not JSON text: "invalid UTF-8" above
            Json text;
            text.SetString(value.bytes.c_str(), static_cast<rapidjson::SizeType>(value.bytes.size()),
                           text.GetAllocator());
            std::string json = tweeling::common::toString(text);
            // A tlsPin of "" is no pin; "0", "9223372036854775808" and "1e309" are source ids like any.
            bool fine = (member == std::string("tlsPin") && value.bytes.empty()) ||
                        (member == std::string("id") &&
                         (value.label == "zero" || value.label == "2^63" || value.label == "1e309"));
            Expect expect = fine ? Expect::Ok : Expect::Problem;
            rows.push_back({"/" + std::string(member) + " = " + value.label, sourceBody(fresh(), member, json), expect,
                            "/" + std::string(member), expect == Expect::Ok ? "" : "invalid-source"});
        }
    }
    rows.push_back({"/maxDeleteFraction = -0.0", sourceBody(fresh(), "maxDeleteFraction", "-0.0"), Expect::Ok, "", ""});
    for (const auto& row : rows) {
        Case check{"POST /sources body", row.name, row.label, row.expect, row.problemCode, ""};
        checkAnswer(hub().post("/sources", row.body), check);
    }
    CHECK(get(hub().url("/health")).status == 200);
}

TEST_CASE("hostile headers on the hub's admin writes get a problem", "[hostile]") {
    int serial = 100;
    for (const Value& value : values()) {
        if (value.bytes.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) continue;  // HTTP layer
        std::string body = sourceBody("k" + std::to_string(++serial));
        Outcome unauthenticated = value.label == "1 MB" ? Outcome{Expect::Refused, "request-header-fields-too-large"}
                                                        : Outcome{Expect::Refused, "authentication-required"};
        checkAnswer(hub().post("/sources", body, {headerLine("Authorization", value.bytes)}),
                    {"POST /sources header:Authorization", "", value.label, unauthenticated.expect,
                     unauthenticated.problemCode, value.bytes});
        Outcome unknown = value.label == "1 MB" ? Outcome{Expect::Refused, "request-header-fields-too-large"}
                          // "Bearer" with nothing but blanks after it is no key at all: the HTTP
                          // layer strips a field value's trailing whitespace (RFC 9110 section 5.5).
                          : value.bytes.find_first_not_of(" \t") == std::string::npos
                              ? Outcome{Expect::Refused, "authentication-required"}
                                                : Outcome{Expect::Refused, "invalid-key"};
        checkAnswer(hub().post("/sources", body, {headerLine("Authorization", "Bearer " + value.bytes)}),
                    {"POST /sources header:Authorization: Bearer", "", value.label, unknown.expect, unknown.problemCode,
                     value.bytes});
        checkAnswer(hub().request("DELETE", "/sources/" + kSourceId, "",
                                  {headerLine("Authorization", "Bearer " + value.bytes)}),
                    {"DELETE /sources/{sourceId} header:Authorization: Bearer", "", value.label, unknown.expect,
                     unknown.problemCode, value.bytes});
    }
    // Content-Type of a registration: only JSON is a source.
    for (const char* type : {"text/plain", "application/xml", "application/x-www-form-urlencoded",
                             "multipart/form-data; boundary=x", "text/html"}) {
        checkAnswer(
            hub().post("/sources", sourceBody("ct" + std::to_string(++serial)), {"Content-Type: " + std::string(type)}),
            {"POST /sources header:Content-Type", "", type, Expect::Refused, "unsupported-media-type", ""});
    }
    CHECK(get(hub().url("/sources/" + kSourceId)).status == 200);
}
