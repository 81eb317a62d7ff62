#pragma once
// The pages a browser or a crawler lands on — the landing page, the catalog, a page of search
// results and a record — as small server-rendered HTML, and the RFC 8288 `Link` headers that let any
// client find the other representations and the catalog (OGC API – Records – Part 1, requirements
// class Autodiscovery, /req/autodiscovery/links).
//
// The JSON handlers answer first; these functions read their JSON response, so HTML and Link
// headers show exactly what JSON shows. Every value from a record is untrusted: text is escaped
// (&<>"'), made valid UTF-8, and only http(s) URLs of a record become links.
#include "api/api.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tweeling::registry::api::html {

enum class Page { Landing, Collection, Items, Record };

// What the shell of every HTML page needs beside the page itself, whichever program renders it (a
// node's pages, a hub's /sources and /twin).
struct Shell {
    std::string base;           // the base URL of links ("" for links relative to the host)
    std::string kind = "node";  // "node" or "hub" (ApiOptions::kind)
    bool webUi = false;         // the web UI is served at {base}/ui/ and loaded by every page
};

// The shell of `api`'s pages at `base`.
Shell shell(const Api& api, const std::string& base);

// True when the client asks for HTML: f=html, or (without f) an Accept header that prefers
// text/html to every other type it names (q-values honoured). A tie keeps JSON, so `*/*`, GIS
// clients and DCAT harvesters are unaffected; browsers (text/html before */*;q=0.8) get HTML.
bool wanted(const Request& request);

// The request the JSON handler answers on behalf of an HTML page: without f, Accept and
// If-None-Match (the HTML representation has its own ETag).
Request jsonRequest(const Request& request);

// Adds `Link` (RFC 8288: self, alternates, collection, paging, service-desc and the catalog) and
// `Vary: Accept` to a 200 JSON response of `page`. DCAT-AP and error responses pass unchanged.
void addLinkHeader(Page page, Response& response, const std::string& base);

// Turns the 200 JSON response of `page` (answered for jsonRequest(request)) into HTML with the
// same Link headers; its ETag, if any, gets an "-html" suffix. Other responses pass unchanged.
Response render(Page page, const Response& json, const Request& request, const Shell& shell);

// The value of the first header called `name` (case-insensitive); empty when absent.
std::string header(const Response& response, const std::string& name);

// The Content-Security-Policy, X-Content-Type-Options and Referrer-Policy headers of every response a
// browser renders or runs: the HTML pages and the web UI's files (static_files.hpp). The policy is
// the one place that says what the pages and the UI may load (html_pages.cpp).
void addSecurityHeaders(Response& response);

// Text for HTML content or a quoted attribute value: invalid UTF-8 becomes U+FFFD, control
// characters (other than tab and newline) are dropped, and & < > " ' become character references.
std::string escape(std::string_view text);

// One link of a page, as written in the Link header and the HTML head.
struct Link {
    std::string href;
    std::string rel;
    std::string type;
    std::string title;
};

// The Link header value (RFC 8288 §3): `<href>; rel="..."; type="..."`, comma-separated. Characters
// not allowed in a URI reference are percent-encoded; a rel or type that is not a plain token is
// left out, and so is a title that is not printable ASCII. The header stays small whatever the
// query: a link longer than kMaxLinkHeaderEntry, or one that would take the header past
// kMaxLinkHeaderBytes, is left out of it (it stays in the body, and in an HTML page's head).
// Clients refuse long header lines (Python's http.client at 64 KiB), and a search's links repeat
// its query several times.
inline constexpr std::size_t kMaxLinkHeaderEntry = 1024;
inline constexpr std::size_t kMaxLinkHeaderBytes = 4096;
std::string linkHeaderValue(const std::vector<Link>& links);

// ---- the page shell, for every program's pages ----

// An <a> element: the link and its label escaped.
void anchor(std::string& out, const std::string& href, std::string_view label);
// A URL that came from elsewhere (a record, a source's configuration): a link only when it is
// http(s), otherwise plain text.
void outsideUrl(std::string& out, const std::string& href, std::string_view label);
// A <dt>name</dt><dd>value</dd> pair of a definition list; nothing when the value is empty.
void term(std::string& out, const char* name, const std::string& value);

using Trail = std::vector<std::pair<std::string, std::string>>;  // href ("" for the current step), label

// One page inside the shell.
struct PageContent {
    // data-page, what the web UI shows: landing, catalog, search, record, sources, source or twin.
    const char* name;
    std::string title;
    // In the head (all but self) and, the alternates, in the footer. The first alternate in JSON or
    // GeoJSON is the page's JSON form (data-json), which the web UI reads.
    std::vector<Link> links;
    Trail trail;          // back to the landing page
    std::string content;  // inside <main>, the page as it is without script
};

// The document around a page's content. The page contract of the web UI:
//   <html lang="nl">; with the UI, in the head <link rel="stylesheet" href="{base}/ui/app.css"> and
//   <script type="module" src="{base}/ui/app.js">;
//   <body data-page="…" data-base="{base}" data-kind="node|hub" data-json="{the page's JSON form}">;
//   <nav> (the trail), with the UI an empty <div id="app"></div>, then the server-rendered <main>
//   (the first paint and what a browser without script shows) and a <footer>.
std::string document(const Shell& shell, const PageContent& page);

// A 200 HTML response of `html` with its Link header (RFC 8288), Vary: Accept and the security
// headers.
Response pageResponse(std::string html, const std::vector<Link>& links);

}  // namespace tweeling::registry::api::html
