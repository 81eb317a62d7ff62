#pragma once
// TermIndex: the terms of records_fts held in memory as an inverted index, so that the words of `q`
// are matched and ranked by set operations instead of a pass over FTS5's doclists (which reads
// position lists, and costs about 0.3 µs a match: 31 ms for one common word at 1,000,000 records).
//
// For each term FTS5 stores (the same tokenizer, FtsTokenizer) and each field (0 title,
// 1 description, 2 keywords: records_fts's columns) it holds the rids whose field contains the
// term. Postings of few rids are sorted arrays in one pool; larger ones are CRoaring bitmaps.
//
// It is built from the records within one read snapshot (feed seq `seq`) and then follows writes
// like the facet bitmaps do (Store::Private::changedRids): the rids a write touched are voided in
// the built postings and their current fields are indexed again in a small delta. Past
// kMaxChanged changed rids a rebuild is cheaper than the delta. Internal to registry/store.
#include <roaring/roaring.h>

#include <array>
#include <cstdint>
#include <map>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tweeling::registry::store {

class Connection;

// Record ids as CRoaring holds them: sorted, unique, 32-bit; nullopt when one does not fit (then the
// in-memory indexes step aside and SQL answers).
bool fitsBitmap(std::int64_t rid);
std::optional<std::vector<std::uint32_t>> bitmapIds(const std::vector<std::int64_t>& rids);

void* allocateHuge(std::size_t bytes);  // aligned to 2 MiB, madvise(MADV_HUGEPAGE); free() releases it

// An allocator for the index's large arrays: blocks of 2 MiB and more are aligned to 2 MiB and
// marked for transparent huge pages. Their lookups are scattered (a record id each), and fewer TLB
// misses showed: the bbox check of 83,595 ids at 1M records went from 2.3 to 1.7 ms.
template <class T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr std::size_t kHuge = std::size_t{1} << 21;
    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) {}
    T* allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kHuge) return static_cast<T*>(::operator new(bytes));
        return static_cast<T*>(allocateHuge(bytes));
    }
    void deallocate(T* pointer, std::size_t n) {
        if (n * sizeof(T) < kHuge)
            ::operator delete(pointer);
        else
            std::free(pointer);
    }
    template <class U>
    bool operator==(const HugePageAllocator<U>&) const { return true; }
    template <class U>
    bool operator!=(const HugePageAllocator<U>&) const { return false; }
};
template <class T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

class TermIndex {
public:
    static constexpr int kFields = 3;
    static constexpr std::size_t kMaxChanged = 50000;
    struct Free {
        void operator()(roaring_bitmap_t* raw) const { roaring_bitmap_free(raw); }
    };
    using Bitmap = std::unique_ptr<roaring_bitmap_t, Free>;

    // Every record's terms, read within the caller's snapshot, which is at feed seq `seq`; nullptr
    // when a rid does not fit 32 bits.
    static std::unique_ptr<TermIndex> build(Connection& connection, std::int64_t seq);
    ~TermIndex();
    TermIndex(const TermIndex&) = delete;
    TermIndex& operator=(const TermIndex&) = delete;

    std::int64_t seq() const { return m_seq; }
    // Indexes again the records the writes after seq() up to `seq` touched (`rids`), read within
    // the caller's snapshot at `seq`. false (and unchanged) when the delta would grow beyond
    // kMaxChanged rids or a rid does not fit 32 bits: then build again.
    bool catchUp(Connection& connection, const std::vector<std::int64_t>& rids, std::int64_t seq);

