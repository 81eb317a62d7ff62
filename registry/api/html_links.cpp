// The links of a page, for its Link header and its HTML head, and the response headers they go in.
#include "api/html_internal.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "common/url.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stream.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace tweeling::registry::api::html {

namespace detail {

namespace {

constexpr const char* kCatalogRel = "http://www.opengis.net/def/rel/ogc/1.0/ogc-catalog";
constexpr const char* kOpenApiType = "application/vnd.oai.openapi+json;version=3.0";
constexpr const char* kHtmlType = "text/html";
constexpr const char* kWhitespace = " \t\r\n";

// A representation of a page other than HTML, and the `f` that asks for it (nullptr: the default,
// what a client gets without f and without Accept).
struct Representation {
    const char* f;
    const char* type;
    const char* name;
};

const std::vector<Representation>& representations(Page page) {
    static const std::vector<Representation> catalog = {
        {"json", "application/json", "JSON"},
        {"jsonld", "application/ld+json", "DCAT-AP JSON-LD"},
        {"ttl", "text/turtle", "DCAT-AP Turtle"},
    };
    static const std::vector<Representation> records = {
        {nullptr, "application/geo+json", "GeoJSON"},
        {"json", "application/json", "JSON"},
        {"jsonld", "application/ld+json", "DCAT-AP JSON-LD"},
        {"ttl", "text/turtle", "DCAT-AP Turtle"},
    };
    return page == Page::Landing || page == Page::Collection ? catalog : records;
}

// The URL without its `f` parameters.
std::string stripFormat(const std::string& url) {
    auto question = url.find('?');
    if (question == std::string::npos) return url;
    std::string out = url.substr(0, question);
    const char* separator = "?";
    std::size_t start = question + 1;
    while (start <= url.size()) {
        auto amp = url.find('&', start);
        if (amp == std::string::npos) amp = url.size();
        std::string parameter = url.substr(start, amp - start);
        start = amp + 1;
        if (parameter.empty() || parameter == "f" || parameter.rfind("f=", 0) == 0) continue;
        out += separator + parameter;
        separator = "&";
    }
    return out;
}

// The top-level links of a JSON document. A page of search results writes them last, so they are
// read from the tail without parsing the records; any other layout falls back to a full parse.
std::vector<Link> topLevelLinks(const std::string& body) {
    static const std::string kMember = "\"links\":";
    auto at = body.rfind(kMember);
    if (at != std::string::npos && at > 0) {
        auto before = body.find_last_not_of(kWhitespace, at - 1);
        auto start = body.find_first_not_of(kWhitespace, at + kMember.size());
        if (before != std::string::npos && (body[before] == ',' || body[before] == '{') && start != std::string::npos &&
            body[start] == '[') {
            // A copy of the tail (the links), padded: RapidJSON's SSE2 string scan reads whole
            // 16-byte blocks, past the end of a string that is not (common::kSimdPadding).
            std::string tail = body.substr(start);
            tail.append(common::kSimdPadding, '\0');
            rapidjson::StringStream stream(tail.c_str());
            Json doc;
            doc.ParseStream<rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseIterativeFlag>(stream);
            if (!doc.HasParseError() && doc.IsArray()) {
                // Only the last member of the top-level object: nothing but its closing brace follows.
                auto rest = body.find_first_not_of(kWhitespace, start + stream.Tell());
                if (rest != std::string::npos && body[rest] == '}' &&
                    body.find_first_not_of(kWhitespace, rest + 1) == std::string::npos)
                    return linksOf(&doc);
            }
        }
    }
    Json doc;
    if (common::parseUntrusted(body, doc) || !doc.IsObject()) return {};
    return linksOf(common::member(doc, "links"));
}

std::string defaultSelf(Page page, const std::string& base) {
    switch (page) {
        case Page::Landing:
            return base + "/";
        case Page::Collection:
            return base + kCollectionPath;
        default:
            return base + kCollectionPath + "/items";
    }
}

}  // namespace

std::string withFormat(const std::string& url, const char* f) {
    std::string plain = stripFormat(url);
    return plain + (plain.find('?') == std::string::npos ? "?f=" : "&f=") + f;
}

bool webUrl(std::string_view url) {
    return common::startsWithIgnoreCaseAscii(url, "http://") || common::startsWithIgnoreCaseAscii(url, "https://");
}

std::vector<Link> linksOf(const JsonValue* array) {
    std::vector<Link> links;
    if (!array || !array->IsArray()) return links;
    for (const auto& value : array->GetArray()) {
        Link link{stringOf(memberOf(&value, "href")), stringOf(memberOf(&value, "rel")),
                  stringOf(memberOf(&value, "type")), stringOf(memberOf(&value, "title"))};
        if (!link.href.empty() && !link.rel.empty()) links.push_back(std::move(link));
    }
    return links;
}

bool ours(const std::string& href, const std::string& base) {
    return href.rfind(base + "/", 0) == 0;
}

// The links of a page for its Link header and HTML head: self, every other representation of the
// page, then the links of the JSON document (paging links lead to HTML pages from an HTML page), and
// the API definition and the catalog (Autodiscovery) where the document has none.
std::vector<Link> pageLinks(Page page, const std::vector<Link>& bodyLinks, const std::string& base, bool forHtml) {
    const Link* self = nullptr;
    for (const auto& link : bodyLinks)
        if (link.rel == "self" && (page != Page::Record || ours(link.href, base))) {
            self = &link;
            break;
        }
    std::string canonical = stripFormat(self ? self->href : defaultSelf(page, base));
    const auto& others = representations(page);
    std::string selfType = others.front().type;
    if (forHtml)
        selfType = kHtmlType;
    else if (self && !self->type.empty())
        selfType = self->type;

    std::vector<Link> links;
    std::string selfHref = canonical;
    if (forHtml)
        selfHref = withFormat(canonical, "html");
    else if (self)
        selfHref = self->href;
    links.push_back({selfHref, "self", selfType, "This document"});
    for (const auto& representation : others) {
        if (selfType == representation.type) continue;
        links.push_back({representation.f ? withFormat(canonical, representation.f) : canonical, "alternate",
                         representation.type, std::string("This document as ") + representation.name});
    }
    if (!forHtml) links.push_back({withFormat(canonical, "html"), "alternate", kHtmlType, "This document as HTML"});
    for (const auto& link : bodyLinks) {
        if (link.rel == "self" || link.rel == "alternate") continue;
        // A record's own links (its publisher's) stay in the record; only the way to its catalog is ours.
        if (page == Page::Record && !(link.rel == "collection" && ours(link.href, base))) continue;
        Link copy = link;
        if (forHtml && (link.rel == "next" || link.rel == "prev" || link.rel == "first" || link.rel == "last")) {
            copy.href = withFormat(link.href, "html");
            copy.type = kHtmlType;
        }
        links.push_back(std::move(copy));
    }
    auto has = [&](const std::string& rel, const std::string& type) {
        return std::any_of(links.begin(), links.end(),
                           [&](const Link& link) { return link.rel == rel && (type.empty() || link.type == type); });
    };
    if (!has("service-desc", ""))
        links.push_back({base + "/api", "service-desc", kOpenApiType, "The API definition (OpenAPI 3)"});
    std::string search = base + kCollectionPath + "/items";
    if (!has(kCatalogRel, "application/geo+json"))
        links.push_back({search, kCatalogRel, "application/geo+json", "The searchable catalog of twin records"});
    if (!has(kCatalogRel, kHtmlType))
        links.push_back({search + "?f=html", kCatalogRel, kHtmlType, "The searchable catalog of twin records (HTML)"});
    if ((page == Page::Items || page == Page::Record) && !has("collection", ""))
        links.push_back({base + kCollectionPath, "collection", "application/json", "The catalog"});
    return links;
}

void setHeader(Response& response, const std::string& name, const std::string& value) {
    auto& headers = response.headers;
    headers.erase(std::remove_if(headers.begin(), headers.end(),
                                 [&](const auto& entry) { return common::equalsIgnoreCaseAscii(entry.first, name); }),
                  headers.end());
    headers.emplace_back(name, value);
}

bool isJson(const Response& response) {
    std::string type = common::toLowerAscii(response.contentType.substr(0, response.contentType.find(';')));
    return type == "application/json" || type == "application/geo+json";
}

std::vector<Link> bodyLinks(Page page, const std::string& body, const JsonValue* doc) {
    if (doc) return linksOf(memberOf(doc, "links"));
    if (page == Page::Items) return topLevelLinks(body);
    Json parsed;
    if (common::parseUntrusted(body, parsed) || !parsed.IsObject()) return {};
    return linksOf(memberOf(&parsed, "links"));
}

}  // namespace detail

