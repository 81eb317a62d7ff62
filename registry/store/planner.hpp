#pragma once
// The query planner's inner parts, exposed to the store and its tests (internal to registry/store).
//
// A SearchQuery is turned into a Plan: a list of Constraints (each one candidate set: text, bbox,
// time, a value list, keys, origins, a compiled CQL2 filter) that a record must all satisfy, and an
// order. The plan is then answered by one of two execution paths (search.cpp), which must agree:
// the candidate path, for the common shapes (words, bbox, datetime, value lists), intersects each
// condition's record ids (from the in-memory term index, grids and facet bitmaps, or from index-only
// scans) and reads only the page's rows; the general SQL path turns the constraints into candidate
// sub-selects of one parameterised query for the page and one for the exact count.
#include "record/record.hpp"
#include "store/cql2.hpp"
#include "store/search.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <utility>
#include <vector>

namespace tweeling::registry::store {

class Connection;

struct FacetIndex;

namespace planner {

// Splits one search term into words the way FTS5's unicode61 tokenizer does (runs of letters and
// digits; punctuation, symbols and spaces separate).
std::vector<std::string> splitWords(std::string_view term);

// The FTS5 MATCH expression for `terms`: each word quoted as an FTS5 string with a prefix `*`,
// words of one term AND-ed, terms OR-ed. Terms without words are skipped; "" when no term has words
// (no text filter).
std::string ftsQuery(const std::vector<std::string>& terms);

// Kinds of values in record_values (the postings of multi-valued filters).
inline constexpr const char* kTheme = "theme";
inline constexpr const char* kFormat = "format";
inline constexpr const char* kAdminUnit = "adminUnit";
inline constexpr const char* kType = "type";
inline constexpr const char* kPublisher = "publisher";

using SqlParam = std::variant<std::int64_t, double, std::string>;
struct SqlQuery {
    std::string sql;
    std::vector<SqlParam> params;  // bound to the placeholders in order
};

struct Constraint {
    enum class Kind { Text, Bbox, Time, Values, Keys, Origins, Sources, Sql };
    Kind kind = Kind::Text;
    std::string match;                // Text: FTS5 expression
    // Text: the words of each term (ftsQuery's order), and, when `match` was rewritten with the
    // words' exact terms, the word of each phrase of `match` (empty: phrase i is word i).
    std::vector<std::vector<std::string>> termWords;
    std::vector<int> phraseWords;
    record::Bbox bbox;                // Bbox: intersects
    std::int64_t start = 0, end = 0;  // Time: intersects [start, end]
    std::string valueKind;            // Values: record_values.kind
    std::vector<std::string> values;  // Values, Keys, Origins, Sources: any of (sorted, unique)
    // Sql: a condition over `records r` with bare `?` placeholders, bound in order (a compiled
    // filter); it is appended through the same builder as the rest, so numbering stays right.
    SqlQuery condition;
};

enum class Order { Relevance, Updated, Title };

struct Plan {
    std::vector<Constraint> constraints;  // all must hold
    Order order = Order::Updated;
    bool descending = true;
    std::int64_t limit = 10;
    std::int64_t offset = 0;
    std::vector<std::string> facets;  // known facet names (kFacetNames), unique
    std::int64_t facetLimit = 50;

    const Constraint* text() const;
    Constraint* text() { return const_cast<Constraint*>(std::as_const(*this).text()); }
};

Plan makePlan(const SearchQuery& query);

// Compiles a checked CQL2 expression into a condition over `records r`. Values only ever become
// parameters; property names map through a fixed list to columns and sub-selects.
SqlQuery filterSql(const cql2::Expression& expression);

SqlQuery pageSql(const Plan& plan);   // key, origin, json, seq, source of the page, in order
SqlQuery countSql(const Plan& plan);  // one row: count(*)
// Rows (value, count) of one facet over every record the plan matches, count descending, value
// ascending, at most plan.facetLimit. Throws std::invalid_argument for an unknown facet.
SqlQuery facetSql(const Plan& plan, const std::string& facet);

// Answers a plan on a read connection, count and page from one snapshot.
SearchResult execute(Connection& connection, const Plan& plan);

// Facet value bitmaps (FacetIndex, search.cpp) at feed seq `seq`: built from the database, or caught
// up from the previous version by the rids changed since. nullptr when a rid does not fit 32 bits.
std::shared_ptr<FacetIndex> buildFacetIndex(Connection& connection, std::int64_t seq);
std::shared_ptr<FacetIndex> catchUpFacetIndex(Connection& connection, const FacetIndex& previous,
                                              const std::vector<std::int64_t>& changedRids, std::int64_t seq);

}  // namespace planner
}  // namespace tweeling::registry::store
