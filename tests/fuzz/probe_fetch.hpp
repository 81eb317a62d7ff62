#pragma once
// The Fetch the probe targets give a probe: it serves the fuzz input as one file.
#include <cstddef>
#include <string>

#include "probe/probe.hpp"

namespace tweeling::fuzz {

// A Fetch that answers as a server honouring Range would (tests/federation/probe/fake_fetch.hpp):
// `body` for `url`, at most maxBytes of it, `truncated` (206) when there was more; 404 for any other
// URL. `body` must outlive the Fetch.
inline federation::probe::Fetch serveOne(std::string url, const std::string& body, std::string contentType) {
    return [url = std::move(url), &body, contentType = std::move(contentType)](const std::string& asked,
                                                                               std::size_t maxBytes) {
        federation::probe::FetchResponse response;
        response.finalUrl = asked;
        if (asked != url) {
            response.status = 404;
            response.contentType = "text/html";
            response.error = "HTTP 404";
            return response;
        }
        response.ok = true;
        response.status = 200;
        response.contentType = contentType;
        response.truncated = body.size() > maxBytes;
        response.body = body.substr(0, maxBytes);
        if (response.truncated) response.status = 206;
        return response;
    };
}

}  // namespace tweeling::fuzz
