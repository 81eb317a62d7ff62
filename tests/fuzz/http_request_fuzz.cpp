// The HTTP/1.1 request parser (api/http_parser.hpp), fed what a client sends: the bytes whole and
// the same bytes in pieces (their sizes taken from the input's first byte) give the same requests
// and the same error, every error has a status and a detail, and no request's body passes the
// limit.
#include "api/http_parser.hpp"
#include "fuzz_support.hpp"

#include <vector>

using namespace tweeling;
using registry::api::http::ParsedRequest;
using registry::api::http::ParserLimits;
using registry::api::http::RequestParser;

namespace {

struct Outcome {
    std::vector<ParsedRequest> requests;
    int status = 0;
};

Outcome parse(std::string_view bytes, std::size_t piece, const ParserLimits& limits) {
    RequestParser parser(limits);
    Outcome outcome;
    for (std::size_t at = 0; at < bytes.size() && outcome.status == 0; at += piece) {
        parser.feed(bytes.data() + at, std::min(piece, bytes.size() - at));
        for (bool more = true; more;) {
            switch (parser.next()) {
                case RequestParser::Event::NeedMore:
                    more = false;
                    break;
                case RequestParser::Event::Head:
                    break;
                case RequestParser::Event::Request:
                    outcome.requests.push_back(parser.take());
                    if (outcome.requests.back().body.size() > limits.maxBodyBytes) fuzz::fail("body over the limit");
                    break;
                case RequestParser::Event::Error:
                    if (!parser.error().type || parser.error().detail.empty())
                        fuzz::fail("an error without a type or detail");
                    outcome.status = parser.error().type->status;
                    more = false;
                    break;
            }
        }
    }
    return outcome;
}

bool same(const ParsedRequest& a, const ParsedRequest& b) {
    return a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query &&
           a.minorVersion == b.minorVersion && a.fields == b.fields && a.body == b.body && a.keepAlive == b.keepAlive &&
           a.expectContinue == b.expectContinue;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t piece = data[0] % 16 + 1;
    std::string_view bytes = fuzz::text(data + 1, size - 1);
    ParserLimits limits;
    limits.maxRequestLineBytes = 256;
    limits.maxHeadBytes = 1024;
    limits.maxBodyBytes = 4096;
    Outcome whole = parse(bytes, bytes.size() == 0 ? 1 : bytes.size(), limits);
    Outcome pieces = parse(bytes, piece, limits);
    if (whole.status != pieces.status) fuzz::fail("whole and in pieces: different errors");
    if (whole.requests.size() != pieces.requests.size()) fuzz::fail("whole and in pieces: different requests");
    for (std::size_t i = 0; i < whole.requests.size(); ++i)
        if (!same(whole.requests[i], pieces.requests[i])) fuzz::fail("whole and in pieces: a request differs");
    return 0;
}
