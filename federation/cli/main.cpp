// twin-federation: a federation hub. Harvests registry nodes, other hubs and OGC API – Records
// catalogs into one index, and serves it with the same OGC API – Records search and /feed as a node.
#include "api/api.hpp"
#include "api/rate_limit.hpp"
#include "api/server.hpp"
#include "cli/arguments.hpp"
#include "cli/signing.hpp"
#include "hub/asset_probes.hpp"
#include "hub/harvester.hpp"
#include "hub/probe_scheduler.hpp"
#include "hub/routes.hpp"
#include "hub/scheduler.hpp"
#include "hub/sources.hpp"
#include "record/profile.hpp"
#include "store/store.hpp"

#include <atomic>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <unistd.h>

namespace hub = tweeling::federation::hub;
namespace registry = tweeling::registry;
using tweeling::cli::Arguments;
using tweeling::cli::UsageError;

namespace {

constexpr const char* kUsage = R"(twin-federation — a federation hub of Tweeling registry nodes

Usage:
  twin-federation serve   [--db FILE] [--listen HOST:PORT] [--hub-id ID] [--name NAME]
                          [--public-url URL] [--threads N] [--config FILE] [--quiet] [--no-harvest]
                          [--web-dir DIR] [--rate-limit REQ/S] [--trusted-proxy ADDR] ...
  twin-federation sources add --id ID --url URL [--kind tweeling|ogcapi-records|ckan|csw|dcat] [--every 15m]
                          [--max-delete-fraction 0.3] [--timeout-ms 30000] [--allow-private]
                          [--tls-pin sha256//BASE64] [--public-key KEY] [--db FILE]
  twin-federation sources approve ID [--public-key KEY] [--db FILE]
  twin-federation sources keys   [--db FILE]
  twin-federation sources list   [--db FILE]
  twin-federation sources remove ID [--db FILE]
  twin-federation sources release-deletions ID [--db FILE]
  twin-federation harvest [--source ID [--record RECORD-ID]] [--max-run-pages N] [--max-run-seconds S]
                          [--items-page-size N] [--feed-page-size N] [--full-listing-every N] [--db FILE]
  twin-federation report  --source ID [--json] [--db FILE]
  twin-federation probe   [--source ID | --record KEY | --due] [--json] [--db FILE]
  twin-federation keys create --admin [--expires RFC3339] [--db FILE]
  twin-federation keys list | keys revoke KEY-ID | keys rotate-signing [--db FILE]
  twin-federation COMMAND --help

Defaults: --db ./twin-federation.db, --listen 127.0.0.1:8090. The hub id (the origin of nothing,
but the name of this hub in logs and its landing page) is stored in the database the first time.
)";

constexpr const char* kServeHelp = R"(twin-federation serve — serve the federated index and harvest on schedule

