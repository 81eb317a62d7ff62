#include "api/http_parser.hpp"

#include "common/text.hpp"
#include "common/url.hpp"

#include <algorithm>
#include <cctype>

namespace tweeling::registry::api::http {
namespace {

// tchar (RFC 9110 §5.6.2): the characters of a token (method, field name, transfer coding).
bool isTokenChar(unsigned char c) {
    if (std::isalnum(c)) return c < 0x80;
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~':
            return true;
        default:
            return false;
    }
}

bool isToken(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return isTokenChar(static_cast<unsigned char>(c)); });
}

bool isWhitespace(char c) {
    return c == ' ' || c == '\t';
}

// Untrusted text quoted in a detail: printable ASCII only, bounded.
std::string quoted(std::string_view text) {
    constexpr std::size_t kLimit = 64;
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < kLimit; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        out += c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?';
    }
    if (text.size() > kLimit) out += "...";
    return "'" + out + "'";
}

std::string hexByte(unsigned char c) {
    const char* digits = "0123456789ABCDEF";
    return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

// A request-target's characters: visible ASCII except those no client leaves unencoded
// (RFC 3986 §2; the WHATWG URL standard encodes '"', '<', '>' and never sends '#').
bool validTargetChar(unsigned char c) {
    return c > 0x20 && c < 0x7F && c != '#' && c != '"' && c != '<' && c != '>';
}

// uri-host [":" port] (RFC 9110 §7.2), loosely: the characters of a reg-name, an IP literal and a port.
bool plausibleHost(std::string_view host) {
    return std::all_of(host.begin(), host.end(), [](char ch) {
        unsigned char c = static_cast<unsigned char>(ch);
        return (std::isalnum(c) && c < 0x80) ||
               std::string_view("-._~!$&'()*+,;=:[]%").find(ch) != std::string_view::npos;
    });
}

std::string withoutLeadingZeros(std::string_view digits) {
    auto first = digits.find_first_not_of('0');
    return first == std::string_view::npos ? "0" : std::string(digits.substr(first));
}

}  // namespace

std::string ParsedRequest::header(std::string_view lowerName) const {
    std::string joined;
    bool first = true;
    for (const auto& [name, value] : fields) {
        if (name != lowerName) continue;
        if (!first) joined += ", ";
        joined += value;
        first = false;
    }
    return joined;
}

std::map<std::string, std::string> parseQuery(std::string_view query) {
    std::map<std::string, std::string> parameters;
    while (!query.empty()) {
        std::size_t end = query.find('&');
        std::string_view pair = query.substr(0, end);
        if (!pair.empty()) {
            std::size_t equals = pair.find('=');
            std::string_view name = pair.substr(0, equals);
            std::string_view value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
            parameters.emplace(common::percentDecode(name, true), common::percentDecode(value, true));
        }
        if (end == std::string_view::npos) break;
        query.remove_prefix(end + 1);
    }
    return parameters;
}

RequestParser::Event RequestParser::fail(const ProblemType& type, std::string detail) {
    m_state = State::Failed;
    m_error.type = &type;
    m_error.detail = std::move(detail);
    return Event::Error;
}

ParsedRequest RequestParser::take() {
    ParsedRequest done = std::move(m_request);
    m_request = ParsedRequest();
    m_state = State::Start;
    m_headBytes = m_trailerBytes = m_remaining = 0;
    compact();
    return done;
}

bool RequestParser::takeBodyBytes() {
    const std::size_t take = std::min(m_remaining, m_buffer.size() - m_position);
    m_request.body.append(m_buffer, m_position, take);
    m_position += take;
    m_remaining -= take;
    if (m_remaining == 0) return true;
    compact();
    return false;
}

void RequestParser::compact() {
    if (m_position == 0) return;
    m_buffer.erase(0, m_position);
    m_position = 0;
}

std::optional<std::string_view> RequestParser::nextLine(std::size_t limit, bool& tooLong, bool& bareCrOrLf) {
    tooLong = bareCrOrLf = false;
    std::size_t newline = m_buffer.find('\n', m_position + m_scanned);
    if (newline == std::string::npos) {
        m_scanned = m_buffer.size() - m_position;
        // One byte more than the limit may be the line's CR.
        if (m_scanned > limit + 1 || (m_scanned == limit + 1 && m_buffer.back() != '\r')) tooLong = true;
        return std::nullopt;
    }
    std::string_view line(m_buffer.data() + m_position, newline - m_position);
    m_scanned = 0;
    // The same verdict as when the line comes in pieces and is judged before its end arrives.
    if (line.size() > limit + 1 || (line.size() == limit + 1 && line.back() != '\r')) {
        tooLong = true;
        return std::nullopt;
    }
    if (line.empty() || line.back() != '\r') {
        bareCrOrLf = true;
        return std::nullopt;
    }
    line.remove_suffix(1);
    if (line.find('\r') != std::string_view::npos) {
        bareCrOrLf = true;
        return std::nullopt;
    }
    m_position = newline + 1;
    return line;
}

