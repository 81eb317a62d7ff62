#include "api/html.hpp"

#include "api/dcat.hpp"
#include "common/http.hpp"
#include "common/json.hpp"
#include "common/text.hpp"
#include "common/url.hpp"
#include "record/geometry.hpp"
#include "record/vocabulary.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stream.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <stdexcept>

namespace tweeling::registry::api::html {

using common::Json;
using common::JsonValue;

namespace {

constexpr const char* kCatalogRel = "http://www.opengis.net/def/rel/ogc/1.0/ogc-catalog";
constexpr const char* kOpenApiType = "application/vnd.oai.openapi+json;version=3.0";
constexpr const char* kHtmlType = "text/html";
constexpr const char* kCollectionPath = "/collections/twins";
constexpr const char* kWhitespace = " \t\r\n";
constexpr std::size_t kSummaryBytes = 320;  // of a description in a list of results
constexpr int kMaxRenderDepth = 16;

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

// The URL without its `f` parameters, and with f set.
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

std::string withFormat(const std::string& url, const char* f) {
    std::string plain = stripFormat(url);
    return plain + (plain.find('?') == std::string::npos ? "?f=" : "&f=") + f;
}

bool webUrl(std::string_view url) {
    return common::startsWithIgnoreCaseAscii(url, "http://") || common::startsWithIgnoreCaseAscii(url, "https://");
}

std::string stringOf(const JsonValue* value) {
    return value && value->IsString() ? std::string(value->GetString(), value->GetStringLength()) : "";
}

const JsonValue* memberOf(const JsonValue* object, const char* name) {
    return object && object->IsObject() ? common::member(*object, name) : nullptr;
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
            rapidjson::StringStream stream(body.c_str() + start);
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

// ---- Writing HTML ----

void put(std::string& out, std::string_view text) {
    out += escape(text);
}

void anchor(std::string& out, const std::string& href, std::string_view label) {
    out += "<a href=\"";
    put(out, href);
    out += "\">";
    put(out, label);
    out += "</a>";
}

// A URL that came with a record: a link only when it is http(s), otherwise plain text.
void outsideUrl(std::string& out, const std::string& href, std::string_view label) {
    if (webUrl(href))
        anchor(out, href, label.empty() ? href : label);
    else
        put(out, label.empty() ? href : label);
}

void scalar(std::string& out, const JsonValue& value) {
    if (value.IsString()) {
        std::string text = stringOf(&value);
        outsideUrl(out, text, text);
    } else if (value.IsBool()) {
        out += value.GetBool() ? "true" : "false";
    } else if (value.IsNull()) {
        out += "–";
    } else {
        put(out, common::toString(value));
    }
}

bool isScalar(const JsonValue& value) {
    return !value.IsObject() && !value.IsArray();
}

void renderValue(std::string& out, const JsonValue& value, int depth);

void renderMembers(std::string& out, const JsonValue& object, const std::set<std::string>& skip, int depth) {
    out += "<dl>";
    for (const auto& entry : object.GetObject()) {
        std::string name(entry.name.GetString(), entry.name.GetStringLength());
        if (skip.count(name)) continue;
        out += "<dt>";
        put(out, name);
        out += "</dt><dd>";
        renderValue(out, entry.value, depth + 1);
        out += "</dd>";
    }
    out += "</dl>";
}

// Any JSON value: objects as definition lists, arrays of scalars inline, other arrays as lists.
void renderValue(std::string& out, const JsonValue& value, int depth) {
    if (depth > kMaxRenderDepth) {
        out += "…";
    } else if (value.IsObject()) {
        renderMembers(out, value, {}, depth);
    } else if (value.IsArray()) {
        bool flat = std::all_of(value.Begin(), value.End(), [](const JsonValue& element) { return isScalar(element); });
        if (flat) {
            bool first = true;
            for (const auto& element : value.GetArray()) {
                if (!first) out += ", ";
                first = false;
                scalar(out, element);
            }
        } else {
            out += "<ul>";
            for (const auto& element : value.GetArray()) {
                out += "<li>";
                renderValue(out, element, depth + 1);
                out += "</li>";
            }
            out += "</ul>";
        }
    } else {
        scalar(out, value);
    }
}

void term(std::string& out, const char* name, const std::string& value) {
    if (value.empty()) return;
    out += "<dt>";
    out += name;
    out += "</dt><dd>";
    put(out, value);
    out += "</dd>";
}

// Each link by its title (else its URL), with its relation and media type.
void linkList(std::string& out, const char* heading, const std::vector<Link>& links, bool trusted) {
    if (links.empty()) return;
    out += "<h2>";
    out += heading;
    out += "</h2><ul class=\"links\">";
    for (const auto& link : links) {
        out += "<li>";
        std::string label = link.title.empty() ? link.href : link.title;
        if (trusted)
            anchor(out, link.href, label);
        else
            outsideUrl(out, link.href, label);
        out += " <small>";
        put(out, link.rel);
        if (!link.type.empty()) {
            out += " · ";
            put(out, link.type);
        }
        out += "</small></li>";
    }
    out += "</ul>";
}

std::string queryValue(const Request& request, const char* name) {
    auto it = request.query.find(name);
    return it == request.query.end() ? "" : it->second;
}

void textInput(std::string& out, const char* name, const char* label, const std::string& value, const char* hint) {
    out += "<label>";
    out += label;
    out += " <input type=\"text\" name=\"";
    out += name;
    out += "\" value=\"";
    put(out, value);
    out += "\" placeholder=\"";
    out += hint;
    out += "\"></label> ";
}

// A plain GET form on the search; every field is a query parameter of /collections/twins/items.
void searchForm(std::string& out, const std::string& base, const Request& request) {
    out += "<form class=\"search\" method=\"get\" action=\"";
    put(out, base + kCollectionPath + "/items");
    out += "\"><input type=\"hidden\" name=\"f\" value=\"html\">";
    textInput(out, "q", "Search", queryValue(request, "q"), "gebouwen, hittestress");
    textInput(out, "bbox", "Area", queryValue(request, "bbox"), "4.7,52.2,5.1,52.5");
    textInput(out, "datetime", "Time", queryValue(request, "datetime"), "2024-01-01/..");
    out += "<label>Type <select name=\"type\"><option value=\"\">any</option>";
    std::string type = queryValue(request, "type");
    for (const char* candidate : record::kRecordTypes) {
        out += "<option";
        if (type == candidate) out += " selected";
        out += ">";
        out += candidate;
        out += "</option>";
    }
    out += "</select></label> <button type=\"submit\">Search</button></form>";
}

// The document around a page's content: its links in the head, a trail back to the landing page,
// and the other representations in the footer.
std::string document(const std::string& title, const std::vector<Link>& links,
                     const std::vector<std::pair<std::string, std::string>>& crumbs, const std::string& content) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    put(out, title);
    out += "</title>\n";
    for (const auto& link : links) {
        if (link.rel == "self") continue;
        out += "<link rel=\"";
        put(out, link.rel);
        out += "\"";
        if (!link.type.empty()) {
            out += " type=\"";
            put(out, link.type);
            out += "\"";
        }
        out += " href=\"";
        put(out, link.href);
        out += "\"";
        if (!link.title.empty()) {
            out += " title=\"";
            put(out, link.title);
            out += "\"";
        }
        out += ">\n";
    }
    out +=
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:0 1rem;color:#222}"
        "nav,small,.meta{color:#555}a{color:#0645ad}dl{display:grid;grid-template-columns:max-content auto;"
        "gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}dd dl{grid-template-columns:max-content auto}"
        "ol.results>li{margin:0 0 1.2rem}ol.results h2{font-size:1.1rem;margin:0}"
        ".description{white-space:pre-line}form.search{margin:1rem 0;display:flex;flex-wrap:wrap;gap:.5rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}"
        "footer{margin:2rem 0;border-top:1px solid #ccc;padding-top:.5rem}</style>\n</head>\n<body>\n<nav>";
    bool first = true;
    for (const auto& [href, label] : crumbs) {
        if (!first) out += " › ";
        first = false;
        if (href.empty())
            put(out, label);
        else
            anchor(out, href, label);
    }
    out += "</nav>\n<main>\n";
    out += content;
    out += "\n</main>\n<footer>Also as ";
    first = true;
    for (const auto& link : links) {
        if (link.rel != "alternate") continue;
        if (!first) out += " · ";
        first = false;
        static const std::string kPrefix = "This document as ";
        bool named = link.title.rfind(kPrefix, 0) == 0;
        anchor(out, link.href, named ? link.title.substr(kPrefix.size()) : link.type);
    }
    out += ". ";
    for (const auto& link : links)
        if (link.rel == "service-desc") {
            anchor(out, link.href, "API definition (OpenAPI)");
            break;
        }
    out += "</footer>\n</body>\n</html>\n";
    return out;
}

std::vector<std::pair<std::string, std::string>> trail(Page page, const std::string& base, const std::string& last) {
    std::vector<std::pair<std::string, std::string>> steps = {{base + "/?f=html", "Home"}};
    if (page == Page::Landing) steps.back().first.clear();
    if (page != Page::Landing)
        steps.emplace_back(page == Page::Collection ? "" : base + kCollectionPath + "?f=html", "Catalog");
    if (page == Page::Items) steps.emplace_back("", "Records");
    if (page == Page::Record) {
        steps.emplace_back(base + kCollectionPath + "/items?f=html", "Records");
        steps.emplace_back("", last);
    }
    return steps;
}

std::string title(const JsonValue& document, const std::string& fallback) {
    std::string text = stringOf(memberOf(&document, "title"));
    return text.empty() ? fallback : text;
}

// ---- Records ----

const JsonValue* properties(const JsonValue& record) {
    return memberOf(&record, "properties");
}

std::string recordTitle(const JsonValue& record) {
    std::string text = stringOf(memberOf(properties(record), "title"));
    if (text.empty()) text = stringOf(memberOf(&record, "id"));
    return text.empty() ? "Untitled record" : text;
}

std::string recordHtmlUrl(const JsonValue& record, const std::string& base) {
    for (const auto& link : linksOf(memberOf(&record, "links")))
        if (link.rel == "self" && ours(link.href, base)) return withFormat(link.href, "html");
    return "";
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
    return text;
}

std::vector<std::string> themeNames(const JsonValue& record) {
    std::vector<std::string> names;
    const JsonValue* themes = memberOf(properties(record), "themes");
    if (!themes || !themes->IsArray()) return names;
    for (const auto& theme : themes->GetArray()) {
        const JsonValue* concepts = memberOf(&theme, "concepts");
        if (!concepts || !concepts->IsArray()) continue;
        for (const auto& concept : concepts->GetArray()) {
            std::string name = stringOf(memberOf(&concept, "title"));
            if (name.empty()) name = stringOf(memberOf(&concept, "id"));
            if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        }
    }
    return names;
}

std::vector<std::string> formatNames(const JsonValue& record) {
    std::vector<std::string> names;
    const JsonValue* distributions = memberOf(properties(record), "distributions");
    if (!distributions || !distributions->IsArray()) return names;
    for (const auto& distribution : distributions->GetArray()) {
        std::string name = stringOf(memberOf(&distribution, "format"));
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    return names;
}

// The first `bytes` bytes of a text, cut at a character boundary, with an ellipsis when cut.
std::string summary(const std::string& text, std::size_t bytes) {
    if (text.size() <= bytes) return text;
    std::size_t end = bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end) + "…";
}

std::string timeText(const JsonValue& record) {
    const JsonValue* time = memberOf(&record, "time");
    if (!time) return "";
    const JsonValue* interval = memberOf(time, "interval");
    if (interval && interval->IsArray() && interval->Size() == 2 && (*interval)[0].IsString() &&
        (*interval)[1].IsString())
        return stringOf(&(*interval)[0]) + " – " + stringOf(&(*interval)[1]);
    std::string instant = stringOf(memberOf(time, "timestamp"));
    return instant.empty() ? stringOf(memberOf(time, "date")) : instant;
}

// The footprint's type and envelope ("minLon,minLat,maxLon,maxLat"), or "" when it has none.
std::string footprint(const JsonValue& record) {
    const JsonValue* geometry = memberOf(&record, "geometry");
    std::optional<record::Bbox> box = geometry ? record::envelope(*geometry) : std::nullopt;
    if (!box) return "";
    char text[128];
    std::snprintf(text, sizeof text, "%.6g,%.6g,%.6g,%.6g", box->minX, box->minY, box->maxX, box->maxY);
    return stringOf(memberOf(geometry, "type")) + " within " + text;
}

void recordSummary(std::string& out, const JsonValue& record, const std::string& base) {
    const JsonValue* props = properties(record);
    out += "<li><article><h2>";
    std::string href = recordHtmlUrl(record, base);
    if (href.empty())
        put(out, recordTitle(record));
    else
        anchor(out, href, recordTitle(record));
    out += "</h2><p class=\"meta\">";
    std::string updated = stringOf(memberOf(props, "updated"));
    std::string line;
    for (const std::string& fact :
         {stringOf(memberOf(props, "type")), stringOf(memberOf(memberOf(props, "publisher"), "name")),
          updated.empty() ? updated : "updated " + updated})
        if (!fact.empty()) line += (line.empty() ? "" : " · ") + fact;
    put(out, line);
    out += "</p><p>";
    put(out, summary(stringOf(memberOf(props, "description")), kSummaryBytes));
    out += "</p>";
    std::string themes = joined(themeNames(record)), formats = joined(formatNames(record));
    if (!themes.empty() || !formats.empty()) {
        out += "<p class=\"meta\">";
        if (!themes.empty()) {
            out += "Themes: ";
            put(out, themes);
        }
        if (!themes.empty() && !formats.empty()) out += " · ";
        if (!formats.empty()) {
            out += "Formats: ";
            put(out, formats);
        }
        out += "</p>";
    }
    out += "</article></li>";
}

// ---- Pages ----

// The landing page and the catalog page: a title, a description, navigation, the search form,
// the document's other members and its links.
std::string overviewPage(const JsonValue& doc, const std::vector<Link>& links, const std::string& base,
                         const Request& request, Page page, const char* fallbackTitle,
                         const std::vector<std::pair<std::string, const char*>>& navigation, const char* about) {
    std::string name = title(doc, fallbackTitle);
    std::string content = "<h1>";
    put(content, name);
    content += "</h1>\n<p class=\"description\">";
    put(content, stringOf(memberOf(&doc, "description")));
    content += "</p>\n<p>";
    for (std::size_t i = 0; i < navigation.size(); ++i) {
        if (i) content += " · ";
        anchor(content, navigation[i].first, navigation[i].second);
    }
    content += "</p>\n";
    searchForm(content, base, request);
    content += "\n<h2>";
    content += about;
    content += "</h2>";
    renderMembers(content, doc, {"title", "description", "links"}, 0);
    linkList(content, "Links", links, true);
    return document(name, links, trail(page, base, ""), content);
}

std::string landingPage(const JsonValue& doc, const std::vector<Link>& links, const std::string& base,
                        const Request& request) {
    return overviewPage(doc, links, base, request, Page::Landing, "Tweeling registry",
                        {{base + kCollectionPath + "?f=html", "The catalog"},
                         {base + kCollectionPath + "/items?f=html", "All records"}},
                        "This node");
}

std::string collectionPage(const JsonValue& doc, const std::vector<Link>& links, const std::string& base,
                           const Request& request) {
    return overviewPage(doc, links, base, request, Page::Collection, "Catalog",
                        {{base + kCollectionPath + "/items?f=html", "All records"}}, "About this catalog");
}

std::string itemsPage(const JsonValue& doc, const std::vector<Link>& links, const std::string& base,
                      const Request& request) {
    std::int64_t matched = 0, offset = 0;
    if (const JsonValue* value = memberOf(&doc, "numberMatched"); value && value->IsInt64())
        matched = value->GetInt64();
    std::string offsetText = queryValue(request, "offset");
    if (!offsetText.empty() && offsetText.size() <= 18 &&
        std::all_of(offsetText.begin(), offsetText.end(), [](unsigned char c) { return std::isdigit(c); }))
        offset = std::atoll(offsetText.c_str());
    const JsonValue* features = memberOf(&doc, "features");
    std::size_t returned = features && features->IsArray() ? features->Size() : 0;

    std::string content = "<h1>Records</h1>\n";
    searchForm(content, base, request);
    content += "\n<p>";
    if (returned == 0) {
        content += matched == 0 ? "No records match." : "No records on this page.";
    } else {
        content += std::to_string(matched) + (matched == 1 ? " record matches" : " records match") + "; showing " +
                   std::to_string(offset + 1) + "–" + std::to_string(offset + static_cast<std::int64_t>(returned)) +
                   ".";
    }
    content += "</p>\n";
    if (returned > 0) {
        content += "<ol class=\"results\" start=\"" + std::to_string(offset + 1) + "\">";
        for (const auto& record : features->GetArray()) recordSummary(content, record, base);
        content += "</ol>\n";
    }
    content += "<p class=\"pager\">";
    for (const char* rel : {"prev", "next"})
        for (const auto& link : links)
            if (link.rel == rel) {
                anchor(content, link.href, link.rel == "prev" ? "← Previous page" : "Next page →");
                content += " ";
                break;
            }
    content += "</p>\n";
    if (const JsonValue* facets = memberOf(&doc, "facets"); facets && facets->IsObject()) {
        content += "<h2>Facets</h2><dl>";
        for (const auto& facet : facets->GetObject()) {
            content += "<dt>";
            put(content, std::string(facet.name.GetString(), facet.name.GetStringLength()));
            content += "</dt><dd>";
            if (facet.value.IsArray()) {
                bool first = true;
                for (const auto& value : facet.value.GetArray()) {
                    if (!first) content += ", ";
                    first = false;
                    put(content, stringOf(memberOf(&value, "value")));
                    const JsonValue* count = memberOf(&value, "count");
                    if (count && count->IsInt64()) content += " (" + std::to_string(count->GetInt64()) + ")";
                }
            }
            content += "</dd>";
        }
        content += "</dl>\n";
    }
    linkList(content, "Links", links, true);
    return document("Records", links, trail(Page::Items, base, ""), content);
}

std::string recordPage(const JsonValue& record, const std::vector<Link>& links, const std::string& base) {
    const JsonValue* props = properties(record);
    std::string name = recordTitle(record);
    std::string content = "<h1>";
    put(content, name);
    content += "</h1>\n<p class=\"description\">";
    put(content, stringOf(memberOf(props, "description")));
    content += "</p>\n<dl>";
    term(content, "Id", stringOf(memberOf(&record, "id")));
    term(content, "Type", stringOf(memberOf(props, "type")));
    const JsonValue* publisher = memberOf(props, "publisher");
    if (publisher) {
        content += "<dt>Publisher</dt><dd>";
        std::string publisherName = stringOf(memberOf(publisher, "name"));
        outsideUrl(content, stringOf(memberOf(publisher, "id")), publisherName);
        content += "</dd>";
    }
    term(content, "Themes", joined(themeNames(record)));
    term(content, "Updated", stringOf(memberOf(props, "updated")));
    term(content, "Time", timeText(record));
    term(content, "Footprint", footprint(record));
    term(content, "Origin", stringOf(memberOf(&record, "origin")));
    if (const JsonValue* verified = memberOf(&record, "verified"); verified && verified->IsBool())
        term(content, "Signature", verified->GetBool() ? "verified" : "not verified");
    content += "</dl>\n";

    const JsonValue* distributions = memberOf(props, "distributions");
    if (distributions && distributions->IsArray() && !distributions->Empty()) {
        content += "<h2>Distributions</h2><table><tr><th>Title</th><th>Format</th><th>Media type</th></tr>";
        for (const auto& distribution : distributions->GetArray()) {
            std::string href = stringOf(memberOf(&distribution, "href"));
            std::string label = stringOf(memberOf(&distribution, "title"));
            content += "<tr><td>";
            outsideUrl(content, href, label.empty() ? href : label);
            content += "</td><td>";
            put(content, stringOf(memberOf(&distribution, "format")));
            std::string version = stringOf(memberOf(&distribution, "formatVersion"));
            if (!version.empty()) put(content, " " + version);
            content += "</td><td>";
            put(content, stringOf(memberOf(&distribution, "mediaType")));
            content += "</td></tr>";
        }
        content += "</table>\n";
    }
    if (props && props->IsObject()) {
        content += "<h2>All properties</h2>";
        renderMembers(content, *props, {"title", "description"}, 0);
    }
    // Navigation links (ours) first, then the record's own links, which are only links when http(s).
    std::vector<Link> own;
    for (const auto& link : linksOf(memberOf(&record, "links")))
        if (!ours(link.href, base) || (link.rel != "self" && link.rel != "alternate" && link.rel != "collection"))
            own.push_back(link);
    linkList(content, "Links", links, true);
    linkList(content, "Links of the record", own, false);
    return document(name, links, trail(Page::Record, base, name), content);
}

std::vector<Link> bodyLinks(Page page, const std::string& body, const JsonValue* doc) {
    if (doc) return linksOf(memberOf(doc, "links"));
    if (page == Page::Items) return topLevelLinks(body);
    Json parsed;
    if (common::parseUntrusted(body, parsed) || !parsed.IsObject()) return {};
    return linksOf(memberOf(&parsed, "links"));
}

}  // namespace

bool wanted(const Request& request) {
    auto f = request.query.find("f");
    if (f != request.query.end()) return f->second == "html";
    const std::vector<common::MediaRange> accept = common::parseAccept(request.header("accept"));
    double html = std::max(common::acceptQuality(accept, "text/html"), common::acceptQuality(accept, "application/xhtml+xml"));
    // What else this server can answer with; types it never serves (images, XML) do not count.
    double other = 0;
    for (const char* type : {"application/json", "application/geo+json", "application/ld+json", "text/turtle"})
        other = std::max(other, common::acceptQuality(accept, type));
    return html > 0 && html > other;
}

Request jsonRequest(const Request& request) {
    Request plain = request;
    plain.query.erase("f");
    plain.headers.erase("accept");
    plain.headers.erase("if-none-match");
    return plain;
}

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

Response render(Page page, const Response& json, const Request& request, const std::string& base) {
    if (json.status != 200 || !isJson(json)) return json;
    Json doc;
    if (common::parseUntrusted(json.body, doc) || !doc.IsObject())
        throw std::runtime_error("the JSON of an HTML page is not a JSON object");
    std::vector<Link> links = pageLinks(page, bodyLinks(page, json.body, &doc), base, true);

    Response response;
    response.status = 200;
    response.contentType = "text/html; charset=utf-8";
    switch (page) {
        case Page::Landing:
            response.body = landingPage(doc, links, base, request);
            break;
        case Page::Collection:
            response.body = collectionPage(doc, links, base, request);
            break;
        case Page::Items:
            response.body = itemsPage(doc, links, base, request);
            break;
        case Page::Record:
            response.body = recordPage(doc, links, base);
            break;
    }
    for (const auto& [name, value] : json.headers) {
        std::string key = common::toLowerAscii(name);
        if (key == "etag" && value.size() >= 2 && value.back() == '"')
            response.headers.emplace_back(name, value.substr(0, value.size() - 1) + "-html\"");
        else if (key != "link" && key != "vary" && key != "content-type")
            response.headers.emplace_back(name, value);
    }
    setHeader(response, "Link", linkHeaderValue(links));
    setHeader(response, "Vary", "Accept");
    // Defence in depth: the pages need no script, no frame and nothing from elsewhere.
    setHeader(response, "Content-Security-Policy",
              "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
              "base-uri 'none'; frame-ancestors 'none'");
    return response;
}

std::string escape(std::string_view text) {
    std::string valid = dcat::rdf::cleanText(text);
    std::string out;
    out.reserve(valid.size() + valid.size() / 8);
    for (char c : valid) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') || c == 0x7F) break;
                out += c;
        }
    }
    return out;
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
