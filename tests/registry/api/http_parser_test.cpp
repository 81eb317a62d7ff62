// The strict HTTP/1.1 request parser (api/http_parser.hpp) fed bytes directly: what RFC 9112 has a
// server refuse is refused with the right status and a detail naming the field, and the good forms
// (chunked with extensions and trailers, pipelining, HTTP/1.0, a request in one-byte pieces) parse.
#include "api/http_parser.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tweeling::registry::api;
using http::ParsedRequest;
using http::RequestParser;

namespace {

struct Outcome {
    std::vector<ParsedRequest> requests;
    int heads = 0;
    int status = 0;  // of the error; 0: none
    std::string detail;
    bool idle = false;  // no byte of a further request left over
};

// Feeds `bytes` in pieces of `piece` bytes, collecting every request until an error.
Outcome parse(const std::string& bytes, std::size_t piece = 0, http::ParserLimits limits = {}) {
    RequestParser parser(limits);
    Outcome outcome;
    if (piece == 0) piece = bytes.size() == 0 ? 1 : bytes.size();
    for (std::size_t at = 0; at < bytes.size() && outcome.status == 0; at += piece) {
        parser.feed(bytes.data() + at, std::min(piece, bytes.size() - at));
        for (bool more = true; more;) {
            switch (parser.next()) {
                case RequestParser::Event::NeedMore:
                    more = false;
                    break;
                case RequestParser::Event::Head:
                    ++outcome.heads;
                    break;
                case RequestParser::Event::Request:
                    outcome.requests.push_back(parser.take());
                    break;
                case RequestParser::Event::Error:
                    outcome.status = parser.error().type->status;
                    outcome.detail = parser.error().detail;
                    more = false;
                    break;
            }
        }
    }
    outcome.idle = parser.idle();
    return outcome;
}

// The error a request gets: its status, and a detail that contains `naming`.
void refused(const std::string& bytes, int status, const std::string& naming) {
    for (std::size_t piece : {std::size_t(0), std::size_t(1), std::size_t(7)}) {
        Outcome outcome = parse(bytes, piece);
        INFO("request: " << bytes << "\npiece: " << piece << "\ndetail: " << outcome.detail);
        CHECK(outcome.status == status);
        CHECK(outcome.requests.empty());
        CHECK(outcome.detail.find(naming) != std::string::npos);
    }
}

const std::string kHost = "Host: node.example\r\n";

}  // namespace

TEST_CASE("a simple GET parses, in one piece or a byte at a time", "[http-parser]") {
    const std::string bytes = "GET /collections/twins/items?q=gebouwen&limit=2 HTTP/1.1\r\n" + kHost +
                              "Accept:  application/geo+json \r\nX-Empty:\r\n\r\n";
    for (std::size_t piece : {std::size_t(0), std::size_t(1), std::size_t(5)}) {
        Outcome outcome = parse(bytes, piece);
        INFO(outcome.detail);
        REQUIRE(outcome.status == 0);
        REQUIRE(outcome.requests.size() == 1);
        const ParsedRequest& request = outcome.requests[0];
        CHECK(request.method == "GET");
        CHECK(request.path == "/collections/twins/items");
        CHECK(request.query == "q=gebouwen&limit=2");
        CHECK(request.minorVersion == 1);
        CHECK(request.header("accept") == "application/geo+json");
        CHECK(request.header("host") == "node.example");
        CHECK(request.header("x-empty").empty());
        CHECK(request.keepAlive);
        CHECK_FALSE(request.hasBody());
        CHECK(outcome.idle);
    }
}