RequestParser::Event RequestParser::next() {
    for (;;) {
        bool tooLong = false, bareCrOrLf = false;
        switch (m_state) {
            case State::Failed:
                return Event::Error;
            case State::Done:
                return Event::Request;
            case State::Start: {
                // Empty lines before a request line are skipped (RFC 9112 §2.2), counted in the head.
                while (m_position < m_buffer.size()) {
                    if (m_buffer.compare(m_position, 2, "\r\n") == 0) {
                        m_position += 2;
                        m_headBytes += 2;
                        if (m_headBytes > m_limits.maxHeadBytes)
                            return fail(
                                problem::kHeaderFieldsTooLarge,
                                "The request head is longer than " + std::to_string(m_limits.maxHeadBytes) + " bytes");
                    } else if (m_buffer[m_position] == '\r' && m_position + 1 == m_buffer.size()) {
                        compact();
                        return Event::NeedMore;
                    } else {
                        break;
                    }
                }
                if (m_position == m_buffer.size()) {
                    compact();
                    return Event::NeedMore;
                }
                m_state = State::Head;
                m_request = ParsedRequest();
                break;
            }
            case State::Head: {
                const bool requestLine = m_request.method.empty();
                const std::size_t left = m_headBytes >= m_limits.maxHeadBytes ? 0 : m_limits.maxHeadBytes - m_headBytes;
                const std::size_t limit = requestLine ? std::min(m_limits.maxRequestLineBytes, left >= 2 ? left - 2 : 0)
                                                      : (left >= 2 ? left - 2 : 0);
                auto line = nextLine(limit, tooLong, bareCrOrLf);
                if (tooLong) {
                    if (requestLine)
                        return fail(problem::kUriTooLong, "The request line is longer than " +
                                                              std::to_string(m_limits.maxRequestLineBytes) + " bytes");
                    return fail(problem::kHeaderFieldsTooLarge, "The request line and header fields are longer than " +
                                                                    std::to_string(m_limits.maxHeadBytes) + " bytes");
                }
                if (bareCrOrLf)
                    return fail(problem::kMalformedRequest,
                                std::string(requestLine ? "The request line" : "A header field line") +
                                    " has a CR or LF that is not part of a CRLF line ending (RFC 9112 §2.2)");
                if (!line) {
                    compact();
                    return Event::NeedMore;
                }
                m_headBytes += line->size() + 2;
                Event event = requestLine     ? parseRequestLine(*line)
                              : line->empty() ? finishHead()
                                              : parseFieldLine(*line, m_request.fields, "header field");
                if (event != Event::NeedMore) return event;
                break;
            }
            case State::Body: {
                if (!takeBodyBytes()) return Event::NeedMore;
                m_state = State::Done;
                break;
            }
            case State::ChunkSize: {
                auto line = nextLine(m_limits.maxChunkLineBytes, tooLong, bareCrOrLf);
                if (tooLong)
                    return fail(problem::kMalformedRequest, "A chunk-size line of the chunked body is longer than " +
                                                                std::to_string(m_limits.maxChunkLineBytes) + " bytes");
                if (bareCrOrLf)
                    return fail(problem::kMalformedRequest,
                                "A chunk-size line of the chunked body does not end with CRLF (RFC 9112 §7.1)");
                if (!line) {
                    compact();
                    return Event::NeedMore;
                }
                Event event = parseChunkSize(*line);
                if (event != Event::NeedMore) return event;
                break;
            }
            case State::ChunkData: {
                if (!takeBodyBytes()) return Event::NeedMore;
                m_state = State::ChunkDataEnd;
                break;
            }
            case State::ChunkDataEnd: {
                if (m_buffer.size() - m_position < 2) {
                    if (m_buffer.size() > m_position && m_buffer[m_position] != '\r')
                        return fail(
                            problem::kMalformedRequest,
                            "A chunk of the chunked body is longer than its chunk size (no CRLF after its data)");
                    compact();
                    return Event::NeedMore;
                }
                if (m_buffer.compare(m_position, 2, "\r\n") != 0)
                    return fail(problem::kMalformedRequest,
                                "A chunk of the chunked body is longer than its chunk size (no CRLF after its data)");
                m_position += 2;
                m_state = State::ChunkSize;
                break;
            }
            case State::Trailer: {
                auto line = nextLine(m_limits.maxChunkLineBytes, tooLong, bareCrOrLf);
                if (tooLong)
                    return fail(problem::kHeaderFieldsTooLarge, "A trailer field of the chunked body is longer than " +
                                                                    std::to_string(m_limits.maxChunkLineBytes) +
                                                                    " bytes");
                if (bareCrOrLf)
                    return fail(problem::kMalformedRequest,
                                "A trailer field line has a CR or LF that is not part of a CRLF line ending");
                if (!line) {
                    compact();
                    return Event::NeedMore;
                }
                m_trailerBytes += line->size() + 2;
                if (m_trailerBytes > m_limits.maxHeadBytes)
                    return fail(problem::kHeaderFieldsTooLarge,
                                "The trailer fields of the chunked body are longer than " +
                                    std::to_string(m_limits.maxHeadBytes) + " bytes");
                if (line->empty()) {
                    m_state = State::Done;
                    break;
                }
                // Checked as header fields are, then dropped: nothing here reads trailers.
                std::vector<std::pair<std::string, std::string>> trailers;
                Event event = parseFieldLine(*line, trailers, "trailer field");
                if (event != Event::NeedMore) return event;
                break;
            }
        }
    }
}

