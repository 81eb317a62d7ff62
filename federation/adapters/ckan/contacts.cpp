// Who: properties.publisher from the organization, properties.contacts from maintainer and author.
#include "adapters/ckan/mapper.hpp"

#include <algorithm>

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/url.hpp"

namespace tweeling::federation::adapters::ckan {

using common::JsonValue;

namespace {

bool validEmail(const std::string& email) {
    return email.size() <= 254 && std::count(email.begin(), email.end(), '@') == 1 && email.front() != '@' &&
           email.back() != '@' && !hasWhitespace(email);
}

}  // namespace

void Mapper::mapPublisherAndContacts() {
    std::string name, id;
    if (const JsonValue* organization = objectMember(m_in, "organization")) {
        auto orgName = nonEmptyMember(*organization, "name");
        auto orgTitle = nonEmptyMember(*organization, "title");
        name = orgTitle ? *orgTitle : orgName.value_or("");
        std::string base = baseOf(m_context.catalogUrl);
        if (orgName && isHttpUrl(base))
            id = base + "/organization/" + common::percentEncode(*orgName, common::percent::kUnreserved);
    }
    if (name.empty()) {
        name = !m_context.sourceId.empty() ? m_context.sourceId : hostOf(m_context.catalogUrl);
        if (name.empty()) name = "unknown";
        warn("/properties/publisher", "The package has no organization; the harvest source '" + name +
                                          "' is used as its publisher's name.");
    }
    if (id.empty()) {
        id = withoutFragment(m_context.catalogUrl) + "#publisher-" + slug(name);
        warn("/properties/publisher/id", "The publisher has no TOOI URI; '" + id + "' identifies it within this catalog.");
    } else {
        warn("/properties/publisher/id",
             "The publisher has no TOOI URI; its organization page '" + id + "' is used as its id.");
    }
    JsonValue publisher(rapidjson::kObjectType);
    publisher.AddMember("id", s(id), m_allocator);
    publisher.AddMember("name", s(name), m_allocator);
    m_p.AddMember("publisher", publisher, m_allocator);

    JsonValue contacts(rapidjson::kArrayType);
    auto addContact = [&](const char* nameField, const char* emailField, const char* role) {
        auto person = nonEmptyMember(m_in, nameField);
        auto email = nonEmptyMember(m_in, emailField);
        if (email && !validEmail(*email)) email.reset();
        if (!person && !email) return;
        if (person && person->size() > 1024) person = person->substr(0, 1024);
        JsonValue contact(rapidjson::kObjectType);
        contact.AddMember("name", s(person ? *person : *email), m_allocator);
        if (email) {
            JsonValue emails(rapidjson::kArrayType);
            JsonValue entry(rapidjson::kObjectType);
            entry.AddMember("value", s(*email), m_allocator);
            emails.PushBack(entry, m_allocator);
            contact.AddMember("emails", emails, m_allocator);
        }
        JsonValue roles(rapidjson::kArrayType);
        roles.PushBack(JsonValue(role, m_allocator), m_allocator);
        contact.AddMember("roles", roles, m_allocator);
        contacts.PushBack(contact, m_allocator);
    };
    addContact("maintainer", "maintainer_email", "pointOfContact");
    addContact("author", "author_email", "author");
    if (contacts.Empty()) {
        JsonValue contact(rapidjson::kObjectType);
        contact.AddMember("organization", s(name), m_allocator);
        JsonValue roles(rapidjson::kArrayType);
        roles.PushBack("publisher", m_allocator);
        contact.AddMember("roles", roles, m_allocator);
        contacts.PushBack(contact, m_allocator);
        warn("/properties/contacts", "The package names no maintainer or author; the publisher is given as its contact.");
    }
    m_p.AddMember("contacts", contacts, m_allocator);
}

}  // namespace tweeling::federation::adapters::ckan
