#pragma once
// A search request, already decoded and checked by the API layer, and its result. The store's query
// planner (store/search.cpp) is the one place that decides how a query is answered.
#include "record/record.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tweeling::registry::store {

namespace cql2 {
struct Expression;  // store/cql2.hpp
}

enum class SortKey { Default, Updated, Title, Relevance };

struct SearchQuery {
    // q: each term is one comma-separated part of `q`; a record matches when ANY term matches. A term
    // with several words matches when ALL its words occur. Words match case- and diacritic-
    // insensitively and as prefixes ("gebouw" finds "gebouwen").
    std::vector<std::string> terms;
    std::optional<record::Bbox> bbox;  // intersects the record footprint
    // datetime: records whose temporal extent intersects [start, end] (inclusive; kOpenStart /
    // kOpenEnd for open ends). Records without time never match a datetime filter.
    std::optional<std::int64_t> timeStart;
    std::optional<std::int64_t> timeEnd;
    // Each list: the record matches when it has ANY of the values (OR within a list, AND across).
    std::vector<std::string> types;
    std::vector<std::string> ids;  // item keys
    std::vector<std::string> themes;
    std::vector<std::string> formats;
    std::vector<std::string> adminUnits;
    std::vector<std::string> origins;
    std::vector<std::string> sources;     // hub: the source a record was harvested from
    std::vector<std::string> publishers;  // publisher.id
    std::vector<std::string> validations;  // hub: the validation status ("pass", "warn", "fail")
    std::vector<std::string> licenses;     // properties.license (SPDX id or URI), exactly
    std::vector<std::string> rights;       // properties.rights
    // filter: a parsed and checked CQL2 expression (cql2::parse), AND-ed with everything above.
    std::shared_ptr<const cql2::Expression> filter;
    // Facets to count over ALL records matching the query (not just the page): any of kFacetNames,
    // each answered with at most facetLimit values, most frequent first.
    std::vector<std::string> facets;
    int facetLimit = 50;
    int limit = 10;
    std::int64_t offset = 0;
    // Default: relevance when terms are given, else updated descending. Ties break on rowid so
    // paging is stable.
    SortKey sort = SortKey::Default;
    bool descending = true;
};

struct SearchHit {
    std::string key;     // item key (the id in /collections/twins/items/{id})
    std::string origin;
    std::string json;    // stored (normalised) record JSON
    std::int64_t seq = 0;
    std::string source;  // hub: the source it was harvested from; "" when published here
    std::string signature;  // the origin's signature; "" when unsigned
    bool verified = false;
};

// The facets a search can count. Lists (themes, formats, adminUnits) count a record once under each
// of its values, so their counts may add up to more than numberMatched; every record has exactly one
// type, so the type counts add up to numberMatched (when facetLimit does not cut values off).
// Records without a publisher, license or rights are not counted under those facets.
// validation: a hub's verdict on its copy of each record (records it has not judged are not counted).
// origin: the node or catalog that published the record (one per record, like type).
inline constexpr const char* kFacetNames[] = {"themes",  "formats", "type",       "adminUnits", "publisher",
                                              "license", "rights",  "validation", "origin"};

struct FacetValue {
    std::string value;
    std::int64_t count = 0;  // exact: records matching the query that have this value
};

struct Facet {
    std::string name;                // one of kFacetNames
    std::vector<FacetValue> values;  // count descending, then value ascending
};

// How the facet value bitmaps were kept up to date (for tests and /metrics).
struct FacetIndexStats {
    std::int64_t builds = 0;    // from scratch: the first faceted query, or a write the log missed
    std::int64_t catchUps = 0;  // from the previous version and the rids the writes since touched
    std::int64_t seq = -1;      // the feed seq of the newest version
};

// The in-memory term index that answers the words of `q` (for tests and /metrics).
struct TermIndexStats {
    std::int64_t terms = 0;
    std::int64_t memoryBytes = 0;
    std::int64_t builds = 0;    // from every record's fields
    std::int64_t catchUps = 0;  // brought up to date from the records writes touched
    std::int64_t answered = 0;  // searches whose words it matched and ranked
    std::int64_t expanded = 0;  // searches left to FTS5 whose words were rewritten as their exact terms
};

struct SearchResult {
    std::int64_t numberMatched = 0;  // exact, never estimated
    std::vector<SearchHit> hits;
    std::vector<Facet> facets;       // in the order of SearchQuery::facets
    std::int64_t seq = 0;            // the feed seq of the snapshot it was answered at
};

// A search SQLite refused as too large or too deep to compile (its limits on expression depth,
// parser nesting, variables). The CQL2 parser's bounds keep filters within them; this is what is
// left, a problem of the request, not of the server. `parameter` is the one most likely at fault.
class QueryTooComplex : public std::runtime_error {
public:
    explicit QueryTooComplex(std::string parameter)
        : std::runtime_error("the search is too complex for the database"), m_parameter(std::move(parameter)) {}
    const std::string& parameter() const noexcept { return m_parameter; }

private:
    std::string m_parameter;
};

}  // namespace tweeling::registry::store
