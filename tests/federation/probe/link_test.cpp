#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fake_fetch.hpp"
#include "probe/probe.hpp"

using namespace tweeling::federation::probe;
using tweeling::test::FakeFetch;
using tweeling::test::idsOf;
using tweeling::test::messageOf;
using tweeling::test::problemsOf;
using tweeling::test::statusOf;

namespace {

const std::string kUrl = "https://data.example.nl/downloads/bgt.gpkg";

ProbeResult probeServed(const std::string& served, const std::string& claimed, const std::string& format = "gpkg") {
    FakeFetch server;
    server.serve(kUrl, std::string(100000, 'x'), served);
    return probeDistribution(format, kUrl, claimed, server.fetch());
}

}  // namespace

TEST_CASE("a link that answers with the type the record claims passes, reading only the first bytes") {
    FakeFetch server;
    server.serve(kUrl, std::string(100000, 'x'), "application/geopackage+sqlite3");
    Limits limits;
    ProbeResult result = probeDistribution("gpkg", kUrl, "application/geopackage+sqlite3", server.fetch(), limits);
    CHECK(result.reachable);
    CHECK(problemsOf(result) == "");
    CHECK(idsOf(result) == std::vector<std::string>{"link.reachable", "link.contentType"});
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].second == limits.maxHeaderBytes);

    CHECK(statusOf(probeServed("application/zip", "Application/ZIP; charset=binary"), "link.contentType") == "pass");
    CHECK(statusOf(probeServed("application/x-zip-compressed", "application/zip"), "link.contentType") == "pass");
    CHECK(statusOf(probeServed("application/json", "application/geo+json", "geojson"), "link.contentType") == "pass");
    CHECK(statusOf(probeServed("text/csv", ""), "link.contentType") == "pass");
}

TEST_CASE("a Content-Type that does not fit the record warns") {
    ProbeResult html = probeServed("text/html", "application/zip");
    CHECK(statusOf(html, "link.contentType") == "warn");
    CHECK(messageOf(html, "link.contentType").find("The server says \"text/html\"") != std::string::npos);
    CHECK(statusOf(probeServed("application/octet-stream", "application/zip"), "link.contentType") == "warn");
    CHECK(statusOf(probeServed("", "application/zip"), "link.contentType") == "warn");
    CHECK(statusOf(probeServed("application/json", "text/csv"), "link.contentType") == "warn");
}

TEST_CASE("link.reachable: restricted warns, gone and broken fail") {
    FakeFetch server;
    auto statusFor = [&](long status) {
        server.answer(kUrl, status);
        ProbeResult result = probeDistribution("other", kUrl, "application/zip", server.fetch());
        CHECK_FALSE(result.reachable);
        CHECK(idsOf(result) == std::vector<std::string>{"link.reachable"});
        return statusOf(result, "link.reachable");
    };
    CHECK(statusFor(401) == "warn");
    CHECK(statusFor(403) == "warn");
    CHECK(statusFor(404) == "fail");
    CHECK(statusFor(410) == "fail");
    CHECK(statusFor(500) == "fail");

    // No response at all: the fetcher's error is the message.
    Fetch timeout = [](const std::string&, std::size_t) {
        FetchResponse response;
        response.error = "timed out after 10 s";
        return response;
    };
    ProbeResult result = probeDistribution("other", kUrl, "", timeout);
    CHECK(statusOf(result, "link.reachable") == "fail");
    CHECK(messageOf(result, "link.reachable").find("timed out after 10 s") != std::string::npos);
}
