#include "api/dcat.hpp"
#include "common/http.hpp"
#include "common/text.hpp"
#include "common/url.hpp"
#include "record/geometry.hpp"
#include "record/identifiers.hpp"
#include "record/vocabulary.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace tweeling::registry::api::dcat {

using common::JsonValue;

namespace {

// ---- vocabularies ----
const std::string kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const std::string kRdfs = "http://www.w3.org/2000/01/rdf-schema#";
const std::string kXsd = "http://www.w3.org/2001/XMLSchema#";
const std::string kDcat = "http://www.w3.org/ns/dcat#";
const std::string kDct = "http://purl.org/dc/terms/";
const std::string kFoaf = "http://xmlns.com/foaf/0.1/";
const std::string kVcard = "http://www.w3.org/2006/vcard/ns#";
const std::string kSkos = "http://www.w3.org/2004/02/skos/core#";
const std::string kLocn = "http://www.w3.org/ns/locn#";
const std::string kGsp = "http://www.opengis.net/ont/geosparql#";
const std::string kGeodcat = "http://data.europa.eu/930/";
const std::string kSpdx = "http://spdx.org/rdf/terms#";
const std::string kProv = "http://www.w3.org/ns/prov#";
const std::string kHydra = "http://www.w3.org/ns/hydra/core#";
const std::string kTwin = "https://w3id.org/tweeling/def/";

const std::vector<std::pair<std::string, std::string>>& prefixes() {
    static const std::vector<std::pair<std::string, std::string>> list = {
        {"rdf", kRdf},     {"rdfs", kRdfs}, {"xsd", kXsd},   {"dcat", kDcat},       {"dct", kDct},
        {"foaf", kFoaf},   {"vcard", kVcard}, {"skos", kSkos}, {"locn", kLocn},     {"gsp", kGsp},
        {"geodcat", kGeodcat}, {"spdx", kSpdx}, {"prov", kProv}, {"hydra", kHydra}, {"twin", kTwin},
    };
    return list;
}

const std::string kTwinThemeScheme = record::kTwinThemeScheme;
const std::string kEuDataTheme = "http://publications.europa.eu/resource/authority/data-theme";
const std::string kEuLanguage = "http://publications.europa.eu/resource/authority/language/";
const std::string kDcatAp3 = "https://semiceu.github.io/DCAT-AP/releases/3.0.0";

// The English labels of the EU data themes the twin themes fall under (record/vocabulary.hpp).
const std::map<std::string, std::string> kEuThemeLabels = {
    {kEuDataTheme + "/ENVI", "Environment"},
    {kEuDataTheme + "/ENER", "Energy"},
    {kEuDataTheme + "/TRAN", "Transport"},
    {kEuDataTheme + "/REGI", "Regions and cities"}};

// The spec a distribution conforms to; some formats have a URI per version.
std::string formatSpec(const record::Format& format, std::string_view version) {
    std::string id = format.id;
    if (id == "3dtiles" && (version == "1.0" || version == "1")) return "https://docs.ogc.org/cs/18-053r2/18-053r2.html";
    if (id == "citygml" && version.rfind("2", 0) == 0) return "http://www.opengis.net/spec/citygml/2.0";
    if (id == "citygml" && version.rfind("1", 0) == 0) return "http://www.opengis.net/spec/citygml/1.0";
    if (id == "ogcapi-features" && version.rfind("2", 0) == 0) return "http://www.opengis.net/doc/IS/ogcapi-features-2/1.0";
    return format.spec;
}

// ---- small helpers ----
std::optional<std::string> str(const JsonValue* object, const char* name) {
    if (!object || !object->IsObject()) return std::nullopt;
    auto it = object->FindMember(name);
    if (it == object->MemberEnd() || !it->value.IsString()) return std::nullopt;
    std::string value(it->value.GetString(), it->value.GetStringLength());
    if (value.empty()) return std::nullopt;
    return value;
}

const JsonValue* obj(const JsonValue* object, const char* name) {
    if (!object || !object->IsObject()) return nullptr;
    auto it = object->FindMember(name);
    return it != object->MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

const JsonValue* arr(const JsonValue* object, const char* name) {
    if (!object || !object->IsObject()) return nullptr;
    auto it = object->FindMember(name);
    return it != object->MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

bool isAbsoluteIri(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    if (!std::isalpha(static_cast<unsigned char>(text[0]))) return false;
    for (std::size_t i = 1; i < colon; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
    }
    return colon + 1 < text.size();
}

bool matches(std::string_view text, const char* pattern) {
    // pattern: 'd' digit, anything else literal
    std::size_t n = std::strlen(pattern);
    if (text.size() != n) return false;
    for (std::size_t i = 0; i < n; ++i) {
        if (pattern[i] == 'd') {
            if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
        } else if (text[i] != pattern[i]) {
            return false;
        }
    }
    return true;
}

// xsd:date for YYYY-MM-DD, xsd:dateTime for an RFC 3339 date-time; nullopt for anything else.
std::optional<std::string> dateType(std::string_view text) {
    if (matches(text, "dddd-dd-dd")) return kXsd + "date";
    if (text.size() >= 20 && matches(text.substr(0, 19), "dddd-dd-ddTdd:dd:dd")) {
        std::string_view rest = text.substr(19);
        if (!rest.empty() && rest[0] == '.') {
            std::size_t i = 1;
            while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
            if (i == 1) return std::nullopt;
            rest = rest.substr(i);
        }
        if (rest == "Z" || matches(rest, "+dd:dd") || matches(rest, "-dd:dd")) return kXsd + "dateTime";
    }
    return std::nullopt;
}

bool isHex(std::string_view text) {
    return !text.empty() && text.size() % 2 == 0 &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

bool isLanguageTag(std::string_view tag) {
    // BCP 47 shape: 2-8 letters, then -subtags of 1-8 letters/digits.
    std::size_t i = 0;
    while (i < tag.size() && std::isalpha(static_cast<unsigned char>(tag[i]))) ++i;
    if (i < 2 || i > 8) return false;
    while (i < tag.size()) {
        if (tag[i] != '-') return false;
        std::size_t start = ++i;
        while (i < tag.size() && std::isalnum(static_cast<unsigned char>(tag[i]))) ++i;
        if (i == start || i - start > 8) return false;
    }
    return true;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

using rdf::Graph;
using rdf::Node;
using rdf::Object;
using NodePtr = std::shared_ptr<Node>;

NodePtr node(const std::string& iri, std::initializer_list<std::string> types) {
    auto result = std::make_shared<Node>();
    result->iri = iri.empty() ? iri : rdf::cleanIri(iri);
    result->types.assign(types.begin(), types.end());
    return result;
}

Object iri(const std::string& value) {
    Object object;
    object.kind = Object::Kind::Iri;
    object.value = rdf::cleanIri(value);
    return object;
}

Object literal(const std::string& value, const std::string& datatype = "", const std::string& language = "") {
    Object object;
    object.kind = Object::Kind::Literal;
    object.value = rdf::cleanText(value);
    object.datatype = datatype;
    object.language = language;
    return object;
}

Object ref(NodePtr target) {
    Object object;
    object.kind = Object::Kind::Node;
    object.node = std::move(target);
    return object;
}

void add(Node& subject, const std::string& predicate, Object object) {
    subject.properties.emplace_back(predicate, std::move(object));
}

void addDate(Node& subject, const std::string& predicate, const std::optional<std::string>& text) {
    if (!text) return;
    if (auto type = dateType(*text)) add(subject, predicate, literal(*text, *type));
}

// A URL used as the object of dcat:accessURL and the like: the shapes want `a rdfs:Resource`.
Object resource(const std::string& url) { return ref(node(url, {kRdfs + "Resource"})); }

Object document(const std::string& url, const std::optional<std::string>& title = std::nullopt) {
    auto page = node(url, {kFoaf + "Document"});
    if (title) add(*page, kDct + "title", literal(*title));
    return ref(page);
}

Object concept(const std::string& conceptIri, const std::string& scheme,
               const std::vector<std::pair<std::string, std::string>>& labels) {
    auto result = node(conceptIri, {kSkos + "Concept"});
    for (const auto& [label, language] : labels) add(*result, kSkos + "prefLabel", literal(label, "", language));
    if (!scheme.empty()) add(*result, kSkos + "inScheme", iri(scheme));
    return ref(result);
}

Object standard(const std::string& spec, const std::string& title) {
    auto result = node(spec, {kDct + "Standard"});
    if (!title.empty()) add(*result, kDct + "title", literal(title));
    return ref(result);
}

NodePtr agent(const std::string& agentIri, const std::string& name) {
    auto result = node(isAbsoluteIri(agentIri) ? agentIri : "", {kFoaf + "Agent"});
    add(*result, kFoaf + "name", literal(name.empty() ? agentIri : name));
    // The ADMS publisher type, where the TOOI URI tells.
    auto typeConcept = [&](const char* code, const char* label) {
        add(*result, kDct + "type",
            concept(std::string("http://purl.org/adms/publishertype/") + code, "http://purl.org/adms/publishertype/1.0",
                    {{label, "en"}}));
    };
    if (agentIri.find("/tooi/id/gemeente/") != std::string::npos ||
        agentIri.find("/tooi/id/waterschap/") != std::string::npos)
        typeConcept("LocalAuthority", "Local Authority");
    else if (agentIri.find("/tooi/id/provincie/") != std::string::npos)
        typeConcept("RegionalAuthority", "Regional Authority");
    else if (agentIri.find("/tooi/id/ministerie/") != std::string::npos)
        typeConcept("NationalAuthority", "National authority");
    return result;
}

// ---- geometry ----
// dct:spatial: a dct:Location with the footprint's bounding box as a WKT literal (CRS84 lon/lat, the
// GeoSPARQL default) in dcat:bbox, and the footprint itself as a GeoJSON literal (GeoSPARQL 1.1
// geo:asGeoJSON) on its locn:Geometry. The DCAT-AP 3 shapes allow one dcat:bbox per location, so the
// GeoJSON form lives on the geometry.
std::optional<Object> location(const JsonValue& record) {
    auto it = record.FindMember("geometry");
    if (it == record.MemberEnd() || !it->value.IsObject()) return std::nullopt;
    std::optional<record::Bbox> bounds = record::envelope(it->value);
    if (!bounds) return std::nullopt;
    auto place = node("", {kDct + "Location"});
    std::string minX = number(bounds->minX), minY = number(bounds->minY);
    std::string maxX = number(bounds->maxX), maxY = number(bounds->maxY);
    if (bounds->minX == bounds->maxX && bounds->minY == bounds->maxY) {
        add(*place, kDcat + "centroid", literal("POINT(" + minX + " " + minY + ")", kGsp + "wktLiteral"));
    } else {
        add(*place, kDcat + "bbox",
            literal("POLYGON((" + minX + " " + minY + ", " + maxX + " " + minY + ", " + maxX + " " + maxY + ", " +
                        minX + " " + maxY + ", " + minX + " " + minY + "))",
                    kGsp + "wktLiteral"));
    }
    auto shape = node("", {kLocn + "Geometry"});
    add(*shape, kGsp + "asGeoJSON", literal(common::toString(it->value), kGsp + "geoJSONLiteral"));
    add(*place, kLocn + "geometry", ref(shape));
    return ref(place);
}

// ---- the record ----
struct RecordView {
    const JsonValue& record;
    const JsonValue* properties;
    std::string language;  // tag for text literals ("" when unknown)

    explicit RecordView(const JsonValue& value) : record(value), properties(obj(&value, "properties")) {
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
    std::optional<std::string> prop(const char* name) const { return str(properties, name); }
    Object text(const std::string& value) const { return literal(value, "", language); }
};

bool isServiceRecord(const RecordView& view) { return view.prop("type") == std::optional<std::string>("service"); }

std::string resourceIri(const RecordView& view, const std::string& itemUrl) {
    return itemUrl + (isServiceRecord(view) ? "#service" : "#dataset");
}

std::optional<Object> temporal(const JsonValue& record) {
    const JsonValue* time = obj(&record, "time");
    if (!time) return std::nullopt;
    std::optional<std::string> start, end;
    if (const JsonValue* interval = arr(time, "interval")) {
        if (interval->Size() >= 1 && (*interval)[0].IsString()) start = (*interval)[0].GetString();
        if (interval->Size() >= 2 && (*interval)[1].IsString()) end = (*interval)[1].GetString();
    } else if (auto date = str(time, "date")) {
        start = end = date;
    } else if (auto timestamp = str(time, "timestamp")) {
        start = end = timestamp;
    }
    if (start && !dateType(*start)) start.reset();
    if (end && !dateType(*end)) end.reset();
    if (!start && !end) return std::nullopt;
    auto period = node("", {kDct + "PeriodOfTime"});
    addDate(*period, kDcat + "startDate", start);
    addDate(*period, kDcat + "endDate", end);
    return ref(period);
}

std::optional<std::string> licenseIri(const std::string& license) {
    if (isAbsoluteIri(license)) return license;
    bool spdx = std::all_of(license.begin(), license.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '+';
    });
    if (spdx) return "http://spdx.org/licenses/" + license;
    return std::nullopt;
}

std::optional<std::string> euLanguage(const std::string& tag) {
    static const std::map<std::string, std::string> codes = {
        {"nl", "NLD"}, {"en", "ENG"}, {"de", "DEU"}, {"fr", "FRA"}, {"fy", "FRY"}, {"es", "SPA"}, {"it", "ITA"}};
    auto it = codes.find(tag.substr(0, tag.find('-')));
    if (it == codes.end()) return std::nullopt;
    return kEuLanguage + it->second;
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

// The properties a dataset and a data service share.
void describeResource(Node& subject, const RecordView& view, const std::string& itemUrl) {
    const JsonValue* p = view.properties;
    if (auto title = view.prop("title")) add(subject, kDct + "title", view.text(*title));
    if (auto description = view.prop("description")) add(subject, kDct + "description", view.text(*description));
    if (auto id = str(&view.record, "id")) add(subject, kDct + "identifier", literal(*id));
    addDate(subject, kDct + "issued", view.prop("created"));
    addDate(subject, kDct + "modified", view.prop("updated"));

    if (const JsonValue* publisher = obj(p, "publisher")) {
        auto id = str(publisher, "id").value_or("");
        auto name = str(publisher, "name").value_or(id);
        if (!id.empty() || !name.empty()) add(subject, kDct + "publisher", ref(agent(id, name)));
    }
    if (const JsonValue* contacts = arr(p, "contacts")) {
        for (const auto& contact : contacts->GetArray()) {
            auto kind = node("", {kVcard + "Kind"});
            auto name = str(&contact, "name");
            auto organization = str(&contact, "organization");
            if (name || organization) add(*kind, kVcard + "fn", literal(name ? *name : *organization));
            if (organization) add(*kind, kVcard + "organization-name", literal(*organization));
            if (const JsonValue* emails = arr(&contact, "emails"))
                for (const auto& email : emails->GetArray())
                    if (auto address = str(&email, "value")) add(*kind, kVcard + "hasEmail", iri("mailto:" + *address));
            if (const JsonValue* phones = arr(&contact, "phones"))
                for (const auto& phone : phones->GetArray())
                    if (auto number = str(&phone, "value")) {
                        std::string tel;
                        for (char c : *number)
                            if (std::isdigit(static_cast<unsigned char>(c)) || c == '+') tel += c;
                        if (!tel.empty()) add(*kind, kVcard + "hasTelephone", iri("tel:" + tel));
                    }
            if (const JsonValue* links = arr(&contact, "links"))
                for (const auto& link : links->GetArray())
                    if (auto href = str(&link, "href"); href && isAbsoluteIri(*href))
                        add(*kind, kVcard + "hasURL", iri(*href));
            if (!kind->properties.empty()) add(subject, kDcat + "contactPoint", ref(kind));
        }
    }
    if (const JsonValue* themes = arr(p, "themes")) {
        std::set<std::string> euThemes;
        for (const auto& theme : themes->GetArray()) {
            auto scheme = str(&theme, "scheme").value_or("");
            const JsonValue* concepts = arr(&theme, "concepts");
            if (!concepts) continue;
            for (const auto& entry : concepts->GetArray()) {
                auto id = str(&entry, "id");
                if (!id) continue;
                if (scheme == kTwinThemeScheme) {
                    const record::Theme* info = record::findTheme(*id);
                    std::vector<std::pair<std::string, std::string>> labels;
                    if (info) labels = {{info->labelEn, "en"}, {info->labelNl, "nl"}};
                    else labels = {{*id, ""}};
                    add(subject, kDcat + "theme", concept(kTwinThemeScheme + "/" + *id, kTwinThemeScheme, labels));
                    if (info && info->euDataTheme) euThemes.insert(info->euDataTheme);
                    continue;
                }
                // Another scheme: only where the concept has an IRI of its own.
                std::optional<std::string> conceptIri = str(&entry, "url");
                if (!conceptIri && isAbsoluteIri(*id)) conceptIri = id;
                if (!conceptIri || !isAbsoluteIri(*conceptIri)) continue;
                auto label = str(&entry, "title").value_or(*id);
                add(subject, kDcat + "theme", concept(*conceptIri, isAbsoluteIri(scheme) ? scheme : "", {{label, ""}}));
            }
        }
        for (const auto& euTheme : euThemes)
            add(subject, kDcat + "theme", concept(euTheme, kEuDataTheme, {{kEuThemeLabels.at(euTheme), "en"}}));
    }
    if (const JsonValue* keywords = arr(p, "keywords"))
        for (const auto& keyword : keywords->GetArray())
            if (keyword.IsString() && keyword.GetStringLength() > 0)
                add(subject, kDcat + "keyword", view.text(keyword.GetString()));
    if (!view.language.empty())
        if (auto language = euLanguage(view.language))
            add(subject, kDct + "language", ref(node(*language, {kDct + "LinguisticSystem"})));

    if (auto place = location(view.record)) add(subject, kDct + "spatial", *place);
    // Administrative units (CBS codes): the TOOI URIs name the public bodies (the publishers), not
    // their territory, so each unit is a location of its own identified by its code.
    if (const JsonValue* units = arr(p, "adminUnits"))
        for (const auto& unit : units->GetArray())
            if (unit.IsString() && unit.GetStringLength() > 0) {
                auto place = node("", {kDct + "Location"});
                add(*place, kDct + "identifier", literal(unit.GetString()));
                add(subject, kDct + "spatial", ref(place));
            }
    if (auto period = temporal(view.record)) add(subject, kDct + "temporal", *period);

    if (auto license = view.prop("license"))
        if (auto licenseUri = licenseIri(*license))
            add(subject, kDct + "license", ref(node(*licenseUri, {kDct + "LicenseDocument"})));
    if (auto rights = view.prop("rights"))
        if (const record::Rights* known = record::findRights(*rights))
            add(subject, kDct + "accessRights", ref(node(known->euAccessRight, {kDct + "RightsStatement"})));
    if (auto frequency = view.prop("updateFrequency"); frequency && isAbsoluteIri(*frequency))
        add(subject, kDct + "accrualPeriodicity", ref(node(*frequency, {kDct + "Frequency"})));

    // Coordinate reference systems: GeoDCAT-AP 3 geodcat:referenceSystem, and dct:conformsTo (its
    // super-property, what DCAT-AP-only readers and GeoDCAT-AP 2 use) to the same dct:Standard.
    if (const JsonValue* crsList = arr(p, "crs")) {
        for (const auto& crs : crsList->GetArray()) {
            if (!crs.IsString() || !isAbsoluteIri(crs.GetString())) continue;
            std::string uri = crs.GetString();
            auto system = node(uri, {kDct + "Standard"});
            add(*system, kDct + "type", iri("http://inspire.ec.europa.eu/glossary/SpatialReferenceSystem"));
            if (auto code = record::epsgCode(uri)) add(*system, kDct + "identifier", literal("EPSG:" + *code));
            add(subject, kGeodcat + "referenceSystem", ref(system));
            add(subject, kDct + "conformsTo", ref(system));
        }
    }
    if (const JsonValue* links = arr(&view.record, "links"))
        for (const auto& link : links->GetArray()) {
            auto rel = str(&link, "rel");
            auto href = str(&link, "href");
            if (rel == std::optional<std::string>("describedby") && href && isAbsoluteIri(*href))
                add(subject, kFoaf + "page", document(*href, str(&link, "title")));
        }
    (void)itemUrl;
}

NodePtr resourceNode(const RecordView& view, const std::string& itemUrl) {
    const JsonValue* p = view.properties;
    bool service = isServiceRecord(view);
    auto subject = node(resourceIri(view, itemUrl),
                        {service ? kDcat + "DataService" : kDcat + "Dataset", kDcat + "Resource"});
    describeResource(*subject, view, itemUrl);
    if (auto type = view.prop("type"))
        add(*subject, kDct + "type", concept(std::string(record::kRecordTypeScheme) + "/" + *type, record::kRecordTypeScheme, {{*type, "en"}}));
    if (const JsonValue* lineage = obj(p, "lineage")) add(*subject, kDct + "provenance", provenanceStatement(view, *lineage));

    const JsonValue* distributions = arr(p, "distributions");
    if (!distributions) return subject;
    std::optional<std::string> license = view.prop("license");
    std::optional<std::string> licenseUri = license ? licenseIri(*license) : std::nullopt;
    int position = 0;
    for (const auto& distribution : distributions->GetArray()) {
        ++position;
        auto href = str(&distribution, "href");
        if (!href) continue;
        std::string format = str(&distribution, "format").value_or("other");
        std::string version = str(&distribution, "formatVersion").value_or("");
        const record::Format* info = record::findFormat(format);
        std::optional<Object> spec;
        if (info && info->spec) spec = standard(formatSpec(*info, version), info->label);
        if (service) {
            // A data service's distributions are its endpoints.
            add(*subject, kDcat + "endpointURL", resource(*href));
            if (spec) add(*subject, kDct + "conformsTo", *spec);
            continue;
        }
        auto dist = node(itemUrl + "#distribution-" + std::to_string(position), {kDcat + "Distribution"});
        std::string label = info ? std::string(info->label) : format;
        if (!version.empty()) label += " " + version;
        if (auto title = str(&distribution, "title")) add(*dist, kDct + "title", view.text(*title));
        add(*dist, kDct + "description", literal(label));
        add(*dist, kDcat + "accessURL", resource(*href));
        bool isService = info && info->service;
        if (isService) {
            auto api = node("", {kDcat + "DataService", kDcat + "Resource"});
            add(*api, kDct + "title", literal(label));
            add(*api, kDcat + "endpointURL", resource(*href));
            if (spec) add(*api, kDct + "conformsTo", *spec);
            add(*dist, kDcat + "accessService", ref(api));
        } else {
            add(*dist, kDcat + "downloadURL", resource(*href));
        }
        if (auto mediaType = str(&distribution, "mediaType"))
            if (auto typeIri = mediaTypeIri(*mediaType))
                add(*dist, kDcat + "mediaType", ref(node(*typeIri, {kDct + "MediaType"})));
        if (info && info->euFileType)
            add(*dist, kDct + "format", ref(node(info->euFileType, {kDct + "MediaTypeOrExtent"})));
        if (spec) add(*dist, kDct + "conformsTo", *spec);
        auto size = distribution.FindMember("byteSize");
        if (size != distribution.MemberEnd() && size->value.IsNumber()) {
            double bytes = size->value.GetDouble();
            if (size->value.IsUint64()) add(*dist, kDcat + "byteSize",
                                            literal(std::to_string(size->value.GetUint64()), kXsd + "nonNegativeInteger"));
            else if (bytes >= 0 && bytes < 9.0e18 && std::floor(bytes) == bytes)
                add(*dist, kDcat + "byteSize",
                    literal(std::to_string(static_cast<std::uint64_t>(bytes)), kXsd + "nonNegativeInteger"));
        }
        if (auto sum = checksum(obj(&distribution, "checksum"))) add(*dist, kSpdx + "checksum", *sum);
        if (licenseUri) add(*dist, kDct + "license", ref(node(*licenseUri, {kDct + "LicenseDocument"})));
        add(*subject, kDcat + "distribution", ref(dist));
    }
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
    if (auto origin = str(&view.record, "origin")) add(*record, kTwin + "origin", literal(*origin));
    else if (!info.nodeId.empty()) add(*record, kTwin + "origin", literal(info.nodeId));
    // On a hub: how the record came here (the harvest), and the hash of what was harvested.
    if (const JsonValue* harvest = obj(&view.record, "harvest")) {
        auto activity = node("", {kProv + "Activity"});
        add(*activity, kRdfs + "label", literal("harvest", "", "en"));
        if (auto source = str(harvest, "source")) {
            add(*record, kTwin + "harvestSource", literal(*source));
            std::string sourceUrl = info.base + "/sources/" + *source;
            add(*activity, kProv + "used", iri(sourceUrl));
        }
        if (auto at = str(harvest, "harvestedAt"); at && dateType(*at))
            add(*activity, kProv + "endedAtTime", literal(*at, *dateType(*at)));
        add(*record, kProv + "wasGeneratedBy", ref(activity));
        if (auto hash = str(harvest, "hash"); hash && isHex(*hash)) {
            auto sum = node("", {kSpdx + "Checksum"});
            add(*sum, kSpdx + "algorithm",
                ref(node(kSpdx + "checksumAlgorithm_sha256", {kSpdx + "ChecksumAlgorithm"})));
            add(*sum, kSpdx + "checksumValue", literal(common::toLowerAscii(*hash), kXsd + "hexBinary"));
            add(*record, kSpdx + "checksum", ref(sum));
        }
    }
    return record;
}

NodePtr catalogNode(const CatalogInfo& info) {
    auto catalog = node(info.iri, {kDcat + "Catalog"});
    add(*catalog, kDct + "title", literal(info.title));
    add(*catalog, kDct + "description", literal(info.description));
    add(*catalog, kDct + "publisher", ref(agent(info.publisherIri, info.publisherName)));
    if (!info.nodeId.empty()) add(*catalog, kDct + "identifier", literal(info.nodeId));
    if (!info.homepage.empty()) add(*catalog, kFoaf + "homepage", document(info.homepage));
    auto scheme = node(kTwinThemeScheme, {kSkos + "ConceptScheme"});
    add(*scheme, kDct + "title", literal("Tweeling twin themes", "", "en"));
    add(*catalog, kDcat + "themeTaxonomy", ref(scheme));
    return catalog;
}

std::string serialise(Format format, const Graph& graph) {
    return format == Format::Turtle ? rdf::toTurtle(graph) : rdf::toJsonLd(graph);
}

}  // namespace

// ---- negotiation ----
std::optional<Format> negotiate(const std::string* f, const std::string& accept) {
    if (f) {
        if (*f == "jsonld") return Format::JsonLd;
        if (*f == "ttl") return Format::Turtle;
        return std::nullopt;
    }
    if (accept.empty()) return std::nullopt;
    const std::vector<common::MediaRange> ranges = common::parseAccept(accept);
    double jsonld = common::acceptQuality(ranges, "application/ld+json");
    double turtle = common::acceptQuality(ranges, "text/turtle");
    double json = std::max(common::acceptQuality(ranges, "application/json"),
                           common::acceptQuality(ranges, "application/geo+json"));
    if (jsonld > json && jsonld >= turtle && jsonld > 0) return Format::JsonLd;
    if (turtle > json && turtle > jsonld && turtle > 0) return Format::Turtle;
    return std::nullopt;
}

const char* mediaType(Format format) {
    return format == Format::Turtle ? "text/turtle; charset=utf-8" : "application/ld+json";
}

const char* formatParameter(Format format) { return format == Format::Turtle ? "ttl" : "jsonld"; }

std::pair<std::string, std::string> defaultPublisher(const std::string& nodeId, const std::string& name,
                                                     const std::string& base) {
    // A node named by its CBS code ("gm0363") publishes as that public body.
    if (auto unit = record::parseAdminUnit(nodeId)) return {record::tooiUri(*unit), name};
    return {base + "/#publisher", name};
}

std::string catalog(Format format, const CatalogInfo& catalogInfo, const std::vector<Entry>& entries,
                    const Paging& paging) {
    // When the catalog's publisher also publishes records, use the name those records give it.
    CatalogInfo info = catalogInfo;
    for (const auto& entry : entries) {
        const JsonValue* publisher = entry.record ? obj(obj(entry.record, "properties"), "publisher") : nullptr;
        if (str(publisher, "id") == std::optional<std::string>(info.publisherIri))
            if (auto name = str(publisher, "name")) {
                info.publisherName = *name;
                break;
            }
    }
    Graph graph;
    auto catalogSubject = catalogNode(info);
    graph.subjects.push_back(catalogSubject);
    for (const auto& entry : entries) {
        if (!entry.record || !entry.record->IsObject()) continue;
        RecordView view(*entry.record);
        auto resource = resourceNode(view, entry.itemUrl);
        add(*catalogSubject, isServiceRecord(view) ? kDcat + "service" : kDcat + "dataset", ref(resource));
        add(*catalogSubject, kDcat + "record", ref(catalogRecordNode(view, entry.itemUrl, resource, info)));
    }
    if (!paging.self.empty()) {
        auto page = node(paging.self, {kHydra + "PartialCollectionView"});
        add(*page, kHydra + "totalItems", literal(std::to_string(paging.total), kXsd + "integer"));
        add(*page, kHydra + "itemsPerPage", literal(std::to_string(paging.limit), kXsd + "integer"));
        if (!paging.first.empty()) add(*page, kHydra + "first", iri(paging.first));
        if (!paging.next.empty()) add(*page, kHydra + "next", iri(paging.next));
        if (!paging.previous.empty()) add(*page, kHydra + "previous", iri(paging.previous));
        add(*catalogSubject, kHydra + "view", ref(page));
    }
    return serialise(format, graph);
}

std::string record(Format format, const CatalogInfo& info, const Entry& entry) {
    Graph graph;
    if (entry.record && entry.record->IsObject()) {
        RecordView view(*entry.record);
        auto resource = resourceNode(view, entry.itemUrl);
        graph.subjects.push_back(catalogRecordNode(view, entry.itemUrl, resource, info));
        graph.subjects.push_back(resource);
    }
    return serialise(format, graph);
}

// ---- RDF writers ----
namespace rdf {

namespace {

std::string compact(const std::string& iriText) {
    for (const auto& [prefix, ns] : prefixes()) {
        if (iriText.size() <= ns.size() || iriText.compare(0, ns.size(), ns) != 0) continue;
        std::string local = iriText.substr(ns.size());
        bool simple = std::all_of(local.begin(), local.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_' || c == '-';
        }) && local.front() != '-';
        if (simple) return prefix + ":" + local;
    }
    return "";
}

std::string turtleTerm(const std::string& iriText) {
    std::string name = compact(cleanIri(iriText));
    return name.empty() ? "<" + turtleIri(iriText) + ">" : name;
}

std::string jsonName(const std::string& iriText) {
    std::string name = compact(iriText);
    return name.empty() ? iriText : name;
}

// Merges every node with an IRI into one subject per IRI (first-seen order); nested IRI nodes become
// references. Blank nodes stay nested where they are.
struct Flattened {
    std::vector<NodePtr> subjects;  // the IRI nodes and top-level blank nodes, merged
    std::map<std::string, NodePtr> byIri;
    std::set<const Node*> done;  // source nodes already merged (a node referenced twice is merged once)
};

std::string objectKey(const Object& object) {
    if (object.kind == Object::Kind::Node) {
        if (object.node && !object.node->iri.empty()) return "I" + object.node->iri;
        return "";  // blank nodes are never duplicates
    }
    return (object.kind == Object::Kind::Iri ? "I" : "L") + object.value + "\x1f" + object.datatype + "\x1f" +
           object.language;
}

NodePtr flattenNode(const NodePtr& source, Flattened& out);

NodePtr copyBlank(const NodePtr& source, Flattened& out) {
    auto copy = std::make_shared<Node>();
    copy->types = source->types;
    for (const auto& [predicate, object] : source->properties) {
        if (object.kind == Object::Kind::Node && object.node) {
            Object replaced;
            replaced.kind = Object::Kind::Node;
            replaced.node = flattenNode(object.node, out);
            copy->properties.emplace_back(predicate, replaced);
        } else {
            copy->properties.emplace_back(predicate, object);
        }
    }
    return copy;
}

// Returns what the referrer holds: for an IRI node a bare reference, for a blank node its copy.
NodePtr flattenNode(const NodePtr& source, Flattened& out) {
    if (source->iri.empty()) return copyBlank(source, out);
    auto reference = std::make_shared<Node>();
    reference->iri = source->iri;
    if (!out.done.insert(source.get()).second) return reference;
    NodePtr& merged = out.byIri[source->iri];
    if (!merged) {
        merged = std::make_shared<Node>();
        merged->iri = source->iri;
        out.subjects.push_back(merged);
    }
    for (const auto& type : source->types)
        if (std::find(merged->types.begin(), merged->types.end(), type) == merged->types.end())
            merged->types.push_back(type);
    for (const auto& [predicate, object] : source->properties) {
        Object value = object;
        if (object.kind == Object::Kind::Node && object.node) value.node = flattenNode(object.node, out);
        std::string key = objectKey(value);
        bool duplicate = false;
        if (!key.empty())
            for (const auto& [otherPredicate, other] : merged->properties)
                if (otherPredicate == predicate && objectKey(other) == key) duplicate = true;
        if (!duplicate) merged->properties.emplace_back(predicate, value);
    }
    return reference;
}

Flattened flatten(const Graph& graph) {
    Flattened out;
    for (const auto& subject : graph.subjects) {
        if (subject->iri.empty()) out.subjects.push_back(copyBlank(subject, out));
        else flattenNode(subject, out);
    }
    return out;
}

// Properties grouped by predicate, in first-seen order.
std::vector<std::pair<std::string, std::vector<const Object*>>> grouped(const Node& subject) {
    std::vector<std::pair<std::string, std::vector<const Object*>>> groups;
    for (const auto& [predicate, object] : subject.properties) {
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& group) { return group.first == predicate; });
        if (it == groups.end()) groups.push_back({predicate, {&object}});
        else it->second.push_back(&object);
    }
    return groups;
}

void writeTurtleBody(std::ostringstream& out, const Node& subject, int indent);

void writeTurtleObject(std::ostringstream& out, const Object& object, int indent) {
    switch (object.kind) {
        case Object::Kind::Iri:
            out << turtleTerm(object.value);
            break;
        case Object::Kind::Literal:
            out << "\"" << turtleString(object.value) << "\"";
            if (!object.language.empty()) out << "@" << object.language;
            else if (!object.datatype.empty() && object.datatype != kXsd + "string") out << "^^" << turtleTerm(object.datatype);
            break;
        case Object::Kind::Node:
            if (!object.node->iri.empty()) {
                out << turtleTerm(object.node->iri);
            } else if (object.node->types.empty() && object.node->properties.empty()) {
                out << "[]";
            } else {
                out << "[\n";
                writeTurtleBody(out, *object.node, indent + 1);
                out << "\n" << std::string(indent * 4, ' ') << "]";
            }
            break;
    }
}

void writeTurtleBody(std::ostringstream& out, const Node& subject, int indent) {
    std::string pad(indent * 4, ' ');
    bool first = true;
    if (!subject.types.empty()) {
        out << pad << "a ";
        for (std::size_t i = 0; i < subject.types.size(); ++i) out << (i ? ", " : "") << turtleTerm(subject.types[i]);
        first = false;
    }
    for (const auto& [predicate, objects] : grouped(subject)) {
        if (!first) out << " ;\n";
        first = false;
        out << pad << turtleTerm(predicate) << " ";
        for (std::size_t i = 0; i < objects.size(); ++i) {
            if (i) out << ", ";
            writeTurtleObject(out, *objects[i], indent);
        }
    }
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void jsonString(JsonWriter& writer, const std::string& text) {
    writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
}

void writeJsonNode(JsonWriter& writer, const Node& subject);

void writeJsonObject(JsonWriter& writer, const Object& object) {
    switch (object.kind) {
        case Object::Kind::Iri:
            writer.StartObject();
            writer.Key("@id");
            jsonString(writer, cleanIri(object.value));
            writer.EndObject();
            break;
        case Object::Kind::Literal:
            if (object.language.empty() && (object.datatype.empty() || object.datatype == kXsd + "string")) {
                jsonString(writer, object.value);
                break;
            }
            writer.StartObject();
            writer.Key("@value");
            jsonString(writer, object.value);
            if (!object.language.empty()) {
                writer.Key("@language");
                jsonString(writer, object.language);
            } else {
                writer.Key("@type");
                jsonString(writer, jsonName(object.datatype));
            }
            writer.EndObject();
            break;
        case Object::Kind::Node:
            if (!object.node->iri.empty()) {
                writer.StartObject();
                writer.Key("@id");
                jsonString(writer, cleanIri(object.node->iri));
                writer.EndObject();
            } else {
                writeJsonNode(writer, *object.node);
            }
            break;
    }
}

void writeJsonNode(JsonWriter& writer, const Node& subject) {
    writer.StartObject();
    if (!subject.iri.empty()) {
        writer.Key("@id");
        jsonString(writer, cleanIri(subject.iri));
    }
    if (!subject.types.empty()) {
        writer.Key("@type");
        if (subject.types.size() == 1) {
            jsonString(writer, jsonName(subject.types[0]));
        } else {
            writer.StartArray();
            for (const auto& type : subject.types) jsonString(writer, jsonName(type));
            writer.EndArray();
        }
    }
    for (const auto& [predicate, objects] : grouped(subject)) {
        jsonString(writer, jsonName(predicate));
        if (objects.size() == 1) {
            writeJsonObject(writer, *objects[0]);
        } else {
            writer.StartArray();
            for (const Object* object : objects) writeJsonObject(writer, *object);
            writer.EndArray();
        }
    }
    writer.EndObject();
}

void writeContext(JsonWriter& writer) {
    writer.StartObject();
    for (const auto& [prefix, ns] : prefixes()) {
        jsonString(writer, prefix);
        jsonString(writer, ns);
    }
    writer.EndObject();
}

}  // namespace

std::string cleanText(std::string_view text) { return common::toValidUtf8(text); }

std::string cleanIri(std::string_view iriText) {
    return common::percentEncode(cleanText(iriText), common::percent::kIriReference);
}

std::string turtleString(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (unsigned char c : text) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    char escape[8];
                    std::snprintf(escape, sizeof escape, "\\u%04X", c);
                    out += escape;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

std::string turtleIri(std::string_view iriText) { return cleanIri(iriText); }

std::string toTurtle(const Graph& graph) {
    Flattened flat = flatten(graph);
    std::ostringstream out;
    for (const auto& [prefix, ns] : prefixes()) out << "@prefix " << prefix << ": <" << ns << "> .\n";
    for (const auto& subject : flat.subjects) {
        // A bare IRI says nothing on its own; it is referenced elsewhere.
        if (subject->types.empty() && subject->properties.empty()) continue;
        out << "\n";
        if (subject->iri.empty()) {
            out << "[\n";
            writeTurtleBody(out, *subject, 1);
            out << "\n] .\n";
            continue;
        }
        out << "<" << turtleIri(subject->iri) << ">\n";
        writeTurtleBody(out, *subject, 1);
        out << " .\n";
    }
    return out.str();
}

std::string toJsonLd(const Graph& graph) {
    Flattened flat = flatten(graph);
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("@context");
    writeContext(writer);
    writer.Key("@graph");
    writer.StartArray();
    for (const auto& subject : flat.subjects) {
        if (!subject->iri.empty() && subject->types.empty() && subject->properties.empty()) continue;
        writeJsonNode(writer, *subject);
    }
    writer.EndArray();
    writer.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string contextDocument() {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("@context");
    writeContext(writer);
    writer.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace rdf

}  // namespace tweeling::registry::api::dcat