    // The rids in whose field `field` a term beginning with `prefix` occurs (FTS5's "prefix"*).
    Bitmap postings(std::string_view prefix, int field) const;
    // The terms beginning with `prefix`, ascending, at most `limit` (of the built list and the delta).
    std::vector<std::string> terms(std::string_view prefix, std::size_t limit) const;
    std::size_t termCount() const { return m_termStart.empty() ? 0 : m_termStart.size() - 1; }
    // A record's footprint and time as the search compares them (planner.hpp: exact doubles, closed
    // intervals); a record without one never matches. `rid` must be in the index's snapshot.
    bool boxIntersects(std::uint32_t rid, double minX, double minY, double maxX, double maxY) const {
        if (rid >= m_extents.size() || !(m_extents[rid].flags & kHasBox)) return false;
        const Extent& e = m_extents[rid];
        return e.minX <= maxX && e.maxX >= minX && e.minY <= maxY && e.maxY >= minY;
    }
    bool timeIntersects(std::uint32_t rid, std::int64_t start, std::int64_t end) const {
        if (rid >= m_extents.size() || !(m_extents[rid].flags & kHasTime)) return false;
        const Extent& e = m_extents[rid];
        return e.timeStart <= end && e.timeEnd >= start;
    }
    // A box query for boxMatchesQuery: its edges, and their float roundings towards the inside.
    struct BoxQuery {
        double minX, minY, maxX, maxY;
        float x0, y0, x1, y1;  // the least float ≥ minX, minY; the greatest ≤ maxX, maxY
    };
    static BoxQuery boxQuery(double minX, double minY, double maxX, double maxY);
    // boxIntersects, from a compact copy of the footprints (float, rounded outwards; 16 bytes a
    // record against 56) without branches; the exact footprint is read only when the float box
    // cannot decide. With float boxes b ⊇ e (the exact footprint): b.minX ≤ maxX exactly when
    // b.minX ≤ x1, so that is needed; and e.minX ≤ maxX is certain when b.minX < x1 (e.minX is
    // below the next float up from b.minX, which is then at most x1). The same for each edge.
    bool boxMatchesQuery(std::uint32_t rid, const BoxQuery& q) const {
        const bool held = rid < m_boxes.size();
        const FloatBox& b = m_boxes[held ? rid : 0];  // m_boxes is not empty when rids are asked
        const bool possible = held & (b.minX <= q.x1) & (b.maxX >= q.x0) & (b.minY <= q.y1) & (b.maxY >= q.y0);
        const bool certain = (b.minX < q.x1) & (b.maxX > q.x0) & (b.minY < q.y1) & (b.maxY > q.y0);
        if (possible & !certain) return boxIntersects(rid, q.minX, q.minY, q.maxX, q.maxY);
        return possible;  // NaN (no footprint): no comparison holds
    }
    // A record's `updated` (records.updated): pages are ordered by (updated, rid) from it, where
    // SQL seeks a row or walks an index for each. `rid` must be in the index's snapshot.
    std::int64_t updated(std::uint32_t rid) const { return rid < m_updated.size() ? m_updated[rid] : 0; }
    void prefetchBox(std::uint32_t rid) const {
        if (rid < m_boxes.size()) __builtin_prefetch(&m_boxes[rid]);
    }
    // The rids whose footprint intersects the box, as boxIntersects decides, from a grid of bitmaps:
    // cells inside the box are taken whole, the rows of cells on its edge (and of footprints too
    // large for the grid) are checked one by one. nullopt for an inverted box (min above max).
    // `within`: only these rids are wanted (the words' matches), so only their edges are checked.
    std::optional<Bitmap> boxMatches(double minX, double minY, double maxX, double maxY,
                                     const roaring_bitmap_t* within = nullptr) const;
    void prefetchExtent(std::uint32_t rid) const {
        if (rid < m_extents.size()) __builtin_prefetch(&m_extents[rid]);
    }
    std::size_t changedSinceBuild() const;
    std::size_t memoryBytes() const;

private:
    TermIndex() = default;
    // The first term not below `prefix`: the terms beginning with it follow.
    std::size_t firstTerm(std::string_view prefix) const;
    std::string_view term(std::size_t index) const {
        return std::string_view(m_termChars).substr(m_termStart[index], m_termStart[index + 1] - m_termStart[index]);
    }
    // Postings of at most kPooled rids live in m_pool; larger ones in m_bitmaps[offset].
    static constexpr std::uint32_t kPooled = 32;
    struct Ref {
        std::uint32_t offset = 0;
        std::uint32_t count = 0;
    };

