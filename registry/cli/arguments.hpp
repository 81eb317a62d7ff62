#pragma once
// Command-line plumbing shared by twin-registry and twin-federation: options, config files,
// server options, and the stop-signal dance (block SIGINT/SIGTERM before threads start, sigwait).
#include "api/server.hpp"
#include "store/store.hpp"

#include <functional>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tweeling::cli {

struct Arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;  // without leading dashes
    bool has(const std::string& name) const { return options.count(name) > 0; }
    // A switch (--quiet, --allow-private, …): given alone, or as =true; --NAME=false turns it off.
    bool flag(const std::string& name) const {
        auto it = options.find(name);
        return it != options.end() && it->second == "1";
    }
    std::string get(const std::string& name, const std::string& fallback = "") const;
};

// A mistake in how the program was called: printed with the usage, exit status 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Options without a value: --strict, --help, --quiet, --admin, --allow-private, --no-harvest, --json.
// A repeated --trusted-proxy adds to the list (as a comma list); other options: the last one wins.
Arguments parseArguments(int argc, char** argv, int first);
void requireKnown(const Arguments& arguments, std::initializer_list<const char*> known,
                  const std::vector<const char*>& moreKnown = {});
// Fills options not given on the command line from `--config FILE` ("name = value" lines).
void loadConfigFile(Arguments& arguments);
std::string readFile(const std::string& path);
// --listen HOST:PORT, --threads N, --quiet, and the hardening options below (except the per-key limit).
registry::api::ServerOptions serverOptions(const Arguments& arguments);

// The hardening options both programs' `serve` takes (README "Hardening"): --rate-limit, --rate-burst,
// --publish-rate-limit, --publish-rate-burst, --header-timeout, --body-timeout, --trusted-proxy; and
// the other options both take: --search-cache, --contact-name, --contact-url, --contact-email.
extern const std::vector<const char*> kHardeningOptions;
extern const char* const kHardeningHelp;  // their help text, for `serve --help`
// --max-db-pages N: the most pages (4096 bytes each) the database file may grow to
// (StoreOptions::maxPageCount; 0 when absent: no limit but the disk's). Taken by both `serve`
// commands (it is one of kHardeningOptions), `twin-registry import` and `twin-federation harvest`.
std::int64_t maxDbPages(const Arguments& arguments);
// --contact-name, --contact-url, --contact-email: who answers for the API (ApiOptions::contact).
registry::api::ApiOptions::Contact apiContact(const Arguments& arguments);
extern const char* const kContactHelp;  // their help text, for `serve --help`
// --search-cache: the search pages the API keeps (ApiOptions::searchCacheEntries).
std::size_t searchCacheEntries(const Arguments& arguments);
// --publish-rate-limit REQ/S and --publish-rate-burst N: the per-publisher-key limit on writes.
registry::api::RateLimit publishRateLimit(const Arguments& arguments);

// --web-dir DIR: the built web UI both programs serve at /ui/ (ApiOptions::webDir; "" for none).
// Without the option: $TWEELING_WEB_DIR; else web/dist of the source tree the program was built in
// (<directory of the program>/../../web/dist, as in build/bin) when it exists; else the installed
// /usr/share/tweeling/web.
std::string webDirectory(const Arguments& arguments);
extern const char* const kWebUiHelp;  // its help text, for `serve --help`
// Logs on stderr, once at start, one JSON line saying whether `api` serves the web UI, and from where.
void logWebUi(const registry::api::Api& api);

// One command per program invocation: `program COMMAND [options]`. Prints `usage` for no command,
// help or a UsageError (exit 2); `help(command)` for COMMAND --help; any other exception is
// printed as "program: what" (exit 1). `dispatch` returns the exit status.
struct Command {
    const char* name;
    const char* help;
    std::function<int(Arguments&)> run;
};
int runProgram(const char* program, const char* usage, const std::vector<Command>& commands, int argc, char** argv);

// `keys create|list|revoke` on a store, shared by both programs. `publisherToCreate` checks the
// options of `create` and returns the publisher the new key is for (throws UsageError).
int manageKeys(registry::store::Store& store, const Arguments& arguments,
               const std::function<std::string()>& publisherToCreate);

void blockStopSignals();   // call before any thread starts
int waitForStopSignal();   // returns the signal number

}  // namespace tweeling::cli
