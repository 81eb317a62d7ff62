// CQL2 temporal: the T_* functions and INTERVAL.
#include "store/cql2_parser.hpp"

#include "common/text.hpp"
#include "common/time.hpp"

namespace tweeling::registry::store::cql2::detail {

Expression Parser::parseTemporal() {
    Expression predicate;
    predicate.kind = Expression::Kind::Temporal;
    predicate.offset = m_token.offset;
    predicate.op = common::toUpperAscii(m_token.text);
    advance();
    expect(Token::Kind::LeftParen, "'(' after " + predicate.op);
    predicate.terms.push_back(parseTemporalOperand(predicate.op));
    expect(Token::Kind::Comma, "',' between the arguments of " + predicate.op);
    predicate.terms.push_back(parseTemporalOperand(predicate.op));
    expect(Token::Kind::RightParen, "')' to close " + predicate.op);
    return predicate;
}

Term Parser::parseTemporalOperand(const std::string& function) {
    std::size_t offset = m_token.offset;
    if (m_token.kind == Token::Kind::Identifier && m_token.beforeParen) {
        std::string name = common::toUpperAscii(m_token.text);
        if (name == "DATE" || name == "TIMESTAMP") return parseInstant();
        if (name == "INTERVAL") return parseInterval();
        fail("unsupported function " + m_token.text + " in " + function +
                 " (expected datetime, updated, DATE, TIMESTAMP or INTERVAL)",
             offset);
    }
    if (m_token.kind == Token::Kind::Identifier || m_token.kind == Token::Kind::QuotedIdentifier) {
        Term property = parseProperty();
        PropertyType type = queryableOf(property.property).type;
        if (type != PropertyType::Timestamp && type != PropertyType::Interval)
            fail("property '" + std::string(queryableOf(property.property).name) + "' is not temporal (use " +
                     "datetime or updated in " + function + ")",
                 offset);
        return property;
    }
    if (m_token.kind == Token::Kind::String)
        fail("write times in " + function + " as DATE('...'), TIMESTAMP('...') or INTERVAL('...','...')", offset);
    fail("expected datetime, updated, DATE, TIMESTAMP or INTERVAL in " + function + ", found " + describe(m_token),
         offset);
}

Term Parser::parseInterval() {
    Term term;
    term.kind = Term::Kind::Temporal;
    term.offset = m_token.offset;
    advance();
    expect(Token::Kind::LeftParen, "'(' after INTERVAL");
    term.start = parseIntervalBound(false);
    expect(Token::Kind::Comma, "',' between the bounds of INTERVAL");
    term.end = parseIntervalBound(true);
    expect(Token::Kind::RightParen, "')' to close INTERVAL");
    if (term.start > term.end) fail("the INTERVAL starts after it ends", term.offset);
    return term;
}

std::int64_t Parser::parseIntervalBound(bool isEnd) {
    std::size_t offset = m_token.offset;
    if (m_token.kind == Token::Kind::Identifier && m_token.beforeParen) {
        std::string name = common::toUpperAscii(m_token.text);
        if (name != "DATE" && name != "TIMESTAMP")
            fail("unsupported function " + m_token.text + " in INTERVAL", offset);
        Term instant = parseInstant();
        return isEnd ? instant.end : instant.start;
    }
    if (m_token.kind != Token::Kind::String)
        fail("an INTERVAL bound is a quoted date, timestamp or '..', found " + describe(m_token), offset);
    std::string value = m_token.text;
    advance();
    if (value == ".." || value.empty()) return isEnd ? common::kOpenEnd : common::kOpenStart;
    auto parsed = isEnd ? common::parseRfc3339End(value) : common::parseRfc3339(value);
    if (!parsed) fail("'" + value + "' is not an RFC 3339 date or timestamp, nor '..'", offset);
    return *parsed;
}

}  // namespace tweeling::registry::store::cql2::detail
