#include "cli/arguments.hpp"

#include "common/text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <csignal>
#include <pthread.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <fstream>
#include <sstream>

namespace tweeling::cli {
namespace {

const std::vector<std::string> kFlags = {"strict", "help", "quiet", "admin", "allow-private", "no-harvest", "json"};
// Options that may be given more than once; the values are joined with commas.
const std::vector<std::string> kRepeatable = {"trusted-proxy"};

bool repeatable(const std::string& name) {
    return std::find(kRepeatable.begin(), kRepeatable.end(), name) != kRepeatable.end();
}

bool isFlag(const std::string& name) { return std::find(kFlags.begin(), kFlags.end(), name) != kFlags.end(); }

// A switch given a value (--quiet=false, or "allow-private = no" in a config file) is "1" or "0".
std::string switchValue(const std::string& name, const std::string& value) {
    const std::string lower = common::toLowerAscii(value);
    if (lower.empty() || lower == "1" || lower == "true" || lower == "yes" || lower == "on") return "1";
    if (lower == "0" || lower == "false" || lower == "no" || lower == "off") return "0";
    throw UsageError("--" + name + " is a switch: give it alone, or as --" + name + "=true or --" + name +
                     "=false; got '" + value + "'");
}

void setOption(Arguments& arguments, const std::string& name, const std::string& value) {
    if (isFlag(name)) {
        arguments.options[name] = switchValue(name, value);
        return;
    }
    auto existing = arguments.options.find(name);
    if (existing != arguments.options.end() && repeatable(name))
        existing->second += "," + value;
    else
        arguments.options[name] = value;
}

// A number from `min` to `max` (inclusive) given as --NAME, or `fallback` when it is not given.
double numberOption(const Arguments& arguments, const std::string& name, double fallback, double min, double max) {
    if (!arguments.has(name)) return fallback;
    std::string text = arguments.get(name);
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(value) || value < min || value > max) {
        std::ostringstream message;
        message << "--" << name << " must be a number from " << min << " to " << max << ", got '" << text << "'";
        throw UsageError(message.str());
    }
    return value;
}

std::chrono::seconds secondsOption(const Arguments& arguments, const std::string& name, std::chrono::seconds fallback) {
    double value = numberOption(arguments, name, static_cast<double>(fallback.count()), 1, 3600);
    if (value != std::floor(value))
        throw UsageError("--" + name + " takes whole seconds, got '" + arguments.get(name) + "'");
    return std::chrono::seconds(static_cast<long>(value));
}

registry::api::RateLimit rateLimit(const Arguments& arguments, const std::string& rateName,
                                   const std::string& burstName, registry::api::RateLimit defaults) {
    registry::api::RateLimit limit;
    limit.perSecond = numberOption(arguments, rateName, defaults.perSecond, 0, 1e6);
    limit.burst = numberOption(arguments, burstName, defaults.burst, 1, 1e6);
    return limit;
}

sigset_t stopSignals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    return signals;
}

}  // namespace

std::string Arguments::get(const std::string& name, const std::string& fallback) const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
}

Arguments parseArguments(int argc, char** argv, int first) {
    Arguments arguments;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
            std::string name = arg.substr(2);
            auto equals = name.find('=');
            if (equals != std::string::npos) {
                setOption(arguments, name.substr(0, equals), name.substr(equals + 1));
            } else if (isFlag(name)) {
                arguments.options[name] = "1";
            } else {
                if (i + 1 >= argc) throw UsageError("option --" + name + " needs a value");
                setOption(arguments, name, argv[++i]);
            }
        } else if (arg == "-h") {
            arguments.options["help"] = "1";
        } else {
            arguments.positional.push_back(arg);
        }
    }
    return arguments;
}

void requireKnown(const Arguments& arguments, std::initializer_list<const char*> known,
                  const std::vector<const char*>& moreKnown) {
    for (const auto& [name, value] : arguments.options) {
        bool ok = name == "help";
        for (const char* candidate : known) ok = ok || name == candidate;
        for (const char* candidate : moreKnown) ok = ok || name == candidate;
        if (!ok) throw UsageError("unknown option --" + name);
    }
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void loadConfigFile(Arguments& arguments) {
    if (!arguments.has("config")) return;
    std::string path = arguments.get("config");
    std::istringstream lines(readFile(path));
    std::vector<std::string> fromCommandLine;
    for (const auto& [name, value] : arguments.options) fromCommandLine.push_back(name);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        auto hash = line.find('#');
        if (hash != std::string::npos) line = line.substr(0, hash);
        if (common::trim(line).empty()) continue;
        auto equals = line.find('=');
        if (equals == std::string::npos)
            throw UsageError(path + ":" + std::to_string(number) + ": expected 'name = value'");
        std::string name = common::trim(line.substr(0, equals)), value = common::trim(line.substr(equals + 1));
        // The command line wins; a repeatable option may have several lines.
        if (std::find(fromCommandLine.begin(), fromCommandLine.end(), name) != fromCommandLine.end()) continue;
        if (!arguments.has(name) || repeatable(name)) setOption(arguments, name, value);
    }
}

