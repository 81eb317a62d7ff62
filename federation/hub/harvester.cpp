#include "hub/harvester.hpp"

#include "adapters/ogc_records.hpp"
#include "common/json.hpp"
#include "common/time.hpp"
#include "harvest/fetcher.hpp"
#include "hub/trust.hpp"
#include "record/record.hpp"
#include "record/size.hpp"
#include "store/sqlite.hpp"

#include <atomic>
#include <climits>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <chrono>
#include <future>
#include <thread>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace tweeling::federation::hub {

using common::Json;
using common::JsonValue;
using registry::store::BatchOutcome;
using registry::store::Database;
using registry::store::PutOutcome;
using registry::store::PutRequest;
using registry::store::RemoveOutcome;
using registry::store::RemoveRequest;
using registry::store::Statement;
using registry::store::WriteBatch;

namespace {

using RecordKey = std::pair<std::string, std::string>;  // origin, id

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string trimSlash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

std::string hostOf(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) return "";
    auto start = scheme + 3;
    auto end = url.find_first_of("/?#", start);
    return url.substr(0, end == std::string::npos ? url.size() : end);
}

// Adds the hub's provenance to a normalised record: where it came from and when, and the hash of
// its canonical JSON (without this member).
void addProvenance(Json& doc, const std::string& source, const std::string& hash, const std::string& at) {
    auto& allocator = doc.GetAllocator();
    JsonValue harvest(rapidjson::kObjectType);
    harvest.AddMember("source", JsonValue(source.c_str(), allocator), allocator);
    harvest.AddMember("harvestedAt", JsonValue(at.c_str(), allocator), allocator);
    harvest.AddMember("hash", JsonValue(hash.c_str(), allocator), allocator);
    doc.RemoveMember("harvest");
    doc.AddMember("harvest", harvest, allocator);
}

// Deletions a source announced that wait until its run is complete (or an admin releases them).
std::vector<RemoveRequest> pendingDeletions(registry::store::Store& store, const std::string& source) {
    std::vector<RemoveRequest> pending;
    store.read([&](Database& database) {
        Statement statement(database, "SELECT origin, id, deleted_at, deleted_at_text, signature"
                                      " FROM pending_deletions WHERE source = ?1");
        statement.bind(1, source);
        while (statement.step()) {
            RemoveRequest request{statement.text(0), statement.text(1), source, statement.int64(2),
                                  statement.isNull(3) ? std::string() : statement.text(3),
                                  statement.isNull(4) ? std::string() : statement.text(4)};
            pending.push_back(std::move(request));
        }
    });
    return pending;
}

// Applies them and forgets them, in one transaction.
BatchOutcome applyDeletions(registry::store::Store& store, const std::string& source,
                            std::vector<RemoveRequest> deletions) {
    WriteBatch batch;
    batch.removes = std::move(deletions);
    return store.apply(batch, [&](Database& database) {
        Statement clear(database, "DELETE FROM pending_deletions WHERE source = ?1");
        clear.bind(1, source);
        clear.execute();
    });
}

// Marks a record kept despite profile problems (mapped from a foreign catalog): the problems travel
// with it, so users and hubs further on can see what is missing.
void addValidation(Json& doc, const common::Problems& warnings) {
    auto& allocator = doc.GetAllocator();
    JsonValue validation(rapidjson::kObjectType);
    validation.AddMember("status", "warn", allocator);
    JsonValue checks(rapidjson::kArrayType);
    for (const auto& problem : warnings) {
        JsonValue check(rapidjson::kObjectType);
        check.AddMember("pointer", JsonValue(problem.pointer.c_str(), allocator), allocator);
        check.AddMember("message", JsonValue(problem.message.c_str(), allocator), allocator);
        checks.PushBack(check, allocator);
    }
    validation.AddMember("checks", checks, allocator);
    doc.RemoveMember("validation");
    doc.AddMember("validation", validation, allocator);
}

// The one thread that writes harvested pages, so that the next pages are fetched, checked and
// prepared (on the fetcher's thread and one helper) while it writes: preparation and SQLite's single
// writer overlap instead of taking turns. Tasks run in push order, so a source's pages, and then
// the end of its run, commit in feed order. At most `maxPending` pages wait (memory stays bounded):
// push() blocks the fetcher's thread until there is room.
class WriteQueue {
public:
    explicit WriteQueue(std::size_t maxPending) : m_max(maxPending) { m_thread = std::thread([this] { run(); }); }
    ~WriteQueue() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stop = true;
        }
        m_ready.notify_all();
        m_thread.join();
    }
    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;

    void push(std::function<void()> task) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_room.wait(lock, [&] { return m_tasks.size() < m_max; });
        m_tasks.push_back(std::move(task));
        m_ready.notify_all();
    }
    // Returns once every task pushed so far has run.
    void drain() {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_idle.wait(lock, [&] { return m_tasks.empty() && !m_busy; });
    }

private:
    void run() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_ready.wait(lock, [&] { return m_stop || !m_tasks.empty(); });
                if (m_tasks.empty()) return;
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
                m_busy = true;
            }
            m_room.notify_all();
            task();  // tasks catch their own errors
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_busy = false;
            }
            m_idle.notify_all();
        }
    }

    std::size_t m_max;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_room, m_idle;
    std::deque<std::function<void()>> m_tasks;
    bool m_busy = false;
    bool m_stop = false;
    std::thread m_thread;
};

