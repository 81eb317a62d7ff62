// Integration tests: the real twin-registry program on a free loopback port, driven over HTTP.
#include "common/json.hpp"
#include "common/text.hpp"
#include "common/time.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <set>
#include <thread>

using namespace tweeling::test;
using tweeling::common::Json;

namespace {

const std::string kAmsterdam = "https://identifier.overheid.nl/tooi/id/gemeente/gm0363";
const std::string kRotterdam = "https://identifier.overheid.nl/tooi/id/gemeente/gm0599";

Json parse(const std::string& text) {
    Json doc;
    doc.Parse(text.c_str(), text.size());
    INFO(text);
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

std::string program() { return binPath("twin-registry"); }

std::string createKey(const std::string& db, const std::string& publisher) {
    auto result = run({program(), "keys", "create", "--db", db, "--publisher", publisher, "--node-id", "gm0363"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    std::string key = result.out;
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    REQUIRE(key.find('\n') == std::string::npos);  // the key alone on stdout
    REQUIRE(key.size() > 20);
    return key;
}

// The first Amsterdam sample, as text, with its id replaced.
std::string sampleRecord(const std::string& id, const std::string& title = "") {
    Json all = parse(readFile(sourcePath("deploy/samples/gm0363-amsterdam.json")));
    REQUIRE(all.IsArray());
    REQUIRE(all.Size() > 0);
    Json doc;
    doc.CopyFrom(all[0], doc.GetAllocator());
    doc["id"].SetString(id.c_str(), doc.GetAllocator());
    if (!title.empty()) doc["properties"]["title"].SetString(title.c_str(), doc.GetAllocator());
    return tweeling::common::toString(doc);
}

HttpResponse publish(const std::string& method, const std::string& url, const std::string& body,
                     const std::string& key, const std::string& contentType = "application/geo+json") {
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.body = body;
    if (!contentType.empty()) request.headers.push_back("Content-Type: " + contentType);
    if (!key.empty()) request.headers.push_back("Authorization: Bearer " + key);
    return send(request);
}

struct Node {
    TempDir dir;
    std::string db = dir.file("node.db");
    std::unique_ptr<ServerProcess> server;
    std::string items;
    std::string amsterdamKey;

    explicit Node(bool withSamples = false, std::vector<std::string> extraArguments = {}) {
        amsterdamKey = createKey(db, kAmsterdam);
        if (withSamples) {
            auto result = run({program(), "import", "--db", db, "--node-id", "gm0363",
                               sourcePath("deploy/samples/gm0363-amsterdam.json"),
                               sourcePath("deploy/samples/gm0599-rotterdam.json"),
                               sourcePath("deploy/samples/gm0344-utrecht.json")});
            INFO(result.err);
            REQUIRE(result.exitCode == 0);
        }
        std::vector<std::string> arguments{program(),     "serve",     "--db",   db,       "--listen",
                                           "127.0.0.1:0", "--node-id", "gm0363", "--name", "Amsterdam"};
        arguments.insert(arguments.end(), extraArguments.begin(), extraArguments.end());
        server = std::make_unique<ServerProcess>(arguments);
        items = server->baseUrl() + "/collections/twins/items";
    }
    std::string url(const std::string& path) const { return server->baseUrl() + path; }
};

void requireProblem(const HttpResponse& response, long status) {
    INFO(response.body);
    REQUIRE(response.status == status);
    CHECK(response.header("content-type").find("application/problem+json") == 0);
    Json doc = parse(response.body);
    CHECK(doc["status"].GetInt() == status);
    CHECK(doc.HasMember("title"));
    CHECK(doc.HasMember("detail"));
}

bool hasLink(const tweeling::common::JsonValue& links, const std::string& rel) {
    for (const auto& link : links.GetArray())
        if (link["rel"].GetString() == rel) return true;
    return false;
}

std::string linkHref(const tweeling::common::JsonValue& links, const std::string& rel) {
    for (const auto& link : links.GetArray())
        if (link["rel"].GetString() == rel) return link["href"].GetString();
    return "";
}

}  // namespace

TEST_CASE("landing page, conformance and catalog follow OGC API – Records") {
    Node node;
    auto landing = get(node.url("/"));
    REQUIRE(landing.status == 200);
    CHECK(landing.header("content-type") == "application/json");
    Json doc = parse(landing.body);
    CHECK(std::string(doc["title"].GetString()) == "Amsterdam");
    for (const char* rel : {"self", "service-desc", "conformance", "data",
                            "http://www.opengis.net/def/rel/ogc/1.0/ogc-catalog"})
        CHECK(hasLink(doc["links"], rel));
    CHECK(linkHref(doc["links"], "service-desc") == node.url("/api"));

    Json conformance = parse(get(node.url("/conformance")).body);
    std::set<std::string> classes;
    for (const auto& uri : conformance["conformsTo"].GetArray()) classes.insert(uri.GetString());
    CHECK(classes.count("http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core"));
    CHECK(classes.count("http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/searchable-catalog"));
    CHECK(classes.count("http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete"));
    // Claims backed by tests: filtering (filter_facets_test.cpp), sorting (below), OpenAPI (gis_clients).
    CHECK(classes.count("http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/searchable-catalog-filtering"));
    CHECK(classes.count("http://www.opengis.net/spec/cql2/1.0/conf/cql2-text"));

    Json collections = parse(get(node.url("/collections")).body);
    REQUIRE(collections["collections"].Size() == 1);
    CHECK(std::string(collections["collections"][0]["id"].GetString()) == "twins");
    CHECK(std::string(collections["collections"][0]["itemType"].GetString()) == "record");
    Json collection = parse(get(node.url("/collections/twins")).body);
    CHECK(linkHref(collection["links"], "items") == node.items);

    CHECK(hasLink(collection["links"], "http://www.opengis.net/def/rel/ogc/1.0/queryables"));
    auto queryables = get(node.url("/collections/twins/queryables"));
    REQUIRE(queryables.status == 200);
    CHECK(queryables.header("content-type") == "application/schema+json");
    Json schema = parse(queryables.body);
    for (const char* name : {"type", "themes", "formats", "adminUnits", "publisher", "updated", "geometry", "license",
                             "rights"})
        CHECK(schema["properties"].HasMember(name));
    CHECK(schema["properties"]["themes"]["items"]["enum"].Size() == 17);
    Json sortables = parse(get(node.url("/collections/twins/sortables")).body);
    CHECK(sortables["properties"].HasMember("updated"));
    CHECK(sortables["properties"].HasMember("title"));

    auto health = get(node.url("/health"));
    CHECK(health.status == 200);
    CHECK(std::string(parse(health.body)["status"].GetString()) == "ok");

    auto api = get(node.url("/api"));
    REQUIRE(api.status == 200);
    Json openapi = parse(api.body);
    CHECK(std::string(openapi["openapi"].GetString()).rfind("3.", 0) == 0);
    CHECK(openapi["paths"].HasMember("/collections/twins/items"));
    // The server is this one under its versioned base path (NL API Design Rules /core/uri-version).
    CHECK(std::string(openapi["servers"][0]["url"].GetString()) == node.server->baseUrl() + "/v1");
    // Every route this server answers is described.
    for (const char* path : {"/", "/conformance", "/collections", "/collections/twins", "/collections/twins/items",
                             "/collections/twins/items/{recordId}", "/collections/twins/queryables",
                             "/collections/twins/sortables", "/feed", "/health", "/api", "/openapi.json", "/metrics"}) {
        INFO(path);
        CHECK(openapi["paths"].HasMember(path));
    }
    for (const char* method : {"get", "post"}) CHECK(openapi["paths"]["/collections/twins/items"].HasMember(method));
    for (const char* method : {"get", "put", "delete"})
        CHECK(openapi["paths"]["/collections/twins/items/{recordId}"].HasMember(method));
}

TEST_CASE("publish, read, replace and delete a record with a publisher key") {
    Node node;
    const std::string& key = node.amsterdamKey;

    SECTION("create with POST, read it back, replace with PUT, delete") {
        auto created = publish("POST", node.items, sampleRecord("ams-test-1"), key);
        INFO(created.body);
        REQUIRE(created.status == 201);
        std::string location = created.header("location");
        CHECK(location == node.items + "/ams-test-1");

        auto fetched = get(location);
        REQUIRE(fetched.status == 200);
        CHECK(fetched.header("content-type") == "application/geo+json");
        Json record = parse(fetched.body);
        CHECK(std::string(record["id"].GetString()) == "ams-test-1");
        CHECK(std::string(record["origin"].GetString()) == "gm0363");
        CHECK(record["properties"].HasMember("formats"));
        CHECK(linkHref(record["links"], "self") == location);
        CHECK(hasLink(record["links"], "collection"));
        std::string etag = fetched.header("etag");
        REQUIRE_FALSE(etag.empty());
        CHECK(get(location, {"If-None-Match: " + etag}).status == 304);

        // POST of an existing id is a conflict; PUT replaces.
        CHECK(publish("POST", node.items, sampleRecord("ams-test-1"), key).status == 409);
        auto replaced = publish("PUT", location, sampleRecord("ams-test-1", "Gebouwen Amsterdam vervangen"), key);
        INFO(replaced.body);
        CHECK(replaced.status == 200);
        Json after = parse(get(location).body);
        CHECK(std::string(after["properties"]["title"].GetString()) == "Gebouwen Amsterdam vervangen");
        CHECK(get(location, {"If-None-Match: " + etag}).status == 200);  // changed

        // Replacing with a stale If-Match fails.
        HttpRequest stale{"PUT", location, sampleRecord("ams-test-1", "Nog een titel"),
                          {"Content-Type: application/json", "Authorization: Bearer " + key, "If-Match: " + etag}};
        requireProblem(send(stale), 412);

        HttpRequest removeRequest{"DELETE", location, "", {"Authorization: Bearer " + key}};
        auto removed = send(removeRequest);
        CHECK(removed.status == 204);
        requireProblem(get(location), 404);
        requireProblem(send(removeRequest), 404);

        // The feed: the record's put was compacted away; its tombstone is the only entry.
        Json feed = parse(get(node.url("/feed?after=0")).body);
        REQUIRE(feed["entries"].Size() == 1);
        CHECK(std::string(feed["entries"][0]["op"].GetString()) == "delete");
        CHECK(std::string(feed["entries"][0]["id"].GetString()) == "ams-test-1");
        CHECK_FALSE(feed["entries"][0].HasMember("record"));
    }

    SECTION("PUT creates when the id is new; POST without id gets one") {
        auto created = publish("PUT", node.items + "/ams-new", sampleRecord("ams-new"), key);
        CHECK(created.status == 201);
        Json doc = parse(sampleRecord("x"));
        doc.RemoveMember("id");
        auto assigned = publish("POST", node.items, tweeling::common::toString(doc), key);
        INFO(assigned.body);
        REQUIRE(assigned.status == 201);
        CHECK(get(assigned.header("location")).status == 200);
    }

    SECTION("a PUT whose body id differs from the path is refused, naming /id") {
        auto response = publish("PUT", node.items + "/other-id", sampleRecord("ams-test-2"), key);
        requireProblem(response, 400);
        Json problem = parse(response.body);
        REQUIRE(problem["errors"].Size() == 1);
        CHECK(std::string(problem["errors"][0]["pointer"].GetString()) == "/id");
    }
}

namespace {

// A record with the given description, as a publisher sends it.
std::string withDescription(const std::string& id, const std::string& description) {
    Json doc = parse(sampleRecord(id));
    doc["properties"]["description"].SetString(description.c_str(), doc.GetAllocator());
    return tweeling::common::toString(doc);
}

HttpResponse conditionalPut(const std::string& url, const std::string& body, const std::string& key,
                            const std::string& condition) {
    HttpRequest request{"PUT", url, body, {"Content-Type: application/geo+json", "Authorization: Bearer " + key}};
    if (!condition.empty()) request.headers.push_back(condition);
    return send(request);
}

}  // namespace

TEST_CASE("read-modify-write with If-Match loses no update, however many clients race") {
    // No rate limits: the clients read and write as fast as they can.
    Node node(false, {"--rate-limit", "0", "--publish-rate-limit", "0", "--threads", "4", "--quiet"});
    const std::string url = node.items + "/ams-counter";
    REQUIRE(publish("PUT", url, withDescription("ams-counter", "changes:"), node.amsterdamKey).status == 201);

    // Each client reads the record, appends its own mark to the description and writes it back with
    // If-Match; on 412 it reads again. Every write answered 2xx must be in the final record.
    // Catch's assertions are not thread-safe: the clients use plain RapidJSON and count what they see.
    const std::string recordText = sampleRecord("ams-counter");
    auto recordWith = [&](const std::string& description) {
        Json doc;
        doc.Parse(recordText.c_str(), recordText.size());
        doc["properties"]["description"].SetString(description.c_str(), doc.GetAllocator());
        return tweeling::common::toString(doc);
    };
    constexpr int kClients = 4, kChangesEach = 25, kMaxAttempts = 400;
    std::vector<std::vector<std::string>> accepted(kClients);
    std::vector<int> unexpected(kClients, 0);
    std::vector<std::thread> clients;
    for (int client = 0; client < kClients; ++client) {
        clients.emplace_back([&, client] {
            int attempts = 0;
            while (static_cast<int>(accepted[client].size()) < kChangesEach && attempts++ < kMaxAttempts) {
                HttpResponse current = get(url);
                if (current.status != 200) {
                    ++unexpected[client];
                    continue;
                }
                Json doc;
                doc.Parse(current.body.c_str(), current.body.size());
                if (doc.HasParseError() || !doc.IsObject() || !doc["properties"]["description"].IsString()) {
                    ++unexpected[client];
                    continue;
                }
                std::string mark = " c" + std::to_string(client) + "n" + std::to_string(attempts) + ";";
                std::string description = doc["properties"]["description"].GetString() + mark;
                HttpResponse written = conditionalPut(url, recordWith(description), node.amsterdamKey,
                                                      "If-Match: " + current.header("etag"));
                if (written.status / 100 == 2)
                    accepted[client].push_back(mark);
                else if (written.status != 412)
                    ++unexpected[client];
            }
        });
    }
    for (auto& thread : clients) thread.join();

    HttpResponse last = get(url);
    INFO(last.body);
    REQUIRE(last.status == 200);
    std::string final = parse(last.body)["properties"]["description"].GetString();
    int answered2xx = 0, preserved = 0;
    for (int client = 0; client < kClients; ++client) {
        CHECK(unexpected[client] == 0);
        answered2xx += static_cast<int>(accepted[client].size());
        for (const std::string& mark : accepted[client]) preserved += final.find(mark) != std::string::npos;
    }
    int marks = static_cast<int>(std::count(final.begin(), final.end(), ';'));
    INFO(final);
    CHECK(answered2xx == kClients * kChangesEach);
    CHECK(preserved == answered2xx);
    CHECK(marks == answered2xx);
}

TEST_CASE("If-Match and If-None-Match on PUT and DELETE") {
    Node node;
    const std::string& key = node.amsterdamKey;
    const std::string url = node.items + "/ams-conditional";

    // If-None-Match: * creates a record that is not there, and never replaces one that is.
    auto created = conditionalPut(url, withDescription("ams-conditional", "one"), key, "If-None-Match: *");
    INFO(created.body);
    REQUIRE(created.status == 201);
    std::string first = created.header("etag");
    CHECK(first == get(url).header("etag"));  // the ETag of the write is the ETag of the record
    requireProblem(conditionalPut(url, withDescription("ams-conditional", "two"), key, "If-None-Match: *"), 412);
    CHECK(std::string(parse(get(url).body)["properties"]["description"].GetString()) == "one");

    // If-Match: the current ETag replaces; after that it is stale and refused.
    auto replaced = conditionalPut(url, withDescription("ams-conditional", "two"), key, "If-Match: " + first);
    REQUIRE(replaced.status == 200);
    std::string second = replaced.header("etag");
    CHECK(second != first);
    CHECK(second == get(url).header("etag"));
    requireProblem(conditionalPut(url, withDescription("ams-conditional", "three"), key, "If-Match: " + first), 412);
    requireProblem(conditionalPut(url, withDescription("ams-conditional", "three"), key, "If-Match: W/" + second), 412);
    CHECK(std::string(parse(get(url).body)["properties"]["description"].GetString()) == "two");
    // A list with the current tag passes; If-Match on a record that does not exist does not.
    CHECK(
        conditionalPut(url, withDescription("ams-conditional", "three"), key, "If-Match: \"nope\", " + second).status ==
        200);
    requireProblem(conditionalPut(node.items + "/ams-absent", withDescription("ams-absent", "x"), key, "If-Match: *"),
                   412);
    CHECK(get(node.items + "/ams-absent").status == 404);

    // DELETE: a stale If-Match is refused and the record stays; the current one deletes it.
    HttpRequest staleDelete{"DELETE", url, "", {"Authorization: Bearer " + key, "If-Match: " + second}};
    requireProblem(send(staleDelete), 412);
    REQUIRE(get(url).status == 200);
    HttpRequest currentDelete{
        "DELETE", url, "", {"Authorization: Bearer " + key, "If-Match: " + get(url).header("etag")}};
    CHECK(send(currentDelete).status == 204);
    CHECK(get(url).status == 404);
}

TEST_CASE("keys: none, unknown, another publisher's, revoked") {
    Node node;
    std::string body = sampleRecord("ams-auth");

    auto anonymous = publish("POST", node.items, body, "");
    requireProblem(anonymous, 401);
    CHECK(anonymous.header("www-authenticate").find("Bearer") == 0);

    requireProblem(publish("POST", node.items, body, "twk_000000000000_notakey"), 401);

    // Rotterdam's key may not publish (or replace, or delete) Amsterdam's records.
    std::string rotterdamKey = createKey(node.db, kRotterdam);
    requireProblem(publish("POST", node.items, body, rotterdamKey), 403);
    REQUIRE(publish("POST", node.items, body, node.amsterdamKey).status == 201);
    requireProblem(publish("PUT", node.items + "/ams-auth", body, rotterdamKey), 403);
    HttpRequest removeRequest{"DELETE", node.items + "/ams-auth", "", {"Authorization: Bearer " + rotterdamKey}};
    requireProblem(send(removeRequest), 403);
    CHECK(get(node.items + "/ams-auth").status == 200);

    // A revoked key is refused at once.
    auto list = run({program(), "keys", "list", "--db", node.db});
    REQUIRE(list.exitCode == 0);
    std::string keyId = node.amsterdamKey.substr(4, 12);
    CHECK(list.out.find(keyId) != std::string::npos);
    CHECK(list.out.find(node.amsterdamKey) == std::string::npos);  // the secret is never shown again
    REQUIRE(run({program(), "keys", "revoke", keyId, "--db", node.db}).exitCode == 0);
    requireProblem(publish("PUT", node.items + "/ams-auth", body, node.amsterdamKey), 401);
}

TEST_CASE("bad requests get problem documents that name what is wrong") {
    Node node;
    const std::string& key = node.amsterdamKey;

    SECTION("malformed JSON reports the byte offset") {
        auto response = publish("POST", node.items, R"({"type": "Feature",, "id": "x"})", key);
        requireProblem(response, 400);
        Json problem = parse(response.body);
        CHECK(problem["offset"].GetInt() == 19);  // the second comma
    }
    SECTION("wrong content type is 415") {
        requireProblem(publish("POST", node.items, sampleRecord("ct"), key, "text/plain"), 415);
        requireProblem(publish("POST", node.items, sampleRecord("ct"), key, ""), 415);
    }
    SECTION("a body over 1 MiB is 413") {
        std::string big = sampleRecord("big");
        big.insert(big.size() - 1, ",\"padding\":\"" + std::string(1100000, 'x') + "\"");
        requireProblem(publish("POST", node.items, big, key), 413);
    }
    SECTION("an invalid record lists every problem with its JSON Pointer") {
        Json doc = parse(sampleRecord("invalid-1"));
        doc["properties"].RemoveMember("title");
        doc["properties"]["rights"].SetString("everyone");
        auto response = publish("POST", node.items, tweeling::common::toString(doc), key);
        requireProblem(response, 400);
        Json problem = parse(response.body);
        std::set<std::string> pointers;
        for (const auto& error : problem["errors"].GetArray()) pointers.insert(error["pointer"].GetString());
        CHECK(pointers.count("/properties/title"));
        CHECK(pointers.count("/properties/rights"));
        // The same faults as the NL API Design Rules' invalid-params, named by their JSON Pointers.
        std::set<std::string> names;
        for (const auto& invalid : problem["invalid-params"].GetArray()) {
            names.insert(invalid["name"].GetString());
            CHECK(std::string(invalid["reason"].GetString()).size() > 0);
        }
        CHECK(names == pointers);
        CHECK(get(node.items + "/invalid-1").status == 404);  // nothing was stored
    }
    SECTION("bad search parameters name the parameter") {
        for (auto [query, parameter] : std::vector<std::pair<std::string, std::string>>{
                 {"bbox=1,2,3", "bbox"},
                 {"bbox=a,b,c,d", "bbox"},
                 {"bbox=5,53,4,52", "bbox"},
                 {"datetime=yesterday", "datetime"},
                 {"datetime=2024-05-01/2023-01-01", "datetime"},
                 {"limit=0", "limit"},
                 {"limit=ten", "limit"},
                 {"offset=-1", "offset"},
                 {"sortby=size", "sortby"},
                 {"sortby=relevance", "sortby"},
                 {"colour=red", "colour"},
                 {"f=xml", "f"}}) {
            auto response = get(node.items + "?" + query);
            INFO(query);
            requireProblem(response, 400);
            Json problem = parse(response.body);
            CHECK(std::string(problem["parameter"].GetString()) == parameter);
            // NL API Design Rules /core/error-handling/invalid-input: invalid-params [{name, reason}].
            REQUIRE(problem.HasMember("invalid-params"));
            REQUIRE(problem["invalid-params"].Size() == 1);
            CHECK(std::string(problem["invalid-params"][0]["name"].GetString()) == parameter);
            std::string reason = problem["invalid-params"][0]["reason"].GetString();
            CHECK(!reason.empty());
            CHECK(std::string(problem["detail"].GetString()).find(reason) != std::string::npos);
        }
    }
    SECTION("method not allowed is 405 with Allow; unknown paths are 404") {
        HttpRequest patch{"PATCH", node.items, "{}", {"Content-Type: application/json"}};
        auto response = send(patch);
        requireProblem(response, 405);
        CHECK(response.header("allow").find("POST") != std::string::npos);
        // A method the server does not know at all is answered before routing, with the same type.
        HttpRequest trace{"TRACE", node.items, "", {}};
        auto unknown = send(trace);
        requireProblem(unknown, 405);
        for (const auto* answer : {&response, &unknown})
            CHECK(std::string(parse(answer->body)["type"].GetString()) ==
                  "https://w3id.org/tweeling/problem/method-not-allowed");
        HttpRequest deleteCollection{"DELETE", node.url("/collections/twins"), "", {}};
        requireProblem(send(deleteCollection), 405);
        requireProblem(get(node.url("/nothing/here")), 404);
        requireProblem(get(node.url("/collections/other/items")), 404);
    }
}

TEST_CASE("NL API Design Rules: API-Version and security headers on every response, the API under /v1 too") {
    Node node(false, {"--contact-email", "3d@amsterdam.example", "--contact-url", "https://amsterdam.example/3d"});
    const std::string& key = node.amsterdamKey;
    Json openapi = parse(get(node.url("/openapi.json")).body);
    const std::string version = openapi["info"]["version"].GetString();
    // Full semver, the same on every response as in the API definition.
    CHECK(std::count(version.begin(), version.end(), '.') == 2);
    CHECK(std::string(openapi["info"]["contact"]["name"].GetString()) == "Amsterdam");
    CHECK(std::string(openapi["info"]["contact"]["url"].GetString()) == "https://amsterdam.example/3d");
    CHECK(std::string(openapi["info"]["contact"]["email"].GetString()) == "3d@amsterdam.example");

    HttpRequest trace{"TRACE", node.items, "", {}};
    HttpRequest options{"OPTIONS", node.items, "", {}};
    // A request line over the server's bound (24 KiB) is refused before the Api sees it.
    HttpRequest tooLong{"GET", node.items + "?q=" + std::string(30000, 'a'), "", {}};
    std::vector<std::pair<std::string, HttpResponse>> answers{
        {"landing", get(node.url("/"))},
        {"search", get(node.items + "?limit=1")},
        {"publish", publish("POST", node.items, sampleRecord("adr-1"), key)},
        {"400", get(node.items + "?limit=0")},
        {"401", publish("POST", node.items, sampleRecord("adr-2"), "")},
        {"404", get(node.url("/nothing"))},
        {"405 before routing", send(trace)},
        {"OPTIONS", send(options)},
        {"414", send(tooLong)},
        {"under /v1", get(node.url("/v1/collections"))},
        {"HTML", get(node.url("/?f=html"))}};
    for (const auto& [what, response] : answers) {
        INFO(what << ": " << response.status);
        CHECK(response.header("api-version") == version);
        CHECK(response.header("access-control-allow-origin") == "*");
        CHECK(response.header("x-content-type-options") == "nosniff");
        CHECK(response.header("x-frame-options") == "DENY");
        CHECK(response.header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
    }
    CHECK(answers[2].second.status == 201);
    CHECK(answers[8].second.status == 414);
    // An answer to an authenticated request is kept by no cache; a public read stays cacheable.
    CHECK(answers[2].second.header("cache-control") == "no-store");
    CHECK(answers[1].second.header("cache-control").find("no-store") == std::string::npos);

    // /v1 is the same API; links in its answers keep the prefix, and those without it do not.
    auto versioned = get(node.url("/v1/collections/twins/items/adr-1"));
    REQUIRE(versioned.status == 200);
    CHECK(linkHref(parse(versioned.body)["links"], "self") == node.url("/v1/collections/twins/items/adr-1"));
    CHECK(linkHref(parse(get(node.items + "/adr-1").body)["links"], "self") == node.items + "/adr-1");
    CHECK(get(node.url("/v1")).status == 200);
    CHECK(std::string(parse(get(node.url("/v1/api")).body)["servers"][0]["url"].GetString()) == node.url("/v1"));
    auto badUnderV1 = get(node.url("/v1/collections/twins/items?bbox=1"));
    requireProblem(badUnderV1, 400);
    CHECK(std::string(parse(badUnderV1.body)["instance"].GetString()) == "/v1/collections/twins/items");
    requireProblem(get(node.url("/v10/collections")), 404);  // the prefix is a whole segment
    requireProblem(get(node.url("/v1/v1/collections")), 404);  // and stripped once
}

TEST_CASE("JSON that parsers read differently is refused: a member name twice, text that is not UTF-8") {
    Node node;
    const std::string& key = node.amsterdamKey;
    auto requirePointer = [](const HttpResponse& response, const std::string& pointer) {
        requireProblem(response, 400);
        CHECK(tweeling::common::isValidUtf8(response.body));
        Json problem = parse(response.body);
        CHECK(std::string(problem["detail"].GetString()).find(pointer) != std::string::npos);
        REQUIRE(problem.HasMember("errors"));
        REQUIRE(problem["errors"].Size() == 1);
        CHECK(std::string(problem["errors"][0]["pointer"].GetString()) == pointer);
    };

    SECTION("publisher twice: our check read the first (gm0363), others the second (gm0392)") {
        Json doc = parse(sampleRecord("dup-publisher"));
        Json other;
        other.SetObject();
        other.AddMember("id", "https://identifier.overheid.nl/tooi/id/gemeente/gm0392", other.GetAllocator());
        other.AddMember("name", "Gemeente Haarlem", other.GetAllocator());
        // RapidJSON's AddMember does not look for an existing name: the text gets both.
        doc["properties"].AddMember("publisher", tweeling::common::JsonValue(other, doc.GetAllocator()),
                                    doc.GetAllocator());
        std::string body = tweeling::common::toString(doc);
        REQUIRE(body.find("gm0363") < body.find("gm0392"));
        requirePointer(publish("PUT", node.items + "/dup-publisher", body, key), "/properties/publisher");
        requirePointer(publish("POST", node.items, body, key), "/properties/publisher");
        CHECK(get(node.items + "/dup-publisher").status == 404);  // nothing was stored
        CHECK(parse(get(node.url("/feed?after=0")).body)["entries"].Size() == 0);
    }
    SECTION("title twice") {
        Json doc = parse(sampleRecord("dup-title"));
        doc["properties"].AddMember("title", "Another title", doc.GetAllocator());
        requirePointer(publish("PUT", node.items + "/dup-title", tweeling::common::toString(doc), key),
                       "/properties/title");
        CHECK(get(node.items + "/dup-title").status == 404);
    }
    SECTION("a title with the bytes FF FE, or a \\u escape of half a surrogate pair") {
        std::string body = sampleRecord("bad-utf8", "Gebouwen TITLE");
        body.replace(body.find("TITLE"), 5, "\xFF\xFE");
        requirePointer(publish("PUT", node.items + "/bad-utf8", body, key), "/properties/title");
        body = sampleRecord("bad-utf8", "Gebouwen TITLE");
        body.replace(body.find("TITLE"), 5, "\\uDC00");
        requirePointer(publish("PUT", node.items + "/bad-utf8", body, key), "/properties/title");
        CHECK(get(node.items + "/bad-utf8").status == 404);
        CHECK(parse(get(node.url("/feed?after=0")).body)["entries"].Size() == 0);
    }
    SECTION("query parameters and ids that are not UTF-8 once percent-decoded") {
        for (auto [query, parameter] :
             std::vector<std::pair<std::string, std::string>>{{"q=%FF%FE", "q"},
                                                              {"q=gebouwen,%C0%AF", "q"},
                                                              {"filter=title%20%3D%20%27%FF%27", "filter"},
                                                              {"themes=%ED%A0%80", "themes"}}) {
            INFO(query);
            auto response = get(node.items + "?" + query);
            requireProblem(response, 400);
            CHECK(tweeling::common::isValidUtf8(response.body));
            CHECK(std::string(parse(response.body)["parameter"].GetString()) == parameter);
        }
        auto feed = get(node.url("/feed?after=%FF"));
        requireProblem(feed, 400);
        CHECK(std::string(parse(feed.body)["parameter"].GetString()) == "after");
        requireProblem(get(node.items + "/%FF%FE"), 400);
        auto put = publish("PUT", node.items + "/%FF%FE", sampleRecord("x"), key);
        requireProblem(put, 400);
        CHECK(tweeling::common::isValidUtf8(put.body));
    }
}

TEST_CASE("updated (or created) later than now is refused: hubs would refuse every later correction") {
    Node node;
    const std::string& key = node.amsterdamKey;
    auto withUpdated = [](const std::string& id, const std::string& updated) {
        Json doc = parse(sampleRecord(id));
        doc["properties"]["updated"].SetString(updated.c_str(), doc.GetAllocator());
        return tweeling::common::toString(doc);
    };
    auto now = static_cast<std::int64_t>(std::time(nullptr));
    for (const std::string& future : {std::string("9999-12-31"), std::string("9999-12-31T23:59:59Z"),
                                      tweeling::common::formatRfc3339(now + 3600)}) {
        INFO(future);
        auto response = publish("PUT", node.items + "/future", withUpdated("future", future), key);
        requireProblem(response, 400);
        Json problem = parse(response.body);
        REQUIRE(problem["errors"].Size() == 1);
        CHECK(std::string(problem["errors"][0]["pointer"].GetString()) == "/properties/updated");
        CHECK(std::string(problem["errors"][0]["detail"].GetString()).find("future") != std::string::npos);
    }
    CHECK(get(node.items + "/future").status == 404);
    // A clock a minute ahead of the server's is fine.
    CHECK(publish("PUT", node.items + "/future", withUpdated("future", tweeling::common::formatRfc3339(now + 60)), key)
              .status == 201);
}

TEST_CASE("search over the sample records of three municipalities") {
    Node node(true);

    SECTION("q + bbox finds Amsterdam's buildings") {
        auto response = get(node.items + "?q=gebouwen&bbox=4.7,52.2,5.1,52.5");
        REQUIRE(response.status == 200);
        CHECK(response.header("content-type") == "application/geo+json");
        Json result = parse(response.body);
        CHECK(std::string(result["type"].GetString()) == "FeatureCollection");
        REQUIRE(result["numberMatched"].GetInt() >= 1);
        CHECK(result["numberReturned"].GetInt() == static_cast<int>(result["features"].Size()));
        for (const auto& feature : result["features"].GetArray())
            CHECK(std::string(feature["properties"]["publisher"]["id"].GetString()) == kAmsterdam);
        // Without the box, other municipalities' buildings are found too.
        Json everywhere = parse(get(node.items + "?q=gebouwen").body);
        CHECK(everywhere["numberMatched"].GetInt() > result["numberMatched"].GetInt());
    }

    SECTION("paging by next links returns every record once, and numberMatched is exact") {
        Json first = parse(get(node.items + "?limit=4").body);
        int total = first["numberMatched"].GetInt();
        REQUIRE(total >= 18);
        std::set<std::string> seen;
        std::string url = node.items + "?limit=4";
        int pages = 0;
        while (!url.empty() && pages < 50) {
            Json page = parse(get(url).body);
            for (const auto& feature : page["features"].GetArray()) CHECK(seen.insert(feature["id"].GetString()).second);
            url = linkHref(page["links"], "next");
            if (pages > 0) CHECK(hasLink(page["links"], "prev"));
            ++pages;
        }
        CHECK(static_cast<int>(seen.size()) == total);
    }

    SECTION("property filters, datetime and sorting") {
        Json sims = parse(get(node.items + "?type=simulation-result&limit=100").body);
        REQUIRE(sims["numberMatched"].GetInt() >= 3);
        for (const auto& feature : sims["features"].GetArray())
            CHECK(std::string(feature["properties"]["type"].GetString()) == "simulation-result");

        Json heat = parse(get(node.items + "?themes=heat-stress&adminUnits=GM0599").body);
        REQUIRE(heat["numberMatched"].GetInt() >= 1);
        for (const auto& feature : heat["features"].GetArray())
            CHECK(std::string(feature["properties"]["publisher"]["id"].GetString()) == kRotterdam);

        Json copc = parse(get(node.items + "?formats=copc&limit=100").body);
        CHECK(copc["numberMatched"].GetInt() >= 3);

        Json future = parse(get(node.items + "?datetime=1900-01-01/1901-01-01").body);
        CHECK(future["numberMatched"].GetInt() == 0);
        Json recent = parse(get(node.items + "?datetime=2000-01-01/..&limit=100").body);
        CHECK(recent["numberMatched"].GetInt() >= 1);

        Json byTitle = parse(get(node.items + "?sortby=title&limit=100").body);
        std::vector<std::string> titles;
        for (const auto& feature : byTitle["features"].GetArray()) titles.push_back(feature["properties"]["title"].GetString());
        REQUIRE(titles.size() >= 2);
        for (std::size_t i = 1; i < titles.size(); ++i) {
            std::string a = titles[i - 1], b = titles[i];
            std::transform(a.begin(), a.end(), a.begin(), ::tolower);
            std::transform(b.begin(), b.end(), b.begin(), ::tolower);
            CHECK(a <= b);
        }

        Json ids = parse(get(node.items + "?ids=" + std::string(byTitle["features"][0]["id"].GetString())).body);
        CHECK(ids["numberMatched"].GetInt() == 1);
    }

    SECTION("the feed pages through every record in seq order") {
        std::int64_t previous = 0;
        int count = 0;
        std::string url = node.url("/feed?after=0&limit=5");
        std::string epoch;
        while (!url.empty()) {
            Json page = parse(get(url).body);
            if (epoch.empty()) epoch = page["epoch"].GetString();
            CHECK(epoch == page["epoch"].GetString());
            CHECK(std::string(page["origin"].GetString()) == "gm0363");
            for (const auto& entry : page["entries"].GetArray()) {
                CHECK(entry["seq"].GetInt64() > previous);
                previous = entry["seq"].GetInt64();
                CHECK(entry.HasMember("record"));
                ++count;
            }
            url = page["next"].IsString() ? page["next"].GetString() : "";
        }
        Json all = parse(get(node.items + "?limit=1").body);
        CHECK(count == all["numberMatched"].GetInt());
        requireProblem(get(node.url("/feed?limit=20000")), 400);
        requireProblem(get(node.url("/feed?after=x")), 400);
    }
}

TEST_CASE("metrics are served in Prometheus text format") {
    Node node(true);
    REQUIRE(get(node.items + "?limit=1").status == 200);
    requireProblem(get(node.items + "?limit=0"), 400);
    REQUIRE(get(node.items + "?facets=themes&limit=1").status == 200);
    // The server builds its indexes at start on the store's background builder; wait for it
    // (searches meanwhile are answered by FTS5 and SQL).
    for (int i = 0; i < 200; ++i) {
        if (get(node.url("/metrics")).body.find("tweeling_term_index_builds_total 1\n") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(get(node.items + "?q=gebouw&limit=1").status == 200);
    auto metrics = get(node.url("/metrics"));
    REQUIRE(metrics.status == 200);
    CHECK(metrics.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
    CHECK(metrics.body.find("tweeling_records 27\n") != std::string::npos);
    CHECK(metrics.body.find("tweeling_http_requests_total{code=\"4xx\"} 1\n") != std::string::npos);
    CHECK(metrics.body.find("tweeling_store_up 1\n") != std::string::npos);
    // Built once (at start, or by the faceted query), whatever the writes before it.
    CHECK(metrics.body.find("tweeling_facet_index_builds_total 1\n") != std::string::npos);
    CHECK(metrics.body.find("tweeling_term_index_builds_total 1\n") != std::string::npos);
    // q=gebouw is a plain word search: the term index matched and ranked it, FTS5 did not.
    CHECK(metrics.body.find("tweeling_searches_term_index_total 1\n") != std::string::npos);
    CHECK(metrics.body.find("tweeling_searches_expanded_total 0\n") != std::string::npos);
}

namespace {
std::uint64_t metricValue(const std::string& body, const std::string& name) {
    auto at = body.find("\n" + name + " ");
    REQUIRE(at != std::string::npos);
    return std::stoull(body.substr(at + name.size() + 2));
}
}  // namespace

TEST_CASE("a search page is served again until the next write, by this server or another process") {
    Node node(true);
    const std::string query = node.items + "?q=gebouw&limit=5&facets=themes";
    auto metrics = [&](const char* name) { return metricValue(get(node.url("/metrics")).body, name); };
    auto first = get(query);
    auto second = get(query);
    REQUIRE(first.status == 200);
    REQUIRE(second.status == 200);
    CHECK(second.header("content-type") == first.header("content-type"));
    Json a = parse(first.body), b = parse(second.body);
    CHECK(b["numberMatched"].GetInt64() == a["numberMatched"].GetInt64());
    CHECK(b["timeStamp"].IsString());
    // The same page but for its timeStamp, which is written anew.
    a.RemoveMember("timeStamp");
    b.RemoveMember("timeStamp");
    CHECK(tweeling::common::toString(a) == tweeling::common::toString(b));
    CHECK(metrics("tweeling_search_cache_hits_total") == 1);
    CHECK(metrics("tweeling_search_cache_misses_total") == 1);
    // Another query, another format, or Cache-Control: no-cache is answered afresh.
    REQUIRE(get(query + "&f=json").status == 200);
    CHECK(get(query, {"Cache-Control: no-cache"}).status == 200);
    CHECK(get(query, {"Cache-Control: max-age=0, no-store"}).status == 200);
    CHECK(metrics("tweeling_search_cache_hits_total") == 1);
    const std::int64_t before = a["numberMatched"].GetInt64();

    // A write through this server: the kept page is not served.
    REQUIRE(publish("PUT", node.items + "/ams-cache-1", sampleRecord("ams-cache-1", "Gebouw met zonnedak"),
                    node.amsterdamKey).status == 201);
    CHECK(parse(get(query).body)["numberMatched"].GetInt64() == before + 1);
    // A write by another process on the same database: neither.
    REQUIRE(parse(get(query).body)["numberMatched"].GetInt64() == before + 1);  // kept again
    const std::string file = node.dir.file("more.json");
    {
        std::ofstream out(file);
        out << "[" << sampleRecord("ams-cache-2", "Gebouw met groen dak") << "]";
    }
    auto imported = run({program(), "import", "--db", node.db, "--node-id", "gm0363", file});
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);
    CHECK(parse(get(query).body)["numberMatched"].GetInt64() == before + 2);
    CHECK(metrics("tweeling_search_cache_hits_total") == 2);
}

TEST_CASE("the server logs one JSON line per request and stops cleanly on SIGTERM") {
    Node node;
    REQUIRE(get(node.url("/health")).status == 200);
    int status = node.server->stop(15);
    CHECK(status == 0);
    std::string log = node.server->logText();
    CHECK(log.find(R"("method":"GET","path":"/health","status":200)") != std::string::npos);
}

TEST_CASE("a large NDJSON file imports batch by batch; --strict rolls back every batch of the file") {
    TempDir dir;
    std::string db = dir.file("large.db");
    Json doc = parse(sampleRecord("bad"));
    doc["properties"]["adminUnits"][0].SetString("GM363");
    const std::string bad = tweeling::common::toString(doc);
    // 11,000 lines: three batches of the importer (5,000 each); the invalid lines are in the third.
    std::string file = dir.file("large.ndjson");
    {
        std::ofstream out(file);
        for (int i = 0; i < 11000; ++i) {
            if (i == 10500 || i == 10900)
                out << bad << "\n";
            else
                out << sampleRecord("large-" + std::to_string(i)) << "\n";
            if (i % 1000 == 0) out << "\n";  // blank lines are skipped
        }
    }
    auto strict = run({program(), "import", "--db", db, "--node-id", "gm0363", "--strict", file});
    CHECK(strict.exitCode == 1);
    CHECK(strict.err.find("line 10512 (bad): /properties/adminUnits/0") != std::string::npos);
    CHECK(strict.err.find("line 10912 (bad): /properties/adminUnits/0") != std::string::npos);
    CHECK(strict.err.find("2 invalid record(s); nothing imported (--strict)") != std::string::npos);
    CHECK(run({program(), "export", "--db", db, "--node-id", "gm0363"}).out.empty());

    auto lenient = run({program(), "import", "--db", db, "--node-id", "gm0363", file});
    CHECK(lenient.exitCode == 1);
    CHECK(lenient.err.find("10998 created, 0 replaced, 0 unchanged, 2 invalid") != std::string::npos);
    auto exported = run({program(), "export", "--db", db, "--node-id", "gm0363"});
    CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') == 10998);
}

TEST_CASE("import, validate and export on the command line") {
    TempDir dir;
    std::string db = dir.file("cli.db");
    Json doc = parse(sampleRecord("cli-bad"));
    doc["properties"]["adminUnits"][0].SetString("GM363");
    std::string bad = tweeling::common::toString(doc);
    std::string mixed = dir.file("mixed.ndjson");
    std::ofstream(mixed) << sampleRecord("cli-good-1") << "\n" << bad << "\n" << sampleRecord("cli-good-2") << "\n";

    auto validate = run({program(), "validate", mixed});
    CHECK(validate.exitCode == 1);
    CHECK(validate.err.find("line 2 (cli-bad): /properties/adminUnits/0") != std::string::npos);

    auto strict = run({program(), "import", "--db", db, "--node-id", "gm0363", "--strict", mixed});
    CHECK(strict.exitCode == 1);
    auto exported = run({program(), "export", "--db", db, "--node-id", "gm0363"});
    CHECK(exported.out.empty());  // --strict: nothing of the file went in

    auto lenient = run({program(), "import", "--db", db, "--node-id", "gm0363", mixed});
    CHECK(lenient.exitCode == 1);
    CHECK(lenient.err.find("2 created") != std::string::npos);
    exported = run({program(), "export", "--db", db, "--node-id", "gm0363"});
    REQUIRE(exported.exitCode == 0);
    CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') == 2);

    auto samples = run({program(), "validate", sourcePath("deploy/samples/gm0363-amsterdam.json"),
                        sourcePath("deploy/samples/gm0599-rotterdam.json"), sourcePath("deploy/samples/gm0344-utrecht.json")});
    INFO(samples.err);
    CHECK(samples.exitCode == 0);

    CHECK(run({program(), "serve", "--help"}).exitCode == 0);
    CHECK(run({program(), "import", "--help"}).out.find("--strict") != std::string::npos);
    CHECK(run({program(), "frobnicate"}).exitCode == 2);
}

TEST_CASE("import and validate refuse a member name twice or text that is not UTF-8, record by record") {
    TempDir dir;
    std::string db = dir.file("cli.db");
    Json duplicate = parse(sampleRecord("cli-dup"));
    duplicate["properties"].AddMember("title", "Another title", duplicate.GetAllocator());
    std::string notUtf8 = sampleRecord("cli-utf8", "Gebouwen TITLE");
    notUtf8.replace(notUtf8.find("TITLE"), 5, "\xFF\xFE");
    // A JSON array over several lines: one record per line would not be NDJSON.
    std::string array = dir.file("records.json");
    std::ofstream(array) << "[\n"
                         << sampleRecord("cli-ok") << ",\n"
                         << tweeling::common::toString(duplicate) << ",\n"
                         << notUtf8 << "\n]\n";

    auto validate = run({program(), "validate", array});
    INFO(validate.err);
    CHECK(validate.exitCode == 1);
    CHECK(validate.err.find("record 2: Duplicate member name at /properties/title") != std::string::npos);
    CHECK(validate.err.find("record 3: A string is not valid UTF-8 at /properties/title") != std::string::npos);
    CHECK(validate.out.find("1 of 3 records valid") != std::string::npos);

    auto imported = run({program(), "import", "--db", db, "--node-id", "gm0363", array});
    INFO(imported.err);
    CHECK(imported.exitCode == 1);
    CHECK(imported.err.find("record 2: Duplicate member name at /properties/title") != std::string::npos);
    CHECK(imported.err.find("1 created") != std::string::npos);
    auto exported = run({program(), "export", "--db", db, "--node-id", "gm0363"});
    CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') == 1);
    CHECK(exported.out.find("cli-ok") != std::string::npos);

    std::string ndjson = dir.file("records.ndjson");
    std::ofstream(ndjson) << sampleRecord("cli-ok-2") << "\n" << tweeling::common::toString(duplicate) << "\n";
    validate = run({program(), "validate", ndjson});
    CHECK(validate.exitCode == 1);
    CHECK(validate.err.find("line 2: not valid JSON at byte") != std::string::npos);
    CHECK(validate.err.find("Duplicate member name at /properties/title") != std::string::npos);
}