registry::api::ServerOptions serverOptions(const Arguments& arguments) {
    registry::api::ServerOptions options;
    std::string listen = arguments.get("listen", "127.0.0.1:8080");
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw UsageError("--listen must be HOST:PORT, got '" + listen + "'");
    options.host = listen.substr(0, colon);
    try {
        int port = std::stoi(listen.substr(colon + 1));
        if (port < 0 || port > 65535) throw std::out_of_range("port");
        options.port = static_cast<std::uint16_t>(port);
        options.threads = std::stoi(arguments.get("threads", "2"));
        if (options.threads < 1 || options.threads > 64) throw std::out_of_range("threads");
    } catch (const std::logic_error&) {
        throw UsageError("--listen needs a port from 0 to 65535 and --threads a number from 1 to 64");
    }
    options.logRequests = !arguments.flag("quiet");
    options.clientLimit = rateLimit(arguments, "rate-limit", "rate-burst", options.clientLimit);
    options.headerTimeout = secondsOption(arguments, "header-timeout", options.headerTimeout);
    options.bodyTimeout = secondsOption(arguments, "body-timeout", options.bodyTimeout);
    std::istringstream proxies(arguments.get("trusted-proxy"));
    for (std::string proxy; std::getline(proxies, proxy, ',');)
        if (!common::trim(proxy).empty()) options.trustedProxies.push_back(common::trim(proxy));
    try {
        registry::api::TrustedProxies check(options.trustedProxies);
    } catch (const std::invalid_argument& error) {
        throw UsageError(std::string("--trusted-proxy: ") + error.what());
    }
    return options;
}

const std::vector<const char*> kHardeningOptions = {"rate-limit",         "rate-burst",     "publish-rate-limit",
                                                    "publish-rate-burst", "header-timeout", "body-timeout",
                                                    "trusted-proxy",      "search-cache",   "contact-name",
                                                    "contact-url",        "contact-email",  "max-db-pages"};

std::int64_t maxDbPages(const Arguments& arguments) {
    if (!arguments.has("max-db-pages")) return 0;
    const std::string text = arguments.get("max-db-pages");
    std::int64_t pages = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pages);
    // SQLite's own bound on max_page_count is 2^32 - 2.
    if (error != std::errc() || end != text.data() + text.size() || pages < 0 || pages > 4294967294LL)
        throw UsageError("--max-db-pages needs a whole number of pages from 0 (no limit) to 4294967294, got '" +
                         text + "'");
    return pages;
}

registry::api::ApiOptions::Contact apiContact(const Arguments& arguments) {
    return {arguments.get("contact-name"), arguments.get("contact-url"), arguments.get("contact-email")};
}

const char* const kContactHelp = R"(
Contact (the API definition's info.contact; README "NL API Design Rules"):
  --contact-name NAME        who answers for this API                  [the server's --name]
  --contact-url URL          where to reach them                       [the landing page]
  --contact-email ADDRESS    their email address                       [none]
)";

const char* const kHardeningHelp = R"(
Hardening (README "Hardening"; 0 turns a rate limit off):
  --rate-limit REQ/S         requests per second per client address (GET /health exempt)    [100]
  --rate-burst N             requests at once per client address                             [200]
  --publish-rate-limit REQ/S authenticated writes per second per publisher key               [10]
  --publish-rate-burst N     writes at once per publisher key                                [50]
  --header-timeout S         408 and close unless the request head is in within S seconds    [10]
  --body-timeout S           408 and close unless the body is in within S more seconds       [30]
  --trusted-proxy ADDR       a reverse proxy (address or CIDR; repeat or comma list) whose
                             X-Forwarded-For names the client
A limited request gets 429 application/problem+json with Retry-After (seconds). TLS: terminate it in
a reverse proxy (deploy/nginx/tweeling.conf); see the README for why there is no --tls-cert.

Storage (docs/RELIABILITY.md, "Crash safety"):
  --max-db-pages N           the database file grows to at most N pages of 4096 bytes; a
                             write beyond it gets 507 Insufficient Storage, as on a full disk,
                             and changes nothing (0: no limit but the disk's)               [0]

Search:
  --search-cache N           search pages kept while no write comes in, at most 1 s each
                             (0: none; a request with Cache-Control: no-cache skips them)    [256]
)";

std::string webDirectory(const Arguments& arguments) {
    if (arguments.has("web-dir")) return arguments.get("web-dir");
    if (const char* fromEnvironment = std::getenv("TWEELING_WEB_DIR"); fromEnvironment && *fromEnvironment)
        return fromEnvironment;
    std::error_code error;
    const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        const std::filesystem::path built = program.parent_path() / ".." / ".." / "web" / "dist";
        if (std::filesystem::is_directory(built, error)) return std::filesystem::weakly_canonical(built, error).string();
    }
    return "/usr/share/tweeling/web";
}

