// The properties a dataset and a data service share: text, dates, publisher and contacts, themes
// and keywords, language, place and time, licence and rights, reference systems, pages.
#include "api/dcat_internal.hpp"
#include "common/text.hpp"
#include "record/geometry.hpp"
#include "record/identifiers.hpp"
#include "record/vocabulary.hpp"

#include <cctype>

namespace tweeling::registry::api::dcat::detail {

namespace {

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

NodePtr contactPoint(const JsonValue& contact) {
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
    return kind;
}

std::vector<std::string> adminUnitsOf(const RecordView& view) {
    std::vector<std::string> units;
    if (const JsonValue* list = arr(view.properties, "adminUnits"))
        for (const auto& unit : list->GetArray())
            if (unit.IsString()) units.emplace_back(unit.GetString(), unit.GetStringLength());
    return units;
}

// dct:publisher, dct:creator and dcat:contactPoint. A Dutch government body is named by its TOOI URI
// (record::governmentBodyUri). The record profile has no creator of its own: the publisher is the
// creator. Without a publisher or contact, the catalogue's stand in (noted).
void addPublisherAndContacts(Node& subject, const RecordView& view, const CatalogInfo& info) {
    NodePtr publisherAgent;
    if (const JsonValue* publisher = obj(view.properties, "publisher")) {
        auto id = str(publisher, "id").value_or("");
        auto name = str(publisher, "name").value_or(id);
        std::string uri = record::governmentBodyUri(id, name, adminUnitsOf(view));
        if (uri.empty() && isAbsoluteIri(id)) uri = id;
        if (!uri.empty() || !name.empty()) publisherAgent = agent(uri, name);
    }
    if (!publisherAgent) {
        publisherAgent = agent(info.publisherIri, info.publisherName);
        noteDefault(subject, "dct:publisher and dct:creator defaulted to the catalogue's publisher because the record "
                             "names no publisher");
    }
    add(subject, kDct + "publisher", ref(publisherAgent));
    add(subject, kDct + "creator", ref(publisherAgent));
    bool contact = false;
    if (const JsonValue* contacts = arr(view.properties, "contacts")) {
        for (const auto& entry : contacts->GetArray()) {
            auto kind = contactPoint(entry);
            if (kind->properties.empty()) continue;
            add(subject, kDcat + "contactPoint", ref(kind));
            contact = true;
        }
    }
    if (!contact) {
        add(subject, kDcat + "contactPoint", ref(catalogContact(info)));
        noteDefault(subject, "dcat:contactPoint defaulted to the catalogue's contact (its publisher and home page) "
                             "because the record names no contact");
    }
}

// Twin themes with their labels, then the EU data themes they fall under (DCAT-AP-NL requires one;
// without it "provisional data", noted); concepts of another scheme only where they have an IRI of
// their own.
void addThemes(Node& subject, const JsonValue* themes) {
    std::set<std::string> euThemes;  // those of kEuDataThemes, labelled from there
    bool hasEuTheme = false;         // any EU data theme, also one the table does not have
    static const JsonValue kNone(rapidjson::kArrayType);
    for (const auto& theme : (themes ? *themes : kNone).GetArray()) {
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
            bool euTheme = conceptIri->rfind(std::string(record::kEuDataThemeScheme) + "/", 0) == 0;
            if (euTheme) {  // already an EU data theme
                hasEuTheme = true;
                if (record::findEuDataTheme(*conceptIri)) {
                    euThemes.insert(*conceptIri);
                    continue;
                }
            }
            auto label = str(&entry, "title").value_or(*id);
            std::string conceptScheme = euTheme ? record::kEuDataThemeScheme : isAbsoluteIri(scheme) ? scheme : "";
            add(subject, kDcat + "theme", concept(*conceptIri, conceptScheme, {{label, ""}}));
        }
    }
    if (!hasEuTheme && euThemes.empty()) {
        euThemes.insert(record::kEuDataThemeUnclassified);
        noteDefault(subject, "dcat:theme defaulted to the EU data theme OP_DATPRO (provisional data) because no "
                             "theme of the record maps to an EU data theme");
    }
    for (const auto& euTheme : euThemes) {
        const record::EuDataTheme* known = record::findEuDataTheme(euTheme);
        add(subject, kDcat + "theme",
            concept(euTheme, record::kEuDataThemeScheme, {{known->labelEn, "en"}, {known->labelNl, "nl"}}));
    }
}

void addSpatial(Node& subject, const RecordView& view) {
    if (auto place = location(view.record)) add(subject, kDct + "spatial", *place);
    // Administrative units (CBS codes): the TOOI URIs name the public bodies (the publishers), not
    // their territory, so each unit is a location of its own identified by its code.
    if (const JsonValue* units = arr(view.properties, "adminUnits"))
        for (const auto& unit : units->GetArray())
            if (unit.IsString() && unit.GetStringLength() > 0) {
                auto place = node("", {kDct + "Location"});
                add(*place, kDct + "identifier", literal(unit.GetString()));
                add(subject, kDct + "spatial", ref(place));
            }
}

void addRightsAndFrequency(Node& subject, const RecordView& view) {
    LicenceChoice licence = licenceOf(view);
    add(subject, kDct + "license", ref(node(licence.iri, {kDct + "LicenseDocument"})));
    if (!licence.note.empty()) noteDefault(subject, licence.note);
    const record::Rights* rights = nullptr;
    if (auto value = view.prop("rights")) rights = record::findRights(*value);
    if (!rights) {
        rights = record::findRights("public");
        noteDefault(subject, "dct:accessRights defaulted to PUBLIC because the record states no known access "
                             "rights (public, restricted, non-public) and this catalogue serves it to anyone");
    }
    add(subject, kDct + "accessRights", ref(node(rights->euAccessRight, {kDct + "RightsStatement"})));
    if (auto frequency = view.prop("updateFrequency"); frequency && isAbsoluteIri(*frequency))
        add(subject, kDct + "accrualPeriodicity", ref(node(*frequency, {kDct + "Frequency"})));
}

// Coordinate reference systems: GeoDCAT-AP 3 geodcat:referenceSystem, and dct:conformsTo (its
// super-property, what DCAT-AP-only readers and GeoDCAT-AP 2 use) to the same dct:Standard.
void addReferenceSystems(Node& subject, const JsonValue& crsList) {
    for (const auto& crs : crsList.GetArray()) {
        if (!crs.IsString() || !isAbsoluteIri(crs.GetString())) continue;
        std::string uri = crs.GetString();
        auto system = node(uri, {kDct + "Standard"});
        add(*system, kDct + "type", iri("http://inspire.ec.europa.eu/glossary/SpatialReferenceSystem"));
        if (auto code = record::epsgCode(uri)) add(*system, kDct + "identifier", literal("EPSG:" + *code));
        add(subject, kGeodcat + "referenceSystem", ref(system));
        add(subject, kDct + "conformsTo", ref(system));
    }
}

}  // namespace

