// How to get the data: properties.distributions from the package's resources.
#include "adapters/ckan/mapper.hpp"

#include <algorithm>
#include <vector>

#include "adapters/formats.hpp"
#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::ckan {

using common::JsonValue;

namespace {

std::optional<std::int64_t> sizeOf(const JsonValue* size) {
    if (!size) return std::nullopt;
    if (size->IsInt64() && size->GetInt64() >= 0) return size->GetInt64();
    if (size->IsString()) {
        std::string value = common::trim(text(*size));
        if (!value.empty() && value.size() <= 18 && digitsOnly(value)) return std::stoll(value);
    }
    return std::nullopt;
}

// "md5:abc…", "sha256:…", or a bare hex digest named by its length.
std::optional<std::pair<std::string, std::string>> checksumOf(std::string hash) {
    hash = common::trim(hash);
    if (hash.empty() || hash.size() > 256 || hasWhitespace(hash)) return std::nullopt;
    std::size_t colon = hash.find(':');
    if (colon != std::string::npos && colon > 0 && colon + 1 < hash.size())
        return std::make_pair(common::toLowerAscii(hash.substr(0, colon)), hash.substr(colon + 1));
    bool hex = std::all_of(hash.begin(), hash.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (!hex) return std::nullopt;
    if (hash.size() == 32) return std::make_pair(std::string("md5"), hash);
    if (hash.size() == 40) return std::make_pair(std::string("sha1"), hash);
    if (hash.size() == 64) return std::make_pair(std::string("sha256"), hash);
    return std::nullopt;
}

}  // namespace

void Mapper::mapDistributions() {
    JsonValue items(rapidjson::kArrayType);
    std::vector<std::string> hrefs;
    std::size_t unknownVersions = 0, notHttp = 0;
    const JsonValue* resources = member(m_in, "resources");
    if (resources && !resources->IsArray()) {
        warn("/properties/distributions", "'resources' is not an array; it was ignored.");
        resources = nullptr;
    }
    if (resources) {
        for (rapidjson::SizeType i = 0; i < resources->Size() && i < kMaxEntries; ++i) {
            const JsonValue& resource = (*resources)[i];
            auto url = nonEmptyMember(resource, "url");
            if (!url) continue;
            if (!isHttpUrl(*url) || url->size() > 4096) {
                ++notHttp;
                continue;
            }
            if (std::find(hrefs.begin(), hrefs.end(), *url) != hrefs.end()) continue;
            hrefs.push_back(*url);
            auto mimetype = nonEmptyMember(resource, "mimetype");
            auto format = nonEmptyMember(resource, "format");
            if (mimetype && !isMediaType(common::toLowerAscii(*mimetype))) mimetype.reset();
            // CKAN's format is sometimes a media type or an OGC protocol ("OGC:WMS") itself.
            std::string hint = mimetype ? *mimetype : format.value_or("");
            FormatGuess guess = guessFormat(*url, hint);
            if (guess.format == "other" && format)
                if (auto word = formatOfWord(*format)) {
                    guess.format = word->format;
                    if (guess.mediaType.empty() || guess.mediaType == "application/octet-stream")
                        guess.mediaType = word->mediaType;
                }
            if (mimetype) guess.mediaType = *mimetype;
            if (guess.version.empty()) {
                guess.version = "unknown";
                ++unknownVersions;
            }
            JsonValue distribution(rapidjson::kObjectType);
            distribution.AddMember("href", s(*url), m_allocator);
            distribution.AddMember("format", s(guess.format), m_allocator);
            distribution.AddMember("formatVersion", s(guess.version), m_allocator);
            distribution.AddMember(
                "mediaType", s(guess.mediaType.empty() ? std::string("application/octet-stream") : guess.mediaType),
                m_allocator);
            if (auto title = nonEmptyMember(resource, "name"); title && title->size() <= 1024)
                distribution.AddMember("title", s(*title), m_allocator);
            if (auto size = sizeOf(member(resource, "size")))
                distribution.AddMember("byteSize", JsonValue(static_cast<int64_t>(*size)), m_allocator);
            if (auto hash = nonEmptyMember(resource, "hash"))
                if (auto checksum = checksumOf(*hash)) {
                    JsonValue entry(rapidjson::kObjectType);
                    entry.AddMember("algorithm", s(checksum->first), m_allocator);
                    entry.AddMember("value", s(checksum->second), m_allocator);
                    distribution.AddMember("checksum", entry, m_allocator);
                }
            items.PushBack(distribution, m_allocator);
        }
        if (resources->Size() > kMaxEntries)
            warn("/properties/distributions",
                 "Only the first " + std::to_string(kMaxEntries) + " resources were read.");
    }
    if (notHttp > 0)
        warn("/properties/distributions",
             std::to_string(notHttp) + " resources without an http(s) URL were left out.");
    if (items.Empty() && !m_packageUrl.empty()) {
        JsonValue distribution(rapidjson::kObjectType);
        distribution.AddMember("href", s(m_packageUrl), m_allocator);
        distribution.AddMember("format", "other", m_allocator);
        distribution.AddMember("formatVersion", "CKAN", m_allocator);
        distribution.AddMember("mediaType", "text/html", m_allocator);
        items.PushBack(distribution, m_allocator);
        warn("/properties/distributions", "The package has no resource with an http(s) URL; its page (" +
                                              m_packageUrl + ") is given as its only distribution.");
    }
    if (unknownVersions > 0)
        warn("/properties/distributions", std::to_string(unknownVersions) + " distribution" +
                                              (unknownVersions == 1 ? " has" : "s have") +
                                              " no known format version; 'unknown' is given.");
    if (!items.Empty()) m_p.AddMember("distributions", items, m_allocator);
}

}  // namespace tweeling::federation::adapters::ckan
