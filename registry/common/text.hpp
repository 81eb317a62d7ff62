#pragma once
// Text checks shared by every input path: whatever is stored or echoed must be valid UTF-8, or the
// JSON, HTML and RDF written from it would not be. Also the plain ASCII helpers (trim, case, comma
// lists) that every parser of headers, parameters and config files needs, so that they agree.
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::common {

// The length of the well-formed UTF-8 sequence starting at text[at] (1 to 4), or 0 when none starts
// there: a stray continuation byte, a truncated sequence, an overlong form, a surrogate (U+D800 to
// U+DFFF) or a code point above U+10FFFF (RFC 3629).
std::size_t utf8SequenceLength(std::string_view text, std::size_t at);

bool isValidUtf8(std::string_view text);

// `text` with every byte that does not belong to a well-formed sequence replaced by U+FFFD, for
// echoing untrusted text in a message.
std::string toValidUtf8(std::string_view text);

// At most `limit` bytes of `text`, cut before a UTF-8 sequence rather than inside one, with "…"
// appended when something was cut: for quoting untrusted text in a bounded message.
std::string truncateUtf8(std::string_view text, std::size_t limit);

// What `trim` strips by default: space, tab, CR and LF. HTTP's optional whitespace (OWS, in header
// lists and parameters) is only space and tab: kHttpWhitespace.
constexpr std::string_view kAsciiWhitespace = " \t\r\n";
constexpr std::string_view kHttpWhitespace = " \t";

std::string_view trimView(std::string_view text, std::string_view whitespace = kAsciiWhitespace);
std::string trim(std::string_view text, std::string_view whitespace = kAsciiWhitespace);

// ASCII case mapping only: bytes outside A-Z/a-z (UTF-8 included) stay as they are, whatever the
// C locale says, since the protocol words compared this way (media types, schemes, CBS codes, CQL2
// keywords) are ASCII.
std::string toLowerAscii(std::string_view text);
std::string toUpperAscii(std::string_view text);
bool equalsIgnoreCaseAscii(std::string_view a, std::string_view b);
bool startsWithIgnoreCaseAscii(std::string_view text, std::string_view prefix);

// `text` split on `separator`, each part trimmed of `whitespace`, empty parts dropped: "a, b,,c" ->
// {"a", "b", "c"}. HTTP list headers (RFC 9110 §5.6.1) and comma-separated parameters.
std::vector<std::string> splitList(std::string_view text, char separator = ',',
                                   std::string_view whitespace = kHttpWhitespace);

}  // namespace tweeling::common
