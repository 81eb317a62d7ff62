#pragma once
// Text checks shared by every input path: whatever is stored or echoed must be valid UTF-8, or the
// JSON, HTML and RDF written from it would not be.
#include <string>
#include <string_view>

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

}  // namespace tweeling::common
