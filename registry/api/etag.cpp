// Entity tags: a record's tag, and the If-Match / If-None-Match lists of reads and writes (RFC 9110 §13.1).
#include "api/api_internal.hpp"

#include "common/text.hpp"

#include <cstring>

namespace tweeling::registry::api {

namespace detail {

// A record's entity tag, without quotes (store::entityTag).
std::string recordTag(const store::StoredRecord& stored) {
    return store::entityTag(stored.hash, stored.signature);
}

// RFC 9110 §13.1: If-None-Match uses weak comparison and may list several tags or "*";
// If-Match uses strong comparison.
bool etagMatches(const std::string& header, const std::string& etag, bool weak) {
    for (std::string tag : common::splitList(header)) {
        if (tag == "*") return true;
        if (tag.rfind("W/", 0) == 0) {
            if (!weak) continue;
            tag = tag.substr(2);
        }
        if (tag == etag) return true;
    }
    return false;
}

// The entity tags of an If-Match or If-None-Match header of a write, without their quotes ("*" as
// it is), for store::WriteCondition; nullopt when the header is absent. If-Match compares strongly
// (RFC 9110 §13.1.1): its weak tags never match and are left out; If-None-Match compares weakly.
std::optional<std::vector<std::string>> preconditionTags(const Request& request, const char* name) {
    auto found = request.headers.find(name);
    if (found == request.headers.end()) return std::nullopt;
    const bool weak = std::strcmp(name, "if-none-match") == 0;
    std::vector<std::string> tags;
    for (std::string tag : common::splitList(found->second)) {
        if (tag.rfind("W/", 0) == 0) {
            if (!weak) continue;
            tag = tag.substr(2);
        }
        if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
        tags.push_back(std::move(tag));
    }
    return tags;
}

ApiError preconditionFailed(const Request& request, bool held, const std::string& id) {
    if (!held) return ApiError(problem::kPreconditionFailed, "If-Match was sent but there is no record '" + id + "'");
    if (request.headers.count("if-match") && !request.headers.count("if-none-match"))
        return ApiError(problem::kPreconditionFailed, "The record has changed since the ETag in If-Match");
    if (!request.headers.count("if-match"))
        return ApiError(problem::kPreconditionFailed,
                        "The record '" + id + "' exists and If-None-Match asks not to replace it (or this version)");
    return ApiError(problem::kPreconditionFailed, "The record does not meet the If-Match and If-None-Match conditions");
}

}  // namespace detail

}  // namespace tweeling::registry::api