TEST_CASE("bodies by Content-Length and chunked, with extensions and trailers", "[http-parser]") {
    SECTION("Content-Length") {
        Outcome outcome = parse("PUT /x HTTP/1.1\r\n" + kHost + "Content-Length: 5\r\n\r\nhello", 2);
        REQUIRE(outcome.requests.size() == 1);
        CHECK(outcome.heads == 1);
        CHECK(outcome.requests[0].body == "hello");
    }
    SECTION("the same Content-Length twice, and as a list, is one length") {
        Outcome outcome =
            parse("PUT /x HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nContent-Length: 3, 003\r\n\r\nabc");
        REQUIRE(outcome.requests.size() == 1);
        CHECK(outcome.requests[0].body == "abc");
    }
    SECTION("chunked, with extensions (token and quoted values) and trailer fields") {
        const std::string bytes = "POST /x HTTP/1.1\r\n" + kHost +
                                  "Transfer-Encoding: Chunked\r\n\r\n"
                                  "5;name=value\r\nhello\r\n"
                                  "6 ; quoted=\"a \\\"b\\\"\" ;flag\r\n world\r\n"
                                  "0\r\nChecksum: abc\r\nX-Trailer: 1\r\n\r\n";
        for (std::size_t piece : {std::size_t(0), std::size_t(1), std::size_t(3)}) {
            Outcome outcome = parse(bytes, piece);
            INFO(outcome.detail);
            REQUIRE(outcome.requests.size() == 1);
            CHECK(outcome.requests[0].chunked);
            CHECK(outcome.requests[0].body == "hello world");
            CHECK(outcome.requests[0].header("checksum").empty());  // trailers are not header fields
            CHECK(outcome.idle);
        }
    }
    SECTION("Expect: 100-continue is reported for a body to come") {
        Outcome outcome = parse("PUT /x HTTP/1.1\r\n" + kHost + "Expect: 100-Continue\r\nContent-Length: 1\r\n\r\nx");
        REQUIRE(outcome.requests.size() == 1);
        CHECK(outcome.requests[0].expectContinue);
    }
}

TEST_CASE("pipelined requests come out in order; HTTP/1.0 and Connection: close end keep-alive", "[http-parser]") {
    const std::string bytes = "\r\nGET /a HTTP/1.1\r\n" + kHost + "\r\n" +  // an empty line first is skipped
                              "PUT /b HTTP/1.1\r\n" + kHost + "Content-Length: 2\r\n\r\nhi" +
                              "GET /c HTTP/1.0\r\n\r\n" +  // HTTP/1.0 needs no Host
                              "GET /d HTTP/1.1\r\n" + kHost + "Connection: keep-alive, Close\r\n\r\nGET";
    Outcome outcome = parse(bytes);
    INFO(outcome.detail);
    REQUIRE(outcome.status == 0);
    REQUIRE(outcome.requests.size() == 4);
    CHECK(outcome.requests[0].path == "/a");
    CHECK(outcome.requests[1].path == "/b");
    CHECK(outcome.requests[1].body == "hi");
    CHECK(outcome.requests[2].path == "/c");
    CHECK(outcome.requests[2].minorVersion == 0);
    CHECK_FALSE(outcome.requests[2].keepAlive);
    CHECK(outcome.requests[3].path == "/d");
    CHECK_FALSE(outcome.requests[3].keepAlive);
    CHECK(outcome.requests[0].keepAlive);
    CHECK_FALSE(outcome.idle);  // "GET" of a fifth request waits for more
}

TEST_CASE("an absolute-form target stands for Host; OPTIONS * is accepted", "[http-parser]") {
    Outcome outcome = parse(
        "GET http://Node.example:8080/collections?f=json HTTP/1.1\r\nHost: other\r\n\r\n"
        "OPTIONS * HTTP/1.1\r\n" +
        kHost + "\r\n");
    REQUIRE(outcome.requests.size() == 2);
    CHECK(outcome.requests[0].path == "/collections");
    CHECK(outcome.requests[0].query == "f=json");
    CHECK(outcome.requests[0].header("host") == "Node.example:8080");
    CHECK(outcome.requests[1].path == "*");
}

