// Store reads outside search: records by key, by origin and id, by source, and a read snapshot.
#include "store/store.hpp"

#include "store/store_private.hpp"

namespace tweeling::registry::store {
namespace {

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

}  // namespace

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

}  // namespace tweeling::registry::store
