// A record as a graph: the record view, the dataset or data service with its distributions, and
// the catalog record about it; record() serves one record.
#include "api/dcat_internal.hpp"
#include "common/text.hpp"
#include "record/vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>

namespace tweeling::registry::api::dcat {

namespace detail {

namespace {

const std::string kDcatAp3 = "https://semiceu.github.io/DCAT-AP/releases/3.0.0";

// The spec a distribution conforms to; some formats have a URI per version.
std::string formatSpec(const record::Format& format, std::string_view version) {
    std::string id = format.id;
    if (id == "3dtiles" && (version == "1.0" || version == "1")) return "https://docs.ogc.org/cs/18-053r2/18-053r2.html";
    if (id == "citygml" && version.rfind("2", 0) == 0) return "http://www.opengis.net/spec/citygml/2.0";
    if (id == "citygml" && version.rfind("1", 0) == 0) return "http://www.opengis.net/spec/citygml/1.0";
    if (id == "ogcapi-features" && version.rfind("2", 0) == 0) return "http://www.opengis.net/doc/IS/ogcapi-features-2/1.0";
    return format.spec;
}

std::string resourceIri(const RecordView& view, const std::string& itemUrl) {
    return itemUrl + (isServiceRecord(view) ? "#service" : "#dataset");
}

std::optional<std::string> mediaTypeIri(const std::string& mediaType) {
    std::string type = common::toLowerAscii(mediaType.substr(0, mediaType.find(';')));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    auto slash = type.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == type.size()) return std::nullopt;
    // x- types are unregistered by definition.
    if (type.compare(slash + 1, 2, "x-") == 0) return std::nullopt;
    bool plain = std::all_of(type.begin(), type.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '/' || c == '.' || c == '+' || c == '-' || c == '_';
    });
    if (!plain) return std::nullopt;
    return "https://www.iana.org/assignments/media-types/" + type;
}

std::optional<Object> checksum(const JsonValue* value) {
    auto algorithm = str(value, "algorithm");
    auto digest = str(value, "value");
    if (!algorithm || !digest || !isHex(*digest)) return std::nullopt;
    std::string name = common::toLowerAscii(*algorithm);
    name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
    static const std::set<std::string> known = {"sha1", "sha224", "sha256", "sha384", "sha512", "md5",
                                                "sha3256", "sha3384", "sha3512", "blake2b256", "blake2b512"};
    if (!known.count(name)) return std::nullopt;
    if (name.rfind("sha3", 0) == 0) name = "sha3_" + name.substr(4);
    auto sum = node("", {kSpdx + "Checksum"});
    add(*sum, kSpdx + "algorithm", ref(node(kSpdx + "checksumAlgorithm_" + name, {kSpdx + "ChecksumAlgorithm"})));
    add(*sum, kSpdx + "checksumValue", literal(common::toLowerAscii(*digest), kXsd + "hexBinary"));
    return ref(sum);
}

Object provenanceStatement(const RecordView& view, const JsonValue& lineage) {
    std::vector<std::string> parts;
    if (auto model = str(&lineage, "model")) {
        std::string text = "Model: " + *model;
        if (auto version = str(&lineage, "version")) text += " " + *version;
        parts.push_back(text);
    }
    if (auto scenario = str(&lineage, "scenario")) parts.push_back("Scenario: " + *scenario);
    if (auto runDate = str(&lineage, "runDate")) parts.push_back("Run: " + *runDate);
    if (const JsonValue* sources = arr(&lineage, "sources")) {
        std::string list;
        for (const auto& source : sources->GetArray()) {
            auto title = str(&source, "title");
            auto href = str(&source, "href");
            if (!title && !href) continue;
            if (!list.empty()) list += "; ";
            list += title ? *title : *href;
            if (title && href) list += " <" + *href + ">";
        }
        if (!list.empty()) parts.push_back("Sources: " + list);
    }
    if (auto statement = str(&lineage, "statement")) parts.push_back(*statement);
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : ". ") + part;
    auto result = node("", {kDct + "ProvenanceStatement"});
    add(*result, kRdfs + "label", view.text(text));
    return ref(result);
}


