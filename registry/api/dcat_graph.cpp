// The DCAT graph's building blocks: vocabularies, small JSON and text helpers, node builders.
#include "api/dcat_internal.hpp"
#include "record/vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace tweeling::registry::api::dcat::detail {

const std::vector<std::pair<std::string, std::string>>& prefixes() {
    static const std::vector<std::pair<std::string, std::string>> list = {
        {"rdf", kRdf},     {"rdfs", kRdfs}, {"xsd", kXsd},   {"dcat", kDcat},       {"dct", kDct},
        {"foaf", kFoaf},   {"vcard", kVcard}, {"skos", kSkos}, {"locn", kLocn},     {"gsp", kGsp},
        {"geodcat", kGeodcat}, {"spdx", kSpdx}, {"prov", kProv}, {"hydra", kHydra}, {"twin", kTwin},
    };
    return list;
}

const std::string kTwinThemeScheme = record::kTwinThemeScheme;

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

namespace {

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

}  // namespace

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

std::optional<std::string> licenseIri(const std::string& license) {
    if (isAbsoluteIri(license)) return license;
    bool spdx = std::all_of(license.begin(), license.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '+';
    });
    if (spdx) return "http://spdx.org/licenses/" + license;
    return std::nullopt;
}

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

Object literal(const std::string& value, const std::string& datatype, const std::string& language) {
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

Object resource(const std::string& url) { return ref(node(url, {kRdfs + "Resource"})); }

Object document(const std::string& url, const std::optional<std::string>& title) {
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

NodePtr catalogContact(const CatalogInfo& info) {
    auto kind = node("", {kVcard + "Kind"});
    add(*kind, kVcard + "fn", literal(info.publisherName.empty() ? info.title : info.publisherName));
    if (!info.homepage.empty() && isAbsoluteIri(info.homepage)) add(*kind, kVcard + "hasURL", iri(info.homepage));
    return kind;
}

void noteDefault(Node& subject, const std::string& text) {
    add(subject, kRdfs + "comment", literal("DCAT-AP-NL default: " + text, "", "en"));
}

}  // namespace tweeling::registry::api::dcat::detail
