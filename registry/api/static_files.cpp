// The web UI's files at {base}/ui/<path> (static_files.hpp).
#include "api/static_files.hpp"

#include "api/api_internal.hpp"
#include "api/html.hpp"
#include "common/text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace tweeling::registry::api {

namespace {

// The UI's files change only when it is rebuilt, and the ETag catches that: an hour spares a
// browser the revalidation of every CesiumJS worker on each page.
constexpr const char* kCacheControl = "public, max-age=3600";

struct FileType {
    const char* extension;
    const char* type;
};

// By extension, lower case. 3D Tiles content has no registered media types; browsers only fetch it.
constexpr FileType kFileTypes[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"geojson", "application/geo+json"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"svg", "image/svg+xml"},
    {"ico", "image/vnd.microsoft.icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"wasm", "application/wasm"},
    {"glb", "model/gltf-binary"},
    {"gltf", "model/gltf+json"},
    {"b3dm", "application/octet-stream"},
    {"i3dm", "application/octet-stream"},
    {"pnts", "application/octet-stream"},
    {"cmpt", "application/octet-stream"},
    {"subtree", "application/octet-stream"},
    {"ktx2", "image/ktx2"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"},
};

// The canonical form of `path` (symbolic links resolved), or nullopt when it does not exist.
std::optional<std::string> canonical(const std::string& path) {
    char resolved[PATH_MAX];
    if (!::realpath(path.c_str(), resolved)) return std::nullopt;
    return std::string(resolved);
}

bool inside(const std::string& path, const std::string& root) {
    return path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/';
}

ApiError notServed(const std::string& what) {
    return ApiError(problem::kNotFound, "There is no file of the web UI at " + what);
}

// A regular file's identity as far as caching goes: the ETag changes with either.
struct FileStamp {
    std::int64_t size = 0;
    std::int64_t modifiedNs = 0;
    bool operator==(const FileStamp& other) const { return size == other.size && modifiedNs == other.modifiedNs; }
};

FileStamp stampOf(const struct stat& info) {
    return {static_cast<std::int64_t>(info.st_size),
            static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

std::string entityTag(const FileStamp& stamp) {
    char text[64];
    std::snprintf(text, sizeof text, "\"%llx-%llx\"", static_cast<unsigned long long>(stamp.size),
                  static_cast<unsigned long long>(stamp.modifiedNs));
    return text;
}

// Closes a file descriptor however reading ends.
struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

bool hasWebUi(const std::string& directory) {
    if (directory.empty()) return false;
    struct stat info {};
    return ::stat((directory + "/app.js").c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string staticContentType(std::string_view fileName) {
    auto dot = fileName.rfind('.');
    if (dot != std::string_view::npos && fileName.find('/', dot) == std::string_view::npos) {
        const std::string extension = common::toLowerAscii(fileName.substr(dot + 1));
        for (const FileType& type : kFileTypes)
            if (extension == type.extension) return type.type;
    }
    return "application/octet-stream";
}

struct StaticFiles::Private {
    std::string directory;
    std::size_t maxFileBytes;
    std::size_t cacheBytes;

    struct Cached {
        FileStamp stamp;
        std::shared_ptr<const std::string> content;
    };
    std::mutex mutex;
    std::map<std::string, Cached> cache;  // by canonical path
    std::size_t cachedBytes = 0;

    // The canonical path of the file `segments` names, its index.html for a directory; throws 404.
    std::string resolve(const std::vector<std::string>& segments, const std::string& shown) const {
        const std::optional<std::string> root = canonical(directory);
        if (!root) throw notServed(shown);
        std::string path = *root;
        for (const std::string& segment : segments) {
            // Decoded once by the server: "%2e%2e" arrives here as "..", "%2F" as "/" inside a
            // segment, "%00" as a NUL. None of them names a file below the directory.
            if (segment.empty() || segment == "." || segment == ".." ||
                segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos)
                throw notServed(shown);
            path += "/" + segment;
        }
        std::optional<std::string> found = canonical(path);
        struct stat info {};
        if (found && ::stat(found->c_str(), &info) == 0 && S_ISDIR(info.st_mode))
            found = canonical(*found + "/index.html");
        // Symbolic links are followed only to files inside the directory.
        if (!found || !inside(*found, *root)) throw notServed(shown);
        return *found;
    }

    // The file's content and stamp, from memory while it is unchanged on disk.
    std::pair<std::shared_ptr<const std::string>, FileStamp> read(const std::string& path, const std::string& shown) {
        struct stat info {};
        // Only regular files: opening a FIFO would block this worker until something writes to it.
        if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) throw notServed(shown);
        FileStamp stamp = stampOf(info);
        {
            std::lock_guard<std::mutex> lock(mutex);
            auto cached = cache.find(path);
            if (cached != cache.end() && cached->second.stamp == stamp) return {cached->second.content, stamp};
        }
        refuseLarge(stamp, shown);
        Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
        if (file.fd < 0 || ::fstat(file.fd, &info) != 0 || !S_ISREG(info.st_mode)) throw notServed(shown);
        stamp = stampOf(info);  // the file opened, should it have been replaced since
        refuseLarge(stamp, shown);
        auto content = std::make_shared<std::string>(static_cast<std::size_t>(stamp.size), '\0');
        std::size_t done = 0;
        while (done < content->size()) {
            ssize_t got = ::read(file.fd, content->data() + done, content->size() - done);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) break;
            done += static_cast<std::size_t>(got);
        }
        if (done != content->size())
            throw std::runtime_error("reading " + path + " ended after " + std::to_string(done) + " of " +
                                     std::to_string(content->size()) + " bytes");
        keep(path, stamp, content);
        return {content, stamp};
    }

    void refuseLarge(const FileStamp& stamp, const std::string& shown) const {
        if (static_cast<std::size_t>(stamp.size) > maxFileBytes)
            throw ApiError(problem::kForbidden, "The file at " + shown + " is larger than " +
                                                    std::to_string(maxFileBytes / (1024 * 1024)) +
                                                    " MiB: this server does not serve it");
    }

    // The UI is a few tens of megabytes that all fit: when they no longer do (a rebuild left old
    // versions behind), everything goes and what is asked for again comes back.
    void keep(const std::string& path, const FileStamp& stamp, std::shared_ptr<const std::string> content) {
        if (content->size() > cacheBytes) return;
        std::lock_guard<std::mutex> lock(mutex);
        auto existing = cache.find(path);
        if (existing != cache.end()) {
            cachedBytes -= existing->second.content->size();
            cache.erase(existing);
        }
        if (cachedBytes + content->size() > cacheBytes) {
            cache.clear();
            cachedBytes = 0;
        }
        cachedBytes += content->size();
        cache.emplace(path, Cached{stamp, std::move(content)});
    }
};

StaticFiles::StaticFiles(std::string directory, std::size_t maxFileBytes, std::size_t cacheBytes)
    : m_private(std::make_unique<Private>()) {
    m_private->directory = std::move(directory);
    m_private->maxFileBytes = maxFileBytes;
    m_private->cacheBytes = cacheBytes;
}

StaticFiles::~StaticFiles() = default;

Response StaticFiles::serve(const Request& request, const std::vector<std::string>& segments) const {
    const std::string shown = common::truncateUtf8(request.path, 256);
    const std::string path = m_private->resolve(segments, shown);
    auto [content, stamp] = m_private->read(path, shown);

    Response response;
    response.contentType = staticContentType(path);
    const std::string etag = entityTag(stamp);
    response.headers.emplace_back("ETag", etag);
    response.headers.emplace_back("Cache-Control", kCacheControl);
    html::addSecurityHeaders(response);
    if (detail::etagMatches(request.header("if-none-match"), etag, true)) {
        response.status = 304;
        response.contentType.clear();
        return response;
    }
    // HEAD: the server sends no body (nor the length of this one).
    if (request.method != "HEAD") response.body = *content;
    return response;
}

}  // namespace tweeling::registry::api
