// The candidate path: the common discovery queries (words, a bbox, a time interval, themes,
// formats, types, admin units, publishers, in any combination) are answered from the indexes alone.
// Each condition gives its sorted record ids from an index-only scan (the FTS5 doclist, the R*Tree,
// records_by_time, the postings' primary key), or its bitmap from the in-memory indexes; their
// intersection is the exact match set, so numberMatched is exact without visiting any record row.
// The page is then ranked by relevancePage (relevance.cpp), or found by walking the (updated, rid)
// or (title, rid) index until it is full; only its own rows are read. The general SQL path
// (search_sql.cpp) stays for every other shape, and both must agree (the store and API tests run
// on both).
#include "store/connection.hpp"
#include "store/facet_index.hpp"
#include "store/planner.hpp"
#include "store/search_private.hpp"
#include "store/store_private.hpp"
#include "store/term_index.hpp"

#include <roaring/roaring.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tweeling::registry::store::planner {

bool candidateShape(const Plan& plan, bool ignoreFacets) {
    if (plan.constraints.empty() || (!plan.facets.empty() && !ignoreFacets)) return false;
    for (const Constraint& constraint : plan.constraints)
        if (constraint.kind != Constraint::Kind::Text && constraint.kind != Constraint::Kind::Bbox &&
            constraint.kind != Constraint::Kind::Time && constraint.kind != Constraint::Kind::Values)
            return false;
    return true;
}

