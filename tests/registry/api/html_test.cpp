// HTML pages and Link headers: OGC API – Records – Part 1, requirements class Autodiscovery
// (/req/autodiscovery/links, abstract test /conf/autodiscovery/links), against the real program.
#include "api/html.hpp"
#include "common/json.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <vector>

using namespace tweeling::test;
using tweeling::common::Json;
namespace html = tweeling::registry::api::html;

namespace {

const std::string kAmsterdam = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";
const std::string kCatalogRel = "http://www.opengis.net/def/rel/ogc/1.0/ogc-catalog";
const std::string kRecord = "gm0363-3dbag-lod22-tiles";
// What Firefox sends for a page; Chrome's is alike (image types at q=1, */* at 0.8).
const std::string kBrowserAccept =
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

Json parse(const std::string& text) {
    Json doc;
    doc.Parse(text.c_str(), text.size());
    INFO(text.substr(0, 2000));
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

std::string program() {
    return binPath("twin-registry");
}

struct Node {
    TempDir dir;
    std::string db = dir.file("node.db");
    std::unique_ptr<ServerProcess> server;
    std::string key;

    Node() {
        auto created = run({program(), "keys", "create", "--db", db, "--publisher", kAmsterdam, "--node-id", "gm0363"});
        REQUIRE(created.exitCode == 0);
        key = created.out.substr(0, created.out.find('\n'));
        auto imported = run({program(), "import", "--db", db, "--node-id", "gm0363",
                             sourcePath("deploy/samples/gm0363-amsterdam.json")});
        INFO(imported.err);
        REQUIRE(imported.exitCode == 0);
        // The pages as they are without the web UI, whether or not one is built in this tree
        // (web_ui_test.cpp has them with it).
        server = std::make_unique<ServerProcess>(std::vector<std::string>{program(), "serve", "--db", db, "--listen",
                                                                          "127.0.0.1:0", "--node-id", "gm0363",
                                                                          "--name", "Amsterdam", "--web-dir", ""});
    }
    std::string url(const std::string& path) const { return server->baseUrl() + path; }
};

struct FoundLink {
    std::string href, rel, type;
};

std::string unescape(std::string text) {
    for (auto [from, to] : {std::pair<const char*, const char*>{"&quot;", "\""},
                            {"&#39;", "'"},
                            {"&lt;", "<"},
                            {"&gt;", ">"},
                            {"&amp;", "&"}}) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + 1))
            text.replace(at, std::strlen(from), to);
    }
    return text;
}

// The <link> elements of an HTML page, read loosely (attribute order and spacing do not matter).
std::vector<FoundLink> htmlLinks(const std::string& page) {
    std::vector<FoundLink> links;
    std::regex element("<link\\s([^>]*)>", std::regex::icase);
    std::regex attribute("([a-zA-Z-]+)\\s*=\\s*\"([^\"]*)\"");
    for (std::sregex_iterator it(page.begin(), page.end(), element), end; it != end; ++it) {
        FoundLink link;
        std::string attributes = (*it)[1];
        for (std::sregex_iterator a(attributes.begin(), attributes.end(), attribute); a != end; ++a) {
            std::string name = (*a)[1], value = unescape((*a)[2]);
            if (name == "href") link.href = value;
            if (name == "rel") link.rel = value;
            if (name == "type") link.type = value;
        }
        links.push_back(link);
    }
    return links;
}

// A Link header (RFC 8288): <href>; rel="..."; type="...", ...
std::vector<FoundLink> headerLinks(const std::string& value) {
    std::vector<FoundLink> links;
    std::regex entry("<([^>]*)>((?:\\s*;\\s*[a-zA-Z*]+=\"[^\"]*\")*)");
    std::regex parameter("([a-zA-Z*]+)=\"([^\"]*)\"");
    for (std::sregex_iterator it(value.begin(), value.end(), entry), end; it != end; ++it) {
        FoundLink link{(*it)[1], "", ""};
        std::string parameters = (*it)[2];
        for (std::sregex_iterator p(parameters.begin(), parameters.end(), parameter); p != end; ++p) {
            if ((*p)[1] == "rel") link.rel = (*p)[2];
            if ((*p)[1] == "type") link.type = (*p)[2];
        }
        links.push_back(link);
    }
    return links;
}

