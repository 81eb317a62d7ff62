// Crash safety of a node (docs/RELIABILITY.md, "Crash safety"): the real twin-registry is SIGKILLed
// at random moments while a publisher writes to it and while `import` loads a file, then started
// again; the database must pass SQLite's own checks, keep every acknowledged write, and the
// server's in-memory indexes must agree with it. A full database (PRAGMA max_page_count through
// --max-db-pages) must give the client a 507 problem document and leave the server working.
#include "support/crash_support.hpp"
#include "support/http_client.hpp"

#include "common/json.hpp"
#include "common/signature.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <thread>

using namespace tweeling::test;
using namespace tweeling::test::crash;

namespace {

const std::string kNode = "gm0363";

std::string registry() { return binPath("twin-registry"); }

std::string makeKey(const std::string& db) {
    auto created = run({registry(), "keys", "create", "--db", db, "--node-id", kNode, "--publisher", kPublisher});
    INFO(created.err);
    REQUIRE(created.exitCode == 0);
    std::string key = created.out;
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    return key;
}

std::unique_ptr<ServerProcess> startNode(const std::string& db, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{registry(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--node-id", kNode,
                                  "--quiet", "--rate-limit", "0", "--publish-rate-limit", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<ServerProcess>(argv);
}

long putRecord(const std::string& base, const std::string& key, const std::string& id, const std::string& title,
               long timeoutMs = 20000) {
    HttpRequest request{"PUT", base + "/collections/twins/items/" + id, record(id, title),
                        {"Content-Type: application/geo+json", "Authorization: Bearer " + key, "Expect:"}};
    request.timeoutMs = timeoutMs;
    return send(request).status;
}

long matched(const std::string& base, const std::string& query) {
    auto response = get(base + "/collections/twins/items?" + query, {"Cache-Control: no-cache"});
    INFO(query << ": " << response.body);
    REQUIRE(response.status == 200);
    auto doc = parseJsonText(response.body);
    return doc["numberMatched"].GetInt64();
}

// After a restart: once the server has built its facet bitmaps and term index from the file, the
// answers through them equal counts taken from SQLite directly.
void checkIndexesAgree(const std::string& base, const std::string& db, const std::string& word) {
    REQUIRE(waitForMetric(base, "tweeling_term_index_builds_total", 1, 30000) >= 1);
    REQUIRE(waitForMetric(base, "tweeling_facet_index_builds_total", 1, 30000) >= 1);
    Sqlite sqlite(db);
    std::int64_t all = sqlite.number("SELECT count(*) FROM records");
    std::int64_t withWord = sqlite.number("SELECT count(*) FROM records_fts WHERE records_fts MATCH '" + word + "*'");
    std::int64_t datasets = sqlite.number("SELECT count(*) FROM records WHERE type = 'dataset'");
    CHECK(matched(base, "limit=1") == all);
    CHECK(matched(base, "q=" + word + "&limit=1") == withWord);
    CHECK(matched(base, "type=dataset&limit=1") == datasets);
    // Words and a value list together take the candidate path: the term index and the bitmaps.
    CHECK(matched(base, "q=" + word + "&type=dataset&limit=1") ==
          sqlite.number("SELECT count(*) FROM records r JOIN records_fts f ON f.rowid = r.rid WHERE records_fts MATCH '" +
                        word + "*' AND r.type = 'dataset'"));
    CHECK(waitForMetric(base, "tweeling_searches_term_index_total", 1, 1000) >= 1);
}

// The key a node announces is the one its database's last rotation names (or its first key), and
// every entry of its feed verifies against it.
void checkSigningKey(const std::string& base, const std::string& db) {
    auto identity = parseJsonText(get(base + "/.well-known/tweeling.json").body);
    const std::string announced = identity["publicKey"].GetString();
    auto rotations = Sqlite(db).rows("SELECT value FROM meta WHERE key = 'key_rotations'");
    if (!rotations.empty()) {
        auto history = parseJsonText(rotations.front());
        if (history.Size() > 0) CHECK(announced == history[history.Size() - 1]["publicKey"].GetString());
    }
    auto key = tweeling::common::PublicKey::fromBase64Url(announced);
    auto feed = parseJsonText(get(base + "/feed?after=0&limit=50").body);
    REQUIRE(feed["entries"].Size() > 0);
    for (const auto& entry : feed["entries"].GetArray()) {
        INFO(entry["id"].GetString());
        std::string bytes = tweeling::common::signedBytes(entry["origin"].GetString(), entry["id"].GetString(), "put",
                                                          entry["record"]["properties"]["updated"].GetString(),
                                                          &entry["record"]);
        CHECK(key.verify(bytes, entry["signature"].GetString()));
    }
}

// What a publisher may find after a crash: the last title acknowledged for an id, or one of the
// titles it sent later without an answer (the server may have stored it and died before replying).
struct Expected {
    std::string acknowledged;
    std::set<std::string> unanswered;
};

}  // namespace

TEST_CASE("a node SIGKILLed while publishers write keeps every acknowledged write", "[crash]") {
    const std::uint32_t seed = crash::seed();
    std::mt19937 random(seed);
    WARN("crash seed " << seed << " (TWEELING_CRASH_SEED=" << seed << " repeats this run)");
    TempDir dir;
    const std::string db = dir.file("node.db");
    const std::string key = makeKey(db);
    std::map<std::string, Expected> expected;
    int next = 0;  // ids made so far
    constexpr int kKills = 20;
    for (int kill = 0; kill < kKills; ++kill) {
        INFO("kill " << kill << ", seed " << seed);
        auto server = startNode(db);
        const std::string base = server->baseUrl();
        if (kill % 5 == 4) checkIndexesAgree(base, db, "crashtest");
        std::atomic<bool> stop{false};
        std::mutex mutex;
        std::vector<std::string> unexpected;
        std::set<std::string> inFlight;  // one write per id at a time, so answers come in the order applied
        std::mt19937 publisherRandom(random());
        // Two publishers: new records and replacements of acknowledged ones, each PUT's outcome noted.
        auto publish = [&](int which) {
            while (!stop) {
                std::string id, title;
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    if (which == 1 && !expected.empty()) {
                        auto it = expected.begin();
                        std::advance(it, publisherRandom() % expected.size());
                        id = it->first;
                    }
                    if (id.empty() || inFlight.count(id)) id = "crash-" + std::to_string(next++);
                    inFlight.insert(id);
                    title = "Crashtest gebouwen " + id + " versie " + std::to_string(publisherRandom() % 1000000);
                    expected[id].unanswered.insert(title);
                }
                long status = 0;  // no answer: the server was killed
                try {
                    status = putRecord(base, key, id, title, 5000);
                } catch (const std::exception&) {
                }
                std::lock_guard<std::mutex> lock(mutex);
                inFlight.erase(id);
                if (status == 200 || status == 201) {
                    expected[id].acknowledged = title;
                    expected[id].unanswered.clear();
                } else if (status != 0) {  // 0: no answer, the server was killed
                    unexpected.push_back("PUT " + id + " answered " + std::to_string(status));
                }
            }
        };
        std::thread first(publish, 0), second(publish, 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 400));
        server->stop(SIGKILL);
        stop = true;
        first.join();
        second.join();
        {
            std::string answers;
            for (const auto& what : unexpected) answers += what + "\n";
            INFO(answers);
            CHECK(unexpected.empty());
        }

        REQUIRE(checkDatabase(db) == "ok");
        Sqlite sqlite(db);
        std::map<std::string, std::string> stored;
        for (const auto& row : sqlite.rows("SELECT id, title FROM records")) {
            auto bar = row.find('|');
            stored[row.substr(0, bar)] = row.substr(bar + 1);
        }
        for (const auto& [id, wanted] : expected) {
            INFO(id);
            auto found = stored.find(id);
            if (wanted.acknowledged.empty()) {  // never acknowledged: may be there with a title it sent
                if (found != stored.end()) CHECK(wanted.unanswered.count(found->second) == 1);
                continue;
            }
            REQUIRE(found != stored.end());
            CHECK((found->second == wanted.acknowledged || wanted.unanswered.count(found->second) == 1));
        }
        // Every record has exactly one live feed entry, and the FTS index holds every record.
        CHECK(sqlite.number("SELECT count(*) FROM feed WHERE op = 'put'") == static_cast<std::int64_t>(stored.size()));
        CHECK(sqlite.number("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'crashtest'") ==
              static_cast<std::int64_t>(stored.size()));
    }
    auto server = startNode(db);
    checkIndexesAgree(server->baseUrl(), db, "crashtest");
    std::size_t acknowledged = 0;
    for (const auto& entry : expected) acknowledged += entry.second.acknowledged.empty() ? 0 : 1;
    CHECK(acknowledged > 0);
    CHECK(matched(server->baseUrl(), "limit=1") >= static_cast<long>(acknowledged));
}

