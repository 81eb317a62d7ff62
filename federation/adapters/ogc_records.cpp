#include "adapters/ogc_records.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string_view>

#include "common/jcs.hpp"
#include "common/time.hpp"
#include "record/geometry.hpp"
#include "record/identifiers.hpp"
#include "record/record.hpp"
#include "record/vocabulary.hpp"

namespace tweeling::federation::adapters {

using common::Json;
using common::JsonValue;
using common::Problem;
using common::Problems;
using Allocator = Json::AllocatorType;

namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string_view text(const JsonValue& value) { return {value.GetString(), value.GetStringLength()}; }

JsonValue str(std::string_view value, Allocator& allocator) {
    return JsonValue(value.data(), static_cast<rapidjson::SizeType>(value.size()), allocator);
}

std::string lower(std::string_view value) {
    std::string out(value);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string trim(std::string_view value) {
    std::size_t begin = 0, end = value.size();
    while (begin < end && isSpace(value[begin])) ++begin;
    while (end > begin && isSpace(value[end - 1])) --end;
    return std::string(value.substr(begin, end - begin));
}

bool startsWith(std::string_view value, std::string_view prefix) {
    return value.size() >= prefix.size() && value.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(std::string_view value, std::string_view suffix) {
    return value.size() >= suffix.size() && value.compare(value.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const JsonValue* member(const JsonValue& object, const char* name) { return common::member(object, name); }

const JsonValue* objectMember(const JsonValue& object, const char* name) {
    const JsonValue* value = common::member(object, name);
    return value && value->IsObject() ? value : nullptr;
}

const JsonValue* arrayMember(const JsonValue& object, const char* name) {
    const JsonValue* value = common::member(object, name);
    return value && value->IsArray() ? value : nullptr;
}

// A trimmed, non-empty string, or nullopt.
std::optional<std::string> nonEmpty(const JsonValue* value) {
    if (!value || !value->IsString()) return std::nullopt;
    std::string out = trim(text(*value));
    if (out.empty()) return std::nullopt;
    return out;
}

std::optional<std::string> nonEmptyMember(const JsonValue& object, const char* name) {
    return nonEmpty(common::member(object, name));
}

template <typename Words>
bool contains(const Words& words, std::string_view value) {
    return std::any_of(std::begin(words), std::end(words), [&](const char* word) { return value == word; });
}

bool hasWhitespace(std::string_view value) { return std::any_of(value.begin(), value.end(), isSpace); }

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

std::string percentEncode(std::string_view value) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (char c : value) {
        unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) && u < 0x80)
            out += c;
        else if (c == '-' || c == '.' || c == '_' || c == '~')
            out += c;
        else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

std::string numberText(const JsonValue& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    if (!value.Accept(writer)) return "null";  // NaN / infinity cannot be written
    return std::string(buffer.GetString(), buffer.GetSize());
}

// Depth of a value (iterative), to keep verbatim copies within the profile's nesting limit.
int depthOf(const JsonValue& root, int limit) {
    std::vector<std::pair<const JsonValue*, int>> stack{{&root, 1}};
    int deepest = 0;
    while (!stack.empty()) {
        auto [value, depth] = stack.back();
        stack.pop_back();
        deepest = std::max(deepest, depth);
        if (deepest > limit) return deepest;
        if (value->IsObject()) {
            for (auto it = value->MemberBegin(); it != value->MemberEnd(); ++it)
                if (it->value.IsObject() || it->value.IsArray()) stack.push_back({&it->value, depth + 1});
        } else if (value->IsArray()) {
            for (const auto& element : value->GetArray())
                if (element.IsObject() || element.IsArray()) stack.push_back({&element, depth + 1});
        }
    }
    return deepest;
}

// ---------------------------------------------------------------------------------------------
// URLs (RFC 3986)

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

std::string hostOf(std::string_view url) { return lower(splitUrl(url).authority); }

// The query parameters, names lower-cased, values as given (not decoded).
std::vector<std::pair<std::string, std::string>> queryOf(std::string_view url) {
    std::vector<std::pair<std::string, std::string>> out;
    UrlParts parts = splitUrl(url);
    std::string_view query = parts.query;
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        std::size_t eq = pair.find('=');
        out.emplace_back(lower(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return out;
}

std::string queryValue(std::string_view url, const char* name) {
    for (auto& [key, value] : queryOf(url))
        if (key == name) return value;
    return {};
}

}  // namespace

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

namespace {

// ---------------------------------------------------------------------------------------------
// Time

// Normalises a date or date-time to what common::parseRfc3339 accepts. `guessed` is set when the
// text had to be completed (no offset -> "Z", "2021" -> "2021-01-01").
std::optional<std::string> normalizeInstant(std::string_view raw, bool& guessed) {
    std::string value = trim(raw);
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

// One interval end: open (null, "..", ""), a valid instant, or bad.
struct End {
    enum Kind { Open, Valid, Bad } kind = Open;
    std::string value;
};

End intervalEnd(const JsonValue& value, bool& guessed) {
    if (value.IsNull()) return {};
    if (!value.IsString()) return {End::Bad, {}};
    std::string raw = trim(text(value));
    if (raw.empty() || raw == "..") return {};
    if (auto instant = normalizeInstant(raw, guessed)) return {End::Valid, *instant};
    return {End::Bad, {}};
}

// ---------------------------------------------------------------------------------------------
// Record types

std::string typeKey(std::string_view raw) {
    std::string value = lower(trim(raw));
    std::size_t cut = value.find_last_of("#/:");
    if (cut != std::string::npos && cut + 1 < value.size()) value = value.substr(cut + 1);
    std::string out;
    for (char c : value)
        if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    return out;
}

// ---------------------------------------------------------------------------------------------
// Themes from words

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

// Adds the twin themes whose search terms (record/vocabulary.hpp) occur in keywords, theme concepts
// or a title, in the vocabulary's order.
void themesIn(std::string_view value, std::vector<std::string>& themes) {
    if (value.size() > 4096) value = value.substr(0, 4096);
    const std::string words = wordsOf(value);
    for (const registry::record::Theme& theme : registry::record::kThemes)
        for (const char* term : theme.searchTerms)
            if (term && words.find(term) != std::string::npos) {
                if (std::find(themes.begin(), themes.end(), theme.id) == themes.end()) themes.emplace_back(theme.id);
                break;
            }
}

// ---------------------------------------------------------------------------------------------
// Formats

struct FormatGuess {
    std::string format = "other";
    std::string mediaType;       // "" = unknown
    std::string version;         // "" = unknown
};

// "type/subtype" (parameters allowed), not "OGC:WMS" or "download".
bool isMediaType(std::string_view value) {
    std::string main = trim(value.substr(0, value.find(';')));
    std::size_t slash = main.find('/');
    return slash != std::string::npos && slash > 0 && slash + 1 < main.size() && main.find('/', slash + 1) == std::string::npos &&
           main.find(':') == std::string::npos && !hasWhitespace(main);
}

// The path of a URL, lower-cased (for its file name).
std::string pathOf(std::string_view url) { return lower(splitUrl(url).path); }

FormatGuess guessOf(const registry::record::Format& format, std::string_view mediaType) {
    return {format.id, std::string(mediaType), format.impliedVersion};
}

// Media types under which a file of several formats is served: the file name says which (a JSON
// file named tileset.json is 3D Tiles, a LASzip file named .copc.laz is COPC).
struct SharedMediaType {
    const char* mediaType;
    const char* format;
};
constexpr SharedMediaType kSharedMediaTypes[] = {
    {"application/json", "3dtiles"},       {"application/json", "ept"},     {"application/json", "quantized-mesh"},
    {"application/vnd.laszip", "copc"},    {"application/x-step", "ifc"},   {"application/x-sqlite3", "gpkg"},
};

std::optional<FormatGuess> formatFromMediaType(std::string_view mediaType, std::string_view href) {
    std::string type = lower(trim(mediaType.substr(0, mediaType.find(';'))));
    std::string full = lower(mediaType);
    const std::string given = trim(mediaType);
    const registry::record::Format* named = registry::record::formatOfFileName(pathOf(href));
    if (named)
        for (const SharedMediaType& shared : kSharedMediaTypes)
            // A type several formats share implies no version, whatever the file is named.
            if (type == shared.mediaType && std::string_view(named->id) == shared.format)
                return FormatGuess{named->id, given, ""};
    // GML is CityGML only when the type or the URL says so.
    if ((type == "application/gml+xml" || type == "text/xml" || type == "application/xml") &&
        (full.find("citygml") != std::string::npos || lower(href).find("citygml") != std::string::npos))
        return guessOf(*registry::record::findFormat("citygml"), given);
    if (const registry::record::Format* format = registry::record::formatOfMediaType(type)) return guessOf(*format, given);
    if (type.empty()) return std::nullopt;
    return FormatGuess{"other", given, ""};
}

std::optional<FormatGuess> formatFromFileName(std::string_view href) {
    std::string path = pathOf(href);
    const registry::record::FileSuffix* suffix = nullptr;
    if (const registry::record::Format* format = registry::record::formatOfFileName(path, &suffix))
        return guessOf(*format, suffix->mediaType);
    // Files of no twin format, so that they are at least served with their media type.
    static const registry::record::FileSuffix kOtherFiles[] = {
        {".zip", "application/zip"}, {".tif", "image/tiff"},      {".tiff", "image/tiff"}, {".pdf", "application/pdf"},
        {".xml", "application/xml"}, {".json", "application/json"}, {".html", "text/html"},
    };
    for (const registry::record::FileSuffix& other : kOtherFiles)
        if (endsWith(path, other.suffix)) return FormatGuess{"other", other.mediaType, ""};
    if (endsWith(path, ".gml"))
        return FormatGuess{path.find("citygml") != std::string::npos ? "citygml" : "other", "application/gml+xml", ""};
    return std::nullopt;
}

// "OGC:WMS", "OGC:WMS-1.3.0-http-get-map", "WMS", "OGC API - Features", href ?service=WFS ...
std::string ogcProtocol(std::string_view linkType, std::string_view href) {
    std::string type = lower(trim(linkType));
    std::string key;
    for (char c : type)
        if (std::isalnum(static_cast<unsigned char>(c))) key += c;
    if ((key.find("ogcapi") != std::string::npos || key.find("apifeatures") != std::string::npos) &&
        key.find("feature") != std::string::npos)
        return "ogcapi-features";
    for (const char* protocol : {"wmts", "wms", "wfs", "wcs"})
        if (startsWith(key, std::string("ogc") + protocol) || key == protocol) return protocol;
    std::string service = lower(queryValue(href, "service"));
    for (const char* protocol : {"wmts", "wms", "wfs", "wcs"})
        if (service == protocol) return protocol;
    return {};
}

FormatGuess serviceFormat(const std::string& protocol, std::string_view href) {
    FormatGuess g;
    std::string version = queryValue(href, "version");
    if (protocol == "wms") {
        g.format = "wms";
        g.mediaType = "application/vnd.ogc.wms_xml";
        g.version = version.empty() ? "" : version;
    } else if (protocol == "wmts") {
        g.format = "wmts";
        g.mediaType = "application/vnd.ogc.wmts_xml";
        g.version = version.empty() ? "1.0.0" : version;
    } else if (protocol == "ogcapi-features") {
        g.format = "ogcapi-features";
        g.mediaType = "application/geo+json";
        g.version = "1.0";
    } else if (protocol == "wfs") {
        std::string output = lower(queryValue(href, "outputformat"));
        if (output.find("csv") != std::string::npos) {
            g.format = "csv", g.mediaType = "text/csv", g.version = "RFC 4180";
        } else if (output.find("json") != std::string::npos) {
            g.format = "geojson", g.mediaType = "application/geo+json", g.version = "RFC 7946";
        } else if (output.find("geopackage") != std::string::npos || output.find("gpkg") != std::string::npos) {
            g.format = "gpkg", g.mediaType = "application/geopackage+sqlite3";
        } else if (output.find("shape") != std::string::npos || output.find("shp") != std::string::npos) {
            g.format = "other", g.mediaType = "application/zip", g.version = "Shapefile (zip)";
        } else {
            g.format = "other";
            g.mediaType = output.find("gml") != std::string::npos ? "application/gml+xml" : "application/xml";
            g.version = version.empty() ? "WFS" : "WFS " + version;
        }
    } else {  // wcs
        g.format = "other";
        g.mediaType = "application/xml";
        g.version = version.empty() ? "WCS" : "WCS " + version;
    }
    return g;
}

// The format of a link or distribution: OGC protocol, then media type, then file name, then other.
FormatGuess guessFormat(std::string_view href, std::string_view linkType) {
    const std::string type = trim(linkType);
    const bool mediaType = isMediaType(lower(type));
    std::string protocol = mediaType ? std::string() : ogcProtocol(type, href);
    if (protocol.empty()) {
        // A service endpoint (?service=WMS) given without a type or with an XML (capabilities) type.
        std::string service = ogcProtocol("", href);
        if (!service.empty() && (!mediaType || lower(type).find("xml") != std::string::npos)) protocol = service;
    }
    if (!protocol.empty()) return serviceFormat(protocol, href);
    std::optional<FormatGuess> byType = mediaType ? formatFromMediaType(type, href) : std::nullopt;
    if (byType && byType->format != "other") return *byType;
    std::optional<FormatGuess> byName = formatFromFileName(href);
    std::string lowerType = lower(type);
    bool genericType = !mediaType || lowerType == "application/octet-stream" || lowerType == "application/zip" ||
                       lowerType == "binary/octet-stream";
    if (byName && (byName->format != "other" && genericType)) return *byName;
    if (byType) return *byType;
    // pygeoapi's "download": WFS-style output formats in the query.
    std::string output = lower(queryValue(href, "outputformat"));
    if (!output.empty()) {
        if (output.find("csv") != std::string::npos) return {"csv", "text/csv", "RFC 4180"};
        if (output.find("json") != std::string::npos) return {"geojson", "application/geo+json", "RFC 7946"};
        if (output.find("shape") != std::string::npos || output.find("shp") != std::string::npos)
            return {"other", "application/zip", "Shapefile (zip)"};
        if (output.find("gpkg") != std::string::npos || output.find("geopackage") != std::string::npos)
            return {"gpkg", "application/geopackage+sqlite3", ""};
    }
    if (byName) return *byName;
    return {"other", "application/octet-stream", ""};
}

// ---------------------------------------------------------------------------------------------
// The mapper

constexpr std::size_t kMaxIdLength = 256;
constexpr std::size_t kMaxEntries = 1000;  // entries read from one foreign array (contacts, links, ...)

// Warnings about many entries of one member are counted, then reported once.
struct Dropped {
    Dropped(std::string at, std::string description) : pointer(std::move(at)), what(std::move(description)) {}
    std::string pointer;
    std::string what;
    std::size_t count = 0;
    std::string example;
    void add(std::string reason) {
        if (count++ == 0) example = std::move(reason);
    }
};

class Mapper {
public:
    Mapper(const JsonValue& in, const MappingContext& context, MappedRecord& out)
        : m_in(in), m_context(context), m_out(out), m_allocator(out.record.GetAllocator()) {}

    void run() {
        Json& record = m_out.record;
        record.SetObject();
        if (!m_in.IsObject()) {
            reject("", "The record is not a JSON object (a GeoJSON Feature).");
            return;
        }
        static const JsonValue kEmpty(rapidjson::kObjectType);
        m_props = objectMember(m_in, "properties");
        if (!m_props) {
            if (member(m_in, "properties")) warn("/properties", "'properties' is not an object; it was ignored.");
            m_props = &kEmpty;
        }

        mapId();
        record.AddMember("type", "Feature", m_allocator);
        mapGeometry();
        mapTime();
        recordUrl();

        m_p.SetObject();
        mapType();
        mapTitleAndDescription();
        mapPublisherAndContacts();
        mapThemesAndKeywords();
        mapAdminUnits();
        mapCrs();
        mapUpdated();
        mapLicenseAndRights();
        mapDistributions();
        mapOptional();
        record.AddMember("properties", m_p, m_allocator);
        mapLinks();
        mapConformsTo();
    }

    void warn(std::string pointer, std::string message) {
        m_out.warnings.push_back({std::move(pointer), std::move(message)});
    }
    void reject(std::string pointer, std::string message) {
        m_out.rejections.push_back({std::move(pointer), std::move(message)});
    }

private:
    const JsonValue& m_in;
    const MappingContext& m_context;
    MappedRecord& m_out;
    Allocator& m_allocator;
    const JsonValue* m_props = nullptr;
    JsonValue m_p;  // properties being built
    std::string m_title;
    std::string m_recordUrl;  // base for relative hrefs
    std::set<const JsonValue*> m_linksUsed;  // foreign links that became distributions

    JsonValue s(std::string_view value) { return str(value, m_allocator); }

    void report(const Dropped& dropped) {
        if (dropped.count == 0) return;
        warn(dropped.pointer, std::to_string(dropped.count) + " " + dropped.what + (dropped.count == 1 ? " was" : " were") +
                                  " left out (e.g. " + dropped.example + ").");
    }

    // --- id ---
    void mapId() {
        const JsonValue* id = member(m_in, "id");
        std::string value;
        if (!id) {
            reject("/id", "The record has no 'id'; without one it cannot be tracked between harvests.");
        } else if (id->IsString()) {
            value = std::string(text(*id));
            if (value.empty()) reject("/id", "The record's 'id' is empty.");
        } else if (id->IsNumber()) {
            value = numberText(*id);
        } else {
            reject("/id", "The record's 'id' must be a string or a number.");
        }
        if (value.size() > kMaxIdLength) {
            reject("/id", "The record's 'id' is longer than " + std::to_string(kMaxIdLength) + " characters.");
        }
        m_out.id = value;
        m_out.record.AddMember("id", s(value), m_allocator);
    }

    // --- geometry ---
    std::optional<registry::record::Bbox> fallbackBbox(std::string& where) {
        if (const JsonValue* bbox = member(m_in, "bbox"))
            if (auto box = registry::record::readGeojsonBbox(*bbox)) {
                where = "its 'bbox'";
                return box;
            }
        const JsonValue* extent = objectMember(*m_props, "extent");
        const JsonValue* spatial = extent ? objectMember(*extent, "spatial") : nullptr;
        if (!spatial) return std::nullopt;
        if (auto crs = common::stringMember(*spatial, "crs")) {
            std::string c = lower(*crs);
            if (c.find("crs84") == std::string::npos && !endsWith(c, "/4326") && !endsWith(c, ":4326"))
                return std::nullopt;
        }
        const JsonValue* bbox = member(*spatial, "bbox");
        if (!bbox || !bbox->IsArray() || bbox->Empty()) return std::nullopt;
        const JsonValue& first = (*bbox)[0].IsArray() ? (*bbox)[0] : *bbox;
        if (auto box = registry::record::readGeojsonBbox(first)) {
            where = "properties.extent.spatial.bbox";
            return box;
        }
        return std::nullopt;
    }

    void mapGeometry() {
        Json& record = m_out.record;
        const JsonValue* geometry = member(m_in, "geometry");
        std::string where;
        if (!geometry || geometry->IsNull()) {
            if (auto box = fallbackBbox(where)) {
                record.AddMember("geometry", registry::record::boxGeometry(*box, m_allocator), m_allocator);
                warn("/geometry", "The record has no geometry; its footprint is the bounding box from " + where + ".");
            } else {
                record.AddMember("geometry", JsonValue(rapidjson::kNullType), m_allocator);
                warn("/geometry", "The record has no footprint (geometry null): it cannot be found by a bbox search.");
            }
            return;
        }
        auto type = geometry->IsObject() ? common::stringMember(*geometry, "type") : std::nullopt;
        const JsonValue* coordinates = geometry->IsObject() ? member(*geometry, "coordinates") : nullptr;
        if (type && coordinates) {
            bool keep = false;
            if (*type == "Point") keep = registry::record::isPosition(*coordinates);
            else if (*type == "Polygon") keep = registry::record::isPolygon(*coordinates);
            else if (*type == "MultiPolygon") {
                keep = coordinates->IsArray() && !coordinates->Empty();
                if (keep)
                    for (const auto& polygon : coordinates->GetArray()) keep = keep && registry::record::isPolygon(polygon);
            }
            if (keep) {
                JsonValue copy(rapidjson::kObjectType);
                copy.AddMember("type", s(*type), m_allocator);
                if (*type == "Polygon" && coordinates->Size() == 1 && registry::record::swappedBox((*coordinates)[0])) {
                    copy = registry::record::boxGeometry(*registry::record::coordinatesEnvelope(*coordinates),
                                                         m_allocator);
                    warn("/geometry",
                         "The footprint rectangle was written with minimum and maximum swapped; it was rewritten "
                         "in bounding-box order.");
                } else {
                    copy.AddMember("coordinates", JsonValue(*coordinates, m_allocator), m_allocator);
                }
                record.AddMember("geometry", copy, m_allocator);
                return;
            }
        }
        const std::optional<registry::record::Bbox> box = registry::record::envelope(*geometry);
        const bool outside = box && !registry::record::isWgs84(*box);  // e.g. RD New metres
        if (box && !outside) {
            record.AddMember("geometry", registry::record::boxGeometry(*box, m_allocator), m_allocator);
            warn("/geometry", "The geometry" + (type ? " (" + std::string(*type) + ")" : std::string()) +
                                  " is not a footprint the profile accepts (Polygon, MultiPolygon, Point); its "
                                  "bounding box is used instead.");
            return;
        }
        if (auto fallback = fallbackBbox(where)) {
            record.AddMember("geometry", registry::record::boxGeometry(*fallback, m_allocator), m_allocator);
            warn("/geometry", "The geometry is not usable (" +
                                  std::string(outside ? "coordinates outside WGS84 longitude/latitude"
                                                      : "no coordinates") +
                                  "); the footprint is the bounding box from " + where + ".");
            return;
        }
        record.AddMember("geometry", JsonValue(rapidjson::kNullType), m_allocator);
        reject("/geometry",
               outside ? "The geometry has coordinates outside WGS84 longitude/latitude (a projected CRS such as RD "
                         "New?) and the record has no usable bbox: its footprint is unusable."
                       : "The geometry is not a GeoJSON geometry with coordinates: its footprint is unusable.");
    }

    // --- time ---
    // Returns true when `value` gave a usable time (added to the record); `present` when it said something.
    bool timeFromInterval(const JsonValue& interval, const std::string& pointer, bool& present) {
        const JsonValue* pair = &interval;
        if (pair->IsArray() && pair->Size() >= 1 && (*pair)[0].IsArray()) pair = &(*pair)[0];  // [[a, b]]
        if (!pair->IsArray() || pair->Size() != 2) {
            present = true;
            warn(pointer, "The temporal interval is not a pair [start, end]; it was left out.");
            return false;
        }
        present = true;
        bool guessed = false;
        End start = intervalEnd((*pair)[0], guessed), end = intervalEnd((*pair)[1], guessed);
        if (start.kind == End::Bad || end.kind == End::Bad) {
            warn(pointer, "The temporal interval has an end that is not an RFC 3339 date or date-time; it was left out.");
            return false;
        }
        if (start.kind == End::Open && end.kind == End::Open) {
            warn(pointer, "The temporal interval is open at both ends (it says nothing); the record has no time.");
            return false;
        }
        if (start.kind == End::Valid && end.kind == End::Valid &&
            *common::parseRfc3339(start.value) > *common::parseRfc3339End(end.value)) {
            warn(pointer, "The temporal interval starts after it ends; it was left out.");
            return false;
        }
        if (guessed) warn(pointer, "A time in the temporal interval has no UTC offset or is incomplete; it was read as UTC.");
        JsonValue values(rapidjson::kArrayType);
        values.PushBack(start.kind == End::Valid ? s(start.value) : s(".."), m_allocator);
        values.PushBack(end.kind == End::Valid ? s(end.value) : s(".."), m_allocator);
        JsonValue time(rapidjson::kObjectType);
        time.AddMember("interval", values, m_allocator);
        if (const JsonValue* top = startsWith(pointer, "/time") ? objectMember(m_in, "time") : nullptr)
            if (auto resolution = nonEmptyMember(*top, "resolution")) time.AddMember("resolution", s(*resolution), m_allocator);
        m_out.record.AddMember("time", time, m_allocator);
        return true;
    }

    bool timeFromInstant(const JsonValue& value, const std::string& pointer, bool& present) {
        present = true;
        bool guessed = false;
        auto instant = value.IsString() ? normalizeInstant(text(value), guessed) : std::nullopt;
        if (!instant) {
            warn(pointer, "The time is not an RFC 3339 date or date-time; it was left out.");
            return false;
        }
        if (guessed) warn(pointer, "The time has no UTC offset or is incomplete; it was read as UTC.");
        JsonValue time(rapidjson::kObjectType);
        if (instant->size() == 10)
            time.AddMember("date", s(*instant), m_allocator);
        else
            time.AddMember("timestamp", s(*instant), m_allocator);
        m_out.record.AddMember("time", time, m_allocator);
        return true;
    }

    void mapTime() {
        bool present = false;
        if (const JsonValue* time = member(m_in, "time"); time && !time->IsNull()) {
            if (time->IsObject()) {
                if (const JsonValue* interval = member(*time, "interval")) {
                    if (timeFromInterval(*interval, "/time/interval", present)) return;
                } else if (const JsonValue* date = member(*time, "date")) {
                    if (timeFromInstant(*date, "/time/date", present)) return;
                } else if (const JsonValue* timestamp = member(*time, "timestamp")) {
                    if (timeFromInstant(*timestamp, "/time/timestamp", present)) return;
                }
            } else if (time->IsString()) {
                if (timeFromInstant(*time, "/time", present)) return;
            } else {
                present = true;
                warn("/time", "'time' is neither an object nor a date; it was left out.");
            }
        }
        const JsonValue* extent = objectMember(*m_props, "extent");
        const JsonValue* temporal = extent ? objectMember(*extent, "temporal") : nullptr;
        if (const JsonValue* interval = temporal ? member(*temporal, "interval") : nullptr)
            if (timeFromInterval(*interval, "/properties/extent/temporal/interval", present)) return;
        if (const JsonValue* datetime = member(*m_props, "datetime"); datetime && !datetime->IsNull())
            if (timeFromInstant(*datetime, "/properties/datetime", present)) return;
        const JsonValue* start = member(*m_props, "start_datetime");
        const JsonValue* end = member(*m_props, "end_datetime");
        if (start || end) {
            Json pair;
            pair.SetArray();
            pair.PushBack(start ? JsonValue(*start, pair.GetAllocator()) : JsonValue(), pair.GetAllocator());
            pair.PushBack(end ? JsonValue(*end, pair.GetAllocator()) : JsonValue(), pair.GetAllocator());
            if (timeFromInterval(pair, "/properties/start_datetime", present)) return;
        }
        (void)present;
    }

    // The record's own URL: its self link, else catalogUrl/items/{id}.
    void recordUrl() {
        if (const JsonValue* links = arrayMember(m_in, "links")) {
            for (const auto& link : links->GetArray()) {
                if (common::stringMember(link, "rel") != std::string_view("self")) continue;
                if (auto href = nonEmptyMember(link, "href")) {
                    std::string url = resolveUrl(m_context.catalogUrl, *href);
                    if (isHttpUrl(url)) {
                        m_recordUrl = url;
                        return;
                    }
                }
            }
        }
        m_recordUrl = itemsUrl() + "/" + percentEncode(m_out.id);
    }

    std::string itemsUrl() const {
        std::string base = baseOf(m_context.catalogUrl);
        if (!endsWith(base, "/items")) base += "/items";
        return base;
    }

    // --- properties.type ---
    void mapType() {
        const JsonValue* raw = member(*m_props, "type");
        std::string key = raw && raw->IsString() ? typeKey(text(*raw)) : std::string();
        std::string shown = raw && raw->IsString() ? "'" + std::string(text(*raw)) + "'" : std::string();
        static const char* const kDataset[] = {"dataset", "series", "datasetseries", "nongeographicdataset",
                                               "collection", "tile", "feature", "document"};
        static const char* const kService[] = {"service", "dataservice", "webservice", "api"};
        static const char* const kModel[] = {"model", "3dmodel", "digitaltwin", "software"};
        static const char* const kSimulation[] = {"simulation", "simulationresult", "simulationoutput", "modelrun",
                                                  "scenario"};
        std::string type = "dataset";
        if (key.empty()) {
            warn("/properties/type", "The record has no resource type; it is taken to be a dataset.");
        } else if (contains(kDataset, key)) {
            type = "dataset";
        } else if (contains(kService, key)) {
            type = "service";
        } else if (key == "application") {
            type = "service";
            warn("/properties/type", "The resource type 'application' was mapped to service.");
        } else if (contains(kModel, key)) {
            type = "model";
        } else if (contains(kSimulation, key)) {
            if (hasCompleteLineage()) {
                type = "simulation-result";
            } else {
                warn("/properties/type", "The resource type " + shown +
                                             " names a simulation result, but the record has no lineage (model, "
                                             "version, scenario, runDate); it is mapped to dataset.");
            }
        } else {
            warn("/properties/type",
                 "The resource type " + shown + " is not a twin record type; it is taken to be a dataset.");
        }
        m_p.AddMember("type", s(type), m_allocator);
    }

    bool hasCompleteLineage() const {
        const JsonValue* lineage = objectMember(*m_props, "lineage");
        if (!lineage) return false;
        bool guessed = false;
        auto runDate = nonEmptyMember(*lineage, "runDate");
        return nonEmptyMember(*lineage, "model") && nonEmptyMember(*lineage, "version") &&
               nonEmptyMember(*lineage, "scenario") && runDate && normalizeInstant(*runDate, guessed) && !guessed;
    }

    // --- title, description ---
    void mapTitleAndDescription() {
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

    // --- publisher and contacts ---
    struct Party {
        std::string name;
        std::string organization;
        std::string url;  // an http(s) URL that identifies it
        std::vector<std::string> emails;
        std::string from;  // where it was found, for messages
    };

    static std::string roleKey(std::string_view role) {
        std::string key = lower(trim(role));
        std::size_t cut = key.find_last_of("#/:");
        if (cut != std::string::npos) key = key.substr(cut + 1);
        std::string out;
        for (char c : key)
            if (std::isalnum(static_cast<unsigned char>(c))) out += c;
        return out;
    }

    static std::vector<std::string> rolesOf(const JsonValue& contact) {
        std::vector<std::string> out;
        for (const char* name : {"roles", "role"}) {
            const JsonValue* roles = member(contact, name);
            if (!roles) continue;
            if (roles->IsString()) out.push_back(roleKey(text(*roles)));
            if (roles->IsArray())
                for (const auto& role : roles->GetArray())
                    if (role.IsString()) out.push_back(roleKey(text(role)));
        }
        return out;
    }

    static std::string firstHttpLink(const JsonValue& object) {
        if (const JsonValue* links = arrayMember(object, "links"))
            for (rapidjson::SizeType i = 0; i < links->Size() && i < kMaxEntries; ++i)
                if (auto href = nonEmptyMember((*links)[i], "href"); href && isHttpUrl(*href)) return *href;
        for (const char* name : {"url", "identifier", "href"})
            if (auto url = nonEmptyMember(object, name); url && isHttpUrl(*url)) return *url;
        if (const JsonValue* info = objectMember(object, "contactInfo"))
            if (const JsonValue* online = objectMember(*info, "onlineResource"))
                if (auto href = nonEmptyMember(*online, "href"); href && isHttpUrl(*href)) return *href;
        return {};
    }

    static Party partyOf(const JsonValue& object, std::string from) {
        Party party;
        party.from = std::move(from);
        party.name = nonEmptyMember(object, "name").value_or("");
        party.organization = nonEmptyMember(object, "organization").value_or("");
        if (party.organization.empty()) party.organization = nonEmptyMember(object, "organizationName").value_or("");
        party.url = firstHttpLink(object);
        if (auto id = nonEmptyMember(object, "id"); id && isHttpUrl(*id)) party.url = *id;
        if (auto email = nonEmptyMember(object, "email")) party.emails.push_back(*email);
        if (const JsonValue* info = objectMember(object, "contactInfo"))
            if (auto email = nonEmptyMember(*info, "email")) party.emails.push_back(*email);
        return party;
    }

    // pygeoapi: "Team Geo, geo-informatie@zaanstad.nl, Gemeente Zaanstad"
    static Party partyOfText(std::string_view value) {
        Party party;
        party.from = "properties.providers";
        std::vector<std::string> names;
        std::size_t start = 0;
        while (start <= value.size()) {
            std::size_t comma = value.find(',', start);
            std::string part = trim(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
            if (!part.empty()) {
                if (part.find('@') != std::string::npos && !hasWhitespace(part))
                    party.emails.push_back(part);
                else if (isHttpUrl(part))
                    party.url = part;
                else
                    names.push_back(part);
            }
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
        if (names.size() == 1) party.organization = names[0];
        if (names.size() >= 2) {
            party.name = names.front();
            party.organization = names.back();
        }
        return party;
    }

    static bool validEmail(std::string_view email) {
        return std::count(email.begin(), email.end(), '@') == 1 && email.front() != '@' && email.back() != '@' &&
               !hasWhitespace(email);
    }

    static bool isTooi(std::string_view url) {
        return startsWith(url, "https://identifier.overheid.nl/tooi/id/") ||
               startsWith(url, "http://identifier.overheid.nl/tooi/id/");
    }

    // A link object as the profile accepts it, or null.
    JsonValue normalizeLink(const JsonValue& link, const std::string& base) {
        auto href = nonEmptyMember(link, "href");
        auto rel = nonEmptyMember(link, "rel");
        if (!href || !rel) return JsonValue(rapidjson::kNullType);
        JsonValue out(rapidjson::kObjectType);
        out.AddMember("href", s(base.empty() ? *href : resolveUrl(base, *href)), m_allocator);
        out.AddMember("rel", s(*rel), m_allocator);
        if (auto type = nonEmptyMember(link, "type"); type && isMediaType(lower(*type)))
            out.AddMember("type", s(*type), m_allocator);
        for (const char* name : {"title", "hreflang"})
            if (const JsonValue* value = member(link, name); value && value->IsString())
                out.AddMember(JsonValue(name, m_allocator), s(text(*value)), m_allocator);
        if (const JsonValue* length = member(link, "length"); length && length->IsInt64() && length->GetInt64() >= 0)
            out.AddMember("length", JsonValue(length->GetInt64()), m_allocator);
        return out;
    }

    // A Records contact as the profile accepts it, or null (no name and no organization).
    JsonValue normalizeContact(const JsonValue& contact) {
        if (!contact.IsObject()) return JsonValue(rapidjson::kNullType);
        JsonValue out(rapidjson::kObjectType);
        auto name = nonEmptyMember(contact, "name");
        if (!name) name = nonEmptyMember(contact, "individualName");
        auto organization = nonEmptyMember(contact, "organization");
        if (!organization) organization = nonEmptyMember(contact, "organizationName");
        if (!name && !organization) return JsonValue(rapidjson::kNullType);
        if (const JsonValue* identifier = member(contact, "identifier"); identifier && identifier->IsString())
            out.AddMember("identifier", s(text(*identifier)), m_allocator);
        if (name) out.AddMember("name", s(*name), m_allocator);
        if (organization) out.AddMember("organization", s(*organization), m_allocator);
        for (const char* field : {"position", "contactInstructions", "hoursOfService"})
            if (const JsonValue* value = member(contact, field); value && value->IsString())
                out.AddMember(JsonValue(field, m_allocator), s(text(*value)), m_allocator);

        auto valueList = [&](const char* plural, const char* singular, bool email) {
            JsonValue list(rapidjson::kArrayType);
            auto addOne = [&](const JsonValue& entry) {
                std::optional<std::string> value;
                const JsonValue* roles = nullptr;
                if (entry.IsString()) value = trim(text(entry));
                if (entry.IsObject()) {
                    value = nonEmptyMember(entry, "value");
                    roles = arrayMember(entry, "roles");
                }
                if (!value || value->empty() || (email && !validEmail(*value))) return;
                JsonValue item(rapidjson::kObjectType);
                item.AddMember("value", s(*value), m_allocator);
                if (roles) {
                    JsonValue roleList(rapidjson::kArrayType);
                    for (rapidjson::SizeType i = 0; i < roles->Size() && i < kMaxEntries; ++i)
                        if ((*roles)[i].IsString()) roleList.PushBack(s(text((*roles)[i])), m_allocator);
                    item.AddMember("roles", roleList, m_allocator);
                }
                list.PushBack(item, m_allocator);
            };
            if (const JsonValue* values = member(contact, plural)) {
                if (values->IsArray()) {
                    for (rapidjson::SizeType i = 0; i < values->Size() && i < kMaxEntries; ++i) addOne((*values)[i]);
                } else {
                    addOne(*values);
                }
            }
            if (const JsonValue* value = member(contact, singular)) addOne(*value);
            if (!list.Empty()) out.AddMember(JsonValue(plural, m_allocator), list, m_allocator);
        };
        valueList("emails", "email", true);
        valueList("phones", "phone", false);

        JsonValue links(rapidjson::kArrayType);
        if (const JsonValue* foreign = arrayMember(contact, "links"))
            for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
                JsonValue link = normalizeLink((*foreign)[i], std::string());
                if (!link.IsNull()) links.PushBack(link, m_allocator);
            }
        if (auto url = nonEmptyMember(contact, "url"); url && isHttpUrl(*url)) {
            JsonValue link(rapidjson::kObjectType);
            link.AddMember("href", s(*url), m_allocator);
            link.AddMember("rel", "about", m_allocator);
            links.PushBack(link, m_allocator);
        }
        if (!links.Empty()) out.AddMember("links", links, m_allocator);

        JsonValue roles(rapidjson::kArrayType);
        for (const char* field : {"roles", "role"}) {
            const JsonValue* value = member(contact, field);
            if (!value) continue;
            if (value->IsString() && value->GetStringLength() > 0) roles.PushBack(s(text(*value)), m_allocator);
            if (value->IsArray())
                for (rapidjson::SizeType i = 0; i < value->Size() && i < kMaxEntries; ++i)
                    if ((*value)[i].IsString()) roles.PushBack(s(text((*value)[i])), m_allocator);
        }
        if (!roles.Empty()) out.AddMember("roles", roles, m_allocator);
        return out;
    }

    JsonValue contactOf(const Party& party, const char* role) {
        JsonValue contact(rapidjson::kObjectType);
        if (!party.name.empty()) contact.AddMember("name", s(party.name), m_allocator);
        if (!party.organization.empty()) contact.AddMember("organization", s(party.organization), m_allocator);
        JsonValue emails(rapidjson::kArrayType);
        for (const auto& email : party.emails)
            if (validEmail(email)) {
                JsonValue entry(rapidjson::kObjectType);
                entry.AddMember("value", s(email), m_allocator);
                emails.PushBack(entry, m_allocator);
            }
        if (!emails.Empty()) contact.AddMember("emails", emails, m_allocator);
        if (!party.url.empty()) {
            JsonValue links(rapidjson::kArrayType);
            JsonValue link(rapidjson::kObjectType);
            link.AddMember("href", s(party.url), m_allocator);
            link.AddMember("rel", "about", m_allocator);
            links.PushBack(link, m_allocator);
            contact.AddMember("links", links, m_allocator);
        }
        if (role) {
            JsonValue roles(rapidjson::kArrayType);
            roles.PushBack(JsonValue(role, m_allocator), m_allocator);
            contact.AddMember("roles", roles, m_allocator);
        }
        return contact;
    }

    void mapPublisherAndContacts() {
        // Contacts as the foreign record gives them.
        JsonValue contacts(rapidjson::kArrayType);
        std::vector<const JsonValue*> foreignContacts;  // parallel to `contacts`
        Dropped dropped{"/properties/contacts", "contacts without a name or an organization"};
        if (const JsonValue* foreign = member(*m_props, "contacts")) {
            if (!foreign->IsArray()) {
                warn("/properties/contacts", "'contacts' is not an array; it was ignored.");
            } else {
                for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
                    JsonValue contact = normalizeContact((*foreign)[i]);
                    if (contact.IsNull()) {
                        dropped.add("entry " + std::to_string(i + 1));
                        continue;
                    }
                    contacts.PushBack(contact, m_allocator);
                    foreignContacts.push_back(&(*foreign)[i]);
                }
                if (foreign->Size() > kMaxEntries)
                    warn("/properties/contacts", "Only the first " + std::to_string(kMaxEntries) + " contacts were read.");
            }
        }
        report(dropped);

        // Providers (pygeoapi strings, STAC objects).
        std::vector<Party> providers;
        if (const JsonValue* list = arrayMember(*m_props, "providers"))
            for (rapidjson::SizeType i = 0; i < list->Size() && i < kMaxEntries; ++i) {
                const JsonValue& entry = (*list)[i];
                Party party;
                if (entry.IsString()) party = partyOfText(text(entry));
                else if (entry.IsObject()) party = partyOf(entry, "properties.providers");
                if (!party.name.empty() || !party.organization.empty()) providers.push_back(std::move(party));
            }

        // The publisher.
        std::optional<Party> publisher;
        bool firstAnyRole = false;
        if (const JsonValue* given = member(*m_props, "publisher")) {
            if (given->IsObject()) {
                Party party = partyOf(*given, "properties.publisher");
                if (!party.name.empty() || !party.organization.empty()) publisher = party;
            } else if (auto name = nonEmpty(given)) {
                Party party;
                party.organization = *name;
                party.from = "properties.publisher";
                publisher = party;
            }
        }
        if (!publisher) {
            static const char* const kRoles[] = {"publisher",  "pointofcontact", "custodian", "owner",
                                                 "originator", "distributor",    "producer",  "resourceprovider"};
            for (const char* wanted : kRoles) {
                for (const JsonValue* contact : foreignContacts) {
                    auto roles = rolesOf(*contact);
                    if (std::find(roles.begin(), roles.end(), wanted) == roles.end()) continue;
                    publisher = partyOf(*contact, "the contact with role " + std::string(wanted));
                    break;
                }
                if (publisher) break;
            }
        }
        if (!publisher && !providers.empty()) publisher = providers.front();
        if (!publisher && !foreignContacts.empty()) {
            publisher = partyOf(*foreignContacts.front(), "the first contact");
            firstAnyRole = true;
        }

        JsonValue publisherJson(rapidjson::kObjectType);
        std::string name, id;
        if (publisher) {
            name = !publisher->organization.empty() ? publisher->organization : publisher->name;
            if (firstAnyRole)
                warn("/properties/publisher", "No contact has a publisher-like role; the first contact ('" + name +
                                                  "') is taken as the publisher.");
        } else {
            name = !m_context.sourceId.empty() ? m_context.sourceId : hostOf(m_context.catalogUrl);
            if (name.empty()) name = "unknown";
            warn("/properties/publisher", "The record names no publisher; the harvest source '" + name +
                                              "' is used as its name.");
        }
        // Reuse a twin publisher id as is.
        if (publisher && isHttpUrl(publisher->url)) id = publisher->url;
        if (id.empty()) {
            id = withoutFragment(m_context.catalogUrl) + "#publisher-" + slug(name);
            warn("/properties/publisher/id", "The publisher has no TOOI URI; '" + id +
                                                 "' identifies it within this catalog.");
        } else if (!isTooi(id)) {
            warn("/properties/publisher/id",
                 "The publisher has no TOOI URI; its web address '" + id + "' is used as its id.");
        }
        publisherJson.AddMember("id", s(id), m_allocator);
        publisherJson.AddMember("name", s(name), m_allocator);
        m_p.AddMember("publisher", publisherJson, m_allocator);

        if (contacts.Empty()) {
            if (!providers.empty()) {
                for (const Party& party : providers) contacts.PushBack(contactOf(party, nullptr), m_allocator);
                warn("/properties/contacts", "The record has no contacts; they were taken from 'providers'.");
            } else {
                Party party = publisher.value_or(Party{});
                if (party.organization.empty() && party.name.empty()) party.organization = name;
                if (!isHttpUrl(party.url) && isHttpUrl(id) && id.find('#') == std::string::npos) party.url = id;
                contacts.PushBack(contactOf(party, "publisher"), m_allocator);
                warn("/properties/contacts", "The record has no contacts; the publisher is given as its contact.");
            }
        }
        m_p.AddMember("contacts", contacts, m_allocator);
    }

    // --- themes and keywords ---
    void mapThemesAndKeywords() {
        std::vector<std::string> keywords;
        auto addKeyword = [&](std::string value) {
            value = trim(value);
            if (!value.empty() && std::find(keywords.begin(), keywords.end(), value) == keywords.end())
                keywords.push_back(std::move(value));
        };
        if (const JsonValue* foreign = member(*m_props, "keywords")) {
            if (foreign->IsString()) {
                addKeyword(std::string(text(*foreign)));
            } else if (foreign->IsArray()) {
                for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
                    const JsonValue& entry = (*foreign)[i];
                    if (entry.IsString()) addKeyword(std::string(text(entry)));
                    else if (auto keyword = nonEmptyMember(entry, "keyword")) addKeyword(*keyword);
                }
            }
        }

        std::vector<std::string> found;  // twin themes from words
        std::vector<std::string> declared;  // twin themes the record states in the twin scheme
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
                        themesIn(*id, found);
                        if (title) themesIn(*title, found);
                        if (!scheme) {
                            addKeyword(*id);
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

        for (const auto& keyword : keywords) themesIn(keyword, found);
        themesIn(m_title, found);

        std::vector<std::string> twinThemes = declared;
        std::vector<std::string> guessed;
        for (const auto& theme : found)
            if (std::find(twinThemes.begin(), twinThemes.end(), theme) == twinThemes.end()) {
                twinThemes.push_back(theme);
                guessed.push_back(theme);
            }
        if (!twinThemes.empty()) {
            JsonValue concepts(rapidjson::kArrayType);
            for (const auto& theme : twinThemes) {
                JsonValue item(rapidjson::kObjectType);
                item.AddMember("id", s(theme), m_allocator);
                concepts.PushBack(item, m_allocator);
            }
            JsonValue twin(rapidjson::kObjectType);
            twin.AddMember("scheme", JsonValue(registry::record::kTwinThemeScheme, m_allocator), m_allocator);
            twin.AddMember("concepts", concepts, m_allocator);
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
        if (!themes.Empty()) m_p.AddMember("themes", themes, m_allocator);
        if (!keywords.empty()) {
            JsonValue list(rapidjson::kArrayType);
            for (const auto& keyword : keywords) list.PushBack(s(keyword), m_allocator);
            m_p.AddMember("keywords", list, m_allocator);
        }
    }

    // --- adminUnits ---
    void mapAdminUnits() {
        JsonValue units(rapidjson::kArrayType);
        std::vector<std::string> seen;
        if (const JsonValue* foreign = arrayMember(*m_props, "adminUnits"))
            for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i)
                if ((*foreign)[i].IsString()) {
                    auto unit = registry::record::parseAdminUnit(trim(text((*foreign)[i])));
                    if (unit && std::find(seen.begin(), seen.end(), unit->code) == seen.end()) {
                        seen.push_back(unit->code);
                        units.PushBack(s(unit->code), m_allocator);
                    }
                }
        if (units.Empty()) {
            warn("/properties/adminUnits",
                 "The record names no administrative units (CBS codes); it will not be found by a municipality or "
                 "province filter.");
            return;
        }
        m_p.AddMember("adminUnits", units, m_allocator);
    }

    // --- crs ---
    void mapCrs() {
        std::vector<std::string> found;
        auto scan = [&](const JsonValue* value) {
            if (!value) return;
            auto one = [&](const JsonValue& entry) {
                std::optional<std::string> raw = entry.IsString() ? nonEmpty(&entry) : nonEmptyMember(entry, "id");
                if (!raw) raw = nonEmptyMember(entry, "href");
                if (!raw) return;
                std::string uri = registry::record::epsgUriOf(*raw);
                if (!uri.empty() && std::find(found.begin(), found.end(), uri) == found.end()) found.push_back(uri);
            };
            if (value->IsArray()) {
                for (rapidjson::SizeType i = 0; i < value->Size() && i < kMaxEntries; ++i) one((*value)[i]);
            } else {
                one(*value);
            }
        };
        scan(member(*m_props, "crs"));
        scan(member(*m_props, "conformsTo"));
        scan(member(m_in, "conformsTo"));
        JsonValue list(rapidjson::kArrayType);
        if (found.empty()) {
            list.PushBack(JsonValue((std::string(registry::record::kEpsgUriPrefix) + "4326").c_str(), m_allocator), m_allocator);
            warn("/properties/crs",
                 "The record states no coordinate reference system; WGS 84 (EPSG:4326) is assumed.");
        }
        for (const auto& uri : found) list.PushBack(s(uri), m_allocator);
        m_p.AddMember("crs", list, m_allocator);
    }

    // --- updated, created ---
    void mapUpdated() {
        std::optional<std::string> updated;
        for (const char* name : {"updated", "modified", "dateStamp", "created"}) {
            const JsonValue* value = member(*m_props, name);
            if (!value || !value->IsString()) continue;
            bool guessed = false;
            updated = normalizeInstant(text(*value), guessed);
            if (!updated) continue;
            if (std::string_view(name) != "updated")
                warn("/properties/updated", "The record has no 'updated'; its '" + std::string(name) + "' is used.");
            if (guessed)
                warn("/properties/updated", "The date of the last change had no UTC offset or was incomplete; it was read as UTC.");
            break;
        }
        if (!updated) {
            updated = "1970-01-01";
            warn("/properties/updated",
                 "The record does not say when it was last changed; 1970-01-01 stands for 'unknown'.");
        }
        m_p.AddMember("updated", s(*updated), m_allocator);
        if (const JsonValue* created = member(*m_props, "created"); created && created->IsString()) {
            bool guessed = false;
            if (auto value = normalizeInstant(text(*created), guessed)) m_p.AddMember("created", s(*value), m_allocator);
        }
    }

    // --- license, rights ---
    // Open: anyone may get the data (CC licences including NC/ND, open data licences, public domain).
    static bool openLicense(std::string_view license) {
        std::string l = lower(license);
        for (const char* open : {"cc0", "cc-by", "creativecommons.org/licenses/", "creativecommons.org/publicdomain",
                                 "odbl", "odc-by", "pddl", "opendatacommons.org", "open government licen",
                                 "public domain", "publicdomain", "publiek domein", "dl-de/by", "dl-de/zero",
                                 "etalab"})
            if (l.find(open) != std::string::npos) return true;
        const std::string words = wordsOf(license);
        for (const char* id : {" cc by ", " ogl ", " mit ", " apache 2 0 "})
            if (words.find(id) != std::string::npos) return true;
        return false;
    }

    static std::string rightsValue(std::string_view raw) {
        std::string key = typeKey(raw);  // last URI segment, alphanumerics, lower-case
        if (key == "public" || key == "openbaar" || key == "open" || key == "nolimitations" ||
            key == "geenbeperkingen")
            return "public";
        if (key == "restricted" || key == "beperkt" || key == "beperktopenbaar" || key == "restrictedaccess")
            return "restricted";
        if (key == "nonpublic" || key == "nietopenbaar" || key == "confidential" || key == "vertrouwelijk" ||
            key == "private")
            return "non-public";
        return {};
    }

    void mapLicenseAndRights() {
        std::optional<std::string> license = nonEmptyMember(*m_props, "license");
        std::string linkLicense;
        if (const JsonValue* links = arrayMember(m_in, "links"))
            for (rapidjson::SizeType i = 0; i < links->Size() && i < kMaxEntries; ++i)
                if (common::stringMember((*links)[i], "rel") == std::string_view("license"))
                    if (auto href = nonEmptyMember((*links)[i], "href")) {
                        linkLicense = resolveUrl(m_recordUrl, *href);
                        break;
                    }
        if (license) {
            std::string l = lower(*license);
            if ((l == "other" || l == "various" || l == "proprietary" || l == "see link") && !linkLicense.empty())
                license = linkLicense;
        } else if (!linkLicense.empty()) {
            license = linkLicense;
        }
        if (license)
            m_p.AddMember("license", s(*license), m_allocator);
        else
            warn("/properties/license", "The record states no licence.");

        std::string rights;
        for (const char* name : {"rights", "accessRights", "accessConstraints"}) {
            const JsonValue* value = member(*m_props, name);
            if (value && value->IsString()) rights = rightsValue(text(*value));
            if (value && value->IsArray())
                for (rapidjson::SizeType i = 0; i < value->Size() && i < kMaxEntries && rights.empty(); ++i)
                    if ((*value)[i].IsString()) rights = rightsValue(text((*value)[i]));
            if (!rights.empty()) break;
        }
        if (rights.empty()) {
            if (license && openLicense(*license)) {
                rights = "public";
                warn("/properties/rights", "The record does not say who may access the data; it is taken to be "
                                           "public because its licence is open.");
            } else {
                warn("/properties/rights",
                     "The record does not say who may access the data (public, restricted or non-public).");
                return;
            }
        }
        m_p.AddMember("rights", s(rights), m_allocator);
    }

    // --- distributions ---
    static bool isDataRel(std::string_view rel) {
        return rel == "enclosure" || rel == "download" || rel == "item" || rel == "items" || rel == "data" ||
               rel == "service";
    }
    static bool isNonDataRel(std::string_view rel) {
        return rel == "self" || rel == "collection" || rel == "root" || rel == "parent" || rel == "next" ||
               rel == "prev" || rel == "license" || rel == "describedby" || rel == "preview" || rel == "icon" ||
               rel == "search" || rel == "canonical" || rel == "via" || rel == "up";
    }

    void mapDistributions() {
        JsonValue list(rapidjson::kArrayType);
        std::vector<std::string> hrefs;
        std::size_t unknownVersions = 0;
        Dropped notHttp{"/properties/distributions", "download links that are not http(s) URLs"};

        auto add = [&](const std::string& href, const FormatGuess& guess, const JsonValue* source) {
            if (std::find(hrefs.begin(), hrefs.end(), href) != hrefs.end()) return;
            hrefs.push_back(href);
            JsonValue distribution(rapidjson::kObjectType);
            distribution.AddMember("href", s(href), m_allocator);
            distribution.AddMember("format", s(guess.format), m_allocator);
            std::string version = guess.version;
            if (version.empty()) {
                version = "unknown";
                ++unknownVersions;
            }
            distribution.AddMember("formatVersion", s(version), m_allocator);
            distribution.AddMember("mediaType",
                                   s(guess.mediaType.empty() ? std::string("application/octet-stream") : guess.mediaType),
                                   m_allocator);
            if (source) {
                if (auto title = nonEmptyMember(*source, "title")) distribution.AddMember("title", s(*title), m_allocator);
                for (const char* name : {"byteSize", "length"})
                    if (const JsonValue* size = member(*source, name); size && size->IsInt64() && size->GetInt64() >= 0) {
                        distribution.AddMember("byteSize", JsonValue(size->GetInt64()), m_allocator);
                        break;
                    }
                if (const JsonValue* checksum = objectMember(*source, "checksum")) {
                    auto algorithm = nonEmptyMember(*checksum, "algorithm");
                    auto value = nonEmptyMember(*checksum, "value");
                    if (algorithm && value) {
                        JsonValue entry(rapidjson::kObjectType);
                        entry.AddMember("algorithm", s(*algorithm), m_allocator);
                        entry.AddMember("value", s(*value), m_allocator);
                        distribution.AddMember("checksum", entry, m_allocator);
                    }
                }
            }
            list.PushBack(distribution, m_allocator);
        };

        // Twin-form distributions.
        if (const JsonValue* foreign = arrayMember(*m_props, "distributions"))
            for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
                const JsonValue& entry = (*foreign)[i];
                auto rawHref = nonEmptyMember(entry, "href");
                if (!rawHref) continue;
                std::string href = resolveUrl(m_recordUrl, *rawHref);
                if (!isHttpUrl(href)) {
                    notHttp.add("'" + *rawHref + "'");
                    continue;
                }
                auto mediaType = nonEmptyMember(entry, "mediaType");
                FormatGuess guess = guessFormat(href, mediaType.value_or(""));
                if (auto format = nonEmptyMember(entry, "format"); format && contains(registry::record::kFormats, *format))
                    guess.format = *format;
                if (auto version = nonEmptyMember(entry, "formatVersion")) guess.version = *version;
                if (mediaType) guess.mediaType = *mediaType;
                add(href, guess, &entry);
            }

        // Links.
        if (const JsonValue* links = arrayMember(m_in, "links"))
            for (rapidjson::SizeType i = 0; i < links->Size() && i < kMaxEntries; ++i) {
                const JsonValue& link = (*links)[i];
                auto rawHref = nonEmptyMember(link, "href");
                std::string rel = lower(nonEmptyMember(link, "rel").value_or(""));
                if (!rawHref) continue;
                std::string type = nonEmptyMember(link, "type").value_or("");
                std::string href = resolveUrl(m_recordUrl, *rawHref);
                FormatGuess guess = guessFormat(href, type);
                bool service = registry::record::isServiceFormat(guess.format) || !ogcProtocol(type, href).empty();
                bool take = isDataRel(rel) || (rel == "alternate" && guess.format != "other") ||
                            (service && !rel.empty() && rel != "alternate" && !isNonDataRel(rel));
                if (!take) continue;
                if (!isHttpUrl(href)) {
                    notHttp.add("'" + *rawHref + "'");
                    continue;
                }
                add(href, guess, &link);
                m_linksUsed.insert(&link);
            }
        report(notHttp);

        if (list.Empty()) {
            std::string href, mediaType = "application/geo+json";
            if (const JsonValue* links = arrayMember(m_in, "links"))
                for (const char* wanted : {"self", "alternate"}) {
                    for (rapidjson::SizeType i = 0; i < links->Size() && i < kMaxEntries && href.empty(); ++i) {
                        const JsonValue& link = (*links)[i];
                        if (common::stringMember(link, "rel") != std::string_view(wanted)) continue;
                        auto raw = nonEmptyMember(link, "href");
                        if (!raw) continue;
                        std::string url = resolveUrl(m_recordUrl, *raw);
                        if (!isHttpUrl(url)) continue;
                        href = url;
                        if (auto type = nonEmptyMember(link, "type"); type && isMediaType(lower(*type))) mediaType = *type;
                    }
                    if (!href.empty()) break;
                }
            if (href.empty()) href = m_recordUrl;
            if (isHttpUrl(href)) {
                FormatGuess guess{"other", mediaType, "OGC API - Records"};
                add(href, guess, nullptr);
                warn("/properties/distributions",
                     "The record has no download or service link; the catalog record itself (" + href +
                         ") is given as its only distribution.");
            } else {
                warn("/properties/distributions", "The record has no download or service link.");
            }
        }
        if (unknownVersions > 0)
            warn("/properties/distributions",
                 std::to_string(unknownVersions) + " distribution" + (unknownVersions == 1 ? " has" : "s have") +
                     " no known format version; 'unknown' is given.");
        if (!list.Empty()) m_p.AddMember("distributions", list, m_allocator);
    }

    // --- optional twin members ---
    void mapOptional() {
        if (const JsonValue* language = member(*m_props, "language")) {
            JsonValue out(rapidjson::kObjectType);
            if (auto code = nonEmpty(language)) {
                out.AddMember("code", s(*code), m_allocator);
            } else if (language->IsObject()) {
                if (auto code = nonEmptyMember(*language, "code")) {
                    out.AddMember("code", s(*code), m_allocator);
                    for (const char* field : {"name", "alternate"})
                        if (const JsonValue* value = member(*language, field); value && value->IsString())
                            out.AddMember(JsonValue(field, m_allocator), s(text(*value)), m_allocator);
                    if (auto dir = common::stringMember(*language, "dir");
                        dir && contains(registry::record::kTextDirections, *dir))
                        out.AddMember("dir", s(*dir), m_allocator);
                }
            }
            if (out.MemberCount() > 0) m_p.AddMember("language", out, m_allocator);
        }
        if (const JsonValue* ids = arrayMember(*m_props, "externalIds")) {
            JsonValue out(rapidjson::kArrayType);
            for (rapidjson::SizeType i = 0; i < ids->Size() && i < kMaxEntries; ++i) {
                auto value = nonEmptyMember((*ids)[i], "value");
                if (!value) continue;
                JsonValue entry(rapidjson::kObjectType);
                if (auto scheme = nonEmptyMember((*ids)[i], "scheme")) entry.AddMember("scheme", s(*scheme), m_allocator);
                entry.AddMember("value", s(*value), m_allocator);
                out.PushBack(entry, m_allocator);
            }
            if (!out.Empty()) m_p.AddMember("externalIds", out, m_allocator);
        }
        if (const JsonValue* lod = arrayMember(*m_props, "lod")) {
            JsonValue out(rapidjson::kArrayType);
            for (rapidjson::SizeType i = 0; i < lod->Size() && i < kMaxEntries; ++i) {
                std::string value = (*lod)[i].IsString() ? std::string(text((*lod)[i]))
                                    : (*lod)[i].IsNumber() ? numberText((*lod)[i])
                                                           : std::string();
                if (contains(registry::record::kLods, value)) out.PushBack(s(value), m_allocator);
            }
            if (!out.Empty()) m_p.AddMember("lod", out, m_allocator);
        }
        if (const JsonValue* accuracy = member(*m_props, "accuracy")) {
            if (accuracy->IsNumber() || accuracy->IsString() ||
                (accuracy->IsObject() && depthOf(*accuracy, 8) <= 8))
                m_p.AddMember("accuracy", JsonValue(*accuracy, m_allocator), m_allocator);
        }
        if (auto frequency = nonEmptyMember(*m_props, "updateFrequency"); frequency && isHttpUrl(*frequency))
            m_p.AddMember("updateFrequency", s(*frequency), m_allocator);
        if (const JsonValue* lineage = objectMember(*m_props, "lineage")) {
            JsonValue out(rapidjson::kObjectType);
            for (const char* field : {"model", "version", "scenario"})
                if (auto value = nonEmptyMember(*lineage, field))
                    out.AddMember(JsonValue(field, m_allocator), s(*value), m_allocator);
            if (auto runDate = nonEmptyMember(*lineage, "runDate")) {
                bool guessed = false;
                if (auto value = normalizeInstant(*runDate, guessed)) out.AddMember("runDate", s(*value), m_allocator);
            }
            if (const JsonValue* sources = arrayMember(*lineage, "sources")) {
                JsonValue list(rapidjson::kArrayType);
                for (rapidjson::SizeType i = 0; i < sources->Size() && i < kMaxEntries; ++i) {
                    auto title = nonEmptyMember((*sources)[i], "title");
                    if (!title) continue;
                    JsonValue entry(rapidjson::kObjectType);
                    entry.AddMember("title", s(*title), m_allocator);
                    if (auto href = nonEmptyMember((*sources)[i], "href"); href && isHttpUrl(*href))
                        entry.AddMember("href", s(*href), m_allocator);
                    list.PushBack(entry, m_allocator);
                }
                if (!list.Empty()) out.AddMember("sources", list, m_allocator);
            }
            if (out.MemberCount() > 0) m_p.AddMember("lineage", out, m_allocator);
        }
    }

    // --- links, conformsTo ---
    void mapLinks() {
        const JsonValue* foreign = arrayMember(m_in, "links");
        if (!foreign) return;
        JsonValue links(rapidjson::kArrayType);
        for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i) {
            if (m_linksUsed.count(&(*foreign)[i])) continue;
            JsonValue link = normalizeLink((*foreign)[i], m_recordUrl);
            if (!link.IsNull()) links.PushBack(link, m_allocator);
        }
        if (foreign->Size() > kMaxEntries)
            warn("/links", "Only the first " + std::to_string(kMaxEntries) + " links were read.");
        m_out.record.AddMember("links", links, m_allocator);
    }

    void mapConformsTo() {
        const JsonValue* foreign = arrayMember(m_in, "conformsTo");
        if (!foreign) return;
        JsonValue list(rapidjson::kArrayType);
        for (rapidjson::SizeType i = 0; i < foreign->Size() && i < kMaxEntries; ++i)
            if ((*foreign)[i].IsString() && isUri(text((*foreign)[i])) &&
                registry::record::epsgUriOf(trim(text((*foreign)[i]))).empty())
                list.PushBack(s(text((*foreign)[i])), m_allocator);
        if (!list.Empty()) m_out.record.AddMember("conformsTo", list, m_allocator);
    }
};

// True when `inner` is `outer` or lies inside it.
bool within(const std::string& inner, const std::string& outer) {
    if (inner == outer) return true;
    return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 && inner[outer.size()] == '/';
}

}  // namespace

MappedRecord mapOgcRecord(const JsonValue& foreign, const MappingContext& context,
                          const registry::record::Profile& profile) {
    MappedRecord out;
    try {
        Mapper mapper(foreign, context, out);
        mapper.run();
        if (!foreign.IsObject()) return out;

        Problems problems = profile.validate(out.record);
        Problems warned = out.warnings;
        for (Problem& problem : problems) {
            auto covers = [&](const Problem& own) { return within(problem.pointer, own.pointer); };
            if (std::any_of(out.rejections.begin(), out.rejections.end(), covers)) continue;
            if (registry::record::isEssentialProblem(problem.pointer)) {
                out.rejections.push_back(std::move(problem));
                continue;
            }
            // Already said as a warning: not repeated.
            if (std::any_of(warned.begin(), warned.end(), covers)) continue;
            out.warnings.push_back(std::move(problem));
        }
    } catch (const std::exception& error) {
        // Only allocation failure can get here; report it rather than take the harvest down.
        out.rejections.push_back({"", std::string("The record could not be mapped: ") + error.what()});
    }
    return out;
}

std::optional<std::string> readItemsPage(const JsonValue& page, const std::string& pageUrl, ItemsPage& out) {
    out = ItemsPage{};
    if (!page.IsObject()) return std::string("the items page is not a JSON object (a GeoJSON FeatureCollection)");
    auto type = common::stringMember(page, "type");
    if (!type || *type != "FeatureCollection")
        return std::string("the items page is not a GeoJSON FeatureCollection (its type is ") +
               (type ? "'" + std::string(type->substr(0, 80)) + "'" : std::string("missing")) + ")";
    const JsonValue* features = common::member(page, "features");
    if (!features) return std::string("the FeatureCollection has no 'features'");
    if (!features->IsArray()) return std::string("the FeatureCollection's 'features' is not an array");
    out.features.reserve(features->Size());
    for (const auto& feature : features->GetArray()) out.features.push_back(&feature);

    if (const JsonValue* matched = common::member(page, "numberMatched")) {
        if (matched->IsInt64() && matched->GetInt64() >= 0) out.numberMatched = matched->GetInt64();
    }

    const JsonValue* links = common::member(page, "links");
    if (!links || !links->IsArray()) return std::nullopt;
    std::string json, untyped, other;
    for (const auto& link : links->GetArray()) {
        if (common::stringMember(link, "rel") != std::string_view("next")) continue;
        auto href = common::stringMember(link, "href");
        if (!href || href->empty()) continue;
        auto linkType = common::stringMember(link, "type");
        std::string lowerType = linkType ? lower(*linkType) : std::string();
        std::string& slot = !linkType || lowerType.empty() ? untyped
                            : lowerType.find("json") != std::string::npos ? json
                                                                           : other;
        if (slot.empty()) slot = std::string(*href);
    }
    std::string chosen = !json.empty() ? json : !untyped.empty() ? untyped : std::string();
    if (chosen.empty()) {
        if (!other.empty())
            return std::string("the items page has only a next link that is not JSON ('") + other.substr(0, 200) + "')";
        return std::nullopt;
    }
    std::string next = resolveUrl(pageUrl, trim(chosen));
    if (!isHttpUrl(next)) return "the next link '" + next.substr(0, 200) + "' is not an http(s) URL";
    if (next == pageUrl) return "the next link points back to this page (" + next.substr(0, 200) + ")";
    out.nextUrl = std::move(next);
    return std::nullopt;
}

std::string canonicalJson(const JsonValue& value) {
    // RFC 8785 order and escaping (common/jcs), numbers as RapidJSON writes them.
    return common::canonicalJson(value, &numberText);
}

std::string contentHash(const JsonValue& value) {
    const std::string canonical = canonicalJson(value);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(canonical.data(), canonical.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed (OpenSSL EVP_Digest)");
    static const char* kHex = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

}  // namespace tweeling::federation::adapters
