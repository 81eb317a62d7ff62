// Who: properties.publisher from dct:publisher (foaf:Agent; DCAT-AP-NL gives TOOI organisation
// IRIs), properties.contacts from dcat:contactPoint (vCard).
#include "adapters/dcat/mapper.hpp"

#include <algorithm>

#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::dcat {

using common::JsonValue;

namespace {

constexpr std::string_view kTooi = "https://identifier.overheid.nl/tooi/id/";

bool validEmail(const std::string& email) {
    return !email.empty() && email.size() <= 254 && std::count(email.begin(), email.end(), '@') == 1 &&
           email.front() != '@' && email.back() != '@' && !hasWhitespace(email);
}

std::string lastSegment(std::string iri) {
    while (!iri.empty() && (iri.back() == '/' || iri.back() == '#')) iri.pop_back();
    std::size_t cut = iri.find_last_of("/#");
    return cut == std::string::npos ? iri : iri.substr(cut + 1);
}

}  // namespace

void Mapper::mapPublisherAndContacts() {
    std::string name, id;
    auto publisher = object(m_node, ns::dct, "publisher");
    if (publisher) {
        for (auto [prefix, local] :
             {std::pair{ns::foaf, "name"}, {ns::skos, "prefLabel"}, {ns::vcard, "fn"}, {ns::rdfs, "label"}})
            if (auto found = text(*publisher, prefix, local); found && found->size() <= 1024) {
                name = *found;
                break;
            }
        id = urlOf(*publisher);
        if (term(*publisher).kind == rdf::TermKind::Literal && name.empty()) {
            name = common::trim(term(*publisher).value).substr(0, 1024);  // a name given as text
            id.clear();
        }
        if (name.empty() && !id.empty()) {
            name = lastSegment(id);
            warn("/properties/publisher/name",
                 "The publisher has no foaf:name; the last part of its IRI ('" + name + "') is used as its name.");
        }
    }
    if (name.empty()) {
        name = !m_context.sourceId.empty() ? m_context.sourceId : hostOf(m_context.catalogUrl);
        if (name.empty()) name = "unknown";
        warn("/properties/publisher", "The resource has no dct:publisher with a name; the harvest source '" + name +
                                          "' is used as its publisher's name.");
    }
    if (id.empty()) {
        id = withoutFragment(m_context.catalogUrl) + "#publisher-" + slug(name);
        warn("/properties/publisher/id",
             "The publisher has no http(s) IRI; '" + id + "' identifies it within this catalog.");
    } else if (!startsWith(id, kTooi)) {
        warn("/properties/publisher/id", "The publisher's IRI '" + id + "' is not a TOOI URI.");
    }
    m_publisherName = name;
    JsonValue out(rapidjson::kObjectType);
    out.AddMember("id", s(id), m_allocator);
    out.AddMember("name", s(name), m_allocator);
    m_p.AddMember("publisher", out, m_allocator);

    JsonValue contacts(rapidjson::kArrayType);
    for (TermId point : objects(m_node, ns::dcat, "contactPoint")) {
        if (contacts.Size() >= 20) break;
        JsonValue contact(rapidjson::kObjectType);
        auto person = text(point, ns::vcard, "fn");
        auto organization = text(point, ns::vcard, "organization-name");
        JsonValue emails(rapidjson::kArrayType), phones(rapidjson::kArrayType), links(rapidjson::kArrayType);
        for (TermId email : objects(point, ns::vcard, "hasEmail")) {
            std::string value = valueOf(email);
            if (startsWith(common::toLowerAscii(value), "mailto:")) value = value.substr(7);
            if (!validEmail(value)) continue;
            JsonValue entry(rapidjson::kObjectType);
            entry.AddMember("value", s(value), m_allocator);
            emails.PushBack(entry, m_allocator);
        }
        for (TermId phone : objects(point, ns::vcard, "hasTelephone")) {
            std::string value = valueOf(phone);
            if (value.empty())  // a vcard:Voice node with its number in vcard:hasValue
                if (auto inner = object(phone, ns::vcard, "hasValue")) value = valueOf(*inner);
            if (startsWith(common::toLowerAscii(value), "tel:")) value = value.substr(4);
            if (value.empty() || value.size() > 64) continue;
            JsonValue entry(rapidjson::kObjectType);
            entry.AddMember("value", s(value), m_allocator);
            phones.PushBack(entry, m_allocator);
        }
        for (TermId url : objects(point, ns::vcard, "hasURL")) {
            std::string value = urlOf(url);
            if (value.empty()) continue;
            JsonValue entry(rapidjson::kObjectType);
            entry.AddMember("href", s(value), m_allocator);
            entry.AddMember("rel", "about", m_allocator);
            links.PushBack(entry, m_allocator);
        }
        if (person && person->size() <= 1024) contact.AddMember("name", s(*person), m_allocator);
        if (organization && organization->size() <= 1024)
            contact.AddMember("organization", s(*organization), m_allocator);
        if (!contact.HasMember("name") && !contact.HasMember("organization")) {
            // A contact point without a name (the HVD example gives only a service desk URL): the
            // publisher's name, so that the way to reach someone is kept.
            if (emails.Empty() && phones.Empty() && links.Empty()) continue;
            contact.AddMember("organization", s(m_publisherName), m_allocator);
        }
        if (!emails.Empty()) contact.AddMember("emails", emails, m_allocator);
        if (!phones.Empty()) contact.AddMember("phones", phones, m_allocator);
        if (!links.Empty()) contact.AddMember("links", links, m_allocator);
        JsonValue roles(rapidjson::kArrayType);
        roles.PushBack("pointOfContact", m_allocator);
        contact.AddMember("roles", roles, m_allocator);
        contacts.PushBack(contact, m_allocator);
    }
    if (contacts.Empty()) {
        JsonValue contact(rapidjson::kObjectType);
        contact.AddMember("organization", s(m_publisherName), m_allocator);
        JsonValue roles(rapidjson::kArrayType);
        roles.PushBack("publisher", m_allocator);
        contact.AddMember("roles", roles, m_allocator);
        contacts.PushBack(contact, m_allocator);
        warn("/properties/contacts", "The resource has no dcat:contactPoint; the publisher is given as its contact.");
    }
    m_p.AddMember("contacts", contacts, m_allocator);
}

}  // namespace tweeling::federation::adapters::dcat
