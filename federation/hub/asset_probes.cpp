// Which records to probe and when, running the probes, and writing what they found (asset_probes.hpp).
// The verdict as a `validation` member: asset_verdict.cpp.
#include "hub/asset_probes.hpp"

#include "common/time.hpp"
#include "hub/asset_verdict.hpp"
#include "hub/job.hpp"  // nowSeconds
#include "hub/probe_fetch.hpp"
#include "hub/sources.hpp"
#include "store/sqlite.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace tweeling::federation::hub {

using registry::store::Database;
using registry::store::Statement;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS probe_state(
  key TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  hash TEXT NOT NULL,
  status TEXT NOT NULL,
  checked_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS probe_state_due ON probe_state(due_at);
CREATE INDEX IF NOT EXISTS probe_state_source ON probe_state(source, status);
CREATE TABLE IF NOT EXISTS probe_checks(
  key TEXT NOT NULL,
  check_id TEXT NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (key, check_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS probe_checks_source ON probe_checks(source, check_id, status);
CREATE TABLE IF NOT EXISTS twin_tilesets(
  key TEXT NOT NULL,
  distribution INTEGER NOT NULL,
  href TEXT NOT NULL,
  west REAL NOT NULL, south REAL NOT NULL, east REAL NOT NULL, north REAL NOT NULL,
  min_height REAL NOT NULL, max_height REAL NOT NULL,
  from_asset INTEGER NOT NULL,
  geometric_error REAL NOT NULL,
  extensions_used TEXT NOT NULL,
  extensions_required TEXT NOT NULL,
  PRIMARY KEY (key, distribution)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS probe_cursor(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL
);
)sql";

std::string joinList(const std::vector<std::string>& values) {
    std::string joined;
    for (const std::string& value : values) joined += (joined.empty() ? "" : "\n") + value;
    return joined;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> values;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) values.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return values;
}

void forgetRecord(Database& database, const std::string& key) {
    for (const char* table : {"probe_state", "probe_checks", "twin_tilesets"}) {
        Statement statement(database, std::string("DELETE FROM ") + table + " WHERE key = ?1");
        statement.bind(1, key);
        statement.execute();
    }
}

}  // namespace

struct AssetProber::Private {
    registry::store::Store& store;
    SourceRegistry& sources;
    ProberOptions options;
    HostSlots slots;

    Private(registry::store::Store& store, SourceRegistry& sources, ProberOptions options)
        : store(store), sources(sources), options(std::move(options)), slots(this->options.perHost) {}

    probe::Fetch fetchFor(const std::string& source, const std::atomic<bool>& cancelled) {
        if (options.fetchForTests) return options.fetchForTests;
        harvest::FetchOptions fetch;
        fetch.connectTimeoutMs = 3000;
        fetch.totalTimeoutMs = 20000;
        fetch.caBundlePath = options.caBundlePath;
        fetch.userAgent = "Tweeling-probe/0.1";
        // The same address rule as harvesting the source the record came by.
        if (auto state = sources.get(source)) fetch.allowPrivate = state->config.allowPrivate;
        return makeProbeFetch(fetch, slots, cancelled);
    }

    // Probes these records (item keys) on options.workers threads, then writes what they found.
    // In chunks of a few records per worker, each written when done: a slow asset server delays the
    // verdicts of its own chunk, not those of a whole batch.
    ProbeSummary probeKeys(const std::vector<std::string>& keys, const std::atomic<bool>& cancelled) {
        const std::size_t chunk = static_cast<std::size_t>(std::max(1, options.workers) * 2);
        ProbeSummary total;
        for (std::size_t start = 0; start < keys.size() && !cancelled.load(); start += chunk) {
            std::vector<std::string> part(keys.begin() + start, keys.begin() + std::min(keys.size(), start + chunk));
            ProbeSummary summary = probeChunk(part, cancelled);
            total.probed += summary.probed;
            total.pass += summary.pass;
            total.warn += summary.warn;
            total.fail += summary.fail;
            total.rewritten += summary.rewritten;
        }
        return total;
    }

    ProbeSummary probeChunk(const std::vector<std::string>& keys, const std::atomic<bool>& cancelled) {
        std::vector<std::optional<RecordVerdict>> verdicts(keys.size());
        std::atomic<std::size_t> next{0};
        auto work = [&] {
            for (std::size_t i = next++; i < keys.size() && !cancelled.load(); i = next++) {
                auto held = store.get(keys[i]);
                if (!held) continue;
                RecordVerdict verdict = judgeRecord(*held, fetchFor(held->source, cancelled), options);
                // A verdict cut short by shutdown is no verdict: the record is probed next time.
                if (!cancelled.load()) verdicts[i] = std::move(verdict);
            }
        };
        const int threads = std::max(1, std::min<int>(options.workers, static_cast<int>(keys.size())));
        std::vector<std::thread> pool;
        for (int t = 1; t < threads; ++t) pool.emplace_back(work);
        work();
        for (auto& thread : pool) thread.join();

        ProbeSummary summary;
        std::vector<registry::store::Annotation> annotations;
        for (const auto& verdict : verdicts) {
            if (!verdict) continue;
            ++summary.probed;
            if (verdict->status == "pass") ++summary.pass;
            else if (verdict->status == "warn") ++summary.warn;
            else ++summary.fail;
            if (!verdict->json.empty())
                annotations.push_back({verdict->key, verdict->hash, verdict->json, verdict->status});
        }
        // The record first: a crash before the tables are written only means probing it again.
        const std::vector<bool> applied = store.annotate(annotations);
        summary.rewritten = std::count(applied.begin(), applied.end(), true);
        const std::int64_t now = nowSeconds();
        if (summary.probed == 0) return summary;
        store.write([&](Database& database) {
            for (const auto& verdict : verdicts)
                if (verdict) saveVerdict(database, *verdict, now);
        });
        return summary;
    }

    void saveVerdict(Database& database, const RecordVerdict& verdict, std::int64_t now) {
        forgetRecord(database, verdict.key);
        {
            Statement statement(database, "INSERT INTO probe_state(key, source, hash, status, checked_at, due_at)"
                                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
            statement.bind(1, verdict.key).bind(2, verdict.source).bind(3, verdict.hash).bind(4, verdict.status);
            statement.bind(5, now).bind(6, now + options.recheckSeconds);
            statement.execute();
        }
        Statement check(database, "INSERT INTO probe_checks(key, check_id, source, status, message)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5)");
        for (const auto& [id, worst] : verdict.worst) {
            check.bind(1, verdict.key).bind(2, id).bind(3, verdict.source).bind(4, worst.first).bind(5, worst.second);
            check.execute();
        }
        Statement tileset(database,
                          "INSERT INTO twin_tilesets(key, distribution, href, west, south, east, north, min_height,"
                          " max_height, from_asset, geometric_error, extensions_used, extensions_required)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
        for (const ProbedTileset& probed : verdict.tilesets) {
            tileset.bind(1, verdict.key).bind(2, probed.distribution).bind(3, probed.href);
            for (int i = 0; i < 6; ++i) tileset.bind(4 + i, probed.region[i]);
            tileset.bind(10, probed.regionFromAsset ? 1 : 0).bind(11, probed.geometricError);
            tileset.bind(12, joinList(probed.extensionsUsed)).bind(13, joinList(probed.extensionsRequired));
            tileset.execute();
        }
    }

    // The records changed since the cursor (the hub's feed: new versions, and deletions, whose
    // probe rows go), then those due again; the cursor moves past what was looked at.
    std::vector<std::string> candidates() {
        std::vector<std::string> keys;
        const std::size_t batch = static_cast<std::size_t>(std::max(1, options.batch));
        std::int64_t cursor = 0;
        store.read([&](Database& database) {
            Statement statement(database, "SELECT seq FROM probe_cursor WHERE id = 1");
            if (statement.step()) cursor = statement.int64(0);
        });
        std::vector<std::string> deleted;
        std::int64_t last = cursor;
        store.read([&](Database& database) {
            Statement statement(database,
                                "SELECT f.seq, f.key, f.op, r.hash, p.hash FROM feed f"
                                " LEFT JOIN records r ON r.key = f.key LEFT JOIN probe_state p ON p.key = f.key"
                                " WHERE f.seq > ?1 ORDER BY f.seq LIMIT 20000");
            statement.bind(1, cursor);
            while (keys.size() < batch && statement.step()) {
                last = statement.int64(0);
                const std::string key = statement.text(1);
                if (statement.textView(2) == "delete" || statement.isNull(3)) {
                    if (!statement.isNull(4)) deleted.push_back(key);
                } else if (statement.isNull(4) || statement.textView(3) != statement.textView(4)) {
                    keys.push_back(key);
                }
            }
        });
        if (keys.size() < batch) {
            store.read([&](Database& database) {
                Statement statement(database, "SELECT key FROM probe_state WHERE due_at <= ?1 ORDER BY due_at LIMIT ?2");
                statement.bind(1, nowSeconds()).bind(2, static_cast<std::int64_t>(batch - keys.size()));
                while (statement.step()) keys.push_back(statement.text(0));
            });
        }
        store.write([&](Database& database) {
            for (const std::string& key : deleted) forgetRecord(database, key);
            Statement statement(database, "INSERT INTO probe_cursor(id, seq) VALUES (1, ?1)"
                                          " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq");
            statement.bind(1, last);
            statement.execute();
        });
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        return keys;
    }
};

AssetProber::AssetProber(registry::store::Store& store, SourceRegistry& sources, ProberOptions options)
    : m_private(std::make_unique<Private>(store, sources, std::move(options))) {
    store.write([](Database& database) { database.exec(kSchema); });
}

AssetProber::~AssetProber() = default;

ProbeSummary AssetProber::runOnce(const std::atomic<bool>& cancelled) {
    return m_private->probeKeys(m_private->candidates(), cancelled);
}

ProbeSummary AssetProber::probeRecord(const std::string& key) {
    std::atomic<bool> never{false};
    return m_private->probeKeys({key}, never);
}

ProbeSummary AssetProber::probeSource(const std::string& source, const std::atomic<bool>& cancelled) {
    std::vector<std::string> keys;
    for (const auto& [origin, id] : m_private->store.recordsOfSource(source))
        keys.push_back(m_private->store.itemKey(origin, id));
    return m_private->probeKeys(keys, cancelled);
}

SourceQuality AssetProber::quality(const std::string& source) const {
    SourceQuality quality;
    quality.held = m_private->store.countOfSource(source);
    m_private->store.read([&](Database& database) {
        {
            Statement statement(database, "SELECT status, count(*), max(checked_at) FROM probe_state"
                                          " WHERE source = ?1 GROUP BY status");
            statement.bind(1, source);
            std::int64_t last = 0;
            while (statement.step()) {
                const std::int64_t count = statement.int64(1);
                quality.probed += count;
                if (statement.textView(0) == "pass") quality.pass = count;
                else if (statement.textView(0) == "warn") quality.warn = count;
                else quality.fail += count;
                last = std::max(last, statement.int64(2));
            }
            if (last > 0) quality.lastChecked = common::formatRfc3339(last);
        }
        {
            Statement statement(database, "SELECT check_id, status, count(*) FROM probe_checks WHERE source = ?1"
                                          " GROUP BY check_id, status ORDER BY check_id");
            statement.bind(1, source);
            while (statement.step()) {
                const std::string id = statement.text(0);
                if (quality.checks.empty() || quality.checks.back().id != id) quality.checks.push_back({id});
                CheckQuality& check = quality.checks.back();
                const std::int64_t count = statement.int64(2);
                check.records += count;
                if (statement.textView(1) == "pass") check.pass += count;
                else if (statement.textView(1) == "warn") check.warn += count;
                else check.fail += count;
            }
        }
        Statement statement(database, "SELECT key, check_id, message FROM probe_checks"
                                      " WHERE source = ?1 AND status = 'fail' ORDER BY key, check_id LIMIT 500");
        statement.bind(1, source);
        while (statement.step()) {
            const std::string key = statement.text(0);
            if (quality.failing.empty() || quality.failing.back().key != key) {
                if (quality.failing.size() >= SourceQuality::kMaxFailingListed) break;
                quality.failing.push_back({key, {}});
            }
            quality.failing.back().checks.emplace_back(statement.text(1), statement.text(2));
        }
    });
    return quality;
}

std::vector<ProbedTileset> AssetProber::tilesets(const std::vector<std::string>& keys) const {
    std::vector<ProbedTileset> found;
    m_private->store.read([&](Database& database) {
        Statement statement(database,
                            "SELECT distribution, href, west, south, east, north, min_height, max_height, from_asset,"
                            " geometric_error, extensions_used, extensions_required FROM twin_tilesets"
                            " WHERE key = ?1 ORDER BY distribution");
        for (const std::string& key : keys) {
            statement.bind(1, key);
            while (statement.step()) {
                ProbedTileset tileset;
                tileset.key = key;
                tileset.distribution = static_cast<int>(statement.int64(0));
                tileset.href = statement.text(1);
                for (int i = 0; i < 6; ++i) tileset.region[i] = statement.real(2 + i);
                tileset.regionFromAsset = statement.int64(8) != 0;
                tileset.geometricError = statement.real(9);
                tileset.extensionsUsed = splitLines(statement.text(10));
                tileset.extensionsRequired = splitLines(statement.text(11));
                found.push_back(std::move(tileset));
            }
            statement.reset();
        }
    });
    return found;
}

std::vector<std::pair<std::string, std::string>> AssetProber::notAssembled(const std::vector<std::string>& keys) const {
    std::vector<std::pair<std::string, std::string>> left;
    m_private->store.read([&](Database& database) {
        Statement assembled(database, "SELECT 1 FROM twin_tilesets WHERE key = ?1 LIMIT 1");
        Statement state(database, "SELECT status FROM probe_state WHERE key = ?1");
        Statement failing(database, "SELECT check_id, message FROM probe_checks WHERE key = ?1 AND status = 'fail'"
                                    " ORDER BY check_id LIMIT 1");
        for (const std::string& key : keys) {
            assembled.bind(1, key);
            const bool has = assembled.step();
            assembled.reset();
            if (has) continue;
            state.bind(1, key);
            const bool probed = state.step();
            state.reset();
            if (!probed) {
                left.emplace_back(key, "not probed yet");
                continue;
            }
            failing.bind(1, key);
            if (failing.step())
                left.emplace_back(key, "its probe failed (" + failing.text(0) + "): " + failing.text(1));
            else
                left.emplace_back(key, "no 3D Tiles distribution passed its probe");
            failing.reset();
        }
    });
    return left;
}

common::JsonValue qualityJson(const SourceQuality& quality, common::Json::AllocatorType& allocator) {
    using common::JsonValue;
    auto share = [](std::int64_t part, std::int64_t whole) {
        return whole == 0 ? JsonValue() : JsonValue(std::round(1000.0 * part / whole) / 1000.0);
    };
    JsonValue out(rapidjson::kObjectType);
    out.AddMember("held", quality.held, allocator);
    out.AddMember("probed", quality.probed, allocator);
    out.AddMember("pass", quality.pass, allocator);
    out.AddMember("warn", quality.warn, allocator);
    out.AddMember("fail", quality.fail, allocator);
    // The share of probed records that no check fails: one number to rank sources by.
    out.AddMember("score", share(quality.pass + quality.warn, quality.probed), allocator);
    out.AddMember("lastChecked",
                  quality.lastChecked ? JsonValue(quality.lastChecked->c_str(), allocator) : JsonValue(), allocator);
    JsonValue checks(rapidjson::kArrayType);
    for (const CheckQuality& check : quality.checks) {
        JsonValue item(rapidjson::kObjectType);
        item.AddMember("id", JsonValue(check.id.c_str(), allocator), allocator);
        item.AddMember("records", check.records, allocator);
        item.AddMember("pass", check.pass, allocator);
        item.AddMember("warn", check.warn, allocator);
        item.AddMember("fail", check.fail, allocator);
        item.AddMember("share", share(check.pass, check.records), allocator);
        checks.PushBack(item, allocator);
    }
    out.AddMember("checks", checks, allocator);
    JsonValue failing(rapidjson::kArrayType);
    for (const auto& record : quality.failing) {
        JsonValue item(rapidjson::kObjectType);
        item.AddMember("record", JsonValue(record.key.c_str(), allocator), allocator);
        JsonValue failed(rapidjson::kArrayType);
        for (const auto& [id, message] : record.checks) {
            JsonValue check(rapidjson::kObjectType);
            check.AddMember("id", JsonValue(id.c_str(), allocator), allocator);
            check.AddMember("message", JsonValue(message.c_str(), allocator), allocator);
            failed.PushBack(check, allocator);
        }
        item.AddMember("checks", failed, allocator);
        failing.PushBack(item, allocator);
    }
    out.AddMember("failing", failing, allocator);
    return out;
}

}  // namespace tweeling::federation::hub