  --db FILE          SQLite database (created if missing)                 [./twin-federation.db]
  --listen HOST:PORT address (port 0: any free port)                       [127.0.0.1:8090]
  --hub-id ID        this hub's id, e.g. pv27 or nl                       [stored, else "local"]
  --name NAME        title of the landing page
  --public-url URL   base URL used in links                               [from the Host header]
  --threads N        HTTP worker threads                                  [2]
  --config FILE      "name = value" lines with these option names
  --quiet            no request log
  --no-harvest       serve only; harvest with `twin-federation harvest` (e.g. from cron)
  --ca-bundle FILE   PEM certificate authorities for https sources (also for `harvest`)  [the system's]
  --max-run-pages N  a source's run in one round stops after N pages (also for `harvest`)   [1000]
  --max-run-seconds S ... or after S seconds; a feed continues next round from its cursor, a
                     crawl is incomplete and deletes nothing (also for `harvest`)          [60]
  --items-page-size N  records asked for per page from a catalog (OGC API – Records, CKAN, CSW;
                     also for `harvest`)                                            [100]
  --feed-page-size N entries asked for per page of a Tweeling node's or hub's /feed; each page
                     commits with its cursor in one transaction (also for `harvest`)   [1000]
  --full-listing-every N  a CKAN or CSW catalog is listed completely (finding deletions) on its
                     first round and every N rounds; the rounds between fetch only the records
                     modified since the last round (also for `harvest`; 1: always full)   [24]
  --signing-key FILE this hub's Ed25519 key (made, mode 0600, if missing)  [DB.signing-key.pem]
  --no-probes        do not probe the records' assets (see `twin-federation probe --help`)
  --probe-workers N  records probed at once                                [8]
  --probe-per-host N requests in flight per asset server, all probes together [2]
  --probe-every D    a record's assets are probed again after D (90s, 15m, 2h, 7d)          [7d]
Serves OGC API – Records (/collections/twins/items, with ?source= and ?origin=), /feed (harvestable by
another hub), /sources, /sources/{id} (with the quality of its records' assets; both also as HTML),
/sources/{id}/reports/latest, the assembled national 3D Tiles tileset /twin/tileset.json, its 3D view
/twin (HTML) and its 3D GeoVolumes collections (/collections/twin-3d…); POST /sources, DELETE
/sources/{id} and POST /sources/{id}/harvest with an admin key. Prints "listening on http://HOST:PORT".
)";

constexpr const char* kSourcesHelp = R"(twin-federation sources — what this hub federates

  sources add --id ID --url URL [--kind tweeling|ogcapi-records|ckan|csw|dcat] [--every 15m]
              [--max-delete-fraction 0.3] [--timeout-ms 30000] [--connect-timeout-ms 5000]
              [--allow-private] [--tls-pin sha256//BASE64]
      tweeling: URL is a node's or hub's base URL (its /feed is followed).
      ogcapi-records: URL is a collection of an OGC API – Records catalog (its items are crawled).
      ckan: URL is a CKAN catalog's base URL, e.g. https://data.overheid.nl/data (its packages are
      listed through /api/3/action/package_search).
      csw: URL is a CSW 2.0.2 endpoint with ISO 19139 records, e.g. the Nationaal Georegister's
      https://nationaalgeoregister.nl/geonetwork/srv/dut/csw (GetRecords is POSTed page by page);
      ?keyword=3D on the URL harvests only the records with that keyword (repeatable: any of them).
      dcat: URL is a DCAT-AP catalog in Turtle or JSON-LD (DCAT-AP-NL portals, data.europa.eu, a
      node's items?f=ttl); its Hydra pages (hydra:next) are followed.
      A harvest that would delete more than --max-delete-fraction of the source's records deletes none.
      The harvester connects to public addresses only: it refuses loopback (127.0.0.0/8, ::1), private
      (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, where cloud metadata lives;
      fe80::/10), CGNAT, multicast and reserved addresses, also when a redirect or a changed DNS answer
      leads there. --allow-private lifts that for this source: for a node on this machine or network;
      cloud metadata addresses (all of link-local, 100.100.100.200, fd00:ec2::254) stay refused.
      URL: http(s), no spaces or control characters, and no credentials (user:password@): a
      source's URL is public at GET /sources.
      --tls-pin pins the public key of the source's https server ("sha256//" and the base64 SHA-256 of
      its SubjectPublicKeyInfo, several joined by ';'); certificates are verified in any case.
      --public-key KEY: the source's Ed25519 signing key (base64url, as its /.well-known/tweeling.json
      shows it; get it from the source's operator). Without it, the key seen at the first harvest
      waits for `sources approve`, and nothing is harvested until then.
  sources approve ID [--public-key KEY]
      pins the signing key that source ID presented and that waits for approval (only KEY, if given)
  sources keys                      every pinned, waiting and retired origin key, and where it came from
  sources list
  sources remove ID                 removes the source and its records (tombstones reach hubs above)
  sources release-deletions ID      applies deletions that were held back by the threshold
)";

constexpr const char* kHarvestHelp = R"(twin-federation harvest — one harvest round now, then exit

