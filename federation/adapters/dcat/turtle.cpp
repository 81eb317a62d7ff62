// Turtle and N-Triples through serd (Debian's libserd-dev, serd-0), the streaming reader of the
// Drobilla RDF libraries: prefixes and relative IRIs are expanded with a SerdEnv, statements go into
// the Graph. N-Triples is read as Turtle (it is a subset of it).
//
// Serd reads by recursive descent, so nested [ ] and ( ) deep enough would exhaust the stack: the
// depth is checked first (maxNestingDepth), outside strings, IRIs and comments.
#include "adapters/dcat/rdf.hpp"

#include <serd/serd.h>

#include <cstdarg>
#include <cstdio>
#include <memory>

namespace tweeling::federation::adapters::rdf {

namespace {

struct ReaderDeleter {
    void operator()(SerdReader* reader) const noexcept { serd_reader_free(reader); }
};
struct EnvDeleter {
    void operator()(SerdEnv* env) const noexcept { serd_env_free(env); }
};
using ReaderPtr = std::unique_ptr<SerdReader, ReaderDeleter>;
using EnvPtr = std::unique_ptr<SerdEnv, EnvDeleter>;

// Owns a node serd allocated (serd_env_expand_node's result).
struct OwnedNode {
    SerdNode node;
    explicit OwnedNode(SerdNode n) : node(n) {}
    ~OwnedNode() { serd_node_free(&node); }
    OwnedNode(const OwnedNode&) = delete;
    OwnedNode& operator=(const OwnedNode&) = delete;
};

std::string_view view(const SerdNode* node) {
    if (!node || !node->buf) return {};
    return {reinterpret_cast<const char*>(node->buf), node->n_bytes};
}

// The deepest nesting of [ ] and ( ) in a Turtle text, outside comments, strings and IRIs.
std::size_t nestingDepth(std::string_view text) {
    std::size_t depth = 0, deepest = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '#') {
            std::size_t end = text.find('\n', i);
            if (end == std::string_view::npos) break;
            i = end;
        } else if (c == '<') {
            std::size_t end = text.find_first_of(">\n", i + 1);
            if (end == std::string_view::npos) break;
            i = end;
        } else if (c == '"' || c == '\'') {
            bool longForm = text.substr(i, 3) == std::string(3, c);
            std::size_t j = i + (longForm ? 3 : 1);
            for (; j < text.size(); ++j) {
                if (text[j] == '\\') {
                    ++j;
                } else if (longForm ? text.substr(j, 3) == std::string(3, c) : (text[j] == c || text[j] == '\n')) {
                    break;
                }
            }
            i = j + (longForm ? 2 : 0);
        } else if (c == '[' || c == '(') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == ')') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

struct Reading {
    Graph& graph;
    SerdEnv* env;
    std::string error;  // the first error (serd's message, or ours)
};

SerdStatus onBase(void* handle, const SerdNode* uri) {
    auto* reading = static_cast<Reading*>(handle);
    return serd_env_set_base_uri(reading->env, uri);
}

SerdStatus onPrefix(void* handle, const SerdNode* name, const SerdNode* uri) {
    auto* reading = static_cast<Reading*>(handle);
    return serd_env_set_prefix(reading->env, name, uri);
}

TermId termOf(Reading& reading, const SerdNode* node) {
    switch (node->type) {
        case SERD_URI:
        case SERD_CURIE: {
            OwnedNode expanded(serd_env_expand_node(reading.env, node));
            if (!expanded.node.buf)
                throw RdfError("the prefixed name or IRI '" + std::string(view(node).substr(0, 200)) +
                               "' cannot be expanded (an undeclared prefix?)");
            return reading.graph.iri(view(&expanded.node));
        }
        case SERD_BLANK:
            return reading.graph.blank(view(node));
        default:
            break;
    }
    throw RdfError("an unexpected node");
}

SerdStatus onStatement(void* handle, SerdStatementFlags, const SerdNode*, const SerdNode* subject,
                       const SerdNode* predicate, const SerdNode* object, const SerdNode* datatype,
                       const SerdNode* language) {
    auto* reading = static_cast<Reading*>(handle);
    try {
        TermId s = termOf(*reading, subject);
        TermId p = termOf(*reading, predicate);
        TermId o;
        if (object->type == SERD_LITERAL) {
            std::string type;
            if (datatype) {
                OwnedNode expanded(serd_env_expand_node(reading->env, datatype));
                type = expanded.node.buf ? std::string(view(&expanded.node)) : std::string(view(datatype));
            }
            o = reading->graph.literal(view(object), view(language), type);
        } else {
            o = termOf(*reading, object);
        }
        reading->graph.add(s, p, o);
        return SERD_SUCCESS;
    } catch (const RdfError& error) {
        if (reading->error.empty()) reading->error = error.what();
    }
    return SERD_ERR_BAD_ARG;  // stops the reader
}

SerdStatus onError(void* handle, const SerdError* error) {
    auto* reading = static_cast<Reading*>(handle);
    if (!reading->error.empty()) return SERD_SUCCESS;
    char message[512];
    va_list args;
    va_copy(args, *error->args);
    std::vsnprintf(message, sizeof message, error->fmt, args);
    va_end(args);
    std::string text(message);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    reading->error = "line " + std::to_string(error->line) + ", column " + std::to_string(error->col) + ": " + text;
    return SERD_SUCCESS;
}

}  // namespace

void readTurtle(std::string_view text, const std::string& baseIri, Graph& out) {
    if (std::size_t depth = nestingDepth(text); depth > out.limits().maxDepth)
        throw RdfError("[ ] and ( ) are nested " + std::to_string(depth) + " deep, more than " +
                       std::to_string(out.limits().maxDepth));
    if (text.find('\0') != std::string_view::npos) throw RdfError("the text contains a NUL byte");
    SerdNode base =
        serd_node_from_substring(SERD_URI, reinterpret_cast<const uint8_t*>(baseIri.data()), baseIri.size());
    EnvPtr env(serd_env_new(baseIri.empty() ? nullptr : &base));
    if (!env) throw RdfError("serd could not make an environment");
    Reading reading{out, env.get(), {}};
    ReaderPtr reader(serd_reader_new(SERD_TURTLE, &reading, nullptr, onBase, onPrefix, onStatement, nullptr));
    if (!reader) throw RdfError("serd could not make a reader");
    serd_reader_set_error_sink(reader.get(), onError, &reading);
    serd_reader_set_strict(reader.get(), true);
    std::string owned(text);  // serd reads a NUL-terminated string
    SerdStatus status = serd_reader_read_string(reader.get(), reinterpret_cast<const uint8_t*>(owned.c_str()));
    if (!reading.error.empty()) throw RdfError(reading.error);
    if (status != SERD_SUCCESS)
        throw RdfError(std::string("serd: ") + reinterpret_cast<const char*>(serd_strerror(status)));
}

}  // namespace tweeling::federation::adapters::rdf
