// RFC 8785 canonical JSON and Ed25519 signatures: the bytes every record signature covers.
#include "common/jcs.hpp"
#include "common/json.hpp"
#include "common/signature.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <sys/stat.h>

using namespace tweeling::common;
using tweeling::test::TempDir;

namespace {

double fromBits(std::uint64_t bits) {
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

std::string canonical(const std::string& text) {
    Json doc;
    REQUIRE_FALSE(parseUntrusted(text, doc));
    return canonicalJson(doc);
}

}  // namespace

TEST_CASE("numbers are written as ECMAScript writes them (RFC 8785 appendix B)", "[jcs]") {
    const std::pair<std::uint64_t, const char*> vectors[] = {
        {0x0000000000000000, "0"},
        {0x8000000000000000, "0"},
        {0x0000000000000001, "5e-324"},
        {0x8000000000000001, "-5e-324"},
        {0x7fefffffffffffff, "1.7976931348623157e+308"},
        {0xffefffffffffffff, "-1.7976931348623157e+308"},
        {0x4340000000000000, "9007199254740992"},
        {0xc340000000000000, "-9007199254740992"},
        {0x4430000000000000, "295147905179352830000"},
        {0x44b52d02c7e14af5, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6, "1e+23"},
        {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4e, "999999999999999700000"},
        {0x444b1ae4d6e2ef4f, "999999999999999900000"},
        {0x444b1ae4d6e2ef50, "1e+21"},
        {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8d, "0.000001"},
        {0x41b3de4355555553, "333333333.3333332"},
        {0x41b3de4355555554, "333333333.33333325"},
        {0x41b3de4355555555, "333333333.3333333"},
        {0x41b3de4355555556, "333333333.3333334"},
        {0x41b3de4355555557, "333333333.33333343"},
        {0xbecbf647612f3696, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959, "1424953923781206.2"},
    };
    for (const auto& [bits, expected] : vectors) {
        INFO(std::hex << bits);
        CHECK(ecmaScriptNumber(fromBits(bits)) == expected);
    }
    CHECK(canonical("[4.0, 4.50, 2e-3, 1E30, 100, -7, 0.000000000000000000000000001]") ==
          "[4,4.5,0.002,1e+30,100,-7,1e-27]");
}

TEST_CASE("the RFC 8785 example canonicalises byte for byte", "[jcs]") {
    const std::string input = R"({
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    })";
    CHECK(canonical(input) ==
          "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
          "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST_CASE("members are sorted by UTF-16 code units (RFC 8785 3.2.3)", "[jcs]") {
    const std::string input = R"({"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Dalet",
      "1": "One", "\ud83d\ude00": "Emoji", "\u0080": "Control", "\u00f6": "o umlaut"})";
    std::string out = canonical(input);
    // The emoji (a surrogate pair, D83D) sorts before U+FB33 although its UTF-8 bytes sort after.
    std::vector<std::string> order = {"\\r", "\"1\"", "\xC2\x80", "\xC3\xB6", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                      "\xEF\xAC\xB3"};
    std::size_t at = 0;
    for (const auto& name : order) {
        std::size_t found = out.find(name, at);
        INFO(name);
        REQUIRE(found != std::string::npos);
        at = found;
    }
    // Nested objects are sorted too; arrays keep their order.
    CHECK(canonical(R"({"b":[{"z":1,"a":2}],"a":{"y":true,"x":null}})") ==
          R"({"a":{"x":null,"y":true},"b":[{"a":2,"z":1}]})");
}

TEST_CASE("base64url without padding round-trips and refuses other alphabets", "[signature]") {
    for (std::string bytes : {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
                              std::string("\xff\xfe\x00\x01", 4)}) {
        std::string text = base64UrlEncode(bytes);
        CHECK(text.find('=') == std::string::npos);
        CHECK(base64UrlDecode(text) == bytes);
    }
    CHECK(base64UrlEncode("\xfb\xff") == "-_8");
    CHECK_FALSE(base64UrlDecode("+/8"));
    CHECK_FALSE(base64UrlDecode("Zm9v="));
    CHECK_FALSE(base64UrlDecode("Zg="));
    CHECK_FALSE(base64UrlDecode("Zh"));  // non-zero trailing bits: not the canonical spelling
}

TEST_CASE("Ed25519: sign, verify, tamper, wrong key; the key file is private", "[signature]") {
    TempDir dir;
    std::string path = dir.file("node.signing-key.pem");
    SigningKey key = SigningKey::loadOrCreate(path);
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(key.publicKey().base64Url().size() == 43);
    // Loading again gives the same key.
    CHECK(SigningKey::loadOrCreate(path).publicKey().base64Url() == key.publicKey().base64Url());
    CHECK_THROWS_AS(key.save(path), SignatureError);  // never overwrites

    Json record;
    REQUIRE_FALSE(parseUntrusted(R"({"id":"a","properties":{"updated":"2026-01-01T00:00:00Z","title":"T"}})", record));
    std::string bytes = signedBytes("gm0363", "a", "put", "2026-01-01T00:00:00Z", &record);
    CHECK(bytes.rfind(R"({"id":"a","op":"put","origin":"gm0363","record":{"id":"a","properties":)", 0) == 0);
    std::string signature = key.sign(bytes);
    CHECK(signature.size() == 86);
    PublicKey publicKey = PublicKey::fromBase64Url(key.publicKey().base64Url());
    CHECK(publicKey.verify(bytes, signature));
    std::string tampered = bytes;
    tampered[tampered.find("\"T\"") + 1] = 'U';
    CHECK_FALSE(publicKey.verify(tampered, signature));
    CHECK_FALSE(SigningKey::generate().publicKey().verify(bytes, signature));
    CHECK_FALSE(publicKey.verify(bytes, signature.substr(1)));
    CHECK_FALSE(publicKey.verify(bytes, ""));
    CHECK_THROWS_AS(PublicKey::fromBase64Url("not a key"), SignatureError);

    // A delete signs null as the record.
    CHECK(signedBytes("gm0363", "a", "delete", "2026-02-01T00:00:00Z", nullptr) ==
          R"({"id":"a","op":"delete","origin":"gm0363","record":null,"updated":"2026-02-01T00:00:00Z"})");
}