LicenceChoice licenceOf(const RecordView& view) {
    std::optional<std::string> license = view.prop("license");
    if (license) {
        if (const record::Licence* known = record::findLicence(*license)) return {known->nlIri, ""};
        if (auto uri = licenseIri(*license))
            return {*uri, "dct:license is the record's own licence " + *license +
                              ", which is not on the DCAT-AP-NL licence list"};
    }
    return {record::kLicenceUnknown,
            std::string("dct:license defaulted to licentieonbekend (licence unknown) because the record has ") +
                (license ? "no licence that is an SPDX id or an IRI" : "no licence")};
}

void describeResource(Node& subject, const RecordView& view, const std::string& itemUrl, const CatalogInfo& info) {
    const JsonValue* p = view.properties;
    auto title = view.prop("title");
    if (title) add(subject, kDct + "title", view.text(*title));
    if (auto description = view.prop("description")) {
        add(subject, kDct + "description", view.text(*description));
    } else {
        add(subject, kDct + "description", view.text(title ? *title : itemUrl));
        noteDefault(subject, std::string("dct:description defaulted to the ") + (title ? "title" : "record's URL") +
                                 " because the record has no description");
    }
    if (auto id = str(&view.record, "id")) {
        add(subject, kDct + "identifier", literal(*id));
    } else {
        add(subject, kDct + "identifier", literal(itemUrl));
        noteDefault(subject, "dct:identifier defaulted to the record's URL because the record has no id");
    }
    addDate(subject, kDct + "issued", view.prop("created"));
    addDate(subject, kDct + "modified", view.prop("updated"));
    addPublisherAndContacts(subject, view, info);
    addThemes(subject, arr(p, "themes"));
    if (const JsonValue* keywords = arr(p, "keywords"))
        for (const auto& keyword : keywords->GetArray())
            if (keyword.IsString() && keyword.GetStringLength() > 0)
                add(subject, kDcat + "keyword", view.text(keyword.GetString()));
    if (!view.language.empty())
        if (auto language = record::euLanguageIri(view.language); !language.empty())
            add(subject, kDct + "language", ref(node(language, {kDct + "LinguisticSystem"})));
    // The record's page for people (the HTML representation this server serves).
    add(subject, kDcat + "landingPage", document(itemUrl + "?f=html"));
    addSpatial(subject, view);
    if (auto period = temporal(view.record)) add(subject, kDct + "temporal", *period);
    addRightsAndFrequency(subject, view);
    if (const JsonValue* crsList = arr(p, "crs")) addReferenceSystems(subject, *crsList);
    if (const JsonValue* links = arr(&view.record, "links"))
        for (const auto& link : links->GetArray()) {
            auto rel = str(&link, "rel");
            auto href = str(&link, "href");
            if (rel == std::optional<std::string>("describedby") && href && isAbsoluteIri(*href))
                add(subject, kFoaf + "page", document(*href, str(&link, "title")));
        }
}

}  // namespace tweeling::registry::api::dcat::detail
