#pragma once
// Live federations for the hub's integration tests: real twin-registry nodes and twin-federation hubs
// on loopback, and nodes played by static files (signed like a real node) for misbehaving feeds.
#include "common/json.hpp"
#include "common/signature.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace tweeling::test::federation {

using tweeling::common::Json;


inline std::string registryProgram() { return binPath("twin-registry"); }
inline std::string hubProgram() { return binPath("twin-federation"); }
inline const std::string kAmsterdam = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";

inline Json parse(const std::string& text) {
    Json doc;
    doc.Parse(text.c_str(), text.size());
    INFO(text);
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

inline std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

// A registry node with one municipality's samples, restartable on the same port and database.
struct Node {
    std::string id;
    std::string db;
    std::string key;
    std::string listen = "127.0.0.1:0";
    std::unique_ptr<ServerProcess> server;
    std::string url;

    Node(const TempDir& dir, std::string nodeId, const std::string& samples, const std::string& publisher)
        : id(std::move(nodeId)), db(dir.file(id + ".db")) {
        if (!samples.empty()) {
            auto imported = run({registryProgram(), "import", "--db", db, "--node-id", id, sourcePath(samples)});
            INFO(imported.err);
            REQUIRE(imported.exitCode == 0);
        }
        auto created = run({registryProgram(), "keys", "create", "--db", db, "--node-id", id, "--publisher", publisher});
        REQUIRE(created.exitCode == 0);
        key = trimmed(created.out);
        start();
    }
    void start() {
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            registryProgram(), "serve", "--db", db, "--listen", listen, "--node-id", id, "--quiet"});
        url = server->baseUrl();
        listen = url.substr(std::string("http://").size());  // restart on the same port
    }
    void stop() { server.reset(); }
    std::string item(const std::string& recordId) const { return url + "/collections/twins/items/" + recordId; }
};

struct Hub {
    std::string id;
    std::string db;
    std::unique_ptr<ServerProcess> server;
    std::string url;

    Hub(const TempDir& dir, std::string hubId) : id(std::move(hubId)), db(dir.file(id + ".db")) {
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            hubProgram(), "serve", "--db", db, "--listen", "127.0.0.1:0", "--hub-id", id, "--quiet", "--no-harvest"});
        url = server->baseUrl();
    }
    // Every node and hub of these tests listens on 127.0.0.1, so sources allow private addresses
    // unless a test is about refusing them.
    void addSource(const std::string& sourceId, const std::string& sourceUrl, const std::string& kind = "tweeling",
                   const std::string& fraction = "0.3", bool allowPrivate = true) {
        std::vector<std::string> argv{hubProgram(), "sources", "add", "--db", db, "--id", sourceId, "--url", sourceUrl,
                                      "--kind", kind, "--max-delete-fraction", fraction, "--timeout-ms", "3000"};
        if (allowPrivate) argv.push_back("--allow-private");
        // The operator pins the node's signing key, learned from it out of band (here: its identity).
        if (kind == "tweeling") {
            auto identity = get(sourceUrl + "/.well-known/tweeling.json");
            if (identity.status == 200) {
                argv.push_back("--public-key");
                argv.push_back(parse(identity.body)["publicKey"].GetString());
            }
        }
        auto added = run(argv);
        INFO(added.err);
        REQUIRE(added.exitCode == 0);
    }
    CommandResult harvest(const std::string& source = "") {
        std::vector<std::string> argv{hubProgram(), "harvest", "--db", db};
        if (!source.empty()) {
            argv.push_back("--source");
            argv.push_back(source);
        }
        return run(argv);
    }
    Json report(const std::string& source) {
        auto response = get(url + "/sources/" + source + "/reports/latest");
        INFO(response.body);
        REQUIRE(response.status == 200);
        return parse(response.body);
    }
    Json source(const std::string& source) { return parse(get(url + "/sources/" + source).body); }
    Json search(const std::string& query) {
        auto response = get(url + "/collections/twins/items?" + query);
        INFO(response.body);
        REQUIRE(response.status == 200);
        return parse(response.body);
    }
    long matched(const std::string& query) { return search(query)["numberMatched"].GetInt(); }
};

