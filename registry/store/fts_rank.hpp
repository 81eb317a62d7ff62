#pragma once
// tw_columns(records_fts): an FTS5 auxiliary function returning, for the current row, in which
// columns each phrase of the MATCH occurs: bit (3·phrase + column) is set when phrase `phrase`
// (0-based, at most kMaxRankedPhrases) occurs in column `column` (0 title, 1 description,
// 2 keywords). It reads only the row's position lists, which FTS5 has in memory while it iterates
// the match, and never the document lengths that bm25 looks up row by row; relevance ranking
// (search.cpp) is computed from it. Internal to registry/store.
struct sqlite3;

namespace tweeling::registry::store {

constexpr int kMaxRankedPhrases = 21;  // 3 bits each in a 64-bit integer

// Registers tw_columns on this connection; throws when the SQLite build has no FTS5.
void registerRankFunctions(sqlite3* handle);

}  // namespace tweeling::registry::store
