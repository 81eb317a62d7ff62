#pragma once
// Expected failures of a request, turned into application/problem+json (RFC 9457) at the one catch
// point in Api::handle.
#include "common/problem.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tweeling::registry::api {

class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string title, std::string detail)
        : std::runtime_error(detail), m_status(status), m_title(std::move(title)), m_detail(std::move(detail)) {}

    int status() const noexcept { return m_status; }
    const std::string& title() const noexcept { return m_title; }
    const std::string& detail() const noexcept { return m_detail; }

    // The query parameter at fault (reported as "parameter" in the problem document).
    ApiError& parameter(std::string name) {
        m_parameter = std::move(name);
        return *this;
    }
    const std::string& parameter() const noexcept { return m_parameter; }

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
    int m_status;
    std::string m_title;
    std::string m_detail;
    std::string m_parameter;
    common::Problems m_problems;
    std::vector<std::pair<std::string, std::string>> m_headers;
    std::vector<std::pair<std::string, long long>> m_extras;
};

inline ApiError badParameter(const std::string& name, const std::string& detail) {
    return std::move(ApiError(400, "Invalid query parameter", "Parameter '" + name + "': " + detail).parameter(name));
}

// A rate limit was hit (api/rate_limit.hpp). The type URI is the one Api derives from the title; the
// HTTP layer, which answers the per-address limit before the Api is called, writes it as is.
inline constexpr const char* kTooManyRequestsTitle = "Too many requests";
inline constexpr const char* kTooManyRequestsType = "https://w3id.org/tweeling/problem/too-many-requests";

inline ApiError tooManyRequests(const std::string& detail, std::chrono::seconds retryAfter) {
    return std::move(
        ApiError(429, kTooManyRequestsTitle, detail).header("Retry-After", std::to_string(retryAfter.count())));
}

}  // namespace tweeling::registry::api
