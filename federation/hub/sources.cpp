#include "hub/sources.hpp"

#include "common/time.hpp"
#include "store/sqlite.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

using registry::store::Database;
using registry::store::Statement;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS sources(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  url TEXT NOT NULL,
  every_seconds INTEGER NOT NULL,
  connect_timeout_ms INTEGER NOT NULL,
  total_timeout_ms INTEGER NOT NULL,
  max_bytes INTEGER NOT NULL,
  max_delete_fraction REAL NOT NULL,
  added TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'never-harvested',
  last_attempt TEXT,
  last_success TEXT,
  last_error TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  next_harvest INTEGER NOT NULL DEFAULT 0,
  epoch TEXT NOT NULL DEFAULT '',
  cursor INTEGER NOT NULL DEFAULT 0,
  records_rejected INTEGER NOT NULL DEFAULT 0,
  allow_private INTEGER NOT NULL DEFAULT 0,
  tls_pin TEXT NOT NULL DEFAULT '',
  catalog_since TEXT NOT NULL DEFAULT '',
  rounds_since_full INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS harvest_reports(
  run INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  at TEXT NOT NULL,
  report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS harvest_reports_by_source ON harvest_reports(source, run);
)sql";

// Columns added to `sources` after its first release: databases made before get them on opening.
struct AddedColumn {
    const char* name;
    const char* definition;
};
constexpr AddedColumn kAddedColumns[] = {
    {"allow_private", "INTEGER NOT NULL DEFAULT 0"},
    {"tls_pin", "TEXT NOT NULL DEFAULT ''"},
    {"catalog_since", "TEXT NOT NULL DEFAULT ''"},
    {"rounds_since_full", "INTEGER NOT NULL DEFAULT 0"},
};

void addMissingColumns(Database& database) {
    std::vector<std::string> present;
    Statement columns(database, "PRAGMA table_info(sources)");
    while (columns.step()) present.push_back(columns.text(1));
    columns.reset();
    for (const AddedColumn& column : kAddedColumns) {
        if (std::find(present.begin(), present.end(), column.name) != present.end()) continue;
        database.exec(std::string("ALTER TABLE sources ADD COLUMN ") + column.name + " " + column.definition);
    }
}

// "sha256//" and the base64 of 32 bytes, several joined by ';' as libcurl takes them.
bool isPinList(const std::string& pins) {
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = pins.find(';', start);
        const std::string pin = pins.substr(start, end == std::string::npos ? std::string::npos : end - start);
        constexpr std::size_t kPrefix = 8;  // "sha256//"
        if (pin.size() != kPrefix + 44 || pin.compare(0, kPrefix, "sha256//") != 0 || pin.back() != '=') return false;
        for (std::size_t i = kPrefix; i + 1 < pin.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(pin[i]);
            if (std::isalnum(c) == 0 && c != '+' && c != '/') return false;
        }
        if (end == std::string::npos) return true;
        start = end + 1;
    }
}

// Reports older than the newest few per source are dropped so the table stays small.
constexpr int kReportsKept = 20;

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<std::string> optionalText(Statement& statement, int column) {
    if (statement.isNull(column)) return std::nullopt;
    return statement.text(column);
}

constexpr const char* kSelectSource =
    "SELECT id, kind, url, every_seconds, connect_timeout_ms, total_timeout_ms, max_bytes, max_delete_fraction,"
    " added, state, last_attempt, last_success, last_error, consecutive_failures, next_harvest, epoch, cursor,"
    " records_rejected, allow_private, tls_pin, catalog_since, rounds_since_full FROM sources";

