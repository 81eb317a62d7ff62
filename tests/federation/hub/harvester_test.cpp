// The harvester in this process against a feed served from this process: a Store, a SourceRegistry
// and a Harvester harvest a node played by a TestServer, whose feed a test writes entry by entry
// (signed like a node's) and can rebuild under a new epoch. Covers a run page by page, a resync
// across rounds and deletions held back by the threshold, without spawning twin-federation.
#include "live_federation.hpp"

#include "scripted_node.hpp"
#include "hub/harvester.hpp"
#include "hub/sources.hpp"
#include "hub/trust.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <mutex>

using namespace tweeling::test;
using namespace tweeling::test::federation;
namespace hub = tweeling::federation::hub;

namespace {

// A node's feed: entries appended by the test, served `perPage` at a time after the asked seq.
class ScriptedFeed {
public:
    ScriptedFeed(std::string origin, std::size_t perPage)
        : m_origin(std::move(origin)),
          m_perPage(perPage),
          m_server([this](const std::string& path) { return answer(path); }) {}
    std::string url() const { return m_server.url(""); }
    std::string publicKey() const { return m_key.publicKey().base64Url(); }

    // Appends a signed put of a sample record with this id.
    void put(const std::string& id) {
        std::string record = sampleRecord(id, "Gebouwen " + id);
        Json doc = parse(record);
        std::string updated = doc["properties"]["updated"].GetString();
        std::string signature = m_key.sign(tweeling::common::signedBytes(m_origin, id, "put", updated, &doc));
        append(",\"op\":\"put\",\"id\":\"" + id + "\",\"origin\":\"" + m_origin +
               "\",\"at\":\"2026-11-30T10:00:00Z\",\"signature\":\"" + signature + "\",\"record\":" + record + "}");
    }
    // Appends the origin's signed tombstone of this id.
    void remove(const std::string& id) {
        const std::string at = "2026-12-01T10:00:00Z";
        std::string signature = m_key.sign(tweeling::common::signedBytes(m_origin, id, "delete", at, nullptr));
        append(",\"op\":\"delete\",\"id\":\"" + id + "\",\"origin\":\"" + m_origin + "\",\"at\":\"" + at +
               "\",\"updated\":\"" + at + "\",\"signature\":\"" + signature + "\"}");
    }
    // The node's database is made again: a new epoch, an empty feed, seqs from 1.
    void rebuild(const std::string& epoch) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_epoch = epoch;
        m_entries.clear();
    }

private:
    void append(const std::string& tail) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_entries.push_back("{\"seq\":" + std::to_string(m_entries.size() + 1) + tail);
    }

    Reply answer(const std::string& path) {
        return scriptedNodeReply(path, m_origin, publicKey(), [&](std::int64_t seq) {
            const auto after = static_cast<std::size_t>(seq);
            std::lock_guard<std::mutex> lock(m_mutex);
            std::string entries;
            for (std::size_t i = after; i < m_entries.size() && i < after + m_perPage; ++i)
                entries += (entries.empty() ? "" : ",") + m_entries[i];
            return "{\"epoch\":\"" + m_epoch + "\",\"origin\":\"" + m_origin + "\",\"publicKey\":\"" + publicKey() +
                   "\",\"latest\":" + std::to_string(m_entries.size()) + ",\"entries\":[" + entries +
                   "],\"next\":null}";
        });
    }

    std::string m_origin;
    std::size_t m_perPage;
    tweeling::common::SigningKey m_key = tweeling::common::SigningKey::generate();
    std::mutex m_mutex;
    std::string m_epoch = "e1";
    std::vector<std::string> m_entries;  // seq i + 1 at index i
    TestServer m_server;                 // last: it calls answer() from its threads until it is destroyed
};

// A hub in this process: its store, its sources (one, "node", following the feed) and a harvester.
struct InProcessHub {
    TempDir dir;
    std::unique_ptr<tweeling::registry::store::Store> store;
    std::unique_ptr<hub::SourceRegistry> sources;

    explicit InProcessHub(const ScriptedFeed& feed) {
        tweeling::registry::store::StoreOptions options;
        options.path = dir.file("hub.db");
        options.nodeId = "pv27";
        options.indexBuilder = false;
        store = std::make_unique<tweeling::registry::store::Store>(options);
        sources = std::make_unique<hub::SourceRegistry>(*store);
        hub::SourceConfig config;
        config.id = "node";
        config.url = feed.url();
        config.totalTimeoutMs = 3000;
        config.allowPrivate = true;
        sources->add(config);
        hub::KeyRing(*store).pinForSource("node", feed.publicKey());
    }
    hub::Harvester harvester(int maxRunPages = 1000) {
        hub::HarvesterOptions options;
        options.maxRunPages = maxRunPages;
        return hub::Harvester(*store, *sources, tweeling::registry::record::Profile::builtin(), options);
    }
    hub::HarvestReport round(hub::Harvester& harvester) {
        auto reports = harvester.harvest({"node"});
        REQUIRE(reports.size() == 1);
        INFO(reports[0].toText());
        return reports[0];
    }
    hub::SourceState state() const { return *sources->get("node"); }
    std::int64_t held() const { return store->countOfSource("node"); }
};

}  // namespace

