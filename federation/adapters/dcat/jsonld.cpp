// JSON-LD → triples, bounded to what DCAT-AP catalogs use.
//
// Why our own: Debian packages no JSON-LD processor for C or C++ (serd, sord, raptor and librdf read
// Turtle, N-Triples and RDF/XML only), and a full JSON-LD 1.1 processor fetches remote contexts,
// which a harvester of hostile input must not. So this reader implements the expansion and
// RDF-conversion algorithms for the subset DCAT-AP catalogs write, over RapidJSON (parsed with
// common::parseUntrusted), and refuses the rest clearly:
//   - contexts: inline objects and arrays of them; terms (string or object definitions with @id,
//     @type (@id, @vocab or a datatype), @container (@set, @list, @language, @index, @graph are
//     read; an @index map's keys are ignored), @language and a scoped @context); compact IRIs
//     (prefix:suffix); @vocab; @base; @language; type-scoped and property-scoped contexts;
//   - a context given by URL is never fetched: only the contexts bundled in the program, known by
//     their URL (the DCAT-AP 3.0.0 context and the DCAT-AP 3.0.0 examples' context); any other URL
//     is an error for that page;
//   - documents: a node object, an array of them, or {@context, @graph}; nested node objects (blank
//     when they have no @id); @id; @type; value objects (@value with @language or @type); plain
//     strings, numbers and booleans; arrays; @list (read as a plain sequence of values: DCAT-AP
//     gives no meaning to the order); @set; @included; @graph inside a node (merged into the one
//     graph);
//   - not read: @reverse, @nest, @json literals, @direction (the value is kept without it), @import
//     and @propagate (an error: a context that needs them is not one DCAT-AP publishes).
// Bounds: the JSON's nesting (parseUntrusted's depth limit), the depth of nested node objects and
// contexts, the number of term definitions processed, and the Graph's limits on triples and terms.
#include "adapters/dcat/rdf.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <map>
#include <memory>

#include "adapters/json_members.hpp"
#include "adapters/text.hpp"
#include "adapters/url.hpp"
#include "common/json.hpp"

namespace tweeling::generated {
extern const char* const kDcatAp300Context;
extern const char* const kDcatAp300ExamplesContext;
}  // namespace tweeling::generated

namespace tweeling::federation::adapters::rdf {

using common::Json;
using common::JsonValue;

namespace {

// Term definitions processed per page, scoped contexts and the copies of the active context they
// make included: a page of 1,000 datasets under the DCAT-AP 3.0.0 examples context (type-scoped
// contexts for every dataset) stays below it, and reads in about 50 ms (measured).
constexpr std::size_t kMaxTermDefinitions = 1000000;

struct TermDefinition {
    std::optional<std::string> iri;  // nullopt: the term is defined as null (its values are dropped)
    std::string type;                // "@id", "@vocab", a datatype IRI, or ""
    bool listContainer = false;
    bool languageContainer = false;
    bool indexContainer = false;
    std::optional<std::string> language;       // "@language" of the term ("" = none)
    const JsonValue* scopedContext = nullptr;  // points into the document or a bundled context
};

struct Context {
    std::string base;
    std::optional<std::string> vocab;
    std::string language;
    std::map<std::string, TermDefinition, std::less<>> terms;
};
using ContextPtr = std::shared_ptr<const Context>;

// The bundled contexts, parsed once (the program's own text: a plain Parse).
const JsonValue* knownContext(std::string_view url) {
    struct Known {
        const char* url;  // without its scheme
        const char* text;
        Json document;
    };
    static const std::vector<std::unique_ptr<Known>> known = [] {
        std::vector<std::unique_ptr<Known>> out;
        auto add = [&](const char* url, const char* text) {
            auto entry = std::make_unique<Known>();
            entry->url = url;
            entry->text = text;
            // By length: RapidJSON's SSE2 whitespace scan of a NUL-terminated string reads whole
            // 16-byte blocks, past the end of this global (AddressSanitizer: global-buffer-overflow).
            entry->document.Parse(text, std::strlen(text));
            out.push_back(std::move(entry));
        };
        using namespace tweeling::generated;
        add("semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/context/dcat-ap.jsonld",
            kDcatAp300Context);
        add("semiceu.github.io/DCAT-AP/releases/3.0.0/context/dcat-ap.jsonld", kDcatAp300Context);
        add("semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/html/examples/context.jsonld",
            kDcatAp300ExamplesContext);
        add("semiceu.github.io/DCAT-AP/releases/3.0.0/html/examples/context.jsonld", kDcatAp300ExamplesContext);
        return out;
    }();
    std::string_view key = url;
    for (std::string_view scheme : {"https://", "http://"})
        if (key.substr(0, scheme.size()) == scheme) key.remove_prefix(scheme.size());
    for (const auto& entry : known)
        if (key == entry->url && entry->document.IsObject()) {
            auto found = entry->document.FindMember("@context");
            if (found != entry->document.MemberEnd()) return &found->value;
        }
    return nullptr;
}

std::string textOf(const JsonValue& value) {
    return std::string(text(value));
}

bool isKeyword(std::string_view value) {
    return !value.empty() && value[0] == '@';
}

bool isAbsoluteIri(std::string_view value) {
    std::size_t colon = value.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    return isUri(value);
}

class Reader {
public:
    Reader(Graph& graph, std::string base) : m_graph(graph), m_base(std::move(base)) {}

