// Who: properties.publisher and properties.contacts, from publisher, contacts and providers.
#include "adapters/ogc_records/mapper.hpp"
#include "common/text.hpp"

#include <algorithm>

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"

namespace tweeling::federation::adapters::ogc_records {

using common::Json;
using common::JsonValue;

namespace {

std::string roleKey(std::string_view role) {
    std::string key = common::toLowerAscii(common::trim(role));
    std::size_t cut = key.find_last_of("#/:");
    if (cut != std::string::npos) key = key.substr(cut + 1);
    std::string out;
    for (char c : key)
        if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    return out;
}

std::vector<std::string> rolesOf(const JsonValue& contact) {
    std::vector<std::string> out;
    for (const char* name : {"roles", "role"}) {
        const JsonValue* roles = member(contact, name);
        if (!roles) continue;
        if (roles->IsString()) out.push_back(roleKey(text(*roles)));
        if (roles->IsArray())
            for (const auto& role : roles->GetArray())
                if (role.IsString()) out.push_back(roleKey(text(role)));
    }
    return out;
}

std::string firstHttpLink(const JsonValue& object) {
    if (const JsonValue* links = arrayMember(object, "links"))
        for (rapidjson::SizeType i = 0; i < links->Size() && i < kMaxEntries; ++i)
            if (auto href = nonEmptyMember((*links)[i], "href"); href && isHttpUrl(*href)) return *href;
    for (const char* name : {"url", "identifier", "href"})
        if (auto url = nonEmptyMember(object, name); url && isHttpUrl(*url)) return *url;
    if (const JsonValue* info = objectMember(object, "contactInfo"))
        if (const JsonValue* online = objectMember(*info, "onlineResource"))
            if (auto href = nonEmptyMember(*online, "href"); href && isHttpUrl(*href)) return *href;
    return {};
}

Party partyOf(const JsonValue& object, std::string from) {
    Party party;
    party.from = std::move(from);
    party.name = nonEmptyMember(object, "name").value_or("");
    party.organization = nonEmptyMember(object, "organization").value_or("");
    if (party.organization.empty()) party.organization = nonEmptyMember(object, "organizationName").value_or("");
    party.url = firstHttpLink(object);
    if (auto id = nonEmptyMember(object, "id"); id && isHttpUrl(*id)) party.url = *id;
    if (auto email = nonEmptyMember(object, "email")) party.emails.push_back(*email);
    if (const JsonValue* info = objectMember(object, "contactInfo"))
        if (auto email = nonEmptyMember(*info, "email")) party.emails.push_back(*email);
    return party;
}

// pygeoapi: "Team Geo, geo-informatie@zaanstad.nl, Gemeente Zaanstad"
Party partyOfText(std::string_view value) {
    Party party;
    party.from = "properties.providers";
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t comma = value.find(',', start);
        std::string part = common::trim(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (!part.empty()) {
            if (part.find('@') != std::string::npos && !hasWhitespace(part))
                party.emails.push_back(part);
            else if (isHttpUrl(part))
                party.url = part;
            else
                names.push_back(part);
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (names.size() == 1) party.organization = names[0];
    if (names.size() >= 2) {
        party.name = names.front();
        party.organization = names.back();
    }
    return party;
}

bool validEmail(std::string_view email) {
    return std::count(email.begin(), email.end(), '@') == 1 && email.front() != '@' && email.back() != '@' &&
           !hasWhitespace(email);
}

bool isTooi(std::string_view url) {
    return startsWith(url, "https://identifier.overheid.nl/tooi/id/") ||
           startsWith(url, "http://identifier.overheid.nl/tooi/id/");
}

// The providers (pygeoapi: strings "Team, mail@org, Organisation"; STAC: {name, url}) that name
// someone.
std::vector<Party> providersOf(const JsonValue& properties) {
    std::vector<Party> providers;
    if (const JsonValue* list = arrayMember(properties, "providers"))
        for (rapidjson::SizeType i = 0; i < list->Size() && i < kMaxEntries; ++i) {
            const JsonValue& entry = (*list)[i];
            Party party;
            if (entry.IsString()) party = partyOfText(text(entry));
            else if (entry.IsObject()) party = partyOf(entry, "properties.providers");
            if (!party.name.empty() || !party.organization.empty()) providers.push_back(std::move(party));
        }
    return providers;
}

// The publisher: properties.publisher, else the first contact with a publisher-like role (in order of
// preference), else the first provider, else the first contact of any role (`firstAnyRole` set).
std::optional<Party> choosePublisher(const JsonValue& properties, const std::vector<const JsonValue*>& foreignContacts,
                                     const std::vector<Party>& providers, bool& firstAnyRole) {
    std::optional<Party> publisher;
    if (const JsonValue* given = member(properties, "publisher")) {
        if (given->IsObject()) {
            Party party = partyOf(*given, "properties.publisher");
            if (!party.name.empty() || !party.organization.empty()) publisher = party;
        } else if (auto name = nonEmpty(given)) {
            Party party;
            party.organization = *name;
            party.from = "properties.publisher";
            publisher = party;
        }
    }
    if (!publisher) {
        static const char* const kRoles[] = {"publisher",  "pointofcontact", "custodian", "owner",
                                             "originator", "distributor",    "producer",  "resourceprovider"};
        for (const char* wanted : kRoles) {
            for (const JsonValue* contact : foreignContacts) {
                auto roles = rolesOf(*contact);
                if (std::find(roles.begin(), roles.end(), wanted) == roles.end()) continue;
                publisher = partyOf(*contact, "the contact with role " + std::string(wanted));
                break;
            }
            if (publisher) break;
        }
    }
    if (!publisher && !providers.empty()) publisher = providers.front();
    if (!publisher && !foreignContacts.empty()) {
        publisher = partyOf(*foreignContacts.front(), "the first contact");
        firstAnyRole = true;
    }
    return publisher;
}

}  // namespace

// A Records contact as the profile accepts it, or null (no name and no organization).
JsonValue Mapper::normalizeContact(const JsonValue& contact) {
    if (!contact.IsObject()) return JsonValue(rapidjson::kNullType);
    JsonValue out(rapidjson::kObjectType);
    auto name = nonEmptyMember(contact, "name");
    if (!name) name = nonEmptyMember(contact, "individualName");
    auto organization = nonEmptyMember(contact, "organization");
    if (!organization) organization = nonEmptyMember(contact, "organizationName");
    if (!name && !organization) return JsonValue(rapidjson::kNullType);
    if (const JsonValue* identifier = member(contact, "identifier"); identifier && identifier->IsString())
        out.AddMember("identifier", s(text(*identifier)), m_allocator);
    if (name) out.AddMember("name", s(*name), m_allocator);
    if (organization) out.AddMember("organization", s(*organization), m_allocator);
    for (const char* field : {"position", "contactInstructions", "hoursOfService"})
        if (const JsonValue* value = member(contact, field); value && value->IsString())
            out.AddMember(JsonValue(field, m_allocator), s(text(*value)), m_allocator);

    auto valueList = [&](const char* plural, const char* singular, bool email) {
        JsonValue list(rapidjson::kArrayType);
        auto addOne = [&](const JsonValue& entry) {
            std::optional<std::string> value;
            const JsonValue* roles = nullptr;
            if (entry.IsString()) value = common::trim(text(entry));
            if (entry.IsObject()) {
                value = nonEmptyMember(entry, "value");
                roles = arrayMember(entry, "roles");
            }
            if (!value || value->empty() || (email && !validEmail(*value))) return;
            JsonValue item(rapidjson::kObjectType);
            item.AddMember("value", s(*value), m_allocator);
            if (roles) {
                JsonValue roleList(rapidjson::kArrayType);
                for (rapidjson::SizeType i = 0; i < roles->Size() && i < kMaxEntries; ++i)
                    if ((*roles)[i].IsString()) roleList.PushBack(s(text((*roles)[i])), m_allocator);
                item.AddMember("roles", roleList, m_allocator);
            }
            list.PushBack(item, m_allocator);
        };
        if (const JsonValue* values = member(contact, plural)) {
            if (values->IsArray()) {
                for (rapidjson::SizeType i = 0; i < values->Size() && i < kMaxEntries; ++i) addOne((*values)[i]);
            } else {
                addOne(*values);
            }
        }
        if (const JsonValue* value = member(contact, singular)) addOne(*value);
        if (!list.Empty()) out.AddMember(JsonValue(plural, m_allocator), list, m_allocator);
    };
    valueList("emails", "email", true);
    valueList("phones", "phone", false);

    JsonValue links(rapidjson::kArrayType);
    if (const JsonValue* foreign = arrayMember(contact, "links"))
        for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
            JsonValue link = normalizeLink((*foreign)[i], std::string());
            if (!link.IsNull()) links.PushBack(link, m_allocator);
        }
    if (auto url = nonEmptyMember(contact, "url"); url && isHttpUrl(*url)) {
        JsonValue link(rapidjson::kObjectType);
        link.AddMember("href", s(*url), m_allocator);
        link.AddMember("rel", "about", m_allocator);
        links.PushBack(link, m_allocator);
    }
    if (!links.Empty()) out.AddMember("links", links, m_allocator);

    JsonValue roles(rapidjson::kArrayType);
    for (const char* field : {"roles", "role"}) {
        const JsonValue* value = member(contact, field);
        if (!value) continue;
        if (value->IsString() && value->GetStringLength() > 0) roles.PushBack(s(text(*value)), m_allocator);
        if (value->IsArray())
            for (rapidjson::SizeType i = 0; i < value->Size() && i < kMaxEntries; ++i)
                if ((*value)[i].IsString()) roles.PushBack(s(text((*value)[i])), m_allocator);
    }
    if (!roles.Empty()) out.AddMember("roles", roles, m_allocator);
    return out;
}

JsonValue Mapper::contactOf(const Party& party, const char* role) {
    JsonValue contact(rapidjson::kObjectType);
    if (!party.name.empty()) contact.AddMember("name", s(party.name), m_allocator);
    if (!party.organization.empty()) contact.AddMember("organization", s(party.organization), m_allocator);
    JsonValue emails(rapidjson::kArrayType);
    for (const auto& email : party.emails)
        if (validEmail(email)) {
            JsonValue entry(rapidjson::kObjectType);
            entry.AddMember("value", s(email), m_allocator);
            emails.PushBack(entry, m_allocator);
        }
    if (!emails.Empty()) contact.AddMember("emails", emails, m_allocator);
    if (!party.url.empty()) {
        JsonValue links(rapidjson::kArrayType);
        JsonValue link(rapidjson::kObjectType);
        link.AddMember("href", s(party.url), m_allocator);
        link.AddMember("rel", "about", m_allocator);
        links.PushBack(link, m_allocator);
        contact.AddMember("links", links, m_allocator);
    }
    if (role) {
        JsonValue roles(rapidjson::kArrayType);
        roles.PushBack(JsonValue(role, m_allocator), m_allocator);
        contact.AddMember("roles", roles, m_allocator);
    }
    return contact;
}

// The foreign contacts the profile can take (normalizeContact), and in `sources` the foreign contact
// each came from.
JsonValue Mapper::readContacts(std::vector<const JsonValue*>& sources) {
    JsonValue contacts(rapidjson::kArrayType);
    Dropped dropped{"/properties/contacts", "contacts without a name or an organization"};
    if (const JsonValue* foreign = member(*m_props, "contacts")) {
        if (!foreign->IsArray()) {
            warn("/properties/contacts", "'contacts' is not an array; it was ignored.");
        } else {
            for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
                JsonValue contact = normalizeContact((*foreign)[i]);
                if (contact.IsNull()) {
                    dropped.add("entry " + std::to_string(i + 1));
                    continue;
                }
                contacts.PushBack(contact, m_allocator);
                sources.push_back(&(*foreign)[i]);
            }
            if (foreign->Size() > kMaxEntries)
                warn("/properties/contacts", "Only the first " + std::to_string(kMaxEntries) + " contacts were read.");
        }
    }
    report(dropped);
    return contacts;
}

void Mapper::mapPublisherAndContacts() {
    // Contacts as the foreign record gives them.
    std::vector<const JsonValue*> foreignContacts;  // parallel to `contacts`
    JsonValue contacts = readContacts(foreignContacts);
    // Providers (pygeoapi strings, STAC objects).
    const std::vector<Party> providers = providersOf(*m_props);
    // The publisher.
    bool firstAnyRole = false;
    const std::optional<Party> publisher = choosePublisher(*m_props, foreignContacts, providers, firstAnyRole);

    JsonValue publisherJson(rapidjson::kObjectType);
    std::string name, id;
    if (publisher) {
        name = !publisher->organization.empty() ? publisher->organization : publisher->name;
        if (firstAnyRole)
            warn("/properties/publisher", "No contact has a publisher-like role; the first contact ('" + name +
                                              "') is taken as the publisher.");
    } else {
        name = !m_context.sourceId.empty() ? m_context.sourceId : hostOf(m_context.catalogUrl);
        if (name.empty()) name = "unknown";
        warn("/properties/publisher", "The record names no publisher; the harvest source '" + name +
                                          "' is used as its name.");
    }
    // Reuse a twin publisher id as is.
    if (publisher && isHttpUrl(publisher->url)) id = publisher->url;
    if (id.empty()) {
        id = withoutFragment(m_context.catalogUrl) + "#publisher-" + slug(name);
        warn("/properties/publisher/id", "The publisher has no TOOI URI; '" + id +
                                             "' identifies it within this catalog.");
    } else if (!isTooi(id)) {
        warn("/properties/publisher/id",
             "The publisher has no TOOI URI; its web address '" + id + "' is used as its id.");
    }
    publisherJson.AddMember("id", s(id), m_allocator);
    publisherJson.AddMember("name", s(name), m_allocator);
    m_p.AddMember("publisher", publisherJson, m_allocator);

    if (contacts.Empty()) {
        if (!providers.empty()) {
            for (const Party& party : providers) contacts.PushBack(contactOf(party, nullptr), m_allocator);
            warn("/properties/contacts", "The record has no contacts; they were taken from 'providers'.");
        } else {
            Party party = publisher.value_or(Party{});
            if (party.organization.empty() && party.name.empty()) party.organization = name;
            if (!isHttpUrl(party.url) && isHttpUrl(id) && id.find('#') == std::string::npos) party.url = id;
            contacts.PushBack(contactOf(party, "publisher"), m_allocator);
            warn("/properties/contacts", "The record has no contacts; the publisher is given as its contact.");
        }
    }
    m_p.AddMember("contacts", contacts, m_allocator);
}

}  // namespace tweeling::federation::adapters::ogc_records