RequestParser::Event RequestParser::parseRequestLine(std::string_view line) {
    const auto malformed = [this](const std::string& detail) { return fail(problem::kMalformedRequest, detail); };
    auto firstSpace = line.find(' ');
    auto secondSpace = firstSpace == std::string_view::npos ? firstSpace : line.find(' ', firstSpace + 1);
    if (secondSpace == std::string_view::npos || line.find(' ', secondSpace + 1) != std::string_view::npos)
        return malformed("The request line must be 'method SP request-target SP HTTP-version' (RFC 9112 §3)");
    std::string_view method = line.substr(0, firstSpace);
    std::string_view target = line.substr(firstSpace + 1, secondSpace - firstSpace - 1);
    std::string_view version = line.substr(secondSpace + 1);
    if (!isToken(method)) return malformed("The method " + quoted(method) + " is not a token (RFC 9110 §9.1)");
    if (version.size() != 8 || version.compare(0, 5, "HTTP/") != 0 ||
        !std::isdigit(static_cast<unsigned char>(version[5])) || version[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(version[7])))
        return malformed("The HTTP version " + quoted(version) + " is not of the form HTTP/1.1 (RFC 9112 §2.3)");
    if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
        return fail(problem::kHttpVersionNotSupported,
                    "This server speaks HTTP/1.1 and HTTP/1.0, not " + std::string(version));
    m_request.minorVersion = version[7] - '0';
    if (target.empty()) return malformed("The request-target is empty");
    for (char ch : target) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (!validTargetChar(c))
            return malformed("The request-target has a character that must be percent-encoded (" + hexByte(c) +
                             "; RFC 3986 §2)");
    }
    m_request.method = std::string(method);
    m_request.target = std::string(target);
    std::string_view pathAndQuery = target;
    if (target == "*") {
        if (method != "OPTIONS") return malformed("The request-target '*' is only for OPTIONS (RFC 9112 §3.2.4)");
        m_request.path = "*";
        return Event::NeedMore;
    }
    if (common::startsWithIgnoreCaseAscii(target, "http://") || common::startsWithIgnoreCaseAscii(target, "https://")) {
        // absolute-form (RFC 9112 §3.2.2): the authority stands for Host (finishHead).
        std::string_view rest = target.substr(target.find("//") + 2);
        std::size_t pathStart = rest.find_first_of("/?");
        std::string_view authority = rest.substr(0, pathStart);
        if (authority.empty() || !plausibleHost(authority) || authority.find('@') != std::string_view::npos)
            return malformed("The authority of the absolute-form request-target " + quoted(target) +
                             " is not a host[:port]");
        m_absoluteAuthority = std::string(authority);
        pathAndQuery = pathStart == std::string_view::npos ? std::string_view() : rest.substr(pathStart);
        if (pathAndQuery.empty() || pathAndQuery[0] == '?') {
            m_request.path = "/";
            if (!pathAndQuery.empty()) m_request.query = std::string(pathAndQuery.substr(1));
            return Event::NeedMore;
        }
    } else if (target[0] != '/') {
        return malformed("The request-target must be an absolute path such as '/collections' (RFC 9112 §3.2); got " +
                         quoted(target));
    }
    std::size_t question = pathAndQuery.find('?');
    m_request.path = std::string(pathAndQuery.substr(0, question));
    if (question != std::string_view::npos) m_request.query = std::string(pathAndQuery.substr(question + 1));
    return Event::NeedMore;
}

