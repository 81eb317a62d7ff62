#include "common/json.hpp"
#include "common/jcs.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

using namespace tweeling::common;
using tweeling::test::readFile;
using tweeling::test::sourcePath;

TEST_CASE("untrusted JSON: a member name twice in one object is refused, with its pointer") {
    Json doc;
    // The record that was stored, signed and served: our index read the first publisher, Python's
    // json (and most parsers) the second.
    std::string text = R"({"type":"Feature","properties":{"title":"T",)"
                       R"("publisher":{"id":"https://identifier.overheid.nl/tooi/id/gemeente/gm0363"},)"
                       R"("publisher":{"id":"https://identifier.overheid.nl/tooi/id/gemeente/gm0392"}}})";
    auto error = parseUntrusted(text, doc);
    REQUIRE(error);
    REQUIRE(error->pointer);
    CHECK(*error->pointer == "/properties/publisher");
    CHECK(error->message.find("Duplicate member name at /properties/publisher") != std::string::npos);
    // Stopped at the second name, before its value.
    CHECK(error->offset == text.rfind("\"publisher\"") + std::string("\"publisher\"").size());
    CHECK(doc.IsNull());

    error = parseUntrusted(R"({"title":"a","title":"b"})", doc);
    REQUIRE(error);
    CHECK(*error->pointer == "/title");

    // The same name written with an escape is the same name.
    error = parseUntrusted(R"({"properties":{"title":"a","t\u0069tle":"b"}})", doc);
    REQUIRE(error);
    CHECK(*error->pointer == "/properties/title");

    // Inside arrays, at any depth; pointer tokens escaped (RFC 6901).
    error = parseUntrusted(R"({"features":[{"id":"a"},{"id":"b","p":{"a/b~":1,"a/b~":2}}]})", doc);
    REQUIRE(error);
    CHECK(*error->pointer == "/features/1/p/a~1b~0");

    // Names that differ (case, a NUL inside) are different names; the same name in different
    // objects is fine.
    CHECK_FALSE(parseUntrusted(R"({"a":1,"A":2,"a\u0000":3,"x":{"a":1},"y":[{"a":1},{"a":2}]})", doc));
    CHECK(doc["x"]["a"].GetInt() == 1);
}

TEST_CASE("untrusted JSON: duplicates in large objects are found, in linear time") {
    Json doc;
    auto object = [](int members, bool duplicateLast) {
        std::string text = "{";
        for (int i = 0; i < members; ++i) text += "\"member" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        text += duplicateLast ? "\"member7\":0}" : "\"last\":0}";
        return text;
    };
    for (int members : {15, 16, 17, 40}) {
        auto error = parseUntrusted(object(members, true), doc);
        REQUIRE(error);
        CHECK(*error->pointer == "/member7");
        CHECK_FALSE(parseUntrusted(object(members, false), doc));
        CHECK(doc.MemberCount() == static_cast<unsigned>(members + 1));
    }
    // 200,000 members: a quadratic scan would take minutes.
    std::string big = object(200000, false);
    auto started = std::chrono::steady_clock::now();
    CHECK_FALSE(parseUntrusted(big, doc, kMaxJsonDepth));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    auto error = parseUntrusted(object(200000, true), doc);
    REQUIRE(error);
    CHECK(*error->pointer == "/member7");
}

