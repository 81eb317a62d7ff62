// The facet value bitmaps: built from the postings and the license/rights/origin indexes, caught up from
// the rids writes touched, and read for facet counts and value-list conditions.
#include "store/facet_index.hpp"

#include "store/connection.hpp"
#include "store/planner.hpp"

#include <roaring/roaring.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tweeling::registry::store::planner {

namespace {

const char* facetOfKind(std::string_view kind) {
    if (kind == kTheme) return "themes";
    if (kind == kFormat) return "formats";
    if (kind == kAdminUnit) return "adminUnits";
    if (kind == kType) return "type";
    if (kind == kPublisher) return "publisher";
    if (kind == kValidation) return "validation";
    return nullptr;
}

}  // namespace

std::optional<TermIndex::Bitmap> valueBitmap(const FacetIndex& index, const Constraint& constraint) {
    const char* facet = facetOfKind(constraint.valueKind);
    if (!facet) return std::nullopt;
    auto values = index.values.find(facet);
    std::vector<const roaring_bitmap_t*> held;
    if (values != index.values.end())
        for (const std::string& value : constraint.values) {
            auto found = values->second.find(value);
            if (found != values->second.end()) held.push_back(found->second.get());
        }
    if (held.empty()) return TermIndex::Bitmap(roaring_bitmap_create());
    return TermIndex::Bitmap(roaring_bitmap_or_many(held.size(), held.data()));
}

std::shared_ptr<FacetIndex> buildFacetIndex(Connection& connection, std::int64_t seq) {
    {
        StatementUse statement = connection.statement("SELECT max(rid) FROM records");
        if (statement->step() && !statement->isNull(0) && !fitsBitmap(statement->int64(0))) return nullptr;
    }
    auto index = std::make_shared<FacetIndex>();
    index->seq = seq;
    std::vector<std::uint32_t> rids;
    auto flush = [&](const std::string& facet, const std::string& value) {
        if (rids.empty()) return;
        index->values[facet][value] = FacetIndex::wrap(roaring_bitmap_of_ptr(rids.size(), rids.data()));
        rids.clear();
    };
    {
        StatementUse statement = connection.statement("SELECT kind, value, rid FROM record_values ORDER BY kind, value, rid");
        std::string kind, value;
        while (statement->step()) {
            std::string_view stepKind = statement->textView(0), stepValue = statement->textView(1);
            if (stepKind != kind || stepValue != value) {
                if (const char* facet = facetOfKind(kind)) flush(facet, value); else rids.clear();
                kind = std::string(stepKind);
                value = std::string(stepValue);
            }
            std::int64_t rid = statement->int64(2);
            if (!fitsBitmap(rid)) return nullptr;
            rids.push_back(static_cast<std::uint32_t>(rid));
        }
        if (const char* facet = facetOfKind(kind)) flush(facet, value);
    }
    for (const char* column : {"license", "rights", "origin"}) {
        StatementUse statement = connection.statement(std::string("SELECT ") + column + ", rid FROM records INDEXED BY records_by_" +
                                                      column + " WHERE " + column + " <> '' ORDER BY " + column + ", rid");
        std::string value;
        bool any = false;
        while (statement->step()) {
            std::string_view stepValue = statement->textView(0);
            if (!any || stepValue != value) {
                if (any) flush(column, value);
                value = std::string(stepValue);
                any = true;
            }
            std::int64_t rid = statement->int64(1);
            if (!fitsBitmap(rid)) return nullptr;
            rids.push_back(static_cast<std::uint32_t>(rid));
        }
        if (any) flush(column, value);
    }
    return index;
}

