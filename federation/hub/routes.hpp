#pragma once
// The hub's own HTTP routes beside the registry API: /sources (what is federated, its health and
// reports; also as HTML pages), source management with an admin key, and, with the probes, the
// national tileset and its page /twin. Also marks records of unreachable sources as stale when they
// are served.
#include "api/api.hpp"
#include "hub/asset_probes.hpp"
#include "hub/sources.hpp"
#include "hub/trust.hpp"

#include <functional>
#include <memory>

namespace tweeling::federation::hub {

class HubRoutes {
public:
    // `wake` is called after a harvest was queued (the scheduler starts at once).
    // `prober` (optional): quality per source at /sources/{id}, the latest probes in reports, and the
    // assembled national tileset (/twin/tileset.json, the 3D GeoVolumes collections).
    HubRoutes(SourceRegistry& sources, registry::store::Store& store, std::function<void()> wake,
              const AssetProber* prober = nullptr);
    ~HubRoutes();
    void install(registry::api::Api& api);

private:
    struct Private;
    std::shared_ptr<Private> m_private;
};

// JSON of one source, as served at /sources/{id}.
std::string sourceJson(const SourceState& state, const std::string& base, const KeyRing* keys = nullptr);

}  // namespace tweeling::federation::hub
