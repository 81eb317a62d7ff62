// The words' matches (from one pass over FTS5's doclist, or from the term index) and the relevance
// ranking, which both search paths use.
//
// Relevance. Each phrase of the MATCH (a word of `q`, matched as a prefix) adds its inverse
// document frequency times the weight of the fields it occurs in: title 10, keywords 5,
// description 1 (the weights bm25 had here before). It is BM25F's saturated limit: a word counts
// once per field however often it repeats, and field length does not matter, which suits titles and
// abstracts of a catalog better than raw term frequency. Equal scores come newest first (`updated`,
// then rid). Unlike bm25 it needs no document length, so ranking costs one pass over the FTS5
// doclist (tw_columns, fts_rank.hpp) and then whole score groups, not rows, are ordered; only the
// group the page falls in is ordered by `updated`.
#include "store/connection.hpp"
#include "store/fts_rank.hpp"
#include "store/planner.hpp"
#include "store/search_private.hpp"
#include "store/store_private.hpp"
#include "store/term_index.hpp"

#include <roaring/roaring.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tweeling::registry::store::planner {

// One pass over the words' FTS5 matches gives both the match set and what ranking needs.
TextMatches textMatches(Connection& connection, const Constraint& text) {
    TextMatches out;
    out.documents = ftsRowCount(connection);
    StatementUse statement =
        connection.statement("SELECT rowid, tw_columns(records_fts) FROM records_fts WHERE records_fts MATCH ?1");
    statement->bind(1, text.match);
    while (statement->step()) {
        auto mask = static_cast<std::uint64_t>(statement->int64(1));
        if (!text.phraseWords.empty()) {
            // Phrases are a word's exact terms: a word is in a field when any of its terms is.
            std::uint64_t words = 0;
            for (std::size_t phrase = 0; phrase < text.phraseWords.size() && phrase < kMaxRankedPhrases; ++phrase)
                words |= ((mask >> (3 * phrase)) & 7) << (3 * text.phraseWords[phrase]);
            mask = words;
        }
        out.rids.push_back(statement->int64(0));
        out.masks.push_back(mask);
        for (int phrase = 0; phrase < kMaxRankedPhrases; ++phrase)
            if (mask & (std::uint64_t{7} << (3 * phrase))) ++out.documentFrequency[phrase];
    }
    // FTS5 returns rowids in ascending order; the intersections rely on it.
    if (!std::is_sorted(out.rids.begin(), out.rids.end())) {
        std::vector<std::pair<std::int64_t, std::uint64_t>> pairs;
        for (std::size_t i = 0; i < out.rids.size(); ++i) pairs.emplace_back(out.rids[i], out.masks[i]);
        std::sort(pairs.begin(), pairs.end());
        for (std::size_t i = 0; i < pairs.size(); ++i) std::tie(out.rids[i], out.masks[i]) = pairs[i];
    }
    return out;
}

// The same from the term index, without reading FTS5. FTS5's semantics are kept: the MATCH is an
// OR over the terms of `q` of an AND over their words, each word "word"* in any field; and a
// word's fields count only in rows its own AND group matches (FTS5 clears the position lists of
// phrases under a branch that does not match the row). nullopt when a word is not exactly one
// FTS5 token: then FTS5 answers.
std::optional<TextMatches> indexedTextMatches(const TermIndex& index, FtsTokenizer& tokenizer, const Constraint& text,
                                              std::int64_t documents) {
    using Bitmap = TermIndex::Bitmap;
    struct Word {
        int number = 0;
        std::array<Bitmap, TermIndex::kFields> fields;
    };
    struct Group {
        std::vector<Word> words;
        Bitmap rows;  // the rows where every word of the group occurs
    };
    std::vector<Group> groups;
    std::vector<std::string> folded;
    int number = 0;
    for (const std::vector<std::string>& words : text.termWords) {
        Group group;
        for (const std::string& word : words) {
            folded.clear();
            tokenizer.tokens(word, folded);
            if (folded.size() != 1) return std::nullopt;
            Word entry;
            entry.number = number++;
            Bitmap any(roaring_bitmap_create());
            for (int field = 0; field < TermIndex::kFields; ++field) {
                entry.fields[field] = index.postings(folded.front(), field);
                roaring_bitmap_or_inplace(any.get(), entry.fields[field].get());
            }
            if (group.rows)
                roaring_bitmap_and_inplace(group.rows.get(), any.get());
            else
                group.rows = std::move(any);
            group.words.push_back(std::move(entry));
        }
        groups.push_back(std::move(group));
    }
    Bitmap all(roaring_bitmap_create());
    for (const Group& group : groups) roaring_bitmap_or_inplace(all.get(), group.rows.get());
    TextMatches out;
    out.documents = documents;
    for (Group& group : groups) {
        for (Word& word : group.words) {
            if (word.number >= kMaxRankedPhrases) continue;
            out.documentFrequency[word.number] = static_cast<std::int64_t>(roaring_bitmap_get_cardinality(group.rows.get()));
            for (int field = 0; field < TermIndex::kFields; ++field)
                if (!roaring_bitmap_is_empty(word.fields[field].get()))
                    out.fields.push_back({std::uint64_t{1} << (3 * word.number + field), std::move(word.fields[field]),
                                          out.groupRows.size()});
        }
        out.groupRows.push_back(std::move(group.rows));
    }
    out.set = std::move(all);
    return out;
}