TEST_CASE("an import SIGKILLed part-way leaves whole committed batches, and runs again to the end", "[crash]") {
    const std::uint32_t seed = crash::seed();
    std::mt19937 random(seed);
    WARN("crash seed " << seed << " (TWEELING_CRASH_SEED=" << seed << " repeats this run)");
    TempDir dir;
    const std::string db = dir.file("node.db");
    makeKey(db);
    // 2,000 records in batches of 150 (`import --batch`): 14 commits to fall between and into.
    constexpr int kRecords = 2000, kBatch = 150;
    std::chrono::milliseconds whole{0};
    constexpr int kKills = 8;
    for (int kill = 0; kill <= kKills; ++kill) {
        INFO("import " << kill << ", seed " << seed);
        const std::string prefix = "imp" + std::to_string(kill) + "-";
        const std::string file = dir.file(prefix + "records.ndjson");
        {
            std::ofstream out(file);
            for (int i = 0; i < kRecords; ++i)
                out << record(prefix + std::to_string(i), "Importtest gebouwen " + std::to_string(i)) << '\n';
        }
        const std::string err = dir.file(prefix + "err");
        auto started = std::chrono::steady_clock::now();
        ChildProcess import({registry(), "import", "--db", db, "--node-id", kNode, "--batch", std::to_string(kBatch), file},
                            dir.file(prefix + "out"), err);
        bool killed = false;
        if (kill == 0) {  // the first import runs to its end: its time spreads the kills of the others
            REQUIRE(import.waitFor(120000));
            whole = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            CHECK(import.exitCode() == 0);
        } else {
            bool ended = import.waitFor(static_cast<int>(random() % (whole.count() + 1)));
            killed = !ended && import.kill();
        }
        // The batches it reported as committed.
        std::int64_t reported = 0;
        std::string log = readFile(err);
        const std::regex committed(R"(committed: records \d+-(\d+))");
        for (std::sregex_iterator it(log.begin(), log.end(), committed), end;
             it != end; ++it)
            reported = std::max<std::int64_t>(reported, std::stoll((*it)[1]));
        INFO("killed: " << killed << ", stderr: " << log);
        REQUIRE(checkDatabase(db) == "ok");
        Sqlite sqlite(db);
        auto ids = sqlite.column("SELECT id FROM records WHERE id LIKE '" + prefix + "%'");
        auto count = static_cast<std::int64_t>(ids.size());
        // Whole batches only, in file order, and at least every one reported.
        CHECK((count % kBatch == 0 || count == kRecords));
        CHECK(count >= reported);
        for (std::int64_t i = 0; i < count; ++i) CHECK(ids.count(prefix + std::to_string(i)) == 1);
        if (!killed) CHECK(count == kRecords);
        // Run again: it completes, and stores each record once.
        if (killed) {
            auto again = run({registry(), "import", "--db", db, "--node-id", kNode, "--batch", std::to_string(kBatch), file});
            INFO(again.err);
            REQUIRE(again.exitCode == 0);
            CHECK(Sqlite(db).number("SELECT count(*) FROM records WHERE id LIKE '" + prefix + "%'") == kRecords);
        }
    }
    REQUIRE(checkDatabase(db) == "ok");
    auto server = startNode(db);
    checkIndexesAgree(server->baseUrl(), db, "importtest");
}

