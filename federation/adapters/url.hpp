#pragma once
// URLs in foreign records, shared by the adapters of every catalog kind: resolution of relative
// references (RFC 3986) and the parts of a URL the mappings read.
#include <string>
#include <string_view>

namespace tweeling::federation::adapters {

// RFC 3986 reference resolution (section 5.2, with dot-segment removal). Returns `reference`
// unchanged when it is absolute or `base` is not an absolute URI.
std::string resolveUrl(const std::string& base, const std::string& reference);

// As the profile checks it: http(s)://host..., no whitespace.
bool isHttpUrl(std::string_view url);

// The URL without query and fragment, and without a trailing slash.
std::string baseOf(const std::string& url);
std::string withoutFragment(const std::string& url);
std::string hostOf(std::string_view url);  // the authority, lower-cased
std::string pathOf(std::string_view url);  // the path, lower-cased (for its file name)
// The value of the first query parameter called `name` (lower-case), as given (not decoded); "" if none.
std::string queryValue(std::string_view url, const char* name);

}  // namespace tweeling::federation::adapters