  harvest [--source ID] [--ca-bundle FILE] [--max-run-pages N] [--max-run-seconds S]
          [--items-page-size N] [--feed-page-size N] [--full-listing-every N]
          [--max-db-pages N] [--db FILE]
  harvest --source ID --record RECORD-ID [--db FILE]
Harvests every source (or one), prints each report's summary. Exit status 1 if a source failed.
With --record, fetches only that record of a catalog source now (CKAN: package_show by name or
id; CSW: GetRecordById by fileIdentifier), writes it, deletes nothing, and leaves the source's
schedule and last report alone.
`--full-listing-every 1` lists a CKAN or CSW catalog completely now (finding its deletions).
A feed not read to its end within the run's budget says "continues next round": run it again.
)";

constexpr const char* kReportHelp = R"(twin-federation report — the last harvest report of a source

  report --source ID [--json] [--db FILE]
Counts (added, updated, unchanged, stale, deleted, rejected, warnings) and, for each rejected or
warned record, its id and every JSON Pointer with its message.
)";

constexpr const char* kProbeHelp = R"(twin-federation probe — look inside the records' assets now

  probe --source ID     every record harvested from source ID
  probe --record KEY    one record (its item key, e.g. gm0363:bag-3d)
  probe [--due]         what `serve` would probe next: records changed since, and those due again
  [--json] [--db FILE]
Fetches a bounded start of each distribution (3D Tiles tileset.json and one content file, CityJSON,
glTF, LAS/LAZ/COPC header, I3S layer, IFC header, OGC API landing page, or any link), checks it
against its format and against what the record claims (CRS, extent, LoD, a Dutch footprint), and
writes the verdict into the hub's copy of the record (`validation`). Fetches obey the address rules
of the source the record came by (--allow-private). Prints the counts; exit status 1 if any failed.
The checks and their ids: docs/PROBES.md.
)";

constexpr const char* kKeysHelp = R"(twin-federation keys — admin keys for source management over HTTP

  keys create --admin [--expires RFC3339]   prints the key alone on stdout, once
  keys list
  keys revoke KEY-ID
  keys rotate-signing   a new Ed25519 signing key for this hub, announced (signed by the current key)
                        at /.well-known/tweeling.json; stop the hub first; prints the new public key
)";

registry::store::StoreOptions storeOptions(const Arguments& arguments) {
    registry::store::StoreOptions options;
    options.path = arguments.get("db", "twin-federation.db");
    options.nodeId = arguments.get("hub-id", "");
    options.signingKey = tweeling::cli::loadSigningKey(tweeling::cli::signingKeyPath(arguments, options.path), options.path);
    options.maxPageCount = tweeling::cli::maxDbPages(arguments);
    return options;
}

// A whole number from `minimum` to `maximum`, or the default when the option is absent.
int boundedNumber(const Arguments& arguments, const std::string& name, int fallback, int minimum, int maximum) {
    if (!arguments.has(name)) return fallback;
    const std::string text = arguments.get(name);
    std::size_t used = 0;
    long long value = -1;
    try {
        value = std::stoll(text, &used);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || value < minimum || value > maximum)
        throw UsageError("--" + name + " needs a whole number from " + std::to_string(minimum) + " to " +
                         std::to_string(maximum) + ", got '" + text + "'");
    return static_cast<int>(value);
}

hub::HarvesterOptions harvesterOptions(const Arguments& arguments) {
    hub::HarvesterOptions options;
    options.maxRunPages = boundedNumber(arguments, "max-run-pages", options.maxRunPages, 1, 1000000);
    options.maxRunSeconds = boundedNumber(arguments, "max-run-seconds", options.maxRunSeconds, 1, 86400);
    options.itemsPageSize = boundedNumber(arguments, "items-page-size", options.itemsPageSize, 1, 1000);
    options.feedPageSize = boundedNumber(arguments, "feed-page-size", options.feedPageSize, 1, 10000);
    options.fullListingEvery =
        boundedNumber(arguments, "full-listing-every", options.fullListingEvery, 1, 100000);
    options.caBundlePath = arguments.get("ca-bundle", "");
    if (!options.caBundlePath.empty() && ::access(options.caBundlePath.c_str(), R_OK) != 0)
        throw UsageError("--ca-bundle " + options.caBundlePath + " cannot be read");
    return options;
}

