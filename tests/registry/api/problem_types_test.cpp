// Problem type URIs are a public interface: clients branch on them (RFC 9457 §3.1.1), so a URI, once
// released, keeps its code whatever its title says.
#include "api/errors.hpp"
#include "api/problem_types.hpp"
#include "common/json.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

using namespace tweeling::registry::api;

namespace {

const ProblemType* find(const std::string& code) {
    for (const ProblemType* type : problem::kAll)
        if (code == type->code) return type;
    return nullptr;
}

}  // namespace

TEST_CASE("released problem type codes stay, with their status") {
    // Every code the API has answered with, and its HTTP status. Add new kinds here; never change
    // or remove a line.
    const std::pair<const char*, int> released[] = {
        {"malformed-json", 400},         {"invalid-query-parameter", 400}, {"invalid-path", 400},
        {"invalid-record", 400},         {"invalid-source", 400},          {"authentication-required", 401},
        {"invalid-key", 401},            {"forbidden", 403},               {"not-found", 404},
        {"record-not-found", 404},       {"source-not-found", 404},        {"no-report-yet", 404},
        {"method-not-allowed", 405},     {"conflict", 409},                {"precondition-failed", 412},
        {"record-too-large", 413},       {"request-too-large", 413},       {"uri-too-long", 414},
        {"unsupported-media-type", 415}, {"too-many-requests", 429},       {"request-header-fields-too-large", 431},
        {"internal-server-error", 500},  {"service-unavailable", 503},     {"database-busy", 503},
        {"insufficient-storage", 507},   {"malformed-request", 400},       {"expectation-failed", 417},
        {"not-implemented", 501},        {"http-version-not-supported", 505}};
    for (const auto& [code, status] : released) {
        INFO(code);
        const ProblemType* type = find(code);
        REQUIRE(type);
        CHECK(type->status == status);
        CHECK(type->uri() == std::string("https://w3id.org/tweeling/problem/") + code);
    }
    CHECK(std::size(problem::kAll) == std::size(released));  // a new kind is added above too
}

TEST_CASE("problem type codes are unique lower-case words and the document names its kind") {
    std::set<std::string> codes;
    const std::regex word("[a-z]+(-[a-z]+)*");
    for (const ProblemType* type : problem::kAll) {
        INFO(type->code);
        CHECK(std::regex_match(type->code, word));
        CHECK(codes.insert(type->code).second);
        CHECK(std::string(type->title).size() > 0);
    }
    tweeling::common::Json doc;
    const std::string text = problemDocument(problem::kRecordNotFound, "No record 'x'", "/collections/twins/items/x");
    doc.Parse(text.c_str(), text.size());
    REQUIRE(doc.IsObject());
    CHECK(std::string(doc["type"].GetString()) == "https://w3id.org/tweeling/problem/record-not-found");
    CHECK(std::string(doc["title"].GetString()) == problem::kRecordNotFound.title);
    CHECK(doc["status"].GetInt() == 404);
}

TEST_CASE("the OpenAPI documents name only problem types the API answers with") {
    const std::regex uri("https://w3id\\.org/tweeling/problem/([a-z-]+)");
    int found = 0;
    for (const char* file : {"schemas/openapi.json", "schemas/openapi-hub.json"}) {
        std::string text = tweeling::test::readFile(tweeling::test::sourcePath(file));
        for (std::sregex_iterator it(text.begin(), text.end(), uri), end; it != end; ++it, ++found) {
            INFO(file << ": " << (*it)[0]);
            CHECK(find((*it)[1]));
        }
    }
    CHECK(found > 10);
}
