#pragma once
// Stored record documents. A record's JSON is kept as a zstd frame (a BLOB): records of one catalog
// share most of their member names, schemes and URIs, so once a database holds enough records it
// trains a zstd dictionary from them (kept in the `dictionaries` table, schema v7) and compresses
// later records with it; each frame names the dictionary it needs. Rows written before v7 keep their
// TEXT and read as they are. Internal to registry/store.
#include "store/connection.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::store {

class DocumentCodec {
public:
    DocumentCodec();
    ~DocumentCodec();
    DocumentCodec(const DocumentCodec&) = delete;
    DocumentCodec& operator=(const DocumentCodec&) = delete;

    // The stored form of `json`: a zstd frame, with the newest dictionary when there is one.
    std::string compress(std::string_view json) const;
    // The JSON of column `column` of the current row: TEXT as stored, a BLOB decompressed. A frame
    // that needs a dictionary not yet loaded loads it through `connection`. Throws
    // std::runtime_error naming the problem for a damaged frame or a missing dictionary.
    std::string decode(const Statement& statement, int column, Connection& connection) const;

    // Loads the dictionaries stored in the database; the newest becomes the one compress uses.
    void load(Connection& connection);
    // Trains a dictionary from `samples` (stored JSON documents) and stores it inside the caller's
    // transaction; after the commit, load() makes it current (never before: a frame must not name a
    // dictionary that a rollback could take away). Returns its id, or 0 when zstd could not train
    // one (too little or too uniform input): then documents stay compressed without one.
    static std::uint32_t train(Connection& writer, const std::vector<std::string>& samples);
    bool hasDictionary() const;

private:
    struct Dictionary;
    std::shared_ptr<const Dictionary> dictionary(std::uint32_t id, Connection& connection) const;
    mutable std::mutex m_mutex;
    mutable std::map<std::uint32_t, std::shared_ptr<const Dictionary>> m_dictionaries;
    std::shared_ptr<const Dictionary> m_current;  // under m_mutex
};

}  // namespace tweeling::registry::store
