// Compiles a checked CQL2 expression (store/cql2.hpp) into a parameterised SQL condition over
// `records r`. Values never become SQL text: every literal is a `?` parameter, and property names
// reach SQL only through the fixed mapping below.
//
//   id → r.key        type → r.type          title → r.title     description → r.description
//   publisher → r.publisher_id               origin → r.origin   license → r.license
//   rights → r.rights updated → r.updated    geometry → r.min_x/min_y/max_x/max_y (+ records_rtree)
//   datetime, time → r.time_start/r.time_end
//   themes, formats, adminUnits → record_values postings (kind theme, format, adminUnit)
//
// Absent text values are stored as '', so `license IS NULL` is `r.license = ''`.
#include "store/planner.hpp"
#include "store/sql_builder.hpp"

#include <set>

namespace tweeling::registry::store::planner {
namespace {

using cql2::Expression;
using cql2::Property;
using cql2::Term;

const char* columnOf(Property property) {
    switch (property) {
        case Property::Id: return "r.key";
        case Property::Type: return "r.type";
        case Property::Title: return "r.title";
        case Property::Description: return "r.description";
        case Property::Publisher: return "r.publisher_id";
        case Property::Origin: return "r.origin";
        case Property::License: return "r.license";
        case Property::Rights: return "r.rights";
        case Property::Updated: return "r.updated";
        default: return nullptr;
    }
}

// The record_values kind of a list property (and of type and publisher, which are posted too).
const char* valueKindOf(Property property) {
    switch (property) {
        case Property::Themes: return kTheme;
        case Property::Formats: return kFormat;
        case Property::AdminUnits: return kAdminUnit;
        case Property::Type: return kType;
        case Property::Publisher: return kPublisher;
        default: return nullptr;
    }
}

bool isListProperty(const Term& term) {
    return term.kind == Term::Kind::Property &&
           (term.property == Property::Themes || term.property == Property::Formats ||
            term.property == Property::AdminUnits);
}

bool isTemporal(const Term& term) {
    return term.kind == Term::Kind::Temporal ||
           (term.kind == Term::Kind::Property &&
            (term.property == Property::Updated || term.property == Property::Datetime));
}

// Writes through SqlBuilder (sql_builder.hpp), as the general SQL path does, so text and parameters
// stay in step the same way in both.
class Compiler : private SqlBuilder {
public:
    using SqlBuilder::take;

    void expression(const Expression& expression) {
        switch (expression.kind) {
            case Expression::Kind::And:
            case Expression::Kind::Or: {
                const char* joiner = expression.kind == Expression::Kind::And ? " AND " : " OR ";
                sql("(");
                for (std::size_t i = 0; i < expression.children.size(); ++i) {
                    if (i) sql(joiner);
                    expression_(expression.children[i]);
                }
                sql(")");
                break;
            }
            case Expression::Kind::Not:
                ++m_negations;
                sql("NOT ");
                expression_(expression.children.at(0));
                --m_negations;
                break;
            case Expression::Kind::Constant: sql(expression.constant ? "1" : "0"); break;
            case Expression::Kind::Compare:
                compare(expression.terms.at(0), expression.op, expression.terms.at(1));
                break;
            case Expression::Kind::Like: like(expression.terms.at(0), expression.terms.at(1)); break;
            case Expression::Kind::Between:
                between(expression.terms.at(0), expression.terms.at(1), expression.terms.at(2));
                break;
            case Expression::Kind::In: in(expression.terms.at(0), expression.terms.at(1)); break;
            case Expression::Kind::IsNull: isNull(expression.terms.at(0)); break;
            case Expression::Kind::Spatial: spatial(expression); break;
            case Expression::Kind::Temporal: temporal(expression); break;
            case Expression::Kind::Array: array(expression); break;
        }
    }

private:
    // Parenthesised, so a compiled child never binds differently inside its parent. An AND or OR
    // group brings its own parentheses: no second pair, since SQLite's parser has room for only
    // about a hundred nested tokens (parser stack overflow), and each pair is one more.
    void expression_(const Expression& child) {
        if (child.kind == Expression::Kind::And || child.kind == Expression::Kind::Or) return expression(child);
        sql("(");
        expression(child);
        sql(")");
    }

    // A scalar: a column, or a parameter for a literal; CASEI lowers it.
    void scalar(const Term& term) {
        if (term.caseInsensitive) sql("lower(");
        switch (term.kind) {
            case Term::Kind::Property: sql(columnOf(term.property)); break;
            case Term::Kind::String: param(term.text); break;
            case Term::Kind::Number: param(term.number); break;
            case Term::Kind::Boolean: param(std::int64_t{term.boolean ? 1 : 0}); break;
            case Term::Kind::Temporal: param(term.start); break;
            default: throw std::logic_error("cql2: not a scalar");
        }
        if (term.caseInsensitive) sql(")");
    }

