#pragma once
// What a Tweeling node answers, for test feeds scripted in the test process (served by a TestServer).
#include "federation/harvest/test_server.hpp"

#include <cstdint>
#include <string>

namespace tweeling::test::federation {

// The answer of a node `origin` with `publicKey` to `path`: its identity at
// /.well-known/tweeling.json, `feedPage(after)` (the JSON of a /feed page) at /feed?after=N, and
// 404 elsewhere.
template <typename FeedPage>
Reply scriptedNodeReply(const std::string& path, const std::string& origin, const std::string& publicKey,
                        FeedPage&& feedPage) {
    Reply reply;
    reply.headers.emplace_back("Content-Type", "application/json");
    if (path == "/.well-known/tweeling.json") {
        reply.body = "{\"nodeId\":\"" + origin + "\",\"kind\":\"node\",\"publicKey\":\"" + publicKey +
                     "\",\"keyRotations\":[]}";
        return reply;
    }
    const std::string prefix = "/feed?after=";
    if (path.rfind(prefix, 0) != 0) {
        reply.status = 404;
        return reply;
    }
    reply.body = feedPage(static_cast<std::int64_t>(std::stoll(path.substr(prefix.size()))));
    return reply;
}

}  // namespace tweeling::test::federation