    void document(const JsonValue& root) {
        auto context = std::make_shared<Context>();
        context->base = m_base;
        ContextPtr active = context;
        if (root.IsArray()) {
            for (const auto& item : root.GetArray()) topLevel(item, active);
            return;
        }
        topLevel(root, active);
    }

private:
    void topLevel(const JsonValue& value, const ContextPtr& active) {
        if (!value.IsObject()) throw RdfError("the document is neither a JSON object nor an array of them");
        node(value, active, 0);
    }

    // ---- contexts ----

    ContextPtr process(const ContextPtr& active, const JsonValue& local, std::size_t depth) {
        if (depth > m_graph.limits().maxDepth) throw RdfError("contexts are nested too deep");
        if (local.IsArray()) {
            ContextPtr result = active;
            for (const auto& item : local.GetArray()) result = process(result, item, depth + 1);
            return result;
        }
        if (local.IsNull()) {
            auto fresh = std::make_shared<Context>();
            fresh->base = m_base;
            return fresh;
        }
        if (local.IsString()) {
            std::string url = resolveUrl(active->base, textOf(local));
            const JsonValue* bundled = knownContext(url);
            if (!bundled)
                throw RdfError("the remote @context '" + url.substr(0, 300) +
                               "' is not one the hub knows, and remote contexts are never fetched; inline it");
            return process(active, *bundled, depth + 1);
        }
        if (!local.IsObject()) throw RdfError("an @context is neither an object, a URL, an array nor null");
        auto result = std::make_shared<Context>(*active);
        m_definitions += result->terms.size();
        for (const char* unsupported : {"@import", "@propagate"})
            if (local.HasMember(unsupported))
                throw RdfError(std::string("a context uses ") + unsupported + ", which this reader does not support");
        if (auto found = local.FindMember("@base"); found != local.MemberEnd()) {
            if (found->value.IsNull())
                result->base.clear();
            else if (found->value.IsString())
                result->base = resolveUrl(result->base, textOf(found->value));
        }
        if (auto found = local.FindMember("@vocab"); found != local.MemberEnd()) {
            if (found->value.IsNull())
                result->vocab.reset();
            else if (found->value.IsString()) {
                std::string vocab = textOf(found->value);
                result->vocab = vocab.empty() ? result->base : expand(*result, vocab, true, false);
            }
        }
        if (auto found = local.FindMember("@language"); found != local.MemberEnd())
            result->language = found->value.IsString() ? textOf(found->value) : std::string();
        // Terms may name each other (a compact IRI whose prefix is defined later): define on demand.
        std::map<std::string, const JsonValue*, std::less<>> pending;
        for (const auto& entry : local.GetObject()) {
            std::string key = textOf(entry.name);
            if (isKeyword(key)) continue;
            pending[key] = &entry.value;
        }
        for (const auto& entry : pending) define(*result, pending, entry.first, 0);
        return result;
    }

