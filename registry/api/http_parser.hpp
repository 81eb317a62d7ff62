#pragma once
// A strict, bounded, incremental HTTP/1.1 request parser (RFC 9112), without sockets: bytes in,
// complete requests (or one typed error) out. The HTTP server (server.cpp) feeds it what a
// connection receives and answers each request it yields, in order, so pipelined requests are all
// answered; tests feed it bytes directly.
//
// What it refuses, each with the status RFC 9110/9112 give and a detail naming the field:
//   400  a request line or field line that is not of the grammar: a method that is not a token, an
//        invalid request-target, a field name with characters outside tchar, whitespace between a
//        field name and its colon, obs-fold (a line that starts with SP/HTAB), a bare CR or LF, a
//        control character in a value; HTTP/1.1 without Host, or several Host fields; both
//        Transfer-Encoding and Content-Length, several differing Content-Lengths, a Content-Length
//        that is not a decimal number; Transfer-Encoding in HTTP/1.0 or not ending in chunked;
//        invalid chunked framing (chunk size, extensions, CRLF after the data, trailer fields)
//   413  a Content-Length, or a chunked body, above maxBodyBytes
//   414  a request line above maxRequestLineBytes
//   417  an Expect other than 100-continue
//   431  a head (request line and fields) above maxHeadBytes
//   501  a transfer coding other than chunked
//   505  an HTTP version other than 1.0 and 1.1
// After an error the parser yields nothing more: the connection's remaining bytes cannot be told
// apart from a next request, so the server answers and closes.
//
// Lenient where RFC 9112 allows it and clients rely on it: empty lines before a request line are
// skipped (§2.2); a request-target may carry characters such as { } | ^ that browsers leave
// unencoded in a query; an absolute-form target (§3.2.2) is accepted and its authority replaces Host.
#include "api/problem_types.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tweeling::registry::api::http {

struct ParserLimits {
    std::size_t maxRequestLineBytes = 24 * 1024;
    std::size_t maxHeadBytes = 32 * 1024;
    std::size_t maxBodyBytes = 4 * 1024 * 1024;
    // A chunk-size line with its extensions, and each trailer field, are bounded on their own.
    std::size_t maxChunkLineBytes = 4096;
};

struct ParsedRequest {
    std::string method;    // as received (methods are case-sensitive, RFC 9110 §9.1)
    std::string target;    // the request-target as received
    std::string path;      // its path, still percent-encoded ("*" for OPTIONS *)
    std::string query;     // what follows "?", still encoded; empty when none
    int minorVersion = 1;  // HTTP/1.<minorVersion>: 0 or 1
    // The header fields in the order received: names lower-cased, values without the OWS around them.
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;  // de-chunked; trailer fields are checked and dropped
    bool chunked = false;
    std::size_t contentLength = 0;  // when not chunked
    bool keepAlive = true;          // false for HTTP/1.0 and for "Connection: close"
    bool expectContinue = false;    // "Expect: 100-continue"

    // Every field of that (lower-case) name joined with ", " (RFC 9110 §5.3); empty when absent.
    std::string header(std::string_view lowerName) const;
    bool hasBody() const { return chunked || contentLength > 0; }
};

struct ParseError {
    const ProblemType* type = nullptr;
    std::string detail;
};

// The query of a request-target split as the server has always split it: on "&", each part's name
// up to its first "=", both percent-decoded with "+" as a space; a name seen twice keeps its first
// value.
std::map<std::string, std::string> parseQuery(std::string_view query);

class RequestParser {
public:
    explicit RequestParser(ParserLimits limits = {}) : m_limits(limits) {}

    enum class Event {
        NeedMore,  // feed more bytes
        Head,      // request() has its head; its body, if any, comes with the next Request event
        Request,   // request() is complete; take() it before asking next() again
        Error      // error() says why; nothing more comes
    };

    void feed(const char* data, std::size_t length) { m_buffer.append(data, length); }
    Event next();

    const ParsedRequest& request() const { return m_request; }
    // The complete request; the parser goes on with the bytes after it.
    ParsedRequest take();
    const ParseError& error() const { return m_error; }

    // True when no byte of a next request has arrived (between requests, or before the first).
    bool idle() const { return m_state == State::Start && m_buffer.size() == m_position; }
    // True while the head of a request is being read (its first byte has come).
    bool readingHead() const { return m_state == State::Head || (m_state == State::Start && !idle()); }
    // Bytes received and not yet parsed.
    std::size_t buffered() const { return m_buffer.size() - m_position; }
    bool readingBody() const { return m_state >= State::Body && m_state <= State::Trailer; }

private:
    enum class State { Start, Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailer, Done, Failed };

    Event fail(const ProblemType& type, std::string detail);
    Event parseRequestLine(std::string_view line);
    Event parseFieldLine(std::string_view line, std::vector<std::pair<std::string, std::string>>& into,
                         const char* where);
    Event finishHead();
    Event parseChunkSize(std::string_view line);
    // The next line (without its CRLF) from m_position, or nullopt when it has not all come or is
    // refused: `tooLong` past `limit` bytes, `bareCrOrLf` for a CR or LF outside a CRLF.
    std::optional<std::string_view> nextLine(std::size_t limit, bool& tooLong, bool& bareCrOrLf);
    // Moves what has arrived of the body (or of the current chunk: m_remaining bytes) into the
    // request; false, with the buffer compacted, while more is to come.
    bool takeBodyBytes();
    void compact();

    ParserLimits m_limits;
    std::string m_buffer;
    std::size_t m_position = 0;  // bytes of m_buffer already consumed
    std::size_t m_scanned = 0;   // bytes after m_position already searched for the end of the line
    std::size_t m_headBytes = 0;
    std::size_t m_remaining = 0;  // of the Content-Length body, or of the current chunk
    std::size_t m_trailerBytes = 0;
    State m_state = State::Start;
    std::string m_absoluteAuthority;  // of an absolute-form request-target, until the head is done
    ParsedRequest m_request;
    ParseError m_error;
};

}  // namespace tweeling::registry::api::http