    // The start and end of a temporal operand (a column pair or two parameters).
    void rangeStart(const Term& term) {
        if (term.kind == Term::Kind::Temporal)
            param(term.start);
        else
            sql(term.property == Property::Datetime ? "r.time_start" : "r.updated");
    }
    void rangeEnd(const Term& term) {
        if (term.kind == Term::Kind::Temporal)
            param(term.end);
        else
            sql(term.property == Property::Datetime ? "r.time_end" : "r.updated");
    }
    static constexpr bool kStart = false, kEnd = true;
    // `a.start|end op b.start|end`
    void bounds(const Term& a, bool aEnd, const char* op, const Term& b, bool bEnd) {
        aEnd ? rangeEnd(a) : rangeStart(a);
        sql(op);
        bEnd ? rangeEnd(b) : rangeStart(b);
    }
    // a and b share at least one second.
    void overlaps(const Term& a, const Term& b) {
        bounds(a, kStart, " <= ", b, kEnd);
        sql(" AND ");
        bounds(a, kEnd, " >= ", b, kStart);
    }

    // Records that have `value` under `kind` (from the postings' primary key).
    void hasValue(const char* kind, const Term& value, bool caseInsensitive) {
        sql("r.rid IN (SELECT rid FROM record_values WHERE kind = ").param(std::string(kind));
        if (caseInsensitive)
            sql(" AND lower(value) = lower(").param(value.text).sql("))");
        else
            sql(" AND value = ").param(value.text).sql(")");
    }
    void hasAnyValue(const char* kind, const std::vector<Term>& values, bool caseInsensitive) {
        sql("r.rid IN (SELECT rid FROM record_values WHERE kind = ").param(std::string(kind));
        sql(caseInsensitive ? " AND lower(value) IN (" : " AND value IN (");
        listParams(values, caseInsensitive);
        sql("))");
    }
    // Not SqlBuilder::list: the values are Terms, each lowered under CASEI, and the caller writes
    // the parentheses.
    void listParams(const std::vector<Term>& values, bool caseInsensitive) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i) sql(", ");
            if (caseInsensitive) sql("lower(");
            param(values[i].text);
            if (caseInsensitive) sql(")");
        }
    }

    // type and publisher are posted as well: equality then uses the postings' index instead of a
    // scan of the records table.
    static bool usesPostings(const Term& property, const Term& literal) {
        return property.kind == Term::Kind::Property &&
               (property.property == Property::Type || property.property == Property::Publisher) &&
               literal.kind == Term::Kind::String && !literal.text.empty() && !property.caseInsensitive &&
               !literal.caseInsensitive;
    }

    void compare(const Term& left, const std::string& op, const Term& right) {
        if (isListProperty(left) || isListProperty(right)) {
            const Term& property = isListProperty(left) ? left : right;
            const Term& literal = isListProperty(left) ? right : left;
            if (op == "<>") sql("NOT (");
            hasValue(valueKindOf(property.property), literal, property.caseInsensitive || literal.caseInsensitive);
            if (op == "<>") sql(")");
            return;
        }
        if (op == "=" && (usesPostings(left, right) || usesPostings(right, left))) {
            const Term& property = left.kind == Term::Kind::Property ? left : right;
            hasValue(valueKindOf(property.property), left.kind == Term::Kind::Property ? right : left, false);
            return;
        }
        if (isTemporal(left)) {
            // A DATE is a whole day: '=' is "within", '<' before its start, '>' after its end.
            if (op == "=" || op == "<>") {
                if (op == "<>") sql("NOT (");
                overlaps(left, right);
                if (op == "<>") sql(")");
            } else if (op == "<") {
                bounds(left, kEnd, " < ", right, kStart);
            } else if (op == "<=") {
                bounds(left, kStart, " <= ", right, kEnd);
            } else if (op == ">") {
                bounds(left, kStart, " > ", right, kEnd);
            } else {
                bounds(left, kEnd, " >= ", right, kStart);
            }
            return;
        }
        scalar(left);
        sql(" ").sql(op).sql(" ");
        scalar(right);
    }

    void like(const Term& subject, const Term& pattern) {
        // SQLite's LIKE ignores the case of ASCII letters; '\' escapes % and _.
        if (isListProperty(subject)) {
            sql("r.rid IN (SELECT rid FROM record_values WHERE kind = ")
                .param(std::string(valueKindOf(subject.property)));
            sql(" AND value LIKE ").param(pattern.text).sql(" ESCAPE '\\')");
            return;
        }
        scalar(subject);
        sql(" LIKE ").param(pattern.text).sql(" ESCAPE '\\'");
    }

    void between(const Term& subject, const Term& low, const Term& high) {
        if (isTemporal(subject)) {
            bounds(subject, kStart, " >= ", low, kStart);
            sql(" AND ");
            bounds(subject, kEnd, " <= ", high, kEnd);
            return;
        }
        scalar(subject);
        sql(" BETWEEN ");
        scalar(low);
        sql(" AND ");
        scalar(high);
    }

    void in(const Term& subject, const Term& list) {
        if (isListProperty(subject)) {
            bool caseInsensitive = subject.caseInsensitive;
            for (const Term& item : list.items) caseInsensitive = caseInsensitive || item.caseInsensitive;
            hasAnyValue(valueKindOf(subject.property), list.items, caseInsensitive);
            return;
        }
        if (isTemporal(subject)) {
            sql("(");
            for (std::size_t i = 0; i < list.items.size(); ++i) {
                if (i) sql(" OR ");
                sql("(");
                overlaps(subject, list.items[i]);
                sql(")");
            }
            sql(")");
            return;
        }
        bool postings = true;
        for (const Term& item : list.items) postings = postings && usesPostings(subject, item);
        if (postings) {
            hasAnyValue(valueKindOf(subject.property), list.items, false);
            return;
        }
        scalar(subject);
        sql(" IN (");
        for (std::size_t i = 0; i < list.items.size(); ++i) {
            if (i) sql(", ");
            scalar(list.items[i]);
        }
        sql(")");
    }

    void isNull(const Term& property) {
        switch (property.property) {
            case Property::Geometry: sql("r.min_x IS NULL"); return;
            case Property::Datetime: sql("r.time_start IS NULL"); return;
            case Property::Updated: sql("r.updated IS NULL"); return;
            case Property::Themes:
            case Property::Formats:
            case Property::AdminUnits:
                sql("NOT EXISTS (SELECT 1 FROM record_values v WHERE v.rid = r.rid AND v.kind = ")
                    .param(std::string(valueKindOf(property.property)))
                    .sql(")");
                return;
            default: sql(columnOf(property.property)).sql(" = ''"); return;
        }
    }

    void spatial(const Expression& expression) {
        const Term& literal =
            expression.terms[0].kind == Term::Kind::Geometry ? expression.terms[0] : expression.terms[1];
        const record::Bbox& box = literal.envelope;
        // Under NOT, a record without a footprint must stay unknown (NULL), as it is for temporal
        // predicates, instead of false turning into true. Only there: the plain form below lets
        // SQLite drive the query from the R*Tree.
        bool negated = m_negations % 2 == 1;
        if (negated) sql("CASE WHEN r.min_x IS NULL THEN NULL ELSE (");
        // As for bbox=: the R*Tree narrows to a superset (32-bit floats rounded outwards), the row's
        // exact envelope decides.
        appendBoxCondition(*this, box);
        if (negated) sql(") END");
    }

    void temporal(const Expression& expression) {
        const Term& a = expression.terms[0];
        const Term& b = expression.terms[1];
        const std::string& op = expression.op;
        if (op == "T_INTERSECTS") {
            overlaps(a, b);
        } else if (op == "T_AFTER") {
            bounds(a, kStart, " > ", b, kEnd);
        } else if (op == "T_BEFORE") {
            bounds(a, kEnd, " < ", b, kStart);
        } else if (op == "T_DISJOINT") {
            sql("(");
            bounds(a, kEnd, " < ", b, kStart);
            sql(" OR ");
            bounds(a, kStart, " > ", b, kEnd);
            sql(")");
        } else if (op == "T_EQUALS") {
            bounds(a, kStart, " = ", b, kStart);
            sql(" AND ");
            bounds(a, kEnd, " = ", b, kEnd);
        } else {
            throw std::logic_error("cql2: unknown temporal function " + op);
        }
    }

    void array(const Expression& expression) {
        const Term& property = expression.terms[0];
        const char* kind = valueKindOf(property.property);
        // Duplicates in the list do not change a set comparison.
        std::vector<Term> values;
        std::set<std::string> seen;
        bool caseInsensitive = property.caseInsensitive;
        for (const Term& item : expression.terms[1].items) {
            caseInsensitive = caseInsensitive || item.caseInsensitive;
            if (seen.insert(item.text).second) values.push_back(item);
        }
        auto containsAll = [&] {
            for (std::size_t i = 0; i < values.size(); ++i) {
                if (i) sql(" AND ");
                hasValue(kind, values[i], caseInsensitive);
            }
        };
        auto containedBy = [&] {
            sql("NOT EXISTS (SELECT 1 FROM record_values v WHERE v.rid = r.rid AND v.kind = ").param(std::string(kind));
            sql(caseInsensitive ? " AND lower(v.value) NOT IN (" : " AND v.value NOT IN (");
            listParams(values, caseInsensitive);
            sql("))");
        };
        const std::string& op = expression.op;
        if (op == "A_CONTAINS") {
            containsAll();
        } else if (op == "A_OVERLAPS") {
            hasAnyValue(kind, values, caseInsensitive);
        } else if (op == "A_CONTAINEDBY") {
            containedBy();
        } else if (op == "A_EQUALS") {
            containsAll();
            sql(" AND ");
            containedBy();
        } else {
            throw std::logic_error("cql2: unknown array function " + op);
        }
    }

    int m_negations = 0;  // NOTs around the part being compiled
};

}  // namespace

SqlQuery filterSql(const cql2::Expression& expression) {
    Compiler compiler;
    compiler.expression(expression);
    return compiler.take();
}

}  // namespace tweeling::registry::store::planner