RequestParser::Event RequestParser::parseFieldLine(std::string_view line,
                                                   std::vector<std::pair<std::string, std::string>>& into,
                                                   const char* where) {
    const std::string kind(where);
    if (isWhitespace(line[0]))
        return fail(
            problem::kMalformedRequest,
            "A " + kind + " line starts with whitespace: line folding (obs-fold) is not accepted (RFC 9112 §5.2)");
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
        return fail(problem::kMalformedRequest, "The " + kind + " line " + quoted(line) + " has no colon");
    std::string_view name = line.substr(0, colon);
    if (name.empty()) return fail(problem::kMalformedRequest, "A " + kind + " line has no name before its colon");
    if (isWhitespace(name.back()))
        return fail(problem::kMalformedRequest, "The " + kind + " " +
                                                    quoted(common::trimView(name, common::kHttpWhitespace)) +
                                                    " has whitespace between its name and the colon (RFC 9112 §5.1)");
    if (!isToken(name))
        return fail(problem::kMalformedRequest, "The " + kind + " name " + quoted(name) +
                                                    " has a character that is not allowed in a token (RFC 9110 §5.1)");
    std::string_view value = common::trimView(line.substr(colon + 1), common::kHttpWhitespace);
    for (char ch : value) {
        unsigned char c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return fail(problem::kMalformedRequest, "The " + kind + " " + quoted(name) + " has a control character (" +
                                                        hexByte(c) + ") in its value (RFC 9110 §5.5)");
    }
    into.emplace_back(common::toLowerAscii(name), std::string(value));
    return Event::NeedMore;
}

RequestParser::Event RequestParser::finishHead() {
    const auto malformed = [this](const std::string& detail) { return fail(problem::kMalformedRequest, detail); };
    ParsedRequest& request = m_request;
    // Host (RFC 9112 §3.2): exactly one in HTTP/1.1, at most one in HTTP/1.0.
    std::size_t hosts = 0;
    std::string host;
    for (const auto& [name, value] : request.fields)
        if (name == "host") ++hosts, host = value;
    if (hosts > 1) return malformed("The request has " + std::to_string(hosts) + " Host header fields; one is allowed");
    if (hosts == 0 && request.minorVersion == 1 && m_absoluteAuthority.empty())
        return malformed("An HTTP/1.1 request must have a Host header field (RFC 9112 §3.2)");
    if (!plausibleHost(host)) return malformed("The Host header field " + quoted(host) + " is not a host[:port]");
    if (!m_absoluteAuthority.empty()) {
        request.fields.erase(std::remove_if(request.fields.begin(), request.fields.end(),
                                            [](const auto& field) { return field.first == "host"; }),
                             request.fields.end());
        request.fields.emplace_back("host", m_absoluteAuthority);
        m_absoluteAuthority.clear();
    }

    // Framing (RFC 9112 §6): Transfer-Encoding chunked, or Content-Length, never both.
    bool hasTransferEncoding = false, hasContentLength = false;
    for (const auto& field : request.fields) {
        hasTransferEncoding = hasTransferEncoding || field.first == "transfer-encoding";
        hasContentLength = hasContentLength || field.first == "content-length";
    }
    if (hasTransferEncoding && hasContentLength)
        return malformed("The request has both Transfer-Encoding and Content-Length (RFC 9112 §6.1)");
    if (hasTransferEncoding) {
        if (request.minorVersion == 0)
            return malformed("Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 §6.1)");
        std::vector<std::string> codings;
        for (const auto& coding : common::splitList(request.header("transfer-encoding")))
            codings.push_back(
                common::toLowerAscii(common::trimView(coding.substr(0, coding.find(';')), common::kHttpWhitespace)));
        if (codings.empty()) return malformed("The Transfer-Encoding header field is empty");
        for (const auto& coding : codings)
            if (coding != "chunked")
                return fail(problem::kNotImplemented,
                            "The transfer coding " + quoted(coding) +
                                " is not supported; send the body chunked or with a Content-Length");
        if (codings.size() > 1) return malformed("Transfer-Encoding names chunked more than once (RFC 9112 §6.1)");
        request.chunked = true;
    }
    if (hasContentLength) {
        std::string length;
        for (const auto& value : common::splitList(request.header("content-length"))) {
            if (value.find_first_not_of("0123456789") != std::string::npos)
                return malformed("Content-Length must be a decimal number of bytes; got " + quoted(value));
            std::string normalised = withoutLeadingZeros(value);
            if (!length.empty() && normalised != length)
                return malformed("The request has several differing Content-Length values (RFC 9112 §6.3)");
            length = normalised;
        }
        if (length.empty()) return malformed("The Content-Length header field is empty");
        const std::string limit = std::to_string(m_limits.maxBodyBytes);
        if (length.size() > limit.size() || (length.size() == limit.size() && length > limit))
            return fail(problem::kRequestTooLarge, "The body (Content-Length " + common::truncateUtf8(length, 32) +
                                                       ") is larger than " + limit + " bytes");
        request.contentLength = static_cast<std::size_t>(std::stoull(length));
    }

    std::string expect = common::toLowerAscii(common::trimView(request.header("expect"), common::kHttpWhitespace));
    if (!expect.empty() && expect != "100-continue")
        return fail(problem::kExpectationFailed,
                    "The expectation " + quoted(expect) + " is not supported; only 100-continue is (RFC 9110 §10.1.1)");
    request.expectContinue = expect == "100-continue" && request.minorVersion == 1 && request.hasBody();

    for (const auto& option : common::splitList(request.header("connection")))
        if (common::equalsIgnoreCaseAscii(option, "close")) request.keepAlive = false;
    if (request.minorVersion == 0) request.keepAlive = false;

    if (request.chunked) {
        m_state = State::ChunkSize;
    } else if (request.contentLength > 0) {
        m_state = State::Body;
        m_remaining = request.contentLength;
    } else {
        m_state = State::Done;
    }
    return Event::Head;
}

