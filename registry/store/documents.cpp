#include "store/documents.hpp"

#include "common/time.hpp"

#include <sqlite3.h>
#include <zdict.h>
#include <zstd.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace tweeling::registry::store {
namespace {

// Level 3 is zstd's default: about 0.1 ms a record either way, a fraction of what a write costs.
constexpr int kLevel = 3;
constexpr std::size_t kDictionaryBytes = 64 * 1024;

// One compression and one decompression context per thread, reused (creating them costs more than
// compressing a record).
struct Contexts {
    ZSTD_CCtx* compress = ZSTD_createCCtx();
    ZSTD_DCtx* decompress = ZSTD_createDCtx();
    ~Contexts() {
        ZSTD_freeCCtx(compress);
        ZSTD_freeDCtx(decompress);
    }
};
Contexts& contexts() {
    thread_local Contexts local;
    if (!local.compress || !local.decompress) throw std::bad_alloc();
    return local;
}

}  // namespace

struct DocumentCodec::Dictionary {
    std::uint32_t id = 0;
    ZSTD_CDict* compress = nullptr;
    ZSTD_DDict* decompress = nullptr;
    Dictionary(std::uint32_t dictionaryId, std::string_view bytes)
        : id(dictionaryId),
          compress(ZSTD_createCDict(bytes.data(), bytes.size(), kLevel)),
          decompress(ZSTD_createDDict(bytes.data(), bytes.size())) {
        if (!compress || !decompress) throw std::runtime_error("cannot load zstd dictionary " + std::to_string(id));
    }
    ~Dictionary() {
        ZSTD_freeCDict(compress);
        ZSTD_freeDDict(decompress);
    }
    Dictionary(const Dictionary&) = delete;
    Dictionary& operator=(const Dictionary&) = delete;
};

DocumentCodec::DocumentCodec() = default;
DocumentCodec::~DocumentCodec() = default;

bool DocumentCodec::hasDictionary() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_current != nullptr;
}

std::string DocumentCodec::compress(std::string_view json) const {
    std::shared_ptr<const Dictionary> current;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        current = m_current;
    }
    std::string out(ZSTD_compressBound(json.size()), '\0');
    ZSTD_CCtx* context = contexts().compress;
    std::size_t size = current ? ZSTD_compress_usingCDict(context, out.data(), out.size(), json.data(), json.size(),
                                                          current->compress)
                               : ZSTD_compressCCtx(context, out.data(), out.size(), json.data(), json.size(), kLevel);
    if (ZSTD_isError(size)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(size));
    out.resize(size);
    return out;
}

std::shared_ptr<const DocumentCodec::Dictionary> DocumentCodec::dictionary(std::uint32_t id, Connection& connection) const {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto found = m_dictionaries.find(id);
        if (found != m_dictionaries.end()) return found->second;
    }
    // Trained by another process (or another Store) on the same file.
    StatementUse statement = connection.statement("SELECT bytes FROM dictionaries WHERE id = ?1");
    statement->bind(1, static_cast<std::int64_t>(id));
    if (!statement->step())
        throw std::runtime_error("stored document needs zstd dictionary " + std::to_string(id) + ", which the database lacks");
    auto loaded = std::make_shared<const Dictionary>(id, statement->blobView(0));
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_dictionaries.emplace(id, loaded).first->second;
}

std::string DocumentCodec::decode(const Statement& statement, int column, Connection& connection) const {
    if (!statement.isBlob(column)) return statement.text(column);
    std::string_view frame = statement.blobView(column);
    unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (64u << 20))
        throw std::runtime_error("stored document is not a complete zstd frame");
    std::string out(static_cast<std::size_t>(size), '\0');
    const std::uint32_t id = ZSTD_getDictID_fromFrame(frame.data(), frame.size());
    ZSTD_DCtx* context = contexts().decompress;
    std::size_t written;
    if (id != 0) {
        // dictionary() may run another statement on the connection; this one's row stays valid.
        std::shared_ptr<const Dictionary> used = dictionary(id, connection);
        written = ZSTD_decompress_usingDDict(context, out.data(), out.size(), frame.data(), frame.size(), used->decompress);
    } else {
        written = ZSTD_decompressDCtx(context, out.data(), out.size(), frame.data(), frame.size());
    }
    if (ZSTD_isError(written) || written != out.size())
        throw std::runtime_error(std::string("stored document cannot be decompressed: ") +
                                 (ZSTD_isError(written) ? ZSTD_getErrorName(written) : "wrong size"));
    return out;
}

void DocumentCodec::load(Connection& connection) {
    StatementUse statement = connection.statement("SELECT id, bytes FROM dictionaries ORDER BY n");
    std::map<std::uint32_t, std::shared_ptr<const Dictionary>> loaded;
    std::shared_ptr<const Dictionary> newest;
    while (statement->step()) {
        auto id = static_cast<std::uint32_t>(statement->int64(0));
        newest = std::make_shared<const Dictionary>(id, statement->blobView(1));
        loaded[id] = newest;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& [id, dictionary] : loaded) m_dictionaries.emplace(id, dictionary);
    if (newest) m_current = m_dictionaries[newest->id];
}

std::uint32_t DocumentCodec::train(Connection& writer, const std::vector<std::string>& samples) {
    std::string joined;
    std::vector<std::size_t> sizes;
    for (const std::string& sample : samples) {
        joined += sample;
        sizes.push_back(sample.size());
    }
    // zstd's guidance: a dictionary about a hundredth of the samples; at least 4 KiB, at most 64 KiB.
    std::string bytes(std::clamp<std::size_t>(joined.size() / 50, 4096, kDictionaryBytes), '\0');
    std::size_t size = ZDICT_trainFromBuffer(bytes.data(), bytes.size(), joined.data(), sizes.data(),
                                             static_cast<unsigned>(sizes.size()));
    if (ZDICT_isError(size)) return 0;
    bytes.resize(size);
    const std::uint32_t id = ZDICT_getDictID(bytes.data(), bytes.size());
    if (id == 0) return 0;
    {
        StatementUse statement =
            writer.statement("INSERT OR IGNORE INTO dictionaries(id, created, bytes) VALUES (?1, ?2, ?3)");
        statement->bind(1, static_cast<std::int64_t>(id)).bind(2, common::nowRfc3339()).bindBlob(3, bytes.data(), bytes.size());
        statement->execute();
    }
    return id;
}

}  // namespace tweeling::registry::store
