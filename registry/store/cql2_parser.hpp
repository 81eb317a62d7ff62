#pragma once
// The CQL2 text parser, shared by the files that implement it: cql2_lexer.cpp (tokens),
// cql2_conditions.cpp (AND/OR/NOT, predicates, lists, the A_* functions), cql2_types.cpp (type
// checks of operands), cql2_scalars.cpp (literals, properties, DATE/TIMESTAMP), cql2_spatial.cpp
// (S_INTERSECTS, BBOX, WKT), cql2_temporal.cpp (T_* functions, INTERVAL). cql2.cpp holds the
// queryables and the entry point. Internal to registry/store.
#include "store/cql2.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace tweeling::registry::store::cql2::detail {

const Queryable* findQueryable(std::string_view name);
const Queryable& queryableOf(Property property);
std::string queryableNames();

struct Token {
    enum class Kind { End, Identifier, QuotedIdentifier, String, Number, LeftParen, RightParen, Comma, Operator };
    Kind kind = Kind::End;
    std::string text;          // identifier (as written), string value (unescaped), operator, number text
    std::size_t offset = 0;    // in characters
    bool beforeParen = false;  // an identifier directly followed (after spaces) by '('
};

bool isWktType(const std::string& name);
// Keywords that can never be property names unless double-quoted.
bool isReserved(const std::string& name);

class Parser {
public:
    explicit Parser(std::string_view text, bool crs84 = true) : m_text(text), m_crs84(crs84) { advance(); }

    Expression parseFilter();

private:
    // --- tokens (cql2_lexer.cpp) -----------------------------------------------------------
    [[noreturn]] void fail(const std::string& message, std::size_t offset) const;
    void skipSpaces();
    // Moves one byte, counting characters (UTF-8 continuation bytes do not start one).
    void step();
    std::size_t charOffset() const;
    void advance();
    void readString(Token& token);
    void readQuotedIdentifier(Token& token);
    void readNumber(Token& token, char c);
    void readOperator(Token& token, char c);
    static std::string describe(const Token& token);
    bool isKeyword(const char* word) const;
    void expectKeyword(const char* word, const std::string& context);
    void expect(Token::Kind kind, const std::string& what);

    struct DepthGuard {
        DepthGuard(Parser& parser, std::size_t offset) : m_parser(parser) {
            if (++m_parser.m_depth > kMaxDepth)
                m_parser.fail("the filter nests deeper than " + std::to_string(kMaxDepth) + " levels", offset);
        }
        ~DepthGuard() { --m_parser.m_depth; }
        Parser& m_parser;
    };

    // --- boolean structure and predicates (cql2_conditions.cpp) -------------------------------
    Expression parseOr();
    Expression parseAnd();
    // operand { keyword operand }: one node of `kind` with every operand as a child (a flat list,
    // not a nested chain, so that 200 conditions are 200 children, not 200 levels).
    Expression parseChain(const char* keyword, Expression::Kind kind, Expression (Parser::*operand)());
    Expression parseNot();
    static Expression negate(Expression inner, std::size_t offset);
    Expression parsePrimary();
    Expression parsePredicate(Term left, std::size_t offset);
    Term parseList(const char* context);
    Expression parseArray();

    // --- type checks (cql2_types.cpp) -------------------------------------------------------
    static bool isList(const Term& term);
    static bool isStringTyped(const Term& term);
    static std::string termName(const Term& term);
    // The comparable kind of a scalar: 's' text, 'n' number, 'b' boolean, 't' time instant/day.
    char scalarType(const Term& term, const std::string& op) const;
    void checkComparison(const Term& left, const Term& right, const std::string& op, std::size_t opOffset) const;

    // --- scalars (cql2_scalars.cpp) ---------------------------------------------------------
    Term parseScalar();
    Term parseProperty();
    // DATE('YYYY-MM-DD') is its whole day; TIMESTAMP('...') one second.
    Term parseInstant();

    // --- spatial (cql2_spatial.cpp) ---------------------------------------------------------
    Expression parseSpatial();
    Term parseGeometryOperand();
    static void checkPosition(double x, double y, std::size_t offset, Parser& parser);
    double parseNumber(const std::string& context);
    Term parseBbox();
    // WKT: only the envelope is kept. Nesting levels: POINT/LINESTRING/MULTIPOINT 1 (MULTIPOINT also
    // 2), POLYGON/MULTILINESTRING 2, MULTIPOLYGON 3. Rings of polygons need 4 positions and must close.
    Term parseWkt();
    void parseNested(int levels, bool rings);
    void parsePositions(std::size_t minimum, bool ring);
    std::pair<double, double> parsePosition();

    // --- temporal (cql2_temporal.cpp) -------------------------------------------------------
    Expression parseTemporal();
    Term parseTemporalOperand(const std::string& function);
    Term parseInterval();
    std::int64_t parseIntervalBound(bool isEnd);

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::size_t m_chars = 0;
    Token m_token;
    int m_depth = 0;
    int m_predicates = 0;
    record::Bbox m_envelope;
    bool m_envelopeEmpty = true;
    bool m_crs84 = true;  // geometry literals are CRS84 and range-checked (else filter-crs names another CRS)
};

}  // namespace tweeling::registry::store::cql2::detail