RequestParser::Event RequestParser::parseChunkSize(std::string_view line) {
    const auto malformed = [this](const std::string& detail) { return fail(problem::kMalformedRequest, detail); };
    std::size_t digits = 0;
    std::size_t size = 0;
    while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]))) {
        const char c = line[digits];
        const std::size_t value = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
        if (size > (m_limits.maxBodyBytes + 1) / 16)
            return fail(problem::kRequestTooLarge,
                        "The chunked body is larger than " + std::to_string(m_limits.maxBodyBytes) + " bytes");
        size = size * 16 + value;
        ++digits;
    }
    if (digits == 0)
        return malformed("A chunk size of the chunked body is not a hexadecimal number: " + quoted(line) +
                         " (RFC 9112 §7.1)");
    // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val = token / quoted-string
    std::size_t at = digits;
    auto skipWhitespace = [&] {
        while (at < line.size() && isWhitespace(line[at])) ++at;
    };
    auto token = [&] {
        std::size_t start = at;
        while (at < line.size() && isTokenChar(static_cast<unsigned char>(line[at]))) ++at;
        return at > start;
    };
    const std::string badExtension =
        "A chunk extension of the chunked body is not of the grammar (RFC 9112 §7.1.1): " + quoted(line);
    for (;;) {
        skipWhitespace();
        if (at == line.size()) break;
        if (line[at] != ';') return malformed(badExtension);
        ++at;
        skipWhitespace();
        if (!token()) return malformed(badExtension);
        skipWhitespace();
        if (at < line.size() && line[at] == '=') {
            ++at;
            skipWhitespace();
            if (at < line.size() && line[at] == '"') {
                ++at;
                bool closed = false;
                while (at < line.size()) {
                    unsigned char c = static_cast<unsigned char>(line[at]);
                    if (c == '"') {
                        closed = true;
                        ++at;
                        break;
                    }
                    if (c == '\\')
                        ++at;
                    else if ((c < 0x20 && c != '\t') || c == 0x7F)
                        return malformed(badExtension);
                    ++at;
                }
                if (!closed) return malformed(badExtension);
            } else if (!token()) {
                return malformed(badExtension);
            }
        }
    }
    if (m_request.body.size() + size > m_limits.maxBodyBytes)
        return fail(problem::kRequestTooLarge,
                    "The chunked body is larger than " + std::to_string(m_limits.maxBodyBytes) + " bytes");
    if (size == 0) {
        m_state = State::Trailer;
    } else {
        m_remaining = size;
        m_state = State::ChunkData;
    }
    return Event::NeedMore;
}

}  // namespace tweeling::registry::api::http
