// Who: properties.publisher and properties.contacts from the record's CI_ResponsibleParty elements
// (the resource's points of contact first, then the metadata's contact).
#include "adapters/csw/mapper.hpp"

#include <algorithm>

#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::csw {

using common::JsonValue;
using xml::Element;
namespace ns = xml::ns;

namespace {

struct Party {
    std::string organisation, organisationHref, individual, position, email, url, role;
};

bool validEmail(const std::string& email) {
    return email.size() <= 254 && std::count(email.begin(), email.end(), '@') == 1 && email.front() != '@' &&
           email.back() != '@' && !hasWhitespace(email);
}

Party partyOf(const Element& party) {
    Party out;
    out.organisation = characterString(party.child(ns::kGmd, "organisationName")).substr(0, 1024);
    out.organisationHref = anchorHref(party.child(ns::kGmd, "organisationName"));
    out.individual = characterString(party.child(ns::kGmd, "individualName")).substr(0, 1024);
    out.position = characterString(party.child(ns::kGmd, "positionName")).substr(0, 1024);
    Element contact = party.path({{ns::kGmd, "contactInfo"}, {ns::kGmd, "CI_Contact"}});
    out.email = characterString(
        contact.path({{ns::kGmd, "address"}, {ns::kGmd, "CI_Address"}, {ns::kGmd, "electronicMailAddress"}}));
    if (!validEmail(out.email)) out.email.clear();
    out.url = characterString(
        contact.path({{ns::kGmd, "onlineResource"}, {ns::kGmd, "CI_OnlineResource"}, {ns::kGmd, "linkage"}}));
    if (!isHttpUrl(out.url) || out.url.size() > 4096) out.url.clear();
    out.role = codeValue(party.child(ns::kGmd, "role")).substr(0, 64);
    return out;
}

// The roles that make a party the publisher, most telling first.
constexpr const char* kPublisherRoles[] = {"publisher",   "owner",      "custodian",
                                           "distributor", "originator", "pointOfContact"};

}  // namespace

void Mapper::mapPublisherAndContacts() {
    std::vector<Party> parties;
    for (const Element& property : m_ident.children(ns::kGmd, "pointOfContact", kMaxEntries))
        if (Element party = property.child(ns::kGmd, "CI_ResponsibleParty")) parties.push_back(partyOf(party));
    for (const Element& property : m_in.children(ns::kGmd, "contact", kMaxEntries))
        if (Element party = property.child(ns::kGmd, "CI_ResponsibleParty")) parties.push_back(partyOf(party));

    const Party* publisher = nullptr;
    for (const char* role : kPublisherRoles) {
        for (const Party& party : parties)
            if (party.role == role && !party.organisation.empty()) {
                publisher = &party;
                break;
            }
        if (publisher) break;
    }
    if (!publisher)
        for (const Party& party : parties)
            if (!party.organisation.empty()) {
                publisher = &party;
                break;
            }
    std::string name = publisher ? publisher->organisation : std::string();
    std::string id;
    if (publisher) id = isHttpUrl(publisher->organisationHref) ? publisher->organisationHref : publisher->url;
    if (name.empty()) {
        name = !m_context.sourceId.empty() ? m_context.sourceId : hostOf(m_context.catalogUrl);
        if (name.empty()) name = "unknown";
        warn("/properties/publisher", "The record names no organisation (gmd:organisationName); the harvest source '" +
                                          name + "' is used as its publisher's name.");
    }
    if (id.empty()) {
        id = withoutFragment(m_context.catalogUrl) + "#publisher-" + slug(name);
        warn("/properties/publisher/id",
             "The publisher has no TOOI URI; '" + id + "' identifies it within this catalog.");
    } else if (id.rfind("https://identifier.overheid.nl/tooi/", 0) != 0) {
        warn("/properties/publisher/id", "The publisher has no TOOI URI; '" + id + "' is used as its id.");
    }
    JsonValue value(rapidjson::kObjectType);
    value.AddMember("id", s(id), m_allocator);
    value.AddMember("name", s(name), m_allocator);
    m_p.AddMember("publisher", value, m_allocator);

    JsonValue contacts(rapidjson::kArrayType);
    std::vector<std::string> seen;
    for (const Party& party : parties) {
        if (party.organisation.empty() && party.individual.empty() && party.email.empty()) continue;
        std::string key = party.organisation + "\n" + party.individual + "\n" + party.email + "\n" + party.role;
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        JsonValue contact(rapidjson::kObjectType);
        if (!party.individual.empty()) contact.AddMember("name", s(party.individual), m_allocator);
        if (!party.organisation.empty()) contact.AddMember("organization", s(party.organisation), m_allocator);
        if (party.individual.empty() && party.organisation.empty())
            contact.AddMember("name", s(party.email), m_allocator);
        if (!party.position.empty()) contact.AddMember("position", s(party.position), m_allocator);
        if (!party.email.empty()) {
            JsonValue emails(rapidjson::kArrayType);
            JsonValue entry(rapidjson::kObjectType);
            entry.AddMember("value", s(party.email), m_allocator);
            emails.PushBack(entry, m_allocator);
            contact.AddMember("emails", emails, m_allocator);
        }
        if (!party.url.empty()) {
            JsonValue links(rapidjson::kArrayType);
            JsonValue link(rapidjson::kObjectType);
            link.AddMember("href", s(party.url), m_allocator);
            link.AddMember("rel", "about", m_allocator);
            links.PushBack(link, m_allocator);
            contact.AddMember("links", links, m_allocator);
        }
        if (!party.role.empty()) {
            JsonValue roles(rapidjson::kArrayType);
            roles.PushBack(s(party.role), m_allocator);
            contact.AddMember("roles", roles, m_allocator);
        }
        contacts.PushBack(contact, m_allocator);
    }
    if (contacts.Empty()) {
        JsonValue contact(rapidjson::kObjectType);
        contact.AddMember("organization", s(name), m_allocator);
        JsonValue roles(rapidjson::kArrayType);
        roles.PushBack("publisher", m_allocator);
        contact.AddMember("roles", roles, m_allocator);
        contacts.PushBack(contact, m_allocator);
        warn("/properties/contacts", "The record names no responsible party; the publisher is given as its contact.");
    }
    m_p.AddMember("contacts", contacts, m_allocator);
}

}  // namespace tweeling::federation::adapters::csw
