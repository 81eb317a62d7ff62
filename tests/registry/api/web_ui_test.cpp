// The web UI in the real program: --web-dir, the line logged at start, /ui/ over HTTP, and the page
// contract of the server-rendered HTML pages (data-page, data-base, data-kind, data-json, #app).
#include "common/json.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>

using namespace tweeling::test;
using tweeling::common::Json;

namespace {

const std::string kBrowserAccept =
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

std::string program() {
    return binPath("twin-registry");
}

// The JSON line with "event":"web-ui" the server logged at start.
Json webUiLine(ServerProcess& server) {
    std::string log = server.logText();
    std::vector<std::string> lines;
    for (std::size_t start = 0, end; start < log.size(); start = end + 1) {
        end = log.find('\n', start);
        if (end == std::string::npos) end = log.size();
        std::string line = log.substr(start, end - start);
        if (line.find("\"event\":\"web-ui\"") != std::string::npos) lines.push_back(line);
    }
    INFO(log);
    REQUIRE(lines.size() == 1);
    return parseJsonText(lines.front());
}

// A node with the Amsterdam samples, serving the web UI from `webDir` (no --web-dir when empty).
struct Node {
    TempDir dir;
    std::string db = dir.file("node.db");
    std::unique_ptr<ServerProcess> server;

    explicit Node(const std::vector<std::string>& webOptions) {
        auto imported = run({program(), "import", "--db", db, "--node-id", "gm0363",
                             sourcePath("deploy/samples/gm0363-amsterdam.json")});
        INFO(imported.err);
        REQUIRE(imported.exitCode == 0);
        std::vector<std::string> argv = {program(),  "serve",       "--db",      db,
                                         "--listen", "127.0.0.1:0", "--node-id", "gm0363"};
        argv.insert(argv.end(), webOptions.begin(), webOptions.end());
        server = std::make_unique<ServerProcess>(argv);
    }
    std::string url(const std::string& path) const { return server->baseUrl() + path; }
};

// A built web UI in miniature.
std::string fakeUi(const TempDir& temp) {
    const std::string root = temp.file("dist");
    std::filesystem::create_directories(root + "/cesium/Workers");
    std::ofstream(root + "/app.js") << "document.body.dataset.started = 'yes';\n";
    std::ofstream(root + "/app.css") << "#app{min-height:1px}\n";
    std::ofstream(root + "/cesium/Workers/decode.wasm") << "\0asm";
    std::ofstream(temp.file("secret.txt")) << "outside";
    return root;
}

std::map<std::string, std::string> bodyAttributes(const std::string& page) {
    std::smatch match;
    std::map<std::string, std::string> attributes;
    if (!std::regex_search(page, match, std::regex("<body([^>]*)>"))) return attributes;
    std::string text = match[1];
    std::regex attribute("([a-z-]+)=\"([^\"]*)\"");
    for (std::sregex_iterator it(text.begin(), text.end(), attribute), end; it != end; ++it)
        attributes[(*it)[1]] = std::regex_replace(std::string((*it)[2]), std::regex("&amp;"), "&");
    return attributes;
}

}  // namespace

TEST_CASE("with a built web UI, /ui/ serves it and every HTML page loads it and says what it is") {
    TempDir web;
    const std::string root = fakeUi(web);
    Node node({"--web-dir", root});
    Json line = webUiLine(*node.server);
    CHECK(line["available"].GetBool());
    CHECK(std::string(line["dir"].GetString()) == root);
    CHECK_FALSE(line.HasMember("message"));

    auto script = get(node.url("/ui/app.js"));
    CHECK(script.status == 200);
    CHECK(script.body == "document.body.dataset.started = 'yes';\n");
    CHECK(script.header("content-type") == "text/javascript; charset=utf-8");
    CHECK(script.header("cache-control") == "public, max-age=3600");
    CHECK(script.header("x-content-type-options") == "nosniff");
    CHECK(script.header("referrer-policy") == "no-referrer");
    CHECK(script.header("content-security-policy").find("script-src 'self' 'wasm-unsafe-eval'") != std::string::npos);
    CHECK(get(node.url("/ui/cesium/Workers/decode.wasm")).header("content-type") == "application/wasm");
    CHECK(get(node.url("/ui/app.js"), {"If-None-Match: " + script.header("etag")}).status == 304);
    auto head = send({"HEAD", node.url("/ui/app.css"), "", {}});
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.header("content-type") == "text/css; charset=utf-8");

    // Every way out of the directory, as a client sends it.
    for (const char* path :
         {"/ui/../secret.txt", "/ui/%2e%2e/secret.txt", "/ui/%2E%2E/%2e%2e/etc/passwd",
          "/ui/cesium%2F..%2F..%2Fsecret.txt", "/ui/cesium/Workers%2Fdecode.wasm", "/ui/..%5Csecret.txt", "/ui//app.js",
          "/ui/app.js%00.css", "/ui/cesium", "/ui/", "/ui/nothing.js"}) {
        INFO(path);
        auto refused = get(node.url(path));
        CHECK(refused.status == 404);
        CHECK(refused.header("content-type") == "application/problem+json");
        CHECK(refused.body.find("outside") == std::string::npos);
    }
    for (const char* method : {"POST", "PUT", "DELETE"}) {
        auto refused = send({method, node.url("/ui/app.js"), "x", {}});
        CHECK(refused.status == 405);
        CHECK(refused.header("allow") == "GET, HEAD");
    }

    const std::string base = node.server->baseUrl();
    const std::map<std::string, std::pair<std::string, std::string>> pages = {
        {"/", {"landing", base + "/?f=json"}},
        {"/collections/twins", {"catalog", base + "/collections/twins?f=json"}},
        {"/collections/twins/items?q=gebouwen", {"search", base + "/collections/twins/items?q=gebouwen&limit=10"}},
        {"/collections/twins/items/gm0363-3dbag-lod22-tiles",
         {"record", base + "/collections/twins/items/gm0363-3dbag-lod22-tiles"}},
    };
    for (const auto& [path, expected] : pages) {
        INFO(path);
        auto page = get(node.url(path), {kBrowserAccept});
        REQUIRE(page.status == 200);
        CHECK(page.body.find("<html lang=\"nl\">") != std::string::npos);
        CHECK(page.body.find("<link rel=\"stylesheet\" href=\"" + base + "/ui/app.css\">") != std::string::npos);
        CHECK(page.body.find("<script type=\"module\" src=\"" + base + "/ui/app.js\"></script>") <
              page.body.find("</head>"));
        CHECK(page.body.find("<div id=\"app\"></div>\n<main>") != std::string::npos);
        auto attributes = bodyAttributes(page.body);
        CHECK(attributes["data-page"] == expected.first);
        CHECK(attributes["data-base"] == base);
        CHECK(attributes["data-kind"] == "node");
        CHECK(attributes["data-json"] == expected.second);
        // The page's JSON form is what an app fetches: JSON indeed.
        auto json = get(attributes["data-json"]);
        CHECK(json.status == 200);
        CHECK(json.header("content-type").find("json") != std::string::npos);
        CHECK(page.header("referrer-policy") == "no-referrer");
        CHECK(page.header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
    }
}

