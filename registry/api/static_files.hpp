#pragma once
// The web UI's files at {base}/ui/<path>: the static output of `npm run build` in web/ (web/dist:
// app.js, app.css, twin.html and the vendor folders of MapLibre and CesiumJS). Both programs serve it
// themselves, so a node or a hub needs no second web server.
//
// Only files below the directory are served: a path with "..", an empty segment, a NUL, a backslash
// or an encoded "/" is refused, and so is any path whose canonical form (symbolic links resolved)
// lies outside the directory. Pistache sends a body from memory, so a file is read whole, at most
// kMaxFileBytes; the files read are kept in memory (at most kCacheBytes, the least recently served
// dropped first) while their size and modification time stay the same.
#include "api/api.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::api {

// True when `directory` holds a built web UI: its entry point app.js is there. Without it a server
// serves the API only, and its HTML pages do not load the UI.
bool hasWebUi(const std::string& directory);

// The media type of a file served by its name's extension (application/octet-stream when unknown).
std::string staticContentType(std::string_view fileName);

class StaticFiles {
public:
    // CesiumJS's largest file is about 10 MB; the whole UI about 40 MB.
    static constexpr std::size_t kMaxFileBytes = 64 * 1024 * 1024;
    static constexpr std::size_t kCacheBytes = 64 * 1024 * 1024;

    explicit StaticFiles(std::string directory, std::size_t maxFileBytes = kMaxFileBytes,
                         std::size_t cacheBytes = kCacheBytes);
    ~StaticFiles();
    StaticFiles(const StaticFiles&) = delete;
    StaticFiles& operator=(const StaticFiles&) = delete;

    // GET or HEAD of the file at `segments` (the path below /ui, each segment decoded once). A
    // directory answers with its index.html. Carries Cache-Control, an ETag of the file's size and
    // modification time (If-None-Match gives 304) and the browser security headers
    // (html::addSecurityHeaders). Throws ApiError: 404 for anything not served, 403 for a file over
    // the size limit. Thread-safe.
    Response serve(const Request& request, const std::vector<std::string>& segments) const;

private:
    struct Private;
    std::unique_ptr<Private> m_private;
};

}  // namespace tweeling::registry::api