// What one harvest run of one source does; lives for the round.
class Job {
public:
    Job(registry::store::Store& store, SourceRegistry& sources, const registry::record::Profile& profile,
        const HarvesterOptions& options, SourceState state, KeyRing& keys, WriteQueue& writes,
        const std::atomic<bool>& cancelled)
        : m_store(store),
          m_sources(sources),
          m_profile(profile),
          m_options(options),
          m_state(std::move(state)),
          m_keys(keys),
          m_writes(writes),
          m_cancelled(cancelled),
          m_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(options.maxRunSeconds)) {
        m_report.source = m_state.config.id;
        m_report.kind = kindName(m_state.config.kind);
        m_report.url = m_state.config.url;
        m_report.started = common::nowRfc3339();
        m_harvestedAt = m_report.started;
    }
    virtual ~Job() = default;
    virtual void start(harvest::Fetcher& fetcher) = 0;

    HarvestReport finishReport() {
        m_report.finished = common::nowRfc3339();
        if (!m_done && !m_stopped && m_report.error.empty()) {
            m_report.status = "degraded";
            m_report.error = "the harvest did not complete";
        }
        // An impostor is not an ordinary bad record: the source (or one behind it) writes under
        // the name of an origin that signs. The run is not "ok", so that the operator is told.
        if (m_collisions > 0 && m_report.status == "ok") {
            m_report.status = "degraded";
            std::string origins;
            for (const auto& origin : m_collidingOrigins) origins += (origins.empty() ? "" : ", ") + origin;
            m_report.error = "refused " + std::to_string(m_collisions) +
                             " unsigned entries under the name of origins that sign their records here (" + origins +
                             "); see the rejected records";
        }
        return m_report;
    }
    const std::string& sourceId() const { return m_state.config.id; }

