#include "common/jcs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <utility>
#include <vector>

namespace tweeling::common {

namespace {

// UTF-8 -> UTF-16 code units, for RFC 8785 member order. A byte that does not start a valid UTF-8
// sequence becomes 0xDC00 + byte (a lone low surrogate), so every name has a deterministic place.
std::u16string utf16(std::string_view value) {
    std::u16string out;
    out.reserve(value.size());
    std::size_t i = 0;
    while (i < value.size()) {
        unsigned char c = static_cast<unsigned char>(value[i]);
        std::uint32_t cp = 0;
        std::size_t length = 0;
        if (c < 0x80) cp = c, length = 1;
        else if ((c & 0xE0) == 0xC0) cp = c & 0x1F, length = 2;
        else if ((c & 0xF0) == 0xE0) cp = c & 0x0F, length = 3;
        else if ((c & 0xF8) == 0xF0) cp = c & 0x07, length = 4;
        bool ok = length > 0 && i + length <= value.size();
        for (std::size_t k = 1; ok && k < length; ++k) {
            unsigned char next = static_cast<unsigned char>(value[i + k]);
            if ((next & 0xC0) != 0x80) ok = false;
            cp = (cp << 6) | (next & 0x3F);
        }
        if (ok && ((length == 2 && cp < 0x80) || (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000) ||
                   cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
            ok = false;
        if (!ok) {
            out += static_cast<char16_t>(0xDC00 + c);
            ++i;
            continue;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else {
            out += static_cast<char16_t>(cp);
        }
        i += length;
    }
    return out;
}

std::string_view nameOf(const JsonValue::Member& member) {
    return {member.name.GetString(), member.name.GetStringLength()};
}

// An object's members in RFC 8785 order, without those named in `skip`. Names are nearly always
// ASCII, where UTF-8 byte order is UTF-16 order: those compare as bytes; others as UTF-16 units.
std::vector<const JsonValue::Member*> sortedMembers(const JsonValue& object,
                                                    std::initializer_list<std::string_view> skip) {
    std::vector<const JsonValue::Member*> members;
    members.reserve(object.MemberCount());
    bool ascii = true;
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        std::string_view name = nameOf(*it);
        if (skip.size() && std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
        for (unsigned char c : name) ascii = ascii && c < 0x80;
        members.push_back(&*it);
    }
    if (ascii) {
        std::stable_sort(members.begin(), members.end(), [](const auto* a, const auto* b) { return nameOf(*a) < nameOf(*b); });
    } else {
        std::vector<std::pair<std::u16string, const JsonValue::Member*>> keyed;
        keyed.reserve(members.size());
        for (const auto* member : members) keyed.emplace_back(utf16(nameOf(*member)), member);
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t i = 0; i < keyed.size(); ++i) members[i] = keyed[i].second;
    }
    return members;
}

void appendNumber(const JsonValue& value, std::string& out, NumberText numbers) {
    if (numbers)
        out += numbers(value);
    else if (value.IsInt64() && value.GetInt64() > -(1LL << 53) && value.GetInt64() < (1LL << 53))
        out += std::to_string(value.GetInt64());  // exact in a double: prints the same, faster
    else
        out += ecmaScriptNumber(value.GetDouble());
}

// Iterative: an explicit stack of open arrays and objects.
std::string canonical(const JsonValue& value, NumberText numbers, std::initializer_list<std::string_view> skipTopLevel) {
    struct Frame {
        const JsonValue* value;
        std::vector<const JsonValue::Member*> members;  // objects only, in order
        std::size_t index = 0;
    };
    std::string out;
    std::vector<Frame> stack;
    auto emit = [&](const JsonValue& v, std::initializer_list<std::string_view> skip) {
        switch (v.GetType()) {
            case rapidjson::kNullType: out += "null"; break;
            case rapidjson::kFalseType: out += "false"; break;
            case rapidjson::kTrueType: out += "true"; break;
            case rapidjson::kStringType: appendCanonicalString({v.GetString(), v.GetStringLength()}, out); break;
            case rapidjson::kNumberType: appendNumber(v, out, numbers); break;
            case rapidjson::kArrayType:
                out += '[';
                stack.push_back({&v, {}, 0});
                break;
            case rapidjson::kObjectType:
                out += '{';
                stack.push_back({&v, sortedMembers(v, skip), 0});
                break;
        }
    };
    emit(value, skipTopLevel);
    while (!stack.empty()) {
        Frame& frame = stack.back();
        const bool object = frame.value->IsObject();
        const std::size_t size = object ? frame.members.size() : frame.value->Size();
        if (frame.index == size) {
            out += object ? '}' : ']';
            stack.pop_back();
            continue;
        }
        if (frame.index > 0) out += ',';
        if (object) {
            const JsonValue::Member* member = frame.members[frame.index++];
            appendCanonicalString(nameOf(*member), out);
            out += ':';
            emit(member->value, {});  // may grow the stack: `frame` is not used after this
        } else {
            emit((*frame.value)[static_cast<rapidjson::SizeType>(frame.index++)], {});
        }
    }
    return out;
}

}  // namespace

void appendCanonicalString(std::string_view text, std::string& out) {
    static const char* hex = "0123456789abcdef";
    out.push_back('"');
    for (unsigned char c : text) {
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

std::string ecmaScriptNumber(double value) {
    // RFC 8785 §3.2.2.3: there is no spelling for them (parseUntrusted refuses them on input).
    if (!std::isfinite(value)) throw std::invalid_argument("RFC 8785 cannot write a number that is not finite");
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

std::string canonicalJson(const JsonValue& value, NumberText numbers) { return canonical(value, numbers, {}); }

std::string canonicalJsonWithout(const JsonValue& object, std::initializer_list<std::string_view> skip) {
    return canonical(object, nullptr, skip);
}

}  // namespace tweeling::common
