#pragma once
// The CKAN mapping, private to this folder. One Mapper maps one package; its member functions are
// defined in the file of the record part they map:
//
//   mapper.cpp           run (the order of the parts), id, the package page link, extras, time,
//                        and the entry point
//   geometry.cpp         geometry from the spatial or bbox extras
//   text_and_themes.cpp  title, description, keywords, themes
//   contacts.cpp         publisher, contacts
//   rights.cpp           license, rights
//   distributions.cpp    distributions from resources
//
// Its names live in adapters::ckan so that another catalog kind's Mapper cannot collide with it.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/json_members.hpp"
#include "adapters/mapped_record.hpp"
#include "common/json.hpp"

namespace tweeling::federation::adapters::ckan {

constexpr std::size_t kMaxEntries = 1000;  // entries read from one foreign array (tags, resources, ...)

class Mapper {
public:
    Mapper(const common::JsonValue& in, const MappingContext& context, MappedRecord& out)
        : m_in(in), m_context(context), m_out(out), m_allocator(out.record.GetAllocator()) {}

    void run();

    void warn(std::string pointer, std::string message) {
        m_out.warnings.push_back({std::move(pointer), std::move(message)});
    }
    void reject(std::string pointer, std::string message) {
        m_out.rejections.push_back({std::move(pointer), std::move(message)});
    }

private:
    const common::JsonValue& m_in;
    const MappingContext& m_context;
    MappedRecord& m_out;
    Allocator& m_allocator;
    common::JsonValue m_p;  // properties being built
    std::string m_title;
    std::string m_packageUrl;  // {catalog}/dataset/{name}; "" when the catalog URL is not http(s)

    common::JsonValue s(std::string_view value) { return str(value, m_allocator); }
    // The string value of extra `key` ("" when absent).
    std::string extra(std::string_view key) const;

    // mapper.cpp
    void mapId();
    void mapLinks();
    void mapTime();
    void mapExtras();

    // geometry.cpp
    void mapGeometry();

    // text_and_themes.cpp
    void mapTitleAndDescription();
    void mapThemesAndKeywords();

    // contacts.cpp
    void mapPublisherAndContacts();

    // rights.cpp
    void mapLicenseAndRights();

    // distributions.cpp
    void mapDistributions();
};

}  // namespace tweeling::federation::adapters::ckan
