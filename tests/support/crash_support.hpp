#pragma once
// What the crash tests (tests/registry/api/crash_test.cpp, tests/federation/hub/crash_test.cpp)
// share: a program started in the background and killed at a chosen moment, the database opened
// with sqlite3 directly (not through the store) to check it as SQLite sees it, records made from
// a sample, and the seeded random numbers whose seed every test prints.
#include "support/http_client.hpp"

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

struct sqlite3;

namespace tweeling::test::crash {

// A program running in the background with stdout and stderr going to files, for commands that
// print no "listening on" line (`import`, `harvest`). SIGKILLed when destroyed if still running.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const std::string& outPath, const std::string& errPath);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    // Waits up to `ms` for the program to end; true when it has (its status is then kept).
    bool waitFor(int ms);
    // SIGKILL and reap; true when the program was still running (it was killed, not finished).
    bool kill();
    int exitCode() const { return m_exitCode; }  // -1 while running or after a signal

private:
    int m_pid = -1;
    int m_exitCode = -1;
};

// A database file opened read-only with sqlite3 itself.
class Sqlite {
public:
    explicit Sqlite(const std::string& path);
    ~Sqlite();
    Sqlite(const Sqlite&) = delete;
    Sqlite& operator=(const Sqlite&) = delete;
    // The rows of a query, each column as text ("" for NULL), joined by '|'.
    std::vector<std::string> rows(const std::string& sql);
    std::int64_t number(const std::string& sql);  // the first column of the first row
    std::set<std::string> column(const std::string& sql);

private:
    sqlite3* m_db = nullptr;
};

// PRAGMA integrity_check and PRAGMA foreign_key_check, as one text: "ok" when both are clean.
std::string checkDatabase(const std::string& path);

// A valid record (the first Amsterdam sample) with this id and title, as compact JSON.
std::string record(const std::string& id, const std::string& title);
// The publisher of that record (a key for it publishes it).
inline const char* const kPublisher = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";

// The seed of a crash test: $TWEELING_CRASH_SEED, else a random one; printed by the caller.
std::uint32_t seed();

// GET `url` until `metric` (a line "name value" of /metrics) is at least `atLeast`, at most
// `timeoutMs`; returns its last value.
double waitForMetric(const std::string& baseUrl, const std::string& metric, double atLeast, int timeoutMs);

}  // namespace tweeling::test::crash
