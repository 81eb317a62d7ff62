#include "hub/job.hpp"

#include "adapters/content_hash.hpp"
#include "api/ingest.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "common/time.hpp"
#include "hub/asset_verdict.hpp"  // kProfileCheck

#include <map>
#include <sstream>

namespace tweeling::federation::hub {

using common::Json;
using common::JsonValue;
using registry::store::BatchOutcome;
using registry::store::PutOutcome;
using registry::store::PutRequest;
using registry::store::RemoveOutcome;
using registry::store::WriteBatch;

namespace {

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

// Marks a record kept despite profile problems (mapped from a foreign catalog): the problems travel
// with it, so users and hubs further on can see what is missing. The asset probes add their checks
// to these later (asset_verdict.cpp).
void addValidation(Json& doc, const common::Problems& warnings, const std::string& at) {
    auto& allocator = doc.GetAllocator();
    JsonValue validation(rapidjson::kObjectType);
    validation.AddMember("status", "warn", allocator);
    validation.AddMember("checkedAt", JsonValue(at.c_str(), allocator), allocator);
    JsonValue checks(rapidjson::kArrayType);
    for (const auto& problem : warnings) {
        JsonValue check(rapidjson::kObjectType);
        check.AddMember("id", JsonValue(kProfileCheck, allocator), allocator);
        check.AddMember("status", "warn", allocator);
        check.AddMember("pointer", JsonValue(problem.pointer.c_str(), allocator), allocator);
        check.AddMember("message", JsonValue(problem.message.c_str(), allocator), allocator);
        checks.PushBack(check, allocator);
    }
    validation.AddMember("checks", checks, allocator);
    doc.RemoveMember("validation");
    doc.AddMember("validation", validation, allocator);
}

}  // namespace

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

Job::Job(registry::store::Store& store, SourceRegistry& sources, const registry::record::Profile& profile,
         const HarvesterOptions& options, SourceState state, KeyRing& keys, WriteQueue& writes,
         const std::atomic<bool>& cancelled)
    : m_store(store),
      m_sources(sources),
      m_deletions(sources.pendingDeletions()),
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

void Job::startRecord(harvest::Fetcher&, const std::string&) {
    fail("degraded", std::string("a source of kind ") + kindName(m_state.config.kind) +
                         " is harvested whole: it has no request for one record");
}

void Job::stopIncompleteListing(const std::string& noun) {
    std::string why = "the " + noun + " stopped after " + std::to_string(m_report.pages) + " pages: " + budgetSpent() +
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

bool Job::foreignOriginFree(Verifier& verifier, const std::string& where) {
    const std::string& origin = m_state.config.id;  // a foreign catalog is its records' origin
    Verifier::Result check = verifier.verify(origin, "", "put", "", nullptr, "");
    if (check == Verifier::Result::Unsigned) return true;
    // Nothing of a catalog whose records would take the name of a signing origin is written.
    m_report.reject({"", origin, where, {{Verifier::pointer(check), Verifier::explain(check, origin, "put", origin)}}});
    fail("degraded", "the records of this catalog would take the origin " + origin +
                         ", which signs its records at this hub: nothing was harvested; add the catalog "
                         "under another source id");
    return false;
}

bool Job::beginCatalogRound(const std::string& things) {
    const bool full = fullListingDue();
    if (!full) {
        report([&](HarvestReport& r) {
            r.notes.push_back("changes only: the " + things + " modified since " + m_state.catalogSince +
                              " (a full listing, which finds deletions, every " +
                              std::to_string(m_options.fullListingEvery) + " rounds)");
        });
    }
    return full;
}

bool Job::fullListingDue() const {
    return m_state.catalogSince.empty() || m_options.fullListingEvery <= 1 ||
           m_state.roundsSinceFull + 1 >= m_options.fullListingEvery;
}

void Job::noteModified(const std::string& timestamp) {
    if (timestamp.empty()) return;
    std::lock_guard<std::mutex> lock(m_reportMutex);
    if (timestamp > m_newestModified) m_newestModified = timestamp;
}

void Job::finishCatalogRound(bool full) {
    std::string newest;
    {
        std::lock_guard<std::mutex> lock(m_reportMutex);
        newest = m_newestModified;
    }
    // A round of changes that found none keeps the old time (an empty `newest` changes nothing).
    if (!newest.empty() && newest < m_state.catalogSince) newest.clear();
    m_sources.recordCatalogRound(m_state.config.id, newest, full);
}

HarvestReport Job::finishReport() {
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
    // Signed, but not by the pinned key: a key rotated without the hub being told (or records
    // altered on the way). Every such record is refused and what the hub held of it stays; the
    // operator must hear of it, or the source's records silently stop updating.
    if (m_badSignatures > 0 && m_report.status == "ok") {
        m_report.status = "degraded";
        std::string origins;
        std::size_t listed = 0;
        for (const auto& origin : m_badSignatureOrigins) {
            if (++listed > 10) {
                origins += ", and " + std::to_string(m_badSignatureOrigins.size() - 10) + " more";
                break;
            }
            origins += (origins.empty() ? "" : ", ") + origin;
        }
        m_report.error = "refused " + std::to_string(m_badSignatures) +
                         " entries whose signature does not verify against the key pinned for their origin (" +
                         origins +
                         "): was the key rotated? What the hub held of them is unchanged; see the rejected records";
    }
    return m_report;
}

harvest::FetchOptions Job::fetchOptions() const {
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

void Job::fetch(harvest::Fetcher& fetcher, const std::string& url,
                std::function<void(harvest::Fetcher&, harvest::FetchResult&&)> onPage, const std::string& accept) {
    harvest::FetchRequest request;
    request.url = url;
    request.headers = {"Accept: " + accept};
    submit(fetcher, std::move(request), std::move(onPage));
}

void Job::fetchXml(harvest::Fetcher& fetcher, const std::string& url, const std::string& xmlBody,
                   std::function<void(harvest::Fetcher&, harvest::FetchResult&&)> onPage) {
    harvest::FetchRequest request;
    request.url = url;
    request.headers = {"Accept: application/xml, text/xml"};
    if (!xmlBody.empty()) {
        request.body = xmlBody;
        request.headers.push_back("Content-Type: application/xml; charset=UTF-8");
    }
    submit(fetcher, std::move(request), std::move(onPage));
}

void Job::submit(harvest::Fetcher& fetcher, harvest::FetchRequest request,
                 std::function<void(harvest::Fetcher&, harvest::FetchResult&&)> onPage) {
    request.options = fetchOptions();
    // Past the run's budget (or when the hub stops) a transfer still running is cancelled: a slow
    // source cannot hold the round beyond its budget.
    request.cancelled = [this] { return outOfTime(); };
    harvest::Fetcher* fetcherPointer = &fetcher;
    request.onDone = [this, fetcherPointer, onPage = std::move(onPage)](harvest::FetchResult&& result) {
        try {
            if (result.cancelled) {
                // Cancelled by the budget while retrying a failed fetch: the source failed, and
                // the report says how (not "stopped early", which reads as a busy source's
                // progress). A hub shutting down only stops.
                if (!result.failedBefore.empty() && !m_cancelled.load()) {
                    fail("down", result.failedBefore + " (GET " + result.url + "); " + budgetSpent() +
                                     " before the fetch succeeded (" + std::to_string(result.attempts) +
                                     " attempts)");
                    return;
                }
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

std::string Job::servedAs(const harvest::FetchResult& result) {
    auto type = result.headers.find("content-type");
    if (type == result.headers.end() || type->second.empty()) return "";
    const std::string mediaType = common::toLowerAscii(type->second.substr(0, type->second.find(';')));
    // application/json, application/geo+json, application/ld+json, …
    if (mediaType.find("json") != std::string::npos) return "";
    return " (served as " + type->second + ")";
}

std::string Job::budgetSpent() const {
    if (m_cancelled.load()) return "the hub is shutting down";
    return "the run's budget (" + std::to_string(m_options.maxRunPages) + " pages or " +
           std::to_string(m_options.maxRunSeconds) + " s) is spent";
}

void Job::fail(const std::string& status, const std::string& error) {
    std::lock_guard<std::mutex> lock(m_reportMutex);
    m_report.status = status;
    m_report.error = error;
    m_failed = true;
    m_done = true;  // finished, unsuccessfully: nothing more is fetched or written
}

Job::Prepared Job::prepare(Json& doc, const std::string& origin, const std::string& where,
                           const common::Problems* judgedWarnings) const {
    Prepared result;
    std::string id;
    if (auto text = common::stringMember(doc, "id")) id = std::string(*text);
    registry::api::IngestPolicy policy;
    policy.origin = origin;
    policy.source = m_state.config.id;
    if (const JsonValue* validation = common::member(doc, "validation"))
    {
        // A hub upstream kept it with warnings (its status may be "fail" for its assets since).
        const std::string_view status = common::stringMember(*validation, "status").value_or("");
        policy.keepWithWarnings = status == "warn" || status == "fail";
    }
    policy.judgedWarnings = judgedWarnings;
    policy.contentHash = &adapters::contentHash;
    policy.annotate = [this](Json& record, const common::Problems& warnings, const std::string& hash) {
        if (!warnings.empty()) addValidation(record, warnings, m_harvestedAt);
        addProvenance(record, m_state.config.id, hash, m_harvestedAt);
    };
    registry::api::Prepared prepared = registry::api::prepare(doc, m_profile, policy);
    if (!prepared.put) {
        result.rejected = {id, origin, where, std::move(prepared.problems)};
        return result;
    }
    result.put = std::move(*prepared.put);
    if (!prepared.problems.empty()) result.put.fields.validation = "warn";
    // Compressed here, on the page-preparation threads, not by the store's one writer.
    result.put.document = m_store.compressDocument(result.put.json);
    if (!prepared.problems.empty()) result.warned = RecordProblems{id, origin, where, std::move(prepared.problems)};
    result.ok = true;
    return result;
}

WriteBatch Job::writesOf(std::vector<adapters::MappedRecord>&& records, const std::string& where,
                         std::set<RecordKey>& seen) {
    WriteBatch batch;
    for (adapters::MappedRecord& mapped : records) takeMapped(std::move(mapped), where, seen, batch);
    return batch;
}

void Job::takeMapped(adapters::MappedRecord&& mapped, const std::string& where, std::set<RecordKey>& seen,
                     WriteBatch& batch) {
    const std::string& origin = m_state.config.id;
    if (!mapped.id.empty()) seen.insert({origin, mapped.id});
    if (!mapped.rejections.empty()) {
        m_report.reject({mapped.id, origin, where, mapped.rejections});
        return;
    }
    // The adapter validated the record (adapters::addProfileProblems) and judged its warnings.
    Prepared prepared = prepare(mapped.record, origin, where, &mapped.warnings);
    if (!prepared.ok) {
        prepared.rejected.id = mapped.id;
        m_report.reject(std::move(prepared.rejected));
        return;
    }
    if (prepared.warned) {
        prepared.warned->id = mapped.id;
        m_report.warn(std::move(*prepared.warned));
    }
    batch.puts.push_back(std::move(prepared.put));
}

void Job::count(const BatchOutcome& outcome) {
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

void Job::reportRefusedPuts(const WriteBatch& batch, const BatchOutcome& outcome) {
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

void Job::settleDeletions() {
    Settlement settlement = m_deletions.settle(m_state.config.id, m_state.config.maxDeleteFraction);
    if (!settlement.heldBack) {
        count(settlement.applied);
        return;
    }
    m_report.heldDeletions = settlement.pending;
    m_report.status = "degraded";
    std::ostringstream note;
    note << "held back " << settlement.pending << " deletions: that is more than "
         << static_cast<int>(m_state.config.maxDeleteFraction * 100 + 0.5) << "% of the " << settlement.held
         << " records held from this source, so nothing was deleted; check the source, then run "
         << "'twin-federation sources release-deletions " << m_state.config.id << "'";
    m_report.notes.push_back(note.str());
    if (m_report.error.empty()) m_report.error = note.str();
}

std::vector<RecordKey> Job::deletableUnlisted(const std::set<RecordKey>& seen, const std::string& ownOrigin) {
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

void Job::deleteUnseen(const std::set<RecordKey>& seen, const std::string& ownOrigin) {
    std::int64_t now = nowSeconds();
    std::vector<RecordKey> unseen = deletableUnlisted(seen, ownOrigin);
    m_deletions.markNow(m_state.config.id, unseen, now, PendingDeletions::OnConflict::Replace);
}

}  // namespace tweeling::federation::hub