protected:
    harvest::FetchOptions fetchOptions() const {
        harvest::FetchOptions options;
        options.connectTimeoutMs = m_state.config.connectTimeoutMs;
        options.totalTimeoutMs = m_state.config.totalTimeoutMs;
        options.maxBytes = static_cast<std::size_t>(m_state.config.maxBytes);
        options.backoffBaseMs = m_options.backoffBaseMs;
        options.maxAttempts = m_options.maxAttempts;
        // Every request of this source (feed and items pages, whatever comes next) carries its
        // network edges: the address policy and its TLS pin.
        options.allowPrivate = m_state.config.allowPrivate;
        options.tlsPin = m_state.config.tlsPin;
        options.caBundlePath = m_options.caBundlePath;
        return options;
    }

    void fetch(harvest::Fetcher& fetcher, const std::string& url,
               std::function<void(harvest::Fetcher&, harvest::FetchResult&&)> onPage) {
        harvest::FetchRequest request;
        request.url = url;
        request.options = fetchOptions();
        request.headers = {"Accept: application/json, application/geo+json"};
        // Past the run's budget (or when the hub stops) a transfer still running is cancelled: a slow
        // source cannot hold the round beyond its budget.
        request.cancelled = [this] { return outOfTime(); };
        harvest::Fetcher* fetcherPointer = &fetcher;
        request.onDone = [this, fetcherPointer, onPage = std::move(onPage)](harvest::FetchResult&& result) {
            try {
                if (result.cancelled) {
                    stopEarly();
                    return;
                }
                onPage(*fetcherPointer, std::move(result));
            } catch (const std::exception& error) {
                // A page that cannot be applied (a database error) ends this source's run only.
                fail("degraded", std::string("could not apply a page: ") + error.what());
            }
        };
        fetcher.submit(std::move(request));
    }

    // True once the run's time budget is spent or the hub is stopping.
    bool outOfTime() const { return m_cancelled.load() || std::chrono::steady_clock::now() >= m_deadline; }
    // Whether the run may fetch another page after `pages` pages.
    bool withinBudget(int pages) const { return pages < m_options.maxRunPages && !outOfTime(); }
    std::string budgetSpent() const {
        if (m_cancelled.load()) return "the hub is shutting down";
        return "the run's budget (" + std::to_string(m_options.maxRunPages) + " pages or " +
               std::to_string(m_options.maxRunSeconds) + " s) is spent";
    }
    // The run stops before its end, with more to read (its budget is spent, or the hub stops).
    virtual void stopEarly() = 0;

    void fail(const std::string& status, const std::string& error) {
        std::lock_guard<std::mutex> lock(m_reportMutex);
        m_report.status = status;
        m_report.error = error;
        m_failed = true;
        m_done = true;  // finished, unsuccessfully: nothing more is fetched or written
    }
    // The report is written by the fetcher's thread and the writer's: always under this lock.
    template <typename Change>
    void report(Change change) {
        std::lock_guard<std::mutex> lock(m_reportMutex);
        change(m_report);
    }

    // The outcome of preparing one record: a write, or a rejection, maybe with warnings.
    struct Prepared {
        bool ok = false;
        bool collision = false;  // rejected as an unsigned record under a signing origin's name
        PutRequest put;
        RecordProblems rejected;
        std::optional<RecordProblems> warned;
    };

    // Validates a record and prepares its write. Touches no member state but constants, so pages
    // are prepared on several threads. A record that a hub upstream mapped from a foreign catalog
    // arrives marked `validation.status: "warn"`: it travels on with the same warnings unless an
    // essential member is wrong, so hubs of hubs agree with the hub that crawled it.
    Prepared prepare(Json& doc, const std::string& origin, const std::string& where) const {
        Prepared result;
        std::string id;
        if (auto text = common::stringMember(doc, "id")) id = std::string(*text);
        common::Problems problems = m_profile.validate(doc);
        if (problems.empty()) {
            if (auto refusal = prepareUnchecked(doc, origin, result.put))
                result.rejected = {id, origin, where, {std::move(*refusal)}};
            else
                result.ok = true;
            return result;
        }
        bool warnedUpstream = false;
        if (const JsonValue* validation = common::member(doc, "validation"))
            warnedUpstream = common::stringMember(*validation, "status").value_or("") == "warn";
        bool essential = false;
        for (const auto& problem : problems)
            essential = essential || registry::record::isEssentialProblem(problem.pointer);
        if (!warnedUpstream || essential) {
            result.rejected = {id, origin, where, std::move(problems)};
            return result;
        }
        if (auto refusal = prepareUnchecked(doc, origin, result.put, &problems)) {
            result.rejected = {id, origin, where, {std::move(*refusal)}};
            return result;
        }
        result.warned = RecordProblems{id, origin, where, problems};
        result.ok = true;
        return result;
    }

    // Normalises the record and prepares its write; refuses it (the returned problem) when it is over
    // the record size limit, measured on the normalised form as its origin measured it.
    std::optional<common::Problem> prepareUnchecked(Json& doc, const std::string& origin, PutRequest& put,
                                                    const common::Problems* warnings = nullptr) const {
        put.fields = registry::record::extractIndexFields(doc);
        registry::record::normalizeForStorage(doc, origin);
        if (auto problem = registry::record::checkRecordSize(doc)) return problem;
        put.contentHash = adapters::contentHash(doc);
        if (warnings) addValidation(doc, *warnings);
        addProvenance(doc, m_state.config.id, put.contentHash, m_harvestedAt);
        put.origin = origin;
        put.source = m_state.config.id;
        put.json = common::toString(doc);
        // Compressed here, on the page-preparation threads, not by the store's one writer.
        put.document = m_store.compressDocument(put.json);
        return std::nullopt;
    }

    void count(const BatchOutcome& outcome) {
        for (PutOutcome put : outcome.puts) {
            switch (put) {
                case PutOutcome::Created: ++m_report.added; break;
                case PutOutcome::Replaced: ++m_report.updated; break;
                case PutOutcome::Unchanged: ++m_report.unchanged; break;
                case PutOutcome::Stale: ++m_report.stale; break;
                case PutOutcome::Replayed: ++m_report.rejected; break;
                case PutOutcome::Unsigned:
                    ++m_report.rejected;
                    ++m_collisions;
                    break;
            }
        }
        for (RemoveOutcome remove : outcome.removes)
            if (remove == RemoveOutcome::Removed) ++m_report.deleted;
    }

    // Deletions wait in pending_deletions until the run is complete; then they are applied in one
    // transaction, unless there are more than the source's threshold, in which case none is.
    void settleDeletions() {
        std::vector<RemoveRequest> pending = pendingDeletions(m_store, m_state.config.id);
        if (pending.empty()) return;
        std::int64_t held = m_store.countOfSource(m_state.config.id);
        double allowed = m_state.config.maxDeleteFraction * static_cast<double>(held);
        if (static_cast<double>(pending.size()) > allowed) {
            m_report.heldDeletions = static_cast<std::int64_t>(pending.size());
            m_report.status = "degraded";
            std::ostringstream note;
            note << "held back " << pending.size() << " deletions: that is more than "
                 << static_cast<int>(m_state.config.maxDeleteFraction * 100 + 0.5) << "% of the " << held
                 << " records held from this source, so nothing was deleted; check the source, then run "
                 << "'twin-federation sources release-deletions " << m_state.config.id << "'";
            m_report.notes.push_back(note.str());
            if (m_report.error.empty()) m_report.error = note.str();
            return;
        }
        count(applyDeletions(m_store, m_state.config.id, std::move(pending)));
    }

    // The records held from this source that a complete listing without them deletes: all but those
    // in `seen` and those of an origin that signs here and is not `ownOrigin` (a hub's relays): the
    // listing of a hub is not signed, and a signing origin's records leave only by its signed
    // tombstone. Notes in the report how many were kept for that reason.
    std::vector<RecordKey> deletableUnlisted(const std::set<RecordKey>& seen, const std::string& ownOrigin) {
        std::vector<RecordKey> unseen;
        std::map<std::string, bool> signing;  // origin -> signs here
        std::int64_t kept = 0;
        for (const auto& record : m_store.recordsOfSource(m_state.config.id)) {
            if (seen.count(record)) continue;
            if (record.first != ownOrigin) {
                auto known = signing.find(record.first);
                if (known == signing.end()) known = signing.emplace(record.first, m_keys.signs(record.first)).first;
                if (known->second) {
                    ++kept;
                    continue;
                }
            }
            unseen.push_back(record);
        }
        if (kept > 0)
            report([&](HarvestReport& r) {
                r.notes.push_back("kept " + std::to_string(kept) +
                                  " records the source does not list (again): their origins sign their records, and "
                                  "only an origin's signed tombstone removes them (or removing this source)");
            });
        return unseen;
    }

    // Marks these records of this source deleted (pending) at `now`; `onConflict` (REPLACE or
    // IGNORE) says what happens to a mark already there.
    void markDeleted(Database& database, const std::vector<RecordKey>& records, std::int64_t now,
                     const char* onConflict) {
        Statement insert(database, std::string("INSERT OR ") + onConflict +
                                       " INTO pending_deletions(source, origin, id, deleted_at) VALUES (?1, ?2, ?3, ?4)");
        for (const auto& record : records) {
            insert.bind(1, m_state.config.id).bind(2, record.first).bind(3, record.second).bind(4, now);
            insert.execute();
        }
    }

    // Marks records of this source not seen in a complete listing as deleted (pending).
    void deleteUnseen(const std::set<RecordKey>& seen, const std::string& ownOrigin) {
        std::int64_t now = nowSeconds();
        std::vector<RecordKey> unseen = deletableUnlisted(seen, ownOrigin);
        m_store.write([&](Database& database) { markDeleted(database, unseen, now, "REPLACE"); });
    }

    // Lists each refused replay (an older version than the one held), and each unsigned copy of a
    // record held signed, in the report (counted by count()).
    void reportRefusedPuts(const WriteBatch& batch, const BatchOutcome& outcome) {
        for (std::size_t i = 0; i < outcome.puts.size() && i < batch.puts.size(); ++i) {
            const PutRequest& put = batch.puts[i];
            if (outcome.puts[i] == PutOutcome::Unsigned) m_collidingOrigins.insert(put.origin);
            if (m_report.rejectedRecords.size() >= HarvestReport::kMaxListed) continue;
            if (outcome.puts[i] == PutOutcome::Replayed)
                m_report.rejectedRecords.push_back(
                    {put.fields.id, put.origin, "feed",
                     {{"/properties/updated", "an older version of this record than the one held (a replay): refused"}}});
            else if (outcome.puts[i] == PutOutcome::Unsigned)
                m_report.rejectedRecords.push_back(
                    {put.fields.id, put.origin, "feed",
                     {{"/signature", "this hub holds the record signed by origin " + put.origin +
                                         "; an unsigned copy never replaces it, from any path: refused"}}});
        }
    }

    registry::store::Store& m_store;
    SourceRegistry& m_sources;
    const registry::record::Profile& m_profile;
    const HarvesterOptions& m_options;
    SourceState m_state;
    KeyRing& m_keys;
    WriteQueue& m_writes;
    const std::atomic<bool>& m_cancelled;              // the harvester's: the hub is stopping
    std::chrono::steady_clock::time_point m_deadline;  // of the run's time budget
    std::mutex m_reportMutex;
    HarvestReport m_report;
    std::string m_harvestedAt;
    std::atomic<bool> m_done{false};
    std::atomic<bool> m_failed{false};
    std::atomic<bool> m_writeFailed{false};  // a page could not be written: no later page may be
    std::atomic<bool> m_stopped{false};      // stopped early by stopEarly(): not a failure
    // Entries refused as unsigned records under the name of a signing origin, and those origins
    // (under m_reportMutex).
    std::int64_t m_collisions = 0;
    std::set<std::string> m_collidingOrigins;
};