namespace {

// Record ids come from the indexes in their own orders (the R*Tree's is spatial): tens of thousands
// of them, where std::sort took half of a bbox search at 1M records. Ids are rowids, below 2^33 in
// practice: an LSD radix sort of three 11-bit digits sorts them in linear time; larger ids (or
// few ids) take std::sort.
void sortUnique(Rids& rids) {
    if (std::is_sorted(rids.begin(), rids.end())) {
        rids.erase(std::unique(rids.begin(), rids.end()), rids.end());
        return;
    }
    constexpr int kDigitBits = 11;
    constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
    constexpr std::int64_t kRadixLimit = std::int64_t{1} << (3 * kDigitBits);
    bool radix = rids.size() >= 4096;
    for (std::int64_t rid : rids) radix = radix && rid >= 0 && rid < kRadixLimit;
    if (!radix) {
        std::sort(rids.begin(), rids.end());
    } else {
        Rids buffer(rids.size());
        for (int pass = 0; pass < 3; ++pass) {
            const int shift = pass * kDigitBits;
            std::vector<std::size_t> counts(kBuckets + 1, 0);
            for (std::int64_t rid : rids) ++counts[((rid >> shift) & (kBuckets - 1)) + 1];
            for (std::size_t b = 1; b <= kBuckets; ++b) counts[b] += counts[b - 1];
            for (std::int64_t rid : rids) buffer[counts[(rid >> shift) & (kBuckets - 1)]++] = rid;
            rids.swap(buffer);
        }
    }
    rids.erase(std::unique(rids.begin(), rids.end()), rids.end());
}

// The R*Tree holds 32-bit floats rounded outwards, so its answer is a superset: a candidate whose
// stored box clears the query by more than the rounding is certainly a match; the few near an
// edge are checked against the row's exact bbox.
Rids bboxRids(Connection& connection, const record::Bbox& box) {
    BoxScan& scan = connection.boxScan();
    scan.minX = box.minX;
    scan.minY = box.minY;
    scan.maxX = box.maxX;
    scan.maxY = box.maxY;
    scan.certain.clear();
    scan.edge.clear();
    {
        // tw_box (box_scan.hpp) collects the ids during the tree walk and returns no row.
        StatementUse statement = connection.statement("SELECT rid FROM records_rtree WHERE rid MATCH tw_box()");
        while (statement->step()) {
        }
    }
    Rids rids = std::move(scan.certain);
    Rids edge = std::move(scan.edge);
    scan.certain = {};
    scan.edge = {};
    if (!edge.empty()) {
        StatementUse exact = connection.statement(
            "SELECT 1 FROM records WHERE rid = ?1 AND min_x <= ?2 AND max_x >= ?3 AND min_y <= ?4 AND max_y >= ?5");
        for (std::int64_t rid : edge) {
            exact->bind(1, rid).bind(2, box.maxX).bind(3, box.minX).bind(4, box.maxY).bind(5, box.minY);
            if (exact->step()) rids.push_back(rid);
            exact->reset();
        }
    }
    sortUnique(rids);
    return rids;
}

Rids constraintRids(Connection& connection, const Constraint& constraint) {
    Rids rids;
    switch (constraint.kind) {
    case Constraint::Kind::Text: {
        StatementUse statement = connection.statement("SELECT rowid FROM records_fts WHERE records_fts MATCH ?1");
        statement->bind(1, constraint.match);
        while (statement->step()) rids.push_back(statement->int64(0));
        break;
    }
    case Constraint::Kind::Bbox: return bboxRids(connection, constraint.bbox);
    case Constraint::Kind::Time: {
        // records_by_time(time_start, time_end) covers this; records without time never match.
        StatementUse statement = connection.statement(
            "SELECT rid FROM records INDEXED BY records_by_time WHERE time_start <= ?1 AND time_end >= ?2");
        statement->bind(1, constraint.end).bind(2, constraint.start);
        while (statement->step()) rids.push_back(statement->int64(0));
        break;
    }
    case Constraint::Kind::Values: {
        StatementUse statement =
            connection.statement("SELECT rid FROM record_values WHERE kind = ?1 AND value = ?2");
        for (const std::string& value : constraint.values) {
            statement->bind(1, constraint.valueKind).bind(2, value);
            while (statement->step()) rids.push_back(statement->int64(0));
            statement->reset();
        }
        break;
    }
    default: throw std::logic_error("not a candidate condition");
    }
    sortUnique(rids);
    return rids;
}

// candidateMatches when the in-memory index is at the snapshot: every condition a bitmap (the
// words', the grids', the facet values'; the others' rids made one), ANDed smallest first, and
// datetime checked against the extents in memory. nullopt when a rid does not fit 32 bits.
std::optional<MatchSet> bitmapMatches(Connection& connection, const Plan& plan, const TextMatches* words,
                                      const FacetIndex* bitmaps, const TermIndex& memory) {
    std::vector<Bitmap> owned;
    std::vector<const roaring_bitmap_t*> sets;
    std::vector<const Constraint*> times;
    const roaring_bitmap_t* wordSet = words && words->set ? words->set.get() : nullptr;
    for (const Constraint& constraint : plan.constraints) {
        if (constraint.kind == Constraint::Kind::Time && plan.constraints.size() > 1) {
            times.push_back(&constraint);
            continue;
        }
        std::optional<Bitmap> made;
        if (constraint.kind == Constraint::Kind::Text && wordSet) {
            sets.push_back(wordSet);
        } else {
            if (constraint.kind == Constraint::Kind::Bbox) {
                const record::Bbox& box = constraint.bbox;
                made = memory.boxMatches(box.minX, box.minY, box.maxX, box.maxY, wordSet);
            } else if (constraint.kind == Constraint::Kind::Values && bitmaps) {
                made = valueBitmap(*bitmaps, constraint);
            }
            if (!made) {
                std::optional<std::vector<std::uint32_t>> ids =
                    bitmapIds(constraint.kind == Constraint::Kind::Text && words ? words->rids
                                                                                 : constraintRids(connection, constraint));
                if (!ids) return std::nullopt;
                made = bitmapOf(*ids);
            }
            owned.push_back(std::move(*made));
            sets.push_back(owned.back().get());
        }
        if (roaring_bitmap_is_empty(sets.back())) break;  // nothing can match
    }
    if (sets.empty()) return std::nullopt;  // only datetime conditions: the time index answers
    std::sort(sets.begin(), sets.end(), [](const roaring_bitmap_t* a, const roaring_bitmap_t* b) {
        return roaring_bitmap_get_cardinality(a) < roaring_bitmap_get_cardinality(b);
    });
    MatchSet out;
    out.bitmap.reset(roaring_bitmap_copy(sets.front()));
    for (std::size_t i = 1; i < sets.size() && !roaring_bitmap_is_empty(out.bitmap.get()); ++i)
        roaring_bitmap_and_inplace(out.bitmap.get(), sets[i]);
    if (!times.empty() && !roaring_bitmap_is_empty(out.bitmap.get())) {
        std::vector<std::uint32_t> ids(roaring_bitmap_get_cardinality(out.bitmap.get()));
        roaring_bitmap_to_uint32_array(out.bitmap.get(), ids.data());
        // One extent per match, spread over the array: fetch ahead so that the misses overlap.
        constexpr std::size_t kAhead = 16;
        std::size_t kept = 0;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (i + kAhead < ids.size()) memory.prefetchExtent(ids[i + kAhead]);
            bool keep = true;
            for (const Constraint* time : times) keep = keep && memory.timeIntersects(ids[i], time->start, time->end);
            if (keep) ids[kept++] = ids[i];
        }
        ids.resize(kept);
        out.bitmap = bitmapOf(ids);
    }
    return out;
}

}  // namespace

