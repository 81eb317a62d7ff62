// The CQL2 text parser: tokens, recursive descent, type checks. See store/cql2.hpp for the grammar.
#include "store/cql2.hpp"

#include "common/text.hpp"
#include "common/time.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace tweeling::registry::store::cql2 {

FilterError::FilterError(const std::string& message, std::size_t offset)
    : std::runtime_error(message + " at offset " + std::to_string(offset)), m_offset(offset) {}

const std::vector<Queryable>& queryables() {
    static const std::vector<Queryable> kQueryables = {
        {Property::Id, "id", PropertyType::String},
        {Property::Type, "type", PropertyType::String},
        {Property::Title, "title", PropertyType::String},
        {Property::Description, "description", PropertyType::String},
        {Property::Themes, "themes", PropertyType::StringList},
        {Property::Formats, "formats", PropertyType::StringList},
        {Property::AdminUnits, "adminUnits", PropertyType::StringList},
        {Property::Publisher, "publisher", PropertyType::String},
        {Property::Origin, "origin", PropertyType::String},
        {Property::License, "license", PropertyType::String},
        {Property::Rights, "rights", PropertyType::String},
        {Property::Updated, "updated", PropertyType::Timestamp},
        {Property::Geometry, "geometry", PropertyType::Geometry},
        {Property::Datetime, "datetime", PropertyType::Interval},
    };
    return kQueryables;
}

namespace {

const Queryable* findQueryable(std::string_view name) {
    if (name == "time") name = "datetime";
    for (const Queryable& queryable : queryables())
        if (name == queryable.name) return &queryable;
    return nullptr;
}

const Queryable& queryableOf(Property property) {
    for (const Queryable& queryable : queryables())
        if (queryable.property == property) return queryable;
    return queryables().front();  // unreachable: every Property is listed
}

std::string queryableNames() {
    std::string out;
    for (const Queryable& queryable : queryables()) {
        if (!out.empty()) out += ", ";
        out += queryable.name;
    }
    return out;
}

struct Token {
    enum class Kind { End, Identifier, QuotedIdentifier, String, Number, LeftParen, RightParen, Comma, Operator };
    Kind kind = Kind::End;
    std::string text;          // identifier (as written), string value (unescaped), operator, number text
    std::size_t offset = 0;    // in characters
    bool beforeParen = false;  // an identifier directly followed (after spaces) by '('
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool isIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentifierPart(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':';
}

const char* const kWktTypes[] = {"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON"};

bool isWktType(const std::string& name) {
    for (const char* type : kWktTypes)
        if (name == type) return true;
    return false;
}

// Keywords that can never be property names unless double-quoted.
bool isReserved(const std::string& name) {
    static const char* const kReserved[] = {"AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE"};
    for (const char* word : kReserved)
        if (name == word) return true;
    return false;
}

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) { advance(); }

    Expression parseFilter() {
        if (m_token.kind == Token::Kind::End) fail("the filter is empty", m_token.offset);
        Expression expression = parseOr();
        if (m_token.kind != Token::Kind::End)
            fail("unexpected " + describe(m_token) + " after a complete condition", m_token.offset);
        return expression;
    }

private:
    // --- tokens -----------------------------------------------------------------------------
    [[noreturn]] void fail(const std::string& message, std::size_t offset) const { throw FilterError(message, offset); }

    void skipSpaces() {
        while (m_pos < m_text.size() && isSpace(m_text[m_pos])) step();
    }
    // Moves one byte, counting characters (UTF-8 continuation bytes do not start one).
    void step() {
        if ((static_cast<unsigned char>(m_text[m_pos]) & 0xC0) != 0x80) ++m_chars;
        ++m_pos;
    }
    std::size_t charOffset() const {
        // m_chars counts characters started before m_pos.
        return m_chars;
    }

