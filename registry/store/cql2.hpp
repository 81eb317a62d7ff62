#pragma once
// CQL2 text (OGC API – Features Part 3, the filter language of OGC API – Records) for the twin
// records: a hand-written recursive-descent parser that turns a `filter=` value into a checked
// expression tree. Every property is resolved against the fixed list of queryables and every operand
// is type-checked here, with the character offset of the offending construct, so that a tree that
// parsed can always be compiled (planner::filterSql turns it into parameterised SQL; no value ever
// becomes SQL text).
//
// Grammar (keywords and function names are case-insensitive; property names are not):
//
//   filter      := or
//   or          := and { OR and }
//   and         := not { AND not }
//   not         := NOT not | primary
//   primary     := '(' or ')' | TRUE | FALSE | function | predicate
//   function    := S_INTERSECTS '(' spatial ',' spatial ')'
//                | (T_INTERSECTS | T_AFTER | T_BEFORE | T_DISJOINT | T_EQUALS) '(' temporal ',' temporal ')'
//                | (A_CONTAINS | A_CONTAINEDBY | A_OVERLAPS | A_EQUALS) '(' property ',' '(' string {, string} ')' ')'
//   predicate   := scalar ( ('=' | '<>' | '<' | '<=' | '>' | '>=') scalar
//                         | [NOT] LIKE string
//                         | [NOT] BETWEEN scalar AND scalar
//                         | [NOT] IN '(' scalar { ',' scalar } ')'
//                         | IS [NOT] NULL )
//   scalar      := property | string | number | TRUE | FALSE | DATE '(' string ')'
//                | TIMESTAMP '(' string ')' | CASEI '(' (property | string) ')'
//   temporal    := property | DATE(...) | TIMESTAMP(...) | INTERVAL '(' bound ',' bound ')'
//   bound       := string (a date, a date-time or '..') | DATE(...) | TIMESTAMP(...)
//   spatial     := property | BBOX '(' x1 ',' y1 ',' x2 ',' y2 ')' (or 6 numbers with heights)
//                | WKT: POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON
//   property    := identifier | '"' identifier '"'
//   string      := "'" { character | "''" } "'"
//
// Semantics worth knowing:
//  - Footprints are stored as envelopes (bounding boxes), so S_INTERSECTS compares envelopes: a
//    polygon is matched by its envelope.
//  - themes, formats and adminUnits are lists: `themes = 'x'` means "has x", `themes <> 'x'` "has
//    not x", `themes IN (...)` "has any", `themes LIKE 'p%'` "has a value like"; the A_* functions
//    compare the whole list.
//  - LIKE is case-insensitive (ASCII letters) with the wildcards % and _ and the escape '\'.
//  - A DATE compared with `updated` stands for its whole day: `updated = DATE('2024-01-31')` is any
//    moment of that day, `updated < DATE(...)` before it, `updated > DATE(...)` after it.
//  - A record without a temporal extent (or footprint) matches no temporal (or spatial) predicate,
//    not even under NOT.
#include "record/record.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::store::cql2 {

// A filter that cannot be answered: a syntax error, an unknown property or function, a type
// mismatch. `offset` is the 0-based position (in characters, not bytes) of the offending construct;
// what() names it and ends with "at offset N".
class FilterError : public std::runtime_error {
public:
    FilterError(const std::string& message, std::size_t offset);
    std::size_t offset() const noexcept { return m_offset; }

private:
    std::size_t m_offset;
};

// The queryables, in the order /collections/twins/queryables should list them.
enum class Property {
    Id,    // the item key
    Type,  // dataset, model, simulation-result, service, ...
    Title,
    Description,
    Themes,      // list
    Formats,     // list
    AdminUnits,  // list
    Publisher,   // publisher TOOI URI
    Origin,      // node the record comes from
    License,
    Rights,
    Updated,   // timestamp
    Geometry,  // footprint envelope
    Datetime,  // temporal extent (also called `time`)
};

enum class PropertyType { String, StringList, Timestamp, Interval, Geometry };

struct Queryable {
    Property property;
    const char* name;
    PropertyType type;
};

// Every queryable with its CQL2 name (`time` is an alias of `datetime` and not listed).
const std::vector<Queryable>& queryables();

// A literal or property reference in the tree.
struct Term {
    enum class Kind { Property, String, Number, Boolean, Temporal, Geometry, List };
    Kind kind = Kind::String;
    std::size_t offset = 0;
    Property property = Property::Id;  // Property
    std::string text;                  // String
    double number = 0;                 // Number
    bool boolean = false;              // Boolean
    // Temporal literals as an inclusive range of epoch seconds: a TIMESTAMP has start == end, a DATE
    // is its whole day, an INTERVAL may use common::kOpenStart / kOpenEnd.
    std::int64_t start = 0, end = 0;
    record::Bbox envelope;         // Geometry
    std::vector<Term> items;       // List (of String terms)
    bool caseInsensitive = false;  // wrapped in CASEI(...)
};

struct Expression {
    enum class Kind {
        And,       // children
        Or,        // children
        Not,       // children[0]
        Constant,  // TRUE / FALSE: `constant`
        Compare,   // terms[0] op terms[1]
        Like,      // terms[0] LIKE terms[1] (a String)
        Between,   // terms[0] BETWEEN terms[1] AND terms[2]
        In,        // terms[0] IN terms[1] (a List)
        IsNull,    // terms[0] IS NULL
        Spatial,   // S_INTERSECTS(terms[0], terms[1]); one is the geometry property
        Temporal,  // op(terms[0], terms[1]), op one of T_INTERSECTS, T_AFTER, T_BEFORE, ...
        Array,     // op(terms[0], terms[1]): a list property and a List of strings
    };
    Kind kind = Kind::Constant;
    std::size_t offset = 0;
    std::string op;  // Compare: "=", "<>", "<", "<=", ">", ">="; Temporal/Array: function name, upper case
    bool constant = true;
    std::vector<Expression> children;
    std::vector<Term> terms;
};

// Bounds that keep every filter the parser accepts within what SQLite compiles, so that a filter
// over them is a 400 naming it and never a database error: its expression trees may be at most 1000
// deep, and a chain of N ANDs or ORs is N deep there; its parser holds about a hundred nested
// tokens, and each level of a AND (b OR (c ...)) takes three of them (23 levels overflow SQLite
// 3.40 inside our queries). The largest filters within these bounds are tested against SQLite.
inline constexpr std::size_t kMaxFilterLength = 16384;  // bytes
inline constexpr int kMaxDepth = 16;                    // nesting of parentheses and NOT
inline constexpr int kMaxPredicates = 200;              // comparisons, LIKE, IN, BETWEEN, functions, TRUE/FALSE

// Parses and checks a CQL2 text filter. Throws FilterError.
// `crs84`: the geometry literals are CRS84 longitude/latitude and are checked against its ranges.
// false when the filter names another CRS (filter-crs): the literals' envelopes are then kept in
// that CRS's axis order, unchecked but for minimum <= maximum, for the caller to transform to CRS84
// before the filter is used (api/crs_negotiation.hpp).
Expression parse(std::string_view text, bool crs84 = true);

}  // namespace tweeling::registry::store::cql2