SourceState readSource(Statement& statement) {
    SourceState state;
    state.config.id = statement.text(0);
    state.config.kind = parseKind(statement.text(1)).value_or(SourceKind::Tweeling);
    state.config.url = statement.text(2);
    state.config.everySeconds = statement.int64(3);
    state.config.connectTimeoutMs = static_cast<long>(statement.int64(4));
    state.config.totalTimeoutMs = static_cast<long>(statement.int64(5));
    state.config.maxBytes = statement.int64(6);
    state.config.maxDeleteFraction = statement.real(7);
    state.added = statement.text(8);
    state.state = statement.text(9);
    state.lastAttempt = optionalText(statement, 10);
    state.lastSuccess = optionalText(statement, 11);
    state.lastError = optionalText(statement, 12);
    state.consecutiveFailures = static_cast<int>(statement.int64(13));
    state.nextHarvest = statement.int64(14);
    state.epoch = statement.text(15);
    state.cursor = statement.int64(16);
    state.recordsRejected = statement.int64(17);
    state.config.allowPrivate = statement.int64(18) != 0;
    state.config.tlsPin = statement.text(19);
    state.catalogSince = statement.text(20);
    state.roundsSinceFull = static_cast<int>(statement.int64(21));
    return state;
}

}  // namespace

const char* kindName(SourceKind kind) {
    switch (kind) {
        case SourceKind::Tweeling: return "tweeling";
        case SourceKind::OgcApiRecords: return "ogcapi-records";
        case SourceKind::Ckan: return "ckan";
        case SourceKind::Csw: return "csw";
        case SourceKind::Dcat: return "dcat";
    }
    return "tweeling";
}

std::optional<SourceKind> parseKind(const std::string& text) {
    if (text == "tweeling") return SourceKind::Tweeling;
    if (text == "ogcapi-records") return SourceKind::OgcApiRecords;
    if (text == "ckan") return SourceKind::Ckan;
    if (text == "csw") return SourceKind::Csw;
    if (text == "dcat") return SourceKind::Dcat;
    return std::nullopt;
}

std::optional<std::string> validateConfig(const SourceConfig& config) {
    const std::string& id = config.id;
    bool idOk = !id.empty() && id.size() <= 64 && (std::isalnum(static_cast<unsigned char>(id[0])) != 0) &&
                std::all_of(id.begin(), id.end(), [](unsigned char c) {
                    return (std::islower(c) != 0) || (std::isdigit(c) != 0) || c == '.' || c == '_' || c == '-';
                });
    if (!idOk) return "id: use 1 to 64 lower-case letters, digits, '.', '_' or '-', e.g. gm0363";
    if (config.url.rfind("http://", 0) != 0 && config.url.rfind("https://", 0) != 0)
        return "url: must be an http or https URL";
    if (config.url.size() > 2048) return "url: must be at most 2048 characters long";
    if (std::any_of(config.url.begin(), config.url.end(),
                    [](unsigned char c) { return c <= 0x20 || c == 0x7F; }))
        return "url: must not contain spaces or control characters (CR, LF, tab, ...)";
    {
        // The authority: credentials in it would be shown wherever the source is (GET /sources).
        const std::size_t start = config.url.find("://") + 3;
        const std::size_t end = config.url.find_first_of("/?#", start);
        const std::string authority = config.url.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (authority.find('@') != std::string::npos)
            return "url: must not hold credentials (user:password@host): GET /sources shows a source's URL to "
                   "everyone; a catalog that needs a login cannot be harvested";
        if (authority.empty()) return "url: has no host";
    }
    if (config.everySeconds < 10 || config.everySeconds > 7 * 86400)
        return "every: must be between 10 seconds and 7 days";
    // Each named by its own member: a registration's problem points at it (/connectTimeoutMs).
    if (config.connectTimeoutMs < 100) return "connectTimeoutMs: must be at least 100 ms";
    if (config.totalTimeoutMs < 100) return "totalTimeoutMs: must be at least 100 ms";
    if (config.maxBytes < 1024) return "maxBytes: must be at least 1 KiB";
    if (config.maxDeleteFraction < 0 || config.maxDeleteFraction > 1)
        return "maxDeleteFraction: must be between 0 and 1";
    if (!config.tlsPin.empty()) {
        if (!isPinList(config.tlsPin))
            return "tlsPin: must be sha256// followed by the base64 SHA-256 of the server's public key "
                   "(several joined by ';')";
        if (config.url.rfind("https://", 0) != 0) return "tlsPin: a pinned source needs an https URL";
    }
    return std::nullopt;
}

