#pragma once
// The hub's pages for people, in the registry's page shell (api/html.hpp), so that the web UI mounts
// on them as on a node's pages: /sources and /sources/{id} as HTML (rendered from the JSON those
// routes answer, so both show the same), and /twin, the page of the national 3D twin, on which the
// web UI shows the assembled tileset /twin/tileset.json with CesiumJS.
#include "api/api.hpp"
#include "api/html.hpp"

#include <string>

namespace tweeling::federation::hub {

// The HTML of GET /sources (data-page "sources") from its JSON: a table of the sources.
registry::api::Response sourcesPage(const std::string& json, const registry::api::html::Shell& shell);

// The HTML of GET /sources/{id} (data-page "source") from its JSON: its row of the table, its
// harvest state and, when the hub probes assets, the quality of its records.
registry::api::Response sourcePage(const std::string& json, const registry::api::html::Shell& shell);

// GET /twin (data-page "twin"): the page the web UI turns into a 3D view of the national tileset,
// its search parameters passed on to /twin/tileset.json (data-json); without script, a link to the
// tileset.
registry::api::Response twinPage(const registry::api::Request& request, const registry::api::html::Shell& shell);

}  // namespace tweeling::federation::hub
