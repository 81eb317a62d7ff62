// The search parameters of /collections/twins/items: the input is a query string ("q=x&bbox=..."),
// split and percent-decoded by the HTTP server's own function (http::parseQuery), then given to
// api::parseSearchQuery. A bad value must be an ApiError (a 400 naming the parameter); any other
// exception would be a 500.
#include "api/errors.hpp"
#include "api/http_parser.hpp"
#include "api/query.hpp"
#include "fuzz_support.hpp"

#include <map>

using namespace tweeling;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::map<std::string, std::string> parameters = registry::api::http::parseQuery(fuzz::text(data, size));
    try {
        registry::api::parseSearchQuery(parameters);
    } catch (const registry::api::ApiError&) {
    }
    return 0;
}
