#include "hub/feed_job.hpp"

#include "common/json.hpp"
#include "common/time.hpp"
#include "record/size.hpp"
#include "store/sqlite.hpp"

#include <future>
#include <thread>

namespace tweeling::federation::hub {

namespace {

// The values a feed page may hold (common::parseUntrusted's maxValues): a DOM of at most about
// 400 MB, far above a page of a thousand records (a record with a detailed footprint holds some
// thousands), far below what the byte cap alone allows in tiny values.
constexpr std::size_t kMaxPageValues = 8'000'000;

}  // namespace

using common::Json;
using common::JsonValue;
using registry::store::BatchOutcome;
using registry::store::Database;
using registry::store::RemoveRequest;

// Every page after the first must name the epoch the first one did, whatever was stored: a run
// that kept the stored epoch once let a second epoch through (the check looked only at a new one).
FeedEpoch::Step FeedEpoch::onPage(const std::string& pageEpoch) {
    if (!m_first) return pageEpoch == m_current ? Step::Continue : Step::Changed;
    m_first = false;
    m_current = pageEpoch;
    if (!m_stored.empty() && pageEpoch != m_stored) {
        m_new = pageEpoch;
        return Step::Resync;
    }
    if (m_stored.empty()) m_new = pageEpoch;
    return Step::Continue;
}

void FeedJob::start(harvest::Fetcher& fetcher) {
    m_after = m_state.cursor;
    fetch(fetcher, trimSlash(m_state.config.url) + "/.well-known/tweeling.json",
          [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onIdentity(f, result); });
}

// Every page up to m_after is committed (or queued to be, in order) with its cursor: the next
// round continues from there, and the source stays due.
void FeedJob::stopEarly() {
    report([&](HarvestReport& r) {
        r.continues = true;
        r.notes.push_back("stopped after seq " + std::to_string(m_after) + " with more to read: " + budgetSpent() +
                          "; continues next round");
    });
    m_stopped = true;
}

void FeedJob::onIdentity(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
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
    KeyRing::Meeting meeting = m_keys.meet(m_identity, std::string(*publicKey), m_state.config.id,
                                           common::member(identity, "keyRotations"), false);
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
void FeedJob::onRelayedKeys(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
    Json listing;
    if (!result.ok || common::parseUntrusted(result.body, listing, 64)) {
        fail("degraded", "could not read the keys the hub relays (GET " + result.url +
                             "): " + (result.ok ? std::string("not JSON") : result.error));
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

std::string FeedJob::feedUrl(std::int64_t after) const {
    return trimSlash(m_state.config.url) + "/feed?after=" + std::to_string(after) +
           "&limit=" + std::to_string(m_options.feedPageSize);
}

void FeedJob::next(harvest::Fetcher& fetcher, std::int64_t after) {
    m_after = after;
    fetch(fetcher, feedUrl(after), [this](harvest::Fetcher& f, harvest::FetchResult&& result) { onPage(f, result); });
}

void FeedJob::onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result) {
    if (m_failed) return;  // a page of this run could not be written: stop here
    int pages = 0;
    report([&](HarvestReport& r) { pages = ++r.pages; });
    FeedPage page;
    if (!readPage(result, page) || !followEpoch(fetcher, page) || !checkOrigin(page)) return;
    PageEntries entries;
    if (!readEntries(page, entries)) return;
    const std::int64_t last = entries.last;
    std::vector<Prepared> prepared = prepareCandidates(entries.candidates);
    // The writer commits the page with its cursor while the next page is fetched and prepared.
    queueWrite(collect(std::move(entries), std::move(prepared)));

    if (!page.entries->Empty() && last < page.latest) {
        m_after = last;
        if (withinBudget(pages))
            next(fetcher, last);
        else
            stopEarly();  // this page commits with its cursor; the next round reads on from it
        return;
    }
    queueEnd();
}

bool FeedJob::readPage(const harvest::FetchResult& result, FeedPage& page) {
    if (!result.ok) {
        fail("down", result.error + " (GET " + result.url + ")");
        return false;
    }
    if (auto error = common::parseUntrusted(result.body, page.doc, 256, common::JsonChecks::Full, kMaxPageValues)) {
        fail("degraded", "the feed page after seq " + std::to_string(m_after) + " is not valid JSON (byte " +
                             std::to_string(error->offset) + ": " + error->message + ")" + servedAs(result) +
                             "; nothing of it was applied");
        return false;
    }
    auto epoch = common::stringMember(page.doc, "epoch");
    page.entries = common::member(page.doc, "entries");
    const JsonValue* latest = common::member(page.doc, "latest");
    if (!epoch || !page.entries || !page.entries->IsArray() || !latest || !latest->IsInt64()) {
        fail("degraded", "the feed page after seq " + std::to_string(m_after) +
                             " is not a Tweeling feed (needs epoch, latest and entries); nothing of it was applied");
        return false;
    }
    // A node answers at most the limit asked for; more would cost the hub memory per entry that
    // it never agreed to (a page of 900,000 tiny entries once took a hub to 1.4 GB).
    if (page.entries->Size() > static_cast<rapidjson::SizeType>(m_options.feedPageSize)) {
        fail("degraded", "the feed page after seq " + std::to_string(m_after) + " holds " +
                             std::to_string(page.entries->Size()) + " entries, more than the limit of " +
                             std::to_string(m_options.feedPageSize) + " the hub asked for; nothing of it was applied");
        return false;
    }
    page.epoch = std::string(*epoch);
    page.latest = latest->GetInt64();
    page.origin = std::string(common::stringMember(page.doc, "origin").value_or(""));
    return true;
}

bool FeedJob::followEpoch(harvest::Fetcher& fetcher, const FeedPage& page) {
    switch (m_epoch.onPage(page.epoch)) {
        case FeedEpoch::Step::Continue: return true;
        case FeedEpoch::Step::Resync:
            beginResync(page.epoch);
            if (m_after == 0) return true;  // this page is the first of the resync
            next(fetcher, 0);
            return false;
        case FeedEpoch::Step::Changed: break;
    }
    fail("degraded", "the source's epoch changed during the harvest; it will be read again next round");
    return false;
}

bool FeedJob::checkOrigin(const FeedPage& page) {
    if (page.origin == m_identity) return true;
    fail("degraded", "the feed's origin '" + page.origin + "' is not the node id '" + m_identity +
                         "' of the source's identity; nothing of this page was applied");
    return false;
}

bool FeedJob::readEntries(const FeedPage& page, PageEntries& out) {
    out.last = m_after;
    for (rapidjson::SizeType index = 0; index < page.entries->Size(); ++index) {
        const JsonValue& entry = (*page.entries)[index];
        const JsonValue* seqValue = common::member(entry, "seq");
        if (!seqValue || !seqValue->IsInt64() || seqValue->GetInt64() <= out.last) {
            fail("degraded", "feed entry " + std::to_string(index) + " after seq " + std::to_string(m_after) +
                                 ": seq missing or not increasing; nothing of this page was applied");
            return false;
        }
        out.last = seqValue->GetInt64();
        readEntry(entry, page.origin, "feed seq " + std::to_string(out.last), out);
    }
    return true;
}

void FeedJob::readEntry(const JsonValue& entry, const std::string& pageOrigin, const std::string& where,
                        PageEntries& out) {
    auto op = common::stringMember(entry, "op");
    auto id = common::stringMember(entry, "id");
    std::string origin(common::stringMember(entry, "origin").value_or(pageOrigin));
    if (!op || !id || id->empty() || origin.empty()) {
        report([&](HarvestReport& r) {
            r.reject({std::string(id.value_or("")), origin, where, {{"", "a feed entry needs op, id and origin"}}});
        });
        return;
    }
    std::string signature(common::stringMember(entry, "signature").value_or(""));
    if (*op == "delete") {
        readDeletion(entry, origin, std::string(*id), where, signature, out);
        return;
    }
    const JsonValue* record = common::member(entry, "record");
    if (*op != "put" || !record || !record->IsObject()) {
        report([&](HarvestReport& r) {
            r.reject({std::string(*id), origin, where, {{"", "a put entry needs a record object"}}});
        });
        return;
    }
    // Listed, even if refused later: not deleted as missing by a resync (whichever of its rounds
    // this is), nor by a deletion announced earlier.
    out.listed.push_back({origin, std::string(*id)});
    out.candidates.push_back({record, origin, where, std::move(signature)});
}

void FeedJob::readDeletion(const JsonValue& entry, const std::string& origin, const std::string& id,
                           const std::string& where, const std::string& signature, PageEntries& out) {
    // The origin's time of deletion is what it signed; `at` is when this feed saw it.
    std::string deletedAt(common::stringMember(entry, "updated").value_or(""));
    if (deletedAt.empty()) deletedAt = std::string(common::stringMember(entry, "at").value_or(""));
    std::int64_t at = nowSeconds();
    if (auto parsed = common::parseRfc3339(deletedAt)) at = *parsed;
    Verifier::Result check = m_verifier.verify(origin, id, "delete", deletedAt, nullptr, signature);
    RemoveRequest deletion{origin, id, m_state.config.id, at, std::string(), std::string()};
    if (check == Verifier::Result::Verified) {
        deletion.deletedAtText = deletedAt;
        deletion.signature = signature;
    } else if (check != Verifier::Result::Unsigned) {
        // Among these: a hub's own unsigned tombstone for a signing origin (it dropped a source,
        // or resynced). Honouring it would let any relay remove what the origin still publishes;
        // the origin's signed tombstone does that.
        report([&](HarvestReport& r) {
            if (check == Verifier::Result::Collision) {
                ++m_collisions;
                m_collidingOrigins.insert(origin);
            }
            if (check == Verifier::Result::Bad) {
                ++m_badSignatures;
                m_badSignatureOrigins.insert(origin);
            }
            r.reject({id, origin, where,
                      {{Verifier::pointer(check), Verifier::explain(check, origin, "delete", m_state.config.id)}}});
        });
        return;
    }
    out.deletions.push_back(std::move(deletion));
}

// Validation, normalisation and hashing are most of the CPU of a harvest: large pages are prepared
// on two threads (results kept in feed order), then written by the writer.
std::vector<Job::Prepared> FeedJob::prepareCandidates(const std::vector<Candidate>& candidates) const {
    std::vector<Prepared> prepared(candidates.size());
    auto prepareRange = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) prepared[i] = verifyAndPrepare(candidates[i]);
    };
    if (candidates.size() >= 64 && std::thread::hardware_concurrency() > 1) {
        std::size_t half = candidates.size() / 2;
        auto other = std::async(std::launch::async, prepareRange, half, candidates.size());
        prepareRange(0, half);
        other.get();
    } else {
        prepareRange(0, candidates.size());
    }
    return prepared;
}

Job::Prepared FeedJob::verifyAndPrepare(const Candidate& candidate) const {
    Prepared prepared;
    std::string id(common::stringMember(*candidate.record, "id").value_or(""));
    // The size first: an oversized record costs no signature check or validation.
    if (auto problem = registry::record::checkRecordSize(*candidate.record)) {
        prepared.rejected = {id, candidate.origin, candidate.where, {std::move(*problem)}};
        return prepared;
    }
    // Then the signature: a record that fails it is not even validated.
    std::string updated;
    if (const JsonValue* properties = common::member(*candidate.record, "properties"))
        updated = std::string(common::stringMember(*properties, "updated").value_or(""));
    Verifier::Result check =
        m_verifier.verify(candidate.origin, id, "put", updated, candidate.record, candidate.signature);
    if (check != Verifier::Result::Verified && check != Verifier::Result::Unsigned) {
        prepared.collision = check == Verifier::Result::Collision;
        prepared.badSignature = check == Verifier::Result::Bad;
        prepared.rejected = {id, candidate.origin, candidate.where,
                             {{Verifier::pointer(check),
                               Verifier::explain(check, candidate.origin, "put", m_state.config.id)}}};
        return prepared;
    }
    Json doc;
    doc.CopyFrom(*candidate.record, doc.GetAllocator());
    prepared = prepare(doc, candidate.origin, candidate.where);
    prepared.put.signature = check == Verifier::Result::Verified ? candidate.signature : "";
    prepared.put.verified = check == Verifier::Result::Verified;
    return prepared;
}

FeedJob::PageWrite FeedJob::collect(PageEntries&& entries, std::vector<Prepared>&& prepared) const {
    PageWrite write;
    write.listed = std::move(entries.listed);
    write.deletions = std::move(entries.deletions);
    write.newEpoch = m_epoch.newEpoch();
    write.last = entries.last;
    for (auto& result : prepared) {
        if (result.warned) write.warned.push_back(std::move(*result.warned));
        if (!result.ok) {
            if (result.collision) {
                ++write.collisions;
                write.collidingOrigins.insert(result.rejected.origin);
            }
            if (result.badSignature) {
                ++write.badSignatures;
                write.badSignatureOrigins.insert(result.rejected.origin);
            }
            write.rejected.push_back(std::move(result.rejected));
            continue;
        }
        write.listed.push_back({result.put.origin, result.put.fields.id});
        write.batch.puts.push_back(std::move(result.put));
    }
    return write;
}

void FeedJob::queueWrite(PageWrite&& write) {
    m_writes.push([this, write = std::move(write)]() mutable {
        // Pages commit in feed order: after a page that could not be written, none may be. A later
        // failure to fetch does not undo a page already fetched and checked: it is written, and the
        // next run resumes after it.
        if (m_writeFailed) return;
        try {
            writePage(write);
            std::lock_guard<std::mutex> lock(m_reportMutex);
            for (auto& problems : write.warned) m_report.warn(std::move(problems));
            for (auto& problems : write.rejected) m_report.reject(std::move(problems));
            m_collisions += write.collisions;
            m_collidingOrigins.insert(write.collidingOrigins.begin(), write.collidingOrigins.end());
            m_badSignatures += write.badSignatures;
            m_badSignatureOrigins.insert(write.badSignatureOrigins.begin(), write.badSignatureOrigins.end());
        } catch (const std::exception& error) {
            m_writeFailed = true;
            fail("degraded", std::string("could not apply a page: ") + error.what());
        }
    });
}

// The end of the run, after its last page is written (for a resync: everything the source did not
// list since it began, maybe rounds ago, is deleted now).
void FeedJob::queueEnd() {
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

// The node's database was rebuilt: read everything again, then remove what it no longer has.
void FeedJob::beginResync(const std::string& epoch) {
    report([&](HarvestReport& r) {
        r.resync = true;
        r.notes.push_back("the source's epoch changed from " + m_state.epoch + " to " + epoch + ": full resync");
    });
    m_writes.push([this, epoch] {
        try {
            startResync(epoch);
        } catch (const std::exception& error) {
            m_writeFailed = true;
            fail("degraded", std::string("could not start the resync: ") + error.what());
        }
    });
}

// A resync may take several rounds (each run has a budget), so it is kept in the database, not in
// memory: in one transaction every record held from this source is marked deleted (pending), and
// the cursor starts again under the new epoch, which is stored at once (so the next round does
// not start it again). Each page then cancels the marks of the records it lists, and the end of a
// complete run applies the rest (with the threshold), as it applies announced deletions. A crash or
// a budget stop part-way resumes from the cursor.
void FeedJob::startResync(const std::string& epoch) {
    std::int64_t now = nowSeconds();
    std::vector<RecordKey> held = deletableUnlisted({}, m_identity);
    m_store.write([&](Database& database) {
        // A deletion the source announced keeps its signature.
        m_deletions.mark(database, m_state.config.id, held, now, PendingDeletions::OnConflict::Keep);
        m_sources.restartFeed(database, m_state.config.id, epoch);
    });
}

// One page and its cursor in one transaction (on the writer's thread): the cursor moves with the
// page (and the epoch, when new), the records listed again keep, and the announced deletions wait.
void FeedJob::writePage(const PageWrite& write) {
    BatchOutcome outcome = m_store.apply(write.batch, [&](Database& database) {
        m_sources.advanceCursor(database, m_state.config.id, write.last, write.newEpoch);
        m_deletions.cancel(database, m_state.config.id, write.listed);
        m_deletions.hold(database, m_state.config.id, write.deletions);
    });
    std::lock_guard<std::mutex> lock(m_reportMutex);
    count(outcome);
    reportRefusedPuts(write.batch, outcome);
}

}  // namespace tweeling::federation::hub