TEST_CASE("the request line is refused where RFC 9112 says so", "[http-parser]") {
    refused("G(T / HTTP/1.1\r\n" + kHost + "\r\n", 400, "method");
    refused("GET  / HTTP/1.1\r\n" + kHost + "\r\n", 400, "request line");
    refused("GET / HTTP/1.1 \r\n" + kHost + "\r\n", 400, "request line");
    refused("GET /a b HTTP/1.1\r\n" + kHost + "\r\n", 400, "request line");
    refused("GET relative HTTP/1.1\r\n" + kHost + "\r\n", 400, "request-target");
    refused("GET /a#fragment HTTP/1.1\r\n" + kHost + "\r\n", 400, "request-target");
    refused("GET /caf\xC3\xA9 HTTP/1.1\r\n" + kHost + "\r\n", 400, "request-target");
    refused("GET /a\x01 HTTP/1.1\r\n" + kHost + "\r\n", 400, "request-target");
    refused("GET * HTTP/1.1\r\n" + kHost + "\r\n", 400, "OPTIONS");
    refused("GET http://user@host/ HTTP/1.1\r\n" + kHost + "\r\n", 400, "authority");
    refused("GET / HTTP/2.0\r\n" + kHost + "\r\n", 505, "HTTP/2.0");
    refused("GET / HTTP/1.2\r\n" + kHost + "\r\n", 505, "HTTP/1.2");
    refused("GET / HTTP/0.9\r\n\r\n", 505, "HTTP/0.9");
    refused("GET / http/1.1\r\n" + kHost + "\r\n", 400, "HTTP version");
    refused("GET / HTTP/1.10\r\n" + kHost + "\r\n", 400, "HTTP version");
    refused("GET /\r\n\r\n", 400, "request line");
}

TEST_CASE("header fields are refused where RFC 9112 says so", "[http-parser]") {
    const std::string line = "GET / HTTP/1.1\r\n";
    refused(line + kHost + "Accept : */*\r\n\r\n", 400, "'Accept'");  // space before colon
    refused(line + kHost + "Accept\t: */*\r\n\r\n", 400, "whitespace between its name and the colon");
    refused(line + kHost + "X-A: one\r\n two\r\n\r\n", 400, "obs-fold");  // line folding
    refused(line + kHost + "X-A: one\r\n\ttwo\r\n\r\n", 400, "obs-fold");
    refused(line + kHost + "X-A: one\ntwo\r\n\r\n", 400, "CR or LF");  // bare LF in a value
    refused(line + kHost + "X-A: one\rtwo\r\n\r\n", 400, "CR or LF");  // bare CR in a value
    refused("GET / HTTP/1.1\n" + kHost + "\r\n", 400, "CR or LF");     // bare LF ending a line
    refused(line + kHost + "X-A: a\x01z\r\n\r\n", 400, "'X-A' has a control character");
    refused(line + kHost + "X(A): 1\r\n\r\n", 400, "'X(A)'");  // not a token
    refused(line + kHost + "X\xC3\xA9: 1\r\n\r\n", 400, "name");
    refused(line + kHost + ": value\r\n\r\n", 400, "no name");
    refused(line + kHost + "NoColon\r\n\r\n", 400, "no colon");
    refused(line + "\r\n", 400, "Host");                  // HTTP/1.1 without Host
    refused(line + kHost + kHost + "\r\n", 400, "Host");  // several Hosts
    refused(line + "Host: a b\r\n\r\n", 400, "Host");
    refused("GET / HTTP/1.1\r\n" + kHost + "Expect: something\r\n\r\n", 417, "'something'");
}