hub::ProberOptions proberOptions(const Arguments& arguments) {
    hub::ProberOptions options;
    options.workers = boundedNumber(arguments, "probe-workers", options.workers, 1, 64);
    options.perHost = boundedNumber(arguments, "probe-per-host", options.perHost, 1, 16);
    if (arguments.has("probe-every")) {
        auto seconds = hub::parseDuration(arguments.get("probe-every"));
        if (!seconds || *seconds < 60) throw UsageError("--probe-every must be a duration of at least 60s, such as 1d");
        options.recheckSeconds = *seconds;
    }
    options.caBundlePath = arguments.get("ca-bundle", "");
    return options;
}

int commandServe(Arguments arguments) {
    tweeling::cli::loadConfigFile(arguments);
    tweeling::cli::requireKnown(arguments,
                                {"db", "signing-key", "listen", "hub-id", "name", "public-url", "threads", "config",
                                 "quiet", "ca-bundle", "no-harvest", "max-run-pages", "max-run-seconds",
                                 "full-listing-every", "items-page-size", "feed-page-size", "no-probes", "probe-workers", "probe-per-host", "probe-every", "web-dir"},
                                tweeling::cli::kHardeningOptions);
    if (!arguments.has("listen")) arguments.options["listen"] = "127.0.0.1:8090";
    registry::api::ServerOptions serverOptions = tweeling::cli::serverOptions(arguments);
    registry::api::RateLimit publishLimit = tweeling::cli::publishRateLimit(arguments);
    tweeling::cli::blockStopSignals();

    registry::store::Store store(storeOptions(arguments));
    hub::SourceRegistry sources(store);
    const auto& profile = registry::record::Profile::builtin();
    hub::Harvester harvester(store, sources, profile, harvesterOptions(arguments));
    std::function<void()> wakeProbes;  // set once the probes exist
    hub::Scheduler scheduler(harvester, sources, [&store, &wakeProbes](const hub::HarvestReport& report) {
        std::cerr << "{\"event\":\"harvest\",\"source\":\"" << report.source << "\",\"status\":\"" << report.status
                  << "\",\"added\":" << report.added << ",\"updated\":" << report.updated
                  << ",\"deleted\":" << report.deleted << ",\"rejected\":" << report.rejected << "}" << std::endl;
        // Reports come when the round has ended: the indexes follow its writes in the background,
        // so that no search pays for a round's worth of catching up.
        if (report.added + report.updated + report.deleted > 0) {
            store.refreshIndexes();
            if (wakeProbes) wakeProbes();
        }
    });

    registry::api::ApiOptions apiOptions;
    apiOptions.nodeId = store.nodeId();
    apiOptions.name = arguments.get("name", "Tweeling federation hub " + store.nodeId());
    apiOptions.description = "The federated index of digital-twin records harvested from registry nodes and catalogs.";
    apiOptions.publicUrl = arguments.get("public-url", "");
    apiOptions.contact = tweeling::cli::apiContact(arguments);
    apiOptions.publishing = false;
    apiOptions.openApiHub = true;
    apiOptions.kind = "hub";
    apiOptions.landingLinks.push_back({"/sources", "https://w3id.org/tweeling/rel/sources", "The federated sources"});
    apiOptions.landingLinks.push_back({"/twin/tileset.json", "https://w3id.org/tweeling/rel/twin-tileset",
                                       "The national 3D twin: one 3D Tiles 1.1 tileset of the records' tilesets"});
    apiOptions.landingLinks.push_back({"/twin", "https://w3id.org/tweeling/rel/twin-view",
                                       "The national 3D twin in the browser", "text/html"});
    apiOptions.searchCacheEntries = tweeling::cli::searchCacheEntries(arguments);
    apiOptions.webDir = tweeling::cli::webDirectory(arguments);
    registry::api::Api api(apiOptions, store, profile);
    tweeling::cli::logWebUi(api);
    api.setErrorLog([](const std::string& what) { std::cerr << "{\"error\":\"unexpected\",\"what\":\"" << what << "\"}\n"; });
    hub::AssetProber prober(store, sources, proberOptions(arguments));
    hub::ProbeScheduler probes(prober, [](const hub::ProbeSummary& summary) {
        std::cerr << "{\"event\":\"probe\",\"probed\":" << summary.probed << ",\"pass\":" << summary.pass
                  << ",\"warn\":" << summary.warn << ",\"fail\":" << summary.fail
                  << ",\"rewritten\":" << summary.rewritten << "}" << std::endl;
    });
    hub::HubRoutes routes(sources, store, [&scheduler] { scheduler.wake(); }, &prober);
    routes.install(api);

    registry::api::limitWritesPerKey(api, publishLimit);
    registry::api::HttpServer server(serverOptions, api);
    server.start();
    // The facet bitmaps and the term index are built now, on the store's background builder, rather
    // than when the first query needs them (seconds at a million records); searches meanwhile use
    // FTS5 and SQL.
    store.refreshIndexes();
    if (!arguments.flag("no-harvest")) scheduler.start();
    if (!arguments.flag("no-probes")) {
        wakeProbes = [&probes] { probes.wake(); };
        probes.start();
    }
    std::cerr << "{\"event\":\"start\",\"hubId\":\"" << store.nodeId() << "\",\"epoch\":\"" << store.epoch()
              << "\",\"message\":\"listening on http://" << serverOptions.host << ":" << server.port() << "\"}"
              << std::endl;
    int received = tweeling::cli::waitForStopSignal();
    std::cerr << "{\"event\":\"stop\",\"signal\":" << received << "}" << std::endl;
    harvester.cancel();  // a round in flight winds down while the server drains
    server.stop();
    scheduler.stop();
    probes.stop();
    return 0;
}

