#pragma once
// Foreign XML (CSW responses, ISO 19139 records) read safely with libxml2, and walked by namespace
// URI and local name, never by prefix: a catalog may bind any prefix (or none) to a namespace.
//
// Hostile input: the network is never used (XML_PARSE_NONET), entities are not substituted
// (XML_PARSE_NOENT off) and a document that declares a DTD at all is refused as soon as its DOCTYPE
// is met (no internal subset is read, so no entity bomb is expanded or even declared), no external
// DTD is loaded, libxml2's limits stay on (XML_PARSE_HUGE off: 256 levels of nesting, 10 MB text
// nodes) and the size is bounded by the caller. libxml2 itself is hidden from the including files.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct _xmlDoc;
struct _xmlNode;

namespace tweeling::federation::adapters::xml {

// The namespaces the adapters read.
namespace ns {
inline constexpr const char* kCsw = "http://www.opengis.net/cat/csw/2.0.2";
inline constexpr const char* kOws = "http://www.opengis.net/ows";        // CSW 2.0.2's OWS 1.0
inline constexpr const char* kOws11 = "http://www.opengis.net/ows/1.1";  // some servers answer with 1.1
inline constexpr const char* kGmd = "http://www.isotc211.org/2005/gmd";
inline constexpr const char* kGmi = "http://www.isotc211.org/2005/gmi";  // ISO 19115-2 (MI_Metadata)
inline constexpr const char* kGco = "http://www.isotc211.org/2005/gco";
inline constexpr const char* kGmx = "http://www.isotc211.org/2005/gmx";
inline constexpr const char* kSrv = "http://www.isotc211.org/2005/srv";
inline constexpr const char* kGml = "http://www.opengis.net/gml";
inline constexpr const char* kGml32 = "http://www.opengis.net/gml/3.2";
inline constexpr const char* kXlink = "http://www.w3.org/1999/xlink";
inline constexpr const char* kOgc = "http://www.opengis.net/ogc";
}  // namespace ns

// A view of one element of a Document (valid while the Document lives); empty when not found.
class Element {
public:
    Element() = default;
    explicit Element(const _xmlNode* node) : m_node(node) {}
    explicit operator bool() const { return m_node != nullptr; }

    std::string_view localName() const;
    std::string_view namespaceUri() const;  // "" when the element is in no namespace
    bool is(std::string_view ns, std::string_view local) const;

    // Child elements (only elements; at most `limit`), all or those of one name.
    std::vector<Element> children(std::size_t limit = 10000) const;
    std::vector<Element> children(std::string_view ns, std::string_view local, std::size_t limit = 10000) const;
    Element child(std::string_view ns, std::string_view local) const;
    Element firstChild() const;  // the first child element, whatever its name
    // Follows a path of child names, each step the first child of that name.
    Element path(std::initializer_list<std::pair<const char*, const char*>> steps) const;
    // Descendants of one name in document order (iteratively; at most `limit`).
    std::vector<Element> descendants(std::string_view ns, std::string_view local, std::size_t limit = 10000) const;

    // The text inside (every text and CDATA descendant, in order), trimmed; at most maxBytes.
    std::string text(std::size_t maxBytes = 1 << 20) const;
    // An attribute by namespace and local name ("" namespace: an unqualified attribute); nullopt if absent.
    std::optional<std::string> attribute(std::string_view ns, std::string_view local) const;

private:
    const _xmlNode* m_node = nullptr;
};

// A parsed document; move-only, frees libxml2's tree when destroyed.
class Document {
public:
    // Parses `bytes`; on failure returns an empty document and sets *error to a sentence with the
    // line ("not well-formed XML at line 3: ..."). Documents over maxBytes are refused unread.
    static Document parse(std::string_view bytes, std::string& error, std::size_t maxBytes = 64u << 20);

    Document();
    ~Document();
    Document(Document&&) noexcept;
    Document& operator=(Document&&) noexcept;
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;

    explicit operator bool() const { return static_cast<bool>(m_doc); }
    Element root() const;

private:
    struct Free {
        void operator()(_xmlDoc* doc) const noexcept;
    };
    std::unique_ptr<_xmlDoc, Free> m_doc;
};

}  // namespace tweeling::federation::adapters::xml