SourceRegistry::SourceRegistry(registry::store::Store& store) : m_store(store), m_deletions(store) {
    m_store.write([](Database& database) {
        database.exec(kSchema);
        addMissingColumns(database);
    });
}

void SourceRegistry::add(const SourceConfig& config) {
    if (auto problem = validateConfig(config)) throw std::invalid_argument(*problem);
    bool taken = false;
    m_store.write([&](Database& database) {
        Statement exists(database, "SELECT 1 FROM sources WHERE id = ?1");
        exists.bind(1, config.id);
        if (exists.step()) {
            taken = true;
            return;
        }
        Statement insert(database,
                         "INSERT INTO sources(id, kind, url, every_seconds, connect_timeout_ms, total_timeout_ms,"
                         " max_bytes, max_delete_fraction, added, allow_private, tls_pin)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        insert.bind(1, config.id)
            .bind(2, kindName(config.kind))
            .bind(3, config.url)
            .bind(4, config.everySeconds)
            .bind(5, static_cast<std::int64_t>(config.connectTimeoutMs))
            .bind(6, static_cast<std::int64_t>(config.totalTimeoutMs))
            .bind(7, config.maxBytes)
            .bind(8, config.maxDeleteFraction)
            .bind(9, common::nowRfc3339())
            .bind(10, config.allowPrivate ? 1 : 0)
            .bind(11, config.tlsPin);
        insert.execute();
    });
    if (taken) throw std::runtime_error("a source with id '" + config.id + "' exists already");
}

bool SourceRegistry::remove(const std::string& id) {
    if (!get(id)) return false;
    // Records first (with tombstones, so hubs above learn of it), then the bookkeeping.
    m_store.removeSource(id);
    m_store.write([&](Database& database) {
        for (const char* sql : {"DELETE FROM sources WHERE id = ?1", "DELETE FROM harvest_reports WHERE source = ?1"}) {
            Statement statement(database, sql);
            statement.bind(1, id);
            statement.execute();
        }
        m_deletions.forget(database, id);
    });
    return true;
}

std::optional<SourceState> SourceRegistry::get(const std::string& id) const {
    std::optional<SourceState> state;
    m_store.read([&](Database& database) {
        Statement statement(database, std::string(kSelectSource) + " WHERE id = ?1");
        statement.bind(1, id);
        if (statement.step()) state = readSource(statement);
    });
    if (state) {
        state->recordsHeld = m_store.countOfSource(id);
        state->pendingDeletions = m_deletions.count(id);
    }
    return state;
}

std::vector<SourceState> SourceRegistry::list() const {
    std::vector<SourceState> states;
    m_store.read([&](Database& database) {
        Statement statement(database, std::string(kSelectSource) + " ORDER BY id");
        while (statement.step()) states.push_back(readSource(statement));
    });
    for (auto& state : states) {
        state.recordsHeld = m_store.countOfSource(state.config.id);
        state.pendingDeletions = m_deletions.count(state.config.id);
    }
    return states;
}

std::vector<std::string> SourceRegistry::due(std::int64_t now) const {
    std::vector<std::string> ids;
    m_store.read([&](Database& database) {
        Statement statement(database, "SELECT id FROM sources WHERE next_harvest <= ?1 ORDER BY next_harvest, id");
        statement.bind(1, now);
        while (statement.step()) ids.push_back(statement.text(0));
    });
    return ids;
}

bool SourceRegistry::queue(const std::string& id) {
    bool found = false;
    m_store.write([&](Database& database) {
        Statement statement(database, "UPDATE sources SET next_harvest = 0 WHERE id = ?1");
        statement.bind(1, id);
        statement.execute();
        found = database.changes() > 0;
    });
    return found;
}

void SourceRegistry::recordAttempt(const std::string& id, const std::string& state, const std::string& error,
                                   std::int64_t rejected) {
    const bool success = state == "ok";
    const bool answered = state != "down";
    std::int64_t now = nowSeconds();
    m_store.write([&](Database& database) {
        Statement read(database, "SELECT every_seconds, consecutive_failures FROM sources WHERE id = ?1");
        read.bind(1, id);
        if (!read.step()) return;
        std::int64_t every = read.int64(0);
        int failures = success ? 0 : static_cast<int>(read.int64(1)) + 1;
        read.reset();
        // A failing source is retried less and less often (doubling, at most a day apart); its
        // records stay searchable meanwhile.
        std::int64_t delay = every;
        for (int i = 0; i < std::min(failures, 8) && delay < 86400; ++i) delay *= 2;
        delay = std::min<std::int64_t>(delay, std::max<std::int64_t>(every, 86400));
        Statement update(database,
                         "UPDATE sources SET state = ?2, last_attempt = ?3, consecutive_failures = ?4,"
                         " next_harvest = ?5, last_error = ?6, records_rejected = ?7,"
                         " last_success = CASE WHEN ?8 THEN ?3 ELSE last_success END WHERE id = ?1");
        update.bind(1, id).bind(2, state).bind(3, common::formatRfc3339(now)).bind(4, failures);
        update.bind(5, now + delay);
        if (error.empty())
            update.bindNull(6);
        else
            update.bind(6, error);
        update.bind(7, rejected).bind(8, answered ? 1 : 0);
        update.execute();
    });
}

void SourceRegistry::restartFeed(Database& database, const std::string& id, const std::string& epoch) const {
    Statement restart(database, "UPDATE sources SET cursor = 0, epoch = ?2 WHERE id = ?1");
    restart.bind(1, id).bind(2, epoch);
    restart.execute();
}

void SourceRegistry::advanceCursor(Database& database, const std::string& id, std::int64_t cursor,
                                   const std::string& epoch) const {
    Statement advance(database, "UPDATE sources SET cursor = ?2, epoch = CASE WHEN ?3 = '' THEN epoch ELSE ?3 END"
                                " WHERE id = ?1");
    advance.bind(1, id).bind(2, cursor).bind(3, epoch);
    advance.execute();
}

void SourceRegistry::recordCatalogRound(const std::string& id, const std::string& since, bool full) {
    m_store.write([&](Database& database) {
        Statement update(database,
                         "UPDATE sources SET catalog_since = CASE WHEN ?2 = '' THEN catalog_since ELSE ?2 END,"
                         " rounds_since_full = CASE WHEN ?3 THEN 0 ELSE rounds_since_full + 1 END WHERE id = ?1");
        update.bind(1, id).bind(2, since).bind(3, full ? 1 : 0);
        update.execute();
    });
}

void SourceRegistry::saveReport(const std::string& id, const std::string& reportJson) {
    m_store.write([&](Database& database) {
        Statement insert(database, "INSERT INTO harvest_reports(source, at, report) VALUES (?1, ?2, ?3)");
        insert.bind(1, id).bind(2, common::nowRfc3339()).bind(3, reportJson);
        insert.execute();
        Statement prune(database,
                        "DELETE FROM harvest_reports WHERE source = ?1 AND run NOT IN"
                        " (SELECT run FROM harvest_reports WHERE source = ?1 ORDER BY run DESC LIMIT ?2)");
        prune.bind(1, id).bind(2, kReportsKept);
        prune.execute();
    });
}

std::optional<std::string> SourceRegistry::latestReport(const std::string& id) const {
    std::optional<std::string> report;
    m_store.read([&](Database& database) {
        Statement statement(database, "SELECT report FROM harvest_reports WHERE source = ?1 ORDER BY run DESC LIMIT 1");
        statement.bind(1, id);
        if (statement.step()) report = statement.text(0);
    });
    return report;
}

}  // namespace tweeling::federation::hub

namespace tweeling::federation::hub {
std::optional<std::int64_t> parseDuration(const std::string& text) {
    if (text.empty() || text.size() > 12) return std::nullopt;
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
    if (digits == 0) return std::nullopt;
    std::int64_t value = std::stoll(text.substr(0, digits));
    std::string unit = text.substr(digits);
    if (unit.empty() || unit == "s") return value;
    if (unit == "m") return value * 60;
    if (unit == "h") return value * 3600;
    if (unit == "d") return value * 86400;
    return std::nullopt;
}
}  // namespace tweeling::federation::hub