// The rows of each distinct mask among `rows`, by splitting them on each (word, field) bitmap in
namespace {

// turn: a few bitmap operations per class instead of work per row. false beyond kMaxClasses (many
// words in many combinations): then masks are set row by row.
bool splitClasses(const roaring_bitmap_t* rows, const std::vector<std::pair<std::uint64_t, Bitmap>>& fields,
                  std::vector<std::pair<std::uint64_t, Bitmap>>& classes) {
    constexpr std::size_t kMaxClasses = 1024;
    classes.clear();
    classes.emplace_back(0, Bitmap(roaring_bitmap_copy(rows)));
    for (const auto& [bit, members] : fields) {
        const std::size_t before = classes.size();
        for (std::size_t c = 0; c < before; ++c) {
            Bitmap in(roaring_bitmap_and(classes[c].second.get(), members.get()));
            const std::uint64_t inside = roaring_bitmap_get_cardinality(in.get());
            if (inside == 0) continue;
            if (inside == roaring_bitmap_get_cardinality(classes[c].second.get())) {
                classes[c].first |= bit;
                continue;
            }
            roaring_bitmap_andnot_inplace(classes[c].second.get(), members.get());
            classes.emplace_back(classes[c].first | bit, std::move(in));
            if (classes.size() > kMaxClasses) return false;
        }
    }
    return true;
}


using MaskRows = std::unordered_map<std::uint64_t, std::vector<std::int64_t>>;  // mask -> rids
using Classes = std::vector<std::pair<std::uint64_t, Bitmap>>;                  // mask, rows

// The matches from the term index (`text.set`, within `filter`) by mask: as classes of bitmaps, or
// in `byMask` when there are too many classes.
void classifyIndexed(const TextMatches& text, const MatchSet* filter, MaskRows& byMask, Classes& classes) {
    Bitmap kept;
    const roaring_bitmap_t* rows = text.set.get();
    if (filter) {
        Bitmap scratch;
        if (const roaring_bitmap_t* matches = filter->asBitmap(scratch)) {
            kept.reset(roaring_bitmap_and(rows, matches));
        } else {  // a filter rid beyond 32 bits matches no word: keep the words' rows it holds
            std::vector<std::uint32_t> ids;
            for (std::int64_t rid : listed(rows))
                if (filter->contains(rid)) ids.push_back(static_cast<std::uint32_t>(rid));
            kept = bitmapOf(ids);
        }
        rows = kept.get();
    }
    // Each (word, field) bit's rows among these: smallest operand first; with one group every
    // match is in it.
    std::vector<std::pair<std::uint64_t, Bitmap>> fields;
    for (const TextMatches::FieldRows& field : text.fields) {
        Bitmap in(roaring_bitmap_and(rows, field.postings.get()));
        if (text.groupRows.size() > 1) roaring_bitmap_and_inplace(in.get(), text.groupRows[field.group].get());
        if (!roaring_bitmap_is_empty(in.get())) fields.emplace_back(field.bit, std::move(in));
    }
    if (!splitClasses(rows, fields, classes)) {
        classes.clear();
        Rids ids = listed(rows);
        std::vector<std::uint64_t> masks(ids.size(), 0);
        std::vector<std::uint32_t> members;
        for (const auto& [bit, in] : fields) {
            members.resize(roaring_bitmap_get_cardinality(in.get()));
            roaring_bitmap_to_uint32_array(in.get(), members.data());
            // Both ascending: each member's position among the matches.
            std::size_t at = 0;
            for (std::uint32_t rid : members) {
                while (ids[at] < rid) ++at;
                masks[at] |= bit;
            }
        }
        for (std::size_t i = 0; i < ids.size(); ++i) byMask[masks[i]].push_back(ids[i]);
    }
}

// The matches from FTS5 (`text.rids` and `text.masks`, within `filter`) by mask.
void classifyListed(const TextMatches& text, const MatchSet* filter, MaskRows& byMask) {
    if (filter && filter->bitmap) {
        for (std::size_t i = 0; i < text.rids.size(); ++i)
            if (filter->contains(text.rids[i])) byMask[text.masks[i]].push_back(text.rids[i]);
    } else if (filter) {
        // Both ascending: merge.
        auto it = filter->rids.begin();
        for (std::size_t i = 0; i < text.rids.size() && it != filter->rids.end(); ++i) {
            while (it != filter->rids.end() && *it < text.rids[i]) ++it;
            if (it != filter->rids.end() && *it == text.rids[i]) byMask[text.masks[i]].push_back(text.rids[i]);
        }
    } else {
        for (std::size_t i = 0; i < text.rids.size(); ++i) byMask[text.masks[i]].push_back(text.rids[i]);
    }
}

// A group's rids, or the bitmaps of its classes until the page needs them listed.
struct ScoreGroup {
    std::vector<std::int64_t> rids;
    std::vector<const roaring_bitmap_t*> bitmaps;
    std::size_t size = 0;
    void list() {
        if (bitmaps.empty()) return;
        TermIndex::Bitmap any(roaring_bitmap_or_many(bitmaps.size(), bitmaps.data()));
        std::vector<std::uint32_t> ids(roaring_bitmap_get_cardinality(any.get()));
        roaring_bitmap_to_uint32_array(any.get(), ids.data());
        rids.insert(rids.end(), ids.begin(), ids.end());
        bitmaps.clear();
    }
};

// Score groups: rows with the same mask score the same; masks with equal scores merge. The groups
// point into `classes`' bitmaps; `byMask` is emptied.
std::map<double, ScoreGroup> scoreGroups(const TextMatches& text, MaskRows& byMask, const Classes& classes) {
    const std::int64_t documents = text.documents;
    double idf[kMaxRankedPhrases];
    for (int phrase = 0; phrase < kMaxRankedPhrases; ++phrase) {
        const double n = static_cast<double>(text.documentFrequency[phrase]);
        const double total = std::max(static_cast<double>(documents), n);
        idf[phrase] = std::log(1.0 + (total - n + 0.5) / (n + 0.5));
    }
    auto scoreOf = [&](std::uint64_t mask) {
        double score = 0;
        for (int phrase = 0; phrase < kMaxRankedPhrases; ++phrase) {
            const std::uint64_t fields = (mask >> (3 * phrase)) & 7;
            const double weight = ((fields & 1) ? 10.0 : 0.0) + ((fields & 4) ? 5.0 : 0.0) + ((fields & 2) ? 1.0 : 0.0);
            score += idf[phrase] * weight;
        }
        return score;
    };
    std::map<double, ScoreGroup> groups;  // score -> rids
    for (auto& [mask, rids] : byMask) {
        ScoreGroup& group = groups[scoreOf(mask)];
        group.rids.insert(group.rids.end(), rids.begin(), rids.end());
        group.size += rids.size();
    }
    byMask.clear();
    for (const auto& [mask, rows] : classes) {
        if (roaring_bitmap_is_empty(rows.get())) continue;
        ScoreGroup& group = groups[scoreOf(mask)];
        group.bitmaps.push_back(rows.get());
        group.size += roaring_bitmap_get_cardinality(rows.get());
    }
    return groups;
}

// The first `need` rids of `group` (ascending) by (updated, rid), best first when `best`: each
// member's `updated` looked up (in the in-memory index, or by a seek of its row) when the group is
// small, else the (updated, rid) index walked until `need` members have passed (about need/density
// steps); the costs are in units of an index step.
Rids orderByUpdated(Connection& connection, const std::vector<std::int64_t>& group, std::size_t need, bool best,
                    std::int64_t documents, const TermIndex* memory) {
    Rids ordered;
    const double lookupCost = static_cast<double>(group.size()) * (memory ? 0.05 : 30.0);
    const double walkCost = static_cast<double>(need) * static_cast<double>(std::max<std::int64_t>(documents, 1)) /
                            static_cast<double>(group.size());
    if (lookupCost <= walkCost) {
        std::vector<std::pair<std::int64_t, std::int64_t>> keyed;  // updated, rid
        keyed.reserve(group.size());
        if (memory) {
            for (std::int64_t rid : group) keyed.emplace_back(memory->updated(static_cast<std::uint32_t>(rid)), rid);
        } else {
            StatementUse statement = connection.statement("SELECT updated FROM records WHERE rid = ?1");
            for (std::int64_t rid : group) {
                statement->bind(1, rid);
                if (statement->step()) keyed.emplace_back(statement->int64(0), rid);
                statement->reset();
            }
        }
        auto order = [best](const auto& a, const auto& b) { return best ? a > b : a < b; };
        std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(std::min(need, keyed.size())),
                          keyed.end(), order);
        for (std::size_t i = 0; i < need && i < keyed.size(); ++i) ordered.push_back(keyed[i].second);
    } else {
        StatementUse statement = connection.statement(
            best ? "SELECT rid FROM records INDEXED BY records_by_updated ORDER BY updated DESC, rid DESC"
                 : "SELECT rid FROM records INDEXED BY records_by_updated ORDER BY updated ASC, rid ASC");
        while (ordered.size() < need && statement->step())
            if (contains(group, statement->int64(0))) ordered.push_back(statement->int64(0));
    }
    return ordered;
}

