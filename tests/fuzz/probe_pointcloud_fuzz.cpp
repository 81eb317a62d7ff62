// The asset probe probePointCloud (federation/probe/): the input is the body a server sends for the
// distribution's URL (https://assets.example.org/cloud.las, and .laz; application/octet-stream); every other URL it
// asks for is a 404. A probe never throws on anything a server sends.
#include "fuzz_support.hpp"
#include "probe/probe.hpp"
#include "probe_fetch.hpp"

using namespace tweeling;
namespace probe = federation::probe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(fuzz::text(data, size));
    // The claimed format comes from the URL's extension: the same bytes as LAS and as LAZ.
    for (const std::string url : {"https://assets.example.org/cloud.las", "https://assets.example.org/cloud.laz"}) {
        probe::ProbeResult result;
        probe::probePointCloud(url, fuzz::serveOne(url, body, "application/octet-stream"), probe::Limits{}, result);
    }
    return 0;
}
