// The asset probe probeCityJson (federation/probe/): the input is the body a server sends for the
// distribution's URL (https://assets.example.org/city.json, application/city+json); every other URL it asks
// for is a 404. A probe never throws on anything a server sends.
#include "fuzz_support.hpp"
#include "probe/probe.hpp"
#include "probe_fetch.hpp"

using namespace tweeling;
namespace probe = federation::probe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string url = "https://assets.example.org/city.json";
    const std::string body(fuzz::text(data, size));
    probe::ProbeResult result;
    probe::probeCityJson(url, fuzz::serveOne(url, body, "application/city+json"), probe::Limits{}, result);
    return 0;
}
