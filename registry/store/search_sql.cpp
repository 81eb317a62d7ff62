// The general SQL path: a plan as one parameterised query for the page and one for the count (and
// one per facet), each constraint a candidate sub-select or a condition on `records r`. It answers
// every shape the candidate path (match_set.cpp) does not, and both must agree.
#include "store/connection.hpp"
#include "store/documents.hpp"
#include "store/planner.hpp"
#include "store/search_private.hpp"
#include "store/sql_builder.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace tweeling::registry::store::planner {
namespace {

// The text constraint as a candidate sub-select (when FTS5 does not drive the query).
void appendCondition(SqlBuilder& out, const Constraint& constraint) {
    switch (constraint.kind) {
    case Constraint::Kind::Text:
        out.sql("r.rid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ").param(constraint.match).sql(")");
        break;
    case Constraint::Kind::Bbox:
        appendBoxCondition(out, constraint.bbox);
        break;
    case Constraint::Kind::Time:
        // Records without time have NULLs here and never match.
        out.sql("r.time_start <= ").param(constraint.end).sql(" AND r.time_end >= ").param(constraint.start);
        break;
    case Constraint::Kind::Values:
        out.sql("r.rid IN (SELECT rid FROM record_values WHERE kind = ")
            .param(constraint.valueKind)
            .sql(" AND value IN ")
            .list(constraint.values)
            .sql(")");
        break;
    case Constraint::Kind::Keys:
        // Item keys, or records' own ids (the same on a node; on a hub a key is origin:id).
        out.sql("(r.key IN ").list(constraint.values).sql(" OR r.id IN ").list(constraint.values).sql(")");
        break;
    case Constraint::Kind::Origins:
        out.sql("r.origin IN ").list(constraint.values);
        break;
    case Constraint::Kind::Sources:
        out.sql("r.source IN ").list(constraint.values);
        break;
    case Constraint::Kind::Sql:
        out.sql("(").fragment(constraint.condition).sql(")");
        break;
    }
}

void appendWhere(SqlBuilder& out, const Plan& plan) {
    bool first = true;
    for (const Constraint& constraint : plan.constraints) {
        out.sql(first ? " WHERE " : " AND ");
        first = false;
        appendCondition(out, constraint);
    }
}

void bindAll(Statement& statement, const std::vector<SqlParam>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        int index = static_cast<int>(i + 1);
        std::visit([&](const auto& value) { statement.bind(index, value); }, params[i]);
    }
}

}  // namespace

// The page is chosen by rid alone and its records are read afterwards, one point lookup each:
// SQLite computes a query's result columns for every row it sorts, so selecting the JSON (2-4 KB,
// often in overflow pages) in the ranking query copied it for every match, not only the page's
// (measured: q+bbox at 100,000 records, 7,600 matches).
SqlQuery pageSql(const Plan& plan) {
    // Relevance is ranked by relevancePage (below), never here.
    SqlBuilder out;
    const char* direction = plan.descending ? " DESC" : " ASC";
    out.sql("SELECT r.rid FROM records r");
    appendWhere(out, plan);
    // The tie-break runs in the same direction, so one index (column, rid) serves both.
    if (plan.order == Order::Title)
        out.sql(" ORDER BY r.title COLLATE NOCASE").sql(direction).sql(", r.rid").sql(direction);
    else
        out.sql(" ORDER BY r.updated").sql(direction).sql(", r.rid").sql(direction);
    out.sql(" LIMIT ").param(plan.limit).sql(" OFFSET ").param(plan.offset);
    return out.take();
}

SqlQuery countSql(const Plan& plan) {
    SqlBuilder out;
    const Constraint* text = plan.text();
    if (plan.constraints.empty()) {
        out.sql("SELECT count(*) FROM records");
    } else if (text && plan.constraints.size() == 1) {
        // FTS5 counts its own matches without touching the records table.
        out.sql("SELECT count(*) FROM records_fts WHERE records_fts MATCH ").param(text->match);
    } else {
        out.sql("SELECT count(*) FROM records r");
        appendWhere(out, plan);
    }
    return out.take();
}

