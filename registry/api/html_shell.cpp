// Writing HTML: escaping, the page shell (head with links, the web UI's hooks, trail, footer) and
// generic JSON rendering.
#include "api/dcat.hpp"
#include "api/html_internal.hpp"
#include "common/text.hpp"

#include <algorithm>

namespace tweeling::registry::api::html {

namespace detail {

namespace {

constexpr int kMaxRenderDepth = 16;

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

// The page's links (all but self) as <link> elements of the head.
void headLinks(std::string& out, const std::vector<Link>& links) {
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
}

void trailNav(std::string& out, const Trail& crumbs) {
    bool first = true;
    for (const auto& [href, label] : crumbs) {
        if (!first) out += " › ";
        first = false;
        if (href.empty())
            put(out, label);
        else
            anchor(out, href, label);
    }
}

// The other representations and the API definition.
void footer(std::string& out, const std::vector<Link>& links) {
    out += "\n</main>\n<footer>Also as ";
    bool first = true;
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
}

}  // namespace

void renderValue(std::string& out, const JsonValue& value, int depth);

std::string stringOf(const JsonValue* value) {
    return value && value->IsString() ? std::string(value->GetString(), value->GetStringLength()) : "";
}

const JsonValue* memberOf(const JsonValue* object, const char* name) {
    return object && object->IsObject() ? common::member(*object, name) : nullptr;
}

std::string queryValue(const Request& request, const char* name) {
    auto it = request.query.find(name);
    return it == request.query.end() ? "" : it->second;
}

void put(std::string& out, std::string_view text) {
    out += escape(text);
}

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

Trail trail(Page page, const std::string& base, const std::string& last) {
    Trail steps = {{base + "/?f=html", "Home"}};
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

}  // namespace detail

using namespace detail;

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

void anchor(std::string& out, const std::string& href, std::string_view label) {
    out += "<a href=\"";
    put(out, href);
    out += "\">";
    put(out, label);
    out += "</a>";
}

void outsideUrl(std::string& out, const std::string& href, std::string_view label) {
    if (webUrl(href))
        anchor(out, href, label.empty() ? href : label);
    else
        put(out, label.empty() ? href : label);
}

void term(std::string& out, const char* name, const std::string& value) {
    if (value.empty()) return;
    out += "<dt>";
    out += name;
    out += "</dt><dd>";
    put(out, value);
    out += "</dd>";
}

std::string document(const Shell& shell, const PageContent& page) {
    // The page's JSON form, for the web UI to read the same data the page shows.
    std::string json;
    for (const auto& link : page.links)
        if (link.rel == "alternate" && (link.type == "application/json" || link.type == "application/geo+json")) {
            json = link.href;
            break;
        }
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    put(out, page.title);
    out += "</title>\n";
    headLinks(out, page.links);
    out +=
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:0 1rem;color:#222}"
        "nav,small,.meta{color:#555}a{color:#0645ad}dl{display:grid;grid-template-columns:max-content auto;"
        "gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}dd dl{grid-template-columns:max-content auto}"
        "ol.results>li{margin:0 0 1.2rem}ol.results h2{font-size:1.1rem;margin:0}"
        ".description{white-space:pre-line}form.search{margin:1rem 0;display:flex;flex-wrap:wrap;gap:.5rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}"
        "footer{margin:2rem 0;border-top:1px solid #ccc;padding-top:.5rem}</style>\n";
    // After the page's own style, so that the app's rules win.
    if (shell.webUi) {
        out += "<link rel=\"stylesheet\" href=\"";
        put(out, shell.base + "/ui/app.css");
        out += "\">\n<script type=\"module\" src=\"";
        put(out, shell.base + "/ui/app.js");
        out += "\"></script>\n";
    }
    out += "</head>\n<body data-page=\"";
    put(out, page.name);
    out += "\" data-base=\"";
    put(out, shell.base);
    out += "\" data-kind=\"";
    put(out, shell.kind);
    out += "\" data-json=\"";
    put(out, json);
    out += "\">\n<nav>";
    trailNav(out, page.trail);
    out += "</nav>\n";
    if (shell.webUi) out += "<div id=\"app\"></div>\n";
    out += "<main>\n";
    out += page.content;
    footer(out, page.links);
    return out;
}

}  // namespace tweeling::registry::api::html
