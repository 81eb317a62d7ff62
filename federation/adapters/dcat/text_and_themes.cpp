// What the resource says about itself in words: title, description (Dutch, else English, else
// untagged), keywords, and themes: every dcat:theme concept in its own scheme, plus the twin themes
// its keywords and theme labels name.
#include "adapters/dcat/mapper.hpp"

#include <algorithm>
#include <map>

#include "adapters/text.hpp"
#include "adapters/url.hpp"

namespace tweeling::federation::adapters::dcat {

using common::JsonValue;

namespace {

constexpr std::string_view kEuDataThemes = "http://publications.europa.eu/resource/authority/data-theme/";

// A concept IRI's scheme and id: the IRI up to its last '/' or '#', and what follows.
std::pair<std::string, std::string> schemeAndId(const std::string& iri) {
    std::string trimmed = iri;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    std::size_t cut = trimmed.find_last_of("/#");
    if (cut == std::string::npos || cut + 1 >= trimmed.size()) return {iri, iri};
    return {trimmed.substr(0, cut), trimmed.substr(cut + 1)};
}

}  // namespace

void Mapper::mapTitleAndDescription() {
    auto title = text(m_node, ns::dct, "title");
    if (!title) {
        reject("/properties/title", "The resource has no dct:title; a record nobody can recognise is not useful.");
        title = std::string();
    }
    m_title = *title;
    m_p.AddMember("title", s(m_title), m_allocator);
    auto description = text(m_node, ns::dct, "description");
    if (!description) {
        warn("/properties/description", "The resource has no dct:description; its title is used.");
        description = m_title;
    }
    m_p.AddMember("description", s(*description), m_allocator);
}

void Mapper::mapThemesAndKeywords() {
    std::vector<std::string> keywords = texts(m_node, ns::dcat, "keyword");
    std::vector<std::string> twinThemes;
    for (const auto& keyword : keywords) addTwinThemesNamedIn(keyword, twinThemes);

    // Concepts by scheme, in the order the schemes first appear.
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> schemes;
    for (TermId id : objects(m_node, ns::dcat, "theme")) {
        std::string iri = iriOf(id);
        if (iri.empty() || iri.size() > 4096 || !isUri(iri)) continue;
        // Named, not a structured binding: C++17 lets no lambda capture a binding (clang refuses).
        auto split = schemeAndId(iri);
        std::string scheme = std::move(split.first);
        const std::string conceptId = std::move(split.second);
        if (startsWith(iri, kEuDataThemes)) scheme = std::string(kEuDataThemes.substr(0, kEuDataThemes.size() - 1));
        auto entry = std::find_if(schemes.begin(), schemes.end(), [&](const auto& e) { return e.first == scheme; });
        if (entry == schemes.end()) entry = schemes.insert(schemes.end(), {scheme, {}});
        entry->second.emplace_back(conceptId, iri);
        if (auto label = text(id, ns::skos, "prefLabel")) addTwinThemesNamedIn(*label, twinThemes);
        addTwinThemesNamedIn(conceptId, twinThemes);
    }

    JsonValue themes(rapidjson::kArrayType);
    if (!twinThemes.empty()) themes.PushBack(twinThemeScheme(twinThemes, m_allocator), m_allocator);
    for (auto& [scheme, concepts] : schemes) {
        JsonValue list(rapidjson::kArrayType);
        for (auto& [id, iri] : concepts) {
            JsonValue item(rapidjson::kObjectType);
            item.AddMember("id", s(id), m_allocator);
            item.AddMember("url", s(iri), m_allocator);
            if (auto label = text(*m_graph.findIri(iri), ns::skos, "prefLabel"); label && label->size() <= 1024)
                item.AddMember("title", s(*label), m_allocator);
            list.PushBack(item, m_allocator);
        }
        JsonValue theme(rapidjson::kObjectType);
        theme.AddMember("scheme", s(scheme), m_allocator);
        theme.AddMember("concepts", list, m_allocator);
        themes.PushBack(theme, m_allocator);
    }
    if (twinThemes.empty())
        warn("/properties/themes",
             "No twin theme is named by the resource's keywords or themes; it will not be found by a twin theme "
             "search.");
    if (!themes.Empty()) m_p.AddMember("themes", themes, m_allocator);
    if (!keywords.empty()) {
        JsonValue list(rapidjson::kArrayType);
        for (const auto& keyword : keywords) list.PushBack(s(keyword), m_allocator);
        m_p.AddMember("keywords", list, m_allocator);
    }
}

}  // namespace tweeling::federation::adapters::dcat