    void define(Context& context, std::map<std::string, const JsonValue*, std::less<>>& pending,
                const std::string& term, std::size_t depth) {
        auto found = pending.find(term);
        if (found == pending.end() || !found->second) return;  // defined already, or not in this context
        if (depth > 16) throw RdfError("the context's term '" + term.substr(0, 100) + "' is defined in a cycle");
        if (++m_definitions > kMaxTermDefinitions)
            throw RdfError("more than " + std::to_string(kMaxTermDefinitions) + " term definitions were processed");
        const JsonValue& value = *found->second;
        found->second = nullptr;
        // A compact IRI's prefix in this context is defined first.
        auto prefixFirst = [&](const std::string& iri) {
            std::size_t colon = iri.find(':');
            if (colon != std::string::npos && colon > 0) define(context, pending, iri.substr(0, colon), depth + 1);
        };
        TermDefinition definition;
        if (value.IsNull()) {
            definition.iri.reset();
            context.terms[term] = definition;
            return;
        }
        std::string id;
        if (value.IsString()) {
            id = textOf(value);
        } else if (value.IsObject()) {
            if (auto idMember = value.FindMember("@id"); idMember != value.MemberEnd()) {
                if (idMember->value.IsNull()) {
                    context.terms[term] = definition;  // iri null: the term is dropped
                    return;
                }
                if (idMember->value.IsString()) id = textOf(idMember->value);
            }
            if (auto type = value.FindMember("@type"); type != value.MemberEnd() && type->value.IsString()) {
                std::string raw = textOf(type->value);
                prefixFirst(raw);
                definition.type = (raw == "@id" || raw == "@vocab") ? raw : expand(context, raw, true, false);
            }
            if (auto container = value.FindMember("@container"); container != value.MemberEnd()) {
                auto note = [&](const JsonValue& entry) {
                    if (!entry.IsString()) return;
                    std::string name = textOf(entry);
                    if (name == "@list") definition.listContainer = true;
                    if (name == "@language") definition.languageContainer = true;
                    if (name == "@index") definition.indexContainer = true;
                };
                if (container->value.IsArray())
                    for (const auto& entry : container->value.GetArray()) note(entry);
                else
                    note(container->value);
            }
            if (auto language = value.FindMember("@language"); language != value.MemberEnd())
                definition.language = language->value.IsString() ? textOf(language->value) : std::string();
            if (auto scoped = value.FindMember("@context"); scoped != value.MemberEnd())
                definition.scopedContext = &scoped->value;
        } else {
            throw RdfError("the context's term '" + term.substr(0, 100) + "' is neither a string, an object nor null");
        }
        if (id.empty()) id = term;  // {"@type": ...} without @id: the term itself, by prefix or @vocab
        if (isKeyword(id)) {
            // An alias of a keyword ("id": "@id"): kept as such.
            definition.iri = id;
            context.terms[term] = definition;
            return;
        }
        prefixFirst(id);
        std::string iri = expand(context, id, true, false);
        if (iri == term && !isAbsoluteIri(iri) && !context.vocab) {
            context.terms.erase(term);  // a term that expands to nothing: its values are dropped
            return;
        }
        definition.iri = iri;
        context.terms[term] = definition;
    }

    // IRI expansion: keywords stay; terms (vocab only); compact IRIs; absolute IRIs; @vocab (vocab)
    // or the base (document-relative).
    std::string expand(const Context& context, const std::string& value, bool vocab, bool documentRelative) const {
        if (isKeyword(value)) return value;
        if (vocab) {
            auto term = context.terms.find(value);
            if (term != context.terms.end()) return term->second.iri.value_or("");
        }
        std::size_t colon = value.find(':');
        if (colon != std::string::npos && colon > 0) {
            std::string prefix = value.substr(0, colon);
            std::string suffix = value.substr(colon + 1);
            if (prefix == "_") return value;
            if (suffix.rfind("//", 0) == 0) return value;
            auto term = context.terms.find(prefix);
            if (term != context.terms.end() && term->second.iri && !isKeyword(*term->second.iri))
                return *term->second.iri + suffix;
            if (isAbsoluteIri(value)) return value;
        }
        if (vocab && context.vocab) return *context.vocab + value;
        if (documentRelative) return resolveUrl(context.base, value);
        return value;
    }

    // The keyword a member name stands for ("@id", or an alias of it), or "".
    static std::string keywordOf(const Context& context, const std::string& name) {
        if (isKeyword(name)) return name;
        auto term = context.terms.find(name);
        if (term != context.terms.end() && term->second.iri && isKeyword(*term->second.iri)) return *term->second.iri;
        return {};
    }

    // ---- nodes and values ----