    // Each record's footprint and time by rid, so that the few rows a word matches are checked
    // against a bbox or datetime in memory instead of scanning the R*Tree or the time index.
    static constexpr std::uint8_t kHasBox = 1, kHasTime = 2;
    struct Extent {
        double minX = 0, minY = 0, maxX = 0, maxY = 0;
        std::int64_t timeStart = 0, timeEnd = 0;
        std::int64_t updated = 0;
        std::uint8_t flags = 0;
    };
    void setExtent(std::uint32_t rid, const Extent& extent);
    HugeVector<Extent> m_extents;
    struct FloatBox {
        float minX, minY, maxX, maxY;
    };
    static FloatBox floatBox(const Extent& extent);
    HugeVector<FloatBox> m_boxes;  // per rid, beside m_extents
    HugeVector<std::int64_t> m_updated;  // per rid: properties.updated (epoch seconds), as records.updated

    // Grids over the footprints' extent at the build, of kGrid × kGrid cells, then 32 × 32, … 1 × 1.
    // A footprint is in the finest grid where it touches at most 2 × 2 cells, in each of them (cell
    // ranges widened by a hair, so rounding never drops one); outside the extent it is loose, and
    // checked by every box search.
    static constexpr int kGrid = 64;
    static constexpr int kLevels = 7;
    struct Grid {
        int cells = 1;  // per side
        double width = 1, height = 1;
        std::vector<Bitmap> members;  // row-major, null when empty
    };
    double m_gridX0 = 0, m_gridY0 = 0;
    std::vector<Grid> m_grids;
    Bitmap m_loose{roaring_bitmap_create()};
    // Puts `rid` in (or takes it out of) the cells of `extent`.
    void gridUpdate(std::uint32_t rid, const Extent& extent, bool add);
    // The cells [i0, i1] × [j0, j1] of `grid` a box touches (clamped to -1 … cells).
    void gridCells(const Grid& grid, const Extent& extent, int& i0, int& i1, int& j0, int& j1) const;
    // The grid a footprint belongs in, and its cells there; -1 when it is loose.
    int gridOf(const Extent& extent, int& i0, int& i1, int& j0, int& j1) const;
    // The steps of boxMatches. The cells that a query box touches: `whole` inside it, `edge` on it.
    void coveringCells(const Extent& query, std::vector<const roaring_bitmap_t*>& whole,
                       std::vector<const roaring_bitmap_t*>& edge) const;
    // Keeps, in place, the ids whose footprint intersects `box`; returns how many.
    std::size_t keepIntersecting(std::uint32_t* ids, std::size_t count, const BoxQuery& box) const;
    // Marks in `flat` (a bit per rid) the members of `whole`, and the members of `edge` that
    // intersect `box`; `ids` is scratch.
    void markIntersecting(const std::vector<const roaring_bitmap_t*>& whole,
                          const std::vector<const roaring_bitmap_t*>& edge, const BoxQuery& box,
                          std::vector<std::uint64_t>& flat, std::vector<std::uint32_t>& ids) const;
    // The steps of build, after the records are read. The grids, over the footprints' extent.
    void buildGrids();
    // Fills m_termChars and m_termStart with `names` in byte order; returns each name id's rank in it.
    std::vector<std::uint32_t> sortTerms(const std::vector<const std::string*>& names);
    // The postings of each (term, field) slot, its rids ascending (`rids` from `start[slot]` on).
    void storePostings(const std::vector<std::uint64_t>& start, const std::vector<std::uint32_t>& rids);

    std::int64_t m_seq = -1;
    std::string m_termChars;               // the terms, sorted (bytewise, as FTS5 orders them)
    std::vector<std::uint64_t> m_termStart;  // term i is m_termChars[m_termStart[i], m_termStart[i+1])
    std::vector<Ref> m_refs;               // kFields per term
    std::vector<std::uint32_t> m_pool;
    std::vector<roaring_bitmap_t*> m_bitmaps;

    // Since the build: rids whose built postings no longer count, and their current terms.
    Bitmap m_changed{roaring_bitmap_create()};
    std::map<std::string, std::array<Bitmap, kFields>, std::less<>> m_delta;  // null: no rid
    std::unordered_map<std::uint32_t, std::vector<std::pair<std::string, std::uint8_t>>> m_deltaTerms;  // rid -> term, fields
};

}  // namespace tweeling::registry::store
