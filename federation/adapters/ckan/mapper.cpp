// The Mapper's frame (the order of the record's parts), the record's identity, the link to the
// package's page, the extras kept verbatim, the times, and the adapter's entry points.
#include "adapters/ckan/mapper.hpp"

#include <stdexcept>

#include "adapters/ckan/ckan.hpp"
#include "adapters/json_members.hpp"
#include "adapters/url.hpp"
#include "common/time.hpp"
#include "common/url.hpp"
#include "record/identifiers.hpp"

namespace tweeling::federation::adapters::ckan {

using common::Json;
using common::JsonValue;

void Mapper::run() {
    Json& record = m_out.record;
    record.SetObject();
    if (!m_in.IsObject()) {
        reject("", "The package is not a JSON object.");
        return;
    }
    mapId();
    record.AddMember("type", "Feature", m_allocator);
    mapGeometry();

    m_p.SetObject();
    m_p.AddMember("type", "dataset", m_allocator);
    mapTitleAndDescription();
    mapPublisherAndContacts();
    mapThemesAndKeywords();
    mapTime();
    mapLicenseAndRights();
    mapDistributions();
    mapExtras();
    record.AddMember("properties", m_p, m_allocator);
    mapLinks();
}

std::string Mapper::extra(std::string_view key) const {
    const JsonValue* extras = arrayMember(m_in, "extras");
    if (!extras) return {};
    for (rapidjson::SizeType i = 0; i < extras->Size() && i < kMaxEntries; ++i) {
        const JsonValue& entry = (*extras)[i];
        if (common::stringMember(entry, "key") != key) continue;
        if (auto value = nonEmptyMember(entry, "value")) return *value;
    }
    return {};
}

void Mapper::mapId() {
    std::string value;
    for (const char* name : {"name", "id"}) {
        if (auto id = nonEmptyMember(m_in, name)) {
            value = *id;
            break;
        }
    }
    if (value.empty()) {
        reject("/id", "The package has neither a 'name' nor an 'id'; without one it cannot be tracked between "
                      "harvests.");
    } else if (auto problem = registry::record::idProblem(value)) {
        reject("/id", "The package's name cannot be a record id: " + *problem);
    }
    m_out.id = value;
    m_out.record.AddMember("id", s(value), m_allocator);
    if (!value.empty()) m_packageUrl = ckanPackageUrl(m_context.catalogUrl, value);
}

void Mapper::mapLinks() {
    JsonValue links(rapidjson::kArrayType);
    if (!m_packageUrl.empty()) {
        // "via": the source of the information (RFC 4287); navigation rels (self, alternate) are the
        // store's own and would be stripped.
        JsonValue link(rapidjson::kObjectType);
        link.AddMember("href", s(m_packageUrl), m_allocator);
        link.AddMember("rel", "via", m_allocator);
        link.AddMember("type", "text/html", m_allocator);
        link.AddMember("title", "CKAN package", m_allocator);
        links.PushBack(link, m_allocator);
    }
    m_out.record.AddMember("links", links, m_allocator);
}

namespace {

// CKAN writes its timestamps in UTC without an offset ("2017-08-05T03:16:52.857800").
std::optional<std::string> instant(const JsonValue& package, const char* name) {
    auto raw = nonEmptyMember(package, name);
    if (!raw || raw->size() > 64) return std::nullopt;
    if (common::parseRfc3339(*raw)) return raw;
    std::string zoned = *raw + "Z";
    if (common::parseRfc3339(zoned)) return zoned;
    return std::nullopt;
}

}  // namespace

void Mapper::mapTime() {
    if (auto updated = instant(m_in, "metadata_modified")) {
        m_p.AddMember("updated", s(*updated), m_allocator);
    } else if (auto created = instant(m_in, "metadata_created")) {
        m_p.AddMember("updated", s(*created), m_allocator);
        warn("/properties/updated", "The package has no usable 'metadata_modified'; 'metadata_created' is used.");
    } else {
        reject("/properties/updated", "The package has no usable 'metadata_modified' (a date-time).");
    }
    if (auto created = instant(m_in, "metadata_created")) m_p.AddMember("created", s(*created), m_allocator);
}

void Mapper::mapExtras() {
    const JsonValue* extras = arrayMember(m_in, "extras");
    JsonValue kept(rapidjson::kObjectType);
    std::size_t skipped = 0;
    if (extras) {
        for (rapidjson::SizeType i = 0; i < extras->Size() && i < kMaxEntries; ++i) {
            const JsonValue& entry = (*extras)[i];
            auto key = nonEmptyMember(entry, "key");
            const JsonValue* value = member(entry, "value");
            if (!key || !value || !value->IsString() || key->size() > 256 || kept.HasMember(key->c_str())) {
                ++skipped;
                continue;
            }
            kept.AddMember(s(*key), s(text(*value)), m_allocator);
        }
        if (extras->Size() > kMaxEntries)
            warn("/properties/source", "Only the first " + std::to_string(kMaxEntries) + " extras were kept.");
    } else if (member(m_in, "extras")) {
        warn("/properties/source", "'extras' is not an array; it was ignored.");
    }
    if (skipped > 0)
        warn("/properties/source", std::to_string(skipped) +
                                       " extras without a string key and a string value (or repeating a key) "
                                       "were left out.");
    if (kept.MemberCount() == 0) return;
    JsonValue source(rapidjson::kObjectType);
    source.AddMember("kind", "ckan", m_allocator);
    source.AddMember("extras", kept, m_allocator);
    m_p.AddMember("source", source, m_allocator);
}

}  // namespace tweeling::federation::adapters::ckan

