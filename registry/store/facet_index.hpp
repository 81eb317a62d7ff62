#pragma once
// The facet value bitmaps (facet_index.cpp). Internal to registry/store.
//
// Facets over a match set: one CRoaring bitmap per facet value, built from the postings and the
// license/rights indexes; a facet's counts are then the cardinalities of each value's bitmap AND the
// matches: microseconds a value, whatever the number of matches. A version is valid at one feed seq;
// the next is made from it by the rids the writes in between touched (Store::Private::changedRids):
// those rids leave every bitmap and re-enter the bitmaps of the values they hold now. Bitmaps no
// write touched are shared between versions. Store::Private::facetIndexAt (index_builder.cpp)
// keeps the last few versions.
#include "store/planner.hpp"
#include "store/search.hpp"
#include "store/term_index.hpp"

#include <roaring/roaring.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tweeling::registry::store {

class Connection;

struct FacetIndex {
    using Bitmap = std::shared_ptr<roaring_bitmap_t>;
    std::map<std::string, std::map<std::string, Bitmap>> values;  // facet name -> value -> rids
    std::int64_t seq = -1;
    static Bitmap wrap(roaring_bitmap_t* bitmap) { return Bitmap(bitmap, roaring_bitmap_free); }
};

namespace planner {

// The version at feed seq `seq`, built from the database; nullptr when a rid does not fit 32 bits
// (then the SQL plan counts).
std::shared_ptr<FacetIndex> buildFacetIndex(Connection& connection, std::int64_t seq);
// The version at `seq` from `previous` and the rids changed in between; nullptr when a rid does not
// fit 32 bits.
std::shared_ptr<FacetIndex> catchUpFacetIndex(Connection& connection, const FacetIndex& previous,
                                              const std::vector<std::int64_t>& changedRids, std::int64_t seq);
// The ids holding any of `constraint`'s values, from the facet bitmaps; nullopt when the bitmaps do
// not cover that kind of value.
std::optional<TermIndex::Bitmap> valueBitmap(const FacetIndex& index, const Constraint& constraint);
// The facets `plan` asks for, counted over `matched` (null: the whole catalog).
std::vector<Facet> countFacets(const FacetIndex& index, const roaring_bitmap_t* matched, const Plan& plan);

}  // namespace planner
}  // namespace tweeling::registry::store
