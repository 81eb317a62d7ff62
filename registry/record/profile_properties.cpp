#include "record/profile_walk.hpp"

#include <algorithm>
#include <string_view>

#include "record/identifiers.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::registry::record::checks {

void Walk::publisher(const JsonValue& value, const std::string& at) {
    if (!isObject(value, at)) return;
    if (const JsonValue* id = required(value, at, "id"))
        httpUrl(*id, child(at, "id"), "https://identifier.overheid.nl/tooi/id/gemeente/gm0363");
    if (const JsonValue* name = required(value, at, "name")) isString(*name, child(at, "name"));
}

void Walk::contacts(const JsonValue& value, const std::string& at) {
    if (!isArray(value, at, 1)) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const JsonValue& contact = value[i];
        const std::string contactAt = child(at, i);
        if (!isObject(contact, contactAt)) continue;
        const JsonValue* name = common::member(contact, "name");
        const JsonValue* organization = common::member(contact, "organization");
        if (!name && !organization) add(contactAt, "A contact needs a 'name' or an 'organization'.");
        if (name) isString(*name, child(contactAt, "name"));
        if (organization) isString(*organization, child(contactAt, "organization"));
        optionalString(contact, contactAt, "position");
        if (const JsonValue* emails = common::member(contact, "emails")) {
            const std::string emailsAt = child(contactAt, "emails");
            if (isArray(*emails, emailsAt)) {
                for (rapidjson::SizeType e = 0; e < emails->Size(); ++e) {
                    const std::string emailAt = child(emailsAt, e);
                    if (!isObject((*emails)[e], emailAt)) continue;
                    const JsonValue* address = required((*emails)[e], emailAt, "value");
                    if (address && isString(*address, child(emailAt, "value")) &&
                        std::count(address->GetString(), address->GetString() + address->GetStringLength(), '@') !=
                            1)
                        add(child(emailAt, "value"), quoted(text(*address)) + " is not an e-mail address.");
                }
            }
        }
        if (const JsonValue* contactLinks = common::member(contact, "links"))
            links(*contactLinks, child(contactAt, "links"));
        if (const JsonValue* roles = common::member(contact, "roles"))
            stringList(*roles, child(contactAt, "roles"));
    }
}

void Walk::themes(const JsonValue& value, const std::string& at) {
    if (!isArray(value, at, 1)) return;
    bool twinScheme = false;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const JsonValue& theme = value[i];
        const std::string themeAt = child(at, i);
        if (!isObject(theme, themeAt)) continue;
        const JsonValue* scheme = required(theme, themeAt, "scheme");
        bool isTwin = false;
        if (scheme && isString(*scheme, child(themeAt, "scheme"))) isTwin = text(*scheme) == kTwinThemeScheme;
        twinScheme = twinScheme || isTwin;
        const JsonValue* concepts = required(theme, themeAt, "concepts");
        const std::string conceptsAt = child(themeAt, "concepts");
        if (!concepts || !isArray(*concepts, conceptsAt, 1)) continue;
        for (rapidjson::SizeType c = 0; c < concepts->Size(); ++c) {
            const std::string conceptAt = child(conceptsAt, c);
            if (!isObject((*concepts)[c], conceptAt)) continue;
            const JsonValue* id = required((*concepts)[c], conceptAt, "id");
            if (!id) continue;
            if (isTwin)
                oneOf(*id, child(conceptAt, "id"), kTwinThemes, "a twin theme");
            else
                isString(*id, child(conceptAt, "id"));
        }
    }
    if (!twinScheme)
        add(at, std::string("Add at least one twin theme: a theme with scheme ") + kTwinThemeScheme +
                    " and concepts such as buildings, heat-stress or flooding.");
}

void Walk::adminUnits(const JsonValue& value, const std::string& at) {
    if (!isArray(value, at, 1)) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const std::string unitAt = child(at, i);
        if (!isString(value[i], unitAt)) continue;
        if (!isAdminUnit(text(value[i])))
            add(unitAt, quoted(text(value[i])) +
                            " is not a CBS code; use GM and four digits for a municipality (GM0363), PV and two "
                            "digits for a province (PV27), or WS and four digits for a water board (WS0155).");
    }
}

void Walk::crs(const JsonValue& value, const std::string& at) {
    if (!isArray(value, at, 1)) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const std::string crsAt = child(at, i);
        if (!isString(value[i], crsAt)) continue;
        std::string_view uri = text(value[i]);
        if (isEpsgUri(uri)) continue;
        std::string example = "7415";
        std::size_t colon = uri.rfind(':');
        if (colon != std::string_view::npos && !uri.substr(colon + 1).empty() &&
            digitsOnly(uri.substr(colon + 1), uri.size() - colon - 1))
            example = std::string(uri.substr(colon + 1));
        add(crsAt, quoted(uri) + " is not an EPSG URI; write it as " + kEpsgUriPrefix + example + ".");
    }
}