// `sources add`: the source's configuration from the flags, checked, then stored (and its key
// pinned when --public-key is given).
int addSource(const Arguments& arguments, registry::store::Store& store, hub::SourceRegistry& sources) {
    hub::SourceConfig config;
    config.id = arguments.get("id");
    config.url = arguments.get("url");
    if (arguments.has("kind")) {
        auto kind = hub::parseKind(arguments.get("kind"));
        if (!kind) throw UsageError("--kind must be tweeling, ogcapi-records, ckan, csw or dcat");
        config.kind = *kind;
    }
    if (arguments.has("every")) {
        auto seconds = hub::parseDuration(arguments.get("every"));
        if (!seconds) throw UsageError("--every must be a duration such as 90s, 15m, 1h or 1d");
        config.everySeconds = *seconds;
    }
    try {
        if (arguments.has("max-delete-fraction"))
            config.maxDeleteFraction = std::stod(arguments.get("max-delete-fraction"));
        if (arguments.has("timeout-ms")) config.totalTimeoutMs = std::stol(arguments.get("timeout-ms"));
        if (arguments.has("connect-timeout-ms"))
            config.connectTimeoutMs = std::stol(arguments.get("connect-timeout-ms"));
    } catch (const std::logic_error&) {
        throw UsageError("--max-delete-fraction, --timeout-ms and --connect-timeout-ms take numbers");
    }
    config.allowPrivate = arguments.flag("allow-private");
    config.tlsPin = arguments.get("tls-pin");
    if (auto problem = hub::validateConfig(config)) throw UsageError(*problem);
    if (arguments.has("public-key")) {
        try {
            tweeling::common::PublicKey::fromBase64Url(arguments.get("public-key"));
        } catch (const tweeling::common::SignatureError& error) {
            throw UsageError(std::string("--public-key: ") + error.what());
        }
    }
    sources.add(config);
    if (arguments.has("public-key")) hub::KeyRing(store).pinForSource(config.id, arguments.get("public-key"));
    std::cerr << "added source " << config.id << " (" << hub::kindName(config.kind) << ", " << config.url
              << (config.allowPrivate ? ", private addresses allowed" : "")
              << (config.tlsPin.empty() ? "" : ", TLS key pinned") << ")\n";
    return 0;
}

