// Content negotiation glue: which serialisation a request asks for, its media type and `f` value,
// and the graph written in it.
#include "api/dcat_internal.hpp"
#include "common/http.hpp"

#include <algorithm>

namespace tweeling::registry::api::dcat {

// ---- negotiation ----
std::optional<Format> negotiate(const std::string* f, const std::string& accept) {
    if (f) {
        if (*f == "jsonld") return Format::JsonLd;
        if (*f == "ttl") return Format::Turtle;
        return std::nullopt;
    }
    if (accept.empty()) return std::nullopt;
    const std::vector<common::MediaRange> ranges = common::parseAccept(accept);
    double jsonld = common::acceptQuality(ranges, "application/ld+json");
    double turtle = common::acceptQuality(ranges, "text/turtle");
    double json = std::max(common::acceptQuality(ranges, "application/json"),
                           common::acceptQuality(ranges, "application/geo+json"));
    if (jsonld > json && jsonld >= turtle && jsonld > 0) return Format::JsonLd;
    if (turtle > json && turtle > jsonld && turtle > 0) return Format::Turtle;
    return std::nullopt;
}

const char* mediaType(Format format) {
    return format == Format::Turtle ? "text/turtle; charset=utf-8" : "application/ld+json";
}

const char* formatParameter(Format format) { return format == Format::Turtle ? "ttl" : "jsonld"; }


namespace detail {

std::string serialise(Format format, const Graph& graph) {
    return format == Format::Turtle ? rdf::toTurtle(graph) : rdf::toJsonLd(graph);
}

}  // namespace detail

}  // namespace tweeling::registry::api::dcat