const FoundLink* find(const std::vector<FoundLink>& links, const std::string& rel, const std::string& type = "") {
    for (const auto& link : links)
        if (link.rel == rel && (type.empty() || link.type == type)) return &link;
    return nullptr;
}

bool startsWith(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

// Fetches the link as an API client would (no Accept) and checks it answers with the link's type.
void requireResolves(const FoundLink& link) {
    INFO(link.rel + " " + link.type + " " + link.href);
    auto response = get(link.href);
    REQUIRE(response.status == 200);
    CHECK(startsWith(response.header("content-type"), link.type));
    if (link.type.find("json") != std::string::npos) parse(response.body);
}

std::string sampleWithTitle(const std::string& id, const std::string& title) {
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    Json doc;
    doc.CopyFrom(all[0], doc.GetAllocator());
    auto& allocator = doc.GetAllocator();
    doc["id"].SetString(id.c_str(), allocator);
    doc["properties"]["title"].SetString(title.c_str(), allocator);
    doc["properties"]["description"].SetString("<img src=x onerror=alert(1)> \"quoted\" & 'single'", allocator);
    tweeling::common::JsonValue link(rapidjson::kObjectType);
    link.AddMember("href", "javascript:alert(1)", allocator);
    link.AddMember("rel", "related", allocator);
    link.AddMember("title", "<b>not a link</b>", allocator);
    if (!doc.HasMember("links")) doc.AddMember("links", tweeling::common::JsonValue(rapidjson::kArrayType), allocator);
    doc["links"].PushBack(link, allocator);
    return tweeling::common::toString(doc);
}

}  // namespace

TEST_CASE("content negotiation: HTML only when asked for, JSON stays the default") {
    auto request = [](std::map<std::string, std::string> query, std::string accept) {
        tweeling::registry::api::Request r;
        r.query = std::move(query);
        if (!accept.empty()) r.headers["accept"] = std::move(accept);
        return r;
    };
    CHECK(html::wanted(request({{"f", "html"}}, "")));
    CHECK(html::wanted(request({{"f", "html"}}, "application/json")));
    CHECK(html::wanted(request({}, kBrowserAccept.substr(8))));
    CHECK(html::wanted(request({}, "text/html")));
    CHECK(html::wanted(request({}, "application/xhtml+xml, application/json;q=0.5")));
    CHECK_FALSE(html::wanted(request({}, "")));
    CHECK_FALSE(html::wanted(request({}, "*/*")));
    CHECK_FALSE(html::wanted(request({}, "application/geo+json, application/json")));  // GDAL
    CHECK_FALSE(html::wanted(request({}, "text/html, application/json")));             // a tie keeps JSON
    CHECK_FALSE(html::wanted(request({}, "text/html;q=0.4, */*;q=0.5")));
    CHECK_FALSE(html::wanted(request({}, "application/ld+json, text/html;q=0.9")));  // DCAT harvesters
    CHECK_FALSE(html::wanted(request({{"f", "json"}}, kBrowserAccept.substr(8))));
    CHECK_FALSE(html::wanted(request({{"f", "jsonld"}}, "text/html")));
}

