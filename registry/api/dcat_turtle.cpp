// The Turtle writer: @prefix lines, then one block per subject (blank nodes nested as [ ... ]).
#include "api/dcat_internal.hpp"

#include <sstream>

namespace tweeling::registry::api::dcat::rdf {

namespace {

using dcat::detail::kXsd;
using dcat::detail::prefixes;
using detail::compact;
using detail::Flattened;
using detail::flatten;
using detail::grouped;

std::string turtleTerm(const std::string& iriText) {
    std::string name = compact(cleanIri(iriText));
    return name.empty() ? "<" + turtleIri(iriText) + ">" : name;
}

void writeTurtleBody(std::ostringstream& out, const Node& subject, int indent);

void writeTurtleObject(std::ostringstream& out, const Object& object, int indent) {
    switch (object.kind) {
        case Object::Kind::Iri:
            out << turtleTerm(object.value);
            break;
        case Object::Kind::Literal:
            out << "\"" << turtleString(object.value) << "\"";
            if (!object.language.empty()) out << "@" << object.language;
            else if (!object.datatype.empty() && object.datatype != kXsd + "string") out << "^^" << turtleTerm(object.datatype);
            break;
        case Object::Kind::Node:
            if (!object.node->iri.empty()) {
                out << turtleTerm(object.node->iri);
            } else if (object.node->types.empty() && object.node->properties.empty()) {
                out << "[]";
            } else {
                out << "[\n";
                writeTurtleBody(out, *object.node, indent + 1);
                out << "\n" << std::string(indent * 4, ' ') << "]";
            }
            break;
    }
}

void writeTurtleBody(std::ostringstream& out, const Node& subject, int indent) {
    std::string pad(indent * 4, ' ');
    bool first = true;
    if (!subject.types.empty()) {
        out << pad << "a ";
        for (std::size_t i = 0; i < subject.types.size(); ++i) out << (i ? ", " : "") << turtleTerm(subject.types[i]);
        first = false;
    }
    for (const auto& [predicate, objects] : grouped(subject)) {
        if (!first) out << " ;\n";
        first = false;
        out << pad << turtleTerm(predicate) << " ";
        for (std::size_t i = 0; i < objects.size(); ++i) {
            if (i) out << ", ";
            writeTurtleObject(out, *objects[i], indent);
        }
    }
}

}  // namespace

std::string toTurtle(const Graph& graph) {
    Flattened flat = flatten(graph);
    std::ostringstream out;
    for (const auto& [prefix, ns] : prefixes()) out << "@prefix " << prefix << ": <" << ns << "> .\n";
    for (const auto& subject : flat.subjects) {
        // A bare IRI says nothing on its own; it is referenced elsewhere.
        if (subject->types.empty() && subject->properties.empty()) continue;
        out << "\n";
        if (subject->iri.empty()) {
            out << "[\n";
            writeTurtleBody(out, *subject, 1);
            out << "\n] .\n";
            continue;
        }
        out << "<" << turtleIri(subject->iri) << ">\n";
        writeTurtleBody(out, *subject, 1);
        out << " .\n";
    }
    return out.str();
}

}  // namespace tweeling::registry::api::dcat::rdf
