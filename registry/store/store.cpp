#include "store/store.hpp"

#include "common/jcs.hpp"
#include "common/sha256.hpp"
#include "common/time.hpp"
#include "store/crypto.hpp"
#include "store/planner.hpp"
#include "store/schema.hpp"
#include "store/store_private.hpp"

#include <stdexcept>
#include <tuple>

namespace tweeling::registry::store {
namespace {

std::string joinWords(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words) {
        if (word.empty()) continue;
        if (!out.empty()) out += ' ';
        out += word;
    }
    return out;
}

void bindOptional(Statement& statement, int index, const std::optional<std::int64_t>& value) {
    if (value)
        statement.bind(index, *value);
    else
        statement.bindNull(index);
}

// Binds the record columns ?1..?19 shared by INSERT and UPDATE (see kInsertRecord).
void bindRecordColumns(Statement& statement, const record::IndexedRecord& fields, const std::string& key,
                       std::int64_t seq, const std::string& hash, const std::string& document) {
    statement.bind(1, key)
        .bind(2, fields.type)
        .bind(3, fields.title)
        .bind(4, fields.description)
        .bind(5, joinWords(fields.keywords))
        .bind(6, fields.publisherId)
        .bind(7, fields.publisherName)
        .bind(8, fields.license)
        .bind(9, fields.rights);
    statement.bind(10, fields.updated);
    // A record has time when either end is known; the unknown end is open.
    std::optional<std::int64_t> start = fields.timeStart, end = fields.timeEnd;
    if (start || end) {
        if (!start) start = common::kOpenStart;
        if (!end) end = common::kOpenEnd;
    }
    bindOptional(statement, 11, start);
    bindOptional(statement, 12, end);
    if (fields.bbox) {
        statement.bind(13, fields.bbox->minX).bind(14, fields.bbox->minY);
        statement.bind(15, fields.bbox->maxX).bind(16, fields.bbox->maxY);
    } else {
        for (int i = 13; i <= 16; ++i) statement.bindNull(i);
    }
    statement.bind(17, seq).bind(18, hash).bindBlob(19, document.data(), document.size());
}

constexpr const char* kInsertRecord =
    "INSERT INTO records(key, type, title, description, keywords, publisher_id, publisher_name, license, rights,"
    " updated, time_start, time_end, min_x, min_y, max_x, max_y, seq, hash, json, source, origin, id, signature,"
    " verified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
    " ?21, ?22, ?23, ?24)";
constexpr const char* kUpdateRecord =
    "UPDATE records SET key = ?1, type = ?2, title = ?3, description = ?4, keywords = ?5, publisher_id = ?6,"
    " publisher_name = ?7, license = ?8, rights = ?9, updated = ?10, time_start = ?11, time_end = ?12,"
    " min_x = ?13, min_y = ?14, max_x = ?15, max_y = ?16, seq = ?17, hash = ?18, json = ?19, source = ?20,"
    " signature = ?22, verified = ?23 WHERE rid = ?21";
#define TWEELING_STORED_COLUMNS "key, origin, id, json, seq, updated, hash, source, signature, verified"
constexpr const char* kSelectByKey = "SELECT " TWEELING_STORED_COLUMNS " FROM records WHERE key = ?1";
constexpr const char* kSelectByOriginId =
    "SELECT " TWEELING_STORED_COLUMNS " FROM records WHERE origin = ?1 AND id = ?2";

StoredRecord readStored(Statement& statement, Connection& connection) {
    StoredRecord stored;
    stored.key = statement.text(0);
    stored.origin = statement.text(1);
    stored.id = statement.text(2);
    stored.json = connection.documents().decode(statement, 3, connection);
    stored.seq = statement.int64(4);
    stored.updated = statement.int64(5);
    stored.hash = statement.text(6);
    stored.source = statement.text(7);
    if (!statement.isNull(8)) stored.signature = statement.text(8);
    stored.verified = statement.int64(9) != 0;
    return stored;
}


StoreOptions checked(StoreOptions options) {
    // Readers open their own connections to the same file, which an in-memory database cannot offer.
    if (options.path.empty() || options.path == ":memory:" || options.path.rfind("file:", 0) == 0)
        throw std::invalid_argument("store path must be a database file");
    return options;
}

}  // namespace

std::string entityTag(std::string_view hash, std::string_view signature) {
    std::string tag(hash);
    if (!signature.empty()) tag.append("-").append(signature.substr(0, 16));
    return tag;
}

