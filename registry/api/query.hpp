#pragma once
// Decodes and checks the search parameters of /collections/twins/items into a store::SearchQuery.
// Every bad value is an ApiError (400) naming the parameter; a bad CQL2 filter also carries the
// character offset of the offending construct ("offset" in the problem document).
#include "store/search.hpp"

#include <map>
#include <string>
#include <vector>

namespace tweeling::registry::api {

constexpr int kDefaultLimit = 10;
constexpr int kMaxLimit = 1000;
constexpr int kDefaultFacetLimit = 50;  // values per facet
constexpr int kMaxFacetLimit = 1000;

store::SearchQuery parseSearchQuery(const std::map<std::string, std::string>& query);

// Every parameter name and value (percent-decoded) must be valid UTF-8: a 400 naming the first that
// is not.
void requireUtf8Parameters(const std::map<std::string, std::string>& query);

}  // namespace tweeling::registry::api
