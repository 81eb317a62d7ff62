// twin-registry: a registry node of a Tweeling digital-twin federation. Thin: parses the command
// line into a plain config, then hands over to the registry core.
#include "api/api.hpp"
#include "api/ingest.hpp"
#include "api/rate_limit.hpp"
#include "api/server.hpp"
#include "cli/arguments.hpp"
#include "cli/signing.hpp"
#include "common/json.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <charconv>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace tw = tweeling::registry;
using tweeling::common::Json;
using tweeling::cli::Arguments;
using tweeling::cli::UsageError;
using tweeling::cli::loadConfigFile;
using tweeling::cli::parseArguments;
using tweeling::cli::readFile;
using tweeling::cli::requireKnown;

namespace {

constexpr const char* kUsage = R"(twin-registry — a registry node of a Tweeling digital-twin federation

Usage:
  twin-registry serve    [--db FILE] [--listen HOST:PORT] [--node-id ID] [--name NAME]
                         [--public-url URL] [--threads N] [--config FILE] [--quiet] [--web-dir DIR]
                         [--rate-limit REQ/S] [--publish-rate-limit REQ/S] [--trusted-proxy ADDR] ...
  twin-registry keys create --publisher URI [--expires RFC3339] [--db FILE]
  twin-registry keys list   [--db FILE]
  twin-registry keys revoke KEY-ID [--db FILE]
  twin-registry keys rotate-signing [--db FILE] [--signing-key FILE]
  twin-registry import   [--db FILE] [--node-id ID] [--strict] [--batch N] FILE...
  twin-registry export   [--db FILE] [--out FILE]
  twin-registry validate FILE...
  twin-registry COMMAND --help

Defaults: --db ./twin-registry.db, --listen 127.0.0.1:8080. The node id is stored in the database
the first time it is given (default "local") and must not change afterwards.
)";

struct CommandHelp {
    const char* name;
    const char* text;
};

