#pragma once
// The hostile-input tables of both programs (tests/registry/api/hostile_test.cpp for the node,
// tests/federation/hub/hostile_test.cpp for the hub; docs/RELIABILITY.md, "Hostile input"): the
// hostile values, what an answer to one may be, the checks every answer must pass, and the list of
// parameters the live OpenAPI document declares, so that a parameter added without a row fails.
#include "support/http_client.hpp"

#include <set>
#include <string>
#include <vector>

namespace tweeling::test::hostile {

// A hostile value: `bytes` is what a handler sees once the request is decoded. In a query it is
// percent-encoded; `rawPath` values ("%2e%2e", "..%5c") go into a path exactly as written.
struct Value {
    std::string label;
    std::string bytes;
    bool utf8 = true;      // false: no text parameter may take it (a 400 naming the parameter)
    bool rawPath = false;  // only for path segments, sent as written
};

// Huge (1 MB; 10^400), over the 4 KiB parameter bound, negative, zero, NaN / Infinity / -0 / 1e309,
// empty, whitespace only, Unicode edge cases (invalid UTF-8, overlong encodings, a CESU-encoded lone
// surrogate, U+0000, BOM, RTL override, combining marks, a 4-byte emoji), injection strings (SQL,
// FTS5, CQL2, markup, CR/LF, templates, JNDI) and path traversal.
const std::vector<Value>& values();
// The path traversals, for ids in a path: "..", "%2e%2e", "..%2f..%2fetc%2fpasswd", "..%5c", "/etc/passwd".
const std::vector<Value>& pathValues();

// The marker of a reflected value: a page or header holding it verbatim is an injection.
inline constexpr const char* kScript = "<script>alert(1)</script>";

enum class Expect {
    Ok,           // 2xx: the value is legitimately fine
    Problem,      // 4xx problem document naming the field (`parameter`, `invalid-params` or an error pointer)
    Refused,      // 4xx problem document, no field to name (414, 431, 401, 404, 415 …)
    NotFound,     // 404 problem document
    NotModified,  // 304 (If-None-Match: *)
    Clean,        // 2xx, or a 4xx problem document that names the field when there is one
};
const char* name(Expect expect);

// An expectation with, for a 4xx, the problem's type code.
struct Outcome {
    Expect expect;
    std::string problemCode;
};

struct Case {
    std::string field;  // the table's key: "GET /feed query:limit", "PUT /collections/twins/items/{recordId}
                        // body:/properties/title"
    std::string name;   // what the problem must name: "limit", "/properties/title"; empty: anything
    std::string label;  // the hostile value's label
    Expect expect = Expect::Problem;
    std::string problemCode;  // when not empty: the problem's type must be this code
    std::string echo;         // the value sent: must never reach a header unbounded nor a page unescaped
};

// What every answer must be, and what this case asks: never a 5xx or a dropped connection; a 4xx is
// application/problem+json (RFC 9457) of a known type, with status equal to the HTTP status; no
// header carries CR/LF, an injected header or the hostile value when it is long; Location,
// Content-Location, Link and ETag stay bounded; an HTML page never holds kScript.
void checkAnswer(const HttpResponse& response, const Case& row);

// How a query parameter takes a value, and so what a hostile value should get.
enum class Kind {
    Text,    // free text or a list of words: any UTF-8 is a search (2xx)
    Count0,  // a whole number from 0
    Count1,  // a whole number from 1
    Choice,  // one of a few values, a box, a date, a CRS, a filter: every hostile value is a 400
};

struct Parameter {
    std::string operation;  // "GET /collections/twins/items"
    std::string in;         // "query"
    std::string name;
    Kind kind;
};

// `rows` with the search parameters of /collections/twins/items (api/query.cpp) for `operation`.
std::vector<Parameter> withSearch(const std::string& operation, std::vector<Parameter> rows);

// What a hostile value of a query parameter should get.
Expect expectationOf(const Parameter& parameter, const Value& value);

// Every parameter of every operation of the live OpenAPI document, as "METHOD /path in:name", and
// every operation with a request body as "METHOD /path body".
std::set<std::string> documentedInputs(const std::string& openApiJson);

// Builds a query string value (percent-encoded) or a path segment for `value`.
std::string querySegment(const Value& value);
std::string pathSegment(const Value& value);

// "name: value" for a request header, as curl sends it.
std::string headerLine(const std::string& name, const std::string& value);

}  // namespace tweeling::test::hostile