// A Tweeling node or hub: its change feed from the stored cursor.
class FeedJob : public Job {
public:
    using Job::Job;

    // The source's identity comes first: its node id and signing key (pinned, followed through a
    // signed rotation, or waiting for approval), and for a hub the keys of the origins it relays.
    void start(harvest::Fetcher& fetcher) override {
        m_after = m_state.cursor;
        fetch(fetcher, trimSlash(m_state.config.url) + "/.well-known/tweeling.json",
              [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onIdentity(f, result); });
    }

private:
    // Every page up to m_after is committed (or queued to be, in order) with its cursor: the next
    // round continues from there, and the source stays due.
    void stopEarly() override {
        report([&](HarvestReport& r) {
            r.continues = true;
            r.notes.push_back("stopped after seq " + std::to_string(m_after) + " with more to read: " + budgetSpent() +
                              "; continues next round");
        });
        m_stopped = true;
    }

    void onIdentity(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
        if (!result.ok) {
            fail("down", "could not read the source's identity: " + result.error + " (GET " + result.url +
                             "); a Tweeling source must sign its records and publish its key there");
            return;
        }
        Json identity;
        if (common::parseUntrusted(result.body, identity, 64) || !identity.IsObject()) {
            fail("degraded", "the source's /.well-known/tweeling.json is not a JSON object");
            return;
        }
        auto nodeId = common::stringMember(identity, "nodeId");
        auto publicKey = common::stringMember(identity, "publicKey");
        if (!nodeId || nodeId->empty() || !publicKey) {
            fail("degraded", "the source's /.well-known/tweeling.json has no nodeId or no publicKey: it does not "
                             "sign its records, so nothing was harvested");
            return;
        }
        m_identity = std::string(*nodeId);
        KeyRing::Meeting meeting =
            m_keys.meet(m_identity, std::string(*publicKey), m_state.config.id, common::member(identity, "keyRotations"),
                        false);
        if (!meeting.message.empty()) m_report.notes.push_back(meeting.message);
        if (meeting.outcome != KeyRing::Outcome::Trusted) {
            fail("degraded", meeting.message);
            return;
        }
        if (common::stringMember(identity, "kind").value_or("node") == "hub") {
            std::string sources(common::stringMember(identity, "sources").value_or(""));
            if (sources.empty()) sources = trimSlash(m_state.config.url) + "/sources";
            fetch(fetcher, sources, [this](harvest::Fetcher& f, harvest::FetchResult&& r) { onRelayedKeys(f, r); });
            return;
        }
        m_keys.load(m_verifier, {m_identity});
        next(fetcher, m_state.cursor);
    }

