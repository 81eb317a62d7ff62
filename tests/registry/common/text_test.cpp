#include "common/text.hpp"

#include <catch2/catch.hpp>

using namespace tweeling::common;

TEST_CASE("UTF-8 is checked as RFC 3629 defines it") {
    CHECK(isValidUtf8(""));
    CHECK(isValidUtf8("plain ASCII"));
    CHECK(isValidUtf8("Den Ha\xC3\xA1g \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"));  // up to U+10FFFF
    CHECK(isValidUtf8(std::string_view("a\0b", 3)));
    CHECK_FALSE(isValidUtf8("\xFF\xFE"));
    CHECK_FALSE(isValidUtf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(isValidUtf8("\xC1\xBF"));          // overlong
    CHECK_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong, 3 bytes
    CHECK_FALSE(isValidUtf8("\xF0\x80\x80\xAF"));  // overlong, 4 bytes
    CHECK_FALSE(isValidUtf8("\xED\xA0\x80"));      // U+D800
    CHECK_FALSE(isValidUtf8("\xED\xBF\xBF"));      // U+DFFF
    CHECK(isValidUtf8("\xED\x9F\xBF"));            // U+D7FF
    CHECK_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(isValidUtf8("\xF5\x80\x80\x80"));
    CHECK_FALSE(isValidUtf8("ab\xE2\x82"));  // truncated at the end
    CHECK_FALSE(isValidUtf8("\xE2\x82x"));   // truncated inside
    CHECK_FALSE(isValidUtf8("\x80"));        // a lone continuation byte
}

TEST_CASE("text echoed in a message is made valid UTF-8") {
    CHECK(toValidUtf8("ok \xE2\x82\xAC") == "ok \xE2\x82\xAC");
    const std::string replacement = "\xEF\xBF\xBD";  // U+FFFD
    CHECK(toValidUtf8(std::string("a\xFF\xFE") + "b") == "a" + replacement + replacement + "b");
    CHECK(toValidUtf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("trim strips ASCII whitespace, or the set asked for") {
    CHECK(trim("  a b \t\r\n") == "a b");
    CHECK(trim(" \t ").empty());
    CHECK(trim("").empty());
    CHECK(trim(" a\r", kHttpWhitespace) == "a\r");
    CHECK(trimView("\ta\t") == "a");
}

TEST_CASE("ASCII case mapping leaves other bytes alone") {
    CHECK(toLowerAscii("Bearer TOKEN-1") == "bearer token-1");
    CHECK(toUpperAscii("gm0363") == "GM0363");
    CHECK(toLowerAscii("\xC3\x89") == "\xC3\x89");  // É is not ASCII: unchanged
    CHECK(equalsIgnoreCaseAscii("Content-Type", "content-type"));
    CHECK_FALSE(equalsIgnoreCaseAscii("ETag", "ETags"));
    CHECK(startsWithIgnoreCaseAscii("BEARER x", "bearer "));
    CHECK_FALSE(startsWithIgnoreCaseAscii("Bear", "bearer "));
}

TEST_CASE("comma lists are split, trimmed and their empty parts dropped") {
    CHECK(splitList("a, b,,c ,") == std::vector<std::string>{"a", "b", "c"});
    CHECK(splitList("").empty());
    CHECK(splitList(" , ").empty());
    CHECK(splitList("x;y", ';') == std::vector<std::string>{"x", "y"});
    CHECK(splitList("a\r, b", ',', kAsciiWhitespace) == std::vector<std::string>{"a", "b"});
}
