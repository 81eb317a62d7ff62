#include "adapters/xml.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <climits>
#include <cstring>
#include <mutex>

#include "common/text.hpp"

namespace tweeling::federation::adapters::xml {

namespace {

std::string_view view(const xmlChar* text) {
    return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

bool named(const xmlNode* node, std::string_view ns, std::string_view local) {
    if (!node || node->type != XML_ELEMENT_NODE || view(node->name) != local) return false;
    return view(node->ns ? node->ns->href : nullptr) == ns;
}

// What the parser met that ends the parse: a DTD (the document type declaration itself).
struct ParseState {
    bool dtd = false;
};

// SAX callbacks called when a DOCTYPE is met, before its internal subset is read: the parse stops
// there, so no entity of it is declared, let alone expanded (a billion-laughs document costs
// nothing). CSW and ISO 19139 documents have no DTD.
void refuseDtd(void* context, const xmlChar*, const xmlChar*, const xmlChar*) {
    auto* parser = static_cast<xmlParserCtxtPtr>(context);
    if (auto* state = static_cast<ParseState*>(parser->_private)) state->dtd = true;
    xmlStopParser(parser);
}

struct FreeParser {
    void operator()(xmlParserCtxt* parser) const noexcept { xmlFreeParserCtxt(parser); }
};

}  // namespace

void Document::Free::operator()(_xmlDoc* doc) const noexcept {
    xmlFreeDoc(doc);
}

Document::Document() = default;
Document::~Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;

Element Document::root() const {
    return Element(m_doc ? xmlDocGetRootElement(m_doc.get()) : nullptr);
}

Document Document::parse(std::string_view bytes, std::string& error, std::size_t maxBytes) {
    // libxml2's global state is set up once, before two threads can parse at the same time.
    static std::once_flag initialised;
    std::call_once(initialised, [] { xmlInitParser(); });
    Document out;
    error.clear();
    if (bytes.size() > maxBytes || bytes.size() > static_cast<std::size_t>(INT_MAX)) {
        error = "the XML document is larger than " + std::to_string(maxBytes) + " bytes";
        return out;
    }
    if (bytes.empty()) {
        error = "the response is empty, not an XML document";
        return out;
    }
    std::unique_ptr<xmlParserCtxt, FreeParser> parser(
        xmlCreateMemoryParserCtxt(bytes.data(), static_cast<int>(bytes.size())));
    if (!parser) {
        error = "the XML parser could not be set up";
        return out;
    }
    ParseState state;
    parser->_private = &state;
    parser->sax->internalSubset = &refuseDtd;
    parser->sax->externalSubset = &refuseDtd;
    // No network, no entity substitution (XML_PARSE_NOENT is not set), no DTD loading or
    // validation, libxml2's limits kept (no XML_PARSE_HUGE), nothing printed to stderr.
    xmlCtxtUseOptions(parser.get(), XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    xmlParseDocument(parser.get());
    std::unique_ptr<_xmlDoc, Free> doc(parser->myDoc);
    parser->myDoc = nullptr;
    if (state.dtd) {
        error =
            "the XML document declares a DTD (<!DOCTYPE ...>), which a catalog response has no need of; it "
            "was refused unread (entity declarations could expand without bound)";
        return out;
    }
    if (!parser->wellFormed || !doc || !xmlDocGetRootElement(doc.get())) {
        const xmlError* last = xmlCtxtGetLastError(parser.get());
        std::string message = last && last->message ? common::trim(last->message) : std::string("no root element");
        if (message.size() > 300) message.resize(300);
        error = "not well-formed XML";
        if (last && last->line > 0) error += " at line " + std::to_string(last->line);
        error += ": " + message;
        return out;
    }
    out.m_doc = std::move(doc);
    return out;
}

std::string_view Element::localName() const {
    return m_node ? view(m_node->name) : std::string_view();
}

std::string_view Element::namespaceUri() const {
    return m_node && m_node->ns ? view(m_node->ns->href) : std::string_view();
}

bool Element::is(std::string_view ns, std::string_view local) const {
    return named(m_node, ns, local);
}

std::vector<Element> Element::children(std::size_t limit) const {
    std::vector<Element> out;
    if (!m_node) return out;
    for (const xmlNode* child = m_node->children; child && out.size() < limit; child = child->next)
        if (child->type == XML_ELEMENT_NODE) out.emplace_back(child);
    return out;
}

std::vector<Element> Element::children(std::string_view ns, std::string_view local, std::size_t limit) const {
    std::vector<Element> out;
    if (!m_node) return out;
    for (const xmlNode* child = m_node->children; child && out.size() < limit; child = child->next)
        if (named(child, ns, local)) out.emplace_back(child);
    return out;
}

Element Element::child(std::string_view ns, std::string_view local) const {
    if (!m_node) return {};
    for (const xmlNode* child = m_node->children; child; child = child->next)
        if (named(child, ns, local)) return Element(child);
    return {};
}

Element Element::firstChild() const {
    if (!m_node) return {};
    for (const xmlNode* child = m_node->children; child; child = child->next)
        if (child->type == XML_ELEMENT_NODE) return Element(child);
    return {};
}

Element Element::path(std::initializer_list<std::pair<const char*, const char*>> steps) const {
    Element at = *this;
    for (const auto& [ns, local] : steps) {
        if (!at) break;
        at = at.child(ns, local);
    }
    return at;
}

std::vector<Element> Element::descendants(std::string_view ns, std::string_view local, std::size_t limit) const {
    std::vector<Element> out;
    if (!m_node) return out;
    // Iterative pre-order walk: no recursion however deep the tree.
    const xmlNode* node = m_node->children;
    while (node && out.size() < limit) {
        if (named(node, ns, local)) out.emplace_back(node);
        if (node->type == XML_ELEMENT_NODE && node->children) {
            node = node->children;
            continue;
        }
        while (node && node != m_node && !node->next) node = node->parent;
        if (!node || node == m_node) break;
        node = node->next;
    }
    return out;
}

std::string Element::text(std::size_t maxBytes) const {
    std::string out;
    if (!m_node) return out;
    const xmlNode* node = m_node->children;
    while (node) {
        if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) && node->content) {
            out += view(node->content);
            if (out.size() >= maxBytes) {
                // Cut before a UTF-8 sequence rather than inside one (libxml2 hands out UTF-8).
                std::size_t cut = maxBytes;
                while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
                out.resize(cut);
                break;
            }
        }
        // Entity references are not followed (none can be declared: a DTD is refused).
        if (node->type == XML_ELEMENT_NODE && node->children) {
            node = node->children;
            continue;
        }
        while (node && node != m_node && !node->next) node = node->parent;
        if (!node || node == m_node) break;
        node = node->next;
    }
    return common::trim(out);
}

std::optional<std::string> Element::attribute(std::string_view ns, std::string_view local) const {
    if (!m_node) return std::nullopt;
    for (const xmlAttr* attribute = m_node->properties; attribute; attribute = attribute->next) {
        if (view(attribute->name) != local) continue;
        if (view(attribute->ns ? attribute->ns->href : nullptr) != ns) continue;
        std::string value;
        for (const xmlNode* part = attribute->children; part; part = part->next)
            if (part->type == XML_TEXT_NODE && part->content) value += view(part->content);
        return value;
    }
    return std::nullopt;
}

}  // namespace tweeling::federation::adapters::xml
