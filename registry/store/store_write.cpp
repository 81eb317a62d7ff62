// Store writes: puts, removes, conditional writes (putIf/removeIf) and batches, each in one write
// transaction on the writer connection; the helpers a put calls live here too, so that they can
// be inlined into it.
#include "store/store.hpp"

#include "common/jcs.hpp"
#include "common/sha256.hpp"
#include "common/time.hpp"
#include "store/planner.hpp"
#include "store/store_private.hpp"

#include <stdexcept>

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

// The record a put meets under its (origin, id): whether the put goes ahead, and the row it replaces.
struct HeldRecord {
    std::optional<PutOutcome> refusal;  // set when the put is refused (or changes nothing)
    std::optional<std::int64_t> rid;     // the held row, when there is one and the put goes ahead
};

HeldRecord checkHeld(Connection& writer, const PutRequest& request, const std::string& origin,
                     const std::string& hash) {
    const record::IndexedRecord& fields = request.fields;
    HeldRecord held;
    StatementUse statement =
        writer.statement("SELECT rid, hash, source, updated, verified FROM records WHERE origin = ?1 AND id = ?2");
    statement->bind(1, origin).bind(2, fields.id);
    if (statement->step()) {
        const bool heldVerified = statement->int64(4) != 0;
        const bool harvested = !request.source.empty();
        // The same content now signed is not "unchanged": its signature replaces the unsigned copy.
        if (statement->textView(1) == hash && (heldVerified || !request.verified)) {
            held.refusal = PutOutcome::Unchanged;
            return held;
        }
        // A hub: only the origin's key changes a signed record, whatever path a copy comes by
        // and whatever `updated` it claims (a relay that lists the origin as an unsigned
        // catalog, or one that races the origin's key being pinned here).
        if (harvested && heldVerified && !request.verified) {
            held.refusal = PutOutcome::Unsigned;
            return held;
        }
        const bool signedOverUnsigned = harvested && request.verified && !heldVerified;
        // One record, two paths (a municipality directly and through its province): the newer
        // `updated` wins; the source that holds it keeps it on a tie. A signed copy wins over
        // an unsigned one from another path, newer or not.
        if (statement->textView(2) != request.source && fields.updated <= statement->int64(3) &&
            !signedOverUnsigned) {
            held.refusal = PutOutcome::Stale;
            return held;
        }
        // A hub refuses an older version of a record it holds (a replay, or a feed served
        // from a stale copy); a node's publishers own their records and may set any time.
        if (harvested && fields.updated < statement->int64(3) && !signedOverUnsigned) {
            held.refusal = PutOutcome::Replayed;
            return held;
        }
        held.rid = statement->int64(0);
    }
    return held;
}

// What a put writes to its records row (besides origin and id, which a row keeps).
struct RecordRow {
    const record::IndexedRecord& fields;
    const std::string& key;
    std::int64_t seq;
    const std::string& hash;
    const std::string& document;
    const std::string& source;
    const std::string& signature;
    bool verified;
};

// Rewrites the held row; its record_values and records_rtree rows go, to be written again.
void updateRecordRow(Connection& writer, std::int64_t rid, const RecordRow& row) {
    {
        StatementUse statement = writer.statement(kUpdateRecord);
        bindRecordColumns(*statement, row.fields, row.key, row.seq, row.hash, row.document);
        statement->bind(20, row.source).bind(21, rid).bind(23, row.verified ? 1 : 0);
        if (row.signature.empty()) statement->bindNull(22); else statement->bind(22, row.signature);
        statement->execute();
    }
    StatementUse values = writer.statement("DELETE FROM record_values WHERE rid = ?1");
    values->bind(1, rid);
    values->execute();
    StatementUse box = writer.statement("DELETE FROM records_rtree WHERE rid = ?1");
    box->bind(1, rid);
    box->execute();
}

// Inserts a new row; returns its rid.
std::int64_t insertRecordRow(Connection& writer, const std::string& origin, const RecordRow& row) {
    StatementUse statement = writer.statement(kInsertRecord);
    bindRecordColumns(*statement, row.fields, row.key, row.seq, row.hash, row.document);
    statement->bind(20, row.source).bind(21, origin).bind(22, row.fields.id).bind(24, row.verified ? 1 : 0);
    if (row.signature.empty()) statement->bindNull(23); else statement->bind(23, row.signature);
    statement->execute();
    return writer.database().lastInsertRowId();
}

// The facet values of a record (themes, formats, admin units, type, publisher, a hub's validation).
void insertRecordValues(Connection& writer, std::int64_t rid, const record::IndexedRecord& fields) {
    // Duplicate values (a theme listed twice) collapse on the primary key.
    StatementUse statement =
        writer.statement("INSERT OR IGNORE INTO record_values(kind, value, rid) VALUES (?1, ?2, ?3)");
    auto post = [&](const char* kind, const std::string& value) {
        if (value.empty()) return;
        statement->bind(1, kind).bind(2, value).bind(3, rid);
        statement->execute();
    };
    for (const std::string& theme : fields.themes) post(planner::kTheme, theme);
    for (const std::string& format : fields.formats) post(planner::kFormat, format);
    for (const std::string& unit : fields.adminUnits) post(planner::kAdminUnit, unit);
    post(planner::kType, fields.type);
    post(planner::kPublisher, fields.publisherId);
    post(planner::kValidation, fields.validation);
}

// The record's bounding box in the R*Tree.
void insertRecordBox(Connection& writer, std::int64_t rid, const record::Bbox& bbox) {
    StatementUse statement = writer.statement(
        "INSERT INTO records_rtree(rid, min_x, max_x, min_y, max_y) VALUES (?1, ?2, ?3, ?4, ?5)");
    statement->bind(1, rid).bind(2, bbox.minX).bind(3, bbox.maxX).bind(4, bbox.minY).bind(5, bbox.maxY);
    statement->execute();
}

}  // namespace

std::string entityTag(std::string_view hash, std::string_view signature) {
    std::string tag(hash);
    if (!signature.empty()) tag.append("-").append(signature.substr(0, 16));
    return tag;
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

    const HeldRecord held = checkHeld(writer, request, origin, hash);
    if (held.refusal) return *held.refusal;
    std::optional<std::int64_t> rid = held.rid;

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
    const RecordRow row{fields, key, seq, hash, document, request.source, signature, verified};
    if (existed) {
        ftsRemove(*rid);
        updateRecordRow(writer, *rid, row);
    } else {
        rid = insertRecordRow(writer, origin, row);
    }
    ftsAdd(*rid, fields);
    noteChange(seq, *rid);

    insertRecordValues(writer, *rid, fields);
    if (fields.bbox) insertRecordBox(writer, *rid, *fields.bbox);
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

}  // namespace tweeling::registry::store