Store::Private::Private(StoreOptions storeOptions)
    : options(checked(std::move(storeOptions))),
      writer(options.path, Database::Mode::ReadWrite, options.cacheKiB),
      readers(options.path, options.cacheKiB) {
    migrate(writer.database());
    writer.setDocuments(&documents);
    readers.setDocuments(&documents);
    documents.load(writer);
    {
        StatementUse statement = writer.statement("SELECT value FROM meta WHERE key = 'epoch'");
        if (!statement->step()) throw SqliteError(0, "database has no epoch in its meta table");
        epoch = statement->text(0);
    }
    resolveNodeId();
    changeFloor = latestSeq(writer);
    signer = options.signingKey;
    if (signer) {
        std::lock_guard<std::mutex> lock(writeMutex);
        Transaction transaction(writer.database());
        signOwnRecords(false);
        transaction.commit();
    }
}

std::string signRecord(const common::SigningKey& key, const std::string& origin, const std::string& id,
                       const std::string& json) {
    common::Json doc;
    if (auto error = common::parseUntrusted(json, doc, 1000))
        throw std::invalid_argument("stored record " + id + " is not JSON: " + error->message);
    std::string updated;
    if (const common::JsonValue* properties = common::member(doc, "properties"))
        updated = std::string(common::stringMember(*properties, "updated").value_or(""));
    return key.sign(common::signedBytes(origin, id, "put", updated, &doc));
}

std::int64_t Store::Private::signOwnRecords(bool all) {
    std::int64_t signedCount = 0;
    std::vector<std::tuple<std::int64_t, std::string, std::string>> pending;  // rid, id, json
    {
        StatementUse statement = writer.statement(
            all ? "SELECT rid, id, json FROM records WHERE source = '' AND origin = ?1"
                : "SELECT rid, id, json FROM records WHERE source = '' AND origin = ?1 AND signature IS NULL");
        statement->bind(1, options.nodeId);
        while (statement->step())
            pending.emplace_back(statement->int64(0), statement->text(1), documents.decode(*statement, 2, writer));
    }
    {
        StatementUse update = writer.statement("UPDATE records SET signature = ?1, verified = 1 WHERE rid = ?2");
        for (const auto& [rid, id, json] : pending) {
            update->bind(1, signRecord(*signer, options.nodeId, id, json)).bind(2, rid);
            update->execute();
            ++signedCount;
        }
    }
    std::vector<std::tuple<std::int64_t, std::string, std::string>> tombstones;  // seq, id, deleted_at
    {
        StatementUse statement = writer.statement(
            all ? "SELECT seq, id, coalesce(deleted_at, at) FROM feed WHERE op = 'delete' AND origin = ?1"
                : "SELECT seq, id, coalesce(deleted_at, at) FROM feed WHERE op = 'delete' AND origin = ?1"
                  " AND signature IS NULL");
        statement->bind(1, options.nodeId);
        while (statement->step()) tombstones.emplace_back(statement->int64(0), statement->text(1), statement->text(2));
    }
    StatementUse update = writer.statement("UPDATE feed SET signature = ?1, deleted_at = ?2 WHERE seq = ?3");
    for (const auto& [seq, id, deletedAt] : tombstones) {
        update->bind(1, signer->sign(common::signedBytesCanonical(options.nodeId, id, "delete", deletedAt, "null")))
            .bind(2, deletedAt)
            .bind(3, seq);
        update->execute();
        ++signedCount;
    }
    return signedCount;
}

// The node id is part of every record's identity (its origin), so it is fixed in the database the
// first time it is known ("local" when never given) and a different one later is refused.
void Store::Private::resolveNodeId() {
    std::string stored;
    {
        StatementUse statement = writer.statement("SELECT value FROM meta WHERE key = 'node_id'");
        if (statement->step()) stored = statement->text(0);
    }
    if (!stored.empty() && !options.nodeId.empty() && stored != options.nodeId)
        throw std::invalid_argument("the database " + options.path + " belongs to node '" + stored +
                                    "', not '" + options.nodeId + "'");
    if (stored.empty()) {
        if (options.nodeId.empty()) options.nodeId = "local";
        Transaction transaction(writer.database());
        StatementUse statement = writer.statement("INSERT INTO meta(key, value) VALUES ('node_id', ?1) "
                                                  "ON CONFLICT(key) DO NOTHING");
        statement->bind(1, options.nodeId);
        statement->execute();
        transaction.commit();
    } else {
        options.nodeId = stored;
    }
}

