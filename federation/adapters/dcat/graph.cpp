// The bounded triple graph both RDF readers fill, and the choice of reader by media type.
#include "adapters/dcat/rdf.hpp"

#include <cctype>

#include "common/text.hpp"

namespace tweeling::federation::adapters::rdf {

std::string vocabIri(std::string_view prefix, std::string_view local) {
    std::string out(prefix);
    out += local;
    return out;
}

TermId Graph::intern(TermKind kind, std::string_view value, std::string_view language, std::string_view datatype) {
    if (value.size() > m_limits.maxTermBytes || datatype.size() > m_limits.maxTermBytes || language.size() > 64)
        throw RdfError("a term is longer than " + std::to_string(m_limits.maxTermBytes) + " bytes");
    std::string key;
    key.reserve(value.size() + language.size() + datatype.size() + 3);
    key += static_cast<char>('0' + static_cast<int>(kind));
    key += value;
    key += '\x1f';
    key += language;
    key += '\x1f';
    key += datatype;
    auto found = m_index.find(key);
    if (found != m_index.end()) return found->second;
    m_termBytes += key.size();
    if (m_termBytes > m_limits.maxTotalTermBytes)
        throw RdfError("the page's terms are larger than " + std::to_string(m_limits.maxTotalTermBytes) + " bytes");
    if (m_terms.size() >= 4 * m_limits.maxTriples + 16)
        throw RdfError("the page has more than " + std::to_string(4 * m_limits.maxTriples) + " terms");
    Term term;
    term.kind = kind;
    term.value = std::string(value);
    term.language = common::toLowerAscii(language);
    term.datatype = std::string(datatype);
    TermId id = static_cast<TermId>(m_terms.size());
    m_terms.push_back(std::move(term));
    m_index.emplace(std::move(key), id);
    return id;
}

TermId Graph::iri(std::string_view value) {
    return intern(TermKind::Iri, value, {}, {});
}
TermId Graph::blank(std::string_view label) {
    return intern(TermKind::Blank, label, {}, {});
}

TermId Graph::literal(std::string_view value, std::string_view language, std::string_view datatype) {
    // rdf:langString and xsd:string say nothing a plain literal does not.
    if (datatype == vocabIri(ns::xsd, "string") || datatype == vocabIri(ns::rdf, "langString")) datatype = {};
    return intern(TermKind::Literal, value, language, datatype);
}

TermId Graph::freshBlank() {
    // A label no Turtle or JSON-LD document can write (a blank node label has no spaces).
    return blank("generated " + std::to_string(++m_freshBlanks));
}

void Graph::add(TermId subject, TermId predicate, TermId object) {
    if (!m_seen.emplace(subject, predicate, object).second) return;
    if (m_triples.size() >= m_limits.maxTriples)
        throw RdfError("the page has more than " + std::to_string(m_limits.maxTriples) + " triples");
    m_bySubject[subject].push_back(m_triples.size());
    m_triples.push_back({subject, predicate, object});
}

std::optional<TermId> Graph::findIri(std::string_view value) const {
    std::string key = "0";
    key += value;
    key += "\x1f\x1f";
    auto found = m_index.find(key);
    if (found == m_index.end()) return std::nullopt;
    return found->second;
}

std::vector<TermId> Graph::objects(TermId subject, std::string_view predicate) const {
    std::vector<TermId> out;
    auto p = findIri(predicate);
    auto list = m_bySubject.find(subject);
    if (!p || list == m_bySubject.end()) return out;
    for (std::size_t index : list->second)
        if (m_triples[index].predicate == *p) out.push_back(m_triples[index].object);
    return out;
}

std::optional<TermId> Graph::object(TermId subject, std::string_view predicate) const {
    auto all = objects(subject, predicate);
    if (all.empty()) return std::nullopt;
    return all.front();
}

std::vector<TermId> Graph::subjectsOfType(std::string_view type) const {
    std::vector<TermId> out;
    auto p = findIri(vocabIri(ns::rdf, "type"));
    auto t = findIri(type);
    if (!p || !t) return out;
    std::set<TermId> seen;
    for (const Triple& triple : m_triples)
        if (triple.predicate == *p && triple.object == *t && seen.insert(triple.subject).second)
            out.push_back(triple.subject);
    return out;
}

bool Graph::hasType(TermId subject, std::string_view type) const {
    auto t = findIri(type);
    if (!t) return false;
    for (TermId object : objects(subject, vocabIri(ns::rdf, "type")))
        if (object == *t) return true;
    return false;
}

Syntax syntaxOf(std::string_view contentType, std::string_view body) {
    std::string type = common::toLowerAscii(common::trim(contentType.substr(0, contentType.find(';'))));
    if (type == "text/turtle" || type == "application/x-turtle") return Syntax::Turtle;
    if (type == "application/n-triples") return Syntax::NTriples;
    if (type == "application/ld+json") return Syntax::JsonLd;
    // No (or a generic) type: the first character that is not white space or a comment tells.
    std::size_t at = 0;
    while (at < body.size()) {
        unsigned char c = static_cast<unsigned char>(body[at]);
        if (std::isspace(c)) {
            ++at;
        } else if (c == 0xEF && body.substr(at, 3) == "\xEF\xBB\xBF") {
            at += 3;
        } else if (c == '#') {
            std::size_t end = body.find('\n', at);
            at = end == std::string_view::npos ? body.size() : end + 1;
        } else {
            break;
        }
    }
    if (at >= body.size()) return Syntax::Unknown;
    char first = body[at];
    if (first == '{' || first == '[') return Syntax::JsonLd;
    if (first == '@' || first == '<' || first == '_') return Syntax::Turtle;
    std::string head = common::toLowerAscii(body.substr(at, 7));
    if (head.rfind("prefix", 0) == 0 || head.rfind("base", 0) == 0) return Syntax::Turtle;
    if (std::isalpha(static_cast<unsigned char>(first))) return Syntax::Turtle;  // a prefixed name
    return Syntax::Unknown;
}

const char* syntaxName(Syntax syntax) {
    switch (syntax) {
        case Syntax::Turtle:
            return "Turtle";
        case Syntax::NTriples:
            return "N-Triples";
        case Syntax::JsonLd:
            return "JSON-LD";
        case Syntax::Unknown:
            return "unknown";
    }
    return "unknown";
}

void readRdf(Syntax syntax, std::string_view text, const std::string& baseIri, Graph& out) {
    switch (syntax) {
        case Syntax::Turtle:
        case Syntax::NTriples:
            readTurtle(text, baseIri, out);
            return;
        case Syntax::JsonLd:
            readJsonLd(text, baseIri, out);
            return;
        case Syntax::Unknown:
            break;
    }
    throw RdfError("neither Turtle, N-Triples nor JSON-LD (by its Content-Type or its first characters)");
}

}  // namespace tweeling::federation::adapters::rdf
