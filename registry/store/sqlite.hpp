#pragma once
// Thin RAII wrapper over the SQLite C API, modelled on SQLiteCpp: move-only owners with noexcept
// deleters, one check() that throws SqliteError carrying the native code, a Transaction that rolls
// back unless committed. The C header stays out of this public header.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tweeling::registry::store {

class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    int code() const noexcept { return m_code; }
    // The disk (or the size limit, StoreOptions::maxPageCount) is full: SQLITE_FULL, with any
    // extended code. The write was rolled back; it can succeed once space is freed.
    bool diskFull() const noexcept;
    // Another connection held the write lock for longer than the busy timeout (SQLITE_BUSY or
    // SQLITE_LOCKED): worth retrying later.
    bool busy() const noexcept;

private:
    int m_code;
};

class Database;

class Statement {
public:
    Statement(Database& database, std::string_view sql);
    Statement(Statement&&) noexcept = default;
    Statement& operator=(Statement&&) noexcept = default;

    // Binding, 1-based like SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bindBlob(int index, const void* data, std::size_t size);
    Statement& bindNull(int index);

    // Returns true while a row is available.
    bool step();
    // Runs a statement that returns no rows (or ignores them), then resets it.
    void execute();
    // Resets for re-use and clears bindings.
    void reset();

    bool isNull(int column) const;
    bool isBlob(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    std::string_view textView(int column) const;  // valid until the next step/reset
    std::string_view blobView(int column) const;  // the bytes as stored; valid until the next step/reset
    int columnCount() const;

private:
    struct Finalizer {
        void operator()(sqlite3_stmt* statement) const noexcept;
    };
    sqlite3* m_db;
    std::unique_ptr<sqlite3_stmt, Finalizer> m_statement;
};

class Database {
public:
    enum class Mode { ReadWrite, ReadOnly };
    explicit Database(const std::string& path, Mode mode = Mode::ReadWrite);
    Database(Database&&) noexcept = default;
    Database& operator=(Database&&) noexcept = default;

    void exec(std::string_view sql);
    std::int64_t lastInsertRowId() const;
    int changes() const;
    sqlite3* handle() const noexcept { return m_db.get(); }
    // Throws SqliteError when `code` is not SQLITE_OK/ROW/DONE.
    void check(int code) const;

private:
    struct Closer {
        void operator()(sqlite3* db) const noexcept;
    };
    std::unique_ptr<sqlite3, Closer> m_db;
};

// BEGIN IMMEDIATE on construction (writers take the lock up front, so a read-then-write never fails
// with SQLITE_BUSY half way); ROLLBACK in the destructor unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database& database);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& m_database;
    bool m_done = false;
};

}  // namespace tweeling::registry::store
