#include "support/crash_support.hpp"

#include "common/json.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tweeling::test::crash {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& outPath,
                           const std::string& errPath) {
    m_pid = spawnRedirected(argv, "/dev/null", outPath, errPath);
    if (m_pid < 0) throw std::runtime_error("fork failed");
}

ChildProcess::~ChildProcess() { kill(); }

bool ChildProcess::waitFor(int ms) {
    if (m_pid <= 0) return true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (true) {
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            m_exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

bool ChildProcess::kill() {
    if (m_pid <= 0) return false;
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {  // it had ended already
        m_pid = -1;
        m_exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return false;
    }
    ::kill(m_pid, SIGKILL);
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    m_exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return !WIFEXITED(status);
}

Sqlite::Sqlite(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        throw std::runtime_error("cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(m_db, 10000);
}

Sqlite::~Sqlite() { sqlite3_close(m_db); }

std::vector<std::string> Sqlite::rows(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("cannot prepare ") + sql + ": " + sqlite3_errmsg(m_db));
    std::vector<std::string> result;
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < sqlite3_column_count(statement); ++i) {
            const unsigned char* text = sqlite3_column_text(statement, i);
            row += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "");
        }
        result.push_back(std::move(row));
    }
    std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(m_db);
    sqlite3_finalize(statement);
    if (!error.empty()) throw std::runtime_error(sql + ": " + error);
    return result;
}

std::int64_t Sqlite::number(const std::string& sql) {
    auto result = rows(sql);
    if (result.empty()) throw std::runtime_error(sql + ": no row");
    return std::stoll(result.front());
}

std::set<std::string> Sqlite::column(const std::string& sql) {
    auto result = rows(sql);
    return {result.begin(), result.end()};
}

std::string checkDatabase(const std::string& path) {
    Sqlite db(path);
    std::string report;
    for (const auto& row : db.rows("PRAGMA integrity_check")) report += row + "\n";
    if (report == "ok\n") report = "ok";
    for (const auto& row : db.rows("PRAGMA foreign_key_check")) report += "\nforeign key: " + row;
    return report;
}

std::string record(const std::string& id, const std::string& title) {
    static const common::Json samples = parseJsonText(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    common::Json doc;
    doc.CopyFrom(samples[0], doc.GetAllocator());
    doc["id"].SetString(id.c_str(), doc.GetAllocator());
    doc["properties"]["title"].SetString(title.c_str(), doc.GetAllocator());
    return common::toString(doc);
}

std::uint32_t seed() {
    if (const char* given = std::getenv("TWEELING_CRASH_SEED"); given && *given)
        return static_cast<std::uint32_t>(std::stoul(given));
    return std::random_device{}();
}

double waitForMetric(const std::string& baseUrl, const std::string& metric, double atLeast, int timeoutMs) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    double value = -1;
    while (true) {
        std::istringstream lines(get(baseUrl + "/metrics").body);
        for (std::string line; std::getline(lines, line);)
            if (line.rfind(metric + " ", 0) == 0) value = std::stod(line.substr(metric.size() + 1));
        if (value >= atLeast || std::chrono::steady_clock::now() >= deadline) return value;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace tweeling::test::crash
