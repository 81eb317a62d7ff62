#pragma once
// The OGC API – Records mapping, private to this folder. One Mapper maps one foreign record; its
// member functions are defined in the file of the record part they map:
//
//   mapper.cpp           run (the order of the parts), warnings, id, type, the record's URL,
//                        the optional twin members (language, externalIds, lod, lineage, ...)
//   geometry.cpp         geometry (or a bbox), crs, adminUnits
//   time.cpp             time, updated, created
//   text_and_themes.cpp  title, description, keywords, themes
//   contacts.cpp         publisher, contacts
//   rights.cpp           license, rights
//   distributions.cpp    distributions and their formats, links, conformsTo
//
// Its names live in adapters::ogc_records so that another catalog kind's Mapper cannot collide
// with it.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/text.hpp"
#include "adapters/json_members.hpp"
#include "adapters/mapped_record.hpp"
#include "common/json.hpp"
#include "record/geometry.hpp"

namespace tweeling::federation::adapters::ogc_records {

constexpr std::size_t kMaxEntries = 1000;  // entries read from one foreign array (contacts, links, ...)

// Warnings about many entries of one member are counted, then reported once.
struct Dropped {
    Dropped(std::string at, std::string description) : pointer(std::move(at)), what(std::move(description)) {}
    std::string pointer;
    std::string what;
    std::size_t count = 0;
    std::string example;
    void add(std::string reason) {
        if (count++ == 0) example = std::move(reason);
    }
};

// A publisher or contact as read from the foreign record.
struct Party {
    std::string name;
    std::string organization;
    std::string url;  // an http(s) URL that identifies it
    std::vector<std::string> emails;
    std::string from;  // where it was found, for messages
};

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
    const common::JsonValue* m_props = nullptr;
    common::JsonValue m_p;  // properties being built
    std::string m_title;
    std::string m_recordUrl;  // base for relative hrefs
    std::set<const common::JsonValue*> m_linksUsed;  // foreign links that became distributions

    common::JsonValue s(std::string_view value) { return str(value, m_allocator); }
    void report(const Dropped& dropped);

    // mapper.cpp
    void mapId();
    void recordUrl();
    std::string itemsUrl() const;
    void mapType();
    bool hasCompleteLineage() const;
    void mapOptional();

    // geometry.cpp
    std::optional<registry::record::Bbox> fallbackBbox(std::string& where);
    void mapGeometry();
    void mapCrs();
    void mapAdminUnits();

    // time.cpp
    bool timeFromInterval(const common::JsonValue& interval, const std::string& pointer, bool& present);
    bool timeFromInstant(const common::JsonValue& value, const std::string& pointer, bool& present);
    void mapTime();
    void mapUpdated();

    // text_and_themes.cpp
    void mapTitleAndDescription();
    void mapThemesAndKeywords();
    common::JsonValue foreignThemes(std::vector<std::string>& keywords, std::vector<std::string>& found,
                                    std::vector<std::string>& declared);
    void addTwinThemes(common::JsonValue& themes, const std::vector<std::string>& declared,
                       const std::vector<std::string>& found);

    // contacts.cpp
    common::JsonValue normalizeContact(const common::JsonValue& contact);
    common::JsonValue contactOf(const Party& party, const char* role);
    void mapPublisherAndContacts();
    common::JsonValue readContacts(std::vector<const common::JsonValue*>& sources);

    // rights.cpp
    void mapLicenseAndRights();

    // distributions.cpp
    common::JsonValue normalizeLink(const common::JsonValue& link, const std::string& base);
    void mapDistributions();
    std::string ownRecordLink(std::string& mediaType) const;
    void mapLinks();
    void mapConformsTo();
};

}  // namespace tweeling::federation::adapters::ogc_records