    void advance() {
        skipSpaces();
        Token token;
        token.offset = charOffset();
        if (m_pos >= m_text.size()) {
            token.kind = Token::Kind::End;
            m_token = std::move(token);
            return;
        }
        char c = m_text[m_pos];
        if (c == '(' || c == ')' || c == ',') {
            token.kind = c == '(' ? Token::Kind::LeftParen : c == ')' ? Token::Kind::RightParen : Token::Kind::Comma;
            token.text = std::string(1, c);
            step();
        } else if (c == '\'') {
            token.kind = Token::Kind::String;
            step();
            while (true) {
                if (m_pos >= m_text.size()) fail("unterminated string literal", token.offset);
                char d = m_text[m_pos];
                step();
                if (d == '\'') {
                    if (m_pos < m_text.size() && m_text[m_pos] == '\'') {
                        token.text.push_back('\'');
                        step();
                        continue;
                    }
                    break;
                }
                token.text.push_back(d);
            }
        } else if (c == '"') {
            token.kind = Token::Kind::QuotedIdentifier;
            step();
            while (true) {
                if (m_pos >= m_text.size()) fail("unterminated quoted property name", token.offset);
                char d = m_text[m_pos];
                step();
                if (d == '"') break;
                token.text.push_back(d);
            }
            if (token.text.empty()) fail("empty quoted property name", token.offset);
        } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
                   ((c == '-' || c == '+') && m_pos + 1 < m_text.size() &&
                    (std::isdigit(static_cast<unsigned char>(m_text[m_pos + 1])) || m_text[m_pos + 1] == '.'))) {
            token.kind = Token::Kind::Number;
            std::size_t start = m_pos;
            if (c == '-' || c == '+') step();
            while (m_pos < m_text.size() &&
                   (std::isdigit(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '.'))
                step();
            if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
                step();
                if (m_pos < m_text.size() && (m_text[m_pos] == '-' || m_text[m_pos] == '+')) step();
                while (m_pos < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[m_pos]))) step();
            }
            token.text = std::string(m_text.substr(start, m_pos - start));
        } else if (isIdentifierStart(c)) {
            token.kind = Token::Kind::Identifier;
            std::size_t start = m_pos;
            while (m_pos < m_text.size() && isIdentifierPart(m_text[m_pos])) step();
            token.text = std::string(m_text.substr(start, m_pos - start));
        } else if (c == '=' || c == '<' || c == '>') {
            token.kind = Token::Kind::Operator;
            step();
            if (m_pos < m_text.size() &&
                ((c == '<' && (m_text[m_pos] == '=' || m_text[m_pos] == '>')) || (c == '>' && m_text[m_pos] == '='))) {
                token.text = std::string(1, c) + m_text[m_pos];
                step();
            } else {
                token.text = std::string(1, c);
            }
        } else if (c == '!' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '=') {
            fail("'!=' is not CQL2: use '<>'", token.offset);
        } else {
            std::size_t start = m_pos;
            step();
            while (m_pos < m_text.size() && (static_cast<unsigned char>(m_text[m_pos]) & 0xC0) == 0x80) step();
            fail("unexpected character '" + std::string(m_text.substr(start, m_pos - start)) + "'", token.offset);
        }
        if (token.kind == Token::Kind::Identifier) {
            std::size_t look = m_pos;
            while (look < m_text.size() && isSpace(m_text[look])) ++look;
            token.beforeParen = look < m_text.size() && m_text[look] == '(';
        }
        m_token = std::move(token);
    }

    static std::string describe(const Token& token) {
        switch (token.kind) {
            case Token::Kind::End: return "end of filter";
            case Token::Kind::String: return "string '" + token.text + "'";
            case Token::Kind::QuotedIdentifier: return "\"" + token.text + "\"";
            default: return "'" + token.text + "'";
        }
    }

    bool isKeyword(const char* word) const {
        return m_token.kind == Token::Kind::Identifier && common::toUpperAscii(m_token.text) == word;
    }
    void expectKeyword(const char* word, const std::string& context) {
        if (!isKeyword(word))
            fail("expected " + std::string(word) + " " + context + ", found " + describe(m_token), m_token.offset);
        advance();
    }
    void expect(Token::Kind kind, const std::string& what) {
        if (m_token.kind != kind) fail("expected " + what + ", found " + describe(m_token), m_token.offset);
        advance();
    }

    struct DepthGuard {
        DepthGuard(Parser& parser, std::size_t offset) : m_parser(parser) {
            if (++m_parser.m_depth > kMaxDepth)
                m_parser.fail("the filter nests deeper than " + std::to_string(kMaxDepth) + " levels", offset);
        }
        ~DepthGuard() { --m_parser.m_depth; }
        Parser& m_parser;
    };

    // --- boolean structure ------------------------------------------------------------------
    Expression parseOr() { return parseChain("OR", Expression::Kind::Or, &Parser::parseAnd); }
    Expression parseAnd() { return parseChain("AND", Expression::Kind::And, &Parser::parseNot); }

    // operand { keyword operand }: one node of `kind` with every operand as a child (a flat list,
    // not a nested chain, so that 200 conditions are 200 children, not 200 levels).
    Expression parseChain(const char* keyword, Expression::Kind kind, Expression (Parser::*operand)()) {
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

    Expression parseNot() {
        if (!isKeyword("NOT")) return parsePrimary();
        std::size_t offset = m_token.offset;
        DepthGuard guard(*this, offset);
        advance();
        return negate(parseNot(), offset);
    }

    static Expression negate(Expression inner, std::size_t offset) {
        Expression negation;
        negation.kind = Expression::Kind::Not;
        negation.offset = offset;
        negation.children.push_back(std::move(inner));
        return negation;
    }

    Expression parsePrimary() {
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

    // --- predicates -------------------------------------------------------------------------
    Expression parsePredicate(Term left, std::size_t offset) {
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

    static bool isList(const Term& term) {
        return term.kind == Term::Kind::Property && queryableOf(term.property).type == PropertyType::StringList;
    }
    static bool isStringTyped(const Term& term) {
        if (term.kind == Term::Kind::String) return true;
        if (term.kind != Term::Kind::Property) return false;
        PropertyType type = queryableOf(term.property).type;
        return type == PropertyType::String || type == PropertyType::StringList;
    }

    static std::string termName(const Term& term) {
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
    char scalarType(const Term& term, const std::string& op) const {
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

    void checkComparison(const Term& left, const Term& right, const std::string& op, std::size_t opOffset) const {
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

    Term parseList(const char* context) {
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

    // --- scalars ----------------------------------------------------------------------------
    Term parseScalar() {
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

    Term parseProperty() {
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
    Term parseInstant() {
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

    // --- functions --------------------------------------------------------------------------
    Expression parseSpatial() {
        Expression predicate;
        predicate.kind = Expression::Kind::Spatial;
        predicate.offset = m_token.offset;
        predicate.op = common::toUpperAscii(m_token.text);
        advance();
        expect(Token::Kind::LeftParen, "'(' after " + predicate.op);
        predicate.terms.push_back(parseGeometryOperand());
        expect(Token::Kind::Comma, "',' between the arguments of " + predicate.op);
        predicate.terms.push_back(parseGeometryOperand());
        expect(Token::Kind::RightParen, "')' to close " + predicate.op);
        int properties = 0;
        for (const Term& term : predicate.terms) properties += term.kind == Term::Kind::Property;
        if (properties != 1)
            fail(predicate.op + " needs the property geometry and one geometry literal (BBOX or WKT)",
                 predicate.offset);
        return predicate;
    }

    Term parseGeometryOperand() {
        std::size_t offset = m_token.offset;
        if (m_token.kind == Token::Kind::Identifier) {
            std::string name = common::toUpperAscii(m_token.text);
            if (name == "BBOX" && m_token.beforeParen) return parseBbox();
            if (isWktType(name)) return parseWkt();
            if (name == "GEOMETRYCOLLECTION") fail("GEOMETRYCOLLECTION is not supported", offset);
            if (name == "ENVELOPE") fail("ENVELOPE is CQL 1: use BBOX(minx, miny, maxx, maxy)", offset);
        }
        if (m_token.kind == Token::Kind::Identifier || m_token.kind == Token::Kind::QuotedIdentifier) {
            if (m_token.kind == Token::Kind::Identifier && m_token.beforeParen)
                fail("unsupported geometry " + m_token.text + " (use BBOX or WKT)", offset);
            Term property = parseProperty();
            if (queryableOf(property.property).type != PropertyType::Geometry)
                fail("property '" + std::string(queryableOf(property.property).name) +
                         "' is not a geometry (the spatial queryable is 'geometry')",
                     offset);
            return property;
        }
        fail("expected the property geometry, BBOX(...) or a WKT geometry, found " + describe(m_token), offset);
    }

    static void checkPosition(double x, double y, std::size_t offset, Parser& parser) {
        if (x < -180 || x > 180 || y < -90 || y > 90)
            parser.fail("coordinates must be CRS84 longitude [-180,180] and latitude [-90,90]", offset);
    }

    double parseNumber(const std::string& context) {
        if (m_token.kind != Token::Kind::Number)
            fail("expected a number in " + context + ", found " + describe(m_token), m_token.offset);
        Term number = parseScalar();
        return number.number;
    }

    Term parseBbox() {
        Term term;
        term.kind = Term::Kind::Geometry;
        term.offset = m_token.offset;
        advance();
        expect(Token::Kind::LeftParen, "'(' after BBOX");
        std::vector<double> numbers;
        while (true) {
            numbers.push_back(parseNumber("BBOX"));
            if (m_token.kind == Token::Kind::Comma) {
                advance();
                continue;
            }
            expect(Token::Kind::RightParen, "',' or ')' in BBOX");
            break;
        }
        if (numbers.size() == 4)
            term.envelope = {numbers[0], numbers[1], numbers[2], numbers[3]};
        else if (numbers.size() == 6)
            term.envelope = {numbers[0], numbers[1], numbers[3], numbers[4]};  // heights are ignored
        else
            fail("BBOX needs 4 numbers (minx, miny, maxx, maxy) or 6 with heights, got " +
                     std::to_string(numbers.size()),
                 term.offset);
        checkPosition(term.envelope.minX, term.envelope.minY, term.offset, *this);
        checkPosition(term.envelope.maxX, term.envelope.maxY, term.offset, *this);
        if (term.envelope.minY > term.envelope.maxY)
            fail("BBOX: the minimum latitude is larger than the maximum", term.offset);
        if (term.envelope.minX > term.envelope.maxX)
            fail(
                "BBOX: the minimum longitude is larger than the maximum (boxes crossing the antimeridian are not "
                "supported)",
                term.offset);
        return term;
    }

    // WKT: only the envelope is kept. Nesting levels: POINT/LINESTRING/MULTIPOINT 1 (MULTIPOINT also
    // 2), POLYGON/MULTILINESTRING 2, MULTIPOLYGON 3. Rings of polygons need 4 positions and must close.
    Term parseWkt() {
        Term term;
        term.kind = Term::Kind::Geometry;
        term.offset = m_token.offset;
        std::string type = common::toUpperAscii(m_token.text);
        advance();
        if (isKeyword("Z") || isKeyword("M") || isKeyword("ZM")) advance();
        if (isKeyword("EMPTY"))
            fail(type + " EMPTY: an empty geometry matches nothing and is not accepted", term.offset);
        m_envelopeEmpty = true;
        if (type == "POINT") {
            expect(Token::Kind::LeftParen, "'(' after POINT");
            parsePosition();
            expect(Token::Kind::RightParen, "')' to close POINT (one position)");
        } else if (type == "LINESTRING") {
            parsePositions(2, false);
        } else if (type == "MULTIPOINT") {
            expect(Token::Kind::LeftParen, "'(' after MULTIPOINT");
            while (true) {
                if (m_token.kind == Token::Kind::LeftParen) {
                    advance();
                    parsePosition();
                    expect(Token::Kind::RightParen, "')' after a point of MULTIPOINT");
                } else {
                    parsePosition();
                }
                if (m_token.kind == Token::Kind::Comma) {
                    advance();
                    continue;
                }
                expect(Token::Kind::RightParen, "',' or ')' in MULTIPOINT");
                break;
            }
        } else {
            int levels = type == "MULTIPOLYGON" ? 3 : 2;
            bool rings = type != "MULTILINESTRING";
            parseNested(levels, rings);
        }
        term.envelope = m_envelope;
        return term;
    }

    void parseNested(int levels, bool rings) {
        if (levels == 1) {
            parsePositions(rings ? 4 : 2, rings);
            return;
        }
        expect(Token::Kind::LeftParen, "'(' in the WKT geometry");
        while (true) {
            parseNested(levels - 1, rings);
            if (m_token.kind == Token::Kind::Comma) {
                advance();
                continue;
            }
            expect(Token::Kind::RightParen, "',' or ')' in the WKT geometry");
            break;
        }
    }

    void parsePositions(std::size_t minimum, bool ring) {
        std::size_t offset = m_token.offset;
        expect(Token::Kind::LeftParen, "'(' to start a list of positions");
        std::vector<std::pair<double, double>> positions;
        while (true) {
            positions.push_back(parsePosition());
            if (m_token.kind == Token::Kind::Comma) {
                advance();
                continue;
            }
            expect(Token::Kind::RightParen, "',' or ')' in a list of positions");
            break;
        }
        if (positions.size() < minimum)
            fail(std::string(ring ? "a polygon ring" : "a line") + " needs at least " + std::to_string(minimum) +
                     " positions",
                 offset);
        if (ring && positions.front() != positions.back()) fail("a polygon ring must end where it starts", offset);
    }

    std::pair<double, double> parsePosition() {
        std::size_t offset = m_token.offset;
        double x = parseNumber("a position");
        double y = parseNumber("a position (x y)");
        if (m_token.kind == Token::Kind::Number) parseNumber("a position");  // z
        if (m_token.kind == Token::Kind::Number) parseNumber("a position");  // m
        checkPosition(x, y, offset, *this);
        if (m_envelopeEmpty) {
            m_envelope = {x, y, x, y};
            m_envelopeEmpty = false;
        } else {
            m_envelope.minX = std::min(m_envelope.minX, x);
            m_envelope.minY = std::min(m_envelope.minY, y);
            m_envelope.maxX = std::max(m_envelope.maxX, x);
            m_envelope.maxY = std::max(m_envelope.maxY, y);
        }
        return {x, y};
    }

    Expression parseTemporal() {
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

    Term parseTemporalOperand(const std::string& function) {
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

    Term parseInterval() {
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

    std::int64_t parseIntervalBound(bool isEnd) {
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

    Expression parseArray() {
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

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::size_t m_chars = 0;
    Token m_token;
    int m_depth = 0;
    int m_predicates = 0;
    record::Bbox m_envelope;
    bool m_envelopeEmpty = true;
};

}  // namespace

Expression parse(std::string_view text) {
    if (text.size() > kMaxFilterLength)
        throw FilterError("the filter is longer than " + std::to_string(kMaxFilterLength) + " bytes", kMaxFilterLength);
    Parser parser(text);
    return parser.parseFilter();
}

}  // namespace tweeling::registry::store::cql2
