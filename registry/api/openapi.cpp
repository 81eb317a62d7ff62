// /api: the embedded OpenAPI document, with the hub's additions merged in and, where records
// arrive only by harvest, without the publishing operations.
#include "api/api_internal.hpp"

#include "common/json.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

namespace tweeling::generated {
extern const char* const kOpenApiDocument;
extern const char* const kOpenApiHubAddition;
}

namespace tweeling::registry::api {

using namespace detail;

namespace {

// The hub's additions (schemas/openapi-hub.json) merge in deeply: objects member by member, arrays
// appended (e.g. the search's `source` parameter), anything else replaced.
void mergeHubAddition(common::Json& doc) {
    auto& allocator = doc.GetAllocator();
    common::Json addition;
    addition.Parse(generated::kOpenApiHubAddition, std::strlen(generated::kOpenApiHubAddition));
    if (addition.HasParseError() || !addition.IsObject())
        throw std::runtime_error("embedded OpenAPI hub addition is not valid JSON");
    std::function<void(common::JsonValue&, const common::JsonValue&)> merge = [&](common::JsonValue& target,
                                                                                   const common::JsonValue& from) {
        for (auto it = from.MemberBegin(); it != from.MemberEnd(); ++it) {
            auto existing = target.FindMember(it->name);
            if (existing == target.MemberEnd()) {
                target.AddMember(common::JsonValue(it->name, allocator), common::JsonValue(it->value, allocator), allocator);
            } else if (existing->value.IsObject() && it->value.IsObject()) {
                merge(existing->value, it->value);
            } else if (existing->value.IsArray() && it->value.IsArray()) {
                for (const auto& element : it->value.GetArray())
                    existing->value.PushBack(common::JsonValue(element, allocator), allocator);
            } else {
                existing->value.CopyFrom(it->value, allocator);
            }
        }
    };
    merge(doc, addition);
}

// Records arrive by harvest: no publishing operations, and no tag left without an operation.
void dropPublishingOperations(common::Json& doc) {
    auto paths = doc.FindMember("paths");
    if (paths != doc.MemberEnd() && paths->value.IsObject()) {
        for (auto [path, methods] : {std::pair<const char*, std::vector<const char*>>{"/collections/twins/items", {"post"}},
                                     {"/collections/twins/items/{recordId}", {"put", "delete"}}}) {
            auto item = paths->value.FindMember(path);
            if (item == paths->value.MemberEnd() || !item->value.IsObject()) continue;
            for (const char* method : methods) item->value.RemoveMember(method);
        }
        std::vector<std::string> used;
        for (auto& item : paths->value.GetObject()) {
            if (!item.value.IsObject()) continue;
            for (auto& operation : item.value.GetObject()) {
                if (!operation.value.IsObject()) continue;
                auto tags = operation.value.FindMember("tags");
                if (tags == operation.value.MemberEnd() || !tags->value.IsArray()) continue;
                for (const auto& tag : tags->value.GetArray())
                    if (tag.IsString()) used.emplace_back(tag.GetString());
            }
        }
        auto tags = doc.FindMember("tags");
        if (tags != doc.MemberEnd() && tags->value.IsArray()) {
            auto& list = tags->value;
            for (auto it = list.Begin(); it != list.End();) {
                const common::JsonValue* name = it->IsObject() ? common::member(*it, "name") : nullptr;
                bool keep = name == nullptr || !name->IsString() ||
                            std::find(used.begin(), used.end(), name->GetString()) != used.end();
                it = keep ? it + 1 : list.Erase(it);
            }
        }
    }
}

void dropUnusedComponents(common::Json& doc) {
    // Drop the components only the removed operations used ("#/components/KIND/NAME" references,
    // and security requirements naming a scheme), following references between components.
    auto components = doc.FindMember("components");
    if (components != doc.MemberEnd() && components->value.IsObject()) {
        std::vector<std::string> reached;
        std::vector<const common::JsonValue*> pending;
        std::function<void(const common::JsonValue&)> collect = [&](const common::JsonValue& value) {
            auto reach = [&](const std::string& ref) {
                if (std::find(reached.begin(), reached.end(), ref) != reached.end()) return;
                reached.push_back(ref);
                auto slash = ref.find('/', 13);  // after "#/components/"
                if (ref.rfind("#/components/", 0) != 0 || slash == std::string::npos) return;
                const auto* kind = common::member(components->value, ref.substr(13, slash - 13).c_str());
                const auto* target = kind && kind->IsObject() ? common::member(*kind, ref.substr(slash + 1).c_str()) : nullptr;
                if (target) pending.push_back(target);
            };
            if (value.IsArray()) {
                for (const auto& element : value.GetArray()) collect(element);
            } else if (value.IsObject()) {
                for (const auto& entry : value.GetObject()) {
                    std::string name = entry.name.GetString();
                    if (name == "$ref" && entry.value.IsString()) reach(entry.value.GetString());
                    if (name == "security" && entry.value.IsArray())
                        for (const auto& requirement : entry.value.GetArray())
                            if (requirement.IsObject())
                                for (const auto& scheme : requirement.GetObject())
                                    reach(std::string("#/components/securitySchemes/") + scheme.name.GetString());
                    collect(entry.value);
                }
            }
        };
        for (const auto& entry : doc.GetObject())
            if (std::string(entry.name.GetString()) != "components") collect(entry.value);
        while (!pending.empty()) {
            const common::JsonValue* next = pending.back();
            pending.pop_back();
            collect(*next);
        }
        for (auto& kind : components->value.GetObject()) {
            if (!kind.value.IsObject()) continue;
            std::string prefix = std::string("#/components/") + kind.name.GetString() + "/";
            for (auto it = kind.value.MemberBegin(); it != kind.value.MemberEnd();) {
                bool used = std::find(reached.begin(), reached.end(), prefix + it->name.GetString()) != reached.end();
                it = used ? it + 1 : kind.value.EraseMember(it);
            }
        }
    }
}

}  // namespace

Response Api::openApi(const Context& context) const {
    common::Json doc;
    doc.Parse(generated::kOpenApiDocument, std::strlen(generated::kOpenApiDocument));
    if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("embedded OpenAPI document is not valid JSON");
    auto& allocator = doc.GetAllocator();
    if (m_options.openApiHub) mergeHubAddition(doc);
    if (!m_options.publishing) {
        dropPublishingOperations(doc);
        dropUnusedComponents(doc);
    }
    // info.version is the one API version every response carries (kApiVersion, API-Version header).
    auto info = doc.FindMember("info");
    if (info == doc.MemberEnd() || !info->value.IsObject())
        throw std::runtime_error("embedded OpenAPI document has no info");
    info->value.RemoveMember("version");
    info->value.AddMember("version", common::JsonValue(kApiVersion, allocator), allocator);
    // The contact is this server's operator (ApiOptions::contact), not the software's authors.
    const ApiOptions::Contact& configured = m_options.contact;
    common::JsonValue contact(rapidjson::kObjectType);
    auto text = [&](const std::string& value) { return common::JsonValue(value.c_str(), allocator); };
    contact.AddMember("name", text(configured.name.empty() ? m_options.name : configured.name), allocator);
    contact.AddMember("url", text(configured.url.empty() ? context.base + "/" : configured.url), allocator);
    if (!configured.email.empty()) contact.AddMember("email", text(configured.email), allocator);
    info->value.RemoveMember("contact");
    info->value.AddMember("contact", contact, allocator);
    // The servers entry is this server under its versioned base path (NL API Design Rules
    // /core/uri-version), so generated clients work against it as they are; the same paths without
    // the prefix are the OGC API ones and answer the same.
    common::JsonValue servers(rapidjson::kArrayType);
    common::JsonValue server(rapidjson::kObjectType);
    server.AddMember("url", common::JsonValue(context.versionedBase.c_str(), allocator), allocator);
    server.AddMember("description", common::JsonValue(m_options.name.c_str(), allocator), allocator);
    servers.PushBack(server, allocator);
    doc.RemoveMember("servers");
    doc.AddMember("servers", servers, allocator);
    Response response;
    response.contentType = "application/vnd.oai.openapi+json;version=3.0";
    response.body = common::toString(doc);
    return response;
}

}  // namespace tweeling::registry::api
