// CQL2 scalars: literals, property names, DATE and TIMESTAMP.
#include "store/cql2_parser.hpp"

#include "common/text.hpp"
#include "common/time.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace tweeling::registry::store::cql2::detail {

Term Parser::parseScalar() {
    Term term;
    term.offset = m_token.offset;
    switch (m_token.kind) {
        case Token::Kind::String:
            term.kind = Term::Kind::String;
            term.text = m_token.text;
            advance();
            return term;
        case Token::Kind::Number: {
            term.kind = Term::Kind::Number;
            errno = 0;
            char* end = nullptr;
            term.number = std::strtod(m_token.text.c_str(), &end);
            if (errno != 0 || end != m_token.text.c_str() + m_token.text.size() || !std::isfinite(term.number))
                fail("'" + m_token.text + "' is not a number", term.offset);
            advance();
            return term;
        }
        case Token::Kind::QuotedIdentifier: return parseProperty();
        case Token::Kind::Identifier: break;
        default: fail("expected a property or a literal, found " + describe(m_token), term.offset);
    }
    std::string name = common::toUpperAscii(m_token.text);
    if (m_token.beforeParen) {
        if (name == "DATE" || name == "TIMESTAMP") return parseInstant();
        if (name == "CASEI") {
            advance();
            expect(Token::Kind::LeftParen, "'(' after CASEI");
            Term inner = m_token.kind == Token::Kind::String ? parseScalar() : parseProperty();
            if (!isStringTyped(inner)) fail("CASEI applies to text, not " + termName(inner), inner.offset);
            inner.caseInsensitive = true;
            inner.offset = term.offset;
            expect(Token::Kind::RightParen, "')' to close CASEI");
            return inner;
        }
        if (name == "ACCENTI") fail("ACCENTI is not supported", term.offset);
        fail("unsupported function " + m_token.text + " here (expected a property or a literal)", term.offset);
    }
    if (name == "TRUE" || name == "FALSE") {
        term.kind = Term::Kind::Boolean;
        term.boolean = name == "TRUE";
        advance();
        return term;
    }
    if (name == "NULL") fail("NULL can only be tested with IS NULL", term.offset);
    if (isReserved(name)) fail("expected a property or a literal, found " + describe(m_token), term.offset);
    return parseProperty();
}

Term Parser::parseProperty() {
    Term term;
    term.kind = Term::Kind::Property;
    term.offset = m_token.offset;
    if (m_token.kind != Token::Kind::Identifier && m_token.kind != Token::Kind::QuotedIdentifier)
        fail("expected a property, found " + describe(m_token), m_token.offset);
    const Queryable* queryable = findQueryable(m_token.text);
    if (!queryable)
        fail("unknown property '" + m_token.text + "' (queryables: " + queryableNames() + ")", term.offset);
    term.property = queryable->property;
    advance();
    return term;
}

// DATE('YYYY-MM-DD') is its whole day; TIMESTAMP('...') one second.
Term Parser::parseInstant() {
    Term term;
    term.kind = Term::Kind::Temporal;
    term.offset = m_token.offset;
    bool isDate = common::toUpperAscii(m_token.text) == "DATE";
    advance();
    expect(Token::Kind::LeftParen, isDate ? "'(' after DATE" : "'(' after TIMESTAMP");
    if (m_token.kind != Token::Kind::String)
        fail(std::string(isDate ? "DATE" : "TIMESTAMP") + " needs a quoted value, found " + describe(m_token),
             m_token.offset);
    const std::string& value = m_token.text;
    if (isDate) {
        auto start = value.size() == 10 ? common::parseRfc3339(value) : std::nullopt;
        if (!start) fail("'" + value + "' is not a date (YYYY-MM-DD)", m_token.offset);
        term.start = *start;
        term.end = *common::parseRfc3339End(value);
    } else {
        auto instant = value.size() > 10 ? common::parseRfc3339(value) : std::nullopt;
        if (!instant) fail("'" + value + "' is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SSZ)", m_token.offset);
        term.start = term.end = *instant;
    }
    advance();
    expect(Token::Kind::RightParen, isDate ? "')' to close DATE" : "')' to close TIMESTAMP");
    return term;
}

}  // namespace tweeling::registry::store::cql2::detail
