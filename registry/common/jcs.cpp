#include "common/jcs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace tweeling::common {

namespace {

// UTF-8 to UTF-16 code units, for comparing member names the way RFC 8785 sorts them. Invalid
// UTF-8 (RapidJSON does not validate encodings unless asked) is taken byte by byte: a
// stray byte becomes its own code unit, which still gives a total order.
std::u16string utf16(const char* text, std::size_t size) {
    std::u16string out;
    out.reserve(size);
    const auto* s = reinterpret_cast<const unsigned char*>(text);
    std::size_t i = 0;
    while (i < size) {
        unsigned char c = s[i];
        char32_t cp;
        std::size_t n;
        if (c < 0x80) { cp = c; n = 1; }
        else if ((c >> 5) == 0x6 && i + 1 < size) { cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu); n = 2; }
        else if ((c >> 4) == 0xE && i + 2 < size) {
            cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
            n = 3;
        } else if ((c >> 3) == 0x1E && i + 3 < size) {
            cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
            n = 4;
        } else { cp = c; n = 1; }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
        i += n;
    }
    return out;
}

void appendString(const char* text, std::size_t size, std::string& out) {
    static const char* hex = "0123456789abcdef";
    out.push_back('"');
    for (std::size_t i = 0; i < size; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out.push_back(hex[c >> 4]);
                    out.push_back(hex[c & 0xF]);
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
    }
    out.push_back('"');
}

}  // namespace

std::string ecmaScriptNumber(double value) {
    if (value == 0) return "0";  // also -0
    std::string out;
    if (value < 0) {
        out.push_back('-');
        value = -value;
    }
    // The shortest digits that round-trip (what ECMAScript uses), in scientific form d.ddde±x.
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string scientific(buffer, result.ptr);
    auto e = scientific.find('e');
    std::string digits;
    for (std::size_t i = 0; i < e; ++i)
        if (scientific[i] != '.') digits.push_back(scientific[i]);
    int exponent = std::atoi(scientific.c_str() + e + 1);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    int k = static_cast<int>(digits.size());
    int n = exponent + 1;  // value = 0.digits × 10^n
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n));
        out.push_back('.');
        out += digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out.push_back(digits[0]);
        if (k > 1) {
            out.push_back('.');
            out += digits.substr(1);
        }
        out.push_back('e');
        out.push_back(n - 1 >= 0 ? '+' : '-');
        out += std::to_string(std::abs(n - 1));
    }
    return out;
}

namespace {

// Member names in RFC 8785 order. Names are nearly always ASCII, where UTF-8 byte order is UTF-16
// order: those compare as bytes; others as UTF-16 code units.
void appendObject(const JsonValue& value, std::string& out, std::initializer_list<std::string_view> skip) {
    struct Entry {
        std::string_view name;
        const JsonValue* value;
    };
    std::vector<Entry> members;
    members.reserve(value.MemberCount());
    bool ascii = true;
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        std::string_view name(it->name.GetString(), it->name.GetStringLength());
        if (skip.size() && std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
        for (unsigned char c : name) ascii = ascii && c < 0x80;
        members.push_back({name, &it->value});
    }
    if (ascii) {
        std::sort(members.begin(), members.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    } else {
        std::sort(members.begin(), members.end(), [](const Entry& a, const Entry& b) {
            return utf16(a.name.data(), a.name.size()) < utf16(b.name.data(), b.name.size());
        });
    }
    out.push_back('{');
    bool first = true;
    for (const Entry& member : members) {
        if (!first) out.push_back(',');
        first = false;
        appendString(member.name.data(), member.name.size(), out);
        out.push_back(':');
        appendCanonicalJson(*member.value, out);
    }
    out.push_back('}');
}

}  // namespace

void appendCanonicalJson(const JsonValue& value, std::string& out) {
    switch (value.GetType()) {
        case rapidjson::kNullType: out += "null"; break;
        case rapidjson::kFalseType: out += "false"; break;
        case rapidjson::kTrueType: out += "true"; break;
        case rapidjson::kStringType: appendString(value.GetString(), value.GetStringLength(), out); break;
        case rapidjson::kNumberType:
            // Integers that a double holds exactly print the same either way: skip the float path.
            if (value.IsInt64() && value.GetInt64() > -(1LL << 53) && value.GetInt64() < (1LL << 53))
                out += std::to_string(value.GetInt64());
            else
                out += ecmaScriptNumber(value.GetDouble());
            break;
        case rapidjson::kArrayType: {
            out.push_back('[');
            bool first = true;
            for (const auto& element : value.GetArray()) {
                if (!first) out.push_back(',');
                first = false;
                appendCanonicalJson(element, out);
            }
            out.push_back(']');
            break;
        }
        case rapidjson::kObjectType: appendObject(value, out, {}); break;
    }
}

std::string canonicalJsonWithout(const JsonValue& object, std::initializer_list<std::string_view> skip) {
    if (!object.IsObject()) return canonicalJson(object);
    std::string out;
    appendObject(object, out, skip);
    return out;
}

std::string canonicalJson(const JsonValue& value) {
    std::string out;
    appendCanonicalJson(value, out);
    return out;
}

}  // namespace tweeling::common
