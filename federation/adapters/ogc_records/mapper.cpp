// The Mapper's frame (the order of the record's parts, how warnings are reported), the record's
// identity and type, the optional twin members, and the adapter's entry point.
#include "adapters/ogc_records/mapper.hpp"
#include "common/url.hpp"
#include "record/identifiers.hpp"

#include <stdexcept>

#include "adapters/json_members.hpp"
#include "adapters/ogc_records/ogc_records.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "record/identifiers.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::federation::adapters::ogc_records {

using common::Json;
using common::JsonValue;

void Mapper::run() {
    Json& record = m_out.record;
    record.SetObject();
    if (!m_in.IsObject()) {
        reject("", "The record is not a JSON object (a GeoJSON Feature).");
        return;
    }
    static const JsonValue kEmpty(rapidjson::kObjectType);
    m_props = objectMember(m_in, "properties");
    if (!m_props) {
        if (member(m_in, "properties")) warn("/properties", "'properties' is not an object; it was ignored.");
        m_props = &kEmpty;
    }

    mapId();
    record.AddMember("type", "Feature", m_allocator);
    mapGeometry();
    mapTime();
    recordUrl();

    m_p.SetObject();
    mapType();
    mapTitleAndDescription();
    mapPublisherAndContacts();
    mapThemesAndKeywords();
    mapAdminUnits();
    mapCrs();
    mapUpdated();
    mapLicenseAndRights();
    mapDistributions();
    mapOptional();
    record.AddMember("properties", m_p, m_allocator);
    mapLinks();
    mapConformsTo();
}

void Mapper::report(const Dropped& dropped) {
    if (dropped.count == 0) return;
    warn(dropped.pointer, std::to_string(dropped.count) + " " + dropped.what + (dropped.count == 1 ? " was" : " were") +
                              " left out (e.g. " + dropped.example + ").");
}

void Mapper::mapId() {
    const JsonValue* id = member(m_in, "id");
    std::string value;
    if (!id) {
        reject("/id", "The record has no 'id'; without one it cannot be tracked between harvests.");
    } else if (id->IsString()) {
        value = std::string(text(*id));
        if (value.empty()) reject("/id", "The record's 'id' is empty.");
    } else if (id->IsNumber()) {
        value = numberText(*id);
    } else {
        reject("/id", "The record's 'id' must be a string or a number.");
    }
    if (!value.empty()) {
        if (auto problem = registry::record::idProblem(value)) reject("/id", "The record's id cannot be kept: " + *problem);
    }
    m_out.id = value;
    m_out.record.AddMember("id", s(value), m_allocator);
}

// The record's own URL: its self link, else catalogUrl/items/{id}.
void Mapper::recordUrl() {
    if (const JsonValue* links = arrayMember(m_in, "links")) {
        for (const auto& link : links->GetArray()) {
            if (common::stringMember(link, "rel") != std::string_view("self")) continue;
            if (auto href = nonEmptyMember(link, "href")) {
                std::string url = resolveUrl(m_context.catalogUrl, *href);
                if (isHttpUrl(url)) {
                    m_recordUrl = url;
                    return;
                }
            }
        }
    }
    m_recordUrl = itemsUrl() + "/" + common::percentEncode(m_out.id, common::percent::kUnreserved);
}

std::string Mapper::itemsUrl() const {
    std::string base = baseOf(m_context.catalogUrl);
    if (!endsWith(base, "/items")) base += "/items";
    return base;
}

void Mapper::mapType() {
    const JsonValue* raw = member(*m_props, "type");
    std::string key = raw && raw->IsString() ? typeKey(text(*raw)) : std::string();
    std::string shown = raw && raw->IsString() ? "'" + std::string(text(*raw)) + "'" : std::string();
    static const char* const kDataset[] = {"dataset", "series", "datasetseries", "nongeographicdataset",
                                           "collection", "tile", "feature", "document"};
    static const char* const kService[] = {"service", "dataservice", "webservice", "api"};
    static const char* const kModel[] = {"model", "3dmodel", "digitaltwin", "software"};
    static const char* const kSimulation[] = {"simulation", "simulationresult", "simulationoutput", "modelrun",
                                              "scenario"};
    std::string type = "dataset";
    if (key.empty()) {
        warn("/properties/type", "The record has no resource type; it is taken to be a dataset.");
    } else if (contains(kDataset, key)) {
        type = "dataset";
    } else if (contains(kService, key)) {
        type = "service";
    } else if (key == "application") {
        type = "service";
        warn("/properties/type", "The resource type 'application' was mapped to service.");
    } else if (contains(kModel, key)) {
        type = "model";
    } else if (contains(kSimulation, key)) {
        if (hasCompleteLineage()) {
            type = "simulation-result";
        } else {
            warn("/properties/type", "The resource type " + shown +
                                         " names a simulation result, but the record has no lineage (model, "
                                         "version, scenario, runDate); it is mapped to dataset.");
        }
    } else {
        warn("/properties/type",
             "The resource type " + shown + " is not a twin record type; it is taken to be a dataset.");
    }
    m_p.AddMember("type", s(type), m_allocator);
}

