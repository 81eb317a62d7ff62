// The hub's pages for people (federation/hub/pages.cpp): /sources and /sources/{id} as HTML, /twin,
// in the registry's page shell with the web UI; and /ui/ on a hub.
#include "hub/pages.hpp"
#include "live_federation.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

using namespace tweeling::test;
using namespace tweeling::test::federation;
namespace hub = tweeling::federation::hub;
namespace html = tweeling::registry::api::html;

namespace {

const std::string kBrowserAccept =
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

std::string attribute(const std::string& page, const std::string& name) {
    std::smatch match;
    if (!std::regex_search(page, match, std::regex("<body[^>]* " + name + "=\"([^\"]*)\""))) return "";
    return std::regex_replace(std::string(match[1]), std::regex("&amp;"), "&");
}

// A hub serving a miniature web UI, with one source that was never harvested.
struct WebHub {
    TempDir dir;
    std::string db = dir.file("hub.db");
    std::string web = dir.file("dist");
    std::unique_ptr<ServerProcess> server;

    WebHub() {
        std::filesystem::create_directories(web);
        std::ofstream(web + "/app.js") << "export {};\n";
        std::ofstream(web + "/app.css") << "body{}\n";
        auto added = run({hubProgram(), "sources", "add", "--db", db, "--hub-id", "pv27", "--id", "gm0363", "--url",
                          "http://127.0.0.1:9", "--allow-private"});
        INFO(added.err);
        REQUIRE(added.exitCode == 0);
        server = std::make_unique<ServerProcess>(std::vector<std::string>{hubProgram(), "serve", "--db", db, "--listen",
                                                                          "127.0.0.1:0", "--hub-id", "pv27", "--quiet",
                                                                          "--no-harvest", "--web-dir", web});
    }
    std::string url(const std::string& path) const { return server->baseUrl() + path; }
};

}  // namespace

TEST_CASE("a hub's sources as HTML pages in the shell of every page, JSON as before") {
    WebHub hub;
    const std::string base = hub.server->baseUrl();
    CHECK(hub.server->logText().find("{\"event\":\"web-ui\",\"available\":true") != std::string::npos);

    auto list = get(hub.url("/sources"), {kBrowserAccept});
    REQUIRE(list.status == 200);
    CHECK(list.header("content-type") == "text/html; charset=utf-8");
    CHECK(list.header("content-security-policy").find("default-src 'none'") == 0);
    CHECK(list.header("referrer-policy") == "no-referrer");
    CHECK(attribute(list.body, "data-page") == "sources");
    CHECK(attribute(list.body, "data-kind") == "hub");
    CHECK(attribute(list.body, "data-base") == base);
    CHECK(attribute(list.body, "data-json") == base + "/sources");
    CHECK(list.body.find("<script type=\"module\" src=\"" + base + "/ui/app.js\"></script>") != std::string::npos);
    CHECK(list.body.find("<div id=\"app\"></div>\n<main>") != std::string::npos);
    CHECK(list.body.find("<th>Source</th><th>Kind</th><th>State</th><th>Last success</th><th>Records held</th>"
                         "<th>Rejected</th></tr>") != std::string::npos);
    CHECK(list.body.find("<a href=\"" + base +
                         "/sources/gm0363?f=html\">gm0363</a></td><td>tweeling</td>"
                         "<td>never-harvested</td><td>–</td><td>0</td><td>0</td>") != std::string::npos);
    CHECK(get(hub.url("/sources?f=html")).header("content-type") == "text/html; charset=utf-8");

    auto json = get(hub.url("/sources"));
    REQUIRE(json.status == 200);
    CHECK(json.header("content-type") == "application/json");
    CHECK(json.header("vary") == "Accept");
    CHECK(parse(json.body)["sources"][0]["id"] == "gm0363");

    auto one = get(hub.url("/sources/gm0363?f=html"));
    REQUIRE(one.status == 200);
    CHECK(attribute(one.body, "data-page") == "source");
    CHECK(attribute(one.body, "data-json") == base + "/sources/gm0363");
    CHECK(one.body.find("<h1>Source gm0363</h1>") != std::string::npos);
    // The hub probes assets: the source's JSON has a quality, and so has its page (nothing probed yet).
    CHECK(parse(get(hub.url("/sources/gm0363")).body).HasMember("quality"));
    CHECK(one.body.find("<th>Quality</th>") != std::string::npos);
    CHECK(one.body.find("Quality of its records' assets") != std::string::npos);
    CHECK(one.body.find(base + "/collections/twins/items?f=html&amp;source=gm0363") != std::string::npos);
    CHECK(get(hub.url("/sources/nope?f=html")).status == 404);

    // The hub's landing page is a hub's, and links the 3D twin's page.
    auto landing = get(hub.url("/?f=html"));
    CHECK(attribute(landing.body, "data-kind") == "hub");
    CHECK(landing.body.find("href=\"" + base + "/twin\"") != std::string::npos);
    bool linked = false;
    const auto landingJson = parse(get(hub.url("/")).body);  // named: a range-for does not extend a temporary's life
    for (const auto& link : landingJson["links"].GetArray())
        linked = linked || (std::string(link["href"].GetString()) == base + "/twin" &&
                            std::string(link["type"].GetString()) == "text/html");
    CHECK(linked);
}