    TermId subjectOf(const std::string& iri) {
        if (iri.rfind("_:", 0) == 0) return m_graph.blank(iri.substr(2));
        return m_graph.iri(iri);
    }

    // A node object: returns its subject.
    TermId node(const JsonValue& object, ContextPtr active, std::size_t depth) {
        if (depth > m_graph.limits().maxDepth)
            throw RdfError("node objects are nested more than " + std::to_string(m_graph.limits().maxDepth) + " deep");
        if (auto local = object.FindMember("@context"); local != object.MemberEnd())
            active = process(active, local->value, 0);
        const ContextPtr beforeTypes = active;  // type-scoped contexts do not reach nested nodes

        std::optional<TermId> subject;
        std::vector<std::string> types;
        for (const auto& entry : object.GetObject()) {
            std::string keyword = keywordOf(*active, textOf(entry.name));
            if (keyword == "@id" && entry.value.IsString()) {
                std::string iri = expand(*active, textOf(entry.value), false, true);
                if (!iri.empty()) subject = subjectOf(iri);
            } else if (keyword == "@type") {
                auto note = [&](const JsonValue& type) {
                    if (type.IsString()) types.push_back(textOf(type));
                };
                if (entry.value.IsArray())
                    for (const auto& type : entry.value.GetArray()) note(type);
                else
                    note(entry.value);
            }
        }
        if (!subject) subject = m_graph.freshBlank();
        // Type-scoped contexts, in the lexicographical order of the types' terms (JSON-LD 1.1, 4.1.7).
        std::vector<std::string> sorted = types;
        std::sort(sorted.begin(), sorted.end());
        for (const std::string& type : sorted) {
            auto term = beforeTypes->terms.find(type);
            if (term != beforeTypes->terms.end() && term->second.scopedContext)
                active = process(active, *term->second.scopedContext, 0);
        }
        const TermId rdfType = m_graph.iri(vocabIri(ns::rdf, "type"));
        for (const std::string& type : types) {
            std::string expanded = expand(*beforeTypes, type, true, true);
            if (expanded.empty() || isKeyword(expanded)) continue;
            m_graph.add(*subject, rdfType, subjectOf(expanded));
        }

        for (const auto& entry : object.GetObject()) {
            std::string name = textOf(entry.name);
            std::string keyword = keywordOf(*active, name);
            if (keyword == "@graph" || keyword == "@included") {
                // A named graph's (or included) nodes go into the one graph: a catalog page is one graph.
                auto each = [&](const JsonValue& item) {
                    if (item.IsObject()) node(item, beforeTypes, depth + 1);
                };
                if (entry.value.IsArray())
                    for (const auto& item : entry.value.GetArray()) each(item);
                else
                    each(entry.value);
                continue;
            }
            if (!keyword.empty()) continue;  // @id, @type, @context done; @reverse, @nest, @index not read
            auto term = active->terms.find(name);
            const TermDefinition* definition = term != active->terms.end() ? &term->second : nullptr;
            if (definition && !definition->iri) continue;  // defined as null
            std::string property = expand(*active, name, true, false);
            if (property.empty() || !isAbsoluteIri(property) || property.rfind("_:", 0) == 0) continue;
            ContextPtr valueContext = beforeTypes;
            if (definition && definition->scopedContext)
                valueContext = process(beforeTypes, *definition->scopedContext, 0);
            TermId predicate = m_graph.iri(property);
            values(*subject, predicate, entry.value, definition, valueContext, depth + 1);
        }
        return *subject;
    }

