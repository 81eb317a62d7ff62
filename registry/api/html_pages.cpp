// The landing and catalog pages, and the glue: whether HTML is wanted, the JSON request behind a
// page, render (which page, which headers), and the security headers of what browsers render.
#include "api/html_internal.hpp"
#include "common/http.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <stdexcept>

namespace tweeling::registry::api::html {

namespace detail {

namespace {

// The landing page and the catalog page: a title, a description, navigation, the search form,
// the document's other members and its links.
std::string overviewPage(const JsonValue& doc, const std::vector<Link>& links, const Shell& shell,
                         const Request& request, Page page, const char* name, const char* fallbackTitle,
                         const std::vector<std::pair<std::string, const char*>>& navigation, const char* about) {
    const std::string& base = shell.base;
    std::string heading = title(doc, fallbackTitle);
    std::string content = "<h1>";
    put(content, heading);
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
    return document(shell, {name, heading, links, trail(page, base, ""), content});
}

}  // namespace

std::string landingPage(const JsonValue& doc, const std::vector<Link>& links, const Shell& shell,
                        const Request& request) {
    const std::string& base = shell.base;
    return overviewPage(doc, links, shell, request, Page::Landing, "landing", "Tweeling registry",
                        {{base + kCollectionPath + "?f=html", "The catalog"},
                         {base + kCollectionPath + "/items?f=html", "All records"}},
                        "This node");
}

std::string collectionPage(const JsonValue& doc, const std::vector<Link>& links, const Shell& shell,
                           const Request& request) {
    return overviewPage(doc, links, shell, request, Page::Collection, "catalog", "Catalog",
                        {{shell.base + kCollectionPath + "/items?f=html", "All records"}}, "About this catalog");
}

}  // namespace detail

using namespace detail;

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
    // The page's language (nl, en) is the web UI's to read; the data behind the page is the same.
    plain.query.erase("lang");
    plain.headers.erase("accept");
    plain.headers.erase("if-none-match");
    return plain;
}

Response render(Page page, const Response& json, const Request& request, const Shell& shell) {
    if (json.status != 200 || !isJson(json)) return json;
    Json doc;
    if (common::parseUntrusted(json.body, doc) || !doc.IsObject())
        throw std::runtime_error("the JSON of an HTML page is not a JSON object");
    std::vector<Link> links = pageLinks(page, bodyLinks(page, json.body, &doc), shell.base, true);

    std::string html;
    switch (page) {
        case Page::Landing:
            html = landingPage(doc, links, shell, request);
            break;
        case Page::Collection:
            html = collectionPage(doc, links, shell, request);
            break;
        case Page::Items:
            html = itemsPage(doc, links, shell, request);
            break;
        case Page::Record:
            html = recordPage(doc, links, shell);
            break;
    }
    Response response = pageResponse(std::move(html), links);
    for (const auto& [name, value] : json.headers) {
        std::string key = common::toLowerAscii(name);
        if (key == "etag" && value.size() >= 2 && value.back() == '"')
            response.headers.emplace_back(name, value.substr(0, value.size() - 1) + "-html\"");
        else if (key != "link" && key != "vary" && key != "content-type")
            response.headers.emplace_back(name, value);
    }
    return response;
}

Response pageResponse(std::string html, const std::vector<Link>& links) {
    Response response;
    response.status = 200;
    response.contentType = "text/html; charset=utf-8";
    response.body = std::move(html);
    setHeader(response, "Link", linkHeaderValue(links));
    setHeader(response, "Vary", "Accept");
    addSecurityHeaders(response);
    return response;
}

void addSecurityHeaders(Response& response) {
    // Nothing but what the pages and the web UI need (defence in depth: escaping is the first line):
    // - scripts only from this server; 'wasm-unsafe-eval' lets CesiumJS compile its WebAssembly
    //   decoders (Draco, KTX2), and its workers and MapLibre's start from blob: URLs;
    // - styles from this server, and inline: MapLibre and CesiumJS set style attributes and inject
    //   style elements, and the server-rendered pages carry their own;
    // - images from anywhere over https: the background map's tiles come from the tile server the
    //   UI is configured with;
    // - connections (fetch, XHR) to any http(s) server: a 3D Tiles tileset, its content and
    //   textures come from each publisher's own server, named in records and in the national
    //   tileset, and some publishers serve them over plain http;
    // - the search form submits to this server only; no page may be framed (clickjacking).
    static const std::string kPolicy =
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; font-src 'self' data:; "
        "connect-src 'self' https: http:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    setHeader(response, "Content-Security-Policy", kPolicy);
    setHeader(response, "X-Content-Type-Options", "nosniff");
    setHeader(response, "Referrer-Policy", "no-referrer");
}

Shell shell(const Api& api, const std::string& base) {
    return {base, api.options().kind, api.webUiAvailable()};
}

}  // namespace tweeling::registry::api::html
