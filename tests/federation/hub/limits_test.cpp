// Limits on what a source can make a hub do: the size of a record and of a /feed page, on every
// path a record takes, and the budget of a source's run in a round (an endless feed neither holds up
// other sources nor outlives SIGTERM).
#include "live_federation.hpp"

#include "scripted_node.hpp"
#include "hub/harvester.hpp"
#include "hub/scheduler.hpp"
#include "hub/sources.hpp"
#include "hub/trust.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <condition_variable>
#include <csignal>
#include <fstream>
#include <mutex>

using namespace tweeling::test;
using namespace tweeling::test::federation;
using tweeling::common::Json;
namespace hub = tweeling::federation::hub;

namespace {

constexpr std::size_t kRecordLimit = 1024 * 1024;  // record/size.hpp, kMaxRecordBytes
constexpr std::size_t kPageBudget = 4u << 20;      // store/store.hpp, kFeedPageBytes

// A sample record with `bytes` of padding in its description: over or under the record limit.
std::string paddedRecord(const std::string& id, std::size_t bytes) {
    Json doc = parse(sampleRecord(id, "Gebouwen " + id));
    std::string padding;
    padding.reserve(bytes);
    while (padding.size() < bytes) padding += "gebouwen ";
    doc["properties"]["description"].SetString(padding.c_str(), static_cast<rapidjson::SizeType>(padding.size()),
                                               doc.GetAllocator());
    return tweeling::common::toString(doc);
}

bool mentionsLimit(const tweeling::common::JsonValue& rejected) {
    for (const auto& problem : rejected["problems"].GetArray())
        if (std::string(problem["message"].GetString()).find("at most 1048576 bytes") != std::string::npos) return true;
    return false;
}

// A Tweeling source served by a TestServer, signing like a node: `latest` is what its pages claim,
// and each page holds one entry (seq after+1) while seq <= `entries`; the same record each time.
class SignedFeed {
public:
    SignedFeed(std::string origin, std::int64_t latest, std::int64_t entries)
        : m_origin(std::move(origin)),
          m_latest(latest),
          m_entries(entries),
          m_server([this](const std::string& path) { return answer(path); }) {
        std::string record = sampleRecord(m_origin + "-record", "Gebouwen " + m_origin);
        Json doc = parse(record);
        std::string updated = doc["properties"]["updated"].GetString();
        std::string signature =
            m_key.sign(tweeling::common::signedBytes(m_origin, m_origin + "-record", "put", updated, &doc));
        m_entryTail = ",\"op\":\"put\",\"id\":\"" + m_origin + "-record\",\"origin\":\"" + m_origin +
                      "\",\"at\":\"2026-11-30T10:00:00Z\",\"signature\":\"" + signature + "\",\"record\":" + record +
                      "}";
    }
    std::string url() const { return m_server.url(""); }
    std::string publicKey() const { return m_key.publicKey().base64Url(); }
    int feedRequests() const { return m_feedRequests.load(); }
    void stop() { m_server.stop(); }

private:
    Reply answer(const std::string& path) {
        return scriptedNodeReply(path, m_origin, publicKey(), [&](std::int64_t after) {
            ++m_feedRequests;
            std::string entries;
            if (after < m_entries) entries = "{\"seq\":" + std::to_string(after + 1) + m_entryTail;
            return "{\"epoch\":\"e1\",\"origin\":\"" + m_origin + "\",\"publicKey\":\"" + publicKey() +
                   "\",\"latest\":" + std::to_string(m_latest) + ",\"entries\":[" + entries + "],\"next\":null}";
        });
    }