    // A hub lists its sources with the keys it pinned for the origins it relays (and their
    // rotations): they are pinned here as it vouches for them, or followed by signed rotation.
    void onRelayedKeys(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
        Json listing;
        if (!result.ok || common::parseUntrusted(result.body, listing, 64)) {
            fail("degraded", "could not read the keys the hub relays (GET " + result.url + "): " +
                                 (result.ok ? std::string("not JSON") : result.error));
            return;
        }
        const JsonValue* sources = listing.IsArray() ? &listing : common::member(listing, "sources");
        std::set<std::string> origins{m_identity};
        std::set<std::string> unsignedOrigins;
        if (sources && sources->IsArray()) {
            for (const auto& source : sources->GetArray()) {
                auto kind = common::stringMember(source, "kind");
                auto id = common::stringMember(source, "id");
                if (kind && id && *kind != "tweeling") {
                    // Records crawled from a foreign catalog are not signed; their origin is the
                    // hub's source id (unless that is the name of an origin that signs here).
                    if (!id->empty()) unsignedOrigins.insert(std::string(*id));
                    continue;
                }
                const JsonValue* keys = common::member(source, "origins");
                if (!keys || !keys->IsArray()) continue;
                for (const auto& key : keys->GetArray()) {
                    auto origin = common::stringMember(key, "origin");
                    auto publicKey = common::stringMember(key, "publicKey");
                    if (!origin || !publicKey || origin->empty() || *origin == m_identity) continue;
                    KeyRing::Meeting meeting = m_keys.meet(std::string(*origin), std::string(*publicKey),
                                                           m_state.config.id, common::member(key, "keyRotations"), true);
                    if (!meeting.message.empty()) m_report.notes.push_back(meeting.message);
                    origins.insert(std::string(*origin));
                }
            }
        }
        for (const std::string& origin : m_keys.load(m_verifier, origins, unsignedOrigins))
            m_report.notes.push_back("source " + m_state.config.id + " lists " + origin +
                                     " as an unsigned foreign catalog, but origin " + origin +
                                     " signs its records here: unsigned entries under its name are refused");
        next(fetcher, m_state.cursor);
    }

    std::string feedUrl(std::int64_t after) const {
        return trimSlash(m_state.config.url) + "/feed?after=" + std::to_string(after) +
               "&limit=" + std::to_string(m_options.feedPageSize);
    }

    void next(harvest::Fetcher& fetcher, std::int64_t after) {
        m_after = after;
        fetch(fetcher, feedUrl(after), [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onPage(f, result); });
    }

    void onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
        if (m_failed) return;  // a page of this run could not be written: stop here
        int pages = 0;
        report([&](HarvestReport& r) { pages = ++r.pages; });
        if (!result.ok) {
            fail("down", result.error + " (GET " + result.url + ")");
            return;
        }
        Json page;
        if (auto error = common::parseUntrusted(result.body, page, 256)) {
            fail("degraded", "the feed page after seq " + std::to_string(m_after) + " is not valid JSON (byte " +
                                 std::to_string(error->offset) + ": " + error->message +
                                 "); nothing of it was applied");
            return;
        }
        auto epoch = common::stringMember(page, "epoch");
        const JsonValue* entries = common::member(page, "entries");
        const JsonValue* latest = common::member(page, "latest");
        if (!epoch || !entries || !entries->IsArray() || !latest || !latest->IsInt64()) {
            fail("degraded", "the feed page after seq " + std::to_string(m_after) +
                                 " is not a Tweeling feed (needs epoch, latest and entries); nothing of it was applied");
            return;
        }
        std::string pageEpoch(*epoch);
        if (m_firstPage) {
            m_firstPage = false;
            if (!m_state.epoch.empty() && pageEpoch != m_state.epoch) {
                // The node's database was rebuilt: read everything again, then remove what it no
                // longer has. The new epoch is stored only when the resync is complete.
                report([&](HarvestReport& r) {
                    r.resync = true;
                    r.notes.push_back("the source's epoch changed from " + m_state.epoch + " to " + pageEpoch +
                                      ": full resync");
                });
                m_resync = true;
                m_newEpoch = pageEpoch;
                m_writes.push([this, epoch = pageEpoch] {
                    try {
                        startResync(epoch);
                    } catch (const std::exception& error) {
                        m_writeFailed = true;
                        fail("degraded", std::string("could not start the resync: ") + error.what());
                    }
                });
                if (m_after != 0) {
                    m_firstPageAfterReset = true;
                    next(fetcher, 0);
                    return;
                }
            } else if (m_state.epoch.empty()) {
                m_newEpoch = pageEpoch;
            }
        } else if (m_firstPageAfterReset) {
            m_firstPageAfterReset = false;
        }
        if ((m_resync || !m_newEpoch.empty()) && pageEpoch != m_newEpoch) {
            fail("degraded", "the source's epoch changed during the harvest; it will be read again next round");
            return;
        }
        std::string pageOrigin(common::stringMember(page, "origin").value_or(""));
        if (pageOrigin != m_identity) {
            fail("degraded", "the feed's origin '" + pageOrigin + "' is not the node id '" + m_identity +
                                 "' of the source's identity; nothing of this page was applied");
            return;
        }