    void values(TermId subject, TermId predicate, const JsonValue& value, const TermDefinition* definition,
                const ContextPtr& active, std::size_t depth) {
        if (depth > m_graph.limits().maxDepth)
            throw RdfError("values are nested more than " + std::to_string(m_graph.limits().maxDepth) + " deep");
        if (value.IsNull()) return;
        if (value.IsArray()) {
            for (const auto& item : value.GetArray()) values(subject, predicate, item, definition, active, depth + 1);
            return;
        }
        if (value.IsObject() && definition && definition->languageContainer && !value.HasMember("@value")) {
            // {"en": "Bee population", "nl": ["…", "…"]}
            for (const auto& entry : value.GetObject()) {
                std::string language = textOf(entry.name);
                if (language == "@none") language.clear();
                auto add = [&](const JsonValue& item) {
                    if (item.IsString()) m_graph.add(subject, predicate, m_graph.literal(textOf(item), language));
                };
                if (entry.value.IsArray())
                    for (const auto& item : entry.value.GetArray()) add(item);
                else
                    add(entry.value);
            }
            return;
        }
        if (value.IsObject() && definition && definition->indexContainer && !value.HasMember("@value") &&
            !value.HasMember("@id")) {
            for (const auto& entry : value.GetObject())
                values(subject, predicate, entry.value, definition, active, depth + 1);
            return;
        }
        if (value.IsObject()) {
            std::string valueKey, listKey, setKey, typeKey, languageKey;
            for (const auto& entry : value.GetObject()) {
                std::string keyword = keywordOf(*active, textOf(entry.name));
                if (keyword == "@value") valueKey = textOf(entry.name);
                if (keyword == "@list") listKey = textOf(entry.name);
                if (keyword == "@set") setKey = textOf(entry.name);
                if (keyword == "@type") typeKey = textOf(entry.name);
                if (keyword == "@language") languageKey = textOf(entry.name);
            }
            if (!listKey.empty() || !setKey.empty()) {
                // @list read as a plain sequence (DCAT-AP gives no meaning to the order).
                values(subject, predicate, value[(listKey.empty() ? setKey : listKey).c_str()], definition, active,
                       depth + 1);
                return;
            }
            if (!valueKey.empty()) {
                const JsonValue& literal = value[valueKey.c_str()];
                std::string datatype;
                if (!typeKey.empty() && value[typeKey.c_str()].IsString()) {
                    datatype = expand(*active, textOf(value[typeKey.c_str()]), true, false);
                    if (datatype == "@json") return;
                }
                std::string language;
                if (!languageKey.empty() && value[languageKey.c_str()].IsString())
                    language = textOf(value[languageKey.c_str()]);
                scalar(subject, predicate, literal, datatype, language, nullptr, *active);
                return;
            }
            TermId object = node(value, active, depth + 1);
            m_graph.add(subject, predicate, object);
            return;
        }
        std::string datatype = definition ? definition->type : std::string();
        std::string language = definition && definition->language ? *definition->language : active->language;
        scalar(subject, predicate, value, datatype, language, definition, *active);
    }

    void scalar(TermId subject, TermId predicate, const JsonValue& value, const std::string& type,
                const std::string& language, const TermDefinition* definition, const Context& active) {
        if (value.IsString()) {
            std::string text = textOf(value);
            if (definition && (type == "@id" || type == "@vocab")) {
                std::string iri = expand(active, text, type == "@vocab", true);
                if (!iri.empty() && !isKeyword(iri)) m_graph.add(subject, predicate, subjectOf(iri));
                return;
            }
            if (!type.empty() && type != "@id" && type != "@vocab")
                m_graph.add(subject, predicate, m_graph.literal(text, {}, type));
            else
                m_graph.add(subject, predicate, m_graph.literal(text, language));
            return;
        }
        std::string lexical, datatype;
        if (value.IsBool()) {
            lexical = value.GetBool() ? "true" : "false";
            datatype = vocabIri(ns::xsd, "boolean");
        } else if (value.IsInt64() || value.IsUint64()) {
            lexical = value.IsInt64() ? std::to_string(value.GetInt64()) : std::to_string(value.GetUint64());
            datatype = vocabIri(ns::xsd, "integer");
        } else if (value.IsNumber()) {
            double number = value.GetDouble();
            if (!std::isfinite(number)) return;
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, "%.15E", number);
            lexical = buffer;
            datatype = vocabIri(ns::xsd, "double");
        } else {
            return;
        }
        if (!type.empty() && type != "@id" && type != "@vocab") datatype = type;
        m_graph.add(subject, predicate, m_graph.literal(lexical, {}, datatype));
    }

    Graph& m_graph;
    std::string m_base;
    std::size_t m_definitions = 0;
};

}  // namespace

void readJsonLd(std::string_view text, const std::string& baseIri, Graph& out) {
    Json document;
    const int jsonDepth = static_cast<int>(2 * out.limits().maxDepth + 8);
    if (auto error = common::parseUntrusted(text, document, jsonDepth))
        throw RdfError("not valid JSON (byte " + std::to_string(error->offset) + ": " + error->message + ")");
    Reader reader(out, baseIri);
    reader.document(document);
}

}  // namespace tweeling::federation::adapters::rdf
