#pragma once
// The national 3D twin, assembled on request from the records' own tilesets (never copied: every
// tile is fetched from its origin's server). GET /twin/tileset.json?bbox=&themes=&adminUnits=&lod=
// is a 3D Tiles 1.1 root tileset whose children are the matching records' tilesets as external
// tilesets; the same tilesets are offered as OGC API – 3D GeoVolumes collections
// (collectionType "3d-container": one for the whole twin, one per theme) with a /3dtiles link.
#include "api/api.hpp"
#include "hub/asset_probes.hpp"
#include "store/store.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

// The most children one assembled tileset has; a query matching more says so in its extras.
inline constexpr int kMaxTwinChildren = 1000;
// The id of the GeoVolumes collection of the whole twin; a theme's is kTwinCollection + "-" + theme.
inline constexpr const char* kTwinCollection = "twin-3d";

class TwinAssembly {
public:
    TwinAssembly(registry::store::Store& store, const AssetProber& prober) : m_store(store), m_prober(prober) {}

    // GET /twin/tileset.json, /collections (adds its collections), /collections/twin-3d*[/3dtiles].
    std::optional<registry::api::Response> handle(const registry::api::Request& request, const std::string& base,
                                                  const std::vector<std::string>& segments);
    // The 3D GeoVolumes collections, as JSON objects (for GET /collections).
    std::vector<std::string> collections(const std::string& base);
    // The assembled tileset for these query parameters (bbox, themes, adminUnits, lod, and the other
    // search parameters of /collections/twins/items); throws ApiError (400) on a bad one.
    std::string tileset(const std::map<std::string, std::string>& parameters);

private:
    registry::store::Store& m_store;
    const AssetProber& m_prober;
    // Assembled tilesets by query, valid while the hub's data is at `seq` (like search pages).
    std::mutex m_cacheMutex;
    std::int64_t m_cacheSeq = -1;
    std::map<std::string, std::string> m_cache;
};

}  // namespace tweeling::federation::hub