        WriteBatch batch;
        std::vector<RecordKey> putKeys;
        std::vector<RemoveRequest> deletions;
        struct Candidate {
            const JsonValue* record;
            std::string origin;
            std::string where;
            std::string signature;
        };
        std::vector<Candidate> candidates;
        std::int64_t last = m_after;
        for (rapidjson::SizeType index = 0; index < entries->Size(); ++index) {
            const JsonValue& entry = (*entries)[index];
            const JsonValue* seqValue = common::member(entry, "seq");
            auto op = common::stringMember(entry, "op");
            auto id = common::stringMember(entry, "id");
            std::string where = "feed entry " + std::to_string(index) + " after seq " + std::to_string(m_after);
            if (!seqValue || !seqValue->IsInt64() || seqValue->GetInt64() <= last) {
                fail("degraded", where + ": seq missing or not increasing; nothing of this page was applied");
                return;
            }
            last = seqValue->GetInt64();
            where = "feed seq " + std::to_string(last);
            std::string origin(common::stringMember(entry, "origin").value_or(pageOrigin));
            if (!op || !id || id->empty() || origin.empty()) {
                report([&](HarvestReport& r) {
                    r.reject({std::string(id.value_or("")), origin, where, {{"", "a feed entry needs op, id and origin"}}});
                });
                continue;
            }
            std::string signature(common::stringMember(entry, "signature").value_or(""));
            if (*op == "delete") {
                // The origin's time of deletion is what it signed; `at` is when this feed saw it.
                std::string deletedAt(common::stringMember(entry, "updated").value_or(""));
                if (deletedAt.empty()) deletedAt = std::string(common::stringMember(entry, "at").value_or(""));
                std::int64_t at = nowSeconds();
                if (auto parsed = common::parseRfc3339(deletedAt)) at = *parsed;
                Verifier::Result check =
                    m_verifier.verify(origin, std::string(*id), "delete", deletedAt, nullptr, signature);
                RemoveRequest deletion{origin, std::string(*id), m_state.config.id, at, std::string(), std::string()};
                if (check == Verifier::Result::Verified) {
                    deletion.deletedAtText = deletedAt;
                    deletion.signature = signature;
                } else if (check != Verifier::Result::Unsigned) {
                    // Among these: a hub's own unsigned tombstone for a signing origin (it dropped
                    // a source, or resynced). Honouring it would let any relay remove what the
                    // origin still publishes; the origin's signed tombstone does that.
                    report([&](HarvestReport& r) {
                        if (check == Verifier::Result::Collision) {
                            ++m_collisions;
                            m_collidingOrigins.insert(origin);
                        }
                        r.reject({std::string(*id), origin, where,
                                  {{Verifier::pointer(check),
                                    Verifier::explain(check, origin, "delete", m_state.config.id)}}});
                    });
                    continue;
                }
                deletions.push_back(std::move(deletion));
                continue;
            }
            const JsonValue* record = common::member(entry, "record");
            if (*op != "put" || !record || !record->IsObject()) {
                report([&](HarvestReport& r) {
                    r.reject({std::string(*id), origin, where, {{"", "a put entry needs a record object"}}});
                });
                continue;
            }
            // Listed, even if refused below: not deleted as missing by a resync (whichever of its
            // rounds this is), nor by a deletion announced earlier.
            putKeys.push_back({origin, std::string(*id)});
            candidates.push_back({record, origin, where, std::move(signature)});
        }

