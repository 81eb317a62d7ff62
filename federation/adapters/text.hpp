#pragma once
// String helpers for reading foreign catalog records, shared by the adapters of every catalog kind
// (trimming, case and percent-encoding are registry/common's: common/text.hpp, common/url.hpp).
// ASCII only: letters and digits beyond ASCII count as neither, except in wordsOf.
#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::federation::adapters {

bool isSpace(char c);
bool startsWith(std::string_view value, std::string_view prefix);
bool endsWith(std::string_view value, std::string_view suffix);
bool hasWhitespace(std::string_view value);

template <typename Words>
bool contains(const Words& words, std::string_view value) {
    return std::any_of(std::begin(words), std::end(words), [&](const char* word) { return value == word; });
}

// scheme ":" rest, as the schema's uri pattern ^[A-Za-z][A-Za-z0-9+.-]*:[^ ]+$.
bool isUri(std::string_view value);
bool digitsOnly(std::string_view value);
// "Gemeente Zaanstad" -> "gemeente-zaanstad" (at most 64 characters; "unknown" when nothing is left).
std::string slug(std::string_view value);

// The key a resource type or an access level is compared by: the last segment of a URI, its letters
// and digits, lower-cased ("http://purl.org/dc/dcmitype/Dataset" -> "dataset").
std::string typeKey(std::string_view raw);
// " " + the lower-cased words of `value` + " ", everything but letters and digits turned into spaces:
// the form a theme's search terms (and licence names) are matched in.
std::string wordsOf(std::string_view value);

// Normalises a date or date-time to what common::parseRfc3339 accepts. `guessed` is set when the
// text had to be completed (no offset -> "Z", "2021" -> "2021-01-01").
std::optional<std::string> normalizeInstant(std::string_view raw, bool& guessed);

// Adds to `themes` (once each) the twin themes whose search terms (record/vocabulary.hpp, Dutch and
// English: "gebouw", "building", "bomen", ...) occur in `value` as whole words: how a foreign
// keyword, tag or group names a twin theme.
void addTwinThemesNamedIn(std::string_view value, std::vector<std::string>& themes);

}  // namespace tweeling::federation::adapters
