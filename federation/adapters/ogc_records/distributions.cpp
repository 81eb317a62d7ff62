// Where the data is: properties.distributions (from twin-form distributions and data links, with
// their formats), the remaining links, and conformsTo.
#include "adapters/ogc_records/mapper.hpp"
#include "common/text.hpp"

#include "adapters/formats.hpp"
#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "record/identifiers.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::federation::adapters::ogc_records {

using common::Json;
using common::JsonValue;

namespace {

bool isDataRel(std::string_view rel) {
    return rel == "enclosure" || rel == "download" || rel == "item" || rel == "items" || rel == "data" ||
           rel == "service";
}
bool isNonDataRel(std::string_view rel) {
    return rel == "self" || rel == "collection" || rel == "root" || rel == "parent" || rel == "next" ||
           rel == "prev" || rel == "license" || rel == "describedby" || rel == "preview" || rel == "icon" ||
           rel == "search" || rel == "canonical" || rel == "via" || rel == "up";
}

}  // namespace

// A link object as the profile accepts it, or null.
JsonValue Mapper::normalizeLink(const JsonValue& link, const std::string& base) {
    auto href = nonEmptyMember(link, "href");
    auto rel = nonEmptyMember(link, "rel");
    if (!href || !rel) return JsonValue(rapidjson::kNullType);
    JsonValue out(rapidjson::kObjectType);
    out.AddMember("href", s(base.empty() ? *href : resolveUrl(base, *href)), m_allocator);
    out.AddMember("rel", s(*rel), m_allocator);
    if (auto type = nonEmptyMember(link, "type"); type && isMediaType(common::toLowerAscii(*type)))
        out.AddMember("type", s(*type), m_allocator);
    for (const char* name : {"title", "hreflang"})
        if (const JsonValue* value = member(link, name); value && value->IsString())
            out.AddMember(JsonValue(name, m_allocator), s(text(*value)), m_allocator);
    if (const JsonValue* length = member(link, "length"); length && length->IsInt64() && length->GetInt64() >= 0)
        out.AddMember("length", JsonValue(length->GetInt64()), m_allocator);
    return out;
}

namespace {

// The distributions found so far: one per href, counting those of unknown format version.
struct DistributionList {
    explicit DistributionList(Allocator& a) : allocator(a) {}
    Allocator& allocator;
    JsonValue items{rapidjson::kArrayType};
    std::vector<std::string> hrefs;
    std::size_t unknownVersions = 0;

    // `source`: the foreign distribution or link it came from (title, size, checksum), or null.
    void add(const std::string& href, const FormatGuess& guess, const JsonValue* source) {
        if (std::find(hrefs.begin(), hrefs.end(), href) != hrefs.end()) return;
        hrefs.push_back(href);
        JsonValue distribution(rapidjson::kObjectType);
        distribution.AddMember("href", str(href, allocator), allocator);
        distribution.AddMember("format", str(guess.format, allocator), allocator);
        std::string version = guess.version;
        if (version.empty()) {
            version = "unknown";
            ++unknownVersions;
        }
        distribution.AddMember("formatVersion", str(version, allocator), allocator);
        distribution.AddMember(
            "mediaType",
            str(guess.mediaType.empty() ? std::string("application/octet-stream") : guess.mediaType, allocator),
            allocator);
        if (source) {
            if (auto title = nonEmptyMember(*source, "title"))
                distribution.AddMember("title", str(*title, allocator), allocator);
            for (const char* name : {"byteSize", "length"})
                if (const JsonValue* size = member(*source, name); size && size->IsInt64() && size->GetInt64() >= 0) {
                    distribution.AddMember("byteSize", JsonValue(size->GetInt64()), allocator);
                    break;
                }
            if (const JsonValue* checksum = objectMember(*source, "checksum")) {
                auto algorithm = nonEmptyMember(*checksum, "algorithm");
                auto value = nonEmptyMember(*checksum, "value");
                if (algorithm && value) {
                    JsonValue entry(rapidjson::kObjectType);
                    entry.AddMember("algorithm", str(*algorithm, allocator), allocator);
                    entry.AddMember("value", str(*value, allocator), allocator);
                    distribution.AddMember("checksum", entry, allocator);
                }
            }
        }
        items.PushBack(distribution, allocator);
    }
};

}  // namespace

