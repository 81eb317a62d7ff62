// Api::route: which handler answers a method and path.
#include "api/api_internal.hpp"

#include "api/html.hpp"
#include "api/http_helpers.hpp"
#include "api/query.hpp"
#include "api/static_files.hpp"
#include "common/text.hpp"

#include <functional>

namespace tweeling::registry::api {

using namespace detail;

Response Api::route(const Request& request, const Context& context) const {
    // A path or a query value that is not UTF-8 is refused here, before any route (the hub's too)
    // sees it.
    std::vector<std::string> segments = pathSegments(request);
    requireUtf8Parameters(request.query);
    const std::string& method = request.method;
    bool isGet = method == "GET" || method == "HEAD";

    auto only = [&](const char* allowed) {
        if (!isGet) throw methodNotAllowed(method, allowed);
    };

    // The pages a browser or crawler lands on also come as HTML (f=html, or an Accept preferring
    // text/html) and carry RFC 8288 Link headers (html.hpp). The JSON handler answers either way.
    auto page = [&](html::Page kind, const std::function<Response(const Context&)>& answer) {
        if (!html::wanted(request)) {
            Response response = answer(context);
            html::addLinkHeader(kind, response, context.base);
            return response;
        }
        Request plain = html::jsonRequest(request);
        // The page shows no facets: on a large catalog they cost more than the page, and the web UI
        // asks the JSON API for them once the page is shown.
        plain.query.erase("facets");
        plain.query.erase("facetLimit");
        // The page's map draws CRS84 footprints, whatever CRS the JSON would be in.
        plain.query.erase("crs");
        Context plainContext = context;
        plainContext.request = &plain;
        Response response = html::render(kind, answer(plainContext), request, html::shell(*this, context.base));
        std::string etag = html::header(response, "ETag");
        if (response.status == 200 && !etag.empty() && etagMatches(request.header("if-none-match"), etag, true)) {
            response.status = 304;
            response.contentType.clear();
            response.body.clear();
        }
        return response;
    };

    // The web UI's files before any route a program adds (a hub's): they are the same everywhere.
    if (!segments.empty() && segments[0] == "ui") return only("GET, HEAD"), webUi(request, segments);
    if (m_extension) {
        if (auto response = m_extension(request, context.base)) return *response;
    }
    if (segments.empty()) {
        only("GET, HEAD");
        return page(html::Page::Landing, [&](const Context& at) { return landing(at); });
    }
    const std::string& first = segments[0];
    if (segments.size() == 2 && first == ".well-known" && segments[1] == "tweeling.json")
        return only("GET, HEAD"), identity(context);
    if (segments.size() == 1) {
        if (first == "conformance") return only("GET, HEAD"), conformance(context);
        if (first == "collections") return only("GET, HEAD"), collections(context);
        if (first == "feed") return only("GET, HEAD"), feed(request, context);
        if (first == "health") return only("GET, HEAD"), health();
        if (first == "metrics") return only("GET, HEAD"), metrics();
        // /api is where OGC API – Common's service-desc link points; /openapi.json where the NL API
        // Design Rules look (/core/publish-openapi). The same document.
        if (first == "api" || first == "openapi.json") return only("GET, HEAD"), openApi(context);
    }
    if (first == "collections" && segments.size() >= 2) {
        if (segments[1] != kCollectionId)
            throw ApiError(problem::kNotFound, "There is no collection '" + segments[1] + "'; this node serves 'twins'");
        if (segments.size() == 2)
            return only("GET, HEAD"), page(html::Page::Collection, [&](const Context& at) { return collection(at); });
        if (segments.size() == 3 && segments[2] == "queryables") return only("GET, HEAD"), queryables(context, false);
        if (segments.size() == 3 && segments[2] == "sortables") return only("GET, HEAD"), queryables(context, true);
        if (segments[2] == "items") {
            if (segments.size() == 3) {
                if (isGet) return page(html::Page::Items, [&](const Context& at) { return items(*at.request, at); });
                if (method == "POST" && m_options.publishing) return publish(request, context, nullptr);
                throw methodNotAllowed(method, m_options.publishing ? "GET, HEAD, POST" : "GET, HEAD");
            }
            if (segments.size() == 4) {
                const std::string& key = segments[3];
                if (isGet)
                    return page(html::Page::Record, [&](const Context& at) { return item(*at.request, at, key); });
                if (method == "PUT" && m_options.publishing) return publish(request, context, &key);
                if (method == "DELETE" && m_options.publishing) return remove(request, context, key);
                throw methodNotAllowed(method, m_options.publishing ? "GET, HEAD, PUT, DELETE" : "GET, HEAD");
            }
        }
    }
    throw ApiError(problem::kNotFound, "There is nothing at " + request.path);
}

Response Api::webUi(const Request& request, const std::vector<std::string>& segments) const {
    if (!m_webUi)
        throw ApiError(problem::kNotFound, "This server has no web UI (it serves the API only): nothing at " +
                                               common::truncateUtf8(request.path, 256));
    return m_webUi->serve(request, std::vector<std::string>(segments.begin() + 1, segments.end()));
}

}  // namespace tweeling::registry::api
