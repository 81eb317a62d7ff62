// The landing and catalog pages, and the glue: whether HTML is wanted, the JSON request behind a
// page, and render (which page, which headers).
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

}  // namespace

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
    plain.headers.erase("accept");
    plain.headers.erase("if-none-match");
    return plain;
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

}  // namespace tweeling::registry::api::html