void Mapper::mapDistributions() {
    DistributionList distributions(m_allocator);
    Dropped notHttp{"/properties/distributions", "download links that are not http(s) URLs"};


    // Twin-form distributions.
    if (const JsonValue* foreign = arrayMember(*m_props, "distributions"))
        for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
            const JsonValue& entry = (*foreign)[i];
            auto rawHref = nonEmptyMember(entry, "href");
            if (!rawHref) continue;
            std::string href = resolveUrl(m_recordUrl, *rawHref);
            if (!isHttpUrl(href)) {
                notHttp.add("'" + *rawHref + "'");
                continue;
            }
            auto mediaType = nonEmptyMember(entry, "mediaType");
            FormatGuess guess = guessFormat(href, mediaType.value_or(""));
            if (auto format = nonEmptyMember(entry, "format"); format && contains(registry::record::kFormats, *format))
                guess.format = *format;
            if (auto version = nonEmptyMember(entry, "formatVersion")) guess.version = *version;
            if (mediaType) guess.mediaType = *mediaType;
            distributions.add(href, guess, &entry);
        }

    // Links.
    if (const JsonValue* links = arrayMember(m_in, "links"))
        for (rapidjson::SizeType i = 0; i < links->Size() && i < kMaxEntries; ++i) {
            const JsonValue& link = (*links)[i];
            auto rawHref = nonEmptyMember(link, "href");
            std::string rel = common::toLowerAscii(nonEmptyMember(link, "rel").value_or(""));
            if (!rawHref) continue;
            std::string type = nonEmptyMember(link, "type").value_or("");
            std::string href = resolveUrl(m_recordUrl, *rawHref);
            FormatGuess guess = guessFormat(href, type);
            bool service = registry::record::isServiceFormat(guess.format) || !ogcProtocol(type, href).empty();
            bool take = isDataRel(rel) || (rel == "alternate" && guess.format != "other") ||
                        (service && !rel.empty() && rel != "alternate" && !isNonDataRel(rel));
            if (!take) continue;
            if (!isHttpUrl(href)) {
                notHttp.add("'" + *rawHref + "'");
                continue;
            }
            distributions.add(href, guess, &link);
            m_linksUsed.insert(&link);
        }
    report(notHttp);

    if (distributions.items.Empty()) {
        std::string mediaType = "application/geo+json";
        std::string href = ownRecordLink(mediaType);
        if (href.empty()) href = m_recordUrl;
        if (isHttpUrl(href)) {
            FormatGuess guess{"other", mediaType, "OGC API - Records"};
            distributions.add(href, guess, nullptr);
            warn("/properties/distributions",
                 "The record has no download or service link; the catalog record itself (" + href +
                     ") is given as its only distribution.");
        } else {
            warn("/properties/distributions", "The record has no download or service link.");
        }
    }
    if (distributions.unknownVersions > 0)
        warn("/properties/distributions", std::to_string(distributions.unknownVersions) + " distribution" +
                                              (distributions.unknownVersions == 1 ? " has" : "s have") +
                                              " no known format version; 'unknown' is given.");
    if (!distributions.items.Empty()) m_p.AddMember("distributions", distributions.items, m_allocator);
}

// The record's own self link, else its alternate link (http(s) only); `mediaType` becomes the link's
// media type when it has one. "" when there is none.
std::string Mapper::ownRecordLink(std::string& mediaType) const {
    std::string href;
    if (const JsonValue* links = arrayMember(m_in, "links"))
        for (const char* wanted : {"self", "alternate"}) {
            for (rapidjson::SizeType i = 0; i < links->Size() && i < kMaxEntries && href.empty(); ++i) {
                const JsonValue& link = (*links)[i];
                if (common::stringMember(link, "rel") != std::string_view(wanted)) continue;
                auto raw = nonEmptyMember(link, "href");
                if (!raw) continue;
                std::string url = resolveUrl(m_recordUrl, *raw);
                if (!isHttpUrl(url)) continue;
                href = url;
                if (auto type = nonEmptyMember(link, "type"); type && isMediaType(common::toLowerAscii(*type))) mediaType = *type;
            }
            if (!href.empty()) break;
        }
    return href;
}

void Mapper::mapLinks() {
    const JsonValue* foreign = arrayMember(m_in, "links");
    if (!foreign) return;
    JsonValue links(rapidjson::kArrayType);
    for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
        if (m_linksUsed.count(&(*foreign)[i])) continue;
        JsonValue link = normalizeLink((*foreign)[i], m_recordUrl);
        if (!link.IsNull()) links.PushBack(link, m_allocator);
    }
    if (foreign->Size() > kMaxEntries)
        warn("/links", "Only the first " + std::to_string(kMaxEntries) + " links were read.");
    m_out.record.AddMember("links", links, m_allocator);
}

void Mapper::mapConformsTo() {
    const JsonValue* foreign = arrayMember(m_in, "conformsTo");
    if (!foreign) return;
    JsonValue list(rapidjson::kArrayType);
    for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i)
        if ((*foreign)[i].IsString() && isUri(text((*foreign)[i])) &&
            registry::record::epsgUriOf(common::trim(text((*foreign)[i]))).empty())
            list.PushBack(s(text((*foreign)[i])), m_allocator);
    if (!list.Empty()) m_out.record.AddMember("conformsTo", list, m_allocator);
}

}  // namespace tweeling::federation::adapters::ogc_records