        // Validation, normalisation and hashing are most of the CPU of a harvest: large pages are
        // prepared on two threads (results kept in feed order), then written by this one.
        std::vector<Prepared> prepared(candidates.size());
        auto prepareRange = [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                const Candidate& candidate = candidates[i];
                std::string id(common::stringMember(*candidate.record, "id").value_or(""));
                // The size first: an oversized record costs no signature check or validation.
                if (auto problem = registry::record::checkRecordSize(*candidate.record)) {
                    prepared[i].rejected = {id, candidate.origin, candidate.where, {std::move(*problem)}};
                    continue;
                }
                // Then the signature: a record that fails it is not even validated.
                std::string updated;
                if (const JsonValue* properties = common::member(*candidate.record, "properties"))
                    updated = std::string(common::stringMember(*properties, "updated").value_or(""));
                Verifier::Result check =
                    m_verifier.verify(candidate.origin, id, "put", updated, candidate.record, candidate.signature);
                if (check != Verifier::Result::Verified && check != Verifier::Result::Unsigned) {
                    prepared[i].collision = check == Verifier::Result::Collision;
                    prepared[i].rejected = {id, candidate.origin, candidate.where,
                                            {{Verifier::pointer(check),
                                              Verifier::explain(check, candidate.origin, "put", m_state.config.id)}}};
                    continue;
                }
                Json doc;
                doc.CopyFrom(*candidate.record, doc.GetAllocator());
                prepared[i] = prepare(doc, candidate.origin, candidate.where);
                prepared[i].put.signature = check == Verifier::Result::Verified ? candidate.signature : "";
                prepared[i].put.verified = check == Verifier::Result::Verified;
            }
        };
        if (candidates.size() >= 64 && std::thread::hardware_concurrency() > 1) {
            std::size_t half = candidates.size() / 2;
            auto other = std::async(std::launch::async, prepareRange, half, candidates.size());
            prepareRange(0, half);
            other.get();
        } else {
            prepareRange(0, candidates.size());
        }
        std::vector<RecordProblems> rejected, warned;
        std::set<std::string> collisions;  // origins
        std::int64_t collisionCount = 0;
        for (auto& result : prepared) {
            if (result.warned) warned.push_back(std::move(*result.warned));
            if (!result.ok) {
                if (result.collision) {
                    ++collisionCount;
                    collisions.insert(result.rejected.origin);
                }
                rejected.push_back(std::move(result.rejected));
                continue;
            }
            putKeys.push_back({result.put.origin, result.put.fields.id});
            batch.puts.push_back(std::move(result.put));
        }

        // The writer commits the page with its cursor while the next page is fetched and prepared.
        m_writes.push([this, batch = std::move(batch), putKeys = std::move(putKeys), deletions = std::move(deletions),
                       rejected = std::move(rejected), warned = std::move(warned), newEpoch = m_newEpoch,
                       last, collisions = std::move(collisions), collisionCount]() mutable {
            // Pages commit in feed order: after a page that could not be written, none may be.
            // A later failure to fetch does not undo a page already fetched and checked: it is
            // written, and the next run resumes after it.
            if (m_writeFailed) return;
            try {
                writePage(batch, putKeys, deletions, newEpoch, last);
                std::lock_guard<std::mutex> lock(m_reportMutex);
                for (auto& problems : warned) m_report.warn(std::move(problems));
                for (auto& problems : rejected) m_report.reject(std::move(problems));
                m_collisions += collisionCount;
                m_collidingOrigins.insert(collisions.begin(), collisions.end());
            } catch (const std::exception& error) {
                m_writeFailed = true;
                fail("degraded", std::string("could not apply a page: ") + error.what());
            }
        });

        if (!entries->Empty() && last < latest->GetInt64()) {
            m_after = last;
            if (withinBudget(pages))
                next(fetcher, last);
            else
                stopEarly();  // this page commits with its cursor; the next round reads on from it
            return;
        }
        // The end of the run, after its last page is written (for a resync: everything the source
        // did not list since it began, maybe rounds ago, is deleted now).
        m_writes.push([this] {
            if (m_failed) return;
            try {
                std::lock_guard<std::mutex> lock(m_reportMutex);
                settleDeletions();
                m_done = true;
            } catch (const std::exception& error) {
                m_report.status = "degraded";
                m_report.error = std::string("could not finish the run: ") + error.what();
                m_failed = true;
            }
        });
    }

    // A resync may take several rounds (each run has a budget), so it is kept in the database, not in
    // memory: in one transaction every record held from this source is marked deleted (pending),
    // and the cursor starts again under the new epoch. Each page then cancels the marks of the
    // records it lists, and the end of a complete run applies the rest (with the threshold), as it
    // applies announced deletions. A crash or a budget stop part-way resumes from the cursor.
    void startResync(const std::string& epoch) {
        std::int64_t now = nowSeconds();
        std::vector<RecordKey> held = deletableUnlisted({}, m_identity);
        m_store.write([&](Database& database) {
            markDeleted(database, held, now, "IGNORE");  // a deletion the source announced keeps its signature
            Statement restart(database, "UPDATE sources SET cursor = 0, epoch = ?2 WHERE id = ?1");
            restart.bind(1, m_state.config.id).bind(2, epoch);
            restart.execute();
        });
    }

    // One page and its cursor in one transaction (on the writer's thread).
    void writePage(const WriteBatch& batch, const std::vector<RecordKey>& putKeys,
                   const std::vector<RemoveRequest>& deletions, const std::string& newEpoch, std::int64_t last) {
        BatchOutcome outcome = m_store.apply(batch, [&](Database& database) {
            // The cursor moves with the page (and the epoch, at a first harvest).
            Statement cursor(database,
                             "UPDATE sources SET cursor = ?2, epoch = CASE WHEN ?3 = '' THEN "
                             "epoch ELSE ?3 END WHERE id = ?1");
            cursor.bind(1, m_state.config.id).bind(2, last).bind(3, newEpoch);
            cursor.execute();
            Statement cancel(database, "DELETE FROM pending_deletions WHERE source = ?1 AND origin = ?2 AND id = ?3");
            for (const auto& key : putKeys) {
                cancel.bind(1, m_state.config.id).bind(2, key.first).bind(3, key.second);
                cancel.execute();
            }
            Statement pending(database,
                              "INSERT OR REPLACE INTO pending_deletions(source, origin, id, deleted_at,"
                              " deleted_at_text, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
            for (const auto& deletion : deletions) {
                pending.bind(1, m_state.config.id).bind(2, deletion.origin).bind(3, deletion.id).bind(4, deletion.deletedAt);
                if (deletion.signature.empty()) {
                    pending.bindNull(5).bindNull(6);
                } else {
                    pending.bind(5, deletion.deletedAtText).bind(6, deletion.signature);
                }
                pending.execute();
            }
        });
        std::lock_guard<std::mutex> lock(m_reportMutex);
        count(outcome);
        reportRefusedPuts(batch, outcome);
    }

    std::int64_t m_after = 0;
    bool m_firstPage = true;
    bool m_firstPageAfterReset = false;
    bool m_resync = false;
    std::string m_newEpoch;
    std::string m_identity;  // the source's node id
    Verifier m_verifier;
};

// A generic OGC API – Records catalog: crawl its items by `next` links; changes by content hash,
// deletions by comparing the ids of a complete crawl.
class CrawlJob : public Job {
public:
    using Job::Job;

    void start(harvest::Fetcher& fetcher) override {
        std::string url = trimSlash(m_state.config.url);
        if (url.size() < 6 || url.compare(url.size() - 6, 6, "/items") != 0) url += "/items";
        url += "?limit=" + std::to_string(m_options.itemsPageSize);
        m_host = hostOf(url);
        // A foreign catalog's records are unsigned and take the source's id as their origin: an
        // id that names an origin signing here (a node added under another source id) collides.
        m_keys.load(m_verifier, {}, {m_state.config.id});
        next(fetcher, url);
    }

private:
    void next(harvest::Fetcher& fetcher, const std::string& url) {
        fetch(fetcher, url, [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onPage(f, result); });
    }

    // A crawl has no cursor: stopped early it is incomplete, so what it did not reach is not taken
    // for deleted. Its budget spent, the catalog is larger (or slower) than one run may take, which
    // the operator must see; a hub shutting down is no fault of the source.
    void stopEarly() override {
        std::string why = "the crawl stopped after " + std::to_string(m_report.pages) + " pages: " + budgetSpent() +
                          "; what it read is kept, and no deletions were applied";
        if (m_cancelled.load()) {
            report([&](HarvestReport& r) {
                r.continues = true;
                r.notes.push_back(why);
            });
        } else {
            fail("degraded", why);
        }
        m_stopped = true;
    }