const CommandHelp kHelp[] = {
    {"serve", R"(twin-registry serve — serve OGC API – Records, publishing (OGC API – Features Part 4) and /feed

Options:
  --db FILE          SQLite database (created if missing)            [./twin-registry.db]
  --listen HOST:PORT address to listen on (port 0: any free port)     [127.0.0.1:8080]
  --node-id ID       this node's id, the origin of its records, e.g. gm0363 [stored, else "local"]
  --signing-key FILE Ed25519 key the node signs its records with (made, mode 0600, if missing)
                                                                     [DB.signing-key.pem]
  --name NAME        title shown on the landing page                 [Tweeling registry node]
  --public-url URL   base URL used in links (behind a reverse proxy)  [from the Host header]
  --threads N        HTTP worker threads                             [2]
  --config FILE      read options from FILE: lines "name = value" (same names, no dashes);
                     command-line options win
  --quiet            no request log
Prints "listening on http://HOST:PORT" on stderr once ready; SIGINT/SIGTERM stop it cleanly.
)"},
    {"keys", R"(twin-registry keys — publisher keys

  keys create --publisher URI [--expires RFC3339] [--db FILE]
      Makes a key that may publish records whose properties.publisher.id is URI (a TOOI URI such as
      https://identifier.overheid.nl/tooi/id/gemeente/gm0363). Prints the key alone on stdout, once:
      only its SHA-256 is stored.
  keys list [--db FILE]        key ids, publishers, creation, expiry, revocation
  keys revoke KEY-ID [--db FILE]
  keys rotate-signing [--db FILE] [--signing-key FILE]
      Replaces the node's Ed25519 signing key (stop the node first). The new key is announced at
      /.well-known/tweeling.json by a statement signed with the current key, so hubs follow it on
      their own; every record published here is re-signed. Prints the new public key; the old key
      file is kept as FILE.retired-TIME.

Every command that opens the database signs with --signing-key FILE [DB.signing-key.pem], made
(mode 0600) when the database is first used.
)"},
    {"import", R"(twin-registry import — load records from files into the database

  import [--db FILE] [--node-id ID] [--strict] [--batch N] [--max-db-pages N] FILE...
Each FILE is a JSON array of records, a GeoJSON FeatureCollection, one record, or NDJSON (one record
per line). Valid records are stored in transactions of --batch N records [5000]; each committed
batch is reported on stderr ("FILE: batch 1 committed: records 1-5000 of the file's valid
records"), so after an import that was killed one knows what it stored; run it again to finish
(what is stored already comes back "unchanged").
Every invalid record is listed with the JSON Pointer and message of each problem. With --strict a
file is all-or-nothing (one transaction).
Exit status: 0 all stored, 1 some record invalid (or, with --strict, the file refused), 2 usage error.
)"},
    {"export", R"(twin-registry export — write every record as NDJSON (one record per line)

  export [--db FILE] [--out FILE]     (stdout by default)
)"},
    {"validate", R"(twin-registry validate — check files against the twin record profile, store nothing

  validate FILE...
Prints each problem as "FILE: record N (id): /json/pointer: message". Exit 1 if any record is invalid.
)"},
};


tw::store::StoreOptions storeOptions(const Arguments& arguments) {
    tw::store::StoreOptions options;
    options.path = arguments.get("db", "twin-registry.db");
    options.nodeId = arguments.get("node-id", "");
    options.signingKey = tweeling::cli::loadSigningKey(tweeling::cli::signingKeyPath(arguments, options.path), options.path);
    options.maxPageCount = tweeling::cli::maxDbPages(arguments);
    return options;
}

void printProblems(const std::string& where, const std::string& id, const tweeling::common::Problems& problems) {
    for (const auto& problem : problems)
        std::cerr << where << (id.empty() ? "" : " (" + id + ")") << ": "
                  << (problem.pointer.empty() ? "/" : problem.pointer) << ": " << problem.message << '\n';
}

int commandServe(Arguments arguments) {
    loadConfigFile(arguments);
    requireKnown(arguments,
                 {"db", "signing-key", "listen", "node-id", "name", "public-url", "threads", "config", "quiet", "web-dir"},
                 tweeling::cli::kHardeningOptions);
    tw::api::ServerOptions serverOptions = tweeling::cli::serverOptions(arguments);
    tw::api::RateLimit publishLimit = tweeling::cli::publishRateLimit(arguments);
    tweeling::cli::blockStopSignals();
    tw::store::Store store(storeOptions(arguments));
    tw::api::ApiOptions apiOptions;
    apiOptions.nodeId = store.nodeId();
    apiOptions.name = arguments.get("name", "Tweeling registry node " + store.nodeId());
    apiOptions.publicUrl = arguments.get("public-url", "");
    apiOptions.contact = tweeling::cli::apiContact(arguments);
    apiOptions.searchCacheEntries = tweeling::cli::searchCacheEntries(arguments);
    apiOptions.webDir = tweeling::cli::webDirectory(arguments);
    tw::api::Api api(apiOptions, store, tw::record::Profile::builtin());
    tweeling::cli::logWebUi(api);
    api.setErrorLog([](const std::string& what) { std::cerr << "{\"error\":\"unexpected\",\"what\":" << '"' << what << "\"}\n"; });
    tw::api::limitWritesPerKey(api, publishLimit);
    tw::api::HttpServer server(serverOptions, api);
    server.start();
    // The facet bitmaps and the term index are built now, on the store's background builder, rather
    // than when the first query needs them (seconds at a million records); searches meanwhile use
    // FTS5 and SQL.
    store.refreshIndexes();
    std::cerr << "{\"event\":\"start\",\"nodeId\":\"" << store.nodeId() << "\",\"epoch\":\"" << store.epoch()
              << "\",\"message\":\"listening on http://" << serverOptions.host << ":" << server.port() << "\"}"
              << std::endl;
    int received = tweeling::cli::waitForStopSignal();
    std::cerr << "{\"event\":\"stop\",\"signal\":" << received << "}" << std::endl;
    server.stop();
    return 0;
}

int commandKeys(const Arguments& arguments) {
    requireKnown(arguments, {"db", "node-id", "publisher", "expires", "signing-key"});
    tw::store::Store store(storeOptions(arguments));
    if (!arguments.positional.empty() && arguments.positional[0] == "rotate-signing")
        return tweeling::cli::rotateSigningKey(store, tweeling::cli::signingKeyPath(arguments, arguments.get("db", "twin-registry.db")));
    return tweeling::cli::manageKeys(store, arguments, [&] {
        std::string publisher = arguments.get("publisher");
        if (publisher.rfind("http://", 0) != 0 && publisher.rfind("https://", 0) != 0)
            throw UsageError("keys create needs --publisher with an http(s) URI, e.g. "
                             "https://identifier.overheid.nl/tooi/id/gemeente/gm0363");
        return publisher;
    });
}

// --strict found an invalid record while importing a file in one transaction: roll it back.
struct ImportAborted {};

// Imports one file into the store: its valid records in batches (a record's problems are printed
// and counted); with --strict, all or nothing.
class FileImport {
public:
    static constexpr std::size_t kBatch = 5000;  // the default of --batch

    FileImport(tw::store::Store& store, const tw::api::IngestPolicy& policy, std::string path, bool strict,
               std::size_t batchSize)
        : m_store(store), m_policy(policy), m_path(std::move(path)), m_strict(strict), m_batchSize(batchSize) {}

    // Returns the number of invalid records.
    int run() {
        if (tw::api::isNdjsonFile(m_path))
            importNdjson();
        else
            importWhole();
        if (m_aborted) {
            std::cerr << m_path << ": " << m_invalid << " invalid record(s); nothing imported (--strict)\n";
            return m_invalid;
        }
        int created = 0, replaced = 0, unchanged = 0;
        for (auto outcome : m_outcomes) {
            if (outcome == tw::store::PutOutcome::Created) ++created;
            else if (outcome == tw::store::PutOutcome::Replaced) ++replaced;
            else ++unchanged;
        }
        std::cerr << m_path << ": " << created << " created, " << replaced << " replaced, " << unchanged
                  << " unchanged, " << m_invalid << " invalid\n";
        return m_invalid;
    }

private:
    // A valid item's put, or its problems printed and counted.
    std::optional<tw::store::PutRequest> prepare(tw::api::ImportItem& item) {
        if (item.parseError) {
            ++m_invalid;
            std::cerr << item.where << ": " << *item.parseError << '\n';
            return std::nullopt;
        }
        Json doc;
        if (auto error = tweeling::common::parseUntrusted(item.text, doc)) {
            ++m_invalid;
            std::cerr << item.where << ": " << error->message << '\n';
            return std::nullopt;
        }
        auto prepared = tw::api::prepare(doc, tw::record::Profile::builtin(), m_policy);
        if (!prepared.put) {
            ++m_invalid;
            printProblems(item.where, item.id, prepared.problems);
            return std::nullopt;
        }
        return std::move(prepared.put);
    }

    // One transaction; reported once it has committed, so that whoever watches a long import knows
    // what a crash (or a kill) cannot take back.
    void write(std::vector<tw::store::PutRequest>& batch) {
        if (batch.empty()) return;
        std::size_t first = m_outcomes.size() + 1;
        for (auto outcome : m_store.putBatch(batch)) m_outcomes.push_back(outcome);
        std::cerr << m_path << ": batch " << ++m_batches << " committed: records " << first << "-"
                  << m_outcomes.size() << " of the file's valid records" << std::endl;
    }

    // NDJSON is read a line at a time and written in batches: bounded memory at any size.
    void importNdjson() {
        std::ifstream in(m_path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read " + m_path);
        tw::api::NdjsonReader reader(m_path, in);
        tw::api::ImportItem item;
        // Fills `batch` with up to m_batchSize valid records; false at the end of the file.
        auto fill = [&](std::vector<tw::store::PutRequest>& batch) {
            while (batch.size() < m_batchSize) {
                if (!reader.next(item)) return false;
                auto put = prepare(item);
                // --strict: after an invalid record nothing more is kept, but every problem is listed.
                if (put && !(m_strict && m_invalid > 0)) batch.push_back(std::move(*put));
            }
            return true;
        };
        if (!m_strict) {
            std::vector<tw::store::PutRequest> batch;
            for (bool more = true; more;) {
                batch.clear();
                more = fill(batch);
                write(batch);
            }
            return;
        }
        // One transaction for the whole file, fed batch by batch.
        try {
            m_outcomes = m_store.putBatches([&](std::vector<tw::store::PutRequest>& batch) {
                bool more = fill(batch);
                if (!more && m_invalid > 0) throw ImportAborted{};
                return more;
            });
        } catch (const ImportAborted&) {
            m_aborted = true;
        }
    }

    // A JSON array, a FeatureCollection or one record, read whole.
    void importWhole() {
        std::vector<tw::store::PutRequest> puts;
        for (auto& item : tw::api::splitImportFile(m_path, readFile(m_path)))
            if (auto put = prepare(item)) puts.push_back(std::move(*put));
        m_aborted = m_strict && m_invalid > 0;
        // --strict: a file is all-or-nothing, so it goes in as one batch.
        for (std::size_t start = 0; !m_aborted && start < puts.size();) {
            std::size_t end = m_strict ? puts.size() : std::min(puts.size(), start + m_batchSize);
            std::vector<tw::store::PutRequest> batch(std::make_move_iterator(puts.begin() + static_cast<long>(start)),
                                                     std::make_move_iterator(puts.begin() + static_cast<long>(end)));
            write(batch);
            start = end;
        }
    }

    tw::store::Store& m_store;
    const tw::api::IngestPolicy& m_policy;
    std::string m_path;
    bool m_strict;
    std::size_t m_batchSize;
    int m_invalid = 0;
    int m_batches = 0;
    bool m_aborted = false;
    std::vector<tw::store::PutOutcome> m_outcomes;
};

int commandImport(const Arguments& arguments) {
    requireKnown(arguments, {"db", "signing-key", "node-id", "strict", "max-db-pages", "batch"});
    std::size_t batchSize = FileImport::kBatch;
    if (arguments.has("batch")) {
        const std::string text = arguments.get("batch");
        std::size_t value = 0;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > 1000000)
            throw UsageError("--batch needs a whole number of records from 1 to 1000000, got '" + text + "'");
        batchSize = value;
    }
    if (arguments.positional.empty()) throw UsageError("import needs at least one FILE");
    tw::store::Store store(storeOptions(arguments));
    tw::api::IngestPolicy policy;  // as publishing: any problem refuses the record
    policy.origin = store.nodeId();
    int exitCode = 0;
    for (const auto& path : arguments.positional)
        if (FileImport(store, policy, path, arguments.flag("strict"), batchSize).run() > 0) exitCode = 1;
    return exitCode;
}

int commandExport(const Arguments& arguments) {
    requireKnown(arguments, {"db", "signing-key", "node-id", "out"});
    tw::store::Store store(storeOptions(arguments));
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (arguments.has("out")) {
        file.open(arguments.get("out"), std::ios::binary);
        if (!file) throw std::runtime_error("cannot write " + arguments.get("out"));
        out = &file;
    }
    // The feed holds exactly one entry per live record (older entries are compacted away), so
    // reading it in pages is a complete, consistent-per-page export.
    std::int64_t after = 0;
    std::size_t count = 0;
    while (true) {
        auto page = store.feed(after, 5000);
        if (page.entries.empty()) break;
        for (const auto& entry : page.entries) {
            after = entry.seq;
            if (entry.json) {
                *out << *entry.json << '\n';
                ++count;
            }
        }
    }
    out->flush();
    std::cerr << count << " records exported\n";
    return 0;
}

int commandValidate(const Arguments& arguments) {
    requireKnown(arguments, {});
    if (arguments.positional.empty()) throw UsageError("validate needs at least one FILE");
    const auto& profile = tw::record::Profile::builtin();
    int invalid = 0, total = 0;
    for (const auto& path : arguments.positional) {
        for (auto& item : tw::api::splitImportFile(path, readFile(path))) {
            ++total;
            if (item.parseError) {
                ++invalid;
                std::cerr << item.where << ": " << *item.parseError << '\n';
                continue;
            }
            Json doc;
            if (auto error = tweeling::common::parseUntrusted(item.text, doc)) {
                ++invalid;
                std::cerr << item.where << ": " << error->message << '\n';
                continue;
            }
            auto problems = profile.validate(doc);
            if (!problems.empty()) {
                ++invalid;
                printProblems(item.where, item.id, problems);
            }
        }
    }
    std::cout << total - invalid << " of " << total << " records valid\n";
    return invalid > 0 ? 1 : 0;
}

const char* helpOf(const char* command) {
    for (const auto& help : kHelp)
        if (std::string(command) == help.name) return help.text;
    return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
    static const std::string serveHelp =
        std::string(helpOf("serve")) + tweeling::cli::kWebUiHelp + tweeling::cli::kContactHelp +
        tweeling::cli::kHardeningHelp;
    return tweeling::cli::runProgram("twin-registry", kUsage,
                                     {{"serve", serveHelp.c_str(), commandServe},
                                      {"keys", helpOf("keys"), commandKeys},
                                      {"import", helpOf("import"), commandImport},
                                      {"export", helpOf("export"), commandExport},
                                      {"validate", helpOf("validate"), commandValidate}},
                                     argc, argv);
}