std::string Store::Private::resolveOrigin(const std::string& origin) const {
    const std::string& resolved = origin.empty() ? options.nodeId : origin;
    if (resolved.empty()) throw std::invalid_argument("record origin is empty and the store has no node id");
    return resolved;
}

std::string Store::Private::itemKey(const std::string& origin, const std::string& id) const {
    if (origin == options.nodeId) return id;
    return origin + ":" + id;
}

std::int64_t Store::Private::appendFeed(const char* op, const std::string& origin, const std::string& id,
                                        const std::string& key, const std::string& at,
                                        const std::string& deletedAt, const std::string& signature) {
    {
        StatementUse statement = writer.statement(
            "INSERT INTO feed(op, origin, id, key, at, deleted_at, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        statement->bind(1, op).bind(2, origin).bind(3, id).bind(4, key).bind(5, at);
        if (deletedAt.empty()) statement->bindNull(6); else statement->bind(6, deletedAt);
        if (signature.empty()) statement->bindNull(7); else statement->bind(7, signature);
        statement->execute();
    }
    std::int64_t seq = writer.database().lastInsertRowId();
    StatementUse compact = writer.statement("DELETE FROM feed WHERE origin = ?1 AND id = ?2 AND seq < ?3");
    compact->bind(1, origin).bind(2, id).bind(3, seq);
    compact->execute();
    return seq;
}

// FTS5 (external content) is kept in step by hand, in the same transaction: the old text must be
// removed with the values it was indexed with, before the row changes.
void Store::Private::ftsRemove(std::int64_t rid) {
    std::string title, description, keywords;
    {
        StatementUse statement = writer.statement("SELECT title, description, keywords FROM records WHERE rid = ?1");
        statement->bind(1, rid);
        if (!statement->step()) return;
        title = statement->text(0);
        description = statement->text(1);
        keywords = statement->text(2);
    }
    StatementUse statement = writer.statement(
        "INSERT INTO records_fts(records_fts, rowid, title, description, keywords) VALUES ('delete', ?1, ?2, ?3, ?4)");
    statement->bind(1, rid).bind(2, title).bind(3, description).bind(4, keywords);
    statement->execute();
}

void Store::Private::ftsAdd(std::int64_t rid, const record::IndexedRecord& fields) {
    StatementUse statement =
        writer.statement("INSERT INTO records_fts(rowid, title, description, keywords) VALUES (?1, ?2, ?3, ?4)");
    statement->bind(1, rid).bind(2, fields.title).bind(3, fields.description).bind(4, joinWords(fields.keywords));
    statement->execute();
}

PutOutcome Store::Private::putInTransaction(const PutRequest& request, const std::string* compressed) {
    const record::IndexedRecord& fields = request.fields;
    if (fields.id.empty()) throw std::invalid_argument("record has no id");
    const std::string origin = resolveOrigin(request.origin);
    const std::string key = itemKey(origin, fields.id);
    const std::string hash = request.contentHash.empty() ? common::sha256Hex(request.json) : request.contentHash;

    std::optional<std::int64_t> rid;
    {
        StatementUse statement = writer.statement(
            "SELECT rid, hash, source, updated, verified FROM records WHERE origin = ?1 AND id = ?2");
        statement->bind(1, origin).bind(2, fields.id);
        if (statement->step()) {
            const bool heldVerified = statement->int64(4) != 0;
            const bool harvested = !request.source.empty();
            // The same content now signed is not "unchanged": its signature replaces the unsigned copy.
            if (statement->textView(1) == hash && (heldVerified || !request.verified)) return PutOutcome::Unchanged;
            // A hub: only the origin's key changes a signed record, whatever path a copy comes by
            // and whatever `updated` it claims (a relay that lists the origin as an unsigned
            // catalog, or one that races the origin's key being pinned here).
            if (harvested && heldVerified && !request.verified) return PutOutcome::Unsigned;
            const bool signedOverUnsigned = harvested && request.verified && !heldVerified;
            // One record, two paths (a municipality directly and through its province): the newer
            // `updated` wins; the source that holds it keeps it on a tie. A signed copy wins over
            // an unsigned one from another path, newer or not.
            if (statement->textView(2) != request.source && fields.updated <= statement->int64(3) &&
                !signedOverUnsigned)
                return PutOutcome::Stale;
            // A hub refuses an older version of a record it holds (a replay, or a feed served
            // from a stale copy); a node's publishers own their records and may set any time.
            if (harvested && fields.updated < statement->int64(3) && !signedOverUnsigned) return PutOutcome::Replayed;
            rid = statement->int64(0);
        }
    }

    const bool existed = rid.has_value();
    std::string signature = request.signature;
    bool verified = request.verified;
    if (request.source.empty() && origin == options.nodeId && signer) {
        signature = signRecord(*signer, origin, fields.id, request.json);
        verified = true;
    }
    const std::string document = !request.document.empty() ? request.document
                                 : compressed                 ? *compressed
                                                              : documents.compress(request.json);
    std::int64_t seq = appendFeed("put", origin, fields.id, key, common::nowRfc3339());
    if (existed) {
        ftsRemove(*rid);
        {
            StatementUse statement = writer.statement(kUpdateRecord);
            bindRecordColumns(*statement, fields, key, seq, hash, document);
            statement->bind(20, request.source).bind(21, *rid).bind(23, verified ? 1 : 0);
            if (signature.empty()) statement->bindNull(22); else statement->bind(22, signature);
            statement->execute();
        }
        StatementUse values = writer.statement("DELETE FROM record_values WHERE rid = ?1");
        values->bind(1, *rid);
        values->execute();
        StatementUse box = writer.statement("DELETE FROM records_rtree WHERE rid = ?1");
        box->bind(1, *rid);
        box->execute();
    } else {
        StatementUse statement = writer.statement(kInsertRecord);
        bindRecordColumns(*statement, fields, key, seq, hash, document);
        statement->bind(20, request.source).bind(21, origin).bind(22, fields.id).bind(24, verified ? 1 : 0);
        if (signature.empty()) statement->bindNull(23); else statement->bind(23, signature);
        statement->execute();
        rid = writer.database().lastInsertRowId();
    }
    ftsAdd(*rid, fields);
    noteChange(seq, *rid);

    {
        // Duplicate values (a theme listed twice) collapse on the primary key.
        StatementUse statement =
            writer.statement("INSERT OR IGNORE INTO record_values(kind, value, rid) VALUES (?1, ?2, ?3)");
        auto post = [&](const char* kind, const std::string& value) {
            if (value.empty()) return;
            statement->bind(1, kind).bind(2, value).bind(3, *rid);
            statement->execute();
        };
        for (const std::string& theme : fields.themes) post(planner::kTheme, theme);
        for (const std::string& format : fields.formats) post(planner::kFormat, format);
        for (const std::string& unit : fields.adminUnits) post(planner::kAdminUnit, unit);
        post(planner::kType, fields.type);
        post(planner::kPublisher, fields.publisherId);
    }
    if (fields.bbox) {
        StatementUse statement = writer.statement(
            "INSERT INTO records_rtree(rid, min_x, max_x, min_y, max_y) VALUES (?1, ?2, ?3, ?4, ?5)");
        statement->bind(1, *rid)
            .bind(2, fields.bbox->minX)
            .bind(3, fields.bbox->maxX)
            .bind(4, fields.bbox->minY)
            .bind(5, fields.bbox->maxY);
        statement->execute();
    }
    return existed ? PutOutcome::Replaced : PutOutcome::Created;
}

RemoveOutcome Store::Private::removeInTransaction(const RemoveRequest& request) {
    const std::string origin = resolveOrigin(request.origin);
    const std::string& id = request.id;
    std::int64_t rid = 0;
    std::string key;
    {
        StatementUse statement =
            writer.statement("SELECT rid, key, source, updated, verified FROM records WHERE origin = ?1 AND id = ?2");
        statement->bind(1, origin).bind(2, id);
        if (!statement->step()) return RemoveOutcome::Absent;
        if (statement->textView(2) != request.source) {
            if (request.deletedAt < statement->int64(3)) return RemoveOutcome::Kept;
            // A deletion without the origin's signature never removes a signed record that came
            // by another path (it may remove its own path's copy: a resync, a source removed).
            if (!request.source.empty() && request.signature.empty() && statement->int64(4) != 0)
                return RemoveOutcome::Kept;
        }
        rid = statement->int64(0);
        key = statement->text(1);
    }
    {
        StatementUse statement = writer.statement("DELETE FROM records_rtree WHERE rid = ?1");
        statement->bind(1, rid);
        statement->execute();
    }
    ftsRemove(rid);
    {
        // record_values go by ON DELETE CASCADE.
        StatementUse statement = writer.statement("DELETE FROM records WHERE rid = ?1");
        statement->bind(1, rid);
        statement->execute();
    }
    std::string at = common::nowRfc3339();
    std::string deletedAt = request.deletedAtText;
    std::string signature = request.signature;
    if (request.source.empty() && origin == options.nodeId && signer) {
        deletedAt = at;
        signature = signer->sign(common::signedBytesCanonical(origin, id, "delete", deletedAt, "null"));
    }
    noteChange(appendFeed("delete", origin, id, key, at, deletedAt, signature), rid);
    return RemoveOutcome::Removed;
}

ConditionalOutcome Store::Private::checkCondition(const std::string& origin, const std::string& id,
                                                  const WriteCondition& condition) {
    ConditionalOutcome outcome;
    std::string tag;
    {
        StatementUse statement =
            writer.statement("SELECT hash, signature, publisher_id FROM records WHERE origin = ?1 AND id = ?2");
        statement->bind(1, origin).bind(2, id);
        if (statement->step()) {
            outcome.held = true;
            tag = entityTag(statement->textView(0), statement->isNull(1) ? "" : statement->textView(1));
            outcome.heldOwner = statement->text(2);
        }
    }
    auto listed = [&](const std::vector<std::string>& tags) {
        for (const std::string& candidate : tags)
            if (candidate == "*" || candidate == tag) return true;
        return false;
    };
    // RFC 9110 §13.2.2: If-Match first, then If-None-Match; ownership before either, so that
    // another publisher learns nothing from a 412.
    if (outcome.held && !condition.owner.empty() && outcome.heldOwner != condition.owner)
        outcome.refusal = Refusal::NotOwner;
    else if (condition.ifMatch && !(outcome.held && listed(*condition.ifMatch)))
        outcome.refusal = Refusal::PreconditionFailed;
    else if (condition.ifNoneMatch && outcome.held && listed(*condition.ifNoneMatch))
        outcome.refusal = Refusal::PreconditionFailed;
    return outcome;
}

void Store::Private::commitWrite(Transaction& transaction) {
    {
        std::lock_guard<std::mutex> lock(changeMutex);
        for (const auto& [seq, rid] : pendingChanges) changes[seq].push_back(rid);
        // Nobody asked for facets for a long while: forget, and rebuild when someone does.
        constexpr std::size_t kMaxLoggedSeqs = 200000;
        if (changes.size() > kMaxLoggedSeqs) {
            changeFloor = std::max(changeFloor, changes.rbegin()->first);
            changes.clear();
        }
    }
    try {
        transaction.commit();
    } catch (...) {
        // The seqs may be reused by another writer: the log cannot vouch for them any more.
        std::lock_guard<std::mutex> lock(changeMutex);
        for (const auto& entry : pendingChanges) changeFloor = std::max(changeFloor, entry.first);
        pendingChanges.clear();
        throw;
    }
    putsSinceDictionaryCheck += static_cast<std::int64_t>(pendingChanges.size());
    pendingChanges.clear();
    maybeTrainDictionary();
}

void Store::Private::maybeTrainDictionary() {
    if (options.dictionaryAfter <= 0 || documents.hasDictionary()) return;
    // Counted (bounded by the threshold) on the first write, then estimated from the records
    // written since, which only over-counts (replaces, deletes): then it is counted again.
    if (recordsEstimate >= 0 && recordsEstimate + putsSinceDictionaryCheck < options.dictionaryAfter) return;
    putsSinceDictionaryCheck = 0;
    try {
        // Another process on the same file (an import while the server runs) may have trained one.
        documents.load(writer);
        if (documents.hasDictionary()) return;
        const std::int64_t wanted = std::min<std::int64_t>(options.dictionaryAfter, 5000);
        std::vector<std::string> samples;
        {
            // The newest records, as many as the threshold (and never more than 5,000).
            StatementUse statement = writer.statement("SELECT json FROM records ORDER BY rid DESC LIMIT ?1");
            statement->bind(1, wanted);
            while (statement->step()) samples.push_back(documents.decode(*statement, 0, writer));
        }
        if (static_cast<std::int64_t>(samples.size()) < wanted) {
            recordsEstimate = static_cast<std::int64_t>(samples.size());
            return;
        }
        Transaction transaction(writer.database());
        if (DocumentCodec::train(writer, samples) == 0) {
            options.dictionaryAfter = 0;  // zstd found nothing to learn: compress without one
            return;
        }
        transaction.commit();
        documents.load(writer);
    } catch (const std::exception&) {
        // A dictionary only saves space: a failure to train leaves documents compressed without one.
        options.dictionaryAfter = 0;
    }
}

std::optional<std::vector<std::int64_t>> Store::Private::changedRids(std::int64_t after, std::int64_t upTo) const {
    std::lock_guard<std::mutex> lock(changeMutex);
    if (after < changeFloor) return std::nullopt;
    std::vector<std::int64_t> rids;
    std::int64_t seqs = 0;
    for (auto it = changes.upper_bound(after); it != changes.end() && it->first <= upTo; ++it) {
        ++seqs;
        rids.insert(rids.end(), it->second.begin(), it->second.end());
    }
    // Every seq in between must be one of ours (AUTOINCREMENT hands them out one by one).
    if (seqs != upTo - after) return std::nullopt;
    return rids;
}

void Store::Private::trimChanges(std::int64_t upTo) const {
    std::lock_guard<std::mutex> lock(changeMutex);
    changes.erase(changes.begin(), changes.upper_bound(upTo));
}

std::int64_t latestSeq(Connection& connection) {
    StatementUse statement = connection.statement("SELECT seq FROM sqlite_sequence WHERE name = 'feed'");
    return statement->step() ? statement->int64(0) : 0;
}

Store::Store(StoreOptions options) : m_private(std::make_unique<Private>(std::move(options))) {}
Store::~Store() {
    if (m_private) m_private->stopBuilder();  // a build under way is finished first
}

const std::string& Store::epoch() const { return m_private->epoch; }
const std::string& Store::nodeId() const { return m_private->options.nodeId; }
std::string Store::itemKey(const std::string& origin, const std::string& id) const {
    return m_private->itemKey(origin, id);
}

std::string Store::compressDocument(std::string_view json) const { return m_private->documents.compress(json); }

PutOutcome Store::put(const PutRequest& request) { return putBatch({request}).front(); }

std::vector<PutOutcome> Store::putBatch(const std::vector<PutRequest>& requests) {
    std::vector<PutOutcome> outcomes;
    outcomes.reserve(requests.size());
    if (requests.empty()) return outcomes;
    // Compressed before taking the write lock, so that concurrent publishers compress in parallel.
    std::vector<std::string> compressed;
    compressed.reserve(requests.size());
    for (const PutRequest& request : requests)
        compressed.push_back(request.document.empty() ? m_private->documents.compress(request.json) : std::string());
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    m_private->pendingChanges.clear();
    for (std::size_t i = 0; i < requests.size(); ++i)
        outcomes.push_back(m_private->putInTransaction(requests[i], &compressed[i]));
    m_private->commitWrite(transaction);
    return outcomes;
}

std::vector<PutOutcome> Store::putBatches(const std::function<bool(std::vector<PutRequest>&)>& next) {
    std::vector<PutOutcome> outcomes;
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    m_private->pendingChanges.clear();
    std::vector<PutRequest> batch;
    for (batch.clear(); next(batch); batch.clear())
        for (const PutRequest& request : batch) outcomes.push_back(m_private->putInTransaction(request, nullptr));
    for (const PutRequest& request : batch) outcomes.push_back(m_private->putInTransaction(request, nullptr));
    m_private->commitWrite(transaction);
    return outcomes;
}

bool Store::remove(const std::string& origin, const std::string& id) {
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    m_private->pendingChanges.clear();
    RemoveRequest request;
    request.origin = origin;
    request.id = id;
    bool removed = m_private->removeInTransaction(request) == RemoveOutcome::Removed;
    if (removed) m_private->commitWrite(transaction);
    return removed;
}

ConditionalOutcome Store::putIf(const PutRequest& request, const WriteCondition& condition) {
    const std::string compressed = request.document.empty() ? m_private->documents.compress(request.json) : "";
    const std::string origin = m_private->resolveOrigin(request.origin);
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    m_private->pendingChanges.clear();
    ConditionalOutcome outcome = m_private->checkCondition(origin, request.fields.id, condition);
    if (outcome.refusal != Refusal::None) return outcome;  // rolled back: nothing was written
    outcome.put = m_private->putInTransaction(request, &compressed);
    {
        StatementUse statement =
            m_private->writer.statement("SELECT hash, signature, verified FROM records WHERE origin = ?1 AND id = ?2");
        statement->bind(1, origin).bind(2, request.fields.id);
        if (statement->step()) {
            outcome.hash = statement->text(0);
            if (!statement->isNull(1)) outcome.signature = statement->text(1);
            outcome.verified = statement->int64(2) != 0;
        }
    }
    m_private->commitWrite(transaction);
    return outcome;
}

ConditionalOutcome Store::removeIf(const std::string& origin, const std::string& id, const WriteCondition& condition) {
    const std::string resolved = m_private->resolveOrigin(origin);
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    m_private->pendingChanges.clear();
    ConditionalOutcome outcome = m_private->checkCondition(resolved, id, condition);
    if (outcome.refusal != Refusal::None || !outcome.held) return outcome;
    RemoveRequest request;
    request.origin = resolved;
    request.id = id;
    outcome.removed = m_private->removeInTransaction(request) == RemoveOutcome::Removed;
    if (outcome.removed) m_private->commitWrite(transaction);
    return outcome;
}

BatchOutcome Store::apply(const WriteBatch& batch, const std::function<void(Database&)>& inTransaction) {
    BatchOutcome outcome;
    outcome.puts.reserve(batch.puts.size());
    outcome.removes.reserve(batch.removes.size());
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    m_private->pendingChanges.clear();
    for (const PutRequest& request : batch.puts) outcome.puts.push_back(m_private->putInTransaction(request, nullptr));
    for (const RemoveRequest& request : batch.removes)
        outcome.removes.push_back(m_private->removeInTransaction(request));
    if (inTransaction) inTransaction(m_private->writer.database());
    m_private->commitWrite(transaction);
    return outcome;
}

void Store::write(const std::function<void(Database&)>& work) {
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    work(m_private->writer.database());
    transaction.commit();
}

void Store::read(const std::function<void(Database&)>& work) const {
    ConnectionPool::Lease connection = m_private->readers.acquire();
    ReadSnapshot snapshot(connection->database());
    work(connection->database());
}

std::vector<std::pair<std::string, std::string>> Store::recordsOfSource(const std::string& source) const {
    std::vector<std::pair<std::string, std::string>> out;
    ConnectionPool::Lease connection = m_private->readers.acquire();
    StatementUse statement = connection->statement("SELECT origin, id FROM records WHERE source = ?1");
    statement->bind(1, source);
    while (statement->step()) out.emplace_back(statement->text(0), statement->text(1));
    return out;
}

std::int64_t Store::countOfSource(const std::string& source) const {
    ConnectionPool::Lease connection = m_private->readers.acquire();
    StatementUse statement = connection->statement("SELECT count(*) FROM records WHERE source = ?1");
    statement->bind(1, source);
    return statement->step() ? statement->int64(0) : 0;
}

std::int64_t Store::removeSource(const std::string& source) {
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    m_private->pendingChanges.clear();
    std::vector<std::pair<std::string, std::string>> records;
    {
        StatementUse statement = m_private->writer.statement("SELECT origin, id FROM records WHERE source = ?1");
        statement->bind(1, source);
        while (statement->step()) records.emplace_back(statement->text(0), statement->text(1));
    }
    std::int64_t removed = 0;
    for (const auto& [origin, id] : records) {
        RemoveRequest request;
        request.origin = origin;
        request.id = id;
        request.source = source;
        if (m_private->removeInTransaction(request) == RemoveOutcome::Removed) ++removed;
    }
    m_private->commitWrite(transaction);
    return removed;
}

std::optional<StoredRecord> Store::get(const std::string& key) const {
    ConnectionPool::Lease connection = m_private->readers.acquire();
    StatementUse statement = connection->statement(kSelectByKey);
    statement->bind(1, key);
    if (!statement->step()) return std::nullopt;
    return readStored(*statement, *connection);
}

std::optional<StoredRecord> Store::get(const std::string& origin, const std::string& id) const {
    std::string resolved = origin.empty() ? m_private->options.nodeId : origin;
    ConnectionPool::Lease connection = m_private->readers.acquire();
    StatementUse statement = connection->statement(kSelectByOriginId);
    statement->bind(1, resolved).bind(2, id);
    if (!statement->step()) return std::nullopt;
    return readStored(*statement, *connection);
}

std::optional<StoredRecord> Store::find(const std::string& keyOrId) const {
    if (auto stored = get(keyOrId)) return stored;
    ConnectionPool::Lease connection = m_private->readers.acquire();
    StatementUse statement = connection->statement(
        "SELECT " TWEELING_STORED_COLUMNS " FROM records WHERE id = ?1 LIMIT 2");
    statement->bind(1, keyOrId);
    if (!statement->step()) return std::nullopt;
    StoredRecord stored = readStored(*statement, *connection);
    if (statement->step()) return std::nullopt;  // ambiguous: the origin must be named
    return stored;
}

FeedPage Store::feed(std::int64_t after, int limit, std::size_t maxBytes) const {
    FeedPage page;
    page.epoch = m_private->epoch;
    page.origin = m_private->options.nodeId;
    ConnectionPool::Lease connection = m_private->readers.acquire();
    ReadSnapshot snapshot(connection->database());
    page.latest = latestSeq(*connection);
    if (limit <= 0) return page;
    // A put entry is the newest entry of a live record (compaction removed the others), so the
    // join always finds the record's current JSON.
    StatementUse statement = connection->statement(
        "SELECT f.seq, f.op, f.origin, f.id, f.key, f.at, r.json, f.deleted_at,"
        " CASE f.op WHEN 'put' THEN r.signature ELSE f.signature END, r.verified FROM feed f"
        " LEFT JOIN records r ON f.op = 'put' AND r.origin = f.origin AND r.id = f.id"
        " WHERE f.seq > ?1 ORDER BY f.seq LIMIT ?2");
    statement->bind(1, after).bind(2, limit);
    constexpr std::size_t kEntryOverhead = 96;  // member names, seq, op, quotes and commas
    std::size_t bytes = 0;
    while (statement->step()) {
        FeedEntry entry;
        entry.seq = statement->int64(0);
        entry.op = statement->text(1);
        entry.origin = statement->text(2);
        entry.id = statement->text(3);
        entry.key = statement->text(4);
        entry.at = statement->text(5);
        if (!statement->isNull(6)) entry.json = connection->documents().decode(*statement, 6, *connection);
        if (!statement->isNull(7)) entry.deletedAt = statement->text(7);
        if (!statement->isNull(8)) entry.signature = statement->text(8);
        entry.verified = entry.op == "put" ? statement->int64(9) != 0 : !entry.signature.empty();
        // What the entry adds to the page: its record, signature and names, and a little JSON around.
        bytes += (entry.json ? entry.json->size() : 0) + entry.signature.size() + entry.id.size() +
                 entry.origin.size() + entry.at.size() + entry.deletedAt.size() + kEntryOverhead;
        page.entries.push_back(std::move(entry));
        if (bytes >= maxBytes) break;
    }
    return page;
}

std::shared_ptr<const common::SigningKey> Store::signingKey() const {
    std::lock_guard<std::mutex> lock(m_private->signerMutex);
    return m_private->signer;
}

std::string Store::keyRotations() const {
    ConnectionPool::Lease connection = m_private->readers.acquire();
    StatementUse statement = connection->statement("SELECT value FROM meta WHERE key = 'key_rotations'");
    return statement->step() ? statement->text(0) : std::string("[]");
}

std::int64_t Store::rotateSigningKey(std::shared_ptr<const common::SigningKey> next, const std::string& statementJson) {
    if (!next || !next->valid()) throw std::invalid_argument("no new signing key");
    common::Json statement;
    if (common::parseUntrusted(statementJson, statement) || !statement.IsObject())
        throw std::invalid_argument("the rotation statement is not a JSON object");
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    common::Json history;
    {
        StatementUse select = m_private->writer.statement("SELECT value FROM meta WHERE key = 'key_rotations'");
        if (!select->step() || common::parseUntrusted(select->text(0), history) || !history.IsArray())
            history.SetArray();
    }
    history.PushBack(common::JsonValue(statement, history.GetAllocator()), history.GetAllocator());
    {
        StatementUse upsert = m_private->writer.statement(
            "INSERT INTO meta(key, value) VALUES ('key_rotations', ?1) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        upsert->bind(1, common::toString(history));
        upsert->execute();
    }
    std::shared_ptr<const common::SigningKey> previous;
    {
        std::lock_guard<std::mutex> signerLock(m_private->signerMutex);
        previous = m_private->signer;
        m_private->signer = next;
    }
    try {
        std::int64_t count = m_private->signOwnRecords(true);
        transaction.commit();
        return count;
    } catch (...) {
        std::lock_guard<std::mutex> signerLock(m_private->signerMutex);
        m_private->signer = previous;
        throw;
    }
}

StoreHealth Store::health() const {
    StoreHealth health;
    health.epoch = m_private->epoch;
    try {
        ConnectionPool::Lease connection = m_private->readers.acquire();
        ReadSnapshot snapshot(connection->database());
        {
            health.records = ftsRowCount(*connection);
        }
        health.latestSeq = latestSeq(*connection);
        health.ok = true;
    } catch (const std::exception& error) {
        health.ok = false;
        health.detail = error.what();
    }
    return health;
}

}  // namespace tweeling::registry::store
