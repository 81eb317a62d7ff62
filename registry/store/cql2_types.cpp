// CQL2 type checks: which operands a predicate may compare.
#include "store/cql2_parser.hpp"

namespace tweeling::registry::store::cql2::detail {

bool Parser::isList(const Term& term) {
    return term.kind == Term::Kind::Property && queryableOf(term.property).type == PropertyType::StringList;
}
bool Parser::isStringTyped(const Term& term) {
    if (term.kind == Term::Kind::String) return true;
    if (term.kind != Term::Kind::Property) return false;
    PropertyType type = queryableOf(term.property).type;
    return type == PropertyType::String || type == PropertyType::StringList;
}

std::string Parser::termName(const Term& term) {
    switch (term.kind) {
        case Term::Kind::Property: return "property '" + std::string(queryableOf(term.property).name) + "'";
        case Term::Kind::String: return "string '" + term.text + "'";
        case Term::Kind::Number: return "a number";
        case Term::Kind::Boolean: return term.boolean ? "TRUE" : "FALSE";
        case Term::Kind::Temporal: return "a date or timestamp";
        case Term::Kind::Geometry: return "a geometry";
        case Term::Kind::List: return "a list";
    }
    return "a value";
}

// The comparable kind of a scalar: 's' text, 'n' number, 'b' boolean, 't' time instant/day.
char Parser::scalarType(const Term& term, const std::string& op) const {
    switch (term.kind) {
        case Term::Kind::String: return 's';
        case Term::Kind::Number: return 'n';
        case Term::Kind::Boolean: return 'b';
        case Term::Kind::Temporal: return 't';
        case Term::Kind::Property:
            switch (queryableOf(term.property).type) {
                case PropertyType::String:
                case PropertyType::StringList: return 's';
                case PropertyType::Timestamp: return 't';
                case PropertyType::Interval:
                    fail("property '" + std::string(queryableOf(term.property).name) + "' is a temporal extent: " +
                             op + " does not apply (use T_INTERSECTS, T_AFTER or T_BEFORE)",
                         term.offset);
                case PropertyType::Geometry:
                    fail("property 'geometry' can only be used in S_INTERSECTS or IS NULL, not with " + op,
                         term.offset);
            }
            break;
        default: break;
    }
    fail(termName(term) + " cannot be compared with " + op, term.offset);
}

void Parser::checkComparison(const Term& left, const Term& right, const std::string& op, std::size_t opOffset) const {
    char leftType = scalarType(left, op), rightType = scalarType(right, op);
    if (leftType != rightType)
        fail("type mismatch: " + termName(left) + " cannot be compared with " + termName(right) + " by " + op +
                 (leftType == 't' || rightType == 't' ? " (write times as TIMESTAMP('...') or DATE('...'))" : ""),
             opOffset);
    bool leftList = isList(left), rightList = isList(right);
    if (leftList || rightList) {
        if (left.kind == Term::Kind::Property && right.kind == Term::Kind::Property)
            fail("two properties cannot be compared when one is a list", opOffset);
        if (op != "=" && op != "<>" && op != "IN")
            fail(termName(leftList ? left : right) + " is a list: " + op +
                     " does not apply (use =, <>, IN, LIKE or the A_* functions)",
                 opOffset);
    }
    if (op == "IN" && right.kind == Term::Kind::Property)
        fail("IN needs a list of literals, not " + termName(right), right.offset);
}

}  // namespace tweeling::registry::store::cql2::detail
