#include "common/json.hpp"
#include "common/time.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tweeling::common;

TEST_CASE("RFC 3339 dates and date-times parse to epoch seconds") {
    CHECK(parseRfc3339("1970-01-01") == 0);
    CHECK(parseRfc3339("1970-01-01T00:00:00Z") == 0);
    CHECK(parseRfc3339("2024-02-29T12:00:00+01:00") == parseRfc3339("2024-02-29T11:00:00Z"));
    CHECK(parseRfc3339("2024-05-01T10:00:00.123Z") == parseRfc3339("2024-05-01T10:00:00Z"));
    CHECK(parseRfc3339End("2024-05-01").value() == parseRfc3339("2024-05-01T23:59:59Z").value());
    CHECK(formatRfc3339(*parseRfc3339("2023-11-05T08:09:10Z")) == "2023-11-05T08:09:10Z");
}

TEST_CASE("RFC 3339 rejects impossible and incomplete values") {
    CHECK_FALSE(parseRfc3339("2023-02-29"));          // not a leap year
    CHECK_FALSE(parseRfc3339("2024-13-01"));
    CHECK_FALSE(parseRfc3339("2024-05-01T10:00:00"));  // no offset
    CHECK_FALSE(parseRfc3339("2024-05-01T25:00:00Z"));
    CHECK_FALSE(parseRfc3339("01-05-2024"));
    CHECK_FALSE(parseRfc3339("2024-05-01Z"));
    CHECK_FALSE(parseRfc3339(""));
}

TEST_CASE("untrusted JSON: offset of the error, depth limit, no crash on deep nesting") {
    Json doc;
    auto error = parseUntrusted(R"({"a": 1,, "b": 2})", doc);
    REQUIRE(error);
    CHECK(error->offset == 8);

    std::string deep(200000, '[');
    error = parseUntrusted(deep, doc);
    REQUIRE(error);

    std::string nested;
    for (int i = 0; i < 100; ++i) nested += "[";
    for (int i = 0; i < 100; ++i) nested += "]";
    error = parseUntrusted(nested, doc);
    REQUIRE(error);
    CHECK(error->message.find("nested deeper") != std::string::npos);

    CHECK_FALSE(parseUntrusted(R"({"ok": [1, 2, {"x": "y"}]})", doc));
    error = parseUntrusted(R"({"ok": true} trailing)", doc);
    REQUIRE(error);
    CHECK(error->offset == 13);
}

TEST_CASE("JSON Pointer tokens are escaped") {
    CHECK(escapePointerToken("a/b~c") == "a~1b~0c");
}