TEST_CASE("in process: a feed is harvested page by page, each page with its cursor; a signed deletion applies") {
    ScriptedFeed feed("gm0363", 2);
    for (const char* id : {"gm0363-a", "gm0363-b", "gm0363-c", "gm0363-d", "gm0363-e"}) feed.put(id);
    InProcessHub hub(feed);
    auto harvester = hub.harvester();

    auto first = hub.round(harvester);
    CHECK(first.status == "ok");
    CHECK(first.pages == 3);
    CHECK(first.added == 5);
    CHECK_FALSE(first.resync);
    CHECK(hub.held() == 5);
    CHECK(hub.state().cursor == 5);
    CHECK(hub.state().epoch == "e1");
    CHECK(hub.state().state == "ok");

    // Nothing new: one empty page, nothing written.
    auto idle = hub.round(harvester);
    CHECK(idle.status == "ok");
    CHECK(idle.added + idle.updated + idle.deleted == 0);
    CHECK(hub.state().cursor == 5);

    // The origin's tombstone: one of five is under the threshold, so it applies at the run's end.
    feed.remove("gm0363-b");
    auto deleted = hub.round(harvester);
    CHECK(deleted.status == "ok");
    CHECK(deleted.deleted == 1);
    CHECK(deleted.heldDeletions == 0);
    CHECK(hub.held() == 4);
    CHECK(hub.state().cursor == 6);
    CHECK(hub.state().pendingDeletions == 0);
}

TEST_CASE("in process: a new epoch starts a resync that spans rounds and then removes what is no longer listed") {
    ScriptedFeed feed("gm0363", 2);
    for (const char* id : {"gm0363-a", "gm0363-b", "gm0363-c", "gm0363-d", "gm0363-e"}) feed.put(id);
    InProcessHub hub(feed);
    {
        auto harvester = hub.harvester();
        REQUIRE(hub.round(harvester).added == 5);
    }

    // The node's database is made again, without gm0363-e; one page per round.
    feed.rebuild("e2");
    for (const char* id : {"gm0363-a", "gm0363-b", "gm0363-c", "gm0363-d"}) feed.put(id);
    auto harvester = hub.harvester(1);

    auto first = hub.round(harvester);
    CHECK(first.status == "ok");
    CHECK(first.resync);
    CHECK(first.continues);
    CHECK(first.deleted == 0);
    // The resync is in the database: the new epoch, the cursor restarted, the records not yet
    // listed again marked.
    CHECK(hub.state().epoch == "e2");
    CHECK(hub.state().cursor == 2);
    CHECK(hub.state().pendingDeletions == 3);
    CHECK(hub.held() == 5);

    auto second = hub.round(harvester);
    CHECK(second.status == "ok");
    CHECK_FALSE(second.resync);  // the same resync, going on
    CHECK_FALSE(second.continues);
    CHECK(second.unchanged == 2);
    CHECK(second.deleted == 1);
    CHECK(hub.state().cursor == 4);
    CHECK(hub.state().pendingDeletions == 0);
    CHECK(hub.held() == 4);
    auto records = hub.store->recordsOfSource("node");
    CHECK(std::find(records.begin(), records.end(), std::make_pair(std::string("gm0363"), std::string("gm0363-e"))) ==
          records.end());
}

TEST_CASE("in process: deletions over the threshold are held back until released") {
    ScriptedFeed feed("gm0363", 10);
    for (const char* id : {"gm0363-a", "gm0363-b", "gm0363-c", "gm0363-d"}) feed.put(id);
    InProcessHub hub(feed);
    auto harvester = hub.harvester();
    REQUIRE(hub.round(harvester).added == 4);

    // Two of four is over the default 30%: nothing is deleted, the run is degraded.
    feed.remove("gm0363-a");
    feed.remove("gm0363-b");
    auto held = hub.round(harvester);
    CHECK(held.status == "degraded");
    CHECK(held.heldDeletions == 2);
    CHECK(held.deleted == 0);
    CHECK(held.error.find("release-deletions node") != std::string::npos);
    CHECK(hub.held() == 4);
    CHECK(hub.state().pendingDeletions == 2);
    CHECK(hub.state().cursor == 6);  // the page committed with its cursor all the same

    // An admin checked them.
    CHECK(harvester.releaseDeletions("node") == 2);
    CHECK(hub.held() == 2);
    CHECK(hub.state().pendingDeletions == 0);
}