    void onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
        ++m_report.pages;
        std::string where = "items page " + std::to_string(m_report.pages);
        if (!result.ok) {
            fail(m_report.pages == 1 ? "down" : "degraded",
                 result.error + " (GET " + result.url + "); no deletions were applied");
            return;
        }
        Json page;
        if (auto error = common::parseUntrusted(result.body, page, 256)) {
            fail("degraded", where + " is not valid JSON (byte " + std::to_string(error->offset) + ": " +
                                 error->message + "); no deletions were applied");
            return;
        }
        adapters::ItemsPage items;
        if (auto error = adapters::readItemsPage(page, result.finalUrl.empty() ? result.url : result.finalUrl, items)) {
            fail("degraded", where + ": " + *error + "; no deletions were applied");
            return;
        }
        adapters::MappingContext context{m_state.config.id, m_state.config.url};
        const std::string& origin = m_state.config.id;  // a foreign catalog is its records' origin
        Verifier::Result check = m_verifier.verify(origin, "", "put", "", nullptr, "");
        if (check != Verifier::Result::Unsigned) {
            // Nothing of this catalog is written, nor deleted; the first page's records are
            // listed so that the operator sees what collided, and the crawl stops there.
            for (const JsonValue* feature : items.features) {
                adapters::MappedRecord mapped = adapters::mapOgcRecord(*feature, context, m_profile);
                m_report.reject({mapped.id, origin, where,
                                 {{Verifier::pointer(check), Verifier::explain(check, origin, "put", origin)}}});
            }
            fail("degraded", "the records of this catalog would take the origin " + origin +
                                 ", which signs its records at this hub: nothing was harvested; add the catalog "
                                 "under another source id");
            return;
        }
        WriteBatch batch;
        for (const JsonValue* feature : items.features) {
            adapters::MappedRecord mapped = adapters::mapOgcRecord(*feature, context, m_profile);
            if (!mapped.id.empty()) m_seen.insert({origin, mapped.id});
            if (!mapped.rejections.empty()) {
                m_report.reject({mapped.id, origin, where, mapped.rejections});
                continue;
            }
            PutRequest put;
            if (auto refusal = prepareUnchecked(mapped.record, origin, put,
                                                mapped.warnings.empty() ? nullptr : &mapped.warnings)) {
                m_report.reject({mapped.id, origin, where, {std::move(*refusal)}});
                continue;
            }
            if (!mapped.warnings.empty()) m_report.warn({mapped.id, origin, where, mapped.warnings});
            batch.puts.push_back(std::move(put));
        }
        count(m_store.apply(batch));

        if (!items.nextUrl.empty()) {
            if (hostOf(items.nextUrl) != m_host) {
                fail("degraded", where + ": the next link leaves the catalog's host (" + items.nextUrl +
                                     "); the crawl stopped and no deletions were applied");
                return;
            }
            if (withinBudget(m_report.pages))
                next(fetcher, items.nextUrl);
            else
                stopEarly();
            return;
        }
        deleteUnseen(m_seen, origin);
        settleDeletions();
        m_done = true;
    }

    std::string m_host;
    std::set<RecordKey> m_seen;
    Verifier m_verifier;
};

}  // namespace

Harvester::Harvester(registry::store::Store& store, SourceRegistry& sources, const registry::record::Profile& profile,
                     HarvesterOptions options)
    : m_store(store), m_sources(sources), m_profile(profile), m_options(options), m_keys(store) {}

std::vector<HarvestReport> Harvester::harvest(const std::vector<std::string>& sourceIds) {
    WriteQueue writes(4);  // declared before the jobs: they push to it until it is drained
    std::vector<std::unique_ptr<Job>> jobs;
    std::vector<HarvestReport> reports;
    for (const auto& id : sourceIds) {
        auto state = m_sources.get(id);
        if (!state) continue;
        if (state->config.kind == SourceKind::Tweeling)
            jobs.push_back(std::make_unique<FeedJob>(m_store, m_sources, m_profile, m_options, *state, m_keys, writes,
                                                     m_cancelled));
        else
            jobs.push_back(std::make_unique<CrawlJob>(m_store, m_sources, m_profile, m_options, *state, m_keys, writes,
                                                      m_cancelled));
    }
    {
        harvest::Fetcher fetcher(m_options.maxInFlight);
        // cancel() wakes the fetcher from another thread: it is known to it only while it lives.
        struct Published {
            Harvester& harvester;
            Published(Harvester& h, harvest::Fetcher& fetcher) : harvester(h) {
                std::lock_guard<std::mutex> lock(harvester.m_fetcherMutex);
                harvester.m_fetcher = &fetcher;
            }
            ~Published() {
                std::lock_guard<std::mutex> lock(harvester.m_fetcherMutex);
                harvester.m_fetcher = nullptr;
            }
        } published(*this, fetcher);
        for (auto& job : jobs) job->start(fetcher);
        fetcher.run();
    }
    writes.drain();
    for (auto& job : jobs) {
        HarvestReport report = job->finishReport();
        m_sources.recordAttempt(report.source, report.status, report.error, report.rejected);
        // A run that stopped at its budget goes on in the next round, not an interval later.
        if (report.continues) m_sources.queue(report.source);
        m_sources.saveReport(report.source, report.toJson());
        reports.push_back(std::move(report));
    }
    return reports;
}

void Harvester::cancel() {
    m_cancelled = true;
    std::lock_guard<std::mutex> lock(m_fetcherMutex);
    if (m_fetcher) m_fetcher->wake();
}

std::int64_t Harvester::releaseDeletions(const std::string& sourceId) {
    BatchOutcome outcome = applyDeletions(m_store, sourceId, pendingDeletions(m_store, sourceId));
    std::int64_t removed = 0;
    for (auto result : outcome.removes) removed += result == RemoveOutcome::Removed;
    return removed;
}

}  // namespace tweeling::federation::hub