std::shared_ptr<FacetIndex> catchUpFacetIndex(Connection& connection, const FacetIndex& previous,
                                              const std::vector<std::int64_t>& changedRids, std::int64_t seq) {
    std::optional<std::vector<std::uint32_t>> sorted = bitmapIds(changedRids);
    if (!sorted) return nullptr;
    const std::vector<std::uint32_t>& ids = *sorted;
    std::unique_ptr<roaring_bitmap_t, void (*)(const roaring_bitmap_t*)> changed(roaring_bitmap_of_ptr(ids.size(), ids.data()),
                                                                          roaring_bitmap_free);
    auto next = std::make_shared<FacetIndex>();
    next->seq = seq;
    std::set<const roaring_bitmap_t*> own;  // bitmaps of this version only, free to change
    for (const auto& [facet, values] : previous.values) {
        auto& into = next->values[facet];
        for (const auto& [value, bitmap] : values) {
            if (!roaring_bitmap_intersect(bitmap.get(), changed.get())) {
                into.emplace(value, bitmap);
                continue;
            }
            roaring_bitmap_t* rest = roaring_bitmap_andnot(bitmap.get(), changed.get());
            if (roaring_bitmap_is_empty(rest)) {
                roaring_bitmap_free(rest);
                continue;
            }
            own.insert(rest);
            into.emplace(value, FacetIndex::wrap(rest));
        }
    }
    std::map<std::pair<std::string, std::string>, std::vector<std::uint32_t>> added;  // (facet, value) -> rids
    {
        StatementUse statement = connection.statement("SELECT kind, value FROM record_values WHERE rid = ?1");
        for (std::uint32_t rid : ids) {
            statement->reset();
            statement->bind(1, static_cast<std::int64_t>(rid));
            while (statement->step())
                if (const char* facet = facetOfKind(statement->textView(0))) added[{facet, statement->text(1)}].push_back(rid);
        }
    }
    {
        StatementUse statement = connection.statement("SELECT license, rights, origin FROM records WHERE rid = ?1");
        for (std::uint32_t rid : ids) {
            statement->reset();
            statement->bind(1, static_cast<std::int64_t>(rid));
            if (!statement->step()) continue;  // deleted
            if (!statement->textView(0).empty()) added[{"license", statement->text(0)}].push_back(rid);
            if (!statement->textView(1).empty()) added[{"rights", statement->text(1)}].push_back(rid);
            if (!statement->textView(2).empty()) added[{"origin", statement->text(2)}].push_back(rid);
        }
    }
    for (auto& [facetValue, rids] : added) {
        FacetIndex::Bitmap& slot = next->values[facetValue.first][facetValue.second];
        if (!slot) {
            slot = FacetIndex::wrap(roaring_bitmap_create());
        } else if (!own.count(slot.get())) {
            slot = FacetIndex::wrap(roaring_bitmap_copy(slot.get()));
        }
        own.insert(slot.get());
        roaring_bitmap_add_many(slot.get(), rids.size(), rids.data());
    }
    return next;
}

std::vector<Facet> countFacets(const FacetIndex& index, const roaring_bitmap_t* matched, const Plan& plan) {
    std::vector<Facet> facets;
    for (const std::string& name : plan.facets) {
        Facet facet;
        facet.name = name;
        auto it = index.values.find(name);
        if (it != index.values.end()) {
            for (const auto& [value, bitmap] : it->second) {
                auto count = static_cast<std::int64_t>(matched ? roaring_bitmap_and_cardinality(bitmap.get(), matched)
                                                               : roaring_bitmap_get_cardinality(bitmap.get()));
                if (count > 0) facet.values.push_back({value, count});
            }
            // As the SQL plan orders them: most frequent first, ties by value (binary collation).
            std::sort(facet.values.begin(), facet.values.end(), [](const FacetValue& a, const FacetValue& b) {
                return a.count != b.count ? a.count > b.count : a.value < b.value;
            });
            if (facet.values.size() > static_cast<std::size_t>(plan.facetLimit))
                facet.values.resize(static_cast<std::size_t>(plan.facetLimit));
        }
        facets.push_back(std::move(facet));
    }
    return facets;
}

}  // namespace tweeling::registry::store::planner
