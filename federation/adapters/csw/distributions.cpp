// How to get the data: properties.distributions from the record's online resources and, for
// service metadata, its operations' connect points; web pages about the data go to links.
#include "adapters/csw/mapper.hpp"

#include <algorithm>
#include <vector>

#include "adapters/formats.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::csw {

using common::JsonValue;
using xml::Element;
namespace ns = xml::ns;

namespace {

struct Resource {
    std::string url, protocol, name, description;
};

Resource resourceOf(const Element& online) {
    Resource out;
    out.url = characterString(online.child(ns::kGmd, "linkage"));
    out.protocol = characterString(online.child(ns::kGmd, "protocol")).substr(0, 256);
    // The Dutch profile anchors protocols to a URI ("http://www.opengis.net/def/serviceType/ogc/wms").
    if (out.protocol.empty()) out.protocol = anchorHref(online.child(ns::kGmd, "protocol")).substr(0, 256);
    out.name = characterString(online.child(ns::kGmd, "name")).substr(0, 1024);
    out.description = characterString(online.child(ns::kGmd, "description")).substr(0, 4096);
    return out;
}

// A page about the data rather than the data: the Dutch profile's "landingpage", ISO's WWW:LINK.
bool isWebPage(const std::string& protocol) {
    std::string key = common::toLowerAscii(protocol);
    return key.rfind("www:link", 0) == 0 || key == "landingpage" || key == "website" || key == "http" || key == "https";
}

// serviceType as GeoNetwork writes it ("view", "download", "OGC:WMS", "WMS") -> a protocol word
// adapters::guessFormat knows; "" when it names none.
std::string serviceProtocol(const std::string& serviceType) {
    std::string key = common::toLowerAscii(serviceType);
    if (key == "view") return "OGC:WMS";
    if (key.find("api") != std::string::npos && key.find("feature") != std::string::npos) return "OGC:API-Features";
    for (const char* protocol : {"wmts", "wms", "wfs", "wcs"})
        if (key.find(protocol) != std::string::npos) return std::string("OGC:") + common::toUpperAscii(protocol);
    return {};
}

}  // namespace

void Mapper::mapDistributions() {
    std::vector<Resource> resources;
    for (const Element& info : m_in.children(ns::kGmd, "distributionInfo", kMaxEntries)) {
        Element distribution = info.child(ns::kGmd, "MD_Distribution");
        for (const Element& options : distribution.children(ns::kGmd, "transferOptions", kMaxEntries))
            for (const Element& online :
                 options.path({{ns::kGmd, "MD_DigitalTransferOptions"}}).children(ns::kGmd, "onLine", kMaxEntries))
                if (Element resource = online.child(ns::kGmd, "CI_OnlineResource"))
                    resources.push_back(resourceOf(resource));
    }

    // Service metadata: the service type and its operations' connect points.
    std::string serviceType;
    if (m_service) {
        serviceType = characterString(m_ident.child(ns::kSrv, "serviceType"));
        keep("serviceType", serviceType);
        keep("serviceTypeVersion", characterString(m_ident.child(ns::kSrv, "serviceTypeVersion")));
        JsonValue operations(rapidjson::kArrayType);
        for (const Element& contains : m_ident.children(ns::kSrv, "containsOperations", kMaxEntries)) {
            Element operation = contains.child(ns::kSrv, "SV_OperationMetadata");
            std::string name = characterString(operation.child(ns::kSrv, "operationName")).substr(0, 256);
            for (const Element& point : operation.children(ns::kSrv, "connectPoint", kMaxEntries)) {
                Element online = point.child(ns::kGmd, "CI_OnlineResource");
                if (!online) continue;
                Resource resource = resourceOf(online);
                if (resource.protocol.empty()) resource.protocol = serviceProtocol(serviceType);
                if (resource.name.empty()) resource.name = name;
                if (resource.url.empty()) continue;
                JsonValue entry(rapidjson::kObjectType);
                entry.AddMember("name", s(name), m_allocator);
                entry.AddMember("url", s(resource.url.substr(0, 4096)), m_allocator);
                operations.PushBack(entry, m_allocator);
                resources.push_back(std::move(resource));
            }
        }
        if (!operations.Empty()) m_source.AddMember("operations", operations, m_allocator);
    }

    JsonValue items(rapidjson::kArrayType);
    std::vector<std::string> hrefs;
    std::size_t unknownVersions = 0, notHttp = 0;
    for (Resource& resource : resources) {
        if (resource.url.empty()) continue;
        if (!isHttpUrl(resource.url) || resource.url.size() > 4096) {
            ++notHttp;
            continue;
        }
        if (std::find(hrefs.begin(), hrefs.end(), resource.url) != hrefs.end()) continue;
        hrefs.push_back(resource.url);
        if (isWebPage(resource.protocol)) {
            JsonValue link(rapidjson::kObjectType);
            link.AddMember("href", s(resource.url), m_allocator);
            link.AddMember("rel", "related", m_allocator);
            link.AddMember("type", "text/html", m_allocator);
            if (!resource.name.empty()) link.AddMember("title", s(resource.name), m_allocator);
            m_links.PushBack(link, m_allocator);
            continue;
        }
        std::string protocol = resource.protocol;
        if (protocol.empty() && m_service) protocol = serviceProtocol(serviceType);
        FormatGuess guess = guessFormat(resource.url, protocol);
        if (guess.version.empty()) {
            guess.version = "unknown";
            ++unknownVersions;
        }
        JsonValue distribution(rapidjson::kObjectType);
        distribution.AddMember("href", s(resource.url), m_allocator);
        distribution.AddMember("format", s(guess.format), m_allocator);
        distribution.AddMember("formatVersion", s(guess.version), m_allocator);
        distribution.AddMember("mediaType",
                               s(guess.mediaType.empty() ? std::string("application/octet-stream") : guess.mediaType),
                               m_allocator);
        std::string title = !resource.name.empty() ? resource.name : resource.description.substr(0, 1024);
        if (!title.empty()) distribution.AddMember("title", s(title), m_allocator);
        items.PushBack(distribution, m_allocator);
        if (items.Size() >= kMaxEntries) break;
    }
    if (notHttp > 0)
        warn("/properties/distributions",
             std::to_string(notHttp) + " online resources without an http(s) URL were left out.");
    if (unknownVersions > 0)
        warn("/properties/distributions", std::to_string(unknownVersions) + " distribution" +
                                              (unknownVersions == 1 ? " has" : "s have") +
                                              " no known format version; 'unknown' is given.");
    if (items.Empty()) {
        warn("/properties/distributions",
             "The record has no online resource (gmd:CI_OnlineResource) with an http(s) "
             "URL that gives the data.");
        return;
    }
    m_p.AddMember("distributions", items, m_allocator);
}

}  // namespace tweeling::federation::adapters::csw
