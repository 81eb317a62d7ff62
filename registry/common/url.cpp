#include "common/url.hpp"

namespace tweeling::common {

std::string percentEncode(std::string_view text, const PercentSafeSet& safe) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char byte : text) {
        auto c = static_cast<unsigned char>(byte);
        if (safe.contains(c)) {
            out += byte;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string percentDecode(std::string_view text, bool plusIsSpace) {
    std::string out;
    out.reserve(text.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int high = hex(text[i + 1]);
            int low = hex(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += plusIsSpace && c == '+' ? ' ' : c;
    }
    return out;
}

std::vector<std::string> splitPath(std::string_view path) {
    std::vector<std::string> segments;
    if (path.empty() || path[0] != '/') return segments;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        segments.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    if (!segments.empty() && segments.back().empty()) segments.pop_back();  // trailing slash
    return segments;
}

}  // namespace tweeling::common
