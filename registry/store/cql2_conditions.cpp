// CQL2 conditions: AND/OR/NOT, the predicates of a scalar, lists, and the A_* functions.
#include "store/cql2_parser.hpp"

#include "common/text.hpp"

namespace tweeling::registry::store::cql2::detail {

Expression Parser::parseFilter() {
    if (m_token.kind == Token::Kind::End) fail("the filter is empty", m_token.offset);
    Expression expression = parseOr();
    if (m_token.kind != Token::Kind::End)
        fail("unexpected " + describe(m_token) + " after a complete condition", m_token.offset);
    return expression;
}

Expression Parser::parseOr() { return parseChain("OR", Expression::Kind::Or, &Parser::parseAnd); }
Expression Parser::parseAnd() { return parseChain("AND", Expression::Kind::And, &Parser::parseNot); }

// operand { keyword operand }: one node of `kind` with every operand as a child (a flat list,
// not a nested chain, so that 200 conditions are 200 children, not 200 levels).
Expression Parser::parseChain(const char* keyword, Expression::Kind kind, Expression (Parser::*operand)()) {
    Expression first = (this->*operand)();
    if (!isKeyword(keyword)) return first;
    Expression chain;
    chain.kind = kind;
    chain.offset = first.offset;
    chain.children.push_back(std::move(first));
    while (isKeyword(keyword)) {
        advance();
        chain.children.push_back((this->*operand)());
    }
    return chain;
}

Expression Parser::parseNot() {
    if (!isKeyword("NOT")) return parsePrimary();
    std::size_t offset = m_token.offset;
    DepthGuard guard(*this, offset);
    advance();
    return negate(parseNot(), offset);
}

Expression Parser::negate(Expression inner, std::size_t offset) {
    Expression negation;
    negation.kind = Expression::Kind::Not;
    negation.offset = offset;
    negation.children.push_back(std::move(inner));
    return negation;
}

Expression Parser::parsePrimary() {
    std::size_t offset = m_token.offset;
    if (m_token.kind == Token::Kind::LeftParen) {
        DepthGuard guard(*this, offset);
        advance();
        if (m_token.kind == Token::Kind::RightParen) fail("empty parentheses", m_token.offset);
        Expression inner = parseOr();
        expect(Token::Kind::RightParen, "')' to close the '(' at offset " + std::to_string(offset));
        return inner;
    }
    // Every other primary is one condition: a leaf of the tree.
    if (++m_predicates > kMaxPredicates)
        fail("the filter has more than " + std::to_string(kMaxPredicates) +
                 " conditions; for several values of one property use IN ('a', 'b', ...) or A_OVERLAPS",
             offset);
    if (m_token.kind == Token::Kind::Identifier && m_token.beforeParen) {
        std::string name = common::toUpperAscii(m_token.text);
        if (name == "S_INTERSECTS") return parseSpatial();
        if (name.rfind("S_", 0) == 0)
            fail("unsupported spatial function " + name + " (only S_INTERSECTS is supported)", offset);
        if (name == "T_INTERSECTS" || name == "T_AFTER" || name == "T_BEFORE" || name == "T_DISJOINT" ||
            name == "T_EQUALS")
            return parseTemporal();
        if (name.rfind("T_", 0) == 0)
            fail("unsupported temporal function " + name +
                     " (supported: T_INTERSECTS, T_AFTER, T_BEFORE, T_DISJOINT, T_EQUALS)",
                 offset);
        if (name == "A_CONTAINS" || name == "A_CONTAINEDBY" || name == "A_OVERLAPS" || name == "A_EQUALS")
            return parseArray();
        if (name.rfind("A_", 0) == 0)
            fail("unsupported array function " + name +
                     " (supported: A_CONTAINS, A_CONTAINEDBY, A_OVERLAPS, A_EQUALS)",
                 offset);
        if (name == "INTERVAL")
            fail("INTERVAL can only be used inside a temporal function such as T_INTERSECTS", offset);
        if (name == "BBOX" || isWktType(name)) fail(name + " can only be used inside S_INTERSECTS", offset);
        if (name != "DATE" && name != "TIMESTAMP" && name != "CASEI")
            fail("unsupported function " + m_token.text, offset);
    }
    Term left = parseScalar();
    return parsePredicate(std::move(left), offset);
}

// 80 lines: one branch per form that may follow the left operand (comparison, [NOT] LIKE, BETWEEN,
// IN, IS [NOT] NULL, a lone TRUE/FALSE), in the order the grammar in cql2.hpp lists them.
Expression Parser::parsePredicate(Term left, std::size_t offset) {
    Expression predicate;
    predicate.offset = offset;
    if (m_token.kind == Token::Kind::Operator) {
        predicate.kind = Expression::Kind::Compare;
        predicate.op = m_token.text;
        std::size_t opOffset = m_token.offset;
        advance();
        Term right = parseScalar();
        checkComparison(left, right, predicate.op, opOffset);
        predicate.terms.push_back(std::move(left));
        predicate.terms.push_back(std::move(right));
        return predicate;
    }
    bool negated = false;
    std::size_t notOffset = m_token.offset;
    if (isKeyword("NOT")) {
        negated = true;
        advance();
        if (!isKeyword("LIKE") && !isKeyword("BETWEEN") && !isKeyword("IN"))
            fail("expected LIKE, BETWEEN or IN after NOT, found " + describe(m_token), m_token.offset);
    }
    if (isKeyword("LIKE")) {
        std::size_t likeOffset = m_token.offset;
        advance();
        Term pattern = parseScalar();
        if (!isStringTyped(left) || left.kind == Term::Kind::Number)
            fail("LIKE needs a text property on its left, not " + termName(left), left.offset);
        if (pattern.kind != Term::Kind::String)
            fail("LIKE needs a string pattern on its right, not " + termName(pattern), pattern.offset);
        (void)likeOffset;
        predicate.kind = Expression::Kind::Like;
        predicate.terms.push_back(std::move(left));
        predicate.terms.push_back(std::move(pattern));
    } else if (isKeyword("BETWEEN")) {
        std::size_t betweenOffset = m_token.offset;
        advance();
        Term low = parseScalar();
        expectKeyword("AND", "between the bounds of BETWEEN");
        Term high = parseScalar();
        if (isList(left))
            fail(termName(left) + " is a list: BETWEEN does not apply (use IN or A_OVERLAPS)", left.offset);
        checkComparison(left, low, "BETWEEN", betweenOffset);
        checkComparison(left, high, "BETWEEN", betweenOffset);
        predicate.kind = Expression::Kind::Between;
        predicate.terms.push_back(std::move(left));
        predicate.terms.push_back(std::move(low));
        predicate.terms.push_back(std::move(high));
    } else if (isKeyword("IN")) {
        std::size_t inOffset = m_token.offset;
        advance();
        Term list = parseList("IN");
        for (const Term& item : list.items) checkComparison(left, item, "IN", inOffset);
        predicate.kind = Expression::Kind::In;
        predicate.terms.push_back(std::move(left));
        predicate.terms.push_back(std::move(list));
    } else if (isKeyword("IS")) {
        advance();
        bool isNot = false;
        if (isKeyword("NOT")) {
            isNot = true;
            advance();
        }
        expectKeyword("NULL", "after IS");
        if (left.kind != Term::Kind::Property)
            fail("IS NULL needs a property on its left, not " + termName(left), left.offset);
        predicate.kind = Expression::Kind::IsNull;
        predicate.terms.push_back(std::move(left));
        return isNot ? negate(std::move(predicate), offset) : predicate;
    } else if (left.kind == Term::Kind::Boolean && !negated) {
        predicate.kind = Expression::Kind::Constant;
        predicate.constant = left.boolean;
        return predicate;
    } else {
        fail("expected a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL) after " + termName(left) +
                 ", found " + describe(m_token),
             m_token.offset);
    }
    return negated ? negate(std::move(predicate), notOffset) : predicate;
}

Term Parser::parseList(const char* context) {
    Term list;
    list.kind = Term::Kind::List;
    list.offset = m_token.offset;
    expect(Token::Kind::LeftParen, std::string("'(' to start the list of ") + context);
    while (true) {
        Term item = parseScalar();
        if (item.kind == Term::Kind::Property)
            fail(std::string("a list of ") + context + " holds literals, not " + termName(item), item.offset);
        list.items.push_back(std::move(item));
        if (m_token.kind == Token::Kind::Comma) {
            advance();
            continue;
        }
        expect(Token::Kind::RightParen, std::string("',' or ')' in the list of ") + context);
        break;
    }
    return list;
}

Expression Parser::parseArray() {
    Expression predicate;
    predicate.kind = Expression::Kind::Array;
    predicate.offset = m_token.offset;
    predicate.op = common::toUpperAscii(m_token.text);
    advance();
    expect(Token::Kind::LeftParen, "'(' after " + predicate.op);
    Term property = parseProperty();
    if (!isList(property))
        fail(predicate.op + " needs a list property (themes, formats or adminUnits), not " + termName(property),
             property.offset);
    expect(Token::Kind::Comma, "',' between the arguments of " + predicate.op);
    Term list = parseList(predicate.op.c_str());
    for (const Term& item : list.items)
        if (item.kind != Term::Kind::String)
            fail(predicate.op + " compares lists of strings, not " + termName(item), item.offset);
    expect(Token::Kind::RightParen, "')' to close " + predicate.op);
    predicate.terms.push_back(std::move(property));
    predicate.terms.push_back(std::move(list));
    return predicate;
}

}  // namespace tweeling::registry::store::cql2::detail
