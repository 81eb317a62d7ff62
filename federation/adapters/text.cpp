#include "adapters/text.hpp"

#include "common/text.hpp"

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

}  // namespace tweeling::federation::adapters
