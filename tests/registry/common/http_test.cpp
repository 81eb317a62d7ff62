#include "common/http.hpp"
#include "common/sha256.hpp"

#include <catch2/catch.hpp>

using namespace tweeling::common;

TEST_CASE("Accept is read as media ranges with their weights") {
    auto ranges = parseAccept("Text/HTML, application/xhtml+xml ;q=0.9 , */*; Q=0.8;level=1,,image/png;q=2,x/y;q=no");
    REQUIRE(ranges.size() == 5);
    CHECK(ranges[0].range == "text/html");
    CHECK(ranges[0].quality == 1);
    CHECK(ranges[1].range == "application/xhtml+xml");
    CHECK(ranges[1].quality == Approx(0.9));
    CHECK(ranges[2].range == "*/*");
    CHECK(ranges[2].quality == Approx(0.8));
    CHECK(ranges[3].quality == 1);  // clamped
    CHECK(ranges[4].quality == 0);  // not a number
    CHECK(parseAccept("").empty());
}

TEST_CASE("a parameter that merely contains q= is not the weight") {
    // The DCAT negotiation once searched the whole item for "q=".
    auto ranges = parseAccept("text/turtle;profile=\"urn:faq=1\";q=0.2");
    REQUIRE(ranges.size() == 1);
    CHECK(ranges[0].quality == Approx(0.2));
}

TEST_CASE("the most specific matching range gives a media type its weight") {
    auto ranges = parseAccept("text/html;q=0.5, text/*;q=0.3, */*");
    CHECK(acceptQuality(ranges, "text/html") == Approx(0.5));
    CHECK(acceptQuality(ranges, "text/turtle") == Approx(0.3));
    CHECK(acceptQuality(ranges, "application/json") == 1);
    CHECK(acceptQuality(parseAccept("application/json"), "text/html") == 0);
    CHECK(acceptQuality(parseAccept("text/html;q=0.2, text/html;q=0.7"), "text/html") == Approx(0.7));
    CHECK(acceptQuality(parseAccept("text/html;q=0"), "text/html") == 0);
}

TEST_CASE("a bearer token is read whatever the case of the scheme") {
    CHECK(bearerToken("Bearer abc") == std::optional<std::string>("abc"));
    CHECK(bearerToken("bearer abc") == std::optional<std::string>("abc"));
    CHECK(bearerToken("BEARER abc") == std::optional<std::string>("abc"));
    CHECK(bearerToken("BeArEr abc") == std::optional<std::string>("abc"));
    CHECK_FALSE(bearerToken(""));
    CHECK_FALSE(bearerToken("Bearer "));
    CHECK_FALSE(bearerToken("Bearer"));
    CHECK_FALSE(bearerToken("Basic YWxhZGRpbjpvcGVuc2VzYW1l"));
    CHECK_FALSE(bearerToken("Bearerabc"));
}

TEST_CASE("SHA-256 in lower-case hex") {
    CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