int commandSources(const Arguments& arguments) {
    tweeling::cli::requireKnown(arguments, {"db", "hub-id", "id", "url", "kind", "every", "max-delete-fraction",
                                            "timeout-ms", "connect-timeout-ms", "allow-private", "tls-pin",
                                            "public-key", "signing-key"});
    if (arguments.positional.empty()) throw UsageError("sources needs add, list, remove or release-deletions");
    const std::string& action = arguments.positional[0];
    registry::store::Store store(storeOptions(arguments));
    hub::SourceRegistry sources(store);
    if (action == "add") return addSource(arguments, store, sources);
    if (action == "approve") {
        if (arguments.positional.size() != 2) throw UsageError("sources approve needs one source ID");
        std::optional<std::string> expected;
        if (arguments.has("public-key")) expected = arguments.get("public-key");
        auto approved = hub::KeyRing(store).approve(arguments.positional[1], expected);
        if (approved.empty()) {
            std::cerr << "no key from " << arguments.positional[1]
                      << (expected ? " with that value" : "") << " waits for approval (run a harvest first)\n";
            return 1;
        }
        for (const auto& key : approved)
            std::cerr << "pinned " << key.publicKey << " for origin " << key.origin << '\n';
        return 0;
    }
    if (action == "keys") {
        for (const auto& key : hub::KeyRing(store).list())
            std::cout << key.origin << '\t' << key.publicKey << '\t' << key.state << "\tvia " << key.via << '\t'
                      << key.since << (key.retiredAt.empty() ? "" : "\tretired " + key.retiredAt) << '\n';
        return 0;
    }
    if (action == "list") {
        for (const auto& state : sources.list())
            std::cout << state.config.id << '\t' << hub::kindName(state.config.kind) << '\t' << state.config.url
                      << '\t' << state.state << '\t' << state.recordsHeld << " records\t"
                      << "last success " << state.lastSuccess.value_or("never")
                      << (state.config.allowPrivate ? "\tprivate addresses allowed" : "")
                      << (state.config.tlsPin.empty() ? "" : "\tTLS pin " + state.config.tlsPin) << '\n';
        return 0;
    }
    if (action == "remove" || action == "release-deletions") {
        if (arguments.positional.size() != 2) throw UsageError("sources " + action + " needs one source ID");
        const std::string& id = arguments.positional[1];
        if (!sources.get(id)) {
            std::cerr << "no source " << id << '\n';
            return 1;
        }
        if (action == "remove") {
            sources.remove(id);
            hub::KeyRing(store).forgetSource(id);
            std::cerr << "removed source " << id << " and its records\n";
        } else {
            hub::Harvester harvester(store, sources, registry::record::Profile::builtin());
            std::cerr << "deleted " << harvester.releaseDeletions(id) << " records held back for " << id << '\n';
        }
        return 0;
    }
    throw UsageError("unknown sources action '" + action + "'");
}

int commandHarvest(const Arguments& arguments) {
    tweeling::cli::requireKnown(
        arguments, {"db", "hub-id", "signing-key", "source", "ca-bundle", "max-run-pages", "max-run-seconds",
                    "full-listing-every", "items-page-size", "feed-page-size", "record", "max-db-pages"});
    registry::store::Store store(storeOptions(arguments));
    hub::SourceRegistry sources(store);
    if (arguments.has("record")) {
        if (!arguments.has("source")) throw UsageError("harvest --record needs --source ID");
        hub::Harvester harvester(store, sources, registry::record::Profile::builtin(), harvesterOptions(arguments));
        auto report = harvester.harvestRecord(arguments.get("source"), arguments.get("record"));
        if (!report) {
            std::cerr << "no source " << arguments.get("source") << '\n';
            return 1;
        }
        std::cout << report->toText();
        return report->status == "ok" ? 0 : 1;
    }
    std::vector<std::string> ids;
    if (arguments.has("source")) {
        if (!sources.get(arguments.get("source"))) {
            std::cerr << "no source " << arguments.get("source") << '\n';
            return 1;
        }
        ids.push_back(arguments.get("source"));
    } else {
        for (const auto& state : sources.list()) ids.push_back(state.config.id);
    }
    hub::Harvester harvester(store, sources, registry::record::Profile::builtin(), harvesterOptions(arguments));
    int exitCode = 0;
    for (const auto& report : harvester.harvest(ids)) {
        std::cout << report.toText();
        if (report.status != "ok") exitCode = 1;
    }
    return exitCode;
}

