#include "adapters/url.hpp"
#include "common/text.hpp"

#include <cctype>
#include <utility>
#include <vector>

#include "adapters/text.hpp"

namespace tweeling::federation::adapters {

// As the profile checks it: http(s)://host..., no whitespace.
bool isHttpUrl(std::string_view url) {
    std::size_t rest = 0;
    if (startsWith(url, "http://"))
        rest = 7;
    else if (startsWith(url, "https://"))
        rest = 8;
    else
        return false;
    if (rest >= url.size() || url[rest] == '/' || url[rest] == '?' || url[rest] == '#') return false;
    return !hasWhitespace(url);
}

namespace {

struct UrlParts {
    std::string scheme, authority, path, query, fragment;
    bool hasScheme = false, hasAuthority = false, hasQuery = false, hasFragment = false;
};

UrlParts splitUrl(std::string_view url) {
    UrlParts parts;
    std::size_t i = 0;
    // scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    if (!url.empty() && std::isalpha(static_cast<unsigned char>(url[0]))) {
        std::size_t j = 1;
        while (j < url.size() && (std::isalnum(static_cast<unsigned char>(url[j])) || url[j] == '+' || url[j] == '-' ||
                                  url[j] == '.'))
            ++j;
        if (j < url.size() && url[j] == ':') {
            parts.hasScheme = true;
            parts.scheme = std::string(url.substr(0, j));
            i = j + 1;
        }
    }
    if (url.substr(i, 2) == "//") {
        parts.hasAuthority = true;
        std::size_t end = url.find_first_of("/?#", i + 2);
        if (end == std::string_view::npos) end = url.size();
        parts.authority = std::string(url.substr(i + 2, end - i - 2));
        i = end;
    }
    std::size_t end = url.find_first_of("?#", i);
    if (end == std::string_view::npos) end = url.size();
    parts.path = std::string(url.substr(i, end - i));
    i = end;
    if (i < url.size() && url[i] == '?') {
        parts.hasQuery = true;
        end = url.find('#', i);
        if (end == std::string_view::npos) end = url.size();
        parts.query = std::string(url.substr(i + 1, end - i - 1));
        i = end;
    }
    if (i < url.size() && url[i] == '#') {
        parts.hasFragment = true;
        parts.fragment = std::string(url.substr(i + 1));
    }
    return parts;
}

std::string joinUrl(const UrlParts& parts) {
    std::string out;
    if (parts.hasScheme) out += parts.scheme + ":";
    if (parts.hasAuthority) out += "//" + parts.authority;
    out += parts.path;
    if (parts.hasQuery) out += "?" + parts.query;
    if (parts.hasFragment) out += "#" + parts.fragment;
    return out;
}

// RFC 3986 section 5.2.4.
std::string removeDotSegments(std::string input) {
    std::string output;
    while (!input.empty()) {
        if (startsWith(input, "../")) {
            input.erase(0, 3);
        } else if (startsWith(input, "./")) {
            input.erase(0, 2);
        } else if (startsWith(input, "/./")) {
            input.erase(0, 2);
        } else if (input == "/.") {
            input = "/";
        } else if (startsWith(input, "/../") || input == "/..") {
            input = input == "/.." ? "/" : input.substr(3);
            std::size_t slash = output.rfind('/');
            output.erase(slash == std::string::npos ? 0 : slash);
        } else if (input == "." || input == "..") {
            input.clear();
        } else {
            std::size_t start = input[0] == '/' ? 1 : 0;
            std::size_t next = input.find('/', start);
            if (next == std::string::npos) next = input.size();
            output += input.substr(0, next);
            input.erase(0, next);
        }
    }
    return output;
}

// All of a URL's query parameters, names lower-cased, values as given (not decoded).
std::vector<std::pair<std::string, std::string>> queryOf(std::string_view url) {
    std::vector<std::pair<std::string, std::string>> out;
    UrlParts parts = splitUrl(url);
    std::string_view query = parts.query;
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        std::size_t eq = pair.find('=');
        out.emplace_back(common::toLowerAscii(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return out;
}

}  // namespace

// The URL without query and fragment, and without a trailing slash.
std::string baseOf(const std::string& url) {
    UrlParts parts = splitUrl(url);
    parts.hasQuery = parts.hasFragment = false;
    std::string out = joinUrl(parts);
    while (!out.empty() && out.back() == '/') out.pop_back();
    return out;
}

std::string withoutFragment(const std::string& url) {
    std::size_t hash = url.find('#');
    return hash == std::string::npos ? url : url.substr(0, hash);
}

std::string hostOf(std::string_view url) { return common::toLowerAscii(splitUrl(url).authority); }

// The path of a URL, lower-cased (for its file name).
std::string pathOf(std::string_view url) { return common::toLowerAscii(splitUrl(url).path); }

std::string queryValue(std::string_view url, const char* name) {
    for (auto& [key, value] : queryOf(url))
        if (key == name) return value;
    return {};
}

std::string resolveUrl(const std::string& base, const std::string& reference) {
    UrlParts ref = splitUrl(reference);
    if (ref.hasScheme) {
        ref.path = removeDotSegments(ref.path);
        return joinUrl(ref);
    }
    UrlParts b = splitUrl(base);
    if (!b.hasScheme) return reference;
    UrlParts target;
    target.hasScheme = true;
    target.scheme = b.scheme;
    if (ref.hasAuthority) {
        target.hasAuthority = true;
        target.authority = ref.authority;
        target.path = removeDotSegments(ref.path);
        target.hasQuery = ref.hasQuery;
        target.query = ref.query;
    } else {
        target.hasAuthority = b.hasAuthority;
        target.authority = b.authority;
        if (ref.path.empty()) {
            target.path = b.path;
            target.hasQuery = ref.hasQuery ? true : b.hasQuery;
            target.query = ref.hasQuery ? ref.query : b.query;
        } else {
            if (ref.path[0] == '/') {
                target.path = removeDotSegments(ref.path);
            } else {
                std::string merged;
                if (b.hasAuthority && b.path.empty()) {
                    merged = "/" + ref.path;
                } else {
                    std::size_t slash = b.path.rfind('/');
                    merged = (slash == std::string::npos ? std::string() : b.path.substr(0, slash + 1)) + ref.path;
                }
                target.path = removeDotSegments(merged);
            }
            target.hasQuery = ref.hasQuery;
            target.query = ref.query;
        }
    }
    target.hasFragment = ref.hasFragment;
    target.fragment = ref.fragment;
    return joinUrl(target);
}

}  // namespace tweeling::federation::adapters