void Walk::distributions(const JsonValue& value, const std::string& at) {
    if (!isArray(value, at, 1)) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const JsonValue& distribution = value[i];
        const std::string distAt = child(at, i);
        if (!isObject(distribution, distAt)) continue;
        if (const JsonValue* href = required(distribution, distAt, "href"))
            httpUrl(*href, child(distAt, "href"), "https://data.3dbag.nl/v20240420/3dtiles/lod22/tileset.json");
        if (const JsonValue* format = required(distribution, distAt, "format"))
            oneOf(*format, child(distAt, "format"), kFormats, "a known format");
        if (const JsonValue* version = required(distribution, distAt, "formatVersion"))
            isString(*version, child(distAt, "formatVersion"));
        if (const JsonValue* mediaType = required(distribution, distAt, "mediaType"))
            isString(*mediaType, child(distAt, "mediaType"));
        optionalString(distribution, distAt, "title");
        if (const JsonValue* byteSize = common::member(distribution, "byteSize")) {
            const std::string sizeAt = child(distAt, "byteSize");
            if (!byteSize->IsNumber())
                add(sizeAt, "'byteSize' must be a number of bytes, not " + kindOf(*byteSize) + ".");
            else if (!byteSize->IsInt64() && !byteSize->IsUint64())
                add(sizeAt, "'byteSize' must be a whole number of bytes, not " + common::toString(*byteSize) + ".");
            else if (byteSize->IsInt64() && byteSize->GetInt64() < 0)
                add(sizeAt, "'byteSize' must not be negative.");
        }
        if (const JsonValue* checksum = common::member(distribution, "checksum")) {
            const std::string checksumAt = child(distAt, "checksum");
            if (isObject(*checksum, checksumAt)) {
                if (const JsonValue* algorithm = required(*checksum, checksumAt, "algorithm"))
                    isString(*algorithm, child(checksumAt, "algorithm"));
                if (const JsonValue* digest = required(*checksum, checksumAt, "value"))
                    isString(*digest, child(checksumAt, "value"));
            }
        }
    }
}

void Walk::lod(const JsonValue& value, const std::string& at) {
    if (!isArray(value, at, 1)) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        const std::string lodAt = child(at, i);
        if (value[i].IsNumber()) {
            add(lodAt, "Levels of detail are strings: write \"" + common::toString(value[i]) + "\" in quotes.");
            continue;
        }
        oneOf(value[i], lodAt, kLods, "a CityJSON level of detail");
    }
}

void Walk::lineage(const JsonValue& value, const std::string& at, bool simulation) {
    if (!isObject(value, at)) return;
    for (const char* name : {"model", "version", "scenario"}) {
        const JsonValue* member = simulation ? required(value, at, name) : common::member(value, name);
        if (member) isString(*member, child(at, name));
    }
    if (const JsonValue* runDate = simulation ? required(value, at, "runDate") : common::member(value, "runDate"))
        date(*runDate, child(at, "runDate"));
    if (const JsonValue* sources = common::member(value, "sources")) {
        const std::string sourcesAt = child(at, "sources");
        if (!isArray(*sources, sourcesAt)) return;
        for (rapidjson::SizeType i = 0; i < sources->Size(); ++i) {
            const std::string sourceAt = child(sourcesAt, i);
            if (!isObject((*sources)[i], sourceAt)) continue;
            if (const JsonValue* title = required((*sources)[i], sourceAt, "title"))
                isString(*title, child(sourceAt, "title"));
            if (const JsonValue* href = common::member((*sources)[i], "href"))
                httpUrl(*href, child(sourceAt, "href"), "https://www.ahn.nl/");
        }
    }
}

void Walk::properties(const JsonValue& value, const std::string& at) {
    if (!value.IsObject()) {
        add(at,
            "'properties' must be an object holding the twin members (title, themes, distributions, ...), not " +
                kindOf(value) + ".");
        return;
    }
    const JsonValue* type = required(value, at, "type");
    bool simulation = false;
    if (type && oneOf(*type, child(at, "type"), kRecordTypes, "a record type"))
        simulation = text(*type) == "simulation-result";
    if (const JsonValue* title = required(value, at, "title")) isString(*title, child(at, "title"));
    if (const JsonValue* description = required(value, at, "description"))
        isString(*description, child(at, "description"));
    if (const JsonValue* member = required(value, at, "publisher")) publisher(*member, child(at, "publisher"));
    if (const JsonValue* member = required(value, at, "contacts")) contacts(*member, child(at, "contacts"));
    if (const JsonValue* member = required(value, at, "themes")) themes(*member, child(at, "themes"));
    if (const JsonValue* member = required(value, at, "adminUnits")) adminUnits(*member, child(at, "adminUnits"));
    if (const JsonValue* member = required(value, at, "crs")) crs(*member, child(at, "crs"));
    if (const JsonValue* member = required(value, at, "updated")) pastDate(*member, child(at, "updated"));
    if (const JsonValue* member = required(value, at, "license")) isString(*member, child(at, "license"));
    if (const JsonValue* member = required(value, at, "rights"))
        oneOf(*member, child(at, "rights"), kRightsValues, "a known kind of rights");
    if (const JsonValue* member = required(value, at, "distributions"))
        distributions(*member, child(at, "distributions"));

    if (const JsonValue* member = common::member(value, "created")) pastDate(*member, child(at, "created"));
    if (const JsonValue* member = common::member(value, "keywords")) stringList(*member, child(at, "keywords"));
    if (const JsonValue* member = common::member(value, "language")) {
        const std::string languageAt = child(at, "language");
        if (isObject(*member, languageAt))
            if (const JsonValue* code = required(*member, languageAt, "code"))
                isString(*code, child(languageAt, "code"));
    }
    if (const JsonValue* member = common::member(value, "lod")) lod(*member, child(at, "lod"));
    if (const JsonValue* member = common::member(value, "accuracy")) {
        if (!member->IsNumber() && !member->IsString() && !member->IsObject())
            add(child(at, "accuracy"),
                "'accuracy' must be a number, a string or an object, not " + kindOf(*member) + ".");
    }
    if (const JsonValue* member = common::member(value, "updateFrequency"))
        httpUrl(*member, child(at, "updateFrequency"),
                "http://publications.europa.eu/resource/authority/frequency/ANNUAL");
    const JsonValue* lineageMember = simulation ? required(value, at, "lineage") : common::member(value, "lineage");
    if (lineageMember) lineage(*lineageMember, child(at, "lineage"), simulation);
}

}  // namespace tweeling::registry::record::checks
