// What the package says about itself in words: title, description, keywords (tags and groups), and
// the twin themes named by a tag or group.
#include "adapters/ckan/mapper.hpp"

#include <algorithm>
#include <vector>

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "common/text.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::federation::adapters::ckan {

using common::JsonValue;

namespace {

// CKAN tags and groups of Dutch portals that name a twin theme and that the vocabulary's search
// terms (record/vocabulary.hpp) do not catch; matched as whole words, like the search terms.
struct ThemeWord {
    const char* word;   // in wordsOf form: " word "
    const char* theme;  // a twin theme id
};
constexpr ThemeWord kCkanThemeWords[] = {
    {" bebouwing ", "buildings"},
    {" wonen ", "housing"},
    {" ruimte en infrastructuur ", "spatial-planning"},
    {" verkeer en vervoer ", "mobility"},
    {" natuur en milieu ", "vegetation"},
    {" riolering ", "subsurface"},
};

void themesIn(std::string_view value, std::vector<std::string>& themes) {
    addTwinThemesNamedIn(value, themes);
    if (value.size() > 4096) value = value.substr(0, 4096);
    const std::string words = wordsOf(value);
    for (const ThemeWord& entry : kCkanThemeWords)
        if (words.find(entry.word) != std::string::npos &&
            std::find(themes.begin(), themes.end(), entry.theme) == themes.end())
            themes.emplace_back(entry.theme);
}

void addKeyword(std::vector<std::string>& keywords, std::string value) {
    value = common::trim(value);
    if (!value.empty() && std::find(keywords.begin(), keywords.end(), value) == keywords.end())
        keywords.push_back(std::move(value));
}

}  // namespace

void Mapper::mapTitleAndDescription() {
    auto title = nonEmptyMember(m_in, "title");
    if (!title) {
        reject("/properties/title", "The package has no title; a record nobody can recognise is not useful.");
        title = std::string();
    }
    m_title = *title;
    m_p.AddMember("title", s(m_title), m_allocator);
    auto description = nonEmptyMember(m_in, "notes");
    if (!description) {
        warn("/properties/description", "The package has no description ('notes'); its title is used.");
        description = m_title;
    }
    m_p.AddMember("description", s(*description), m_allocator);
}

void Mapper::mapThemesAndKeywords() {
    std::vector<std::string> keywords;
    std::vector<std::string> themes;
    auto read = [&](const char* name, const char* first, const char* second) {
        const JsonValue* list = member(m_in, name);
        if (!list) return;
        if (!list->IsArray()) {
            warn("/properties/keywords", "'" + std::string(name) + "' is not an array; it was ignored.");
            return;
        }
        for (rapidjson::SizeType i = 0; i < list->Size() && i < kMaxEntries; ++i) {
            const JsonValue& entry = (*list)[i];
            std::optional<std::string> word = entry.IsString() ? nonEmpty(&entry) : nonEmptyMember(entry, first);
            if (!word && entry.IsObject()) word = nonEmptyMember(entry, second);
            if (!word || word->size() > 256) continue;
            addKeyword(keywords, *word);
            themesIn(*word, themes);
            // A group's machine name ("gebouwen") may name a theme its title does not.
            if (entry.IsObject())
                if (auto other = nonEmptyMember(entry, second)) themesIn(*other, themes);
        }
        if (list->Size() > kMaxEntries)
            warn("/properties/keywords", "Only the first " + std::to_string(kMaxEntries) + " " + name + " were read.");
    };
    read("tags", "name", "display_name");
    read("groups", "title", "name");

    if (!themes.empty()) {
        JsonValue list(rapidjson::kArrayType);
        list.PushBack(twinThemeScheme(themes, m_allocator), m_allocator);
        m_p.AddMember("themes", list, m_allocator);
    } else {
        warn("/properties/themes",
             "No twin theme is named by the package's tags or groups; it will not be found by a theme search.");
    }
    if (!keywords.empty()) {
        JsonValue list(rapidjson::kArrayType);
        for (const auto& keyword : keywords) list.PushBack(s(keyword), m_allocator);
        m_p.AddMember("keywords", list, m_allocator);
    }
}

}  // namespace tweeling::federation::adapters::ckan
