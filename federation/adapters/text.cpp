#include "adapters/text.hpp"

#include "common/text.hpp"
#include "common/time.hpp"
#include "record/vocabulary.hpp"

#include <algorithm>
#include <cctype>

namespace tweeling::federation::adapters {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool startsWith(std::string_view value, std::string_view prefix) {
    return value.size() >= prefix.size() && value.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(std::string_view value, std::string_view suffix) {
    return value.size() >= suffix.size() && value.compare(value.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool hasWhitespace(std::string_view value) { return std::any_of(value.begin(), value.end(), isSpace); }

// scheme ":" rest, as the schema's uri pattern ^[A-Za-z][A-Za-z0-9+.-]*:[^ ]+$.
bool isUri(std::string_view value) {
    if (value.empty() || !std::isalpha(static_cast<unsigned char>(value[0]))) return false;
    std::size_t i = 1;
    while (i < value.size() && (std::isalnum(static_cast<unsigned char>(value[i])) || value[i] == '+' ||
                                value[i] == '.' || value[i] == '-'))
        ++i;
    return i < value.size() && value[i] == ':' && i + 1 < value.size() && !hasWhitespace(value);
}

bool digitsOnly(std::string_view value) {
    return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "Gemeente Zaanstad" -> "gemeente-zaanstad"
std::string slug(std::string_view value) {
    std::string out;
    bool dash = false;
    for (char c : value) {
        unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) && u < 0x80) {
            if (dash && !out.empty()) out += '-';
            out += static_cast<char>(std::tolower(u));
            dash = false;
        } else {
            dash = true;
        }
    }
    if (out.size() > 64) out.resize(64);
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? "unknown" : out;
}

// The key a resource type or an access level is compared by: the last segment of a URI, its letters
// and digits, lower-cased.
std::string typeKey(std::string_view raw) {
    std::string value = common::toLowerAscii(common::trim(raw));
    std::size_t cut = value.find_last_of("#/:");
    if (cut != std::string::npos && cut + 1 < value.size()) value = value.substr(cut + 1);
    std::string out;
    for (char c : value)
        if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    return out;
}

// " " + the lower-cased words of `value` + " ", everything but letters and digits turned into spaces:
// the form a theme's search terms are matched in.
std::string wordsOf(std::string_view value) {
    std::string out = " ";
    bool space = true;
    for (char c : value) {
        unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || u >= 0x80) {
            out += static_cast<char>(std::tolower(u));
            space = false;
        } else if (!space) {
            out += ' ';
            space = true;
        }
    }
    if (!space) out += ' ';
    return out;
}

// Normalises a date or date-time to what common::parseRfc3339 accepts. `guessed` is set when the
// text had to be completed (no offset -> "Z", "2021" -> "2021-01-01").
std::optional<std::string> normalizeInstant(std::string_view raw, bool& guessed) {
    std::string value = common::trim(raw);
    if (value.empty()) return std::nullopt;
    if (common::parseRfc3339(value)) return value;
    if (value.size() >= 19 && (value[10] == 'T' || value[10] == 't' || value[10] == ' ') &&
        common::parseRfc3339(value + "Z")) {
        guessed = true;
        return value + "Z";
    }
    if (value.size() == 4 && digitsOnly(value) && common::parseRfc3339(value + "-01-01")) {
        guessed = true;
        return value + "-01-01";
    }
    if (value.size() == 7 && value[4] == '-' && common::parseRfc3339(value + "-01")) {
        guessed = true;
        return value + "-01";
    }
    return std::nullopt;
}


void addTwinThemesNamedIn(std::string_view value, std::vector<std::string>& themes) {
    if (value.size() > 4096) value = value.substr(0, 4096);
    const std::string words = wordsOf(value);
    for (const registry::record::Theme& theme : registry::record::kThemes)
        for (const char* term : theme.searchTerms)
            if (term && words.find(term) != std::string::npos) {
                if (std::find(themes.begin(), themes.end(), theme.id) == themes.end()) themes.emplace_back(theme.id);
                break;
            }
}

}  // namespace tweeling::federation::adapters