namespace tweeling::federation::adapters {

std::string ckanPackageUrl(const std::string& catalogUrl, const std::string& name) {
    std::string base = baseOf(catalogUrl);
    if (!isHttpUrl(base)) return {};
    return base + "/dataset/" + common::percentEncode(name, common::percent::kUnreserved);
}

MappedRecord mapCkanPackage(const common::JsonValue& package, const MappingContext& context,
                            const registry::record::Profile& profile) {
    return mapWith<ckan::Mapper>(package, context, profile, "package");
}

namespace {

// The `result` object of a successful action API response ({"success": true, "result": {...}}), or
// why there is none.
std::optional<std::string> actionResult(const common::JsonValue& response, const char* action,
                                        const common::JsonValue*& result) {
    result = nullptr;
    const std::string name = action;
    if (!response.IsObject()) return "the " + name + " response is not a JSON object";
    const common::JsonValue* success = member(response, "success");
    if (!success || !success->IsBool() || !success->GetBool()) {
        std::string why = "the " + name + " response does not say success: true";
        if (const common::JsonValue* error = objectMember(response, "error"))
            if (auto message = nonEmptyMember(*error, "message")) why += " (" + message->substr(0, 200) + ")";
        return why;
    }
    result = objectMember(response, "result");
    if (!result) return "the " + name + " response has no 'result' object";
    return std::nullopt;
}

}  // namespace

std::optional<std::string> readCkanPackageShow(const common::JsonValue& response, const common::JsonValue*& out) {
    return actionResult(response, "package_show", out);
}

std::optional<std::string> readCkanSearchPage(const common::JsonValue& page, CkanSearchPage& out) {
    out = CkanSearchPage{};
    const common::JsonValue* result = nullptr;
    if (auto why = actionResult(page, "package_search", result)) return why;
    const common::JsonValue* count = member(*result, "count");
    if (!count || !count->IsInt64() || count->GetInt64() < 0)
        return std::string("the package_search result has no non-negative integer 'count'");
    const common::JsonValue* results = arrayMember(*result, "results");
    if (!results) return std::string("the package_search result has no 'results' array");
    out.count = count->GetInt64();
    out.packages.reserve(results->Size());
    for (const auto& package : results->GetArray()) out.packages.push_back(&package);
    return std::nullopt;
}

}  // namespace tweeling::federation::adapters
