#pragma once
// The kinds of problem the API answers with (application/problem+json, RFC 9457). Each kind has a
// stable code: its `type` URI is kProblemTypeBase + code, which clients branch on (RFC 9457 §3.1.1),
// so a code never changes once released. The title is display text and may be reworded freely.
// Every problem document of the programs names one of these kinds; schemas/openapi*.json list the
// URIs in their examples (a test checks that every URI there is one of these).
#include <string>

namespace tweeling::registry::api {

struct ProblemType {
    int status;
    const char* code;
    const char* title;
    std::string uri() const;
};

inline constexpr const char* kProblemTypeBase = "https://w3id.org/tweeling/problem/";

namespace problem {
// Requests
inline constexpr ProblemType kMalformedJson{400, "malformed-json", "Malformed JSON"};
// The request itself is not HTTP/1.1 as RFC 9112 has it (api/http_parser.hpp).
inline constexpr ProblemType kMalformedRequest{400, "malformed-request", "Malformed request"};
inline constexpr ProblemType kInvalidQueryParameter{400, "invalid-query-parameter", "Invalid query parameter"};
inline constexpr ProblemType kInvalidPath{400, "invalid-path", "Invalid path"};
inline constexpr ProblemType kInvalidRecord{400, "invalid-record", "Invalid record"};
inline constexpr ProblemType kInvalidSource{400, "invalid-source", "Invalid source"};
inline constexpr ProblemType kAuthenticationRequired{401, "authentication-required", "Authentication required"};
inline constexpr ProblemType kInvalidKey{401, "invalid-key", "Invalid key"};
inline constexpr ProblemType kForbidden{403, "forbidden", "Forbidden"};
inline constexpr ProblemType kNotFound{404, "not-found", "Not found"};
inline constexpr ProblemType kRecordNotFound{404, "record-not-found", "Record not found"};
inline constexpr ProblemType kSourceNotFound{404, "source-not-found", "Source not found"};
inline constexpr ProblemType kNoReportYet{404, "no-report-yet", "No report yet"};
inline constexpr ProblemType kMethodNotAllowed{405, "method-not-allowed", "Method not allowed"};
inline constexpr ProblemType kConflict{409, "conflict", "Conflict"};
inline constexpr ProblemType kPreconditionFailed{412, "precondition-failed", "Precondition failed"};
inline constexpr ProblemType kRecordTooLarge{413, "record-too-large", "Record too large"};
inline constexpr ProblemType kRequestTooLarge{413, "request-too-large", "Request too large"};
inline constexpr ProblemType kUriTooLong{414, "uri-too-long", "URI too long"};
inline constexpr ProblemType kUnsupportedMediaType{415, "unsupported-media-type", "Unsupported media type"};
inline constexpr ProblemType kExpectationFailed{417, "expectation-failed", "Expectation failed"};
inline constexpr ProblemType kTooManyRequests{429, "too-many-requests", "Too many requests"};
inline constexpr ProblemType kHeaderFieldsTooLarge{431, "request-header-fields-too-large",
                                                   "Request header fields too large"};
// The server
inline constexpr ProblemType kInternalError{500, "internal-server-error", "Internal server error"};
inline constexpr ProblemType kNotImplemented{501, "not-implemented", "Not implemented"};
inline constexpr ProblemType kUnavailable{503, "service-unavailable", "Service unavailable"};
inline constexpr ProblemType kDatabaseBusy{503, "database-busy", "Database busy"};
inline constexpr ProblemType kHttpVersionNotSupported{505, "http-version-not-supported", "HTTP version not supported"};
inline constexpr ProblemType kInsufficientStorage{507, "insufficient-storage", "Insufficient storage"};

// Every kind above, for documentation and tests.
inline constexpr const ProblemType* kAll[] = {
    &kMalformedJson,   &kMalformedRequest,      &kInvalidQueryParameter, &kInvalidPath,         &kInvalidRecord,     &kInvalidSource,
    &kAuthenticationRequired, &kInvalidKey,      &kForbidden,           &kNotFound,          &kRecordNotFound,
    &kSourceNotFound,  &kNoReportYet,           &kMethodNotAllowed,    &kConflict,          &kPreconditionFailed,
    &kRecordTooLarge,  &kRequestTooLarge,       &kUriTooLong,          &kUnsupportedMediaType, &kExpectationFailed,
    &kTooManyRequests, &kHeaderFieldsTooLarge,  &kInternalError,       &kNotImplemented,    &kUnavailable,
    &kDatabaseBusy,    &kHttpVersionNotSupported, &kInsufficientStorage};
}  // namespace problem

inline std::string ProblemType::uri() const { return std::string(kProblemTypeBase) + code; }

}  // namespace tweeling::registry::api