const char* const kWebUiHelp = R"(
Web UI (README "Web UI"):
  --web-dir DIR              the built web UI (cd web && npm ci && npm run build), served at
                             /ui/ and loaded by every HTML page; without its app.js the server
                             serves the API only ("" for none)
                             [$TWEELING_WEB_DIR, else web/dist of the source tree the
                             program was built in (build/bin/../../web/dist) when it
                             exists, else /usr/share/tweeling/web]
)";

void logWebUi(const registry::api::Api& api) {
    const std::string& directory = api.options().webDir;
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("event");
    writer.String("web-ui");
    writer.Key("available");
    writer.Bool(api.webUiAvailable());
    writer.Key("dir");
    writer.String(directory.c_str(), static_cast<rapidjson::SizeType>(directory.size()));
    if (!api.webUiAvailable()) {
        const std::string message = (directory.empty() ? std::string("no web UI") : "no web UI at " + directory) +
                                    ": serving the API only (build it with: cd web && npm ci && npm run build)";
        writer.Key("message");
        writer.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
    }
    writer.EndObject();
    std::cerr << buffer.GetString() << std::endl;
}

std::size_t searchCacheEntries(const Arguments& arguments) {
    const std::string text = arguments.get("search-cache", "256");
    try {
        std::size_t used = 0;
        const long long entries = std::stoll(text, &used);
        if (used != text.size() || entries < 0 || entries > 100000) throw std::out_of_range("search-cache");
        return static_cast<std::size_t>(entries);
    } catch (const std::logic_error&) {
        throw UsageError("--search-cache needs a number of pages from 0 to 100000, got '" + text + "'");
    }
}

registry::api::RateLimit publishRateLimit(const Arguments& arguments) {
    return rateLimit(arguments, "publish-rate-limit", "publish-rate-burst", registry::api::kDefaultPublishLimit);
}

int runProgram(const char* program, const char* usage, const std::vector<Command>& commands, int argc, char** argv) {
    std::string first = argc < 2 ? "" : argv[1];
    if (first.empty() || first == "--help" || first == "-h" || first == "help") {
        std::cout << usage;
        return first.empty() ? 2 : 0;
    }
    try {
        Arguments arguments = parseArguments(argc, argv, 2);
        for (const Command& command : commands) {
            if (first != command.name) continue;
            if (arguments.flag("help")) {
                std::cout << command.help;
                return 0;
            }
            return command.run(arguments);
        }
        throw UsageError("unknown command '" + first + "'");
    } catch (const UsageError& error) {
        std::cerr << program << ": " << error.what() << "\n\n" << usage;
        return 2;
    } catch (const std::exception& error) {
        std::cerr << program << ": " << error.what() << '\n';
        return 1;
    }
}

int manageKeys(registry::store::Store& store, const Arguments& arguments,
               const std::function<std::string()>& publisherToCreate) {
    if (arguments.positional.empty()) throw UsageError("keys needs create, list or revoke");
    const std::string& action = arguments.positional[0];
    if (action == "create") {
        std::string publisher = publisherToCreate();
        std::optional<std::string> expires;
        if (arguments.has("expires")) expires = arguments.get("expires");
        std::cout << store.createKey(publisher, expires) << std::endl;
        return 0;
    }
    if (action == "list") {
        for (const auto& key : store.listKeys())
            std::cout << key.keyId << '\t' << key.publisher << '\t' << key.created << '\t'
                      << (key.expires ? "expires " + *key.expires : "no expiry") << '\t'
                      << key.status() << '\n';
        return 0;
    }
    if (action == "revoke") {
        if (arguments.positional.size() != 2) throw UsageError("keys revoke needs one KEY-ID");
        if (!store.revokeKey(arguments.positional[1])) {
            std::cerr << "no key with id " << arguments.positional[1] << '\n';
            return 1;
        }
        std::cerr << "revoked " << arguments.positional[1] << '\n';
        return 0;
    }
    throw UsageError("unknown keys action '" + action + "'");
}

void blockStopSignals() {
    sigset_t signals = stopSignals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

int waitForStopSignal() {
    sigset_t signals = stopSignals();
    int received = 0;
    sigwait(&signals, &received);
    return received;
}

}  // namespace tweeling::cli
