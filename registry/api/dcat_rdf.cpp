// What both RDF writers share: text and IRI cleaning, Turtle string and IRI bodies, prefix
// compaction, and flattening a graph into one subject per IRI.
#include "api/dcat_internal.hpp"
#include "common/text.hpp"
#include "common/url.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace tweeling::registry::api::dcat::rdf {

namespace detail {

using dcat::detail::prefixes;

std::string compact(const std::string& iriText) {
    for (const auto& [prefix, ns] : prefixes()) {
        if (iriText.size() <= ns.size() || iriText.compare(0, ns.size(), ns) != 0) continue;
        std::string local = iriText.substr(ns.size());
        bool simple = std::all_of(local.begin(), local.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_' || c == '-';
        }) && local.front() != '-';
        if (simple) return prefix + ":" + local;
    }
    return "";
}

namespace {

std::string objectKey(const Object& object) {
    if (object.kind == Object::Kind::Node) {
        if (object.node && !object.node->iri.empty()) return "I" + object.node->iri;
        return "";  // blank nodes are never duplicates
    }
    return (object.kind == Object::Kind::Iri ? "I" : "L") + object.value + "\x1f" + object.datatype + "\x1f" +
           object.language;
}

NodePtr flattenNode(const NodePtr& source, Flattened& out);

NodePtr copyBlank(const NodePtr& source, Flattened& out) {
    auto copy = std::make_shared<Node>();
    copy->types = source->types;
    for (const auto& [predicate, object] : source->properties) {
        if (object.kind == Object::Kind::Node && object.node) {
            Object replaced;
            replaced.kind = Object::Kind::Node;
            replaced.node = flattenNode(object.node, out);
            copy->properties.emplace_back(predicate, replaced);
        } else {
            copy->properties.emplace_back(predicate, object);
        }
    }
    return copy;
}

// Returns what the referrer holds: for an IRI node a bare reference, for a blank node its copy.
NodePtr flattenNode(const NodePtr& source, Flattened& out) {
    if (source->iri.empty()) return copyBlank(source, out);
    auto reference = std::make_shared<Node>();
    reference->iri = source->iri;
    if (!out.done.insert(source.get()).second) return reference;
    NodePtr& merged = out.byIri[source->iri];
    if (!merged) {
        merged = std::make_shared<Node>();
        merged->iri = source->iri;
        out.subjects.push_back(merged);
    }
    for (const auto& type : source->types)
        if (std::find(merged->types.begin(), merged->types.end(), type) == merged->types.end())
            merged->types.push_back(type);
    for (const auto& [predicate, object] : source->properties) {
        Object value = object;
        if (object.kind == Object::Kind::Node && object.node) value.node = flattenNode(object.node, out);
        std::string key = objectKey(value);
        bool duplicate = false;
        if (!key.empty())
            for (const auto& [otherPredicate, other] : merged->properties)
                if (otherPredicate == predicate && objectKey(other) == key) duplicate = true;
        if (!duplicate) merged->properties.emplace_back(predicate, value);
    }
    return reference;
}

}  // namespace

Flattened flatten(const Graph& graph) {
    Flattened out;
    for (const auto& subject : graph.subjects) {
        if (subject->iri.empty()) out.subjects.push_back(copyBlank(subject, out));
        else flattenNode(subject, out);
    }
    return out;
}

// Properties grouped by predicate, in first-seen order.
std::vector<std::pair<std::string, std::vector<const Object*>>> grouped(const Node& subject) {
    std::vector<std::pair<std::string, std::vector<const Object*>>> groups;
    for (const auto& property : subject.properties) {
        // Not a structured binding: C++17 lambdas cannot capture one (clang refuses it; the fuzz build).
        const std::string& predicate = property.first;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& group) { return group.first == predicate; });
        if (it == groups.end()) groups.push_back({predicate, {&property.second}});
        else it->second.push_back(&property.second);
    }
    return groups;
}

}  // namespace detail

std::string cleanText(std::string_view text) { return common::toValidUtf8(text); }

std::string cleanIri(std::string_view iriText) {
    return common::percentEncode(cleanText(iriText), common::percent::kIriReference);
}

std::string turtleString(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (unsigned char c : text) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    char escape[8];
                    std::snprintf(escape, sizeof escape, "\\u%04X", c);
                    out += escape;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

std::string turtleIri(std::string_view iriText) { return cleanIri(iriText); }

}  // namespace tweeling::registry::api::dcat::rdf
