#include "store/connection.hpp"

#include "store/fts_rank.hpp"

#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace tweeling::registry::store {

Connection::Connection(const std::string& path, Database::Mode mode, std::int64_t cacheKiB)
    : m_database(path, mode) {
    // PRAGMAs take no bound parameters; the only value spliced in is an integer we formatted.
    // A negative cache_size is in KiB.
    std::int64_t cache = cacheKiB > 0 ? cacheKiB : 2000;
    m_database.exec("PRAGMA cache_size = -" + std::to_string(cache));
    m_database.exec("PRAGMA busy_timeout = 5000");
    m_database.exec("PRAGMA temp_store = MEMORY");
    registerRankFunctions(m_database.handle());
    registerBoxScan(m_database.handle(), m_boxScan.get());
    if (mode == Database::Mode::ReadWrite) {
        m_database.exec("PRAGMA journal_mode = WAL");
        m_database.exec("PRAGMA synchronous = NORMAL");
        m_database.exec("PRAGMA foreign_keys = ON");
    } else {
        m_database.exec("PRAGMA query_only = ON");
    }
}

const DocumentCodec& Connection::documents() const {
    if (!m_documents) throw std::logic_error("this connection has no document codec");
    return *m_documents;
}

StatementUse Connection::statement(std::string_view sql) {
    auto found = m_statements.find(sql);
    if (found == m_statements.end())
        found = m_statements.emplace(std::string(sql), Statement(m_database, sql)).first;
    return StatementUse(found->second);
}

void Connection::trimCache(std::size_t maxStatements) {
    if (m_statements.size() > maxStatements) m_statements.clear();
}

ReadSnapshot::ReadSnapshot(Database& database) : m_database(database) {
    m_owns = sqlite3_get_autocommit(m_database.handle()) != 0;
    if (m_owns) m_database.exec("BEGIN");
}

ReadSnapshot::~ReadSnapshot() {
    if (!m_owns) return;
    try {
        m_database.exec("COMMIT");
    } catch (...) {
        try {
            m_database.exec("ROLLBACK");
        } catch (...) {
            // A read transaction that cannot end is closed with the connection.
        }
    }
}

ConnectionPool::ConnectionPool(std::string path, std::int64_t cacheKiB, std::size_t maxIdle)
    : m_path(std::move(path)), m_cacheKiB(cacheKiB), m_maxIdle(maxIdle) {}

ConnectionPool::Lease ConnectionPool::acquire() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_idle.empty()) {
            std::unique_ptr<Connection> connection = std::move(m_idle.back());
            m_idle.pop_back();
            return Lease(*this, std::move(connection));
        }
    }
    // Opened outside the lock: opening a connection reads the schema and may wait on the disk.
    auto connection = std::make_unique<Connection>(m_path, Database::Mode::ReadOnly, m_cacheKiB);
    connection->setDocuments(m_documents);
    return Lease(*this, std::move(connection));
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) noexcept {
    if (!connection) return;
    try {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_idle.size() < m_maxIdle) m_idle.push_back(std::move(connection));
    } catch (...) {
        // Out of memory: the connection just closes.
    }
    // Otherwise the connection closes here: more threads read at once than we keep idle.
}

ConnectionPool::Lease::~Lease() {
    if (m_connection) m_pool->release(std::move(m_connection));
}

}  // namespace tweeling::registry::store
