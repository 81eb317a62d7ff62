// What the record says about itself in words: title, abstract, keywords, and themes: the concepts
// of GEMET and INSPIRE thesauri under their scheme, and the twin themes named by any keyword.
#include "adapters/csw/mapper.hpp"

#include <algorithm>
#include <vector>

#include "adapters/text.hpp"
#include "common/text.hpp"

namespace tweeling::federation::adapters::csw {

using common::JsonValue;
using xml::Element;
namespace ns = xml::ns;

void Mapper::mapTitleAndDescription() {
    Element citation = m_ident.path({{ns::kGmd, "citation"}, {ns::kGmd, "CI_Citation"}});
    m_title = characterString(citation.child(ns::kGmd, "title"));
    if (m_title.empty())
        reject("/properties/title",
               "The record has no title (gmd:citation/gmd:CI_Citation/gmd:title); a record "
               "nobody can recognise is not useful.");
    m_p.AddMember("title", s(m_title), m_allocator);
    std::string description = characterString(m_ident.child(ns::kGmd, "abstract"));
    if (description.empty()) {
        warn("/properties/description", "The record has no gmd:abstract; its title is used.");
        description = m_title;
    }
    m_p.AddMember("description", s(description), m_allocator);
}

namespace {

// A thesaurus whose keywords are concepts of a known scheme: GEMET (its INSPIRE themes included).
struct Scheme {
    const char* word;  // in the thesaurus title's wordsOf form
    const char* uri;   // when the title has no gmx:Anchor
};
constexpr Scheme kSchemes[] = {
    {" inspire ", "http://inspire.ec.europa.eu/theme"},
    {" gemet ", "http://www.eionet.europa.eu/gemet/"},
};

struct Concept {
    std::string id, title;
};

}  // namespace

void Mapper::mapThemesAndKeywords() {
    std::vector<std::string> keywords, twinThemes;
    JsonValue themes(rapidjson::kArrayType);
    std::size_t blocks = 0;
    for (const Element& descriptive : m_ident.children(ns::kGmd, "descriptiveKeywords", kMaxEntries)) {
        Element block = descriptive.child(ns::kGmd, "MD_Keywords");
        if (!block) continue;
        ++blocks;
        Element thesaurus = block.path({{ns::kGmd, "thesaurusName"}, {ns::kGmd, "CI_Citation"}, {ns::kGmd, "title"}});
        std::string thesaurusTitle = characterString(thesaurus);
        std::string scheme;
        const std::string words = wordsOf(thesaurusTitle);
        for (const Scheme& known : kSchemes)
            if (words.find(known.word) != std::string::npos) {
                scheme = anchorHref(thesaurus);
                if (!isUri(scheme)) scheme = known.uri;
                break;
            }
        std::vector<Concept> concepts;
        for (const Element& keyword : block.children(ns::kGmd, "keyword", kMaxEntries)) {
            std::string value = characterString(keyword);
            if (value.empty() || value.size() > 256) continue;
            addTwinThemesNamedIn(value, twinThemes);
            if (scheme.empty()) {
                if (std::find(keywords.begin(), keywords.end(), value) == keywords.end()) keywords.push_back(value);
                continue;
            }
            std::string href = anchorHref(keyword);
            Concept concept {isUri(href) ? href : value, value};
            if (std::none_of(concepts.begin(), concepts.end(), [&](const Concept& c) { return c.id == concept.id; }))
                concepts.push_back(std::move(concept));
        }
        if (concepts.empty()) continue;
        // One theme per scheme: a second block of the same thesaurus adds to it.
        JsonValue* theme = nullptr;
        for (auto& existing : themes.GetArray())
            if (existing["scheme"].GetString() == scheme) theme = &existing;
        if (!theme) {
            JsonValue entry(rapidjson::kObjectType);
            entry.AddMember("scheme", s(scheme), m_allocator);
            entry.AddMember("concepts", JsonValue(rapidjson::kArrayType), m_allocator);
            themes.PushBack(entry, m_allocator);
            theme = &themes[themes.Size() - 1];
        }
        for (const Concept& concept : concepts) {
            JsonValue entry(rapidjson::kObjectType);
            entry.AddMember("id", s(concept.id), m_allocator);
            if (concept.title != concept.id) entry.AddMember("title", s(concept.title), m_allocator);
            (*theme)["concepts"].PushBack(entry, m_allocator);
        }
    }
    if (blocks >= kMaxEntries)
        warn("/properties/keywords",
             "Only the first " + std::to_string(kMaxEntries) + " gmd:descriptiveKeywords were read.");
    // The title names a twin theme too ("3D-gebouwen Rotterdam").
    addTwinThemesNamedIn(m_title, twinThemes);
    if (!twinThemes.empty()) themes.PushBack(twinThemeScheme(twinThemes, m_allocator), m_allocator);
    if (twinThemes.empty())
        warn("/properties/themes",
             "No twin theme is named by the record's keywords or title; it will not be found "
             "by a twin theme search.");
    if (!themes.Empty()) m_p.AddMember("themes", themes, m_allocator);
    if (!keywords.empty()) {
        JsonValue list(rapidjson::kArrayType);
        for (const auto& keyword : keywords) list.PushBack(s(keyword), m_allocator);
        m_p.AddMember("keywords", list, m_allocator);
    }
}

}  // namespace tweeling::federation::adapters::csw