TEST_CASE("message framing is refused where RFC 9112 says so", "[http-parser]") {
    const std::string line = "POST / HTTP/1.1\r\n" + kHost;
    refused(line + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc", 400,
            "both Transfer-Encoding and Content-Length");
    refused(line + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "differing Content-Length");
    refused(line + "Content-Length: 3, 4\r\n\r\nabcd", 400, "differing Content-Length");
    refused(line + "Content-Length: -1\r\n\r\n", 400, "Content-Length");
    refused(line + "Content-Length: +3\r\n\r\nabc", 400, "Content-Length");
    refused(line + "Content-Length: 0x10\r\n\r\n", 400, "Content-Length");
    refused(line + "Content-Length: 99999999999999999999999999\r\n\r\n", 413, "Content-Length");
    refused(line + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501, "'gzip'");
    refused(line + "Transfer-Encoding: identity\r\n\r\n", 501, "'identity'");
    refused(line + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400, "chunked more than once");
    refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "HTTP/1.0");
    const std::string chunked = line + "Transfer-Encoding: chunked\r\n\r\n";
    refused(chunked + "zz\r\nhello\r\n0\r\n\r\n", 400, "not a hexadecimal number");
    refused(chunked + "\r\n", 400, "not a hexadecimal number");
    refused(chunked + "5\r\nhello!\r\n0\r\n\r\n", 400, "longer than its chunk size");
    refused(chunked + "5;\r\nhello\r\n0\r\n\r\n", 400, "chunk extension");
    refused(chunked + "5;a=\"open\r\nhello\r\n0\r\n\r\n", 400, "chunk extension");
    refused(chunked + "5 x\r\nhello\r\n0\r\n\r\n", 400, "chunk extension");
    refused(chunked + "5\nhello\r\n0\r\n\r\n", 400, "CRLF");
    refused(chunked + "5\r\nhello\r\n0\r\nBad Trailer: 1\r\n\r\n", 400, "trailer field");
    refused(chunked + "fffffffffffffffffffff\r\n", 413, "larger than");
}

TEST_CASE("the head and the body are bounded", "[http-parser]") {
    http::ParserLimits limits;
    limits.maxRequestLineBytes = 100;
    limits.maxHeadBytes = 300;
    limits.maxBodyBytes = 10;
    // Refused as soon as the bound is passed, before the line ends.
    Outcome longLine = parse("GET /" + std::string(200, 'a'), 0, limits);
    CHECK(longLine.status == 414);
    Outcome longHead = parse("GET / HTTP/1.1\r\n" + kHost + "X-Long: " + std::string(400, 'h'), 16, limits);
    CHECK(longHead.status == 431);
    Outcome manyFields = parse("GET / HTTP/1.1\r\n" + kHost + std::string(70, 'x') + ": 1\r\n" + std::string(70, 'y') +
                                   ": 1\r\n" + std::string(70, 'z') + ": 1\r\n" + std::string(70, 'w') + ": 1\r\n\r\n",
                               0, limits);
    CHECK(manyFields.status == 431);
    Outcome bigBody = parse("PUT / HTTP/1.1\r\n" + kHost + "Content-Length: 11\r\n\r\n", 0, limits);
    CHECK(bigBody.status == 413);
    Outcome bigChunks =
        parse("PUT / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n", 0, limits);
    CHECK(bigChunks.status == 413);
    // A line over the bound that ends in a bare LF is over the bound, whether it comes whole or in pieces.
    for (std::size_t piece : {std::size_t(0), std::size_t(1), std::size_t(9)})
        CHECK(parse("GET /" + std::string(150, 'a') + "\n", piece, limits).status == 414);
    Outcome atBounds = parse("PUT / HTTP/1.1\r\n" + kHost + "Content-Length: 10\r\n\r\n0123456789", 1, limits);
    CHECK(atBounds.status == 0);
    CHECK(atBounds.requests.size() == 1);
}

TEST_CASE("the query is split as the server always has", "[http-parser]") {
    auto query = http::parseQuery("q=gebouwen+3D&bbox=4.7%2C52.3&empty=&flag&q=second&%66=f&a=b=c");
    CHECK(query.at("q") == "gebouwen 3D");  // the first of a repeated name
    CHECK(query.at("bbox") == "4.7,52.3");
    CHECK(query.at("empty").empty());
    CHECK(query.at("flag").empty());
    CHECK(query.at("f") == "f");
    CHECK(query.at("a") == "b=c");
    CHECK(http::parseQuery("").empty());
}
