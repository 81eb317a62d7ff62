// How to get the data: properties.distributions from dcat:distribution (or a data service's
// dcat:endpointURL), and the links to the landing page and a service's description.
#include "adapters/dcat/mapper.hpp"

#include <algorithm>

#include "adapters/formats.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::dcat {

using common::JsonValue;

namespace {

constexpr std::string_view kIanaMediaTypes = "www.iana.org/assignments/media-types/";

// dcat:mediaType as a media type: an IANA IRI (https://www.iana.org/assignments/media-types/text/csv)
// or a literal.
std::string mediaTypeOf(const std::string& value) {
    std::string type = value;
    if (std::size_t at = type.find(kIanaMediaTypes); at != std::string::npos)
        type = type.substr(at + kIanaMediaTypes.size());
    type = common::toLowerAscii(common::trim(type));
    return isMediaType(type) ? type : std::string();
}

std::string lastSegment(std::string iri) {
    while (!iri.empty() && (iri.back() == '/' || iri.back() == '#')) iri.pop_back();
    std::size_t cut = iri.find_last_of("/#");
    return cut == std::string::npos ? iri : iri.substr(cut + 1);
}

}  // namespace

void Mapper::mapDistributions() {
    JsonValue items(rapidjson::kArrayType);
    std::vector<std::string> hrefs, conformsTo;
    std::size_t unknownVersions = 0, withoutUrl = 0;

    auto add = [&](const std::string& href, FormatGuess guess, const std::optional<std::string>& title,
                   const std::optional<std::int64_t>& size) {
        if (std::find(hrefs.begin(), hrefs.end(), href) != hrefs.end()) return;
        hrefs.push_back(href);
        if (guess.version.empty()) {
            guess.version = "unknown";
            ++unknownVersions;
        }
        JsonValue distribution(rapidjson::kObjectType);
        distribution.AddMember("href", s(href), m_allocator);
        distribution.AddMember("format", s(guess.format), m_allocator);
        distribution.AddMember("formatVersion", s(guess.version), m_allocator);
        distribution.AddMember("mediaType",
                               s(guess.mediaType.empty() ? std::string("application/octet-stream") : guess.mediaType),
                               m_allocator);
        if (title && title->size() <= 1024) distribution.AddMember("title", s(*title), m_allocator);
        if (size) distribution.AddMember("byteSize", JsonValue(static_cast<int64_t>(*size)), m_allocator);
        items.PushBack(distribution, m_allocator);
    };
    // The format from the URL, a media type, a format word or IRI, and the standards it conforms to.
    auto formatOf = [&](const std::string& href, const std::string& mediaType, const std::string& formatValue,
                        const std::vector<std::string>& standards) {
        std::string hint = mediaType;
        if (hint.empty()) hint = mediaTypeOf(formatValue);
        FormatGuess guess = guessFormat(href, hint);
        if (guess.format == "other" && !formatValue.empty())
            if (auto word = formatOfWord(lastSegment(formatValue))) {
                guess.format = word->format;
                if (guess.mediaType.empty() || guess.mediaType == "application/octet-stream")
                    guess.mediaType = word->mediaType;
            }
        // An OGC standard the service conforms to (http://www.opengeospatial.org/standards/wms).
        for (const std::string& standard : standards) {
            if (guess.format != "other") break;
            std::string protocol = ogcProtocol(common::toUpperAscii(lastSegment(standard)), href);
            if (!protocol.empty()) guess = guessFormat(href, common::toUpperAscii(lastSegment(standard)));
        }
        if (!mediaType.empty()) guess.mediaType = mediaType;
        return guess;
    };

    for (TermId distribution : objects(m_node, ns::dcat, "distribution")) {
        std::string href;
        for (TermId id : objects(distribution, ns::dcat, "downloadURL"))
            if (href.empty()) href = urlOf(id);
        for (TermId id : objects(distribution, ns::dcat, "accessURL"))
            if (href.empty()) href = urlOf(id);
        if (href.empty()) {
            ++withoutUrl;
            continue;
        }
        std::string mediaType;
        for (TermId id : objects(distribution, ns::dcat, "mediaType"))
            if (mediaType.empty()) mediaType = mediaTypeOf(valueOf(id));
        std::string formatValue;
        if (auto format = object(distribution, ns::dct, "format")) {
            formatValue = valueOf(*format);
            if (formatValue.empty())  // a blank node with a label
                if (auto label = text(*format, ns::rdfs, "label")) formatValue = *label;
        }
        std::vector<std::string> standards;
        for (TermId id : objects(distribution, ns::dct, "conformsTo"))
            if (std::string value = valueOf(id); !value.empty() && value.size() <= 4096) {
                standards.push_back(value);
                if (std::find(conformsTo.begin(), conformsTo.end(), value) == conformsTo.end())
                    conformsTo.push_back(value);
            }
        std::optional<std::int64_t> size;
        if (auto bytes = object(distribution, ns::dcat, "byteSize")) {
            std::string value = valueOf(*bytes);
            if (!value.empty() && value.size() <= 18 && digitsOnly(value)) size = std::stoll(value);
        }
        add(href, formatOf(href, mediaType, formatValue, standards), text(distribution, ns::dct, "title"), size);
    }
    if (withoutUrl > 0)
        warn("/properties/distributions", std::to_string(withoutUrl) +
                                              " distributions without an http(s) dcat:downloadURL or dcat:accessURL "
                                              "were left out.");
    keep("distributionConformsTo", conformsTo);

    if (m_service) {
        std::vector<std::string> standards;
        for (TermId id : objects(m_node, ns::dct, "conformsTo"))
            if (std::string value = valueOf(id); !value.empty()) standards.push_back(value);
        for (TermId id : objects(m_node, ns::dcat, "endpointURL"))
            if (std::string url = urlOf(id); !url.empty())
                add(url, formatOf(url, "", "", standards), std::string("Service endpoint"), std::nullopt);
        for (TermId id : objects(m_node, ns::dcat, "endpointDescription"))
            if (std::string url = urlOf(id); !url.empty()) link(url, "service-desc", nullptr, "Service description");
    }

    std::string landingPage;
    for (TermId id : objects(m_node, ns::dcat, "landingPage"))
        if (std::string url = urlOf(id); !url.empty()) {
            if (landingPage.empty()) landingPage = url;
            link(url, "describedby", "text/html", "Landing page");
        }

    if (items.Empty()) {
        std::string fallback = !landingPage.empty() ? landingPage : (isHttpUrl(iriOf(m_node)) ? iriOf(m_node) : "");
        if (!fallback.empty()) {
            JsonValue distribution(rapidjson::kObjectType);
            distribution.AddMember("href", s(fallback), m_allocator);
            distribution.AddMember("format", "other", m_allocator);
            distribution.AddMember("formatVersion", "DCAT", m_allocator);
            distribution.AddMember("mediaType", "text/html", m_allocator);
            items.PushBack(distribution, m_allocator);
            warn("/properties/distributions",
                 std::string("The resource has no distribution with an http(s) URL; its ") +
                     (landingPage.empty() ? "IRI" : "landing page") + " (" + fallback +
                     ") is given as its only distribution.");
        }
    }
    if (unknownVersions > 0)
        warn("/properties/distributions", std::to_string(unknownVersions) + " distribution" +
                                              (unknownVersions == 1 ? " has" : "s have") +
                                              " no known format version; 'unknown' is given.");
    if (!items.Empty()) m_p.AddMember("distributions", items, m_allocator);
}

}  // namespace tweeling::federation::adapters::dcat
