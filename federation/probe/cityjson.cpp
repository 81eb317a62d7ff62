// CityJSON (1.1, 2.0; 1.0 with a warning) and CityJSONSeq: the document's type, version, transform,
// reference system, extent and the LoDs of its geometries. Of a CityJSONSeq only the first line is
// read: it is a CityJSON object holding the metadata and transform every feature line shares, and
// the feature lines after it can run to gigabytes.
#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "probe/crs_names.hpp"
#include "probe/fetch_checks.hpp"
#include "probe/json_numbers.hpp"
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

namespace {

using common::JsonValue;

constexpr const char* kJson = "cityjson.json";
constexpr const char* kType = "cityjson.type";
constexpr const char* kVersion = "cityjson.version";
constexpr const char* kTransform = "cityjson.transform";
constexpr const char* kReferenceSystem = "cityjson.referenceSystem";
constexpr const char* kExtent = "cityjson.geographicalExtent";
constexpr const char* kLods = "cityjson.lods";

bool isSeq(const std::string& url, const ProbeResult& result) {
    if (result.format == "cityjsonseq") return true;
    if (result.format == "cityjson") return false;
    std::string path = adapters::pathOf(url);
    return adapters::endsWith(path, ".jsonl");
}

// The first line of a sequence, or nothing (a check then says why).
std::optional<std::string> firstLine(const FetchResponse& response, const Limits& limits, ProbeResult& result) {
    const std::string& body = response.body;
    std::size_t end = body.find('\n');
    if (end == std::string::npos) {
        if (response.truncated) {
            addCheck(result, kJson, Status::Warn,
                     "The first line is longer than the " + byteSize(limits.maxHeaderBytes) +
                         " read, so it was not checked.");
            return std::nullopt;
        }
        end = body.size();
    }
    std::string line = body.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

void checkType(const JsonValue& doc, bool seq, ProbeResult& result) {
    auto type = common::stringMember(doc, "type");
    if (type && *type == "CityJSON") {
        addCheck(result, kType, Status::Pass, "The document is of type CityJSON.", "/type");
    } else if (type && *type == "CityJSONFeature") {
        addCheck(result, kType, Status::Fail,
                 seq ? "The first line is a CityJSONFeature; a CityJSONSeq must start with a CityJSON object "
                       "holding the metadata and transform the features share."
                     : "The document is a CityJSONFeature, not a CityJSON document: serve it as a CityJSONSeq line.",
                 "/type");
    } else {
        addCheck(result, kType, Status::Fail,
                 type ? "The type is " + quoted(*type) + ", not \"CityJSON\"."
                      : "The document has no \"type\": \"CityJSON\".",
                 "/type");
    }
}

// The version as the document states it ("" when none).
std::string checkVersion(const JsonValue& doc, ProbeResult& result) {
    auto version = common::stringMember(doc, "version");
    if (!version) {
        addCheck(result, kVersion, Status::Fail, "The document states no version (\"1.1\" or \"2.0\").", "/version");
        return {};
    }
    std::string value(*version);
    if (value == "1.1" || value == "2.0")
        addCheck(result, kVersion, Status::Pass, "CityJSON " + value + ".", "/version");
    else if (value == "1.0")
        addCheck(result, kVersion, Status::Warn, "CityJSON 1.0 is superseded: current tools expect 1.1 or 2.0.",
                 "/version");
    else
        addCheck(result, kVersion, Status::Fail, "The version " + quoted(value) + " is not a CityJSON version.",
                 "/version");
    return value;
}

void checkTransform(const JsonValue& doc, const std::string& version, ProbeResult& result) {
    const JsonValue* transform = common::member(doc, "transform");
    if (!transform) {
        if (version == "1.0")
            addCheck(result, kTransform, Status::Pass, "No transform (optional in CityJSON 1.0).", "/transform");
        else
            addCheck(result, kTransform, Status::Fail,
                     "The document has no transform; CityJSON 1.1 and 2.0 require one (scale and translate).",
                     "/transform");
        return;
    }
    auto scale = numberArray(common::member(*transform, "scale"), 3);
    if (!scale) {
        addCheck(result, kTransform, Status::Fail, "transform.scale must be 3 numbers.", "/transform/scale");
        return;
    }
    if (!numberArray(common::member(*transform, "translate"), 3)) {
        addCheck(result, kTransform, Status::Fail, "transform.translate must be 3 numbers.", "/transform/translate");
        return;
    }
    for (std::size_t i = 0; i < 3; ++i) {
        if ((*scale)[i] <= 0) {
            addCheck(result, kTransform, Status::Fail,
                     "transform.scale must be greater than 0 on every axis: the vertices cannot be decoded.",
                     "/transform/scale/" + std::to_string(i));
            return;
        }
    }
    addCheck(result, kTransform, Status::Pass, "transform has scale and translate.", "/transform");
}

void checkReferenceSystem(const JsonValue* metadata, const std::string& version, ProbeResult& result) {
    const char* pointer = "/metadata/referenceSystem";
    const JsonValue* value = metadata ? common::member(*metadata, "referenceSystem") : nullptr;
    if (!value) {
        addCheck(result, kReferenceSystem, Status::Warn,
                 "The document states no CRS (metadata.referenceSystem): clients have to guess where it lies.",
                 pointer);
        return;
    }
    if (!value->IsString()) {
        addCheck(result, kReferenceSystem, Status::Warn, "metadata.referenceSystem is not a string.", pointer);
        return;
    }
    std::string text(adapters::text(*value));
    std::string epsg = epsgName(text);
    result.facts.crs.push_back(epsg.empty() ? common::toValidUtf8(text) : epsg);
    if (epsg.empty()) {
        addCheck(result, kReferenceSystem, Status::Warn,
                 "metadata.referenceSystem " + quoted(text) + " names no EPSG CRS.", pointer);
    } else if (isEpsgCrsUri(text) || (version == "1.0" && adapters::startsWith(text, "urn:ogc:def:crs:EPSG:"))) {
        // CityJSON 1.0 wrote the URN; 1.1 and 2.0 write the OGC URI.
        addCheck(result, kReferenceSystem, Status::Pass, epsg + ".", pointer);
    } else {
        std::string code = epsg.substr(5);
        addCheck(result, kReferenceSystem, Status::Warn,
                 quoted(text) + " names " + epsg + ", but CityJSON " + (version.empty() ? "2.0" : version) +
                     " writes it as https://www.opengis.net/def/crs/EPSG/0/" + code + ", which other tools read.",
                 pointer);
    }
}

void checkExtent(const JsonValue* metadata, ProbeResult& result) {
    const char* pointer = "/metadata/geographicalExtent";
    const JsonValue* value = metadata ? common::member(*metadata, "geographicalExtent") : nullptr;
    if (!value) {
        addCheck(result, kExtent, Status::Warn,
                 "The document states no metadata.geographicalExtent: its extent cannot be compared with the "
                 "record's without reading every vertex.",
                 pointer);
        return;
    }
    auto extent = numberArray(value, 6);
    if (!extent) {
        addCheck(result, kExtent, Status::Fail,
                 "metadata.geographicalExtent must be 6 numbers (min x, y, z, max x, y, z).", pointer);
        return;
    }
    const std::vector<double>& e = *extent;
    for (std::size_t axis = 0; axis < 3; ++axis) {
        if (e[axis] > e[axis + 3]) {
            const char* name = axis == 0 ? "x" : axis == 1 ? "y" : "z";
            addCheck(result, kExtent, Status::Fail,
                     std::string("metadata.geographicalExtent has its minimum ") + name + " above its maximum " + name +
                         ": it must be [minx, miny, minz, maxx, maxy, maxz].",
                     pointer);
            return;
        }
    }
    result.facts.extent = std::array<double, 4>{e[0], e[1], e[3], e[4]};
    if (!result.facts.crs.empty()) result.facts.extentCrs = result.facts.crs.front();
    addCheck(result, kExtent, Status::Pass, "metadata.geographicalExtent is 6 numbers with min <= max.", pointer);
}

// A CityJSON LoD: a digit, optionally "." and one digit ("2", "2.2"); 1.0 files may write a number.
bool isLodText(const std::string& lod) {
    if (lod.size() == 1) return lod[0] >= '0' && lod[0] <= '4';
    return lod.size() == 3 && lod[0] >= '0' && lod[0] <= '4' && lod[1] == '.' && lod[2] >= '0' && lod[2] <= '9';
}

struct LodScan {
    std::set<std::string> lods;
    std::string badExample;  // the first LoD that is not one
    std::size_t geometries = 0, withoutLod = 0, bad = 0;
};

void addLod(const JsonValue* lod, LodScan& scan) {
    if (!lod) {
        ++scan.withoutLod;
        return;
    }
    std::string text = lod->IsString()   ? std::string(adapters::text(*lod))
                       : lod->IsNumber() ? adapters::numberText(*lod)
                                         : std::string();
    if (lod->IsNumber() && adapters::endsWith(text, ".0")) text.resize(text.size() - 2);
    if (isLodText(text)) {
        scan.lods.insert(text);
    } else {
        if (scan.bad++ == 0) scan.badExample = lod->IsString() || lod->IsNumber() ? text : "(not a string)";
    }
}

void checkLods(const JsonValue& doc, ProbeResult& result) {
    const JsonValue* objects = adapters::objectMember(doc, "CityObjects");
    if (!objects) {
        addCheck(result, kLods, Status::Fail, "The document has no CityObjects object.", "/CityObjects");
        return;
    }
    // A GeometryInstance takes the LoD of the template it points at.
    const JsonValue* templatesOwner = adapters::objectMember(doc, "geometry-templates");
    const JsonValue* templates = templatesOwner ? adapters::arrayMember(*templatesOwner, "templates") : nullptr;
    LodScan scan;
    for (const auto& object : objects->GetObject()) {
        const JsonValue* geometries = adapters::arrayMember(object.value, "geometry");
        if (!geometries) continue;
        for (const JsonValue& geometry : geometries->GetArray()) {
            if (!geometry.IsObject()) continue;
            ++scan.geometries;
            auto type = common::stringMember(geometry, "type");
            if (type && *type == "GeometryInstance") {
                const JsonValue* index = common::member(geometry, "template");
                if (templates && index && index->IsUint() && index->GetUint() < templates->Size() &&
                    (*templates)[index->GetUint()].IsObject())
                    addLod(common::member((*templates)[index->GetUint()], "lod"), scan);
                else
                    ++scan.withoutLod;
                continue;
            }
            addLod(common::member(geometry, "lod"), scan);
        }
    }
    result.facts.lods.assign(scan.lods.begin(), scan.lods.end());
    std::string found;
    for (const std::string& lod : scan.lods) found += (found.empty() ? "" : ", ") + lod;
    if (scan.bad > 0) {
        addCheck(result, kLods, Status::Warn,
                 std::to_string(scan.bad) + " geometries state an LoD that is not of the form \"2\" or \"2.2\" (" +
                     quoted(scan.badExample) + ").",
                 "/CityObjects");
    } else if (scan.withoutLod > 0) {
        addCheck(result, kLods, Status::Warn,
                 std::to_string(scan.withoutLod) + " of " + std::to_string(scan.geometries) +
                     " geometries state no LoD, which every geometry must.",
                 "/CityObjects");
    } else if (scan.geometries == 0) {
        addCheck(result, kLods, Status::Pass, "The document holds no geometries, so it has no LoDs.", "/CityObjects");
    } else {
        addCheck(result, kLods, Status::Pass, "LoDs present: " + found + ".", "/CityObjects");
    }
}

}  // namespace

void probeCityJson(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result) {
    RequestBudget budget(fetch, limits);
    bool seq = isSeq(url, result);
    // The first line of a sequence is small (metadata and transform); the bytes of a binary header
    // are plenty for it.
    FetchResponse response = budget.fetch(url, seq ? limits.maxHeaderBytes : limits.maxDocumentBytes);
    if (!checkReachable(response, url, result)) return;

    std::string line;
    std::string_view text = response.body;
    if (seq) {
        auto first = firstLine(response, limits, result);
        if (!first) return;
        line = std::move(*first);
        text = line;
    } else if (response.truncated) {
        addCheck(result, kJson, Status::Warn,
                 "The document is larger than the " + byteSize(limits.maxDocumentBytes) +
                     " a probe reads, so it is too large to check whole; nothing in it was checked.");
        return;
    }

    common::Json doc;
    if (auto error = common::parseUntrusted(text, doc)) {
        addCheck(result, kJson, Status::Fail,
                 std::string(seq ? "The first line" : "The document") + " is not valid JSON (at byte " +
                     std::to_string(error->offset) + "): " + error->message,
                 error->pointer.value_or(""));
        return;
    }
    if (!doc.IsObject()) {
        addCheck(result, kJson, Status::Fail,
                 std::string(seq ? "The first line" : "The document") + " is not a JSON object.");
        return;
    }
    addCheck(result, kJson, Status::Pass, seq ? "The first line is a JSON object." : "The document is a JSON object.");

    checkType(doc, seq, result);
    std::string version = checkVersion(doc, result);
    result.facts.version = version;
    checkTransform(doc, version, result);
    const JsonValue* metadata = adapters::objectMember(doc, "metadata");
    checkReferenceSystem(metadata, version, result);
    checkExtent(metadata, result);
    if (seq)
        addCheck(result, kLods, Status::Pass,
                 "Not checked: the first line of a CityJSONSeq holds no objects; the features follow it.");
    else
        checkLods(doc, result);
}

}  // namespace tweeling::federation::probe
