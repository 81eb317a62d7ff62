#include "api/http_helpers.hpp"

#include "common/http.hpp"
#include "common/text.hpp"
#include "common/url.hpp"

namespace tweeling::registry::api {

std::vector<std::string> pathSegments(const Request& request) {
    std::vector<std::string> segments;
    for (const auto& segment : common::splitPath(request.rawPath.empty() ? request.path : request.rawPath)) {
        segments.push_back(common::percentDecode(segment, false));
        if (!common::isValidUtf8(segments.back()))
            throw ApiError(problem::kInvalidPath, "The path is not valid UTF-8 once percent-decoded");
    }
    return segments;
}

void requireJsonBody(const Request& request, const char* alsoAccepted) {
    std::string contentType = common::toLowerAscii(request.header("content-type"));
    std::string mediaType = common::trim(std::string_view(contentType).substr(0, contentType.find(';')));
    if (mediaType == "application/json" || (alsoAccepted && mediaType == alsoAccepted)) return;
    throw ApiError(problem::kUnsupportedMediaType,
                   std::string("Send the body as application/json") +
                       (alsoAccepted ? std::string(" or ") + alsoAccepted : std::string()) + " (got '" +
                       (contentType.empty() ? std::string("nothing") : common::truncateUtf8(contentType, 200)) + "')");
}

ApiError methodNotAllowed(const std::string& method, const std::string& allowed) {
    return std::move(ApiError(problem::kMethodNotAllowed, "Method " + method + " is not allowed here; allowed: " + allowed)
                         .header("Allow", allowed));
}

store::KeyInfo authenticateBearer(const Request& request, const store::Store& store, const BearerChallenge& challenge) {
    const std::string realm = std::string("Bearer realm=\"") + challenge.realm + "\"";
    std::string authorization = request.header("authorization");
    if (authorization.empty())
        throw std::move(ApiError(problem::kAuthenticationRequired, challenge.missing).header("WWW-Authenticate", realm));
    auto token = common::bearerToken(authorization);
    if (!token)
        throw std::move(ApiError(problem::kAuthenticationRequired, "The Authorization header must be 'Bearer <key>'")
                            .header("WWW-Authenticate", realm + ", error=\"invalid_request\""));
    auto info = store.authenticate(*token);
    if (!info)
        throw std::move(ApiError(problem::kInvalidKey, challenge.unknownKey)
                            .header("WWW-Authenticate", realm + ", error=\"invalid_token\""));
    return *info;
}

}  // namespace tweeling::registry::api
