#pragma once
// Expected failures of a request, turned into application/problem+json (RFC 9457) at the one catch
// point in Api::handle.
#include "api/problem_types.hpp"
#include "common/problem.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tweeling::registry::api {

class ApiError : public std::runtime_error {
public:
    ApiError(const ProblemType& type, std::string detail)
        : std::runtime_error(detail), m_type(type), m_detail(std::move(detail)) {}

    const ProblemType& type() const noexcept { return m_type; }
    int status() const noexcept { return m_type.status; }
    const std::string& detail() const noexcept { return m_detail; }

    // The query parameter at fault, reported as "parameter" and in "invalid-params" (NL API Design
    // Rules /core/error-handling/invalid-input) with `reason`, or else the detail, as its reason.
    ApiError& parameter(std::string name, std::string reason = {}) {
        m_parameter = std::move(name);
        m_parameterReason = std::move(reason);
        return *this;
    }
    const std::string& parameter() const noexcept { return m_parameter; }
    const std::string& parameterReason() const noexcept {
        return m_parameterReason.empty() ? m_detail : m_parameterReason;
    }

    ApiError& problems(common::Problems problems) {
        m_problems = std::move(problems);
        return *this;
    }
    const common::Problems& problems() const noexcept { return m_problems; }

    ApiError& header(std::string name, std::string value) {
        m_headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return m_headers; }

    // Extra members of the problem document, e.g. {"offset": 12} for malformed JSON.
    ApiError& extra(std::string name, long long value) {
        m_extras.emplace_back(std::move(name), value);
        return *this;
    }
    const std::vector<std::pair<std::string, long long>>& extras() const noexcept { return m_extras; }

private:
    ProblemType m_type;
    std::string m_detail;
    std::string m_parameter;
    std::string m_parameterReason;
    common::Problems m_problems;
    std::vector<std::pair<std::string, std::string>> m_headers;
    std::vector<std::pair<std::string, long long>> m_extras;
};

inline ApiError badParameter(const std::string& name, const std::string& detail) {
    return std::move(
        ApiError(problem::kInvalidQueryParameter, "Parameter '" + name + "': " + detail).parameter(name, detail));
}

// A rate limit was hit (api/rate_limit.hpp).
inline ApiError tooManyRequests(const std::string& detail, std::chrono::seconds retryAfter) {
    return std::move(ApiError(problem::kTooManyRequests, detail)
                         .header("Retry-After", std::to_string(retryAfter.count())));
}

// The application/problem+json document (RFC 9457) of a problem of kind `type`: the one writer of
// problem documents, for the Api, the rate limits and the HTTP server's own refusals. `error` adds
// its parameter, extra members and record problems (`errors`, with their JSON Pointers), and the
// same faults as `invalid-params` ([{name, reason}], the NL API Design Rules' member for invalid
// input: the parameter's name, or a body member's JSON Pointer).
std::string problemDocument(const ProblemType& type, const std::string& detail, const std::string& instance,
                            const ApiError* error = nullptr);

}  // namespace tweeling::registry::api
