#include "store/box_scan.hpp"

#include <sqlite3.h>

#include <cmath>
#include <stdexcept>

namespace tweeling::registry::store {
namespace {

// SQLite stores a min rounded down and a max rounded up to 32-bit floats, by up to two ulps (it
// scales by 1 ∓ 2^-23 before rounding): a margin of four ulps, relative, covers that.
double up(double v) { return v + std::fabs(v) * (4.0 / 8388608.0) + 1e-37; }
double down(double v) { return v - std::fabs(v) * (4.0 / 8388608.0) - 1e-37; }

int boxQuery(sqlite3_rtree_query_info* info) {
    auto* scan = static_cast<BoxScan*>(info->pContext);
    if (info->nCoord != 4) return SQLITE_ERROR;
    const sqlite3_rtree_dbl* c = info->aCoord;  // min_x, max_x, min_y, max_y
    // Smaller scores are visited first: leaves before the next node, so the queue stays short.
    info->rScore = info->iLevel;
    if (!(c[0] <= scan->maxX && c[1] >= scan->minX && c[2] <= scan->maxY && c[3] >= scan->minY)) {
        info->eWithin = NOT_WITHIN;
        return SQLITE_OK;
    }
    if (info->iLevel > 0) {
        info->eWithin = PARTLY_WITHIN;
        return SQLITE_OK;
    }
    bool certain = up(c[0]) <= scan->maxX && down(c[1]) >= scan->minX && up(c[2]) <= scan->maxY && down(c[3]) >= scan->minY;
    try {
        (certain ? scan->certain : scan->edge).push_back(info->iRowid);
    } catch (const std::bad_alloc&) {
        return SQLITE_NOMEM;
    }
    info->eWithin = NOT_WITHIN;  // collected here, never returned as a row
    return SQLITE_OK;
}

}  // namespace

void registerBoxScan(sqlite3* handle, BoxScan* scan) {
    if (sqlite3_rtree_query_callback(handle, "tw_box", boxQuery, scan, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("cannot register the R*Tree query tw_box: ") + sqlite3_errmsg(handle));
}

}  // namespace tweeling::registry::store
