#include "store/term_index.hpp"

#include "store/connection.hpp"
#include "store/fts_rank.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace tweeling::registry::store {
namespace {

bool startsWith(std::string_view text, std::string_view prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

// The distinct terms of each field of one record, as ids into a growing term table.
struct RecordTerms {
    std::unordered_map<std::string, std::uint32_t> ids;
    std::vector<const std::string*> names;  // by id; the map's keys
    std::vector<std::uint32_t> fieldIds;
    std::string key;

    static void add(void* context, std::string_view token) {
        auto* self = static_cast<RecordTerms*>(context);
        self->key.assign(token.data(), token.size());
        auto [it, inserted] = self->ids.try_emplace(self->key, static_cast<std::uint32_t>(self->ids.size()));
        if (inserted) self->names.push_back(&it->first);
        self->fieldIds.push_back(it->second);
    }
};

const char* const kFieldsSql =
    "SELECT rid, title, description, keywords, min_x, min_y, max_x, max_y, time_start, time_end, updated FROM records";

}  // namespace

void* allocateHuge(std::size_t bytes) {
    constexpr std::size_t kHuge = std::size_t{1} << 21;
    const std::size_t rounded = (bytes + kHuge - 1) & ~(kHuge - 1);
    void* block = std::aligned_alloc(kHuge, rounded);
    if (!block) throw std::bad_alloc();
    madvise(block, rounded, MADV_HUGEPAGE);  // advice only: without THP it stays 4 KiB pages
    return block;
}

bool fitsBitmap(std::int64_t rid) { return rid >= 0 && rid <= static_cast<std::int64_t>(UINT32_MAX); }

std::optional<std::vector<std::uint32_t>> bitmapIds(const std::vector<std::int64_t>& rids) {
    std::vector<std::uint32_t> ids;
    ids.reserve(rids.size());
    for (std::int64_t rid : rids) {
        if (!fitsBitmap(rid)) return std::nullopt;
        ids.push_back(static_cast<std::uint32_t>(rid));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

namespace {

template <typename Row>
void readExtent(Row& row, double& minX, double& minY, double& maxX, double& maxY, std::int64_t& timeStart,
                std::int64_t& timeEnd, std::uint8_t& flags, std::uint8_t hasBox, std::uint8_t hasTime) {
    flags = 0;
    if (!row.isNull(4)) {
        minX = row.real(4);
        minY = row.real(5);
        maxX = row.real(6);
        maxY = row.real(7);
        flags |= hasBox;
    }
    if (!row.isNull(8)) {
        timeStart = row.int64(8);
        timeEnd = row.int64(9);
        flags |= hasTime;
    }
}

template <typename Row, typename Extent>
void readExtent(Row& row, Extent& extent, std::uint8_t hasBox, std::uint8_t hasTime) {
    readExtent(row, extent.minX, extent.minY, extent.maxX, extent.maxY, extent.timeStart, extent.timeEnd, extent.flags,
               hasBox, hasTime);
    extent.updated = row.int64(10);
}

// The greatest float ≤ value, and the least float ≥ value.
float floatDown(double value) {
    const float rounded = static_cast<float>(value);
    return static_cast<double>(rounded) > value ? std::nextafter(rounded, -INFINITY) : rounded;
}
float floatUp(double value) {
    const float rounded = static_cast<float>(value);
    return static_cast<double>(rounded) < value ? std::nextafter(rounded, INFINITY) : rounded;
}

}  // namespace

TermIndex::FloatBox TermIndex::floatBox(const Extent& extent) {
    if (!(extent.flags & kHasBox)) return FloatBox{NAN, NAN, NAN, NAN};
    // Rounded outwards: the float box holds the footprint.
    return FloatBox{floatDown(extent.minX), floatDown(extent.minY), floatUp(extent.maxX), floatUp(extent.maxY)};
}

TermIndex::BoxQuery TermIndex::boxQuery(double minX, double minY, double maxX, double maxY) {
    return BoxQuery{minX, minY, maxX, maxY, floatUp(minX), floatUp(minY), floatDown(maxX), floatDown(maxY)};
}

void TermIndex::setExtent(std::uint32_t rid, const Extent& extent) {
    if (rid >= m_extents.size()) {
        m_extents.resize(std::size_t{rid} + 1);
        m_boxes.resize(std::size_t{rid} + 1, FloatBox{NAN, NAN, NAN, NAN});
        m_updated.resize(std::size_t{rid} + 1, 0);
    }
    if (!m_grids.empty()) {
        gridUpdate(rid, m_extents[rid], false);
        gridUpdate(rid, extent, true);
    }
    m_extents[rid] = extent;
    m_boxes[rid] = floatBox(extent);
    m_updated[rid] = extent.updated;
}

namespace {

// Widening of a footprint's cell range, and narrowing of the cells a box holds whole, in cells.
constexpr double kHair = 1e-7;
constexpr double kMargin = 1e-6;

// The cell of `value`, clamped to [-1, cells]: -1 and `cells` stand for "outside".
int cellOf(double value, double origin, double size, double widen, int cells) {
    const double cell = std::floor((value - origin) / size + widen);
    return static_cast<int>(std::clamp(cell, -1.0, static_cast<double>(cells)));
}

// The members of `bitmap`, in `ids` (reused from call to call).
void listBitmap(const roaring_bitmap_t* bitmap, std::vector<std::uint32_t>& ids) {
    ids.resize(roaring_bitmap_get_cardinality(bitmap));
    roaring_bitmap_to_uint32_array(bitmap, ids.data());
}

// Few enough `within` (the words' matches) are checked directly, in rid order: cheaper than
// the cells when these hold more (a footprint is in up to four cells of its grid, and every
// member of an edge cell is checked).
bool withinIsCheaper(const roaring_bitmap_t* within, const std::vector<const roaring_bitmap_t*>& whole,
                     const std::vector<const roaring_bitmap_t*>& edge) {
    std::uint64_t cells = 0, edges = 0;
    for (const roaring_bitmap_t* cell : whole) cells += roaring_bitmap_get_cardinality(cell);
    for (const roaring_bitmap_t* cell : edge) edges += roaring_bitmap_get_cardinality(cell);
    return 2 * roaring_bitmap_get_cardinality(within) <= cells + 2 * edges;
}

// The members of `within` marked in `flat` (a bit for each rid below `size`), in `ids`.
void keepMarked(const roaring_bitmap_t* within, const std::vector<std::uint64_t>& flat, std::size_t size,
                std::vector<std::uint32_t>& ids) {
    listBitmap(within, ids);
    std::size_t kept = 0;
    for (std::uint32_t id : ids) {
        ids[kept] = id;
        kept += id < size && ((flat[id >> 6] >> (id & 63)) & 1);
    }
    ids.resize(kept);
}

// The rids marked in `flat`, ascending, in `ids`.
void listMarked(const std::vector<std::uint64_t>& flat, std::vector<std::uint32_t>& ids) {
    std::size_t count = 0;
    for (std::uint64_t bits : flat) count += static_cast<std::size_t>(__builtin_popcountll(bits));
    ids.resize(count);
    std::size_t at = 0;
    for (std::size_t word = 0; word < flat.size(); ++word)
        for (std::uint64_t bits = flat[word]; bits; bits &= bits - 1)
            ids[at++] = static_cast<std::uint32_t>(word * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
}

}  // namespace

void TermIndex::gridCells(const Grid& grid, const Extent& extent, int& i0, int& i1, int& j0, int& j1) const {
    i0 = cellOf(extent.minX, m_gridX0, grid.width, -kHair, grid.cells);
    i1 = cellOf(extent.maxX, m_gridX0, grid.width, kHair, grid.cells);
    j0 = cellOf(extent.minY, m_gridY0, grid.height, -kHair, grid.cells);
    j1 = cellOf(extent.maxY, m_gridY0, grid.height, kHair, grid.cells);
}

int TermIndex::gridOf(const Extent& extent, int& i0, int& i1, int& j0, int& j1) const {
    if (!(extent.flags & kHasBox)) return -1;
    for (std::size_t level = 0; level < m_grids.size(); ++level) {
        const Grid& grid = m_grids[level];
        gridCells(grid, extent, i0, i1, j0, j1);
        if (i0 < 0 || j0 < 0 || i1 >= grid.cells || j1 >= grid.cells) return -1;  // outside the extent
        if (i1 - i0 <= 1 && j1 - j0 <= 1) return static_cast<int>(level);
    }
    return -1;
}

void TermIndex::gridUpdate(std::uint32_t rid, const Extent& extent, bool add) {
    if (!(extent.flags & kHasBox)) return;
    int i0, i1, j0, j1;
    const int level = gridOf(extent, i0, i1, j0, j1);
    if (level < 0) {
        (add ? roaring_bitmap_add : roaring_bitmap_remove)(m_loose.get(), rid);
        return;
    }
    Grid& grid = m_grids[static_cast<std::size_t>(level)];
    for (int j = j0; j <= j1; ++j)
        for (int i = i0; i <= i1; ++i) {
            Bitmap& cell = grid.members[static_cast<std::size_t>(j * grid.cells + i)];
            if (add && !cell) cell.reset(roaring_bitmap_create());
            if (cell) (add ? roaring_bitmap_add : roaring_bitmap_remove)(cell.get(), rid);
        }
}

void TermIndex::coveringCells(const Extent& query, std::vector<const roaring_bitmap_t*>& whole,
                              std::vector<const roaring_bitmap_t*>& edge) const {
    const double minX = query.minX, minY = query.minY, maxX = query.maxX, maxY = query.maxY;
    for (const Grid& grid : m_grids) {
        int i0, i1, j0, j1;
        gridCells(grid, query, i0, i1, j0, j1);
        for (int j = std::max(j0, 0); j <= std::min(j1, grid.cells - 1); ++j) {
            const double cellMinY = m_gridY0 + j * grid.height, cellMaxY = m_gridY0 + (j + 1) * grid.height;
            for (int i = std::max(i0, 0); i <= std::min(i1, grid.cells - 1); ++i) {
                const Bitmap& cell = grid.members[static_cast<std::size_t>(j * grid.cells + i)];
                if (!cell) continue;
                const double cellMinX = m_gridX0 + i * grid.width, cellMaxX = m_gridX0 + (i + 1) * grid.width;
                const bool inside = cellMinX - kMargin * grid.width >= minX && cellMaxX + kMargin * grid.width <= maxX &&
                                    cellMinY - kMargin * grid.height >= minY && cellMaxY + kMargin * grid.height <= maxY;
                (inside ? whole : edge).push_back(cell.get());
            }
        }
    }
}

// In one pass without branches but for the rare footprint the float box cannot decide (a
// mispredicted branch an id, and a second pass that read the boxes again, cost more than the
// lookups).
inline std::size_t TermIndex::keepIntersecting(std::uint32_t* ids, std::size_t count, const BoxQuery& box) const {
    std::size_t kept = 0;
    for (std::size_t k = 0; k < count; ++k) {
        if (k + 16 < count) prefetchBox(ids[k + 16]);
        const std::uint32_t id = ids[k];
        ids[kept] = id;
        kept += static_cast<std::size_t>(boxMatchesQuery(id, box));
    }
    return kept;
}

void TermIndex::markIntersecting(const std::vector<const roaring_bitmap_t*>& whole,
                                 const std::vector<const roaring_bitmap_t*>& edge, const BoxQuery& box,
                                 std::vector<std::uint64_t>& flat, std::vector<std::uint32_t>& ids) const {
    const std::size_t size = m_boxes.size();
    auto mark = [&flat, size](std::uint32_t id) {
        if (id < size) flat[id >> 6] |= std::uint64_t{1} << (id & 63);
    };
    for (const roaring_bitmap_t* cell : whole) {
        listBitmap(cell, ids);
        for (std::uint32_t id : ids) mark(id);
    }
    // Edge cells: their members not yet in are checked (a member of several edge cells may be
    // checked more than once).
    for (const roaring_bitmap_t* cell : edge) {
        listBitmap(cell, ids);
        std::size_t unmarked = 0;
        for (std::uint32_t id : ids) {
            ids[unmarked] = id;
            unmarked += id >= size || !((flat[id >> 6] >> (id & 63)) & 1);
        }
        const std::size_t kept = keepIntersecting(ids.data(), unmarked, box);
        for (std::size_t k = 0; k < kept; ++k) mark(ids[k]);
    }
}

std::optional<TermIndex::Bitmap> TermIndex::boxMatches(double minX, double minY, double maxX, double maxY,
                                                      const roaring_bitmap_t* within) const {
    if (!(minX <= maxX) || !(minY <= maxY)) return std::nullopt;
    std::vector<const roaring_bitmap_t*> whole, edge;
    Extent query;
    query.minX = minX, query.minY = minY, query.maxX = maxX, query.maxY = maxY;
    coveringCells(query, whole, edge);
    edge.push_back(m_loose.get());
    if (m_boxes.empty()) return Bitmap(roaring_bitmap_create());
    const BoxQuery box = boxQuery(minX, minY, maxX, maxY);
    const std::size_t size = m_boxes.size();
    std::vector<std::uint32_t> ids;
    if (within && withinIsCheaper(within, whole, edge)) {
        listBitmap(within, ids);
        return Bitmap(roaring_bitmap_of_ptr(keepIntersecting(ids.data(), ids.size(), box), ids.data()));
    }
    // The union is marked in a flat bitset over the rids (125 KB at 1M records): a store per member,
    // where CRoaring's union of hundreds of cells, or their ANDs with `within`, cost several times
    // more (measured at 1M: q+bbox 5.0 ms, bbox 4.1 ms with them).
    std::vector<std::uint64_t> flat(size / 64 + 1, 0);
    markIntersecting(whole, edge, box, flat, ids);
    if (within)
        keepMarked(within, flat, size, ids);
    else
        listMarked(flat, ids);
    return Bitmap(roaring_bitmap_of_ptr(ids.size(), ids.data()));
}

TermIndex::~TermIndex() {
    for (roaring_bitmap_t* bitmap : m_bitmaps) roaring_bitmap_free(bitmap);
}

void TermIndex::buildGrids() {
    double minX = INFINITY, minY = INFINITY, maxX = -INFINITY, maxY = -INFINITY;
    for (const Extent& extent : m_extents) {
        if (!(extent.flags & kHasBox)) continue;
        minX = std::min(minX, extent.minX), minY = std::min(minY, extent.minY);
        maxX = std::max(maxX, extent.maxX), maxY = std::max(maxY, extent.maxY);
    }
    if (minX <= maxX) m_gridX0 = minX, m_gridY0 = minY;
    const double spanX = minX <= maxX ? maxX - minX : 1, spanY = minY <= maxY ? maxY - minY : 1;
    for (int level = 0, cells = kGrid; level < kLevels; ++level, cells /= 2) {
        Grid grid;
        grid.cells = cells;
        grid.width = std::max(spanX / cells, 1e-9);
        grid.height = std::max(spanY / cells, 1e-9);
        grid.members.resize(static_cast<std::size_t>(cells) * cells);
        m_grids.push_back(std::move(grid));
    }
    std::vector<std::vector<std::vector<std::uint32_t>>> members(kLevels);
    for (int level = 0; level < kLevels; ++level) members[level].resize(m_grids[level].members.size());
    std::vector<std::uint32_t> loose;
    for (std::size_t rid = 0; rid < m_extents.size(); ++rid) {
        const Extent& extent = m_extents[rid];
        if (!(extent.flags & kHasBox)) continue;
        int i0, i1, j0, j1;
        const int level = gridOf(extent, i0, i1, j0, j1);
        if (level < 0) {
            loose.push_back(static_cast<std::uint32_t>(rid));
            continue;
        }
        const int cells = m_grids[static_cast<std::size_t>(level)].cells;
        for (int j = j0; j <= j1; ++j)
            for (int i = i0; i <= i1; ++i)
                members[level][static_cast<std::size_t>(j * cells + i)].push_back(static_cast<std::uint32_t>(rid));
    }
    for (int level = 0; level < kLevels; ++level)
        for (std::size_t cell = 0; cell < members[level].size(); ++cell)
            if (!members[level][cell].empty()) {
                auto& slot = m_grids[level].members[cell];
                slot.reset(roaring_bitmap_of_ptr(members[level][cell].size(), members[level][cell].data()));
                roaring_bitmap_run_optimize(slot.get());
            }
    m_loose.reset(roaring_bitmap_of_ptr(loose.size(), loose.data()));
}

std::vector<std::uint32_t> TermIndex::sortTerms(const std::vector<const std::string*>& names) {
    const std::size_t terms = names.size();
    std::vector<std::uint32_t> byName(terms);
    std::iota(byName.begin(), byName.end(), 0u);
    std::sort(byName.begin(), byName.end(), [&](std::uint32_t a, std::uint32_t b) { return *names[a] < *names[b]; });
    std::vector<std::uint32_t> rank(terms);
    m_termStart.reserve(terms + 1);
    for (std::uint32_t position = 0; position < terms; ++position) {
        rank[byName[position]] = position;
        m_termStart.push_back(m_termChars.size());
        m_termChars += *names[byName[position]];
    }
    m_termStart.push_back(m_termChars.size());
    return rank;
}

void TermIndex::storePostings(const std::vector<std::uint64_t>& start, const std::vector<std::uint32_t>& rids) {
    const std::size_t terms = (start.size() - 1) / kFields;
    m_refs.resize(terms * kFields);
    for (std::size_t slot = 0; slot < terms * kFields; ++slot) {
        const auto count = static_cast<std::uint32_t>(start[slot + 1] - start[slot]);
        const std::uint32_t* first = rids.data() + start[slot];
        Ref& ref = m_refs[slot];
        ref.count = count;
        if (count == 0) continue;
        if (count <= kPooled) {
            ref.offset = static_cast<std::uint32_t>(m_pool.size());
            m_pool.insert(m_pool.end(), first, first + count);
        } else {
            ref.offset = static_cast<std::uint32_t>(m_bitmaps.size());
            roaring_bitmap_t* bitmap = roaring_bitmap_of_ptr(count, first);
            roaring_bitmap_run_optimize(bitmap);
            roaring_bitmap_shrink_to_fit(bitmap);
            m_bitmaps.push_back(bitmap);
        }
    }
    m_pool.shrink_to_fit();
}

std::unique_ptr<TermIndex> TermIndex::build(Connection& connection, std::int64_t seq) {
    std::unique_ptr<TermIndex> index(new TermIndex);
    index->m_seq = seq;
    FtsTokenizer tokenizer(connection.database().handle());
    RecordTerms scan;
    // (term id · kFields + field) << 32 | rid, in rid order: the table is read in rowid order.
    std::vector<std::uint64_t> entries;
    {
        StatementUse statement = connection.statement(std::string(kFieldsSql) + " ORDER BY rid");
        while (statement->step()) {
            const std::int64_t rid = statement->int64(0);
            if (!fitsBitmap(rid)) return nullptr;
            Extent extent;
            readExtent(*statement, extent, kHasBox, kHasTime);
            index->setExtent(static_cast<std::uint32_t>(rid), extent);
            for (int field = 0; field < kFields; ++field) {
                scan.fieldIds.clear();
                tokenizer.each(statement->textView(1 + field), &scan, RecordTerms::add);
                std::sort(scan.fieldIds.begin(), scan.fieldIds.end());
                scan.fieldIds.erase(std::unique(scan.fieldIds.begin(), scan.fieldIds.end()), scan.fieldIds.end());
                for (std::uint32_t id : scan.fieldIds)
                    entries.push_back((std::uint64_t{id} * kFields + static_cast<std::uint64_t>(field)) << 32 |
                                      static_cast<std::uint64_t>(rid));
            }
        }
    }
    index->buildGrids();
    // Terms in byte order; each id's rank in it.
    std::vector<std::uint32_t> rank = index->sortTerms(scan.names);
    const std::size_t terms = rank.size();
    scan = RecordTerms();

    // A counting sort by (rank, field); rids stay ascending within each.
    auto slotOf = [&](std::uint64_t entry) {
        const auto key = static_cast<std::uint32_t>(entry >> 32);
        return std::size_t{rank[key / kFields]} * kFields + key % kFields;
    };
    std::vector<std::uint64_t> start(terms * kFields + 1, 0);
    for (std::uint64_t entry : entries) ++start[slotOf(entry) + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<std::uint32_t> rids(entries.size());
    {
        std::vector<std::uint64_t> next(start.begin(), start.end() - 1);
        for (std::uint64_t entry : entries) rids[next[slotOf(entry)]++] = static_cast<std::uint32_t>(entry);
    }
    entries = {};
    rank = {};
    index->storePostings(start, rids);
    return index;
}

bool TermIndex::catchUp(Connection& connection, const std::vector<std::int64_t>& rids, std::int64_t seq) {
    std::optional<std::vector<std::uint32_t>> sorted = bitmapIds(rids);
    if (!sorted) return false;
    const std::vector<std::uint32_t>& ids = *sorted;
    {
        Bitmap incoming(roaring_bitmap_of_ptr(ids.size(), ids.data()));
        if (roaring_bitmap_or_cardinality(m_changed.get(), incoming.get()) > kMaxChanged) return false;
    }
    FtsTokenizer tokenizer(connection.database().handle());
    RecordTerms scan;
    StatementUse statement = connection.statement(std::string(kFieldsSql) + " WHERE rid = ?1");
    for (std::uint32_t rid : ids) {
        // Its previous terms in the delta leave it.
        auto previous = m_deltaTerms.find(rid);
        if (previous != m_deltaTerms.end()) {
            for (const auto& [term, fields] : previous->second) {
                auto entry = m_delta.find(term);
                if (entry == m_delta.end()) continue;
                for (int field = 0; field < kFields; ++field)
                    if ((fields >> field & 1) && entry->second[field]) roaring_bitmap_remove(entry->second[field].get(), rid);
            }
            m_deltaTerms.erase(previous);
        }
        roaring_bitmap_add(m_changed.get(), rid);
        statement->reset();
        statement->bind(1, static_cast<std::int64_t>(rid));
        if (!statement->step()) {
            if (rid < m_extents.size()) setExtent(rid, Extent());
            continue;  // deleted: in no postings now
        }
        Extent extent;
        readExtent(*statement, extent, kHasBox, kHasTime);
        setExtent(rid, extent);
        std::map<std::uint32_t, std::uint8_t> fieldsOf;  // term id -> fields
        for (int field = 0; field < kFields; ++field) {
            scan.fieldIds.clear();
            tokenizer.each(statement->textView(1 + field), &scan, RecordTerms::add);
            for (std::uint32_t id : scan.fieldIds) fieldsOf[id] |= static_cast<std::uint8_t>(1u << field);
        }
        std::vector<std::pair<std::string, std::uint8_t>>& held = m_deltaTerms[rid];
        for (const auto& [id, fields] : fieldsOf) {
            const std::string& term = *scan.names[id];
            auto entry = m_delta.find(term);
            if (entry == m_delta.end()) entry = m_delta.emplace(term, std::array<Bitmap, kFields>{}).first;
            for (int field = 0; field < kFields; ++field) {
                if (!(fields >> field & 1)) continue;
                if (!entry->second[field]) entry->second[field].reset(roaring_bitmap_create());
                roaring_bitmap_add(entry->second[field].get(), rid);
            }
            held.emplace_back(term, fields);
        }
    }
    m_seq = seq;
    return true;
}

std::size_t TermIndex::firstTerm(std::string_view prefix) const {
    std::size_t low = 0, high = termCount();
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        if (term(middle) < prefix) low = middle + 1; else high = middle;
    }
    return low;
}

TermIndex::Bitmap TermIndex::postings(std::string_view prefix, int field) const {
    std::vector<const roaring_bitmap_t*> large;
    std::vector<std::uint32_t> pooled;
    for (std::size_t index = firstTerm(prefix); index < termCount() && startsWith(term(index), prefix); ++index) {
        const Ref& ref = m_refs[index * kFields + static_cast<std::size_t>(field)];
        if (ref.count == 0) continue;
        if (ref.count <= kPooled)
            pooled.insert(pooled.end(), m_pool.begin() + ref.offset, m_pool.begin() + ref.offset + ref.count);
        else
            large.push_back(m_bitmaps[ref.offset]);
    }
    Bitmap out(large.empty() ? roaring_bitmap_create() : roaring_bitmap_or_many(large.size(), large.data()));
    if (!pooled.empty()) roaring_bitmap_add_many(out.get(), pooled.size(), pooled.data());
    if (!roaring_bitmap_is_empty(m_changed.get())) roaring_bitmap_andnot_inplace(out.get(), m_changed.get());
    for (auto it = m_delta.lower_bound(prefix); it != m_delta.end() && startsWith(it->first, prefix); ++it)
        if (it->second[field]) roaring_bitmap_or_inplace(out.get(), it->second[field].get());
    return out;
}

std::vector<std::string> TermIndex::terms(std::string_view prefix, std::size_t limit) const {
    std::vector<std::string> out;
    for (std::size_t index = firstTerm(prefix); index < termCount() && out.size() < limit && startsWith(term(index), prefix); ++index)
        out.emplace_back(term(index));
    for (auto it = m_delta.lower_bound(prefix); it != m_delta.end() && startsWith(it->first, prefix); ++it)
        out.push_back(it->first);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.size() > limit) out.resize(limit);
    return out;
}

std::size_t TermIndex::changedSinceBuild() const { return roaring_bitmap_get_cardinality(m_changed.get()); }

std::size_t TermIndex::memoryBytes() const {
    std::size_t bytes = m_extents.capacity() * sizeof(Extent) + m_boxes.capacity() * sizeof(FloatBox) + m_updated.capacity() * sizeof(std::int64_t) + m_termChars.capacity() + m_termStart.capacity() * sizeof(std::uint64_t) +
                        m_refs.capacity() * sizeof(Ref) + m_pool.capacity() * sizeof(std::uint32_t);
    for (const roaring_bitmap_t* bitmap : m_bitmaps) bytes += roaring_bitmap_size_in_bytes(bitmap);
    for (const Grid& grid : m_grids)
        for (const Bitmap& cell : grid.members)
            if (cell) bytes += roaring_bitmap_size_in_bytes(cell.get());
    return bytes;
}

}  // namespace tweeling::registry::store
