#pragma once
// URL pieces (RFC 3986): percent-encoding with an explicit set of bytes left as they are, decoding,
// and path splitting. Each place that writes a URL names the set it needs, so two writers of the same
// kind of component cannot drift apart.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::common {

// The bytes percentEncode leaves as they are; every other byte becomes %XX (upper-case hex).
class PercentSafeSet {
public:
    // The unreserved characters (ALPHA DIGIT - . _ ~), which never need encoding, plus `alsoSafe`.
    constexpr explicit PercentSafeSet(std::string_view alsoSafe) : m_safe{} {
        for (int c = 0; c < 256; ++c)
            m_safe[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '.' || c == '_' || c == '~';
        for (char c : alsoSafe) m_safe[static_cast<unsigned char>(c)] = true;
    }
    // Printable ASCII except `unsafe`, and, when `keepNonAscii`, every byte from 0x80 (an IRI's UTF-8).
    // For text that already is a URI (or IRI) reference: only what may not appear in one is encoded.
    static constexpr PercentSafeSet allPrintableExcept(std::string_view unsafe, bool keepNonAscii) {
        PercentSafeSet set("");
        for (int c = 0; c < 256; ++c) set.m_safe[c] = (c > 0x20 && c < 0x7F) || (keepNonAscii && c >= 0x80);
        for (char c : unsafe) set.m_safe[static_cast<unsigned char>(c)] = false;
        return set;
    }
    constexpr bool contains(unsigned char c) const { return m_safe[c]; }

private:
    std::array<bool, 256> m_safe;
};

namespace percent {
// Only the unreserved characters: safe anywhere in a URL (a form value, a header parameter).
inline constexpr PercentSafeSet kUnreserved{""};
// One path segment (RFC 3986 pchar without the sub-delimiters): "/" is encoded, so an id holding
// one stays one segment.
inline constexpr PercentSafeSet kPathSegment{":@"};
// A name or a value inside a query component: "&", "=", "+" and "#" are encoded; "," and ":" are
// kept so that lists and URIs in parameters (bbox=1,2,3,4) stay readable.
inline constexpr PercentSafeSet kQueryValue{",:"};
// A whole URI reference (RFC 3986 §4.1) as written in a Link header: only controls, space, non-ASCII
// bytes and <>"\^`{|} are encoded; "%" is kept, since the reference is already encoded.
inline constexpr PercentSafeSet kUriReference = PercentSafeSet::allPrintableExcept("<>\"\\^`{|}", false);
// A whole IRI reference (RFC 3987) as written in RDF: as kUriReference, but UTF-8 stays as it is.
inline constexpr PercentSafeSet kIriReference = PercentSafeSet::allPrintableExcept("<>\"\\^`{|}", true);
}  // namespace percent

std::string percentEncode(std::string_view text, const PercentSafeSet& safe);

// RFC 3986 percent-decoding; `plusIsSpace` for query strings (application/x-www-form-urlencoded).
// A "%" not followed by two hex digits is kept as it is.
std::string percentDecode(std::string_view text, bool plusIsSpace);

// The segments of an absolute path, not decoded: "/a/b/" -> {"a", "b"} (one trailing slash is
// ignored), "/" -> {}, "//a" -> {"", "a"}. A path that does not start with "/" has no segments.
std::vector<std::string> splitPath(std::string_view path);

}  // namespace tweeling::common
