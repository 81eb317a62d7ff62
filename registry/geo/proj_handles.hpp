#pragma once
// Private to registry/geo: the owners of PROJ's C handles and the per-thread PROJ state. The public
// header (crs.hpp) does not include proj.h; only the .cpp files of this folder include this one.
#include <proj.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tweeling::registry::geo::detail {

struct ContextDeleter {
    void operator()(PJ_CONTEXT* context) const noexcept { proj_context_destroy(context); }
};
struct PjDeleter {
    void operator()(PJ* object) const noexcept { proj_destroy(object); }
};
struct PjListDeleter {
    void operator()(PJ_OBJ_LIST* list) const noexcept { proj_list_destroy(list); }
};
struct IntListDeleter {
    void operator()(int* list) const noexcept { proj_int_list_destroy(list); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;
using PjListPtr = std::unique_ptr<PJ_OBJ_LIST, PjListDeleter>;
using IntListPtr = std::unique_ptr<int, IntListDeleter>;

// What PROJ is given for a CRS text: the id when crsId accepts it, the text itself when it is WKT of
// a CRS, nullopt for anything else. PROJ strings and pipelines are refused: CRS texts come from
// assets, records and request parameters, and a pipeline is a program for PROJ to run.
std::optional<std::string> crsDefinition(std::string_view text);

// Makes PROJ open only regular files, read-only, on `context` (proj_files.cpp says why). false when
// PROJ refuses the file API.
bool readRegularFilesOnly(PJ_CONTEXT* context);

// `text` quoted for an error sentence: bounded and valid UTF-8.
std::string quoted(std::string_view text);

// One thread's PROJ: a context (PROJ contexts must not be shared between threads), the last error
// PROJ logged on it, and the transformations made on it. PJ objects belong to the context they were
// made with, so they live and die here too, before the context.
class ThreadProj {
public:
    // The calling thread's state, made on first use and destroyed when the thread ends.
    static ThreadProj& current();

    ThreadProj(const ThreadProj&) = delete;
    ThreadProj& operator=(const ThreadProj&) = delete;

    PJ_CONTEXT* context() const { return m_context.get(); }

    // The CRS that `text` names (crsDefinition), or null and *error.
    PjPtr createCrs(std::string_view text, std::string* error);

    // The transformation `from` -> `to`, taking and giving east/north order, or null and *error.
    // Cached: the thread keeps at most kMaxOperations of them.
    PJ* operation(const std::string& from, const std::string& to, std::string* error);

    // The last error PROJ logged on this thread's context since the last call ("" when none).
    std::string takeLastMessage();

    static constexpr std::size_t kMaxOperations = 64;

private:
    ThreadProj();
    PjPtr createOperation(PJ* source, PJ* target);
    static void log(void* self, int level, const char* message);

    ContextPtr m_context;  // destroyed last: declared first
    std::string m_lastMessage;
    std::unordered_map<std::string, PjPtr> m_operations;  // key: from '\0' to (as crsDefinition gives them)
};

}  // namespace tweeling::registry::geo::detail
