#pragma once
// What the files of a search share (search.cpp, search_sql.cpp, match_set.cpp, relevance.cpp): the
// matches of the candidate path (MatchSet), the words' matches and what ranking needs
// (TextMatches), and the functions one path calls in another. Internal to registry/store.
#include "store/connection.hpp"
#include "store/fts_rank.hpp"
#include "store/planner.hpp"
#include "store/term_index.hpp"

#include <roaring/roaring.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace tweeling::registry::store {

struct FacetIndex;  // facet_index.hpp

namespace planner {

using Rids = std::vector<std::int64_t>;
using Bitmap = TermIndex::Bitmap;

inline bool contains(const Rids& sorted, std::int64_t rid) { return std::binary_search(sorted.begin(), sorted.end(), rid); }

inline Bitmap bitmapOf(const std::vector<std::uint32_t>& ids) { return Bitmap(roaring_bitmap_of_ptr(ids.size(), ids.data())); }

inline Rids listed(const roaring_bitmap_t* bitmap) {
    std::vector<std::uint32_t> ids(roaring_bitmap_get_cardinality(bitmap));
    roaring_bitmap_to_uint32_array(bitmap, ids.data());
    return Rids(ids.begin(), ids.end());
}

// The matches of the candidate path: a CRoaring bitmap when the in-memory index served the search
// (its rids fit 32 bits), so that the conditions, the facets and the ranking are bitmap operations
// with nothing listed but the page; otherwise sorted rids.
struct MatchSet {
    Bitmap bitmap;  // the matches, when set
    Rids rids;      // otherwise: ascending

    std::size_t size() const { return bitmap ? roaring_bitmap_get_cardinality(bitmap.get()) : rids.size(); }
    bool contains(std::int64_t rid) const {
        if (bitmap) return fitsBitmap(rid) && roaring_bitmap_contains(bitmap.get(), static_cast<std::uint32_t>(rid));
        return planner::contains(rids, rid);
    }
    // The matches as a bitmap: `bitmap`, or one made from `rids` in `scratch`; nullptr when a rid
    // does not fit 32 bits.
    const roaring_bitmap_t* asBitmap(Bitmap& scratch) const {
        if (bitmap) return bitmap.get();
        std::optional<std::vector<std::uint32_t>> ids = bitmapIds(rids);
        if (!ids) return nullptr;
        scratch = bitmapOf(*ids);
        return scratch.get();
    }
};

// The words' matches, and what the relevance ranking needs of them (relevance.cpp describes it).
struct TextMatches {
    Rids rids;                         // ascending
    std::vector<std::uint64_t> masks;  // for each rid: tw_columns, the fields each phrase occurs in
    // From the term index instead of rids and masks: the matches as a bitmap, and for each (word,
    // field) bit of a mask the records where it is set: the word's postings in that field, within
    // its AND group's rows. The ranking splits the final match set (after the other conditions)
    // on them into classes of equal mask; so they are cut to the group only then, when small.
    Bitmap set;
    struct FieldRows {
        std::uint64_t bit;
        Bitmap postings;
        std::size_t group;  // in groupRows
    };
    std::vector<FieldRows> fields;
    std::vector<Bitmap> groupRows;
    std::int64_t documentFrequency[kMaxRankedPhrases] = {};
    std::int64_t documents = 0;        // rows in the FTS5 table
};

// The general SQL path (search_sql.cpp).
// The page's records, in the page's order: one point lookup each.
void readHits(Connection& connection, const std::vector<std::int64_t>& rids, SearchResult& result);
// Every record the plan matches, by the general SQL plan, in rid order.
std::vector<std::int64_t> sqlMatches(Connection& connection, const Plan& plan);
// The page's rids by the general SQL plan; relevance ranks the plan's matches as the candidate path does.
std::vector<std::int64_t> sqlPage(Connection& connection, const Plan& plan);

// The words' matches and the ranking (relevance.cpp).
// One pass over the words' FTS5 matches gives both the match set and what ranking needs.
TextMatches textMatches(Connection& connection, const Constraint& text);
// The same from the term index, without reading FTS5; nullopt when a word is not exactly one FTS5
// token: then FTS5 answers.
std::optional<TextMatches> indexedTextMatches(const TermIndex& index, FtsTokenizer& tokenizer, const Constraint& text,
                                              std::int64_t documents);
// The page of `text`'s matches by relevance. `filter`: the matches when the plan has conditions
// besides the words; null when the words are the only condition. Both search paths rank through
// here, so they order alike. `memory`: the in-memory index of the snapshot, when the search has it
// (each rid's `updated`).
Rids relevancePage(Connection& connection, const Plan& plan, const TextMatches& text, const MatchSet* filter,
                   const TermIndex* memory = nullptr);

// The candidate path (match_set.cpp).
// Whether the candidate path can answer `plan` (its conditions are all words, bbox, datetime and
// value lists); `ignoreFacets`: facets are counted elsewhere.
bool candidateShape(const Plan& plan, bool ignoreFacets);
// `words`: the words' matches when the caller already has them. `bitmaps`: the facet bitmaps of
// the caller's snapshot, when it has them: value lists are then read from them instead of the
// postings (83,595 ids: 8 ms from the postings, a fraction of a millisecond from a bitmap).
MatchSet candidateMatches(Connection& connection, const Plan& plan, const TextMatches* words = nullptr,
                          const FacetIndex* bitmaps = nullptr, const TermIndex* memory = nullptr);
// The page's rids in order: offset..offset+limit of the matches.
// `words`: the words' matches when the caller has them (relevance needs them). `memory`: the
// in-memory index of the snapshot, when the search has it.
Rids pageRids(Connection& connection, const Plan& plan, const MatchSet& matches, const TextMatches* words = nullptr,
              const TermIndex* memory = nullptr);
SearchResult executeByCandidates(Connection& connection, const Plan& plan, const FacetIndex* bitmaps,
                                 const TextMatches* indexed, const TermIndex* memory);

}  // namespace planner
}  // namespace tweeling::registry::store
