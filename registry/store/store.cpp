// The Store: opening (migration, node id, epoch), signing records with this node's key and
// rotating it, the dictionary of stored documents, health. Writes are in store_write.cpp, reads in
// store_read.cpp, the feed in store_feed.cpp.
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

StoreOptions checked(StoreOptions options) {
    // Readers open their own connections to the same file, which an in-memory database cannot offer.
    if (options.path.empty() || options.path == ":memory:" || options.path.rfind("file:", 0) == 0)
        throw std::invalid_argument("store path must be a database file");
    return options;
}

}  // namespace

Store::Private::Private(StoreOptions storeOptions)
    : options(checked(std::move(storeOptions))),
      writer(options.path, Database::Mode::ReadWrite, options.cacheKiB),
      readers(options.path, options.cacheKiB) {
    migrate(writer.database());
    // A size limit on the file (PRAGMA max_page_count holds for this connection only, and the writer
    // is the only connection that writes). Set after the migrations, so that a new file always gets
    // its schema; SQLite never lowers it below the file's current size.
    if (options.maxPageCount > 0)
        writer.database().exec("PRAGMA max_page_count = " + std::to_string(options.maxPageCount));
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

void Store::write(const std::function<void(Database&)>& work) {
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    work(m_private->writer.database());
    transaction.commit();
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
