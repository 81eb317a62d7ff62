#pragma once
// One SQLite connection with its prepared-statement cache, and the pool of read connections the
// Store hands to reader threads. Internal to registry/store.
//
// A connection is only ever used by one thread at a time: the writer connection sits behind the
// Store's write mutex, read connections are checked out of the pool for the length of one call.
#include "store/box_scan.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::store {

class Connection;
class DocumentCodec;  // documents.hpp

// A cached statement checked out for one use: reset (and its bindings cleared) when the use ends,
// even by an exception, so a half-stepped statement never holds a read snapshot open.
class StatementUse {
public:
    explicit StatementUse(Statement& statement) : m_statement(&statement) {}
    ~StatementUse() { m_statement->reset(); }
    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;
    Statement* operator->() const { return m_statement; }
    Statement& operator*() const { return *m_statement; }

private:
    Statement* m_statement;
};

class Connection {
public:
    Connection(const std::string& path, Database::Mode mode, std::int64_t cacheKiB);

    Database& database() { return m_database; }
    // Prepared once per connection on first use, then reused. References stay valid until
    // trimCache() drops them.
    StatementUse statement(std::string_view sql);
    // Drops all cached statements when there are more than `maxStatements` (the search planner
    // makes one SQL text per query shape, so the cache is bounded here). Call only when no
    // StatementUse of this connection is alive.
    void trimCache(std::size_t maxStatements);
    std::size_t cachedStatements() const { return m_statements.size(); }
    // How stored documents are decoded on this connection (set by the Store that owns it).
    void setDocuments(const DocumentCodec* documents) { m_documents = documents; }
    const DocumentCodec& documents() const;
    // The state of the tw_box R*Tree query on this connection (box_scan.hpp).
    BoxScan& boxScan() { return *m_boxScan; }

private:
    // On the heap (SQLite holds its address), and declared first so that it outlives the database.
    std::unique_ptr<BoxScan> m_boxScan = std::make_unique<BoxScan>();
    Database m_database;
    std::map<std::string, Statement, std::less<>> m_statements;
    const DocumentCodec* m_documents = nullptr;
};

// A read snapshot: every query inside sees the same committed state (BEGIN ... COMMIT on a read
// connection). Ends the read transaction when destroyed.
class ReadSnapshot {
public:
    explicit ReadSnapshot(Database& database);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
    Database& m_database;
    bool m_owns = false;  // false inside a snapshot already open on this connection (nested use)
};

class ConnectionPool {
public:
    ConnectionPool(std::string path, std::int64_t cacheKiB, std::size_t maxIdle = 16);
    // Given to every connection this pool opens (set before the first acquire).
    void setDocuments(const DocumentCodec* documents) { m_documents = documents; }

    // A connection for the current call; returned to the pool when the lease ends.
    class Lease {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
            : m_pool(&pool), m_connection(std::move(connection)) {}
        ~Lease();
        Lease(Lease&& other) noexcept = default;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease& operator=(Lease&&) = delete;
        Connection& operator*() const { return *m_connection; }
        Connection* operator->() const { return m_connection.get(); }

    private:
        ConnectionPool* m_pool;
        std::unique_ptr<Connection> m_connection;
    };

    Lease acquire();

private:
    void release(std::unique_ptr<Connection> connection) noexcept;

    std::string m_path;
    std::int64_t m_cacheKiB;
    std::size_t m_maxIdle;
    const DocumentCodec* m_documents = nullptr;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Connection>> m_idle;
};

}  // namespace tweeling::registry::store
