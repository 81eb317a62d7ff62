// The CQL2 text parser: the queryables and the entry point. See store/cql2.hpp for the grammar and
// store/cql2_parser.hpp for the files of the parser.
#include "store/cql2.hpp"
#include "store/cql2_parser.hpp"

namespace tweeling::registry::store::cql2 {

FilterError::FilterError(const std::string& message, std::size_t offset)
    : std::runtime_error(message + " at offset " + std::to_string(offset)), m_offset(offset) {}

const std::vector<Queryable>& queryables() {
    static const std::vector<Queryable> kQueryables = {
        {Property::Id, "id", PropertyType::String},
        {Property::Type, "type", PropertyType::String},
        {Property::Title, "title", PropertyType::String},
        {Property::Description, "description", PropertyType::String},
        {Property::Themes, "themes", PropertyType::StringList},
        {Property::Formats, "formats", PropertyType::StringList},
        {Property::AdminUnits, "adminUnits", PropertyType::StringList},
        {Property::Publisher, "publisher", PropertyType::String},
        {Property::Origin, "origin", PropertyType::String},
        {Property::License, "license", PropertyType::String},
        {Property::Rights, "rights", PropertyType::String},
        {Property::Updated, "updated", PropertyType::Timestamp},
        {Property::Geometry, "geometry", PropertyType::Geometry},
        {Property::Datetime, "datetime", PropertyType::Interval},
    };
    return kQueryables;
}

namespace detail {

const Queryable* findQueryable(std::string_view name) {
    if (name == "time") name = "datetime";
    for (const Queryable& queryable : queryables())
        if (name == queryable.name) return &queryable;
    return nullptr;
}

const Queryable& queryableOf(Property property) {
    for (const Queryable& queryable : queryables())
        if (queryable.property == property) return queryable;
    return queryables().front();  // unreachable: every Property is listed
}

std::string queryableNames() {
    std::string out;
    for (const Queryable& queryable : queryables()) {
        if (!out.empty()) out += ", ";
        out += queryable.name;
    }
    return out;
}

}  // namespace detail

Expression parse(std::string_view text, bool crs84) {
    if (text.size() > kMaxFilterLength)
        throw FilterError("the filter is longer than " + std::to_string(kMaxFilterLength) + " bytes", kMaxFilterLength);
    detail::Parser parser(text, crs84);
    return parser.parseFilter();
}

}  // namespace tweeling::registry::store::cql2
