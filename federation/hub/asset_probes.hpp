#pragma once
// The hub's asset probes over its records (probe/probe.hpp does one distribution): which records
// to probe (changed since the last cycle, or due again), running the probes with bounded
// concurrency, merging their checks into the `validation` member of the hub's copy of the record
// (Store::annotate: outside the origin's signed content), and what other parts read back: quality
// per source, and the probed 3D Tiles tilesets the national tileset is assembled from.
//
// Tables (the hub's own, beside the store's):
//   probe_state     per record (item key): the hash probed, verdict, when checked, when due again
//   probe_checks    per record and check id: the worst status (quality per source)
//   twin_tilesets   per record and 3D Tiles distribution that passed its probe: URL, region,
//                   geometric error, extensions (assembly)
#include "common/json.hpp"
#include "probe/probe.hpp"
#include "store/store.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

class SourceRegistry;

struct ProberOptions {
    int workers = 8;                             // records probed at once (waiting on servers, not CPU)
    int perHost = 2;                             // requests in flight per host, all probes together
    std::int64_t recheckSeconds = 7 * 86400;     // a record is probed again after this long
    int batch = 500;                             // records per cycle at most
    int maxDistributions = 8;                    // distributions probed per record
    std::string caBundlePath;                    // as the harvester's
    probe::Limits limits;
    // For tests: the Fetch every probe uses instead of the network.
    probe::Fetch fetchForTests;
};

struct ProbeSummary {
    std::int64_t probed = 0;
    std::int64_t pass = 0, warn = 0, fail = 0;
    std::int64_t rewritten = 0;  // records whose validation member changed
};

// A 3D Tiles distribution that passed its probe, as the assembly needs it.
struct ProbedTileset {
    std::string key;            // the record's item key
    int distribution = 0;       // index in properties.distributions
    std::string href;           // the tileset.json URL, absolute
    std::array<double, 6> region{};  // radians: west, south, east, north, minimum and maximum height
    bool regionFromAsset = false;    // else from the record's footprint
    double geometricError = 0;
    std::vector<std::string> extensionsUsed, extensionsRequired;
};

// Per check id over a source's probed records.
struct CheckQuality {
    std::string id;
    std::int64_t records = 0, pass = 0, warn = 0, fail = 0;
};

struct SourceQuality {
    std::int64_t probed = 0, pass = 0, warn = 0, fail = 0;
    std::int64_t held = 0;  // records held from the source (probed or not)
    std::optional<std::string> lastChecked;
    std::vector<CheckQuality> checks;  // by id
    struct Failing {
        std::string key;
        std::vector<std::pair<std::string, std::string>> checks;  // id, message
    };
    std::vector<Failing> failing;  // at most kMaxFailingListed
    static constexpr std::size_t kMaxFailingListed = 50;
};

class AssetProber {
public:
    AssetProber(registry::store::Store& store, SourceRegistry& sources, ProberOptions options = {});
    ~AssetProber();

    // One cycle: the records changed since the last one (by the hub's feed) and those due again, at
    // most options.batch. Stops early (between records) when `cancelled`.
    ProbeSummary runOnce(const std::atomic<bool>& cancelled);
    // By hand (`twin-federation probe`): one record, or every record of a source.
    ProbeSummary probeRecord(const std::string& key);
    ProbeSummary probeSource(const std::string& source, const std::atomic<bool>& cancelled);

    SourceQuality quality(const std::string& source) const;
    // The probed tilesets of these records (item keys), in the given order.
    std::vector<ProbedTileset> tilesets(const std::vector<std::string>& keys) const;
    // Records whose 3D Tiles probe failed or has not run, of these: key -> reason.
    std::vector<std::pair<std::string, std::string>> notAssembled(const std::vector<std::string>& keys) const;

private:
    struct Private;
    std::unique_ptr<Private> m_private;
};

// The JSON of a source's quality (GET /sources/{id}: `quality`).
common::JsonValue qualityJson(const SourceQuality& quality, common::Json::AllocatorType& allocator);

}  // namespace tweeling::federation::hub
