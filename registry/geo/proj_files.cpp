// PROJ's file access, narrowed to reading regular files. A CRS's WKT can name grid files, by absolute
// path too (WKT1's EXTENSION["PROJ4_GRIDS", ...] or a +nadgrids in EXTENSION["PROJ4", ...]), and
// PROJ opens them when it looks for a transformation. WKT comes from the assets a hub probes, so a
// file could name a FIFO or a device: PROJ 9.1 then blocks in open() for good (measured, with a
// FIFO), or reads /dev/urandom as if it were a grid. Here a file is opened without blocking and kept
// only when it is a regular file; nothing is ever written, created or removed (the network, whose
// cache is the only thing PROJ writes, is off).
#include "geo/proj_handles.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace tweeling::registry::geo::detail {

namespace {

std::FILE* asFile(PROJ_FILE_HANDLE* handle) {
    return reinterpret_cast<std::FILE*>(handle);
}

PROJ_FILE_HANDLE* openFile(PJ_CONTEXT*, const char* filename, PROJ_OPEN_ACCESS access, void*) {
    if (access != PROJ_OPEN_ACCESS_READ_ONLY || !filename) return nullptr;
    int descriptor = ::open(filename, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (descriptor < 0) return nullptr;
    struct stat status {};
    if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(descriptor);
        return nullptr;
    }
    std::FILE* file = ::fdopen(descriptor, "rb");
    if (!file) {
        ::close(descriptor);
        return nullptr;
    }
    return reinterpret_cast<PROJ_FILE_HANDLE*>(file);
}

std::size_t readFile(PJ_CONTEXT*, PROJ_FILE_HANDLE* handle, void* buffer, std::size_t size, void*) {
    return std::fread(buffer, 1, size, asFile(handle));
}

std::size_t writeFile(PJ_CONTEXT*, PROJ_FILE_HANDLE*, const void*, std::size_t, void*) {
    return 0;
}

int seekFile(PJ_CONTEXT*, PROJ_FILE_HANDLE* handle, long long offset, int whence, void*) {
    return ::fseeko(asFile(handle), static_cast<off_t>(offset), whence) == 0;
}

unsigned long long tellFile(PJ_CONTEXT*, PROJ_FILE_HANDLE* handle, void*) {
    off_t position = ::ftello(asFile(handle));
    return position < 0 ? 0 : static_cast<unsigned long long>(position);
}

void closeFile(PJ_CONTEXT*, PROJ_FILE_HANDLE* handle, void*) {
    std::fclose(asFile(handle));
}

int fileExists(PJ_CONTEXT*, const char* filename, void*) {
    struct stat status {};
    return filename && ::stat(filename, &status) == 0 && S_ISREG(status.st_mode);
}

int refuse(PJ_CONTEXT*, const char*, void*) {
    return 0;
}
int refuseRename(PJ_CONTEXT*, const char*, const char*, void*) {
    return 0;
}

constexpr PROJ_FILE_API kRegularFilesOnly = {
    1, &openFile, &readFile, &writeFile, &seekFile, &tellFile, &closeFile, &fileExists, &refuse, &refuse, &refuseRename,
};

}  // namespace

bool readRegularFilesOnly(PJ_CONTEXT* context) {
    return proj_context_set_fileapi(context, &kRegularFilesOnly, nullptr) != 0;
}

}  // namespace tweeling::registry::geo::detail