MatchSet candidateMatches(Connection& connection, const Plan& plan, const TextMatches* words, const FacetIndex* bitmaps,
                          const TermIndex* memory) {
    if (memory)
        if (std::optional<MatchSet> matches = bitmapMatches(connection, plan, words, bitmaps, *memory))
            return std::move(*matches);
    std::vector<Rids> sets;
    const Constraint* time = nullptr;
    for (const Constraint& constraint : plan.constraints) {
        // An open interval (datetime=2020-01-01/..) spans most of the time index: it is checked
        // last, on the rows already matched, when they are few.
        if (constraint.kind == Constraint::Kind::Time && plan.constraints.size() > 1) {
            time = &constraint;
            continue;
        }
        std::optional<Bitmap> fromBitmaps;
        if (constraint.kind == Constraint::Kind::Values && bitmaps) fromBitmaps = valueBitmap(*bitmaps, constraint);
        if (constraint.kind == Constraint::Kind::Text && words)
            sets.push_back(words->set ? listed(words->set.get()) : words->rids);
        else if (fromBitmaps)
            sets.push_back(listed(fromBitmaps->get()));
        else
            sets.push_back(constraintRids(connection, constraint));
        if (sets.back().empty()) break;  // nothing can match
    }
    std::sort(sets.begin(), sets.end(), [](const Rids& a, const Rids& b) { return a.size() < b.size(); });
    MatchSet out;
    Rids& matches = out.rids;
    matches = std::move(sets.front());
    for (std::size_t i = 1; i < sets.size() && !matches.empty(); ++i) {
        Rids next;
        next.reserve(matches.size());
        std::set_intersection(matches.begin(), matches.end(), sets[i].begin(), sets[i].end(), std::back_inserter(next));
        matches = std::move(next);
    }
    if (time && !matches.empty()) {
        Rids next;
        if (matches.size() <= 20000) {
            StatementUse check =
                connection.statement("SELECT 1 FROM records WHERE rid = ?1 AND time_start <= ?2 AND time_end >= ?3");
            for (std::int64_t rid : matches) {
                check->bind(1, rid).bind(2, time->end).bind(3, time->start);
                if (check->step()) next.push_back(rid);
                check->reset();
            }
        } else {
            Rids timed = constraintRids(connection, *time);
            std::set_intersection(matches.begin(), matches.end(), timed.begin(), timed.end(), std::back_inserter(next));
        }
        matches = std::move(next);
    }
    return out;
}

Rids pageRids(Connection& connection, const Plan& plan, const MatchSet& matches, const TextMatches* words,
              const TermIndex* memory) {
    Rids page;
    const auto wanted = static_cast<std::size_t>(plan.offset + plan.limit);
    const Constraint* text = plan.text();
    if (plan.order == Order::Relevance && text) {
        const bool onlyWords = plan.constraints.size() == 1;
        if (words) return relevancePage(connection, plan, *words, onlyWords ? nullptr : &matches, memory);
        return relevancePage(connection, plan, textMatches(connection, *text), onlyWords ? nullptr : &matches, memory);
    }
    if (memory && plan.order == Order::Updated && matches.size() > 0) {
        // Few matches are ordered by their `updated` in memory; many are found by walking the index
        // (about wanted/density steps; a lookup costs about a twentieth of a step).
        const double size = static_cast<double>(matches.size());
        const double walkCost =
            static_cast<double>(wanted) * static_cast<double>(std::max<std::int64_t>(ftsRowCount(connection), 1)) / size;
        if (size * 0.05 <= walkCost) {
            const Rids all = matches.bitmap ? listed(matches.bitmap.get()) : matches.rids;
            std::vector<std::pair<std::int64_t, std::int64_t>> keyed;  // updated, rid
            keyed.reserve(all.size());
            for (std::int64_t rid : all) keyed.emplace_back(memory->updated(static_cast<std::uint32_t>(rid)), rid);
            const bool descending = plan.descending;
            auto order = [descending](const auto& a, const auto& b) { return descending ? a > b : a < b; };
            const std::size_t end = std::min(wanted, keyed.size());
            std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(end), keyed.end(), order);
            for (std::size_t i = static_cast<std::size_t>(plan.offset); i < end; ++i) page.push_back(keyed[i].second);
            return page;
        }
    }
    // Walk the order's index until the page is full: the index holds (column, rid), so no row is read.
    const bool byTitle = plan.order == Order::Title;
    std::string sql = std::string("SELECT rid FROM records INDEXED BY ") +
                      (byTitle ? "records_by_title ORDER BY title COLLATE NOCASE" : "records_by_updated ORDER BY updated") +
                      (plan.descending ? " DESC, rid DESC" : " ASC, rid ASC");
    StatementUse statement = connection.statement(sql);
    std::size_t seen = 0;
    while (seen < wanted && statement->step()) {
        std::int64_t rid = statement->int64(0);
        if (!matches.contains(rid)) continue;
        if (seen++ >= static_cast<std::size_t>(plan.offset)) page.push_back(rid);
    }
    return page;
}

SearchResult executeByCandidates(Connection& connection, const Plan& plan, const FacetIndex* bitmaps,
                                 const TextMatches* indexed, const TermIndex* memory) {
    SearchResult result;
    ReadSnapshot snapshot(connection.database());
    // Ranked by words: their one FTS5 pass (or the term index) gives both their matches and the ranking.
    const TextMatches* words = indexed;
    std::optional<TextMatches> own;
    if (!words && plan.order == Order::Relevance && plan.text() && plan.limit > 0) {
        own = textMatches(connection, *plan.text());
        words = &*own;
    }
    MatchSet matches = candidateMatches(connection, plan, words, bitmaps, memory);
    result.numberMatched = static_cast<std::int64_t>(matches.size());
    if (plan.limit == 0 || plan.offset >= result.numberMatched) return result;
    Rids page = pageRids(connection, plan, matches, words, memory);
    readHits(connection, page, result);
    return result;
}

}  // namespace tweeling::registry::store::planner