// A distribution's format: its id, version, vocabulary entry (nullptr: unknown) and the spec it
// conforms to.
struct DistributionFormat {
    std::string id;
    std::string version;
    const record::Format* info = nullptr;
    std::optional<Object> spec;
};

DistributionFormat formatOf(const JsonValue& distribution) {
    DistributionFormat format;
    format.id = str(&distribution, "format").value_or("other");
    format.version = str(&distribution, "formatVersion").value_or("");
    format.info = record::findFormat(format.id);
    if (format.info && format.info->spec)
        format.spec = standard(formatSpec(*format.info, format.version), format.info->label);
    return format;
}

void addByteSize(Node& dist, const JsonValue& distribution) {
    auto size = distribution.FindMember("byteSize");
    if (size != distribution.MemberEnd() && size->value.IsNumber()) {
        double bytes = size->value.GetDouble();
        if (size->value.IsUint64()) add(dist, kDcat + "byteSize",
                                        literal(std::to_string(size->value.GetUint64()), kXsd + "nonNegativeInteger"));
        else if (bytes >= 0 && bytes < 9.0e18 && std::floor(bytes) == bytes)
            add(dist, kDcat + "byteSize",
                literal(std::to_string(static_cast<std::uint64_t>(bytes)), kXsd + "nonNegativeInteger"));
    }
}

// The properties a distribution's access service takes over from the dataset it serves: DCAT-AP-NL
// asks a data service for all of these, and they are the dataset's.
bool inheritedByAccessService(const std::string& predicate) {
    static const std::set<std::string> inherited = {
        kDct + "publisher", kDct + "creator",  kDcat + "contactPoint", kDcat + "theme", kDct + "license",
        kDct + "accessRights", kDct + "language", kDcat + "keyword"};
    return inherited.count(predicate) > 0;
}

// dcat:endpointDescription: the specification of the API the endpoint implements (it describes the
// operations), else the endpoint URL itself (noted: the record names no description).
void addEndpointDescription(Node& service, const DistributionFormat& format, const std::string& href) {
    if (format.info && format.info->spec) {
        add(service, kDcat + "endpointDescription", resource(formatSpec(*format.info, format.version)));
        return;
    }
    add(service, kDcat + "endpointDescription", resource(href));
    noteDefault(service, "dcat:endpointDescription defaulted to the endpoint URL because the record names no "
                         "specification of the API");
}

