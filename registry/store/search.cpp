// Store::search: the one place that decides how a search is answered. The plan (planner.cpp) is
// answered by the candidate path (match_set.cpp) or the general SQL path (search_sql.cpp), with the
// in-memory indexes of the snapshot when they are at it (index_builder.cpp): the term index for the
// words and the bbox, the facet bitmaps for facets and value lists. See store/planner.hpp for where
// each part lives.
#include "store/connection.hpp"
#include "store/facet_index.hpp"
#include "store/fts_rank.hpp"
#include "store/planner.hpp"
#include "store/search_private.hpp"
#include "store/store.hpp"
#include "store/store_private.hpp"

#include <roaring/roaring.h>
#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

namespace tweeling::registry::store {

namespace {

// SQLite's refusals of a statement for its size: "Expression tree is too large", "parser stack
// overflow", "too many SQL variables", "string or blob too big", "too many terms in compound SELECT".
bool isTooComplex(const SqliteError& error) {
    if (error.code() == SQLITE_TOOBIG) return true;
    std::string_view message = error.what();
    for (const char* symptom : {"too large", "too many", "stack overflow", "too big", "too deep"})
        if (message.find(symptom) != std::string_view::npos) return true;
    return false;
}

// `plan` answered with its facets counted from `index`, the facet bitmaps of this snapshot:
// matches, facets and page in one snapshot. `candidates`: the candidate path can answer the plan
// without its facets. `indexed`: the words' matches from the term index `memory`, when it had them.
SearchResult facetedSearch(Connection& connection, const planner::Plan& plan, const FacetIndex& index,
                           bool candidates, const planner::TextMatches* indexed, const TermIndex* memory) {
    planner::Plan withoutFacets = plan;
    withoutFacets.facets.clear();
    if (plan.constraints.empty()) {
        // The whole catalog: each value's bitmap is its count.
        SearchResult result = planner::execute(connection, withoutFacets);
        result.facets = planner::countFacets(index, nullptr, plan);
        return result;
    }
    const planner::TextMatches* words = indexed;
    std::optional<planner::TextMatches> own;
    if (!words && candidates && plan.order == planner::Order::Relevance && plan.text() && plan.limit > 0) {
        own = planner::textMatches(connection, *plan.text());
        words = &*own;
    }
    planner::MatchSet matches;
    if (candidates)
        matches = planner::candidateMatches(connection, withoutFacets, words, &index, memory);
    else
        matches.rids = planner::sqlMatches(connection, withoutFacets);
    // The facet bitmaps exist only while every rid fits 32 bits: so do the matches'.
    planner::Bitmap scratch;
    const roaring_bitmap_t* matched = matches.asBitmap(scratch);
    if (!matched) return planner::execute(connection, plan);
    SearchResult result;
    result.numberMatched = static_cast<std::int64_t>(matches.size());
    result.facets = planner::countFacets(index, matched, plan);
    if (plan.limit > 0 && plan.offset < result.numberMatched) {
        if (candidates) {
            planner::readHits(connection, planner::pageRids(connection, withoutFacets, matches, words, memory), result);
        } else {
            planner::readHits(connection, planner::sqlPage(connection, withoutFacets), result);
        }
    }
    return result;
}

}  // namespace

SearchResult Store::search(const SearchQuery& query) const {
    ConnectionPool::Lease connection = m_private->readers.acquire();
    // One SQL text per query shape: keep the statement cache bounded.
    connection->trimCache(256);
    // One snapshot for the words, the facets and the search (the paths below nest in it).
    ReadSnapshot outer(connection->database());
    try {
        SearchResult result = m_private->searchAt(*connection, query);
        result.seq = latestSeq(*connection);
        return result;
    } catch (const SqliteError& error) {
        if (!isTooComplex(error)) throw;
        throw QueryTooComplex(query.filter ? "filter" : !query.terms.empty() ? "q" : "");
    }
}

std::int64_t Store::currentSeq() const {
    ConnectionPool::Lease connection = m_private->readers.acquire();
    return latestSeq(*connection);
}

SearchResult Store::Private::searchAt(Connection& connectionRef, const SearchQuery& query) const {
    Connection* connection = &connectionRef;
    planner::Plan plan = planner::makePlan(query);
    const bool indexes = !options.sqlSearchOnly;
    const bool candidates = indexes && planner::candidateShape(plan, true);
    // The words' matches and ranking from the term index, when it is at this snapshot.
    std::optional<planner::TextMatches> indexed;
    Private::TermIndexLease terms;  // read-locked for the rest of the search
    bool box = false;
    for (const auto& constraint : plan.constraints) box = box || constraint.kind == planner::Constraint::Kind::Bbox;
    if (indexes && (plan.text() || (box && candidates))) terms = termIndexAt(*connection, latestSeq(*connection));
    if (indexes && plan.text()) {
        if (terms) {
            planner::Constraint& text = *plan.text();
            if (candidates) {
                FtsTokenizer tokenizer(connection->database().handle());
                indexed = planner::indexedTextMatches(*terms.index, tokenizer, text, ftsRowCount(*connection));
            }
            if (indexed) {
                std::lock_guard<std::mutex> lock(termStatsMutex);
                ++termStats.answered;
            } else {
                expandWords(*connection, *terms.index, text);
            }
        }
    }
    if (!plan.facets.empty() && indexes) {
        // Facets from the value bitmaps of this feed seq; matches, facets and page in one snapshot.
        std::shared_ptr<const FacetIndex> index = facetIndexAt(*connection, latestSeq(*connection));
        if (index) return facetedSearch(*connection, plan, *index, candidates, indexed ? &*indexed : nullptr, terms.index);
    }
    if (candidates && plan.facets.empty()) {
        // Value lists come from the facet bitmaps of this snapshot when there are any.
        bool values = false;
        for (const auto& constraint : plan.constraints) values = values || constraint.kind == planner::Constraint::Kind::Values;
        std::shared_ptr<const FacetIndex> index;
        if (values) index = facetIndexAt(*connection, latestSeq(*connection));
        return planner::executeByCandidates(*connection, plan, index.get(), indexed ? &*indexed : nullptr, terms.index);
    }
    return planner::execute(*connection, plan);
}

}  // namespace tweeling::registry::store
