#include "record/record.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

#include "common/time.hpp"

namespace tweeling::registry::record {

using common::JsonValue;

namespace {

std::string_view text(const JsonValue& value) { return {value.GetString(), value.GetStringLength()}; }

std::string stringOr(const JsonValue& object, const char* name) {
    auto value = common::stringMember(object, name);
    return value ? std::string(*value) : std::string();
}

void addUnique(std::vector<std::string>& list, std::string_view value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

const JsonValue* arrayMember(const JsonValue& object, const char* name) {
    const JsonValue* value = common::member(object, name);
    return value && value->IsArray() ? value : nullptr;
}

// One interval end: null, "..", or anything unparseable means open.
std::int64_t intervalBound(const JsonValue& value, bool isEnd) {
    if (value.IsString() && text(value) != "..") {
        auto seconds = isEnd ? common::parseRfc3339End(text(value)) : common::parseRfc3339(text(value));
        if (seconds) return *seconds;
    }
    return isEnd ? common::kOpenEnd : common::kOpenStart;
}

void extractTime(const JsonValue& record, IndexedRecord& out) {
    const JsonValue* time = common::member(record, "time");
    if (!time || !time->IsObject()) return;
    if (const JsonValue* interval = arrayMember(*time, "interval"); interval && interval->Size() == 2) {
        out.timeStart = intervalBound((*interval)[0], false);
        out.timeEnd = intervalBound((*interval)[1], true);
        return;
    }
    if (auto date = common::stringMember(*time, "date")) {
        auto start = common::parseRfc3339(*date);
        auto end = common::parseRfc3339End(*date);
        if (start && end) {
            out.timeStart = start;
            out.timeEnd = end;
        }
        return;
    }
    if (auto timestamp = common::stringMember(*time, "timestamp")) {
        if (auto instant = common::parseRfc3339(*timestamp)) {
            out.timeStart = instant;
            out.timeEnd = instant;
        }
    }
}

bool isNavigationRel(std::string_view rel) {
    return rel == "self" || rel == "alternate" || rel == "collection" || rel == "root" || rel == "next" ||
           rel == "prev";
}

void eraseMember(JsonValue& object, const char* name) {
    if (!object.IsObject()) return;
    auto it = object.FindMember(name);
    // EraseMember keeps the order of the other members (RemoveMember would not), so normalising
    // twice gives byte-identical output.
    if (it != object.MemberEnd()) object.EraseMember(it);
}

JsonValue copyString(std::string_view value, common::Json::AllocatorType& allocator) {
    return JsonValue(value.data(), static_cast<rapidjson::SizeType>(value.size()), allocator);
}

}  // namespace

IndexedRecord extractIndexFields(const JsonValue& record) {
    IndexedRecord out;
    out.id = stringOr(record, "id");
    if (const JsonValue* geometry = common::member(record, "geometry")) out.bbox = envelope(*geometry);
    extractTime(record, out);

    const JsonValue* properties = common::member(record, "properties");
    if (!properties || !properties->IsObject()) return out;
    const JsonValue& p = *properties;
    out.type = stringOr(p, "type");
    out.title = stringOr(p, "title");
    out.description = stringOr(p, "description");
    out.license = stringOr(p, "license");
    out.rights = stringOr(p, "rights");
    if (const JsonValue* publisher = common::member(p, "publisher")) {
        out.publisherId = stringOr(*publisher, "id");
        out.publisherName = stringOr(*publisher, "name");
    }
    if (const JsonValue* keywords = arrayMember(p, "keywords"))
        for (const auto& keyword : keywords->GetArray())
            if (keyword.IsString()) out.keywords.emplace_back(text(keyword));
    if (const JsonValue* themes = arrayMember(p, "themes")) {
        for (const auto& theme : themes->GetArray()) {
            if (common::stringMember(theme, "scheme") != std::string_view(kTwinThemeScheme)) continue;
            if (const JsonValue* concepts = arrayMember(theme, "concepts"))
                for (const auto& entry : concepts->GetArray())
                    if (auto id = common::stringMember(entry, "id")) addUnique(out.themes, *id);
        }
    }
    if (const JsonValue* distributions = arrayMember(p, "distributions"))
        for (const auto& distribution : distributions->GetArray())
            if (auto format = common::stringMember(distribution, "format")) addUnique(out.formats, *format);
    if (const JsonValue* units = arrayMember(p, "adminUnits"))
        for (const auto& unit : units->GetArray())
            if (unit.IsString()) addUnique(out.adminUnits, text(unit));
    if (auto updated = common::stringMember(p, "updated"))
        if (auto seconds = common::parseRfc3339(*updated)) out.updated = *seconds;
    return out;
}

void normalizeForStorage(common::Json& record, const std::string& origin) {
    if (!record.IsObject()) return;
    auto& allocator = record.GetAllocator();
    for (const char* name : {"origin", "seq", "signature", "harvest", "validation"}) eraseMember(record, name);

    auto linksIt = record.FindMember("links");
    if (linksIt == record.MemberEnd() || !linksIt->value.IsArray()) {
        if (linksIt != record.MemberEnd()) record.EraseMember(linksIt);
        record.AddMember("links", JsonValue(rapidjson::kArrayType), allocator);
        linksIt = record.FindMember("links");
    }
    JsonValue& links = linksIt->value;
    // Looked up only now: adding "links" above may have moved the record's members.
    JsonValue* properties = nullptr;
    if (auto it = record.FindMember("properties"); it != record.MemberEnd() && it->value.IsObject())
        properties = &it->value;
    // Erased before pointing into properties: erasing shifts the members after it.
    if (properties) eraseMember(*properties, "formats");
    const JsonValue* distributions = properties ? arrayMember(*properties, "distributions") : nullptr;

    // The distributions' hrefs: a link to one of them with rel enclosure/service was derived by an
    // earlier normalisation and is derived again below.
    std::vector<std::string_view> distributionHrefs;
    if (distributions)
        for (const auto& distribution : distributions->GetArray())
            if (auto href = common::stringMember(distribution, "href")) distributionHrefs.push_back(*href);

    for (auto link = links.Begin(); link != links.End();) {
        auto rel = common::stringMember(*link, "rel");
        auto href = common::stringMember(*link, "href");
        bool navigation = rel && isNavigationRel(*rel);
        bool derived = rel && (*rel == "enclosure" || *rel == "service") && href &&
                       std::find(distributionHrefs.begin(), distributionHrefs.end(), *href) != distributionHrefs.end();
        if (navigation || derived)
            link = links.Erase(link);
        else
            ++link;
    }

    if (properties) {
        JsonValue formats(rapidjson::kArrayType);
        std::vector<std::string> seen;
        if (distributions) {
            for (const auto& distribution : distributions->GetArray()) {
                auto format = common::stringMember(distribution, "format");
                if (!format) continue;
                auto mediaType = common::stringMember(distribution, "mediaType").value_or("");
                if (std::find(seen.begin(), seen.end(), *format) == seen.end()) {
                    seen.emplace_back(*format);
                    JsonValue entry(rapidjson::kObjectType);
                    entry.AddMember("name", copyString(*format, allocator), allocator);
                    entry.AddMember("mediaType", copyString(mediaType, allocator), allocator);
                    formats.PushBack(entry, allocator);
                }
                auto href = common::stringMember(distribution, "href");
                if (!href) continue;
                std::string title(*format);
                if (auto version = common::stringMember(distribution, "formatVersion"); version && !version->empty())
                    title += " " + std::string(*version);
                JsonValue link(rapidjson::kObjectType);
                link.AddMember("href", copyString(*href, allocator), allocator);
                link.AddMember("rel", rapidjson::StringRef(isServiceFormat(*format) ? "service" : "enclosure"),
                               allocator);
                link.AddMember("type", copyString(mediaType, allocator), allocator);
                link.AddMember("title", copyString(title, allocator), allocator);
                links.PushBack(link, allocator);
            }
        }
        properties->AddMember("formats", formats, allocator);
    }

    record.AddMember("origin", copyString(origin, allocator), allocator);
}

}  // namespace tweeling::registry::record
