#pragma once
// What the HTML files share (not part of the interface).
//   html_links.cpp   the links of a page, the Link header, response headers
//   html_shell.cpp   escaping, the page shell (head, trail, footer, the web UI's hooks), generic
//                    JSON rendering
//   html_pages.cpp   the landing and catalog pages, render (which page, which headers), the
//                    security headers
//   html_search.cpp  the search form and the page of search results
//   html_record.cpp  the record page and what a record shows (also in the search results)
#include "api/html.hpp"
#include "common/json.hpp"

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tweeling::registry::api::html::detail {

using common::Json;
using common::JsonValue;

inline constexpr const char* kCollectionPath = "/collections/twins";

// ---- JSON access ----
std::string stringOf(const JsonValue* value);
const JsonValue* memberOf(const JsonValue* object, const char* name);
std::string queryValue(const Request& request, const char* name);

// ---- links (html_links.cpp) ----
// The URL with its `f` parameters replaced by f.
std::string withFormat(const std::string& url, const char* f);
bool webUrl(std::string_view url);
bool ours(const std::string& href, const std::string& base);
std::vector<Link> linksOf(const JsonValue* array);
// The links of the JSON document `body` (doc: already parsed, or nullptr).
std::vector<Link> bodyLinks(Page page, const std::string& body, const JsonValue* doc);
std::vector<Link> pageLinks(Page page, const std::vector<Link>& bodyLinks, const std::string& base, bool forHtml);
void setHeader(Response& response, const std::string& name, const std::string& value);
bool isJson(const Response& response);

// ---- writing HTML (html_shell.cpp) ----
void put(std::string& out, std::string_view text);
void renderMembers(std::string& out, const JsonValue& object, const std::set<std::string>& skip, int depth);
// Each link by its title (else its URL), with its relation and media type.
void linkList(std::string& out, const char* heading, const std::vector<Link>& links, bool trusted);
Trail trail(Page page, const std::string& base, const std::string& last);
std::string title(const JsonValue& document, const std::string& fallback);

// ---- records (html_record.cpp) ----
const JsonValue* properties(const JsonValue& record);
std::string recordTitle(const JsonValue& record);
std::string recordHtmlUrl(const JsonValue& record, const std::string& base);
std::string joined(const std::vector<std::string>& words);
std::vector<std::string> themeNames(const JsonValue& record);
std::vector<std::string> formatNames(const JsonValue& record);

// ---- pages ----
// A plain GET form on the search; every field is a query parameter of /collections/twins/items.
void searchForm(std::string& out, const std::string& base, const Request& request);
std::string landingPage(const JsonValue& doc, const std::vector<Link>& links, const Shell& shell,
                        const Request& request);
std::string collectionPage(const JsonValue& doc, const std::vector<Link>& links, const Shell& shell,
                           const Request& request);
std::string itemsPage(const JsonValue& doc, const std::vector<Link>& links, const Shell& shell,
                      const Request& request);
std::string recordPage(const JsonValue& record, const std::vector<Link>& links, const Shell& shell);

}  // namespace tweeling::registry::api::html::detail