using namespace detail;

std::string header(const Response& response, const std::string& name) {
    for (const auto& [key, value] : response.headers)
        if (common::equalsIgnoreCaseAscii(key, name)) return value;
    return "";
}

void addLinkHeader(Page page, Response& response, const std::string& base) {
    if (response.status != 200 || !isJson(response)) return;
    std::vector<Link> links = pageLinks(page, bodyLinks(page, response.body, nullptr), base, false);
    setHeader(response, "Link", linkHeaderValue(links));
    setHeader(response, "Vary", "Accept");
}

std::string linkHeaderValue(const std::vector<Link>& links) {
    auto token = [](const std::string& text) {
        return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
            return std::isalnum(c) || (c != 0 && std::strchr("!#$%&*+-./:;=?@^_`|~ ", c));
        });
    };
    std::string out;
    for (const auto& link : links) {
        if (!token(link.rel)) continue;
        std::string href = common::percentEncode(link.href, common::percent::kUriReference);
        std::string entry = "<" + href + ">; rel=\"" + link.rel + "\"";
        if (token(link.type)) entry += "; type=\"" + link.type + "\"";
        bool printable = !link.title.empty() && std::all_of(link.title.begin(), link.title.end(), [](unsigned char c) {
            return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
        });
        if (printable) entry += "; title=\"" + link.title + "\"";
        if (entry.size() > kMaxLinkHeaderEntry || out.size() + 2 + entry.size() > kMaxLinkHeaderBytes) continue;
        if (!out.empty()) out += ", ";
        out += entry;
    }
    return out;
}

}  // namespace tweeling::registry::api::html