inline std::string sampleRecord(const std::string& id, const std::string& title) {
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    Json doc;
    doc.CopyFrom(all[0], doc.GetAllocator());
    doc["id"].SetString(id.c_str(), doc.GetAllocator());
    doc["properties"]["title"].SetString(title.c_str(), doc.GetAllocator());
    return tweeling::common::toString(doc);
}

inline long put(const Node& node, const std::string& id, const std::string& body) {
    HttpRequest request{"PUT", node.item(id), body,
                        {"Content-Type: application/geo+json", "Authorization: Bearer " + node.key}};
    return send(request).status;
}

inline long remove(const Node& node, const std::string& id) {
    HttpRequest request{"DELETE", node.item(id), "", {"Authorization: Bearer " + node.key}};
    return send(request).status;
}

inline std::int64_t count(const Json& report, const char* name) { return report["counts"][name].GetInt64(); }

// A node played by static files (tests/support/static_server.py): its identity and feed pages are
// whatever a test writes, signed with its own key like a real node's, or not.
struct FakeNode {
    std::string origin;
    std::string root;
    tweeling::common::SigningKey key = tweeling::common::SigningKey::generate();
    std::unique_ptr<ServerProcess> site;

    FakeNode(const TempDir& dir, std::string nodeId) : origin(std::move(nodeId)), root(dir.file("site-" + origin)) {
        std::filesystem::create_directories(root + "/.well-known");
        std::ofstream(root + "/.well-known/tweeling.json")
            << "{\"nodeId\":\"" << origin << "\",\"kind\":\"node\",\"publicKey\":\"" << key.publicKey().base64Url()
            << "\",\"keyRotations\":[]}";
        site = std::make_unique<ServerProcess>(
            std::vector<std::string>{"/usr/bin/env", "python3", sourcePath("tests/support/static_server.py"), root});
    }
    const std::string& url() const { return site->baseUrl(); }
    // A signed put entry of `record` (JSON text).
    std::string put(int seq, const std::string& record) const {
        Json doc = parse(record);
        std::string id = doc["id"].GetString();
        std::string updated = doc["properties"]["updated"].GetString();
        std::string signature = key.sign(tweeling::common::signedBytes(origin, id, "put", updated, &doc));
        return "{\"seq\":" + std::to_string(seq) + ",\"op\":\"put\",\"id\":\"" + id + "\",\"origin\":\"" + origin +
               "\",\"at\":\"2026-11-30T10:00:00Z\",\"signature\":\"" + signature + "\",\"record\":" + record + "}";
    }
    // Plays a hub instead: its identity says kind "hub", and /sources lists `sources` (a JSON array
    // of {id, kind, origins}).
    void playHub(const std::string& sources) const {
        std::ofstream(root + "/.well-known/tweeling.json")
            << "{\"nodeId\":\"" << origin << "\",\"kind\":\"hub\",\"publicKey\":\"" << key.publicKey().base64Url()
            << "\",\"keyRotations\":[]}";
        std::ofstream(root + "/sources") << "{\"sources\":" << sources << "}";
    }
    // Writes the feed page served for `path` (e.g. "feed" or "feed?after=3&limit=1000").
    void page(const std::string& path, const std::string& epoch, int latest, const std::vector<std::string>& entries,
              bool truncate = false) const {
        std::string text = "{\"epoch\":\"" + epoch + "\",\"origin\":\"" + origin + "\",\"publicKey\":\"" +
                           key.publicKey().base64Url() + "\",\"latest\":" + std::to_string(latest) + ",\"entries\":[";
        for (std::size_t i = 0; i < entries.size(); ++i) text += (i ? "," : "") + entries[i];
        text += "],\"next\":null}";
        std::ofstream(root + "/" + path) << (truncate ? text.substr(0, text.size() / 2) : text);
    }
};

}  // namespace tweeling::test::federation
