// Hostile input everywhere on the node (docs/RELIABILITY.md, "Hostile input"): every query parameter,
// path parameter, header and body of `twin-registry serve`, each against the table of hostile values
// (tests/support/hostile.hpp), over HTTP against the real program. An answer is a 2xx where the value
// is legitimately fine, else a 4xx application/problem+json naming the field; never a 5xx, a dropped
// connection, an injected or unbounded header, or a page reflecting markup. The table is checked
// against the live /openapi.json: a parameter the document declares without a row here fails.
#include "support/hostile.hpp"
#include "common/json.hpp"
#include "support/http_client.hpp"

#include <rapidjson/pointer.h>
#include <catch2/catch.hpp>

#include <algorithm>

#include <functional>
#include <map>
#include <memory>

using namespace tweeling::test;
using namespace tweeling::test::hostile;
using tweeling::common::Json;

namespace {

const std::string kAmsterdam = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";
const std::string kRecordId = "gm0363-hostile";
const std::string kItems = "/collections/twins/items";

// The query parameters of the node's operations, as the OpenAPI document names them. A parameter
// added to the API (and so to the document) needs a row here: "every documented input has a row"
// fails until it has one.
const std::vector<Parameter>& queryTable() {
    static const std::vector<Parameter> table = withSearch(
        "GET /collections/twins/items", {
                                            {"GET /", "query", "f", Kind::Choice},
                                            {"GET /collections/twins", "query", "f", Kind::Choice},
                                            {"GET /collections/twins/queryables", "query", "f", Kind::Choice},
                                            {"GET /collections/twins/sortables", "query", "f", Kind::Choice},
                                            {"GET /collections/twins/items/{recordId}", "query", "f", Kind::Choice},
                                            {"GET /collections/twins/items/{recordId}", "query", "crs", Kind::Choice},
                                            {"GET /feed", "query", "after", Kind::Count0},
                                            {"GET /feed", "query", "limit", Kind::Count1},
                                        });
    return table;
}

std::string concretePath(const std::string& operation) {
    std::string path = operation.substr(operation.find(' ') + 1);
    auto at = path.find("{recordId}");
    if (at != std::string::npos) path.replace(at, 10, kRecordId);
    return path;
}

std::string program() {
    return binPath("twin-registry");
}

// The first Amsterdam sample, changed by `edit`.
std::string record(const std::function<void(Json&)>& edit) {
    Json all;
    std::string text = readFile(sourcePath("deploy/samples/gm0363-amsterdam.json"));
    all.Parse(text.c_str(), text.size());
    REQUIRE(all.IsArray());
    Json doc;
    doc.CopyFrom(all[0], doc.GetAllocator());
    edit(doc);
    return tweeling::common::toString(doc);
}

std::string sampleRecord(const std::string& id) {
    return record([&](Json& doc) { doc["id"].SetString(id.c_str(), doc.GetAllocator()); });
}

// One node for the whole file: rate limits off (the table sends thousands of requests from one
// address), 127.0.0.1 a trusted proxy (so X-Forwarded-For is read), one record published.
struct Node {
    TempDir dir;
    std::string key;
    std::unique_ptr<ServerProcess> server;

    Node() {
        std::string db = dir.file("node.db");
        auto created = run({program(), "keys", "create", "--db", db, "--publisher", kAmsterdam, "--node-id", "gm0363"});
        INFO(created.err);
        REQUIRE(created.exitCode == 0);
        key = created.out.substr(0, created.out.find('\n'));
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            program(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--node-id", "gm0363", "--quiet", "--name",
            "Amsterdam", "--rate-limit", "0", "--publish-rate-limit", "0", "--trusted-proxy", "127.0.0.1"});
        HttpResponse put = write("PUT", kItems + "/" + kRecordId, sampleRecord(kRecordId));
        INFO(put.body);
        REQUIRE(put.status == 201);
    }

    std::string url(const std::string& path) const { return server->baseUrl() + path; }

    HttpResponse write(const std::string& method, const std::string& path, const std::string& body,
                       std::vector<std::string> extra = {}) const {
        HttpRequest request;
        request.method = method;
        request.url = url(path);
        request.body = body;
        // A row's header replaces the default of the same name.
        return sendWithDefaults(
            request, {"Content-Type: application/geo+json", "Authorization: Bearer " + key, "Expect:"}, extra);
    }
};