TEST_CASE("escaping and Link header values") {
    CHECK(html::escape("<script>alert(\"x\")</script> & 'y'") ==
          "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    CHECK(html::escape("Den Haág") == "Den Haág");
    CHECK(html::escape(std::string("a\xff"
                                   "b\x01"
                                   "c",
                                   5)) ==
          "a\xEF\xBF\xBD"
          "bc");  // invalid UTF-8, control

    std::string value = html::linkHeaderValue({{"http://x/a b?<c>\r\nSet-Cookie: y", "alternate", "text/html", "Title"},
                                               {"http://x/", "bad\"rel", "", ""},
                                               {"http://x/d", "self", "application/json", "Tïtel \"q\""}});
    CHECK(value ==
          "<http://x/a%20b?%3Cc%3E%0D%0ASet-Cookie:%20y>; rel=\"alternate\"; type=\"text/html\"; title=\"Title\", "
          "<http://x/d>; rel=\"self\"; type=\"application/json\"");
}

TEST_CASE("Link headers of a JSON page are read from its links, wherever they are") {
    for (
        std::string body :
        {std::string(
             R"({"type":"FeatureCollection","features":[{"links":[{"href":"http://h/x","rel":"self"}]}],)"
             R"("links":[{"href":"http://h/collections/twins/items?limit=1&f=json","rel":"self","type":"application/json"},)"
             R"({"href":"http://h/collections/twins/items?limit=1&offset=1","rel":"next","type":"application/geo+json"}]})"),
         std::string(
             R"({"links":[{"href":"http://h/collections/twins/items?limit=1&f=json","rel":"self","type":"application/json"},)"
             R"({"href":"http://h/collections/twins/items?limit=1&offset=1","rel":"next","type":"application/geo+json"}],)"
             R"("features":[{"links":[{"href":"http://h/x","rel":"self"}]}]})")}) {
        INFO(body);
        tweeling::registry::api::Response response;
        response.contentType = "application/json";
        response.body = body;
        html::addLinkHeader(html::Page::Items, response, "http://h");
        auto links = headerLinks(html::header(response, "Link"));
        REQUIRE(find(links, "self"));
        CHECK(find(links, "self")->href == "http://h/collections/twins/items?limit=1&f=json");
        REQUIRE(find(links, "next"));
        CHECK(find(links, "next")->href == "http://h/collections/twins/items?limit=1&offset=1");
        REQUIRE(find(links, "alternate", "application/geo+json"));
        CHECK(find(links, "alternate", "application/geo+json")->href == "http://h/collections/twins/items?limit=1");
        REQUIRE(find(links, "alternate", "text/html"));
        CHECK(find(links, "alternate", "text/html")->href == "http://h/collections/twins/items?limit=1&f=html");
        CHECK(find(links, kCatalogRel, "application/geo+json"));
        CHECK(html::header(response, "Vary") == "Accept");
    }
}

TEST_CASE("browsers get HTML pages whose links lead to the JSON representations and the catalog") {
    Node node;
    const std::vector<std::pair<std::string, std::vector<std::string>>> pages = {
        {"/", {"application/json", "application/ld+json", "text/turtle"}},
        {"/collections/twins", {"application/json", "application/ld+json", "text/turtle"}},
        {"/collections/twins/items?limit=2&q=gebouwen",
         {"application/geo+json", "application/json", "application/ld+json", "text/turtle"}},
        {"/collections/twins/items/" + kRecord,
         {"application/geo+json", "application/json", "application/ld+json", "text/turtle"}},
    };
    for (const auto& [path, alternates] : pages) {
        for (bool byParameter : {false, true}) {
            std::string url = node.url(path);
            if (byParameter) url += (path.find('?') == std::string::npos ? "?f=html" : "&f=html");
            INFO(url);
            auto page = byParameter ? get(url) : get(url, {kBrowserAccept});
            REQUIRE(page.status == 200);
            CHECK(page.header("content-type") == "text/html; charset=utf-8");
            CHECK(page.header("vary") == "Accept");
            CHECK(startsWith(page.body, "<!DOCTYPE html>"));
            CHECK(page.body.find("<meta charset=\"utf-8\">") != std::string::npos);
            CHECK(page.body.find("<script") == std::string::npos);

            auto links = htmlLinks(page.body);
            for (const auto& type : alternates) {
                const FoundLink* alternate = find(links, "alternate", type);
                INFO(type);
                REQUIRE(alternate);
                requireResolves(*alternate);
            }
            // Autodiscovery: the page points at its catalog's access endpoint (the search).
            const FoundLink* catalog = find(links, kCatalogRel, "application/geo+json");
            REQUIRE(catalog);
            CHECK(catalog->href == node.url("/collections/twins/items"));
            requireResolves(*catalog);
            const FoundLink* api = find(links, "service-desc");
            REQUIRE(api);
            CHECK(api->href == node.url("/api"));
            CHECK(get(api->href).status == 200);
            if (path != "/" && path != "/collections/twins") {
                REQUIRE(find(links, "collection"));
                CHECK(find(links, "collection")->href == node.url("/collections/twins"));
            }

            // The same links as an RFC 8288 header, with the HTML page as self.
            auto header = headerLinks(page.header("link"));
            REQUIRE(find(header, "self", "text/html"));
            CHECK(find(header, kCatalogRel, "application/geo+json"));
            for (const auto& type : alternates) CHECK(find(header, "alternate", type));
        }
    }

    SECTION("paging links of an HTML page lead to HTML pages") {
        auto page = get(node.url("/collections/twins/items?limit=2"), {kBrowserAccept});
        auto links = htmlLinks(page.body);
        auto next = find(links, "next");
        REQUIRE(next);
        CHECK(next->type == "text/html");
        CHECK(next->href == node.url("/collections/twins/items?limit=2&offset=2&f=html"));
        auto following = get(next->href);
        CHECK(following.header("content-type") == "text/html; charset=utf-8");
        CHECK(following.body.find("showing 3–4") != std::string::npos);
    }

    SECTION("a record's HTML page has its own ETag and answers If-None-Match with 304") {
        std::string url = node.url("/collections/twins/items/" + kRecord);
        auto json = get(url);
        auto page = get(url, {kBrowserAccept});
        REQUIRE(page.status == 200);
        std::string etag = page.header("etag");
        REQUIRE_FALSE(etag.empty());
        CHECK(etag != json.header("etag"));
        CHECK(get(url, {kBrowserAccept, "If-None-Match: " + etag}).status == 304);
        CHECK(get(url, {"If-None-Match: " + etag}).status == 200);  // the JSON has another ETag
        CHECK(get(url, {kBrowserAccept, "If-None-Match: " + json.header("etag")}).status == 200);
    }
}

TEST_CASE("JSON stays the default for API clients and carries Link headers") {
    Node node;
    for (std::string accept :
         {"", "Accept: */*", "Accept: application/json", "Accept: application/geo+json, application/json",
          "Accept: text/html, application/json"}) {
        for (const char* path : {"/", "/collections/twins", "/collections/twins/items",
                                 "/collections/twins/items/gm0363-3dbag-lod22-tiles"}) {
            INFO(accept << " " << path);
            auto response = accept.empty() ? get(node.url(path)) : get(node.url(path), {accept});
            REQUIRE(response.status == 200);
            std::string type = response.header("content-type");
            CHECK((type == "application/json" || type == "application/geo+json"));
            parse(response.body);
            CHECK(response.header("vary") == "Accept");
        }
    }
    CHECK(get(node.url("/collections/twins/items?f=json"), {kBrowserAccept}).header("content-type") ==
          "application/json");

    SECTION("landing page") {
        auto landing = get(node.url("/"));
        auto links = headerLinks(landing.header("link"));
        REQUIRE(find(links, "self"));
        CHECK(find(links, "self")->href == node.url("/"));
        REQUIRE(find(links, "alternate", "text/html"));
        CHECK(get(find(links, "alternate", "text/html")->href).header("content-type") == "text/html; charset=utf-8");
        REQUIRE(find(links, "service-desc"));
        CHECK(find(links, "service-desc")->href == node.url("/api"));
        REQUIRE(find(links, kCatalogRel, "application/geo+json"));
        requireResolves(*find(links, kCatalogRel, "application/geo+json"));
        REQUIRE(find(links, "alternate", "application/ld+json"));
        requireResolves(*find(links, "alternate", "application/ld+json"));
    }

    SECTION("a page of search results: the header has the body's paging links") {
        auto page = get(node.url("/collections/twins/items?limit=2&offset=2"));
        Json doc = parse(page.body);
        auto links = headerLinks(page.header("link"));
        for (const auto& link : doc["links"].GetArray()) {
            std::string rel = link["rel"].GetString();
            INFO(rel);
            REQUIRE(find(links, rel, link["type"].GetString()));
            CHECK(find(links, rel, link["type"].GetString())->href == link["href"].GetString());
        }
        REQUIRE(find(links, "next"));
        REQUIRE(find(links, "prev"));
        REQUIRE(find(links, "collection"));
        REQUIRE(find(links, "alternate", "text/html"));
        CHECK(find(links, "alternate", "text/html")->href ==
              node.url("/collections/twins/items?limit=2&offset=2&f=html"));
    }

    SECTION("a record") {
        auto record = get(node.url("/collections/twins/items/" + kRecord));
        auto links = headerLinks(record.header("link"));
        REQUIRE(find(links, "self"));
        CHECK(find(links, "self")->href == node.url("/collections/twins/items/" + kRecord));
        for (const char* type : {"application/json", "application/ld+json", "text/turtle", "text/html"}) {
            REQUIRE(find(links, "alternate", type));
            requireResolves(*find(links, "alternate", type));
        }
        REQUIRE(find(links, "collection"));
        CHECK(find(links, "collection")->href == node.url("/collections/twins"));
    }

    SECTION("f values other than json, geojson, jsonld, ttl and html are still refused") {
        CHECK(get(node.url("/collections/twins/items?f=xml")).status == 400);
        CHECK(get(node.url("/collections/twins/items/" + kRecord + "?f=xml")).status == 400);
        CHECK(get(node.url("/collections/twins/items?f=html")).status == 200);
    }
}

TEST_CASE("conformance declares Autodiscovery, and the landing page's catalog link passes its abstract test") {
    Node node;
    Json conformance = parse(get(node.url("/conformance")).body);
    std::set<std::string> classes;
    for (const auto& uri : conformance["conformsTo"].GetArray()) classes.insert(uri.GetString());
    CHECK(classes.count("http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/autodiscovery"));
    // Every 200 response of every operation would need HTML for this one: not claimed.
    CHECK_FALSE(classes.count("http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/html"));

    // /conf/autodiscovery/links: the landing page (200), a link with rel ogc-catalog, a type, an href
    // that resolves with that media type.
    auto landing = get(node.url("/"));
    REQUIRE(landing.status == 200);
    Json doc = parse(landing.body);
    bool found = false;
    for (const auto& link : doc["links"].GetArray()) {
        if (link["rel"].GetString() != kCatalogRel) continue;
        found = true;
        REQUIRE(link.HasMember("type"));
        requireResolves({link["href"].GetString(), kCatalogRel, link["type"].GetString()});
        CHECK(std::string(link["href"].GetString()) == node.url("/collections/twins/items"));
    }
    CHECK(found);
}

TEST_CASE("values from records are escaped in HTML and a record's own links are only links when http(s)") {
    Node node;
    const std::string title = "<script>alert(\"x\")</script> Gebouwen & 'bomen'";
    HttpRequest publish{"POST",
                        node.url("/collections/twins/items"),
                        sampleWithTitle("ams-xss", title),
                        {"Content-Type: application/geo+json", "Authorization: Bearer " + node.key}};
    auto created = send(publish);
    INFO(created.body);
    REQUIRE(created.status == 201);

    for (const std::string& path : {std::string("/collections/twins/items/ams-xss?f=html"),
                                    std::string("/collections/twins/items?f=html&q=gebouwen")}) {
        INFO(path);
        auto page = get(node.url(path));
        REQUIRE(page.status == 200);
        CHECK(page.body.find("<script") == std::string::npos);
        CHECK(page.body.find("<img") == std::string::npos);
        CHECK(page.body.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Gebouwen &amp; &#39;bomen&#39;") !=
              std::string::npos);
        CHECK(page.body.find("href=\"javascript:") == std::string::npos);
        CHECK(page.header("content-security-policy").find("default-src 'none'") == 0);
    }
    auto record = get(node.url("/collections/twins/items/ams-xss?f=html"));
    CHECK(record.body.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(record.body.find("&lt;b&gt;not a link&lt;/b&gt;") != std::string::npos);
    CHECK(record.body.find("<title>&lt;script&gt;") != std::string::npos);
}

namespace {

// The fields a browser submits from the search form of an HTML page: every named <input> with its
// value and every <select> with its selected option (the first when none is), empty ones included.
struct Form {
    std::string action;
    std::vector<std::pair<std::string, std::string>> fields;
};

Form searchFormOf(const std::string& page) {
    Form form;
    std::smatch match;
    std::regex formElement("<form\\s([^>]*)>([\\s\\S]*?)</form>", std::regex::icase);
    REQUIRE(std::regex_search(page, match, formElement));
    std::string formAttributes = match[1], body = match[2];
    std::regex attribute("([a-zA-Z-]+)\\s*=\\s*\"([^\"]*)\"");
    auto attributesOf = [&](const std::string& text) {
        std::map<std::string, std::string> out;
        for (std::sregex_iterator a(text.begin(), text.end(), attribute), end; a != end; ++a)
            out[(*a)[1]] = unescape((*a)[2]);
        return out;
    };
    auto formAttributeMap = attributesOf(formAttributes);
    CHECK(formAttributeMap["method"] == "get");
    form.action = formAttributeMap["action"];
    // Inputs and selects in document order.
    std::regex field("<input\\s([^>]*)>|<select\\s([^>]*)>([\\s\\S]*?)</select>", std::regex::icase);
    std::regex option("<option([^>]*)>([^<]*)", std::regex::icase);
    for (std::sregex_iterator it(body.begin(), body.end(), field), end; it != end; ++it) {
        if ((*it)[1].matched) {
            auto input = attributesOf((*it)[1]);
            if (input.count("name")) form.fields.emplace_back(input["name"], input["value"]);
            continue;
        }
        auto select = attributesOf((*it)[2]);
        std::string options = (*it)[3];
        std::string value;
        bool first = true;
        for (std::sregex_iterator o(options.begin(), options.end(), option); o != end; ++o) {
            std::string optionAttributes = (*o)[1];
            auto attributes = attributesOf(optionAttributes);
            std::string optionValue = attributes.count("value") ? attributes["value"] : unescape((*o)[2]);
            bool selected = std::regex_search(optionAttributes, std::regex("\\bselected\\b"));
            if (first || selected) value = optionValue;
            first = false;
        }
        if (select.count("name")) form.fields.emplace_back(select["name"], value);
    }
    return form;
}

}  // namespace

TEST_CASE("the search form works as a browser submits it: one word typed, every other field empty") {
    Node node;
    for (const std::string& page : {std::string("/"), std::string("/collections/twins/items?f=html")}) {
        auto response = get(node.url(page), {kBrowserAccept});
        REQUIRE(response.status == 200);
        Form form = searchFormOf(response.body);
        INFO(page << " " << form.action);
        REQUIRE(startsWith(form.action, node.url("/collections/twins/items")));
        std::set<std::string> names;
        std::string query;
        for (auto& [name, value] : form.fields) {
            names.insert(name);
            if (name == "q") value = "gebouwen";  // what the person typed
            query += (query.empty() ? "" : "&") + urlEncode(name) + "=" + urlEncode(value);
        }
        CHECK(names.count("bbox"));  // the fields the form has always had, sent empty
        CHECK(names.count("datetime"));
        CHECK(names.count("type"));
        INFO(query);
        auto results = get(form.action + "?" + query, {kBrowserAccept});
        INFO(results.body.substr(0, 2000));
        REQUIRE(results.status == 200);
        CHECK(startsWith(results.header("content-type"), "text/html"));
        CHECK(std::regex_search(results.body, std::regex("[1-9][0-9]* records? match")));
    }
    // An empty parameter is one left out, in JSON too (README).
    Json plain = parse(get(node.url("/collections/twins/items?q=gebouwen")).body);
    auto empties = get(node.url("/collections/twins/items?q=gebouwen&bbox=&datetime=&type=&sortby=&filter=&limit="));
    REQUIRE(empties.status == 200);
    Json withEmpties = parse(empties.body);
    CHECK(plain["numberMatched"].GetInt() > 0);
    CHECK(withEmpties["numberMatched"].GetInt() == plain["numberMatched"].GetInt());
}
