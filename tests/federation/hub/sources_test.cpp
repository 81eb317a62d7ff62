// Unit tests of the hub's bookkeeping: source configs, state and backoff, reports.
#include "common/json.hpp"
#include "hub/report.hpp"
#include "hub/sources.hpp"
#include "store/sqlite.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace tweeling::federation::hub;
using tweeling::test::TempDir;

namespace {

std::unique_ptr<tweeling::registry::store::Store> openHub(const std::string& path) {
    tweeling::registry::store::StoreOptions options;
    options.path = path;
    options.nodeId = "nl";
    return std::make_unique<tweeling::registry::store::Store>(options);
}

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

SourceConfig config(const std::string& id) {
    SourceConfig config;
    config.id = id;
    config.url = "http://127.0.0.1:1/";
    config.everySeconds = 600;
    return config;
}

}  // namespace

TEST_CASE("source configs are checked, naming the field") {
    CHECK_FALSE(validateConfig(config("gm0363")));
    auto bad = config("GM 0363");
    CHECK(validateConfig(bad)->rfind("id:", 0) == 0);
    bad = config("gm0363");
    bad.url = "ftp://example.org";
    CHECK(validateConfig(bad)->rfind("url:", 0) == 0);
    for (const char* url : {"http://user:secret@nodes.example.org/", "https://token@nodes.example.org/feed",
                            "http://nodes.example.org/\r\nX-Injected: 1", "http://nodes.example.org/a b",
                            "http://nodes.example.org/\ttab", "http:///path-only"}) {
        bad = config("gm0363");
        bad.url = url;
        INFO(url);
        auto problem = validateConfig(bad);
        REQUIRE(problem);
        CHECK(problem->rfind("url:", 0) == 0);
        CHECK(problem->find("secret") == std::string::npos);
    }
    bad = config("gm0363");
    bad.url = "https://nodes.example.org/path@with-at?q=a@b";  // an @ past the authority is no credential
    CHECK_FALSE(validateConfig(bad));
    bad = config("gm0363");
    bad.everySeconds = 1;
    CHECK(validateConfig(bad)->rfind("every:", 0) == 0);
    bad = config("gm0363");
    bad.maxDeleteFraction = 1.5;
    CHECK(validateConfig(bad)->rfind("maxDeleteFraction:", 0) == 0);
    CHECK(parseDuration("15m") == 900);
    CHECK(parseDuration("2h") == 7200);
    CHECK(parseDuration("90") == 90);
    CHECK_FALSE(parseDuration("soon"));
    CHECK_FALSE(parseDuration("15 minutes"));

    auto pinned = config("gm0363");
    pinned.url = "https://twin.example.org/";
    pinned.tlsPin = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
    CHECK_FALSE(validateConfig(pinned));
    pinned.tlsPin += ";sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    CHECK_FALSE(validateConfig(pinned));
    for (const char* badPin : {"sha256//short=", "sha1//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=",
                               "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMw!=",
                               "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=;", "/etc/pin.pem"}) {
        pinned.tlsPin = badPin;
        INFO(badPin);
        CHECK(validateConfig(pinned)->rfind("tlsPin:", 0) == 0);
    }
    pinned = config("gm0363");  // http
    pinned.tlsPin = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
    CHECK(*validateConfig(pinned) == "tlsPin: a pinned source needs an https URL");
}

TEST_CASE("allowPrivate and the TLS pin are stored with a source") {
    TempDir dir;
    auto store = openHub(dir.file("hub.db"));
    SourceRegistry sources(*store);
    sources.add(config("gm0363"));
    auto local = config("local");
    local.allowPrivate = true;
    sources.add(local);
    auto pinned = config("pinned");
    pinned.url = "https://twin.example.org/";
    pinned.tlsPin = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
    sources.add(pinned);

    CHECK_FALSE(sources.get("gm0363")->config.allowPrivate);
    CHECK(sources.get("gm0363")->config.tlsPin.empty());
    CHECK(sources.get("local")->config.allowPrivate);
    CHECK(sources.get("pinned")->config.tlsPin == pinned.tlsPin);
    CHECK_FALSE(sources.get("pinned")->config.allowPrivate);
}

TEST_CASE("a database made before allowPrivate and tlsPin gets the columns; its sources stay public-only") {
    TempDir dir;
    const std::string path = dir.file("old-hub.db");
    {
        auto store = openHub(path);
        // The sources table as the first release created it.
        store->write([](tweeling::registry::store::Database& database) {
            database.exec(R"sql(
CREATE TABLE sources(
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, url TEXT NOT NULL, every_seconds INTEGER NOT NULL,
  connect_timeout_ms INTEGER NOT NULL, total_timeout_ms INTEGER NOT NULL, max_bytes INTEGER NOT NULL,
  max_delete_fraction REAL NOT NULL, added TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'never-harvested',
  last_attempt TEXT, last_success TEXT, last_error TEXT, consecutive_failures INTEGER NOT NULL DEFAULT 0,
  next_harvest INTEGER NOT NULL DEFAULT 0, epoch TEXT NOT NULL DEFAULT '', cursor INTEGER NOT NULL DEFAULT 0,
  records_rejected INTEGER NOT NULL DEFAULT 0);
INSERT INTO sources(id, kind, url, every_seconds, connect_timeout_ms, total_timeout_ms, max_bytes,
  max_delete_fraction, added) VALUES ('gm0363', 'tweeling', 'http://127.0.0.1:1/', 600, 5000, 30000, 1024, 0.3,
  '2026-01-01T00:00:00Z');
)sql");
        });
    }
    auto store = openHub(path);
    SourceRegistry sources(*store);
    auto old = sources.get("gm0363");
    REQUIRE(old);
    CHECK_FALSE(old->config.allowPrivate);
    CHECK(old->config.tlsPin.empty());
    auto local = config("local");
    local.allowPrivate = true;
    sources.add(local);
    CHECK(sources.get("local")->config.allowPrivate);
    // Opening it again finds the columns there and changes nothing.
    SourceRegistry again(*store);
    CHECK(again.list().size() == 2);
}

