#pragma once
// Request handling shared by the node's routes (api.cpp) and routes added beside them (the hub's
// /sources): path segments, the allowed query parameters, the 405 answer, bearer-key authentication
// and the media type of a JSON body. One version of each, so
// that a hub answers a bad path, method or key exactly as a node does.
#include "api/api.hpp"
#include "api/errors.hpp"
#include "store/store.hpp"

#include <initializer_list>
#include <string>
#include <vector>

namespace tweeling::registry::api {

// The segments of the request's path, each percent-decoded. The path is split on its raw form, so a
// segment may contain an encoded "/" (%2F). Throws ApiError (kInvalidPath) when a decoded segment is
// not UTF-8: it would be stored, or echoed into JSON, HTML and RDF that no reader accepts.
std::vector<std::string> pathSegments(const Request& request);

namespace detail {
// OGC API – Features/Records: a parameter the API does not define is a 400, not silently ignored;
// `f` is allowed everywhere, with the values the API offers (json, geojson, jsonld, ttl, html).
void checkParameters(const Request& request, std::initializer_list<const char*> allowed);
}  // namespace detail

// A request body must be JSON: Content-Type application/json (or `alsoAccepted`, e.g.
// application/geo+json), parameters such as charset aside. Throws ApiError 415 naming what came.
void requireJsonBody(const Request& request, const char* alsoAccepted = nullptr);

// 405 with the Allow header (RFC 9110 §15.5.6); `allowed` as "GET, HEAD, POST".
ApiError methodNotAllowed(const std::string& method, const std::string& allowed);

// What a route protected by bearer keys says when it refuses one (RFC 6750 §3).
struct BearerChallenge {
    const char* realm;       // named in WWW-Authenticate
    const char* missing;     // the detail when no Authorization header came
    const char* unknownKey;  // the detail when the key is unknown, revoked or expired
};

// The key of the request's "Authorization: Bearer <key>" (the scheme in any case, RFC 9110 §11.1),
// checked by the store. Throws ApiError: 401 without credentials, or with a header that is not a
// bearer token (error="invalid_request"), or with a key the store does not accept
// (error="invalid_token").
store::KeyInfo authenticateBearer(const Request& request, const store::Store& store, const BearerChallenge& challenge);

}  // namespace tweeling::registry::api
