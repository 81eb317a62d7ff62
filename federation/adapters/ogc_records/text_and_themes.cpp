// What the record says about itself in words: title, description, keywords, themes (twin themes
// guessed from the words).
#include "adapters/ogc_records/mapper.hpp"
#include "common/text.hpp"

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::federation::adapters::ogc_records {

using common::Json;
using common::JsonValue;

void Mapper::mapTitleAndDescription() {
    auto title = nonEmptyMember(*m_props, "title");
    if (!title) title = nonEmptyMember(m_in, "title");
    if (!title) {
        reject("/properties/title", "The record has no title; a record nobody can recognise is not useful.");
        title = std::string();
    }
    m_title = *title;
    m_p.AddMember("title", s(m_title), m_allocator);
    auto description = nonEmptyMember(*m_props, "description");
    if (!description) {
        warn("/properties/description", "The record has no description; its title is used.");
        description = m_title;
    }
    m_p.AddMember("description", s(*description), m_allocator);
}

namespace {

// Adds a keyword (trimmed) unless it is empty or already there.
void addKeyword(std::vector<std::string>& keywords, std::string value) {
    value = common::trim(value);
    if (!value.empty() && std::find(keywords.begin(), keywords.end(), value) == keywords.end())
        keywords.push_back(std::move(value));
}

}  // namespace

void Mapper::mapThemesAndKeywords() {
    std::vector<std::string> keywords;
    if (const JsonValue* foreign = member(*m_props, "keywords")) {
        if (foreign->IsString()) {
            addKeyword(keywords, std::string(text(*foreign)));
        } else if (foreign->IsArray()) {
            for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
                const JsonValue& entry = (*foreign)[i];
                if (entry.IsString()) addKeyword(keywords, std::string(text(entry)));
                else if (auto keyword = nonEmptyMember(entry, "keyword")) addKeyword(keywords, *keyword);
            }
        }
    }

    std::vector<std::string> found;  // twin themes from words
    std::vector<std::string> declared;  // twin themes the record states in the twin scheme
    JsonValue themes = foreignThemes(keywords, found, declared);

    for (const auto& keyword : keywords) addTwinThemesNamedIn(keyword, found);
    addTwinThemesNamedIn(m_title, found);
    addTwinThemes(themes, declared, found);
    if (!themes.Empty()) m_p.AddMember("themes", themes, m_allocator);
    if (!keywords.empty()) {
        JsonValue list(rapidjson::kArrayType);
        for (const auto& keyword : keywords) list.PushBack(s(keyword), m_allocator);
        m_p.AddMember("keywords", list, m_allocator);
    }
}

// The foreign themes that have a scheme, as Records themes. Concepts of themes without a scheme
// become keywords; concepts of the twin scheme go to `declared`; twin themes named in any other
// concept to `found`.
JsonValue Mapper::foreignThemes(std::vector<std::string>& keywords, std::vector<std::string>& found,
                                std::vector<std::string>& declared) {
    JsonValue themes(rapidjson::kArrayType);
    Dropped badTwin{"/properties/themes", "concepts of the twin theme scheme that are not twin themes"};
    bool schemeless = false;
    Dropped badThemes{"/properties/themes", "themes without concepts"};
    if (const JsonValue* foreign = member(*m_props, "themes")) {
        if (!foreign->IsArray()) {
            warn("/properties/themes", "'themes' is not an array; it was ignored.");
        } else {
            for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
                const JsonValue& theme = (*foreign)[i];
                const JsonValue* concepts = theme.IsObject() ? arrayMember(theme, "concepts") : nullptr;
                if (!concepts) {
                    badThemes.add("entry " + std::to_string(i + 1));
                    continue;
                }
                auto scheme = nonEmptyMember(theme, "scheme");
                bool twin = scheme && *scheme == registry::record::kTwinThemeScheme;
                JsonValue kept(rapidjson::kArrayType);
                for (rapidjson::SizeType c = 0; c < concepts->Size() && c < kMaxEntries; ++c) {
                    const JsonValue& item = (*concepts)[c];
                    std::optional<std::string> id = item.IsString() ? nonEmpty(&item) : nonEmptyMember(item, "id");
                    if (!id) continue;
                    auto title = item.IsObject() ? nonEmptyMember(item, "title") : std::nullopt;
                    if (twin) {
                        if (!contains(registry::record::kTwinThemes, *id)) {
                            badTwin.add("'" + *id + "'");
                            continue;
                        }
                        if (std::find(declared.begin(), declared.end(), *id) == declared.end()) declared.push_back(*id);
                        continue;
                    }
                    addTwinThemesNamedIn(*id, found);
                    if (title) addTwinThemesNamedIn(*title, found);
                    if (!scheme) {
                        addKeyword(keywords, *id);
                        continue;
                    }
                    JsonValue entry(rapidjson::kObjectType);
                    entry.AddMember("id", s(*id), m_allocator);
                    if (item.IsObject())
                        for (const char* field : {"title", "description", "url"})
                            if (const JsonValue* value = member(item, field); value && value->IsString())
                                entry.AddMember(JsonValue(field, m_allocator), s(text(*value)), m_allocator);
                    kept.PushBack(entry, m_allocator);
                }
                if (!scheme) {
                    schemeless = true;
                    continue;
                }
                if (twin || kept.Empty()) continue;
                JsonValue entry(rapidjson::kObjectType);
                entry.AddMember("scheme", s(*scheme), m_allocator);
                entry.AddMember("concepts", kept, m_allocator);
                themes.PushBack(entry, m_allocator);
            }
        }
    }
    report(badThemes);
    report(badTwin);
    if (schemeless)
        warn("/properties/themes",
             "Themes without a scheme are not Records themes; their concepts were kept as keywords.");
    return themes;
}

// Puts the twin themes (declared, then found) first in `themes`, and warns when some were guessed or
// there are none.
void Mapper::addTwinThemes(JsonValue& themes, const std::vector<std::string>& declared,
                           const std::vector<std::string>& found) {
    std::vector<std::string> twinThemes = declared;
    std::vector<std::string> guessed;
    for (const auto& theme : found)
        if (std::find(twinThemes.begin(), twinThemes.end(), theme) == twinThemes.end()) {
            twinThemes.push_back(theme);
            guessed.push_back(theme);
        }
    if (!twinThemes.empty()) {
        JsonValue twin = twinThemeScheme(twinThemes, m_allocator);
        // First, so readers of the twin scheme find it at once.
        JsonValue ordered(rapidjson::kArrayType);
        ordered.PushBack(twin, m_allocator);
        for (auto& theme : themes.GetArray()) ordered.PushBack(theme, m_allocator);
        themes = std::move(ordered);
    }
    if (!guessed.empty()) {
        std::string list;
        for (const auto& theme : guessed) list += (list.empty() ? "" : ", ") + theme;
        warn("/properties/themes", "Twin themes were guessed from the keywords, themes and title: " + list + ".");
    } else if (twinThemes.empty()) {
        warn("/properties/themes",
             "No twin theme could be derived from the record's keywords, themes or title; it will not be "
             "found by a theme search.");
    }
}

}  // namespace tweeling::federation::adapters::ogc_records
