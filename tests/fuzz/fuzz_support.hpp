#pragma once
// What the fuzz targets share (docs/RELIABILITY.md, "Fuzzing"): the input as text, a Fetch that
// serves it as one file, and the one way a target reports that an invariant broke.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "probe/probe.hpp"

namespace tweeling::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// An invariant of the code under test does not hold: libFuzzer keeps the input as a crash.
[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
}

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