TEST_CASE("a full database answers 507 with a problem document, and works again once space is freed", "[crash][disk]") {
    TempDir dir;
    const std::string db = dir.file("node.db");
    const std::string key = makeKey(db);
    std::int64_t pages = Sqlite(db).number("PRAGMA page_count");
    // Room for a few records beyond the empty database.
    auto server = startNode(db, {"--max-db-pages", std::to_string(pages + 12)});
    const std::string base = server->baseUrl();
    int stored = 0;
    HttpResponse full;
    for (int i = 0; i < 2000; ++i) {
        std::string id = "full-" + std::to_string(i);
        // Titles of their own, so that each record adds to the FTS index.
        HttpRequest request{"PUT", base + "/collections/twins/items/" + id,
                            record(id, "Schijfvol record " + std::to_string(i) + " woord" + std::to_string(i * 7919)),
                            {"Content-Type: application/geo+json", "Authorization: Bearer " + key, "Expect:"}};
        auto response = send(request);
        if (response.status == 201) {
            ++stored;
            continue;
        }
        full = response;
        break;
    }
    INFO(full.body);
    REQUIRE(full.status == 507);
    CHECK(stored > 0);
    CHECK(full.header("content-type").find("application/problem+json") == 0);
    auto problem = parseJsonText(full.body);
    CHECK(std::string(problem["type"].GetString()) == "https://w3id.org/tweeling/problem/insufficient-storage");
    CHECK(problem["status"].GetInt() == 507);
    CHECK(std::string(problem["detail"].GetString()).find("full") != std::string::npos);
    CHECK(full.body.find("sqlite") == std::string::npos);
    CHECK(full.body.find("SQLITE") == std::string::npos);
    // Reads go on, and the refused write left nothing behind.
    CHECK(get(base + "/collections/twins/items/full-0").status == 200);
    CHECK(matched(base, "limit=1") == stored);
    CHECK(get(base + "/collections/twins/items/full-" + std::to_string(stored)).status == 404);
    CHECK(putRecord(base, key, "full-again", "Nog een record") == 507);
    CHECK(server->stop() == 0);  // a clean stop with a full database
    REQUIRE(checkDatabase(db) == "ok");
    CHECK(Sqlite(db).number("SELECT count(*) FROM records") == stored);

    // The operator frees space (here: allows more pages); the same file takes writes again.
    server = startNode(db, {"--max-db-pages", std::to_string(pages + 2000)});
    CHECK(putRecord(server->baseUrl(), key, "full-again", "Nog een record") == 201);
    CHECK(matched(server->baseUrl(), "limit=1") == stored + 1);
    checkIndexesAgree(server->baseUrl(), db, "schijfvol");
    server.reset();
    REQUIRE(checkDatabase(db) == "ok");
}

