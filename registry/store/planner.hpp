#pragma once
// The query planner's inner parts, exposed to the store and its tests (internal to registry/store).
//
// A SearchQuery is turned into a Plan: a list of Constraints (each one candidate set: text, bbox,
// time, a value list, keys, origins, a compiled CQL2 filter) that a record must all satisfy, and an
// order. The plan is then answered by one of two execution paths, which must agree: the candidate
// path, for the common shapes (words, bbox, datetime, value lists), intersects each condition's
// record ids (from the in-memory term index, grids and facet bitmaps, or from index-only scans) and
// reads only the page's rows; the general SQL path turns the constraints into candidate sub-selects
// of one parameterised query for the page and one for the exact count. Where each part lives:
//
//   planner.cpp        makePlan: the query as constraints, facets and an order
//   fts_query.cpp      the words of `q` and their FTS5 MATCH text (and its rewrite with exact terms)
//   search_sql.cpp     the general SQL path: pageSql, countSql, facetSql, execute, sqlMatches, sqlPage
//   cql2_sql.cpp       a CQL2 filter as one SQL condition (filterSql)
//   match_set.cpp      the candidate path: each condition's rids or bitmap, their intersection, the page
//   relevance.cpp      the words' matches (FTS5 or the term index) and the relevance ranking
//   facet_index.cpp    the facet value bitmaps (FacetIndex) and facet counts from them
//   index_builder.cpp  the in-memory indexes brought to a snapshot; the background builder
//   search.cpp         Store::search: which path answers, with which in-memory indexes
#include "record/record.hpp"
#include "store/cql2.hpp"
#include "store/fts_query.hpp"  // splitWords, ftsQuery
#include "store/search.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <utility>
#include <vector>

namespace tweeling::registry::store {

class Connection;

namespace planner {

// Kinds of values in record_values (the postings of multi-valued filters).
inline constexpr const char* kTheme = "theme";
inline constexpr const char* kFormat = "format";
inline constexpr const char* kAdminUnit = "adminUnit";
inline constexpr const char* kType = "type";
inline constexpr const char* kPublisher = "publisher";
inline constexpr const char* kValidation = "validation";

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

SqlQuery pageSql(const Plan& plan);   // the page's rids, in order (not for relevance)
SqlQuery countSql(const Plan& plan);  // one row: count(*)
// Rows (value, count) of one facet over every record the plan matches, count descending, value
// ascending, at most plan.facetLimit. Throws std::invalid_argument for an unknown facet.
SqlQuery facetSql(const Plan& plan, const std::string& facet);

// Answers a plan on a read connection, count and page from one snapshot.
SearchResult execute(Connection& connection, const Plan& plan);

}  // namespace planner
}  // namespace tweeling::registry::store