NodePtr distributionNode(const RecordView& view, const Node& dataset, const std::string& distIri,
                         const JsonValue& distribution, const std::string& href, const DistributionFormat& format,
                         const LicenceChoice& licence) {
    const record::Format* info = format.info;
    const std::optional<Object>& spec = format.spec;
    auto dist = node(distIri, {kDcat + "Distribution"});
    std::string label = info ? std::string(info->label) : format.id;
    if (!format.version.empty()) label += " " + format.version;
    if (auto title = str(&distribution, "title")) add(*dist, kDct + "title", view.text(*title));
    add(*dist, kDct + "description", literal(label));
    add(*dist, kDcat + "accessURL", resource(href));
    bool isService = info && info->service;
    if (isService) {
        // The API as a data service of its own: DCAT-AP-NL asks it for everything a data service has.
        auto api = node(distIri + "-service", {kDcat + "DataService", kDcat + "Resource"});
        add(*api, kDct + "title", literal(label));
        add(*api, kDct + "description", literal(label + " endpoint of " + distIri));
        add(*api, kDct + "identifier", literal(distIri + "-service"));
        add(*api, kDcat + "endpointURL", resource(href));
        addEndpointDescription(*api, format, href);
        if (spec) add(*api, kDct + "conformsTo", *spec);
        for (const auto& [predicate, object] : dataset.properties)
            if (inheritedByAccessService(predicate)) add(*api, predicate, object);
        if (!dataset.iri.empty()) add(*api, kDcat + "servesDataset", iri(dataset.iri));
        add(*dist, kDcat + "accessService", ref(api));
    } else {
        add(*dist, kDcat + "downloadURL", resource(href));
    }
    if (auto mediaType = str(&distribution, "mediaType"))
        if (auto typeIri = mediaTypeIri(*mediaType))
            add(*dist, kDcat + "mediaType", ref(node(*typeIri, {kDct + "MediaType"})));
    if (info && info->euFileType)
        add(*dist, kDct + "format", ref(node(info->euFileType, {kDct + "MediaTypeOrExtent"})));
    if (spec) add(*dist, kDct + "conformsTo", *spec);
    addByteSize(*dist, distribution);
    if (auto sum = checksum(obj(&distribution, "checksum"))) add(*dist, kSpdx + "checksum", *sum);
    add(*dist, kDct + "license", ref(node(licence.iri, {kDct + "LicenseDocument"})));
    if (!view.language.empty())
        if (auto language = record::euLanguageIri(view.language); !language.empty())
            add(*dist, kDct + "language", ref(node(language, {kDct + "LinguisticSystem"})));
    return dist;
}

void addDistributions(Node& subject, const RecordView& view, const std::string& itemUrl, bool service) {
    const JsonValue* distributions = arr(view.properties, "distributions");
    if (!distributions) return;
    LicenceChoice licence = licenceOf(view);
    int position = 0;
    int endpoints = 0;
    for (const auto& distribution : distributions->GetArray()) {
        ++position;
        auto href = str(&distribution, "href");
        if (!href) continue;
        DistributionFormat format = formatOf(distribution);
        if (service) {
            // A data service's distributions are its endpoints. DCAT-AP-NL allows one endpoint URL and
            // one endpoint description: the first endpoint is the service's, further ones are linked
            // with rdfs:seeAlso (noted).
            if (format.spec) add(subject, kDct + "conformsTo", *format.spec);
            if (++endpoints == 1) {
                add(subject, kDcat + "endpointURL", resource(*href));
                addEndpointDescription(subject, format, *href);
            } else {
                add(subject, kRdfs + "seeAlso", resource(*href));
            }
            continue;
        }
        std::string distIri = itemUrl + "#distribution-" + std::to_string(position);
        add(subject, kDcat + "distribution",
            ref(distributionNode(view, subject, distIri, distribution, *href, format, licence)));
    }
    if (endpoints > 1)
        noteDefault(subject, "the service has " + std::to_string(endpoints) +
                                 " endpoints; DCAT-AP-NL allows one dcat:endpointURL, so the first is the "
                                 "endpoint URL and the others are given as rdfs:seeAlso");
}

void addHarvest(Node& record, const JsonValue& harvest, const CatalogInfo& info) {
    auto activity = node("", {kProv + "Activity"});
    add(*activity, kRdfs + "label", literal("harvest", "", "en"));
    if (auto source = str(&harvest, "source")) {
        add(record, kTwin + "harvestSource", literal(*source));
        std::string sourceUrl = info.base + "/sources/" + *source;
        add(*activity, kProv + "used", iri(sourceUrl));
    }
    if (auto at = str(&harvest, "harvestedAt"); at && dateType(*at))
        add(*activity, kProv + "endedAtTime", literal(*at, *dateType(*at)));
    add(record, kProv + "wasGeneratedBy", ref(activity));
    if (auto hash = str(&harvest, "hash"); hash && isHex(*hash)) {
        auto sum = node("", {kSpdx + "Checksum"});
        add(*sum, kSpdx + "algorithm",
            ref(node(kSpdx + "checksumAlgorithm_sha256", {kSpdx + "ChecksumAlgorithm"})));
        add(*sum, kSpdx + "checksumValue", literal(common::toLowerAscii(*hash), kXsd + "hexBinary"));
        add(record, kSpdx + "checksum", ref(sum));
    }
}

}  // namespace

