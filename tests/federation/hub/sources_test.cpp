// Unit tests of the hub's bookkeeping: source configs, state and backoff, reports.
#include "common/json.hpp"
#include "hub/report.hpp"
#include "hub/sources.hpp"
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
    doc.Parse(report.toJson().c_str());
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