TEST_CASE("a hub's /twin page: the shell the web UI mounts CesiumJS on, with the tileset's URL") {
    WebHub hub;
    const std::string base = hub.server->baseUrl();
    auto page = get(hub.url("/twin"));
    REQUIRE(page.status == 200);
    CHECK(page.header("content-type") == "text/html; charset=utf-8");
    CHECK(attribute(page.body, "data-page") == "twin");
    CHECK(attribute(page.body, "data-kind") == "hub");
    CHECK(attribute(page.body, "data-json") == base + "/twin/tileset.json");
    CHECK(page.body.find("<a href=\"" + base + "/twin/tileset.json\">") != std::string::npos);
    CHECK(page.body.find("<div id=\"app\"></div>") != std::string::npos);
    CHECK(page.header("content-security-policy").find("worker-src 'self' blob:") != std::string::npos);
    // Its search parameters are the tileset's.
    auto filtered = get(hub.url("/twin?themes=buildings&bbox=4.7,52.2,5.1,52.5"));
    CHECK(attribute(filtered.body, "data-json") == base + "/twin/tileset.json?bbox=4.7,52.2,5.1,52.5&themes=buildings");
    CHECK(get(attribute(filtered.body, "data-json")).status == 200);
    auto refused = send({"POST", hub.url("/twin"), "x", {}});
    CHECK(refused.status == 405);
    CHECK(refused.header("allow") == "GET, HEAD");
}

TEST_CASE("/ui/ on a hub: the hub's own routes do not take it") {
    WebHub hub;
    auto script = get(hub.url("/ui/app.js"));
    CHECK(script.status == 200);
    CHECK(script.body == "export {};\n");
    CHECK(get(hub.url("/ui/../hub.db")).status == 404);
    CHECK(send({"POST", hub.url("/ui/app.js"), "x", {}}).status == 405);
}

TEST_CASE("a source's page shows its quality score and failing records, escaped") {
    const std::string json = R"json({"id":"gm0599","kind":"tweeling","url":"javascript:alert(1)","state":"down",
        "lastSuccess":null,"lastError":"<script>alert(1)</script>","recordsHeld":8,"recordsRejected":1,
        "quality":{"held":8,"probed":8,"pass":6,"warn":1,"fail":1,"score":0.875,"lastChecked":"2026-01-02T03:04:05Z",
        "checks":[{"id":"tiles3d.root","records":8,"pass":7,"warn":0,"fail":1,"share":0.875}],
        "failing":[{"record":"gm0599:hoogtes","checks":[{"id":"tiles3d.root","message":"no <root>"}]}]}})json";
    html::Shell shell{"https://hub.example", "hub", false};
    auto response = hub::sourcePage(json, shell);
    const std::string& page = response.body;
    CHECK(response.status == 200);
    CHECK(attribute(page, "data-page") == "source");
    CHECK(page.find("<script") == std::string::npos);  // no UI, and nothing from the JSON
    CHECK(page.find("id=\"app\"") == std::string::npos);
    CHECK(page.find("<td>down</td><td>–</td><td>8</td><td>1</td><td>88%</td>") != std::string::npos);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page.find("href=\"javascript:") == std::string::npos);
    CHECK(
        page.find("<a href=\"https://hub.example/collections/twins/items/gm0599:hoogtes?f=html\">gm0599:hoogtes</a>") !=
        std::string::npos);
    CHECK(page.find("tiles3d.root: no &lt;root&gt;") != std::string::npos);
    auto list = hub::sourcesPage(R"({"sources":[],"links":[]})", shell);
    CHECK(list.body.find("This hub has no sources yet.") != std::string::npos);
    CHECK(attribute(list.body, "data-page") == "sources");
}
