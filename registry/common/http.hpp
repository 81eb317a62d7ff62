#pragma once
// HTTP header values every program parses the same way: content negotiation (Accept) and bearer
// credentials (Authorization). One parser each, so a node and a hub read a header alike.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::common {

// One media range of an Accept header: "type/subtype", "type/*" or "*/*" in lower case, and its
// weight, 0 to 1 (1 when it has no q parameter).
struct MediaRange {
    std::string range;
    double quality = 1;
};

// The media ranges of an Accept header in order (RFC 9110 §12.5.1). Media-range parameters other
// than q are ignored; a q that is not a number counts as 0, one outside 0..1 is clamped.
std::vector<MediaRange> parseAccept(std::string_view header);

// The weight `ranges` give `mediaType` (lower case "type/subtype"): that of the most specific range
// matching it (type/subtype before type/* before */*; the highest when one is listed twice), 0 when
// none does (RFC 9110 §12.5.1: "text/html;q=0.5, */*" rates text/html at 0.5).
double acceptQuality(const std::vector<MediaRange>& ranges, std::string_view mediaType);

// The token of an "Authorization: Bearer <token>" header (RFC 6750 §2.1); the scheme is
// case-insensitive (RFC 9110 §11.1). nullopt when the header is another scheme or has no token.
std::optional<std::string> bearerToken(std::string_view authorization);

}  // namespace tweeling::common