    std::string m_origin;
    std::int64_t m_latest;
    std::int64_t m_entries;
    tweeling::common::SigningKey m_key = tweeling::common::SigningKey::generate();
    std::string m_entryTail;
    std::atomic<int> m_feedRequests{0};
    TestServer m_server;  // last: it calls answer() from its threads until it is destroyed
};

std::unique_ptr<tweeling::registry::store::Store> openHub(const std::string& path) {
    tweeling::registry::store::StoreOptions options;
    options.path = path;
    options.nodeId = "pv27";
    options.indexBuilder = false;
    return std::make_unique<tweeling::registry::store::Store>(options);
}

void addSource(hub::SourceRegistry& sources, tweeling::registry::store::Store& store, const std::string& id,
               const SignedFeed& feed) {
    hub::SourceConfig config;
    config.id = id;
    config.url = feed.url();
    config.everySeconds = 10;
    config.totalTimeoutMs = 3000;
    config.allowPrivate = true;
    sources.add(config);
    hub::KeyRing(store).pinForSource(id, feed.publicKey());
}

using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("an oversized signed record from a source is rejected alone and reported; the rest is kept") {
    TempDir dir;
    FakeNode fake(dir, "gm0363");
    Hub hub(dir, "pv27");
    hub.addSource("fake", fake.url());
    std::string big = paddedRecord("gm0363-big", 3 * kRecordLimit);
    fake.page("feed", "e1", 3,
              {fake.put(1, sampleRecord("gm0363-a", "Gebouwen A")), fake.put(2, big),
               fake.put(3, sampleRecord("gm0363-c", "Gebouwen C"))});
    auto harvested = hub.harvest();
    INFO(harvested.out << harvested.err);
    Json report = hub.report("fake");
    CHECK(std::string(report["status"].GetString()) == "ok");
    CHECK(count(report, "added") == 2);
    CHECK(count(report, "rejected") == 1);
    REQUIRE(report["rejected"].Size() == 1);
    CHECK(std::string(report["rejected"][0]["id"].GetString()) == "gm0363-big");
    CHECK(mentionsLimit(report["rejected"][0]));
    CHECK(hub.matched("source=fake") == 2);
    CHECK(hub.source("fake")["cursor"].GetInt() == 3);
}

TEST_CASE("import and publish hold records to the size limit, on their stored form") {
    TempDir dir;
    Node node(dir, "gm0363", "", kAmsterdam);
    std::string file = dir.file("records.ndjson");
    std::ofstream(file) << sampleRecord("gm0363-small", "Gebouwen klein") << '\n'
                        << paddedRecord("gm0363-big", 2 * kRecordLimit) << '\n';
    auto imported = run({registryProgram(), "import", "--db", node.db, "--node-id", "gm0363", file});
    INFO(imported.err);
    CHECK(imported.exitCode == 1);
    CHECK(imported.err.find("gm0363-big") != std::string::npos);
    CHECK(imported.err.find("at most 1048576 bytes") != std::string::npos);
    CHECK(imported.err.find("1 created") != std::string::npos);
    CHECK(get(node.item("gm0363-small")).status == 200);
    CHECK(get(node.item("gm0363-big")).status == 404);

    // A body under the limit whose stored form is over it: each distribution gains a derived link.
    Json doc = parse(sampleRecord("gm0363-many", "Gebouwen, veel distributies"));
    auto& allocator = doc.GetAllocator();
    Json::ValueType& distributions = doc["properties"]["distributions"];
    Json::ValueType first(distributions[0], allocator);
    distributions.Clear();
    std::string path(900, 'a');
    for (int i = 0; i < 700; ++i) {
        Json::ValueType distribution(first, allocator);
        std::string href = "https://data.example.nl/" + path + "/" + std::to_string(i) + "/tileset.json";
        distribution["href"].SetString(href.c_str(), static_cast<rapidjson::SizeType>(href.size()), allocator);
        distributions.PushBack(distribution, allocator);
    }
    std::string body = tweeling::common::toString(doc);
    REQUIRE(body.size() < kRecordLimit);
    HttpRequest request{"PUT",
                        node.item("gm0363-many"),
                        body,
                        {"Content-Type: application/geo+json", "Authorization: Bearer " + node.key, "Expect:"}};
    auto published = send(request);
    INFO(published.body);
    CHECK(published.status == 413);
    CHECK(published.header("content-type") == "application/problem+json");
    CHECK(published.body.find("at most 1048576 bytes") != std::string::npos);
}

TEST_CASE("a feed of large legal records comes in pages under the byte bound; a hub above harvests them all") {
    TempDir dir;
    Node node(dir, "gm0363", "", kAmsterdam);
    constexpr int kRecords = 12;
    std::string file = dir.file("large.ndjson");
    {
        std::ofstream out(file);
        for (int i = 0; i < kRecords; ++i) out << paddedRecord("gm0363-large-" + std::to_string(i), 900 * 1024) << '\n';
    }
    auto imported = run({registryProgram(), "import", "--db", node.db, "--node-id", "gm0363", file});
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);

    // Every page of the node's feed and of a hub's stays within the budget plus one record; `next`
    // leads through all of them.
    auto walk = [](const std::string& base) {
        std::string url = base + "/feed?after=0&limit=1000";
        int entries = 0, pages = 0;
        while (!url.empty() && pages < 100) {
            auto page = get(url);
            REQUIRE(page.status == 200);
            CHECK(page.body.size() < kPageBudget + kRecordLimit + 64 * 1024);
            Json doc = parse(page.body);
            entries += static_cast<int>(doc["entries"].Size());
            ++pages;
            url = doc["next"].IsString() ? doc["next"].GetString() : "";
        }
        CHECK(pages >= 3);
        return entries;
    };
    CHECK(walk(node.url) == kRecords);

