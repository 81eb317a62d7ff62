// CQL2 spatial: S_INTERSECTS and its geometry literals, BBOX and WKT (kept as envelopes).
#include "store/cql2_parser.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <vector>

namespace tweeling::registry::store::cql2::detail {

Expression Parser::parseSpatial() {
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

Term Parser::parseGeometryOperand() {
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

void Parser::checkPosition(double x, double y, std::size_t offset, Parser& parser) {
    if (!parser.m_crs84) return;  // another CRS (filter-crs): its caller checks what PROJ makes of it
    if (x < -180 || x > 180 || y < -90 || y > 90)
        parser.fail("coordinates must be CRS84 longitude [-180,180] and latitude [-90,90]", offset);
}

double Parser::parseNumber(const std::string& context) {
    if (m_token.kind != Token::Kind::Number)
        fail("expected a number in " + context + ", found " + describe(m_token), m_token.offset);
    Term number = parseScalar();
    return number.number;
}

Term Parser::parseBbox() {
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
        fail(m_crs84 ? "BBOX: the minimum latitude is larger than the maximum"
                     : "BBOX: the second minimum is larger than the second maximum",
             term.offset);
    if (!m_crs84 && term.envelope.minX > term.envelope.maxX)
        fail("BBOX: the first minimum is larger than the first maximum", term.offset);
    if (term.envelope.minX > term.envelope.maxX)
        fail(
            "BBOX: the minimum longitude is larger than the maximum (boxes crossing the antimeridian are not "
            "supported)",
            term.offset);
    return term;
}

// WKT: only the envelope is kept. Nesting levels: POINT/LINESTRING/MULTIPOINT 1 (MULTIPOINT also
// 2), POLYGON/MULTILINESTRING 2, MULTIPOLYGON 3. Rings of polygons need 4 positions and must close.
Term Parser::parseWkt() {
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

void Parser::parseNested(int levels, bool rings) {
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

void Parser::parsePositions(std::size_t minimum, bool ring) {
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

std::pair<double, double> Parser::parsePosition() {
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

}  // namespace tweeling::registry::store::cql2::detail
