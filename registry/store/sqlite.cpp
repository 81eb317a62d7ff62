#include "store/sqlite.hpp"

#include <sqlite3.h>

namespace tweeling::registry::store {

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
void Database::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

Database::Database(const std::string& path, Mode mode) {
    sqlite3* raw = nullptr;
    int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    m_db.reset(raw);
    if (rc != SQLITE_OK) {
        std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
        throw SqliteError(rc, "cannot open database " + path + ": " + message);
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
}

bool SqliteError::diskFull() const noexcept { return (m_code & 0xff) == SQLITE_FULL; }
bool SqliteError::busy() const noexcept {
    return (m_code & 0xff) == SQLITE_BUSY || (m_code & 0xff) == SQLITE_LOCKED;
}

void Database::check(int code) const {
    if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) return;
    throw SqliteError(code, std::string("sqlite: ") + sqlite3_errmsg(m_db.get()));
}

void Database::exec(std::string_view sql) {
    std::string copy(sql);
    char* error = nullptr;
    int rc = sqlite3_exec(m_db.get(), copy.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw SqliteError(rc, "sqlite: " + message);
    }
}

std::int64_t Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(m_db.get()); }
int Database::changes() const { return sqlite3_changes(m_db.get()); }

Statement::Statement(Database& database, std::string_view sql) : m_db(database.handle()) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                                nullptr);
    m_statement.reset(raw);
    if (rc != SQLITE_OK)
        throw SqliteError(rc, std::string("sqlite prepare: ") + sqlite3_errmsg(m_db) + " in: " + std::string(sql));
}

namespace {
void checkBind(sqlite3* db, int rc) {
    if (rc != SQLITE_OK) throw SqliteError(rc, std::string("sqlite bind: ") + sqlite3_errmsg(db));
}
}  // namespace

Statement& Statement::bind(int index, std::int64_t value) {
    checkBind(m_db, sqlite3_bind_int64(m_statement.get(), index, value));
    return *this;
}
Statement& Statement::bind(int index, double value) {
    checkBind(m_db, sqlite3_bind_double(m_statement.get(), index, value));
    return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
    checkBind(m_db, sqlite3_bind_text64(m_statement.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                                        SQLITE_UTF8));
    return *this;
}
Statement& Statement::bindBlob(int index, const void* data, std::size_t size) {
    checkBind(m_db, sqlite3_bind_blob64(m_statement.get(), index, data, size, SQLITE_TRANSIENT));
    return *this;
}
Statement& Statement::bindNull(int index) {
    checkBind(m_db, sqlite3_bind_null(m_statement.get(), index));
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(m_statement.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SqliteError(rc, std::string("sqlite step: ") + sqlite3_errmsg(m_db));
}

void Statement::execute() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_statement.get());
    sqlite3_clear_bindings(m_statement.get());
}

bool Statement::isNull(int column) const { return sqlite3_column_type(m_statement.get(), column) == SQLITE_NULL; }
std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(m_statement.get(), column); }
double Statement::real(int column) const { return sqlite3_column_double(m_statement.get(), column); }
std::string Statement::text(int column) const { return std::string(textView(column)); }
std::string_view Statement::textView(int column) const {
    const unsigned char* data = sqlite3_column_text(m_statement.get(), column);
    int size = sqlite3_column_bytes(m_statement.get(), column);
    return data ? std::string_view(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size))
                : std::string_view();
}
bool Statement::isBlob(int column) const { return sqlite3_column_type(m_statement.get(), column) == SQLITE_BLOB; }
std::string_view Statement::blobView(int column) const {
    const void* data = sqlite3_column_blob(m_statement.get(), column);
    int size = sqlite3_column_bytes(m_statement.get(), column);
    return data ? std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string_view();
}
int Statement::columnCount() const { return sqlite3_column_count(m_statement.get()); }

Transaction::Transaction(Database& database) : m_database(database) { m_database.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (!m_done) {
        try {
            m_database.exec("ROLLBACK");
        } catch (...) {
            // Nothing sensible to do in a destructor; SQLite rolls back on close anyway.
        }
    }
}

void Transaction::commit() {
    m_database.exec("COMMIT");
    m_done = true;
}

}  // namespace tweeling::registry::store
