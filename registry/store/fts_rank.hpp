#pragma once
// tw_columns(records_fts): an FTS5 auxiliary function returning, for the current row, in which
// columns each phrase of the MATCH occurs: bit (3·phrase + column) is set when phrase `phrase`
// (0-based, at most kMaxRankedPhrases) occurs in column `column` (0 title, 1 description,
// 2 keywords). It reads only the row's position lists, which FTS5 has in memory while it iterates
// the match, and never the document lengths that bm25 looks up row by row; relevance ranking
// (relevance.cpp) is computed from it. Internal to registry/store.
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace tweeling::registry::store {

constexpr int kMaxRankedPhrases = 21;  // 3 bits each in a 64-bit integer

// Registers tw_columns on this connection; throws when the SQLite build has no FTS5.
void registerRankFunctions(sqlite3* handle);

// The tokens FTS5 makes of a text with records_fts's own tokenizer (unicode61 remove_diacritics 2):
// folded to lower case, without diacritics. Through FTS5's tokenizer API, so the tokens are exactly
// the terms FTS5 stores. One instance per use on one thread.
class FtsTokenizer {
public:
    explicit FtsTokenizer(sqlite3* handle);
    ~FtsTokenizer();
    FtsTokenizer(const FtsTokenizer&) = delete;
    FtsTokenizer& operator=(const FtsTokenizer&) = delete;
    // Appends the tokens of `text` to `out`.
    void tokens(std::string_view text, std::vector<std::string>& out);
    // Calls emit(context, token) for each token of `text`, in order, without copying it.
    using Emit = void (*)(void* context, std::string_view token);
    void each(std::string_view text, void* context, Emit emit);

private:
    void* m_instance = nullptr;  // Fts5Tokenizer*
    struct Functions;
    Functions* m_functions = nullptr;
};

}  // namespace tweeling::registry::store