SqlQuery facetSql(const Plan& plan, const std::string& facet) {
    // Lists, type and publisher are counted from the postings: one row per (kind, value, record),
    // so count(*) counts records. license, rights and origin are columns of the record.
    const char* valueKind = facet == "themes"       ? kTheme
                            : facet == "formats"    ? kFormat
                            : facet == "adminUnits" ? kAdminUnit
                            : facet == "type"       ? kType
                            : facet == "publisher"  ? kPublisher
                            : facet == "validation" ? kValidation
                                                    : nullptr;
    const char* column = facet == "license" ? "license" : facet == "rights" ? "rights" : facet == "origin" ? "origin" : nullptr;
    if (!valueKind && !column) throw std::invalid_argument("unknown facet '" + facet + "'");
    SqlBuilder out;
    if (valueKind && plan.constraints.empty()) {
        // The postings' primary key (kind, value, rid) answers this alone, in value order.
        out.sql("SELECT value, count(*) AS n FROM record_values WHERE kind = ").param(std::string(valueKind));
        out.sql(" GROUP BY value");
    } else if (valueKind) {
        // CROSS JOIN keeps the candidates (the plan's conditions) as the outer loop, so the cost
        // follows the number of matches, not the number of postings of the kind.
        out.sql("SELECT v.value, count(*) AS n FROM records r")
            .sql(" CROSS JOIN record_values v ON v.rid = r.rid AND v.kind = ")
            .param(std::string(valueKind));
        appendWhere(out, plan);
        out.sql(" GROUP BY v.value");
    } else if (plan.constraints.empty()) {
        // Answered from the column's index (schema version 3).
        out.sql("SELECT ").sql(column).sql(", count(*) AS n FROM records WHERE ").sql(column);
        out.sql(" <> '' GROUP BY ").sql(column);
    } else {
        // The unary + keeps SQLite from walking the whole column index in value order.
        out.sql("SELECT r.").sql(column).sql(", count(*) AS n FROM records r");
        appendWhere(out, plan);
        out.sql(" AND +r.").sql(column).sql(" <> '' GROUP BY +r.").sql(column);
    }
    out.sql(" ORDER BY n DESC, 1 ASC LIMIT ").param(plan.facetLimit);
    return out.take();
}

// The page's records, in the page's order: one point lookup each.
void readHits(Connection& connection, const std::vector<std::int64_t>& rids, SearchResult& result) {
    StatementUse fetch = connection.statement(
        "SELECT key, origin, json, seq, source, signature, verified FROM records WHERE rid = ?1");
    result.hits.reserve(rids.size());
    for (std::int64_t rid : rids) {
        fetch->bind(1, rid);
        if (fetch->step()) {
            SearchHit hit;
            hit.key = fetch->text(0);
            hit.origin = fetch->text(1);
            hit.json = connection.documents().decode(*fetch, 2, connection);
            hit.seq = fetch->int64(3);
            hit.source = fetch->text(4);
            if (!fetch->isNull(5)) hit.signature = fetch->text(5);
            hit.verified = fetch->int64(6) != 0;
            result.hits.push_back(std::move(hit));
        }
        fetch->reset();
    }
}

// Every record the plan matches, by the general SQL plan, in rid order.
std::vector<std::int64_t> sqlMatches(Connection& connection, const Plan& plan) {
    SqlBuilder out;
    out.sql("SELECT r.rid FROM records r");
    appendWhere(out, plan);
    out.sql(" ORDER BY r.rid");
    SqlQuery query = out.take();
    StatementUse statement = connection.statement(query.sql);
    bindAll(*statement, query.params);
    std::vector<std::int64_t> rids;
    while (statement->step()) rids.push_back(statement->int64(0));
    return rids;
}

// The page's rids by the general SQL plan; relevance ranks the plan's matches as the candidate path does.
std::vector<std::int64_t> sqlPage(Connection& connection, const Plan& plan) {
    if (plan.order == Order::Relevance && plan.text()) {
        MatchSet matches;
        matches.rids = sqlMatches(connection, plan);
        return relevancePage(connection, plan, textMatches(connection, *plan.text()), &matches);
    }
    SqlQuery page = pageSql(plan);
    StatementUse statement = connection.statement(page.sql);
    bindAll(*statement, page.params);
    std::vector<std::int64_t> rids;
    while (statement->step()) rids.push_back(statement->int64(0));
    return rids;
}

SearchResult execute(Connection& connection, const Plan& plan) {
    SearchResult result;
    ReadSnapshot snapshot(connection.database());
    {
        SqlQuery count = countSql(plan);
        StatementUse statement = connection.statement(count.sql);
        bindAll(*statement, count.params);
        if (statement->step()) result.numberMatched = statement->int64(0);
    }
    for (const std::string& name : plan.facets) {
        Facet facet;
        facet.name = name;
        if (result.numberMatched > 0) {
            SqlQuery query = facetSql(plan, name);
            StatementUse statement = connection.statement(query.sql);
            bindAll(*statement, query.params);
            while (statement->step()) facet.values.push_back({statement->text(0), statement->int64(1)});
        }
        result.facets.push_back(std::move(facet));
    }
    if (plan.limit == 0 || plan.offset >= result.numberMatched) return result;
    readHits(connection, sqlPage(connection, plan), result);
    return result;
}

}  // namespace tweeling::registry::store::planner