TEST_CASE("a key rotation killed after its commit is finished at the next start", "[crash]") {
    TempDir dir;
    const std::string db = dir.file("node.db"), keyFile = db + ".signing-key.pem";
    makeKey(db);
    {
        auto server = startNode(db);
        const std::string key = makeKey(db);
        for (int i = 0; i < 5; ++i)
            REQUIRE(putRecord(server->baseUrl(), key, "rot-" + std::to_string(i), "Rotatietest " + std::to_string(i)) == 201);
    }
    auto rotated = run({registry(), "keys", "rotate-signing", "--db", db});
    INFO(rotated.err);
    REQUIRE(rotated.exitCode == 0);
    std::string newKey = rotated.out.substr(0, rotated.out.find('\n'));
    // The state a kill between the commit and the swap of the files leaves: the database names the
    // new key and has re-signed every record with it; the new key is still PATH.new.
    std::string retired;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        if (entry.path().string().find(".retired-") != std::string::npos) retired = entry.path().string();
    REQUIRE(!retired.empty());
    std::filesystem::rename(keyFile, keyFile + ".new");
    std::filesystem::rename(retired, keyFile);
    {
        auto server = startNode(db);
        CHECK(parseJsonText(get(server->baseUrl() + "/.well-known/tweeling.json").body)["publicKey"].GetString() ==
              newKey);
        checkSigningKey(server->baseUrl(), db);
        CHECK(std::filesystem::exists(retired));
        CHECK_FALSE(std::filesystem::exists(keyFile + ".new"));
    }
    // Killed before the commit instead: a PATH.new the database does not name is dropped, the key stays.
    std::filesystem::copy_file(retired, keyFile + ".new");
    {
        auto server = startNode(db);
        CHECK(parseJsonText(get(server->baseUrl() + "/.well-known/tweeling.json").body)["publicKey"].GetString() ==
              newKey);
        CHECK_FALSE(std::filesystem::exists(keyFile + ".new"));
    }
}

TEST_CASE("a node SIGKILLed while it rotates its signing key keeps one key for everything", "[crash]") {
    const std::uint32_t seed = crash::seed();
    std::mt19937 random(seed);
    WARN("crash seed " << seed << " (TWEELING_CRASH_SEED=" << seed << " repeats this run)");
    TempDir dir;
    const std::string db = dir.file("node.db");
    makeKey(db);
    {
        const std::string file = dir.file("records.ndjson");
        std::ofstream out(file);
        for (int i = 0; i < 1500; ++i) out << record("rot-" + std::to_string(i), "Rotatietest " + std::to_string(i)) << '\n';
        out.close();
        auto imported = run({registry(), "import", "--db", db, "--node-id", kNode, file});
        REQUIRE(imported.exitCode == 0);
    }
    constexpr int kKills = 6;
    for (int kill = 0; kill < kKills; ++kill) {
        INFO("kill " << kill << ", seed " << seed);
        {
            ChildProcess rotation({registry(), "keys", "rotate-signing", "--db", db}, dir.file("out"), dir.file("err"));
            rotation.waitFor(static_cast<int>(random() % 1200));
        }
        REQUIRE(checkDatabase(db) == "ok");
        auto server = startNode(db);
        checkSigningKey(server->baseUrl(), db);
    }
}
