#pragma once
// tw_box: an R*Tree query callback that collects the ids of the entries whose stored box meets a
// query box, straight from the tree walk, instead of returning them as rows: the bbox condition of
// the candidate path (match_set.cpp) reads tens of thousands of entries, and a row per entry (virtual
// table column reads, the VDBE loop) cost more than the walk itself. The callback sorts each id into
// `certain` (the stored box, rounded outward to 32-bit floats, meets the query box by more than that
// rounding) or `edge` (to be checked against the row's exact bbox). It never yields a row.
// Internal to registry/store.
#include <cstdint>
#include <vector>

struct sqlite3;

namespace tweeling::registry::store {

struct BoxScan {
    double minX = 0, minY = 0, maxX = 0, maxY = 0;
    std::vector<std::int64_t> certain;
    std::vector<std::int64_t> edge;
};

// Registers tw_box on this connection; `scan` (owned by the connection) holds the query box and
// receives the ids. Use: fill the box, clear the lists, step "... WHERE rid MATCH tw_box()".
void registerBoxScan(sqlite3* handle, BoxScan* scan);

}  // namespace tweeling::registry::store
