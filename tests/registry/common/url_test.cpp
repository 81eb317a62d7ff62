#include "common/url.hpp"

#include <catch2/catch.hpp>

using namespace tweeling::common;

TEST_CASE("percent-encoding keeps the unreserved characters and the set's own") {
    CHECK(percentEncode("a-b_c.d~e", percent::kUnreserved) == "a-b_c.d~e");
    CHECK(percentEncode("a b/c:d@e", percent::kUnreserved) == "a%20b%2Fc%3Ad%40e");
    // A path segment keeps ":" and "@" but encodes "/", so an id holding one stays one segment.
    CHECK(percentEncode("gm0363:a/b@c", percent::kPathSegment) == "gm0363:a%2Fb@c");
    // A query value keeps "," and ":" but not the delimiters of the query itself.
    CHECK(percentEncode("1,2:3&x=y+z#", percent::kQueryValue) == "1,2:3%26x%3Dy%2Bz%23");
    CHECK(percentEncode("\xC3\xA1", percent::kQueryValue) == "%C3%A1");
    CHECK(percentEncode(std::string_view("\0", 1), percent::kQueryValue) == "%00");
}

TEST_CASE("a URI or IRI reference is encoded only where it may not be written as it is") {
    CHECK(percentEncode("https://x.nl/a?b=c%20d#e", percent::kUriReference) == "https://x.nl/a?b=c%20d#e");
    CHECK(percentEncode("https://x.nl/<a b>\"{|}\\^`", percent::kUriReference) ==
          "https://x.nl/%3Ca%20b%3E%22%7B%7C%7D%5C%5E%60");
    CHECK(percentEncode("https://x.nl/\xC3\xA1\x7F", percent::kUriReference) == "https://x.nl/%C3%A1%7F");
    // An IRI keeps its UTF-8.
    CHECK(percentEncode("https://x.nl/\xC3\xA1 b\x7F", percent::kIriReference) == "https://x.nl/\xC3\xA1%20b%7F");
}

TEST_CASE("percent-decoding") {
    CHECK(percentDecode("a%20b%2Fc", false) == "a b/c");
    CHECK(percentDecode("a+b", false) == "a+b");
    CHECK(percentDecode("a+b", true) == "a b");
    CHECK(percentDecode("%c3%A1", false) == "\xC3\xA1");
    CHECK(percentDecode("100%", false) == "100%");
    CHECK(percentDecode("%4", false) == "%4");
    CHECK(percentDecode("%zz%41", false) == "%zzA");
    CHECK(percentDecode(percentEncode("any thing/ö?&=", percent::kUnreserved), false) == "any thing/ö?&=");
}

TEST_CASE("an absolute path splits into its segments") {
    CHECK(splitPath("/").empty());
    CHECK(splitPath("").empty());
    CHECK(splitPath("relative/path").empty());
    CHECK(splitPath("/collections/twins/items") == std::vector<std::string>{"collections", "twins", "items"});
    CHECK(splitPath("/sources/") == std::vector<std::string>{"sources"});
    CHECK(splitPath("//a") == std::vector<std::string>{"", "a"});
    CHECK(splitPath("/items/a%2Fb") == std::vector<std::string>{"items", "a%2Fb"});  // not decoded
}