Node& node() {
    static Node shared;
    return shared;
}

// Rows the HTTP layer (api/http_parser.cpp, api/server.cpp) answers before any handler runs: CR, LF
// and NUL inside a header value (they end or corrupt the header line), and the headers Pistache
// used to parse itself. The "[http-layer]" case sends them.
bool httpLayer(const std::string& header, const Value& value) {
    if (value.bytes.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) return true;
    // The 1 MB value is refused before Pistache parses anything, by our own head limit.
    if (value.label == "1 MB") return false;
    // Headers Pistache's typed parsing once turned into plain-text 415s and 500s: Accept and
    // Content-Type that are not media ranges, Cache-Control directives it did not know, and a Host
    // whose port is not a number (every Host is the HTTP layer's now).
    if (header == "Accept" || header == "Content-Type" || header == "Cache-Control") return true;
    // The HTTP layer refuses a Host that is not a host[:port] (RFC 9112 section 3.2: 400).
    return header == "Host";
}

}  // namespace

TEST_CASE("every documented input of the node has a row in the hostile table", "[hostile]") {
    HttpResponse document = get(node().url("/openapi.json"));
    REQUIRE(document.status == 200);
    std::set<std::string> rows;
    for (const auto& parameter : queryTable())
        rows.insert(parameter.operation + " " + parameter.in + ":" + parameter.name);
    for (const char* covered : {
             // The path parameters, headers and bodies the test cases below send hostile values in.
             "GET /collections/twins/items/{recordId} path:recordId",
             "PUT /collections/twins/items/{recordId} path:recordId",
             "DELETE /collections/twins/items/{recordId} path:recordId",
             "GET /collections/twins/items/{recordId} header:If-None-Match",
             "PUT /collections/twins/items/{recordId} header:If-Match",
             "PUT /collections/twins/items/{recordId} body",
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

TEST_CASE("hostile query parameters get a 2xx or a problem naming the parameter", "[hostile]") {
    for (const auto& parameter : queryTable()) {
        std::string path = concretePath(parameter.operation);
        for (const Value& value : values()) {
            Case row{parameter.operation + " query:" + parameter.name,
                     parameter.name,
                     value.label,
                     expectationOf(parameter, value),
                     "",
                     value.bytes};
            std::string query = "?" + parameter.name + "=" + querySegment(value);
            checkAnswer(get(node().url(path + query)), row);
            // The same as a page: what the JSON answer echoes, the HTML page must escape.
            if (parameter.name != "f" && row.expect != Expect::Refused) {
                row.field += " (f=html)";
                // A page leaves out the facets and shows CRS84 (routes.cpp): these do not apply to it.
                if ((parameter.name == "crs" || parameter.name == "facets" || parameter.name == "facetLimit") &&
                    value.utf8 && value.bytes.size() <= 4096)
                    row.expect = Expect::Ok;
                checkAnswer(get(node().url(path + query + "&f=html")), row);
            }
        }
    }
}

TEST_CASE("a hostile lang on a page is the page, with nothing of it reflected unescaped", "[hostile]") {
    // lang (nl, en) is read by the web UI from the page's address; the API does not document it.
    for (const char* path :
         {"/", "/collections/twins", "/collections/twins/items", "/collections/twins/items/gm0363-hostile"}) {
        for (const Value& value : values()) {
            Expect expect = value.label == "1 MB"                      ? Expect::Refused
                            : !value.utf8 || value.bytes.size() > 4096 ? Expect::Problem
                                                                       : Expect::Ok;
            Case row{std::string("GET ") + path + " (f=html) query:lang", "lang", value.label, expect, "", value.bytes};
            checkAnswer(get(node().url(std::string(path) + "?f=html&lang=" + querySegment(value))), row);
        }
    }
}

TEST_CASE("hostile record ids in the path get a problem, never a file or a 5xx", "[hostile]") {
    std::vector<Value> ids = values();
    for (const Value& value : pathValues()) ids.push_back(value);
    for (const Value& value : ids) {
        if (value.bytes.empty()) continue;  // .../items/ is another route
        std::string path = kItems + "/" + pathSegment(value);
        Expect missing = value.label == "1 MB" ? Expect::Refused : value.utf8 ? Expect::Clean : Expect::Refused;
        Case read{"GET /collections/twins/items/{recordId} path:recordId", "", value.label, missing, "", value.bytes};
        checkAnswer(get(node().url(path)), read);
        read.field += " (f=html)";
        checkAnswer(get(node().url(path + "?f=html")), read);
        Case remove{
            "DELETE /collections/twins/items/{recordId} path:recordId", "", value.label, missing, "", value.bytes};
        checkAnswer(node().write("DELETE", path, ""), remove);
        // PUT: the id of the path becomes the record's: an id the profile refuses names /id.
        Case put{"PUT /collections/twins/items/{recordId} path:recordId",
                 "/id",
                 value.label,
                 value.utf8 && value.label != "1 MB" ? Expect::Clean : Expect::Refused,
                 "",
                 value.bytes};
        // A control character (%00, %0d%0a, a tab) is never part of an id: a 400 at /id, not a record
        // stored under the id cut short at the NUL.
        if (value.utf8 && std::any_of(value.bytes.begin(), value.bytes.end(), [](unsigned char c) { return c < 0x20; }))
            put.expect = Expect::Problem;
        HttpResponse written = node().write("PUT", path, record([](Json& doc) { doc.RemoveMember("id"); }));
        checkAnswer(written, put);
        if (written.status / 100 == 2) {
            // Ids are free text (record/identifiers.cpp): the record is there, under its own address,
            // and its page shows the id escaped.
            std::string location = written.header("location");
            CHECK(location.rfind(node().url(kItems + "/"), 0) == 0);
            CHECK(location.find('/', node().url(kItems + "/").size()) == std::string::npos);  // one segment
            Case page{"GET /collections/twins/items/{recordId} (f=html) stored id",
                      "",
                      value.label,
                      Expect::Ok,
                      "",
                      value.bytes};
            checkAnswer(get(location + "?f=html"), page);
            CHECK(node().write("DELETE", path, "").status == 204);
        }
    }
}

TEST_CASE("hostile web UI paths are not served", "[hostile]") {
    std::vector<Value> paths = values();
    for (const Value& value : pathValues()) paths.push_back(value);
    for (const Value& value : paths) {
        Case row{"GET /ui/{path} path:path", "", value.label, Expect::Clean, "", value.bytes};
        checkAnswer(get(node().url("/ui/" + pathSegment(value))), row);
        checkAnswer(get(node().url("/ui/" + pathSegment(value) + "/index.html")), row);
    }
}

namespace {

// A request header and what a hostile value of it should get on one operation: the outcome and,
// for a 4xx, the problem type.
struct HeaderRow {
    std::string operation;
    std::string header;  // "Authorization: Bearer" sends "Bearer <value>"
    std::function<Outcome(const Value&)> outcome;
};

// 431 from the HTTP server: the 1 MB value is longer than a request head may be.
const Outcome kHeadTooLarge{Expect::Refused, "request-header-fields-too-large"};

const std::vector<HeaderRow>& headerTable() {
    // A header the server reads but that cannot make the request wrong is ignored: the answer is the
    // ordinary one.
    auto ignored = [](const Value& value) { return value.label == "1 MB" ? kHeadTooLarge : Outcome{Expect::Ok, ""}; };
    static const std::vector<HeaderRow> table = {
        {"GET /collections/twins/items", "Accept", ignored},
        {"GET /collections/twins/items/{recordId}", "Accept", ignored},
        {"GET /", "Accept", ignored},
        {"GET /collections/twins/items", "Accept-Language", ignored},
        {"GET /collections/twins/items", "Origin", ignored},
        {"GET /collections/twins/items", "X-Forwarded-For", ignored},  // 127.0.0.1 is a trusted proxy
        {"GET /collections/twins/items", "Host", ignored},
        {"GET /collections/twins/items", "Cache-Control", ignored},
        {"GET /collections/twins/items/{recordId}", "If-None-Match",
         [](const Value& value) {
             if (value.label == "1 MB") return kHeadTooLarge;
             // "*" matches any version; nothing else is this record's tag.
             return Outcome{value.bytes == "*" ? Expect::NotModified : Expect::Ok, ""};
         }},
        {"PUT /collections/twins/items/{recordId}", "If-Match",
         [](const Value& value) {
             if (value.label == "1 MB") return kHeadTooLarge;
             if (value.bytes == "*") return Outcome{Expect::Ok, ""};  // the record exists
             return Outcome{Expect::Refused, "precondition-failed"};
         }},
        {"PUT /collections/twins/items/{recordId}", "Authorization",
         [](const Value& value) {
             return value.label == "1 MB" ? kHeadTooLarge : Outcome{Expect::Refused, "authentication-required"};
         }},
        {"PUT /collections/twins/items/{recordId}", "Authorization: Bearer",
         [](const Value& value) {
             if (value.label == "1 MB") return kHeadTooLarge;
             // "Bearer" and nothing (or only blanks: the HTTP layer strips a field value's trailing
             // whitespace, RFC 9110 section 5.5) after it is no key at all.
             bool none = value.bytes.find_first_not_of(" \t") == std::string::npos;
             return Outcome{Expect::Refused, none ? "authentication-required" : "invalid-key"};
         }},
        {"PUT /collections/twins/items/{recordId}", "Content-Type",
         [](const Value& value) {
             return value.label == "1 MB" ? kHeadTooLarge : Outcome{Expect::Refused, "unsupported-media-type"};
         }},
        {"POST /collections/twins/items", "Content-Type",
         [](const Value& value) {
             return value.label == "1 MB" ? kHeadTooLarge : Outcome{Expect::Refused, "unsupported-media-type"};
         }},
    };
    return table;
}

HttpResponse sendHeader(const HeaderRow& row, const std::string& value) {
    std::string method = row.operation.substr(0, row.operation.find(' '));
    std::string path = concretePath(row.operation);
    std::string header = row.header == "Authorization: Bearer" ? "Authorization" : row.header;
    std::string text = row.header == "Authorization: Bearer" ? "Bearer " + value : value;
    if (method == "GET") return get(node().url(path), {headerLine(header, text)});
    std::string body = method == "POST" ? record([](Json& doc) { doc.RemoveMember("id"); }) : sampleRecord(kRecordId);
    return node().write(method, path, body, {headerLine(header, text)});
}

}  // namespace

TEST_CASE("hostile request headers get the ordinary answer or a problem", "[hostile]") {
    for (const auto& row : headerTable()) {
        for (const Value& value : values()) {
            if (httpLayer(row.header, value)) continue;  // the [http-layer] case below
            Outcome outcome = row.outcome(value);
            Case check{row.operation + " header:" + row.header,
                       row.header,
                       value.label,
                       outcome.expect,
                       outcome.problemCode,
                       value.bytes};
            checkAnswer(sendHeader(row, value.bytes), check);
        }
    }
}

TEST_CASE("well-formed media types a handler does not serve get the ordinary answer or a 415", "[hostile]") {
    // Content-Type of a write: only JSON is a record.
    for (const char* type : {"text/plain", "application/xml", "multipart/form-data; boundary=x",
                             "application/x-www-form-urlencoded", "text/html"}) {
        for (const char* operation : {"PUT /collections/twins/items/{recordId}", "POST /collections/twins/items"}) {
            HeaderRow row{operation, "Content-Type", {}};
            Case check{row.operation + " header:Content-Type", "", type, Expect::Refused, "unsupported-media-type", ""};
            checkAnswer(sendHeader(row, type), check);
        }
    }
    for (const char* type : {"application/geo+json; charset=utf-8", "APPLICATION/JSON"}) {
        HeaderRow row{"PUT /collections/twins/items/{recordId}", "Content-Type", {}};
        checkAnswer(sendHeader(row, type), {row.operation + " header:Content-Type", "", type, Expect::Ok, "", ""});
    }
    // Accept: negotiation between JSON, DCAT-AP and HTML never fails a request.
    for (const char* accept : {"application/xml", "*/*;q=0", "text/html;q=0.1, application/ld+json;q=0.2",
                               "text/turtle;q=1, text/html;q=1", "image/png", "text/*", "application/*"}) {
        for (const char* operation :
             {"GET /", "GET /collections/twins/items", "GET /collections/twins/items/{recordId}"}) {
            HeaderRow row{operation, "Accept", {}};
            checkAnswer(sendHeader(row, accept), {row.operation + " header:Accept", "", accept, Expect::Ok, "", ""});
        }
    }
}

TEST_CASE("header values the HTTP layer answers get a problem, never a 5xx", "[hostile][http-layer]") {
    for (const auto& row : headerTable()) {
        for (const Value& value : values()) {
            if (!httpLayer(row.header, value)) continue;
            Case check{row.operation + " header:" + row.header, "", value.label, Expect::Clean, "", value.bytes};
            checkAnswer(sendHeader(row, value.bytes), check);
        }
    }
    // A well-formed media type Pistache misread ("Unfinished Media Type parameter").
    HeaderRow patch{"PUT /collections/twins/items/{recordId}", "Content-Type", {}};
    checkAnswer(sendHeader(patch, "application/json-patch+json"),
                {patch.operation + " header:Content-Type", "", "application/json-patch+json", Expect::Refused,
                 "unsupported-media-type", ""});
    CHECK(get(node().url("/health")).status == 200);
}

namespace {

// A record body: the sample with one member replaced, as JSON text.
std::string withMember(const std::string& pointer, const std::string& json) {
    return record([&](Json& doc) {
        doc["id"].SetString(kRecordId.c_str(), doc.GetAllocator());
        Json value;
        value.Parse(json.c_str(), json.size());
        REQUIRE_FALSE(value.HasParseError());
        rapidjson::Pointer(pointer.c_str()).Set(doc, rapidjson::Value(value, doc.GetAllocator()));
    });
}

std::string repeated(const std::string& text, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += text;
    return out;
}

}  // namespace

TEST_CASE("hostile record bodies get a problem naming the member", "[hostile]") {
    const std::string put = "PUT /collections/twins/items/{recordId}";
    const std::string path = kItems + "/" + kRecordId;
    std::string sample = sampleRecord(kRecordId);
    struct BodyRow {
        std::string label;
        std::string body;
        Expect expect;
        std::string name;  // the member's JSON Pointer
        std::string problemCode;
    };
    std::vector<BodyRow> rows = {
        {"not JSON", "hello", Expect::Refused, "", "malformed-json"},
        {"empty", "", Expect::Refused, "", "malformed-json"},
        {"JSON null", "null", Expect::Problem, "", "invalid-record"},
        {"an array", "[]", Expect::Problem, "", "invalid-record"},
        {"deep nesting (100k)", repeated("[", 100000) + repeated("]", 100000), Expect::Refused, "", "malformed-json"},
        {"deep nesting in a member (100k)",
         sample.substr(0, sample.size() - 1) + ",\"x\":" + repeated("{\"a\":", 100000) + "1" + repeated("}", 100000) +
             "}",
         Expect::Refused, "", "malformed-json"},
        {"huge array", sample.substr(0, sample.size() - 1) + ",\"x\":[" + repeated("1,", 2000000) + "1]}",
         Expect::Refused, "", ""},
        {"duplicate keys", "{\"id\":\"" + kRecordId + "\",\"id\":\"other\"}", Expect::Problem, "/id", "malformed-json"},
        // RFC 8259 §8.1: a parser may ignore a byte order mark.
        {"UTF-8 BOM", "\xef\xbb\xbf" + sample, Expect::Ok, "", ""},
        {"coordinates out of range", withMember("/geometry/coordinates/0/0", "[400,95]"), Expect::Problem, "/geometry",
         "invalid-record"},
        {"-0 coordinates", withMember("/geometry/coordinates", "[[[-0.0,-0.0],[1,0],[1,1],[-0.0,-0.0]]]"), Expect::Ok,
         "", ""},
    };
    // Literal texts a DOM cannot hold, spliced into the sample's text.
    auto splice = [&](const std::string& member, const std::string& literal) {
        std::string text = sample;
        std::string key = "\"" + member + "\":";
        auto at = text.find(key);
        REQUIRE(at != std::string::npos);
        auto valueStart = at + key.size();
        auto valueEnd = text.find_first_of(",}", valueStart);
        if (text[valueStart] == '"') valueEnd = text.find('"', valueStart + 1) + 1;
        return text.substr(0, valueStart) + literal + text.substr(valueEnd);
    };
    rows.push_back({"NaN literal", splice("title", "NaN"), Expect::Refused, "", "malformed-json"});
    rows.push_back({"Infinity literal", splice("title", "Infinity"), Expect::Refused, "", "malformed-json"});
    rows.push_back({"1e309 number", splice("title", "1e309"), Expect::Refused, "", "malformed-json"});
    rows.push_back(
        {"10^400 number", splice("title", "1" + std::string(400, '0')), Expect::Refused, "", "malformed-json"});
    rows.push_back({"invalid UTF-8 string", splice("title", "\"caf\xe9\""), Expect::Problem, "/properties/title",
                    "malformed-json"});
    rows.push_back({"overlong UTF-8 string", splice("title", "\"\xc0\xaf\""), Expect::Problem, "/properties/title",
                    "malformed-json"});
    rows.push_back({"lone surrogate", splice("title", "\"\\ud800\""), Expect::Refused, "", "malformed-json"});
    // A number no double holds, as the first coordinate.
    for (const char* number : {"1e309", "-1e309"}) {
        std::string text = sample;
        auto at = text.find("\"coordinates\":[[[");
        REQUIRE(at != std::string::npos);
        at += 17;
        text.replace(at, text.find(',', at) - at, number);
        rows.push_back({std::string(number) + " coordinate", text, Expect::Refused, "", "malformed-json"});
    }

    // Every member of the profile with a value of each wrong type.
    Json doc = parseJsonText(sample);
    auto wrongTypes = [](const rapidjson::Value& value) -> std::vector<std::string> {
        if (value.IsString()) return {"42", "true", "{}", "[]"};
        if (value.IsArray()) return {"\"text\"", "42", "{}"};
        if (value.IsObject()) return {"\"text\"", "42", "[]"};
        return {"\"text\"", "{}"};
    };
    for (const auto& member : doc.GetObject()) {
        std::string name = member.name.GetString();
        if (name == "properties") continue;
        for (const std::string& wrong : wrongTypes(member.value))
            rows.push_back(
                {"/" + name + " = " + wrong, withMember("/" + name, wrong), Expect::Problem, "/" + name, ""});
    }
    for (const auto& member : doc["properties"].GetObject()) {
        std::string name = member.name.GetString();
        for (const std::string& wrong : wrongTypes(member.value))
            rows.push_back({"/properties/" + name + " = " + wrong, withMember("/properties/" + name, wrong),
                            Expect::Problem, "/properties/" + name, "invalid-record"});
    }

    for (const auto& row : rows) {
        Case check{put + " body", row.name, row.label, row.expect, row.problemCode, ""};
        checkAnswer(node().write("PUT", path, row.body), check);
    }
    // POST takes the same body: the shapes that fail before the id is known.
    for (const auto& row : rows) {
        if (row.problemCode != "malformed-json") continue;  // and so never a 409 for the sample's id
        Case check{"POST /collections/twins/items body", row.name, row.label, row.expect, row.problemCode, ""};
        checkAnswer(node().write("POST", kItems, row.body), check);
    }
    CHECK(get(node().url("/health")).status == 200);
}

TEST_CASE("hostile text in a record is stored as sent and escaped on its page", "[hostile]") {
    const std::string path = kItems + "/" + kRecordId;
    for (const Value& value : values()) {
        Json text;
        text.SetString(value.bytes.c_str(), static_cast<rapidjson::SizeType>(value.bytes.size()), text.GetAllocator());
        std::string json = tweeling::common::toString(text);
        Expect expect = Expect::Ok;
        if (value.label == "empty" || value.label == "whitespace only")
            expect = Expect::Problem;                           // a title is required
        if (value.bytes.size() > 4096) expect = Expect::Clean;  // within the record limit, or 413
        Case put{"PUT /collections/twins/items/{recordId} body:/properties/title",
                 "/properties/title",
                 value.label,
                 expect,
                 "",
                 ""};
        if (!value.utf8) continue;  // not JSON text: the body rows above send invalid UTF-8 titles
        HttpResponse written = node().write("PUT", path, withMember("/properties/title", json));
        checkAnswer(written, put);
        if (written.status / 100 != 2) continue;
        HttpResponse read = get(node().url(path + "?f=json"));
        REQUIRE(read.status == 200);
        Json stored = parseJsonText(read.body);
        CHECK(std::string(stored["properties"]["title"].GetString(), stored["properties"]["title"].GetStringLength()) ==
              value.bytes);
        Case page{
            "GET /collections/twins/items/{recordId} (f=html) title", "", value.label, Expect::Ok, "", value.bytes};
        checkAnswer(get(node().url(path + "?f=html")), page);
        checkAnswer(get(node().url(kItems + "?f=html")), page);
    }
    HttpResponse restored = node().write("PUT", path, sampleRecord(kRecordId));
    CHECK(restored.status == 200);
}
