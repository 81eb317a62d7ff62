#include "store/store.hpp"

#include <chrono>
#include <ctime>
#include <thread>

#include "common/time.hpp"
#include "store/sqlite.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <stdexcept>

using namespace tweeling::registry::store;
using tweeling::test::openStore;
using tweeling::test::TempDir;

namespace {
const char* kPublisher = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";
}

TEST_CASE("a created key authenticates its publisher", "[keys]") {
    TempDir dir;
    const std::string path = dir.file("registry.db");
    auto store = openStore(path);
    std::string key = store->createKey(kPublisher);
    CHECK(std::regex_match(key, std::regex("twk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")));
    std::string keyId = key.substr(4, 12);

    auto info = store->authenticate(key);
    REQUIRE(info);
    CHECK(info->keyId == keyId);
    CHECK(info->publisher == kPublisher);
    CHECK_FALSE(info->revoked);
    CHECK_FALSE(info->expires);
    CHECK_FALSE(info->created.empty());

    auto keys = store->listKeys();
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].keyId == keyId);
    CHECK(keys[0].publisher == kPublisher);

    SECTION("only a hash of the key is stored") {
        Database database(path, Database::Mode::ReadOnly);
        Statement statement(database, "SELECT hash, length(hash), typeof(hash) FROM keys");
        REQUIRE(statement.step());
        CHECK(statement.int64(1) == 32);
        CHECK(statement.text(2) == "blob");
        CHECK(statement.textView(0).find(key.substr(17)) == std::string_view::npos);
    }
    SECTION("keys are different each time") {
        std::string other = store->createKey(kPublisher);
        CHECK(other != key);
        CHECK(other.substr(4, 12) != keyId);
        CHECK(store->authenticate(other));
        CHECK(store->listKeys().size() == 2);
    }
    SECTION("keys survive reopening") {
        store.reset();
        auto reopened = openStore(path);
        CHECK(reopened->authenticate(key));
    }
}

TEST_CASE("wrong, malformed or unknown keys are rejected", "[keys]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    std::string key = store->createKey(kPublisher);

    std::string wrongSecret = key;
    wrongSecret.back() = wrongSecret.back() == 'A' ? 'B' : 'A';
    CHECK_FALSE(store->authenticate(wrongSecret));

    std::string unknownId = key;
    unknownId[4] = unknownId[4] == '0' ? '1' : '0';
    CHECK_FALSE(store->authenticate(unknownId));

    CHECK_FALSE(store->authenticate(""));
    CHECK_FALSE(store->authenticate("twk_"));
    CHECK_FALSE(store->authenticate(key.substr(0, key.size() - 1)));
    CHECK_FALSE(store->authenticate(key + "A"));
    CHECK_FALSE(store->authenticate("Bearer " + key));
    std::string badPrefix = key;
    badPrefix[0] = 'x';
    CHECK_FALSE(store->authenticate(badPrefix));
    std::string badChar = key;
    badChar[30] = '+';
    CHECK_FALSE(store->authenticate(badChar));
    CHECK(store->authenticate(key));
}

TEST_CASE("a revoked key no longer authenticates", "[keys]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    std::string key = store->createKey(kPublisher);
    std::string other = store->createKey("https://identifier.overheid.nl/tooi/id/gemeente/gm0599");
    std::string keyId = key.substr(4, 12);
    CHECK(store->revokeKey(keyId));
    CHECK_FALSE(store->authenticate(key));
    CHECK(store->authenticate(other));
    CHECK_FALSE(store->revokeKey("000000000000"));
    auto keys = store->listKeys();
    REQUIRE(keys.size() == 2);
    for (const auto& info : keys) CHECK(info.revoked == (info.keyId == keyId));
}

TEST_CASE("an expired key no longer authenticates", "[keys]") {
    TempDir dir;
    auto store = openStore(dir.file("registry.db"));
    // A key cannot be made expired: an expiry in the past is refused, naming it.
    try {
        store->createKey(kPublisher, std::string("2000-01-01T00:00:00Z"));
        FAIL("an expiry in the past was accepted");
    } catch (const std::invalid_argument& error) {
        CHECK(std::string(error.what()).find("2000-01-01T00:00:00Z is not in the future") != std::string::npos);
    }
    std::string soon = tweeling::common::formatRfc3339(static_cast<std::int64_t>(std::time(nullptr)) + 1);
    std::string expired = store->createKey(kPublisher, soon);
    std::string valid = store->createKey(kPublisher, std::string("2999-12-31"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    CHECK_FALSE(store->authenticate(expired));
    for (const auto& key : store->listKeys()) CHECK(key.status() == (key.expires == soon ? "expired" : "active"));
    auto info = store->authenticate(valid);
    REQUIRE(info);
    REQUIRE(info->expires);
    CHECK(*info->expires == "2999-12-31");
    CHECK_THROWS_AS(store->createKey(kPublisher, std::string("next week")), std::invalid_argument);
    CHECK_THROWS_AS(store->createKey(""), std::invalid_argument);
    CHECK(store->listKeys().size() == 2);
}
