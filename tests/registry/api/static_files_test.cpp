// The web UI's files at /ui/ (registry/api/static_files.cpp), served from a directory made here.
#include "api/static_files.hpp"
#include "api/errors.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

using namespace tweeling::test;
namespace api = tweeling::registry::api;

namespace {

void write(const std::string& path, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

api::Request request(const std::string& path, const std::string& method = "GET") {
    api::Request out;
    out.method = method;
    out.path = out.rawPath = path;
    return out;
}

std::string header(const api::Response& response, const std::string& name) {
    for (const auto& [key, value] : response.headers)
        if (key == name) return value;
    return "";
}

// The status of serving `segments`: 200, or that of the ApiError thrown.
int statusOf(const api::StaticFiles& files, const std::vector<std::string>& segments) {
    try {
        return files.serve(request("/ui/x"), segments).status;
    } catch (const api::ApiError& error) {
        return error.status();
    }
}

// A built web UI in miniature, with what must not be served around it.
struct WebDir {
    TempDir temp;
    std::string root = temp.file("dist");
    WebDir() {
        write(root + "/app.js", "export const app = 1;\n");
        write(root + "/app.css", "body{margin:0}\n");
        write(root + "/cesium/Workers/createVerticesFromHeightmap.js", "self.onmessage = () => {};\n");
        write(root + "/cesium/Assets/model.glb", "glTF");
        write(root + "/withindex/index.html", "<p>index</p>");
        std::filesystem::create_directories(root + "/empty");
        write(temp.file("secret.txt"), "outside the web directory");
        std::filesystem::create_symlink(temp.file("secret.txt"), root + "/secret-link.txt");
        std::filesystem::create_symlink(root + "/app.css", root + "/inside-link.css");
        std::filesystem::create_directory_symlink(temp.path(), root + "/up");
    }
};

}  // namespace

TEST_CASE("the web UI's files have their media types by extension") {
    const std::pair<const char*, const char*> expected[] = {
        {"twin.html", "text/html; charset=utf-8"},
        {"app.js", "text/javascript; charset=utf-8"},
        {"worker.mjs", "text/javascript; charset=utf-8"},
        {"app.css", "text/css; charset=utf-8"},
        {"style.json", "application/json"},
        {"app.js.map", "application/json"},
        {"nl.geojson", "application/geo+json"},
        {"icon.png", "image/png"},
        {"photo.JPG", "image/jpeg"},
        {"logo.svg", "image/svg+xml"},
        {"font.woff", "font/woff"},
        {"font.woff2", "font/woff2"},
        {"draco.wasm", "application/wasm"},
        {"tree.glb", "model/gltf-binary"},
        {"tile.b3dm", "application/octet-stream"},
        {"tile.i3dm", "application/octet-stream"},
        {"tile.pnts", "application/octet-stream"},
        {"tile.cmpt", "application/octet-stream"},
        {"0.0.0.subtree", "application/octet-stream"},
        {"texture.ktx2", "image/ktx2"},
        {"LICENSE.txt", "text/plain; charset=utf-8"},
        {"layer.xml", "application/xml"},
        {"README", "application/octet-stream"},
        {"archive.tar.zst", "application/octet-stream"},
    };
    for (const auto& [name, type] : expected) {
        INFO(name);
        CHECK(api::staticContentType(name) == type);
    }
}

TEST_CASE("a file of the web UI: its body, type, cache headers, entity tag and security headers") {
    WebDir web;
    api::StaticFiles files(web.root);
    api::Response response = files.serve(request("/ui/app.js"), {"app.js"});
    CHECK(response.status == 200);
    CHECK(response.body == "export const app = 1;\n");
    CHECK(response.contentType == "text/javascript; charset=utf-8");
    CHECK(header(response, "Cache-Control") == "public, max-age=3600");
    CHECK(header(response, "X-Content-Type-Options") == "nosniff");
    CHECK(header(response, "Referrer-Policy") == "no-referrer");
    const std::string policy = header(response, "Content-Security-Policy");
    CHECK(policy.find("default-src 'none'") == 0);
    CHECK(policy.find("script-src 'self' 'wasm-unsafe-eval'") != std::string::npos);
    CHECK(policy.find("worker-src 'self' blob:") != std::string::npos);
    CHECK(policy.find("connect-src 'self' https: http:") != std::string::npos);
    CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
    const std::string etag = header(response, "ETag");
    REQUIRE(etag.size() > 2);

    SECTION("If-None-Match with its entity tag: 304 without a body") {
        api::Request again = request("/ui/app.js");
        again.headers["if-none-match"] = "\"other\", " + etag;
        api::Response notModified = files.serve(again, {"app.js"});
        CHECK(notModified.status == 304);
        CHECK(notModified.body.empty());
        CHECK(header(notModified, "ETag") == etag);
        again.headers["if-none-match"] = "W/" + etag;  // weak comparison
        CHECK(files.serve(again, {"app.js"}).status == 304);
    }
    SECTION("HEAD: the headers without the body") {
        api::Response head = files.serve(request("/ui/app.js", "HEAD"), {"app.js"});
        CHECK(head.status == 200);
        CHECK(head.body.empty());
        CHECK(head.contentType == "text/javascript; charset=utf-8");
        CHECK(header(head, "ETag") == etag);
    }
    SECTION("a changed file is read again, with a new entity tag (the cache follows the disk)") {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        write(web.root + "/app.js", "export const app = 2;\n");  // the same size
        api::Response changed = files.serve(request("/ui/app.js"), {"app.js"});
        CHECK(changed.body == "export const app = 2;\n");
        CHECK(header(changed, "ETag") != etag);
    }
    SECTION("nested files, and a directory's index.html") {
        CHECK(files.serve(request("/ui/cesium/Assets/model.glb"), {"cesium", "Assets", "model.glb"}).contentType ==
              "model/gltf-binary");
        CHECK(files.serve(request("/ui/withindex"), {"withindex"}).body == "<p>index</p>");
    }
}

TEST_CASE("nothing outside the web directory is served: 404 for every way out") {
    WebDir web;
    api::StaticFiles files(web.root);
    CHECK(statusOf(files, {"app.css"}) == 200);
    CHECK(statusOf(files, {"inside-link.css"}) == 200);       // a link to a file inside is fine
    CHECK(statusOf(files, {"up", "dist", "app.js"}) == 200);  // so is a way out that comes back in
    // What the server decoded once: "%2e%2e" is "..", "%2F" a "/" inside a segment, "%5C" a backslash.
    for (const std::vector<std::string>& segments :
         std::vector<std::vector<std::string>>{{".."},
                                               {"..", "secret.txt"},
                                               {"cesium", "..", "..", "secret.txt"},
                                               {"."},
                                               {"", "app.js"},
                                               {"cesium/Assets", "model.glb"},
                                               {"cesium\\Assets", "model.glb"},
                                               {"..\\secret.txt"},
                                               {std::string("app.js\0.png", 11)},
                                               {"secret-link.txt"},
                                               {"up", "secret.txt"},
                                               {"empty"},
                                               {},
                                               {"missing.js"}}) {
        std::string shown;
        for (const auto& segment : segments) shown += "/" + segment;
        INFO(shown);
        CHECK(statusOf(files, segments) == 404);
    }
}

TEST_CASE("a missing web directory, a FIFO and a file over the size limit are refused") {
    WebDir web;
    SECTION("the directory is gone: 404") {
        api::StaticFiles files(web.temp.file("no-such-dir"));
        CHECK(statusOf(files, {"app.js"}) == 404);
    }
    SECTION("a FIFO is not opened (it would block a worker): 404 at once") {
        REQUIRE(::mkfifo((web.root + "/pipe.js").c_str(), 0600) == 0);
        api::StaticFiles files(web.root);
        auto answer = std::async(std::launch::async, [&] { return statusOf(files, {"pipe.js"}); });
        REQUIRE(answer.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
        CHECK(answer.get() == 404);
    }
    SECTION("over 64 MiB: 403, without reading it") {
        const std::string big = web.root + "/cesium/huge.bin";
        std::ofstream(big).close();
        std::filesystem::resize_file(big, api::StaticFiles::kMaxFileBytes + 1);  // sparse: costs no disk
        api::StaticFiles files(web.root);
        CHECK(statusOf(files, {"cesium", "huge.bin"}) == 403);
        std::filesystem::resize_file(big, api::StaticFiles::kMaxFileBytes);
        CHECK(statusOf(files, {"cesium", "huge.bin"}) == 200);
    }
    SECTION("a smaller limit, and a cache smaller than the files: each still served whole") {
        api::StaticFiles files(web.root, 16, 32);
        CHECK(statusOf(files, {"app.js"}) == 403);  // 22 bytes
        for (int round = 0; round < 3; ++round) {
            CHECK(files.serve(request("/ui/app.css"), {"app.css"}).body == "body{margin:0}\n");
            CHECK(files.serve(request("/ui/cesium/Assets/model.glb"), {"cesium", "Assets", "model.glb"}).body ==
                  "glTF");
            CHECK(files.serve(request("/ui/withindex/index.html"), {"withindex", "index.html"}).body == "<p>index</p>");
        }
    }
}

TEST_CASE("a web UI is there when its directory holds app.js") {
    WebDir web;
    CHECK(api::hasWebUi(web.root));
    CHECK_FALSE(api::hasWebUi(web.root + "/cesium"));
    CHECK_FALSE(api::hasWebUi(web.temp.file("no-such-dir")));
    CHECK_FALSE(api::hasWebUi(""));
}