TEST_CASE("sources are added once, listed, queued and removed") {
    TempDir dir;
    auto store = openHub(dir.file("hub.db"));
    SourceRegistry sources(*store);
    sources.add(config("gm0363"));
    CHECK_THROWS_AS(sources.add(config("gm0363")), std::runtime_error);
    CHECK_THROWS_AS(sources.add(config("Bad Id")), std::invalid_argument);
    sources.add(config("gm0599"));
    auto listed = sources.list();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].state == "never-harvested");
    // New sources are due at once.
    CHECK(sources.due(now()).size() == 2);
    CHECK(sources.remove("gm0599"));
    CHECK_FALSE(sources.remove("gm0599"));
    CHECK_FALSE(sources.queue("nope"));
}

TEST_CASE("a failing source backs off exponentially; success resets it") {
    TempDir dir;
    auto store = openHub(dir.file("hub.db"));
    SourceRegistry sources(*store);
    sources.add(config("gm0363"));

    sources.recordAttempt("gm0363", "ok", "", 0);
    auto state = *sources.get("gm0363");
    CHECK(state.state == "ok");
    CHECK(state.lastSuccess);
    CHECK(state.nextHarvest - now() <= 600);
    CHECK(state.nextHarvest - now() >= 590);
    CHECK(sources.due(now()).empty());

    for (int failure = 1; failure <= 4; ++failure) {
        sources.recordAttempt("gm0363", "down", "connection refused by 127.0.0.1:1", 0);
        state = *sources.get("gm0363");
        CHECK(state.state == "down");
        CHECK(state.consecutiveFailures == failure);
        std::int64_t expected = 600LL << failure;  // doubles with each failure in a row
        std::int64_t delay = state.nextHarvest - now();
        CHECK(delay <= expected);
        CHECK(delay >= expected - 10);
        CHECK(*state.lastError == "connection refused by 127.0.0.1:1");
    }
    for (int failure = 5; failure <= 12; ++failure) sources.recordAttempt("gm0363", "down", "refused", 0);
    CHECK(sources.get("gm0363")->nextHarvest - now() <= 86400);  // at most a day apart
    CHECK(state.lastSuccess);  // kept from the last success

    CHECK(sources.queue("gm0363"));
    CHECK(sources.due(now()) == std::vector<std::string>{"gm0363"});
    sources.recordAttempt("gm0363", "ok", "", 0);
    state = *sources.get("gm0363");
    CHECK(state.consecutiveFailures == 0);
    CHECK_FALSE(state.lastError);
}

TEST_CASE("a harvest report lists every rejected record with its pointers, and is kept per source") {
    HarvestReport report;
    report.source = "gm0363";
    report.kind = "tweeling";
    report.url = "http://127.0.0.1:1";
    report.added = 3;
    report.reject({"r1", "gm0363", "feed seq 4", {{"/properties/title", "'title' is required but missing."},
                                                   {"/properties/adminUnits/0", "'GM363' is not a CBS code."}}});
    report.warn({"r2", "gm0363", "feed seq 5", {{"/properties/crs", "no CRS given; EPSG:4326 assumed."}}});
    tweeling::common::Json doc;
    const std::string json = report.toJson();
    doc.Parse(json.c_str(), json.size());
    REQUIRE_FALSE(doc.HasParseError());
    CHECK(doc["counts"]["added"].GetInt() == 3);
    CHECK(doc["counts"]["rejected"].GetInt() == 1);
    CHECK(doc["counts"]["warnings"].GetInt() == 1);
    CHECK(doc["rejected"][0]["problems"].Size() == 2);
    CHECK(std::string(doc["rejected"][0]["problems"][1]["pointer"].GetString()) == "/properties/adminUnits/0");
    CHECK(report.toText().find("/properties/title: 'title' is required") != std::string::npos);

    // Only so many records are listed, but the counts stay exact.
    for (std::size_t i = 0; i < HarvestReport::kMaxListed + 5; ++i) report.reject({"x", "o", "w", {}});
    CHECK(report.rejectedRecords.size() == HarvestReport::kMaxListed);
    CHECK(report.rejected == static_cast<std::int64_t>(HarvestReport::kMaxListed + 6));

    TempDir dir;
    auto store = openHub(dir.file("hub.db"));
    SourceRegistry sources(*store);
    sources.add(config("gm0363"));
    CHECK_FALSE(sources.latestReport("gm0363"));
    sources.saveReport("gm0363", "{\"run\":1}");
    sources.saveReport("gm0363", "{\"run\":2}");
    CHECK(*sources.latestReport("gm0363") == "{\"run\":2}");
}