TEST_CASE("the server-rendered search page counts no facets: the web UI asks the JSON API for them") {
    TempDir web;
    Node node({"--web-dir", fakeUi(web)});
    auto page = get(node.url("/collections/twins/items?f=html&q=gebouwen&facets=themes,formats&facetLimit=5"));
    REQUIRE(page.status == 200);
    CHECK(page.body.find("Facets") == std::string::npos);
    CHECK(page.body.find("facets=") == std::string::npos);  // not in data-json, the links or the pager
    CHECK(bodyAttributes(page.body)["data-json"].find("q=gebouwen") != std::string::npos);
    auto json = parseJsonText(get(node.url("/collections/twins/items?q=gebouwen&facets=themes")).body);
    CHECK(json.HasMember("facets"));  // the JSON API still counts them when asked
}

TEST_CASE("without app.js the server serves the API only, says so once, and its pages stay plain") {
    TempDir web;
    const std::string empty = web.file("not-built");
    std::filesystem::create_directories(empty);
    std::ofstream(empty + "/app.css") << "body{}";
    Node node({"--web-dir", empty});
    Json line = webUiLine(*node.server);
    CHECK_FALSE(line["available"].GetBool());
    CHECK(std::string(line["dir"].GetString()) == empty);
    CHECK(std::string(line["message"].GetString()) ==
          "no web UI at " + empty + ": serving the API only (build it with: cd web && npm ci && npm run build)");

    auto refused = get(node.url("/ui/app.css"));
    CHECK(refused.status == 404);
    CHECK(refused.header("content-type") == "application/problem+json");
    auto page = get(node.url("/collections/twins/items?f=html"));
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script") == std::string::npos);
    CHECK(page.body.find("/ui/") == std::string::npos);
    CHECK(page.body.find("id=\"app\"") == std::string::npos);
    CHECK(page.body.find("<html lang=\"nl\">") != std::string::npos);
    CHECK(bodyAttributes(page.body)["data-page"] == "search");
    CHECK(bodyAttributes(page.body)["data-kind"] == "node");
    // The search page still works without script.
    CHECK(page.body.find("<form class=\"search\"") != std::string::npos);
}

TEST_CASE("the web directory comes from --web-dir, else TWEELING_WEB_DIR; --web-dir \"\" turns the UI off") {
    TempDir web;
    const std::string root = fakeUi(web);
    ::setenv("TWEELING_WEB_DIR", root.c_str(), 1);
    {
        Node fromEnvironment({});
        CHECK(webUiLine(*fromEnvironment.server)["available"].GetBool());
        CHECK(get(fromEnvironment.url("/ui/app.css")).status == 200);
        Node none({"--web-dir", ""});
        Json line = webUiLine(*none.server);
        CHECK_FALSE(line["available"].GetBool());
        CHECK(std::string(line["dir"].GetString()).empty());
    }
    ::unsetenv("TWEELING_WEB_DIR");
    auto help = run({program(), "serve", "--help"});
    CHECK(help.out.find("--web-dir DIR") != std::string::npos);
    CHECK(help.out.find("TWEELING_WEB_DIR") != std::string::npos);
}
