// TEMPORARY: stands in for the 3D Tiles probe until it is merged, so the other probes' tests link.
// Delete this file when tiles3d.cpp arrives.
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

void probe3dTiles(const std::string&, const Fetch&, const Limits&, ProbeResult&) {}

}  // namespace tweeling::federation::probe