TEST_CASE("untrusted JSON: text that is not UTF-8 is refused, with its pointer") {
    Json doc;
    struct Case {
        const char* what;
        std::string text;
        const char* pointer;
    };
    const Case cases[] = {
        {"FF FE", "{\"properties\":{\"title\":\"\xFF\xFE\"}}", "/properties/title"},
        {"overlong '/'", "{\"a\":[\"x\",\"\xC0\xAF\"]}", "/a/1"},
        {"overlong 3-byte", "{\"a\":\"\xE0\x80\xAF\"}", "/a"},
        {"surrogate as bytes", "{\"a\":\"\xED\xA0\x80\"}", "/a"},
        {"above U+10FFFF", "{\"a\":\"\xF4\x90\x80\x80\"}", "/a"},
        {"truncated", "{\"a\":\"\xE2\x82\"}", "/a"},
        {"stray continuation", "{\"a\":\"x\x80y\"}", "/a"},
        // RapidJSON itself turns a lone low surrogate escape into the bytes ED B0 80.
        {"escaped lone low surrogate", R"({"a":{"b":"\uDC00"}})", "/a/b"},
        {"a top-level string", "\"\xFF\"", ""},
        {"in a member name: the object is named", "{\"o\":{\"\xFF\":1}}", "/o"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        auto error = parseUntrusted(c.text, doc);
        REQUIRE(error);
        REQUIRE(error->pointer);
        CHECK(*error->pointer == c.pointer);
        CHECK(error->message.find("not valid UTF-8") != std::string::npos);
    }
    CHECK(parseUntrusted(R"({"a":"\uD800"})", doc));  // a lone high surrogate: RapidJSON's own error
    CHECK_FALSE(parseUntrusted("{\"a\":\"Den Ha\xC3\xA1g \xE2\x82\xAC \xF0\x9F\x98\x80 \\uD83D\\uDE00\"}", doc));
}

TEST_CASE("untrusted JSON: SyntaxOnly leaves names and text to a later full parse of each item") {
    Json doc;
    std::string text = "[{\"a\":1,\"a\":2},{\"t\":\"\xFF\"}]";
    CHECK(parseUntrusted(text, doc));
    REQUIRE_FALSE(parseUntrusted(text, doc, kMaxJsonDepth, JsonChecks::SyntaxOnly));
    REQUIRE(doc.IsArray());
    // Written back, each item keeps what the full parse refuses.
    CHECK(parseUntrusted(toString(doc[0]), doc));
    CHECK(parseUntrusted(text, doc, kMaxJsonDepth, JsonChecks::SyntaxOnly) == std::nullopt);
    CHECK(parseUntrusted(toString(doc[1]), doc));
    // Grammar and depth still count.
    CHECK(parseUntrusted("[{\"a\":1,}]", doc, kMaxJsonDepth, JsonChecks::SyntaxOnly));
    CHECK(parseUntrusted(std::string(100, '['), doc, kMaxJsonDepth, JsonChecks::SyntaxOnly));
}

TEST_CASE("untrusted JSON: the depth limit counts containers, a top-level object being 1") {
    Json doc;
    auto nested = [](int levels) { return std::string(levels, '[') + std::string(levels, ']'); };
    CHECK_FALSE(parseUntrusted(nested(3), doc, 3));
    auto error = parseUntrusted(nested(4), doc, 3);
    REQUIRE(error);
    CHECK(error->offset == 3);  // at the fourth '['
    CHECK_FALSE(error->pointer);
    CHECK_FALSE(parseUntrusted("1", doc, 1));
}

TEST_CASE("parseUntrusted bounds the values a document may hold, so its memory") {
    tweeling::common::Json doc;
    CHECK_FALSE(tweeling::common::parseUntrusted(R"({"a": [1, 2, 3]})", doc, 64, tweeling::common::JsonChecks::Full, 5));
    auto refused = tweeling::common::parseUntrusted(R"({"a": [1, 2, 3, 4]})", doc, 64,
                                                    tweeling::common::JsonChecks::Full, 5);
    REQUIRE(refused);
    CHECK(refused->message.find("more than 5 values") != std::string::npos);
    CHECK(doc.IsNull());  // nothing half-built is left
}

// Found by fuzzing (tests/fuzz/corpus/jcs/regression-number-beyond-double.json, docs/RELIABILITY.md):
// with full precision RapidJSON reads 1.7979631348623157e308 as infinity instead of refusing it, and
// canonical JSON then read past the digits of "inf".
TEST_CASE("untrusted JSON: a number beyond the range of a double is refused, with its pointer", "[jcs]") {
    Json doc;
    const std::string input = readFile(sourcePath("tests/fuzz/corpus/jcs/regression-number-beyond-double.json"));
    auto error = parseUntrusted(input, doc);
    REQUIRE(error);
    CHECK(error->pointer == std::optional<std::string>("/0"));
    CHECK(error->message.find("too large for a double") != std::string::npos);
    for (const char* text : {"1.7979e308", "-1.8e308", "1e309", R"({"a":[0,{"b":2e400}]})"})
        CHECK(parseUntrusted(text, doc));
    error = parseUntrusted(R"({"a":[0,{"b":-2e308}]})", doc);
    REQUIRE(error);
    CHECK(error->pointer == std::optional<std::string>("/a/1/b"));
    // The largest double and the smallest denormal are numbers like any other.
    REQUIRE_FALSE(parseUntrusted("[1.7976931348623157e308, -1.7976931348623157e308, 5e-324]", doc));
    CHECK(canonicalJson(doc) == "[1.7976931348623157e+308,-1.7976931348623157e+308,5e-324]");
    // RFC 8785 has no spelling for infinity: refused, not read out of bounds.
    CHECK_THROWS_AS(ecmaScriptNumber(std::numeric_limits<double>::infinity()), std::invalid_argument);
    CHECK_THROWS_AS(ecmaScriptNumber(std::nan("")), std::invalid_argument);
}

// Found by fuzzing (tests/fuzz/corpus/record/regression-zero-with-exponent.json, docs/RELIABILITY.md):
// RapidJSON 1.1.0's full-precision conversion read a zero with a large exponent as some other
// number ("0e308" as -6.1e-269, "0.000e100" as 5.1e294), so a record's coordinates and what was
// signed differed from what every other parser reads.
TEST_CASE("untrusted JSON: numbers are the correctly rounded doubles every parser reads", "[jcs]") {
    Json doc;
    // The input the fuzzer found is cut short after its "coordinates": [0e308: refused for that, after
    // the number was read.
    const std::string input = readFile(sourcePath("tests/fuzz/corpus/record/regression-zero-with-exponent.json"));
    auto error = parseUntrusted(input, doc);
    REQUIRE(error);
    CHECK_FALSE(error->pointer);
    REQUIRE_FALSE(parseUntrusted(R"({"type":"Point","coordinates":[0e308,52.0]})", doc));
    CHECK(doc["coordinates"][0].GetDouble() == 0.0);

    REQUIRE_FALSE(parseUntrusted("[0e308, 0.000e100, -0e200, 0e-400, 1e-400, 5e-324, 0.1, 1e23, 9007199254740993, "
                                 "123456789012345678901234567890, 2.2250738585072011e-308]",
                                 doc));
    CHECK(doc[0].GetDouble() == 0.0);
    CHECK(doc[1].GetDouble() == 0.0);
    CHECK(doc[2].GetDouble() == 0.0);
    CHECK(std::signbit(doc[2].GetDouble()));
    CHECK(doc[3].GetDouble() == 0.0);
    CHECK(doc[4].GetDouble() == 0.0);
    CHECK(doc[5].GetDouble() == std::numeric_limits<double>::denorm_min());
    CHECK(doc[6].GetDouble() == 0.1);
    CHECK(doc[7].GetDouble() == 1e23);
    CHECK(doc[8].IsUint64());
    CHECK(doc[8].GetUint64() == 9007199254740993u);
    CHECK(doc[9].IsDouble());
    CHECK(doc[9].GetDouble() == 1.2345678901234568e29);
    CHECK(doc[10].GetDouble() == 2.2250738585072011e-308);
    CHECK(canonicalJson(doc) ==
          "[0,0,0,0,0,5e-324,0.1,1e+23,9007199254740992,1.2345678901234568e+29,2.225073858507201e-308]");

    // Integers keep the types RapidJSON gives them.
    REQUIRE_FALSE(parseUntrusted("[-0, 0, 2147483647, 2147483648, -2147483649, 4294967296, "
                                 "-9223372036854775808, 18446744073709551615, 18446744073709551616, -1.0]",
                                 doc));
    CHECK(doc[0].IsInt());
    CHECK(doc[0].GetInt() == 0);
    CHECK(doc[1].IsUint());
    CHECK(doc[2].IsInt());
    CHECK(doc[3].IsUint());
    CHECK_FALSE(doc[3].IsInt());
    CHECK(doc[4].IsInt64());
    CHECK_FALSE(doc[4].IsInt());
    CHECK(doc[5].IsInt64());
    CHECK_FALSE(doc[5].IsUint());
    CHECK(doc[6].GetInt64() == std::numeric_limits<std::int64_t>::min());
    CHECK(doc[7].GetUint64() == std::numeric_limits<std::uint64_t>::max());
    CHECK(doc[8].IsDouble());
    CHECK(doc[8].GetDouble() == 18446744073709551616.0);
    CHECK(doc[9].IsDouble());
    CHECK(doc[9].GetDouble() == -1.0);
}
