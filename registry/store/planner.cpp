// makePlan: a SearchQuery as constraints, facets and an order (store/planner.hpp). The paths that
// answer a plan are elsewhere: search_sql.cpp (general SQL) and match_set.cpp (candidates).
#include "store/planner.hpp"

#include "common/time.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tweeling::registry::store::planner {
namespace {

std::vector<std::string> sortedUnique(std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

}  // namespace

const Constraint* Plan::text() const {
    for (const Constraint& constraint : constraints)
        if (constraint.kind == Constraint::Kind::Text) return &constraint;
    return nullptr;
}

namespace {

// The posting kind of a list queryable, or nullptr.
const char* listKind(const cql2::Term& term) {
    if (term.kind != cql2::Term::Kind::Property || term.caseInsensitive) return nullptr;
    switch (term.property) {
        case cql2::Property::Themes: return kTheme;
        case cql2::Property::Formats: return kFormat;
        case cql2::Property::AdminUnits: return kAdminUnit;
        default: return nullptr;
    }
}

bool plainString(const cql2::Term& term) { return term.kind == cql2::Term::Kind::String && !term.caseInsensitive; }

// `list = 'v'`, `'v' = list` or `list IN ('a', ...)` as a value constraint (see cql2_sql.cpp:
// compare() and in() compile these to the same postings lookup).
bool liftValues(const cql2::Expression& expression, Constraint& out) {
    using Kind = cql2::Expression::Kind;
    if (expression.kind == Kind::Compare && expression.op == "=" && expression.terms.size() == 2) {
        const cql2::Term& left = expression.terms[0];
        const cql2::Term& right = expression.terms[1];
        const char* kind = listKind(left) ? listKind(left) : listKind(right);
        const cql2::Term& literal = listKind(left) ? right : left;
        if (!kind || !plainString(literal)) return false;
        out.kind = Constraint::Kind::Values;
        out.valueKind = kind;
        out.values = {literal.text};
        return true;
    }
    if (expression.kind == Kind::In && expression.terms.size() == 2) {
        const char* kind = listKind(expression.terms[0]);
        const cql2::Term& list = expression.terms[1];
        if (!kind || list.kind != cql2::Term::Kind::List || list.items.empty()) return false;
        std::vector<std::string> values;
        for (const cql2::Term& item : list.items) {
            if (!plainString(item)) return false;
            values.push_back(item.text);
        }
        out.kind = Constraint::Kind::Values;
        out.valueKind = kind;
        out.values = sortedUnique(values);
        return true;
    }
    return false;
}

// The words of `q` as one text constraint; none when no term has words.
void addText(Plan& plan, const SearchQuery& query) {
    std::string match = ftsQuery(query.terms);
    if (match.empty()) return;
    Constraint text;
    text.kind = Constraint::Kind::Text;
    text.match = std::move(match);
    for (const std::string& term : query.terms) {
        std::vector<std::string> words = splitWords(term);
        if (!words.empty()) text.termWords.push_back(std::move(words));
    }
    plan.constraints.push_back(std::move(text));
}

// `themes = 'x'` and `formats IN ('a', 'b')` at the filter's top level (alone or AND-ed) mean
// exactly what the `themes=`/`formats=` parameters mean: they become value constraints, which the
// index-only path answers; the rest stays one SQL condition.
void addFilter(Plan& plan, const cql2::Expression& filter) {
    std::vector<const cql2::Expression*> parts;
    if (filter.kind == cql2::Expression::Kind::And)
        for (const auto& child : filter.children) parts.push_back(&child);
    else
        parts.push_back(&filter);
    cql2::Expression rest;
    rest.kind = cql2::Expression::Kind::And;
    rest.offset = filter.offset;
    for (const cql2::Expression* part : parts) {
        Constraint lifted;
        if (liftValues(*part, lifted))
            plan.constraints.push_back(std::move(lifted));
        else
            rest.children.push_back(*part);
    }
    if (!rest.children.empty()) {
        Constraint condition;
        condition.kind = Constraint::Kind::Sql;
        condition.condition = filterSql(rest.children.size() == 1 ? rest.children.front() : rest);
        plan.constraints.push_back(std::move(condition));
    }
}

void addFacets(Plan& plan, const SearchQuery& query) {
    for (const std::string& facet : query.facets) {
        if (std::find(plan.facets.begin(), plan.facets.end(), facet) != plan.facets.end()) continue;
        bool known = false;
        for (const char* name : kFacetNames) known = known || facet == name;
        if (!known) throw std::invalid_argument("unknown facet '" + facet + "'");
        plan.facets.push_back(facet);
    }
    plan.facetLimit = std::max(1, query.facetLimit);
}

void setOrder(Plan& plan, const SearchQuery& query) {
    bool hasText = plan.text() != nullptr;
    switch (query.sort) {
    case SortKey::Default:
    case SortKey::Relevance:
        // Relevance needs words to rank by; without them the newest records come first.
        plan.order = hasText ? Order::Relevance : Order::Updated;
        plan.descending = query.sort == SortKey::Default ? true : query.descending;
        break;
    case SortKey::Updated:
        plan.order = Order::Updated;
        plan.descending = query.descending;
        break;
    case SortKey::Title:
        plan.order = Order::Title;
        plan.descending = query.descending;
        break;
    }
}

}  // namespace

Plan makePlan(const SearchQuery& query) {
    Plan plan;
    addText(plan, query);
    if (query.bbox) {
        Constraint box;
        box.kind = Constraint::Kind::Bbox;
        box.bbox = *query.bbox;
        plan.constraints.push_back(box);
    }
    if (query.timeStart || query.timeEnd) {
        Constraint time;
        time.kind = Constraint::Kind::Time;
        time.start = query.timeStart.value_or(common::kOpenStart);
        time.end = query.timeEnd.value_or(common::kOpenEnd);
        plan.constraints.push_back(time);
    }
    auto addValues = [&](Constraint::Kind kind, const char* valueKind, const std::vector<std::string>& values) {
        if (values.empty()) return;
        Constraint constraint;
        constraint.kind = kind;
        if (valueKind) constraint.valueKind = valueKind;
        constraint.values = sortedUnique(values);
        plan.constraints.push_back(std::move(constraint));
    };
    addValues(Constraint::Kind::Keys, nullptr, query.ids);
    addValues(Constraint::Kind::Origins, nullptr, query.origins);
    addValues(Constraint::Kind::Sources, nullptr, query.sources);
    addValues(Constraint::Kind::Values, kType, query.types);
    addValues(Constraint::Kind::Values, kTheme, query.themes);
    addValues(Constraint::Kind::Values, kFormat, query.formats);
    addValues(Constraint::Kind::Values, kAdminUnit, query.adminUnits);
    addValues(Constraint::Kind::Values, kPublisher, query.publishers);
    addValues(Constraint::Kind::Values, kValidation, query.validations);
    // License and rights are columns of the record (one value each): a condition of the SQL plan.
    auto addColumn = [&](const char* column, const std::vector<std::string>& values) {
        if (values.empty()) return;
        Constraint constraint;
        constraint.kind = Constraint::Kind::Sql;
        std::string sql = std::string("r.") + column + " IN (";
        for (const std::string& value : sortedUnique(values)) {
            sql += constraint.condition.params.empty() ? "?" : ", ?";
            constraint.condition.params.emplace_back(value);
        }
        constraint.condition.sql = sql + ")";
        plan.constraints.push_back(std::move(constraint));
    };
    addColumn("license", query.licenses);
    addColumn("rights", query.rights);
    if (query.filter) addFilter(plan, *query.filter);
    addFacets(plan, query);
    setOrder(plan, query);
    plan.limit = std::max(0, query.limit);
    plan.offset = std::max<std::int64_t>(0, query.offset);
    return plan;
}

}  // namespace tweeling::registry::store::planner