int commandReport(const Arguments& arguments) {
    tweeling::cli::requireKnown(arguments, {"db", "hub-id", "signing-key", "source", "json"});
    if (!arguments.has("source")) throw UsageError("report needs --source ID");
    registry::store::Store store(storeOptions(arguments));
    hub::SourceRegistry sources(store);
    auto report = sources.latestReport(arguments.get("source"));
    if (!report) {
        std::cerr << "no report for source " << arguments.get("source") << '\n';
        return 1;
    }
    std::cout << *report << '\n';
    return 0;
}

int commandProbe(const Arguments& arguments) {
    tweeling::cli::requireKnown(arguments, {"db", "hub-id", "signing-key", "source", "record", "due", "json",
                                            "ca-bundle", "probe-workers", "probe-per-host", "probe-every"});
    registry::store::Store store(storeOptions(arguments));
    hub::SourceRegistry sources(store);
    hub::AssetProber prober(store, sources, proberOptions(arguments));
    std::atomic<bool> never{false};
    hub::ProbeSummary summary;
    if (arguments.has("record")) {
        if (!store.get(arguments.get("record"))) {
            std::cerr << "no record " << arguments.get("record") << " (give its item key, e.g. gm0363:bag-3d)\n";
            return 1;
        }
        summary = prober.probeRecord(arguments.get("record"));
    } else if (arguments.has("source")) {
        if (!sources.get(arguments.get("source"))) {
            std::cerr << "no source " << arguments.get("source") << '\n';
            return 1;
        }
        summary = prober.probeSource(arguments.get("source"), never);
    } else {
        summary = prober.runOnce(never);
    }
    if (arguments.flag("json"))
        std::cout << "{\"probed\":" << summary.probed << ",\"pass\":" << summary.pass << ",\"warn\":" << summary.warn
                  << ",\"fail\":" << summary.fail << ",\"rewritten\":" << summary.rewritten << "}\n";
    else
        std::cout << "probed " << summary.probed << " records: " << summary.pass << " pass, " << summary.warn
                  << " warn, " << summary.fail << " fail (" << summary.rewritten << " records' validation changed)\n";
    if (arguments.has("record") && !arguments.flag("json")) std::cout << store.get(arguments.get("record"))->json << '\n';
    return summary.fail > 0 ? 1 : 0;
}

int commandKeys(const Arguments& arguments) {
    tweeling::cli::requireKnown(arguments, {"db", "hub-id", "signing-key", "admin", "expires"});
    registry::store::Store store(storeOptions(arguments));
    if (!arguments.positional.empty() && arguments.positional[0] == "rotate-signing")
        return tweeling::cli::rotateSigningKey(
            store, tweeling::cli::signingKeyPath(arguments, arguments.get("db", "twin-federation.db")));
    return tweeling::cli::manageKeys(store, arguments, [&] {
        if (!arguments.flag("admin")) throw UsageError("a hub makes admin keys only: keys create --admin");
        return std::string(hub::kAdminPublisher);
    });
}

}  // namespace

int main(int argc, char** argv) {
    static const std::string serveHelp =
        std::string(kServeHelp) + tweeling::cli::kWebUiHelp + tweeling::cli::kContactHelp +
        tweeling::cli::kHardeningHelp;
    return tweeling::cli::runProgram("twin-federation", kUsage,
                                     {{"serve", serveHelp.c_str(), commandServe},
                                      {"sources", kSourcesHelp, commandSources},
                                      {"harvest", kHarvestHelp, commandHarvest},
                                      {"report", kReportHelp, commandReport},
                                      {"probe", kProbeHelp, commandProbe},
                                      {"keys", kKeysHelp, commandKeys}},
                                     argc, argv);
}
