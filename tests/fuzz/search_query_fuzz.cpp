// The search parameters of /collections/twins/items: the input is a query string ("q=x&bbox=..."),
// split and percent-decoded as the HTTP server does (api/server.cpp), then given to
// api::parseSearchQuery. A bad value must be an ApiError (a 400 naming the parameter); any other
// exception would be a 500.
#include "api/errors.hpp"
#include "api/query.hpp"
#include "common/url.hpp"
#include "fuzz_support.hpp"

#include <map>

using namespace tweeling;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = fuzz::text(data, size);
    std::map<std::string, std::string> parameters;
    while (!input.empty()) {
        std::size_t end = input.find('&');
        std::string_view pair = input.substr(0, end);
        std::size_t equals = pair.find('=');
        std::string_view name = pair.substr(0, equals);
        std::string_view value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
        parameters[common::percentDecode(name, true)] = common::percentDecode(value, true);
        if (end == std::string_view::npos) break;
        input.remove_prefix(end + 1);
    }
    try {
        registry::api::parseSearchQuery(parameters);
    } catch (const registry::api::ApiError&) {
    }
    return 0;
}
