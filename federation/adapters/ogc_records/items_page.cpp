#include "adapters/ogc_records/ogc_records.hpp"
#include "common/text.hpp"

#include "adapters/text.hpp"
#include "adapters/url.hpp"

namespace tweeling::federation::adapters {

using common::JsonValue;

std::optional<std::string> readItemsPage(const JsonValue& page, const std::string& pageUrl, ItemsPage& out) {
    out = ItemsPage{};
    if (!page.IsObject()) return std::string("the items page is not a JSON object (a GeoJSON FeatureCollection)");
    auto type = common::stringMember(page, "type");
    if (!type || *type != "FeatureCollection")
        return std::string("the items page is not a GeoJSON FeatureCollection (its type is ") +
               (type ? "'" + std::string(type->substr(0, 80)) + "'" : std::string("missing")) + ")";
    const JsonValue* features = common::member(page, "features");
    if (!features) return std::string("the FeatureCollection has no 'features'");
    if (!features->IsArray()) return std::string("the FeatureCollection's 'features' is not an array");
    out.features.reserve(features->Size());
    for (const auto& feature : features->GetArray()) out.features.push_back(&feature);

    if (const JsonValue* matched = common::member(page, "numberMatched")) {
        if (matched->IsInt64() && matched->GetInt64() >= 0) out.numberMatched = matched->GetInt64();
    }

    const JsonValue* links = common::member(page, "links");
    if (!links || !links->IsArray()) return std::nullopt;
    std::string json, untyped, other;
    for (const auto& link : links->GetArray()) {
        if (common::stringMember(link, "rel") != std::string_view("next")) continue;
        auto href = common::stringMember(link, "href");
        if (!href || href->empty()) continue;
        auto linkType = common::stringMember(link, "type");
        std::string lowerType = linkType ? common::toLowerAscii(*linkType) : std::string();
        std::string& slot = !linkType || lowerType.empty() ? untyped
                            : lowerType.find("json") != std::string::npos ? json
                                                                           : other;
        if (slot.empty()) slot = std::string(*href);
    }
    std::string chosen = !json.empty() ? json : !untyped.empty() ? untyped : std::string();
    if (chosen.empty()) {
        if (!other.empty())
            return std::string("the items page has only a next link that is not JSON ('") + other.substr(0, 200) + "')";
        return std::nullopt;
    }
    std::string next = resolveUrl(pageUrl, common::trim(chosen));
    if (!isHttpUrl(next)) return "the next link '" + next.substr(0, 200) + "' is not an http(s) URL";
    if (next == pageUrl) return "the next link points back to this page (" + next.substr(0, 200) + ")";
    out.nextUrl = std::move(next);
    return std::nullopt;
}

}  // namespace tweeling::federation::adapters