// Rows offset..offset+limit over the score groups in turn: a group before the page is only
// counted; one the page falls in is listed and ordered by `updated`.
struct PageWindow {
    bool best;               // best first: score, updated and rid descending
    std::size_t first, end;  // the page's rows
    std::size_t before = 0;  // rows in the groups already passed
    Rids page = {};

    void visit(Connection& connection, ScoreGroup& listed, std::int64_t documents, const TermIndex* memory) {
        if (before >= end) return;
        if (before + listed.size <= first) {
            before += listed.size;
            return;
        }
        listed.list();
        std::vector<std::int64_t>& group = listed.rids;
        if (!std::is_sorted(group.begin(), group.end())) std::sort(group.begin(), group.end());
        const std::size_t need = std::min(group.size(), end - before);  // this group's leading rows
        Rids ordered = orderByUpdated(connection, group, need, best, documents, memory);
        for (std::size_t i = 0; i < ordered.size(); ++i)
            if (before + i >= first) page.push_back(ordered[i]);
        before += group.size();
    }
};

}  // namespace

Rids relevancePage(Connection& connection, const Plan& plan, const TextMatches& text, const MatchSet* filter,
                   const TermIndex* memory) {
    MaskRows byMask;
    // From the term index: classes of rows by mask, as bitmaps; a group is listed only when the page
    // falls in it.
    Classes classes;
    if (text.set)
        classifyIndexed(text, filter, byMask, classes);
    else
        classifyListed(text, filter, byMask);
    std::map<double, ScoreGroup> groups = scoreGroups(text, byMask, classes);
    PageWindow window{plan.descending, static_cast<std::size_t>(plan.offset),
                      static_cast<std::size_t>(plan.offset + plan.limit)};
    if (window.best) {
        for (auto it = groups.rbegin(); it != groups.rend() && window.before < window.end; ++it)
            window.visit(connection, it->second, text.documents, memory);
    } else {
        for (auto it = groups.begin(); it != groups.end() && window.before < window.end; ++it)
            window.visit(connection, it->second, text.documents, memory);
    }
    return std::move(window.page);
}

}  // namespace tweeling::registry::store::planner