RecordView::RecordView(const JsonValue& value) : record(value), properties(obj(&value, "properties")) {
    const JsonValue* lang = nullptr;
    if (properties) {
        auto it = properties->FindMember("language");
        if (it != properties->MemberEnd()) lang = &it->value;
    }
    std::optional<std::string> code;
    if (lang && lang->IsString()) code = std::string(lang->GetString(), lang->GetStringLength());
    else if (lang) code = str(lang, "code");
    if (code && isLanguageTag(*code)) language = common::toLowerAscii(*code);
}

bool isServiceRecord(const RecordView& view) { return view.prop("type") == std::optional<std::string>("service"); }

NodePtr resourceNode(const RecordView& view, const std::string& itemUrl, const CatalogInfo& info) {
    const JsonValue* p = view.properties;
    bool service = isServiceRecord(view);
    auto subject = node(resourceIri(view, itemUrl),
                        {service ? kDcat + "DataService" : kDcat + "Dataset", kDcat + "Resource"});
    describeResource(*subject, view, itemUrl, info);
    if (auto type = view.prop("type"))
        add(*subject, kDct + "type", concept(std::string(record::kRecordTypeScheme) + "/" + *type, record::kRecordTypeScheme, {{*type, "en"}}));
    if (const JsonValue* lineage = obj(p, "lineage")) add(*subject, kDct + "provenance", provenanceStatement(view, *lineage));
    addDistributions(*subject, view, itemUrl, service);
    return subject;
}

NodePtr catalogRecordNode(const RecordView& view, const std::string& itemUrl, const NodePtr& resource,
                          const CatalogInfo& info) {
    auto record = node(itemUrl, {kDcat + "CatalogRecord"});
    add(*record, kFoaf + "primaryTopic", ref(resource));
    // The record's modification date: the origin's `updated` (the record changes with it).
    std::optional<std::string> updated = view.prop("updated");
    if (updated && dateType(*updated)) addDate(*record, kDct + "modified", updated);
    else add(*record, kDct + "modified", literal("unknown"));
    if (auto title = view.prop("title")) add(*record, kDct + "title", view.text(*title));
    add(*record, kDct + "conformsTo", standard(kDcatAp3, "DCAT-AP 3.0.0"));
    // The language of the metadata (DCAT-AP-NL requires it): the record's language.
    std::string language = view.language.empty() ? "" : record::euLanguageIri(view.language);
    if (language.empty()) {
        language = record::euLanguageIri("nl");
        noteDefault(*record, "dct:language defaulted to NLD (Dutch) because the record states no language in the "
                             "EU language list");
    }
    add(*record, kDct + "language", ref(node(language, {kDct + "LinguisticSystem"})));
    if (auto origin = str(&view.record, "origin")) add(*record, kTwin + "origin", literal(*origin));
    else if (!info.nodeId.empty()) add(*record, kTwin + "origin", literal(info.nodeId));
    // On a hub: how the record came here (the harvest), and the hash of what was harvested.
    if (const JsonValue* harvest = obj(&view.record, "harvest")) addHarvest(*record, *harvest, info);
    return record;
}

}  // namespace detail

using namespace detail;

std::string record(Format format, const CatalogInfo& info, const Entry& entry) {
    Graph graph;
    if (entry.record && entry.record->IsObject()) {
        RecordView view(*entry.record);
        auto resource = resourceNode(view, entry.itemUrl, info);
        graph.subjects.push_back(catalogRecordNode(view, entry.itemUrl, resource, info));
        graph.subjects.push_back(resource);
    }
    return serialise(format, graph);
}

}  // namespace tweeling::registry::api::dcat