    Hub province(dir, "pv27");
    Hub nation(dir, "nl");
    province.addSource("gm0363", node.url);
    nation.addSource("pv27", province.url);
    auto first = province.harvest();
    INFO(first.out);
    REQUIRE(first.exitCode == 0);
    CHECK(province.matched("origin=gm0363") == kRecords);
    CHECK(walk(province.url) == kRecords);
    auto second = nation.harvest();
    INFO(second.out);
    REQUIRE(second.exitCode == 0);
    CHECK(nation.matched("origin=gm0363") == kRecords);
    CHECK(count(nation.report("pv27"), "rejected") == 0);
}

TEST_CASE("an endless feed is read a budget at a time: an honest source is not held up, and stop is prompt") {
    TempDir dir;
    SignedFeed endless("endless", 1000000000000000LL, 1000000000000000LL);  // one entry a page, forever
    SignedFeed honest("honest", 1, 1);
    auto store = openHub(dir.file("hub.db"));
    hub::SourceRegistry sources(*store);
    addSource(sources, *store, "endless", endless);
    addSource(sources, *store, "honest", honest);
    hub::HarvesterOptions options;
    options.maxRunSeconds = 1;
    hub::Harvester harvester(*store, sources, tweeling::registry::record::Profile::builtin(), options);

    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<hub::HarvestReport> reports;
    std::vector<std::int64_t> endlessCursors;
    hub::Scheduler scheduler(
        harvester, sources,
        [&](const hub::HarvestReport& report) {
            std::int64_t cursor = sources.get(report.source)->cursor;
            std::lock_guard<std::mutex> lock(mutex);
            reports.push_back(report);
            if (report.source == "endless") endlessCursors.push_back(cursor);
            arrived.notify_all();
        },
        std::chrono::milliseconds(50));
    // Should a round never end, the endless source goes away first, so that the test ends.
    struct StopFirst {
        SignedFeed& feed;
        ~StopFirst() { feed.stop(); }
    } stopFirst{endless};
    auto reportsOf = [&](const std::string& source) {
        return std::count_if(reports.begin(), reports.end(), [&](const auto& r) { return r.source == source; });
    };
    auto waitFor = [&](auto done, std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lock(mutex);
        return arrived.wait_for(lock, timeout, done);
    };

    scheduler.start();
    REQUIRE(waitFor([&] { return reportsOf("honest") >= 1; }, std::chrono::seconds(6)));
    // The honest source is due again (as if its interval had passed) while the endless one runs.
    auto queued = Clock::now();
    sources.queue("honest");
    scheduler.wake();
    REQUIRE(waitFor([&] { return reportsOf("honest") >= 2; }, std::chrono::seconds(6)));
    CHECK(Clock::now() - queued < std::chrono::seconds(4));  // about one budget (1 s) and a round
    REQUIRE(waitFor([&] { return endlessCursors.size() >= 3; }, std::chrono::seconds(8)));

    auto stopping = Clock::now();
    scheduler.stop();
    CHECK(Clock::now() - stopping < std::chrono::seconds(2));

    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& report : reports) {
        INFO(report.toText());
        CHECK(report.status == "ok");
        if (report.source != "endless") continue;
        CHECK(report.continues);
        CHECK(report.toText().find("continues next round") != std::string::npos);
    }
    // Each round goes on from the cursor the one before committed.
    CHECK(endlessCursors.front() > 0);
    for (std::size_t i = 1; i < endlessCursors.size(); ++i) CHECK(endlessCursors[i] > endlessCursors[i - 1]);
    CHECK(sources.get("honest")->cursor == 1);
}