bool Mapper::hasCompleteLineage() const {
    const JsonValue* lineage = objectMember(*m_props, "lineage");
    if (!lineage) return false;
    bool guessed = false;
    auto runDate = nonEmptyMember(*lineage, "runDate");
    return nonEmptyMember(*lineage, "model") && nonEmptyMember(*lineage, "version") &&
           nonEmptyMember(*lineage, "scenario") && runDate && normalizeInstant(*runDate, guessed) && !guessed;
}

void Mapper::mapOptional() {
    if (const JsonValue* language = member(*m_props, "language")) {
        JsonValue out(rapidjson::kObjectType);
        if (auto code = nonEmpty(language)) {
            out.AddMember("code", s(*code), m_allocator);
        } else if (language->IsObject()) {
            if (auto code = nonEmptyMember(*language, "code")) {
                out.AddMember("code", s(*code), m_allocator);
                for (const char* field : {"name", "alternate"})
                    if (const JsonValue* value = member(*language, field); value && value->IsString())
                        out.AddMember(JsonValue(field, m_allocator), s(text(*value)), m_allocator);
                if (auto dir = common::stringMember(*language, "dir");
                    dir && contains(registry::record::kTextDirections, *dir))
                    out.AddMember("dir", s(*dir), m_allocator);
            }
        }
        if (out.MemberCount() > 0) m_p.AddMember("language", out, m_allocator);
    }
    if (const JsonValue* ids = arrayMember(*m_props, "externalIds")) {
        JsonValue out(rapidjson::kArrayType);
        for (rapidjson::SizeType i = 0; i < ids->Size() && i < kMaxEntries; ++i) {
            auto value = nonEmptyMember((*ids)[i], "value");
            if (!value) continue;
            JsonValue entry(rapidjson::kObjectType);
            if (auto scheme = nonEmptyMember((*ids)[i], "scheme")) entry.AddMember("scheme", s(*scheme), m_allocator);
            entry.AddMember("value", s(*value), m_allocator);
            out.PushBack(entry, m_allocator);
        }
        if (!out.Empty()) m_p.AddMember("externalIds", out, m_allocator);
    }
    if (const JsonValue* lod = arrayMember(*m_props, "lod")) {
        JsonValue out(rapidjson::kArrayType);
        for (rapidjson::SizeType i = 0; i < lod->Size() && i < kMaxEntries; ++i) {
            std::string value = (*lod)[i].IsString() ? std::string(text((*lod)[i]))
                                : (*lod)[i].IsNumber() ? numberText((*lod)[i])
                                                       : std::string();
            if (contains(registry::record::kLods, value)) out.PushBack(s(value), m_allocator);
        }
        if (!out.Empty()) m_p.AddMember("lod", out, m_allocator);
    }
    if (const JsonValue* accuracy = member(*m_props, "accuracy")) {
        if (accuracy->IsNumber() || accuracy->IsString() ||
            (accuracy->IsObject() && depthOf(*accuracy, 8) <= 8))
            m_p.AddMember("accuracy", JsonValue(*accuracy, m_allocator), m_allocator);
    }
    if (auto frequency = nonEmptyMember(*m_props, "updateFrequency"); frequency && isHttpUrl(*frequency))
        m_p.AddMember("updateFrequency", s(*frequency), m_allocator);
    if (const JsonValue* lineage = objectMember(*m_props, "lineage")) {
        JsonValue out(rapidjson::kObjectType);
        for (const char* field : {"model", "version", "scenario"})
            if (auto value = nonEmptyMember(*lineage, field))
                out.AddMember(JsonValue(field, m_allocator), s(*value), m_allocator);
        if (auto runDate = nonEmptyMember(*lineage, "runDate")) {
            bool guessed = false;
            if (auto value = normalizeInstant(*runDate, guessed)) out.AddMember("runDate", s(*value), m_allocator);
        }
        if (const JsonValue* sources = arrayMember(*lineage, "sources")) {
            JsonValue list(rapidjson::kArrayType);
            for (rapidjson::SizeType i = 0; i < sources->Size() && i < kMaxEntries; ++i) {
                auto title = nonEmptyMember((*sources)[i], "title");
                if (!title) continue;
                JsonValue entry(rapidjson::kObjectType);
                entry.AddMember("title", s(*title), m_allocator);
                if (auto href = nonEmptyMember((*sources)[i], "href"); href && isHttpUrl(*href))
                    entry.AddMember("href", s(*href), m_allocator);
                list.PushBack(entry, m_allocator);
            }
            if (!list.Empty()) out.AddMember("sources", list, m_allocator);
        }
        if (out.MemberCount() > 0) m_p.AddMember("lineage", out, m_allocator);
    }
}

}  // namespace tweeling::federation::adapters::ogc_records

namespace tweeling::federation::adapters {

MappedRecord mapOgcRecord(const common::JsonValue& foreign, const MappingContext& context,
                          const registry::record::Profile& profile) {
    return mapWith<ogc_records::Mapper>(foreign, context, profile, "record");
}

}  // namespace tweeling::federation::adapters
