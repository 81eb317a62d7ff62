// Crash safety of a hub (docs/RELIABILITY.md, "Crash safety"): `twin-federation harvest` is
// SIGKILLed at random moments while it harvests a real node with a few thousand records. After
// each kill the hub's database passes SQLite's checks, holds exactly the records of the pages
// whose cursor it stored (a page is applied whole or not at all), the next round reads on from
// that cursor, and the last round leaves the hub equal to the node, with its in-memory indexes
// agreeing with the file.
#include "support/crash_support.hpp"
#include "support/http_client.hpp"

#include "common/json.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <regex>

using namespace tweeling::test;
using namespace tweeling::test::crash;

namespace {

const std::string kNode = "gm0363";
std::string registry() { return binPath("twin-registry"); }
std::string hub() { return binPath("twin-federation"); }

void importRecords(const TempDir& dir, const std::string& db, const std::string& prefix, int count) {
    const std::string file = dir.file(prefix + ".ndjson");
    {
        std::ofstream out(file);
        for (int i = 0; i < count; ++i)
            out << record(prefix + std::to_string(i), "Hubtest gebouwen " + prefix + std::to_string(i)) << '\n';
    }
    auto imported = run({registry(), "import", "--db", db, "--node-id", kNode, file});
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);
}

struct Round {
    long added = -1, updated = -1, unchanged = -1;
};

Round parseReport(const std::string& text) {
    std::smatch match;
    Round round;
    if (std::regex_search(text, match, std::regex(R"((\d+) added, (\d+) updated, (\d+) unchanged)"))) {
        round.added = std::stol(match[1]);
        round.updated = std::stol(match[2]);
        round.unchanged = std::stol(match[3]);
    }
    return round;
}

long matched(const std::string& base, const std::string& query) {
    auto response = get(base + "/collections/twins/items?" + query, {"Cache-Control: no-cache"});
    INFO(query << ": " << response.body);
    REQUIRE(response.status == 200);
    return parseJsonText(response.body)["numberMatched"].GetInt64();
}

}  // namespace

TEST_CASE("a hub SIGKILLed mid-harvest applies whole pages and resumes from its cursor", "[crash]") {
    const std::uint32_t seed = crash::seed();
    std::mt19937 random(seed);
    WARN("crash seed " << seed << " (TWEELING_CRASH_SEED=" << seed << " repeats this run)");
    TempDir dir;
    const std::string nodeDb = dir.file("node.db"), hubDb = dir.file("hub.db");
    importRecords(dir, nodeDb, "hub-", 2500);
    ServerProcess node({registry(), "serve", "--db", nodeDb, "--listen", "127.0.0.1:0", "--node-id", kNode, "--quiet",
                        "--rate-limit", "0"});
    auto identity = parseJsonText(get(node.baseUrl() + "/.well-known/tweeling.json").body);
    auto added = run({hub(), "sources", "add", "--db", hubDb, "--id", kNode, "--url", node.baseUrl(), "--kind",
                      "tweeling", "--allow-private", "--timeout-ms", "5000", "--public-key",
                      identity["publicKey"].GetString()});
    INFO(added.err);
    REQUIRE(added.exitCode == 0);
    // 50 entries a page: dozens of page commits (and the dictionary training at 2,000 records) for
    // the kills to fall between and into.
    const std::vector<std::string> harvest{hub(), "harvest", "--db", hubDb, "--source", kNode, "--feed-page-size", "50"};
    constexpr int kKills = 20;
    int killed = 0;
    for (int kill = 0; kill < kKills; ++kill) {
        INFO("kill " << kill << ", seed " << seed);
        if (kill % 4 == 3) importRecords(dir, nodeDb, "more" + std::to_string(kill) + "-", 200);  // news for the hub
        {
            ChildProcess round(harvest, dir.file("harvest.out"), dir.file("harvest.err"));
            if (!round.waitFor(static_cast<int>(random() % 1500))) killed += round.kill() ? 1 : 0;
        }
        REQUIRE(checkDatabase(hubDb) == "ok");
        std::int64_t cursor = Sqlite(hubDb).number("SELECT cursor FROM sources WHERE id = '" + kNode + "'");
        auto held = Sqlite(hubDb).column("SELECT id FROM records WHERE origin = '" + kNode + "'");
        Sqlite nodeFile(nodeDb);
        // Whole pages: exactly the records up to the stored cursor, none after it.
        auto upToCursor = nodeFile.column("SELECT id FROM records WHERE seq <= " + std::to_string(cursor));
        INFO("cursor " << cursor << ", hub holds " << held.size() << ", node up to the cursor " << upToCursor.size());
        CHECK(held == upToCursor);

        // The next round reads on from the cursor: one page of it adds the next 50 records and
        // finds none again (a round from 0 would find them unchanged).
        auto after = nodeFile.rows("SELECT seq FROM records WHERE seq > " + std::to_string(cursor) +
                                   " ORDER BY seq LIMIT 50");
        std::vector<std::string> onePage = harvest;
        onePage.insert(onePage.end(), {"--max-run-pages", "1"});
        auto next = run(onePage);
        INFO(next.out << next.err);
        Round report = parseReport(next.out);
        CHECK(report.added == static_cast<long>(after.size()));
        CHECK(report.updated == 0);
        CHECK(report.unchanged == 0);
        CHECK(Sqlite(hubDb).number("SELECT cursor FROM sources WHERE id = '" + kNode + "'") ==
              (after.empty() ? cursor : std::stoll(after.back())));
    }
    CHECK(killed > 0);
    // A round to the end: the hub equals the node.
    auto last = run(harvest);
    INFO(last.out << last.err);
    CHECK(last.exitCode == 0);
    CHECK(parseReport(last.out).unchanged == 0);
    REQUIRE(checkDatabase(hubDb) == "ok");
    Sqlite nodeFile(nodeDb);
    auto nodeIds = nodeFile.column("SELECT id FROM records");
    CHECK(Sqlite(hubDb).column("SELECT id FROM records WHERE origin = '" + kNode + "'") == nodeIds);
    CHECK(Sqlite(hubDb).number("SELECT cursor FROM sources WHERE id = '" + kNode + "'") ==
          nodeFile.number("SELECT max(seq) FROM feed"));

    // Served after all those kills, the hub's indexes (built from the file at start) agree with it.
    ServerProcess served({hub(), "serve", "--db", hubDb, "--listen", "127.0.0.1:0", "--quiet", "--no-harvest",
                          "--no-probes", "--rate-limit", "0"});
    const std::string base = served.baseUrl();
    REQUIRE(waitForMetric(base, "tweeling_term_index_builds_total", 1, 30000) >= 1);
    REQUIRE(waitForMetric(base, "tweeling_facet_index_builds_total", 1, 30000) >= 1);
    CHECK(matched(base, "limit=1") == static_cast<long>(nodeIds.size()));
    CHECK(matched(base, "q=hubtest&limit=1") ==
          Sqlite(hubDb).number("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'hubtest*'"));
    CHECK(matched(base, "q=hubtest&type=dataset&limit=1") ==
          Sqlite(hubDb).number("SELECT count(*) FROM records WHERE type = 'dataset'"));
}
