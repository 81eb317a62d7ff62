// The dispatch from a distribution's format to its probe.
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

const char* statusName(Status status) {
    switch (status) {
        case Status::Pass: return "pass";
        case Status::Warn: return "warn";
        case Status::Fail: return "fail";
    }
    return "fail";
}

ProbeResult probeDistribution(const std::string& format, const std::string& url, const std::string& mediaType,
                              const Fetch& fetch, const Limits& limits) {
    ProbeResult result;
    result.format = format;
    if (format == "3dtiles") probe3dTiles(url, fetch, limits, result);
    else if (format == "cityjson" || format == "cityjsonseq") probeCityJson(url, fetch, limits, result);
    else if (format == "gltf") probeGltf(url, fetch, limits, result);
    else if (format == "las" || format == "laz" || format == "copc") probePointCloud(url, fetch, limits, result);
    else if (format == "i3s") probeI3s(url, fetch, limits, result);
    else if (format == "ifc") probeIfc(url, fetch, limits, result);
    else if (format == "ogcapi-features") probeOgcApi(url, fetch, limits, result);
    else probeLink(url, mediaType, fetch, limits, result);
    return result;
}

}  // namespace tweeling::federation::probe