TEST_CASE("twin-federation serve exits promptly on SIGTERM during an endless harvest") {
    TempDir dir;
    SignedFeed endless("endless", 1000000000000000LL, 1000000000000000LL);
    std::string db = dir.file("hub.db");
    auto added = run({hubProgram(), "sources", "add", "--db", db, "--hub-id", "pv27", "--id", "endless", "--url",
                      endless.url(), "--allow-private", "--public-key", endless.publicKey(), "--every", "10s"});
    INFO(added.err);
    REQUIRE(added.exitCode == 0);
    ServerProcess server({hubProgram(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--quiet"});
    // Harvesting: feed pages are being read.
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (endless.feedRequests() < 20 && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(endless.feedRequests() >= 20);

    auto stopping = Clock::now();
    int exitCode = server.stop(SIGTERM);
    auto took = Clock::now() - stopping;
    INFO(server.logText());
    CHECK(exitCode == 0);
    CHECK(took < std::chrono::seconds(5));  // a correctness bound: without it the round ran for minutes
    int requestsAfterExit = endless.feedRequests();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(endless.feedRequests() == requestsAfterExit);
}

TEST_CASE("a feed and its resync go on across rounds when a run's budget stops them") {
    TempDir dir;
    FakeNode fake(dir, "gm0363");
    Hub hub(dir, "pv27");
    hub.addSource("paged", fake.url());
    auto record = [](int n) { return sampleRecord("gm0363-r" + std::to_string(n), "Gebouwen " + std::to_string(n)); };
    auto harvestOnePage = [&] {
        auto result = run({hubProgram(), "harvest", "--db", hub.db, "--max-run-pages", "1"});
        INFO(result.out << result.err);
        CHECK(result.exitCode == 0);
        return hub.report("paged");
    };
    fake.page("feed?after=0&limit=1000", "e1", 4, {fake.put(1, record(1)), fake.put(2, record(2))});
    fake.page("feed?after=2&limit=1000", "e1", 4, {fake.put(3, record(3)), fake.put(4, record(4))});
    Json first = harvestOnePage();
    CHECK(first["continues"].GetBool());
    CHECK(std::string(first["status"].GetString()) == "ok");
    CHECK(hub.source("paged")["cursor"].GetInt() == 2);
    CHECK(std::string(hub.source("paged")["state"].GetString()) == "ok");
    Json second = harvestOnePage();
    CHECK_FALSE(second["continues"].GetBool());
    CHECK(hub.matched("source=paged") == 4);

    // The node is rebuilt (a new epoch) without record 4: the resync takes two rounds, and only at
    // its end is what the node no longer has deleted. Record 3 is listed in the second round with a
    // version the hub refuses: listed all the same, so the version held stays.
    Json invalid = parse(record(3));
    invalid["type"].SetString("NotAFeature");
    fake.page("feed?after=4&limit=1000", "e2", 3, {});
    fake.page("feed?after=0&limit=1000", "e2", 3, {fake.put(1, record(1)), fake.put(2, record(2))});
    fake.page("feed?after=2&limit=1000", "e2", 3, {fake.put(3, tweeling::common::toString(invalid))});
    Json third = harvestOnePage();
    CHECK(third["resync"].GetBool());
    CHECK(third["continues"].GetBool());
    CHECK(count(third, "deleted") == 0);
    CHECK(hub.matched("source=paged") == 4);
    Json fourth = harvestOnePage();
    CHECK_FALSE(fourth["continues"].GetBool());
    CHECK(count(fourth, "rejected") == 1);
    CHECK(count(fourth, "deleted") == 1);
    CHECK(get(hub.url + "/collections/twins/items/gm0363:gm0363-r3").status == 200);
    CHECK(hub.matched("source=paged") == 3);
    CHECK(get(hub.url + "/collections/twins/items/gm0363:gm0363-r4").status == 404);
    CHECK(hub.source("paged")["cursor"].GetInt() == 3);
}

TEST_CASE("a feed page with more entries than the hub asked for is refused whole, costing no memory per entry") {
    TempDir dir;
    auto key = tweeling::common::SigningKey::generate();
    const std::string publicKey = key.publicKey().base64Url();
    TestServer server([&](const std::string& path) {
        return scriptedNodeReply(path, "flood", publicKey, [&](std::int64_t after) {
            std::string entries;
            for (int i = 1; i <= 5; ++i)
                entries += std::string(i > 1 ? "," : "") + "{\"seq\":" + std::to_string(after + i) +
                           ",\"op\":\"delete\",\"id\":\"x" + std::to_string(i) +
                           "\",\"origin\":\"flood\",\"at\":\"2026-11-30T10:00:00Z\"}";
            return "{\"epoch\":\"e1\",\"origin\":\"flood\",\"publicKey\":\"" + publicKey +
                   "\",\"latest\":5,\"entries\":[" + entries + "],\"next\":null}";
        });
    });
    auto store = openHub(dir.file("hub.db"));
    hub::SourceRegistry sources(*store);
    hub::SourceConfig config;
    config.id = "flood";
    config.url = server.url("");
    config.totalTimeoutMs = 3000;
    config.allowPrivate = true;
    sources.add(config);
    hub::KeyRing(*store).pinForSource("flood", publicKey);
    hub::HarvesterOptions options;
    options.feedPageSize = 3;
    hub::Harvester harvester(*store, sources, tweeling::registry::record::Profile::builtin(), options);
    auto reports = harvester.harvest({"flood"});
    REQUIRE(reports.size() == 1);
    INFO(reports[0].toText());
    CHECK(reports[0].status == "degraded");
    CHECK(reports[0].error.find("holds 5 entries, more than the limit of 3 the hub asked for") != std::string::npos);
    CHECK(sources.get("flood")->cursor == 0);
    server.stop();
}
