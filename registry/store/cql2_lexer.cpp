// CQL2 tokens: the lexer's half of the Parser, and the words it knows.
#include "store/cql2_parser.hpp"

#include "common/text.hpp"

#include <cctype>

namespace tweeling::registry::store::cql2::detail {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool isIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentifierPart(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':';
}

}  // namespace

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

void Parser::fail(const std::string& message, std::size_t offset) const { throw FilterError(message, offset); }

void Parser::skipSpaces() {
    while (m_pos < m_text.size() && isSpace(m_text[m_pos])) step();
}
// Moves one byte, counting characters (UTF-8 continuation bytes do not start one).
void Parser::step() {
    if ((static_cast<unsigned char>(m_text[m_pos]) & 0xC0) != 0x80) ++m_chars;
    ++m_pos;
}
std::size_t Parser::charOffset() const {
    // m_chars counts characters started before m_pos.
    return m_chars;
}

void Parser::advance() {
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
        readString(token);
    } else if (c == '"') {
        readQuotedIdentifier(token);
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
               ((c == '-' || c == '+') && m_pos + 1 < m_text.size() &&
                (std::isdigit(static_cast<unsigned char>(m_text[m_pos + 1])) || m_text[m_pos + 1] == '.'))) {
        readNumber(token, c);
    } else if (isIdentifierStart(c)) {
        token.kind = Token::Kind::Identifier;
        std::size_t start = m_pos;
        while (m_pos < m_text.size() && isIdentifierPart(m_text[m_pos])) step();
        token.text = std::string(m_text.substr(start, m_pos - start));
    } else if (c == '=' || c == '<' || c == '>') {
        readOperator(token, c);
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

// After the opening quote: a string literal, '' standing for one quote.
void Parser::readString(Token& token) {
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
}

// After the opening double quote: a property name.
void Parser::readQuotedIdentifier(Token& token) {
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
}

// A number from `c`, its first character: sign, digits and dots, exponent.
void Parser::readNumber(Token& token, char c) {
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
}

// '=', '<', '>', '<=', '>=' or '<>', from `c`, its first character.
void Parser::readOperator(Token& token, char c) {
    token.kind = Token::Kind::Operator;
    step();
    if (m_pos < m_text.size() &&
        ((c == '<' && (m_text[m_pos] == '=' || m_text[m_pos] == '>')) || (c == '>' && m_text[m_pos] == '='))) {
        token.text = std::string(1, c) + m_text[m_pos];
        step();
    } else {
        token.text = std::string(1, c);
    }
}

std::string Parser::describe(const Token& token) {
    switch (token.kind) {
        case Token::Kind::End: return "end of filter";
        case Token::Kind::String: return "string '" + token.text + "'";
        case Token::Kind::QuotedIdentifier: return "\"" + token.text + "\"";
        default: return "'" + token.text + "'";
    }
}

bool Parser::isKeyword(const char* word) const {
    return m_token.kind == Token::Kind::Identifier && common::toUpperAscii(m_token.text) == word;
}
void Parser::expectKeyword(const char* word, const std::string& context) {
    if (!isKeyword(word))
        fail("expected " + std::string(word) + " " + context + ", found " + describe(m_token), m_token.offset);
    advance();
}
void Parser::expect(Token::Kind kind, const std::string& what) {
    if (m_token.kind != kind) fail("expected " + what + ", found " + describe(m_token), m_token.offset);
    advance();
}

}  // namespace tweeling::registry::store::cql2::detail
