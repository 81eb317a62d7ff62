// The query planner: the one place that decides how a search is answered. See store/planner.hpp.
#include "store/planner.hpp"

#include "common/time.hpp"
#include "store/connection.hpp"
#include "store/fts_rank.hpp"
#include "store/store.hpp"
#include "store/store_private.hpp"

#include <roaring/roaring.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <set>
#include <cstdint>
#include <stdexcept>

namespace tweeling::registry::store {

// The number of rows FTS5 holds, from its totals record (id 1 of records_fts_data: a varint row
// count, then the token count of each column), as FTS5's own xRowCount reads it; 0 if absent.
std::int64_t ftsRowCount(Connection& connection) {
    StatementUse statement = connection.statement("SELECT block FROM records_fts_data WHERE id = 1");
    if (!statement->step()) return 0;
    std::string_view block = statement->blobView(0);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < block.size() && i < 9; ++i) {
        const auto byte = static_cast<unsigned char>(block[i]);
        if (i == 8) return static_cast<std::int64_t>((value << 8) | byte);  // SQLite varint: the 9th byte is whole
        value = (value << 7) | (byte & 0x7F);
        if (!(byte & 0x80)) return static_cast<std::int64_t>(value);
    }
    return 0;
}

namespace planner {
namespace {

// Decodes one UTF-8 code point at `pos` (advancing it). Malformed bytes decode as U+FFFD, one byte
// at a time, so any input makes progress.
char32_t decodeUtf8(std::string_view text, std::size_t& pos) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(pos);
    if (lead < 0x80) {
        ++pos;
        return lead;
    }
    int length = lead >= 0xF0 && lead < 0xF8 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
    if (length == 0 || pos + length > text.size()) {
        ++pos;
        return 0xFFFD;
    }
    char32_t value = lead & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
    for (int i = 1; i < length; ++i) {
        unsigned char next = byte(pos + i);
        if ((next & 0xC0) != 0x80) {
            ++pos;
            return 0xFFFD;
        }
        value = (value << 6) | (next & 0x3F);
    }
    pos += length;
    return value;
}

// unicode61 keeps letters, digits and private-use characters (categories L*, N*, Co) and treats
// everything else as a separator. Exact for ASCII and Latin-1; beyond that the punctuation, space
// and symbol blocks separate and the rest counts as letters. Words are quoted before FTS5 sees them
// and FTS5 tokenizes the quoted string again, so a rare misjudgement only turns two AND-ed words
// into a phrase, never into an error.
bool isWordChar(char32_t c) {
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c < 0xC0) return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
                         (c >= 0xBC && c <= 0xBE);
    if (c == 0xD7 || c == 0xF7) return false;
    if (c >= 0x2000 && c <= 0x206F) return false;  // general punctuation, spaces
    if (c >= 0x20A0 && c <= 0x20CF) return false;  // currency symbols
    if (c >= 0x2190 && c <= 0x23FF) return false;  // arrows, mathematical and technical symbols
    if (c >= 0x2500 && c <= 0x27BF) return false;  // box drawing, shapes, misc symbols, dingbats
    if (c >= 0x2E00 && c <= 0x2E7F) return false;  // supplemental punctuation
    if (c >= 0x3000 && c <= 0x3003) return false;  // CJK space and punctuation
    if (c >= 0xFE10 && c <= 0xFE1F) return false;  // vertical forms
    if (c >= 0xFE30 && c <= 0xFE4F) return false;  // CJK compatibility forms
    if (c >= 0xFF01 && c <= 0xFF0F) return false;  // fullwidth punctuation
    if (c == 0xFEFF || c == 0xFFFD) return false;
    if (c >= 0x1F000 && c <= 0x1FAFF) return false;  // emoji and pictographs
    return true;
}

std::vector<std::string> sortedUnique(std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

// Appends SQL text and its parameters in step, so placeholders and values never drift apart.
class SqlBuilder {
public:
    SqlBuilder& sql(std::string_view text) {
        m_query.sql.append(text);
        return *this;
    }
    SqlBuilder& param(SqlParam value) {
        m_query.sql.push_back('?');
        m_query.params.push_back(std::move(value));
        return *this;
    }
    // A condition compiled elsewhere with bare `?` placeholders: its parameters follow in order.
    SqlBuilder& fragment(const SqlQuery& condition) {
        m_query.sql.append(condition.sql);
        m_query.params.insert(m_query.params.end(), condition.params.begin(), condition.params.end());
        return *this;
    }
    SqlBuilder& list(const std::vector<std::string>& values) {
        m_query.sql.push_back('(');
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i) m_query.sql.push_back(',');
            param(values[i]);
        }
        m_query.sql.push_back(')');
        return *this;
    }
    SqlQuery take() { return std::move(m_query); }

private:
    SqlQuery m_query;
};

// The text constraint as a candidate sub-select (when FTS5 does not drive the query).
void appendCondition(SqlBuilder& out, const Constraint& constraint) {
    switch (constraint.kind) {
    case Constraint::Kind::Text:
        out.sql("r.rid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ").param(constraint.match).sql(")");
        break;
    case Constraint::Kind::Bbox: {
        const record::Bbox& box = constraint.bbox;
        // The R*Tree narrows to a superset (it rounds outwards to 32-bit floats); the row's exact
        // bbox decides.
        out.sql("r.rid IN (SELECT rid FROM records_rtree WHERE min_x <= ")
            .param(box.maxX)
            .sql(" AND max_x >= ")
            .param(box.minX)
            .sql(" AND min_y <= ")
            .param(box.maxY)
            .sql(" AND max_y >= ")
            .param(box.minY)
            .sql(") AND r.min_x <= ")
            .param(box.maxX)
            .sql(" AND r.max_x >= ")
            .param(box.minX)
            .sql(" AND r.min_y <= ")
            .param(box.maxY)
            .sql(" AND r.max_y >= ")
            .param(box.minY);
        break;
    }
    case Constraint::Kind::Time:
        // Records without time have NULLs here and never match.
        out.sql("r.time_start <= ").param(constraint.end).sql(" AND r.time_end >= ").param(constraint.start);
        break;
    case Constraint::Kind::Values:
        out.sql("r.rid IN (SELECT rid FROM record_values WHERE kind = ")
            .param(constraint.valueKind)
            .sql(" AND value IN ")
            .list(constraint.values)
            .sql(")");
        break;
    case Constraint::Kind::Keys:
        // Item keys, or records' own ids (the same on a node; on a hub a key is origin:id).
        out.sql("(r.key IN ").list(constraint.values).sql(" OR r.id IN ").list(constraint.values).sql(")");
        break;
    case Constraint::Kind::Origins:
        out.sql("r.origin IN ").list(constraint.values);
        break;
    case Constraint::Kind::Sources:
        out.sql("r.source IN ").list(constraint.values);
        break;
    case Constraint::Kind::Sql:
        out.sql("(").fragment(constraint.condition).sql(")");
        break;
    }
}

void appendWhere(SqlBuilder& out, const Plan& plan, const Constraint* skip) {
    bool first = true;
    for (const Constraint& constraint : plan.constraints) {
        if (&constraint == skip) continue;
        out.sql(first ? " WHERE " : " AND ");
        first = false;
        appendCondition(out, constraint);
    }
}

void bindAll(Statement& statement, const std::vector<SqlParam>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        int index = static_cast<int>(i + 1);
        std::visit([&](const auto& value) { statement.bind(index, value); }, params[i]);
    }
}

}  // namespace

std::vector<std::string> splitWords(std::string_view term) {
    std::vector<std::string> words;
    std::string current;
    std::size_t pos = 0;
    while (pos < term.size()) {
        std::size_t start = pos;
        char32_t c = decodeUtf8(term, pos);
        if (isWordChar(c)) {
            current.append(term.substr(start, pos - start));
        } else if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

std::string ftsQuery(const std::vector<std::string>& terms) {
    std::string out;
    for (const std::string& term : terms) {
        std::vector<std::string> words = splitWords(term);
        if (words.empty()) continue;
        if (!out.empty()) out += " OR ";
        out += '(';
        for (std::size_t i = 0; i < words.size(); ++i) {
            if (i) out += " AND ";
            // An FTS5 string: double quotes, an embedded quote doubled (words hold none today, but
            // the quoting must not depend on the splitter).
            out += '"';
            for (char c : words[i]) {
                if (c == '"') out += '"';
                out += c;
            }
            out += "\"*";
        }
        out += ')';
    }
    return out;
}

const Constraint* Plan::text() const {
    for (const Constraint& constraint : constraints)
        if (constraint.kind == Constraint::Kind::Text) return &constraint;
    return nullptr;
}

namespace {

// The posting kind of a list queryable, or nullptr.
const char* listKind(const cql2::Term& term) {
    if (term.kind != cql2::Term::Kind::Property || term.caseInsensitive) return nullptr;
    switch (term.property) {
        case cql2::Property::Themes: return kTheme;
        case cql2::Property::Formats: return kFormat;
        case cql2::Property::AdminUnits: return kAdminUnit;
        default: return nullptr;
    }
}

bool plainString(const cql2::Term& term) { return term.kind == cql2::Term::Kind::String && !term.caseInsensitive; }

// `list = 'v'`, `'v' = list` or `list IN ('a', ...)` as a value constraint (see cql2_sql.cpp:
// compare() and in() compile these to the same postings lookup).
bool liftValues(const cql2::Expression& expression, Constraint& out) {
    using Kind = cql2::Expression::Kind;
    if (expression.kind == Kind::Compare && expression.op == "=" && expression.terms.size() == 2) {
        const cql2::Term& left = expression.terms[0];
        const cql2::Term& right = expression.terms[1];
        const char* kind = listKind(left) ? listKind(left) : listKind(right);
        const cql2::Term& literal = listKind(left) ? right : left;
        if (!kind || !plainString(literal)) return false;
        out.kind = Constraint::Kind::Values;
        out.valueKind = kind;
        out.values = {literal.text};
        return true;
    }
    if (expression.kind == Kind::In && expression.terms.size() == 2) {
        const char* kind = listKind(expression.terms[0]);
        const cql2::Term& list = expression.terms[1];
        if (!kind || list.kind != cql2::Term::Kind::List || list.items.empty()) return false;
        std::vector<std::string> values;
        for (const cql2::Term& item : list.items) {
            if (!plainString(item)) return false;
            values.push_back(item.text);
        }
        out.kind = Constraint::Kind::Values;
        out.valueKind = kind;
        out.values = sortedUnique(values);
        return true;
    }
    return false;
}

}  // namespace

Plan makePlan(const SearchQuery& query) {
    Plan plan;
    std::string match = ftsQuery(query.terms);
    if (!match.empty()) {
        Constraint text;
        text.kind = Constraint::Kind::Text;
        text.match = std::move(match);
        for (const std::string& term : query.terms) {
            std::vector<std::string> words = splitWords(term);
            if (!words.empty()) text.termWords.push_back(std::move(words));
        }
        plan.constraints.push_back(std::move(text));
    }
    if (query.bbox) {
        Constraint box;
        box.kind = Constraint::Kind::Bbox;
        box.bbox = *query.bbox;
        plan.constraints.push_back(box);
    }
    if (query.timeStart || query.timeEnd) {
        Constraint time;
        time.kind = Constraint::Kind::Time;
        time.start = query.timeStart.value_or(common::kOpenStart);
        time.end = query.timeEnd.value_or(common::kOpenEnd);
        plan.constraints.push_back(time);
    }
    auto addValues = [&](Constraint::Kind kind, const char* valueKind, const std::vector<std::string>& values) {
        if (values.empty()) return;
        Constraint constraint;
        constraint.kind = kind;
        if (valueKind) constraint.valueKind = valueKind;
        constraint.values = sortedUnique(values);
        plan.constraints.push_back(std::move(constraint));
    };
    addValues(Constraint::Kind::Keys, nullptr, query.ids);
    addValues(Constraint::Kind::Origins, nullptr, query.origins);
    addValues(Constraint::Kind::Sources, nullptr, query.sources);
    addValues(Constraint::Kind::Values, kType, query.types);
    addValues(Constraint::Kind::Values, kTheme, query.themes);
    addValues(Constraint::Kind::Values, kFormat, query.formats);
    addValues(Constraint::Kind::Values, kAdminUnit, query.adminUnits);
    addValues(Constraint::Kind::Values, kPublisher, query.publishers);
    if (query.filter) {
        // `themes = 'x'` and `formats IN ('a', 'b')` at the filter's top level (alone or AND-ed)
        // mean exactly what the `themes=`/`formats=` parameters mean: they become value
        // constraints, which the index-only path answers; the rest stays one SQL condition.
        std::vector<const cql2::Expression*> parts;
        if (query.filter->kind == cql2::Expression::Kind::And)
            for (const auto& child : query.filter->children) parts.push_back(&child);
        else
            parts.push_back(query.filter.get());
        cql2::Expression rest;
        rest.kind = cql2::Expression::Kind::And;
        rest.offset = query.filter->offset;
        for (const cql2::Expression* part : parts) {
            Constraint lifted;
            if (liftValues(*part, lifted))
                plan.constraints.push_back(std::move(lifted));
            else
                rest.children.push_back(*part);
        }
        if (!rest.children.empty()) {
            Constraint filter;
            filter.kind = Constraint::Kind::Sql;
            filter.condition = filterSql(rest.children.size() == 1 ? rest.children.front() : rest);
            plan.constraints.push_back(std::move(filter));
        }
    }
    for (const std::string& facet : query.facets) {
        if (std::find(plan.facets.begin(), plan.facets.end(), facet) != plan.facets.end()) continue;
        bool known = false;
        for (const char* name : kFacetNames) known = known || facet == name;
        if (!known) throw std::invalid_argument("unknown facet '" + facet + "'");
        plan.facets.push_back(facet);
    }
    plan.facetLimit = std::max(1, query.facetLimit);

    bool hasText = plan.text() != nullptr;
    switch (query.sort) {
    case SortKey::Default:
    case SortKey::Relevance:
        // Relevance needs words to rank by; without them the newest records come first.
        plan.order = hasText ? Order::Relevance : Order::Updated;
        plan.descending = query.sort == SortKey::Default ? true : query.descending;
        break;
    case SortKey::Updated:
        plan.order = Order::Updated;
        plan.descending = query.descending;
        break;
    case SortKey::Title:
        plan.order = Order::Title;
        plan.descending = query.descending;
        break;
    }
    plan.limit = std::max(0, query.limit);
    plan.offset = std::max<std::int64_t>(0, query.offset);
    return plan;
}

// The page is chosen by rid alone and its records are read afterwards, one point lookup each:
// SQLite computes a query's result columns for every row it sorts, so selecting the JSON (2-4 KB,
// often in overflow pages) in the ranking query copied it for every match, not only the page's
// (measured: q+bbox at 100,000 records, 7,600 matches).
SqlQuery pageSql(const Plan& plan) {
    // Relevance is ranked by relevancePage (below), never here.
    SqlBuilder out;
    const char* direction = plan.descending ? " DESC" : " ASC";
    out.sql("SELECT r.rid FROM records r");
    appendWhere(out, plan, nullptr);
    // The tie-break runs in the same direction, so one index (column, rid) serves both.
    if (plan.order == Order::Title)
        out.sql(" ORDER BY r.title COLLATE NOCASE").sql(direction).sql(", r.rid").sql(direction);
    else
        out.sql(" ORDER BY r.updated").sql(direction).sql(", r.rid").sql(direction);
    out.sql(" LIMIT ").param(plan.limit).sql(" OFFSET ").param(plan.offset);
    return out.take();
}

SqlQuery countSql(const Plan& plan) {
    SqlBuilder out;
    const Constraint* text = plan.text();
    if (plan.constraints.empty()) {
        out.sql("SELECT count(*) FROM records");
    } else if (text && plan.constraints.size() == 1) {
        // FTS5 counts its own matches without touching the records table.
        out.sql("SELECT count(*) FROM records_fts WHERE records_fts MATCH ").param(text->match);
    } else {
        out.sql("SELECT count(*) FROM records r");
        appendWhere(out, plan, nullptr);
    }
    return out.take();
}

SqlQuery facetSql(const Plan& plan, const std::string& facet) {
    // Lists, type and publisher are counted from the postings: one row per (kind, value, record),
    // so count(*) counts records. license and rights are columns of the record.
    const char* valueKind = facet == "themes"       ? kTheme
                            : facet == "formats"    ? kFormat
                            : facet == "adminUnits" ? kAdminUnit
                            : facet == "type"       ? kType
                            : facet == "publisher"  ? kPublisher
                                                    : nullptr;
    const char* column = facet == "license" ? "license" : facet == "rights" ? "rights" : nullptr;
    if (!valueKind && !column) throw std::invalid_argument("unknown facet '" + facet + "'");
    SqlBuilder out;
    if (valueKind && plan.constraints.empty()) {
        // The postings' primary key (kind, value, rid) answers this alone, in value order.
        out.sql("SELECT value, count(*) AS n FROM record_values WHERE kind = ").param(std::string(valueKind));
        out.sql(" GROUP BY value");
    } else if (valueKind) {
        // CROSS JOIN keeps the candidates (the plan's conditions) as the outer loop, so the cost
        // follows the number of matches, not the number of postings of the kind.
        out.sql("SELECT v.value, count(*) AS n FROM records r")
            .sql(" CROSS JOIN record_values v ON v.rid = r.rid AND v.kind = ")
            .param(std::string(valueKind));
        appendWhere(out, plan, nullptr);
        out.sql(" GROUP BY v.value");
    } else if (plan.constraints.empty()) {
        // Answered from the column's index (schema version 3).
        out.sql("SELECT ").sql(column).sql(", count(*) AS n FROM records WHERE ").sql(column);
        out.sql(" <> '' GROUP BY ").sql(column);
    } else {
        // The unary + keeps SQLite from walking the whole column index in value order.
        out.sql("SELECT r.").sql(column).sql(", count(*) AS n FROM records r");
        appendWhere(out, plan, nullptr);
        out.sql(" AND +r.").sql(column).sql(" <> '' GROUP BY +r.").sql(column);
    }
    out.sql(" ORDER BY n DESC, 1 ASC LIMIT ").param(plan.facetLimit);
    return out.take();
}

// The page's records, in the page's order: one point lookup each.
void readHits(Connection& connection, const std::vector<std::int64_t>& rids, SearchResult& result) {
    StatementUse fetch = connection.statement(
        "SELECT key, origin, json, seq, source, signature, verified FROM records WHERE rid = ?1");
    result.hits.reserve(rids.size());
    for (std::int64_t rid : rids) {
        fetch->bind(1, rid);
        if (fetch->step()) {
            SearchHit hit;
            hit.key = fetch->text(0);
            hit.origin = fetch->text(1);
            hit.json = connection.documents().decode(*fetch, 2, connection);
            hit.seq = fetch->int64(3);
            hit.source = fetch->text(4);
            if (!fetch->isNull(5)) hit.signature = fetch->text(5);
            hit.verified = fetch->int64(6) != 0;
            result.hits.push_back(std::move(hit));
        }
        fetch->reset();
    }
}

// ---------------------------------------------------------------------------------------------
// The candidate path: the common discovery queries (words, a bbox, a time interval, themes,
// formats, types, admin units, publishers, in any combination, without facets) are answered from
// the indexes alone. Each condition gives its sorted record ids from an index-only scan (the FTS5
// doclist, the R*Tree, records_by_time, the postings' primary key); their intersection is the exact
// match set, so numberMatched is exact without visiting any record row. The page is then ranked
// by relevancePage, or found by walking the (updated, rid) or (title, rid) index until
// it is full; only its own rows are read. The SQL path above stays for every other shape, and both
// must agree (the store and API tests run on both).
namespace {

using Rids = std::vector<std::int64_t>;

bool candidateShape(const Plan& plan, bool ignoreFacets) {
    if (plan.constraints.empty() || (!plan.facets.empty() && !ignoreFacets)) return false;
    for (const Constraint& constraint : plan.constraints)
        if (constraint.kind != Constraint::Kind::Text && constraint.kind != Constraint::Kind::Bbox &&
            constraint.kind != Constraint::Kind::Time && constraint.kind != Constraint::Kind::Values)
            return false;
    return true;
}

// Record ids come from the indexes in their own orders (the R*Tree's is spatial): tens of thousands
// of them, where std::sort took half of a bbox search at 1M records. Ids are rowids, below 2^33 in
// practice: an LSD radix sort of three 11-bit digits sorts them in linear time; larger ids (or
// few ids) take std::sort.
void sortUnique(Rids& rids) {
    if (std::is_sorted(rids.begin(), rids.end())) {
        rids.erase(std::unique(rids.begin(), rids.end()), rids.end());
        return;
    }
    constexpr int kDigitBits = 11;
    constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
    constexpr std::int64_t kRadixLimit = std::int64_t{1} << (3 * kDigitBits);
    bool radix = rids.size() >= 4096;
    for (std::int64_t rid : rids) radix = radix && rid >= 0 && rid < kRadixLimit;
    if (!radix) {
        std::sort(rids.begin(), rids.end());
    } else {
        Rids buffer(rids.size());
        for (int pass = 0; pass < 3; ++pass) {
            const int shift = pass * kDigitBits;
            std::vector<std::size_t> counts(kBuckets + 1, 0);
            for (std::int64_t rid : rids) ++counts[((rid >> shift) & (kBuckets - 1)) + 1];
            for (std::size_t b = 1; b <= kBuckets; ++b) counts[b] += counts[b - 1];
            for (std::int64_t rid : rids) buffer[counts[(rid >> shift) & (kBuckets - 1)]++] = rid;
            rids.swap(buffer);
        }
    }
    rids.erase(std::unique(rids.begin(), rids.end()), rids.end());
}

// The R*Tree holds 32-bit floats rounded outwards, so its answer is a superset: a candidate whose
// stored box clears the query by more than the rounding is certainly a match; the few near an
// edge are checked against the row's exact bbox.
Rids bboxRids(Connection& connection, const record::Bbox& box) {
    BoxScan& scan = connection.boxScan();
    scan.minX = box.minX;
    scan.minY = box.minY;
    scan.maxX = box.maxX;
    scan.maxY = box.maxY;
    scan.certain.clear();
    scan.edge.clear();
    {
        // tw_box (box_scan.hpp) collects the ids during the tree walk and returns no row.
        StatementUse statement = connection.statement("SELECT rid FROM records_rtree WHERE rid MATCH tw_box()");
        while (statement->step()) {
        }
    }
    Rids rids = std::move(scan.certain);
    Rids edge = std::move(scan.edge);
    scan.certain = {};
    scan.edge = {};
    if (!edge.empty()) {
        StatementUse exact = connection.statement(
            "SELECT 1 FROM records WHERE rid = ?1 AND min_x <= ?2 AND max_x >= ?3 AND min_y <= ?4 AND max_y >= ?5");
        for (std::int64_t rid : edge) {
            exact->bind(1, rid).bind(2, box.maxX).bind(3, box.minX).bind(4, box.maxY).bind(5, box.minY);
            if (exact->step()) rids.push_back(rid);
            exact->reset();
        }
    }
    sortUnique(rids);
    return rids;
}

Rids constraintRids(Connection& connection, const Constraint& constraint) {
    Rids rids;
    switch (constraint.kind) {
    case Constraint::Kind::Text: {
        StatementUse statement = connection.statement("SELECT rowid FROM records_fts WHERE records_fts MATCH ?1");
        statement->bind(1, constraint.match);
        while (statement->step()) rids.push_back(statement->int64(0));
        break;
    }
    case Constraint::Kind::Bbox: return bboxRids(connection, constraint.bbox);
    case Constraint::Kind::Time: {
        // records_by_time(time_start, time_end) covers this; records without time never match.
        StatementUse statement = connection.statement(
            "SELECT rid FROM records INDEXED BY records_by_time WHERE time_start <= ?1 AND time_end >= ?2");
        statement->bind(1, constraint.end).bind(2, constraint.start);
        while (statement->step()) rids.push_back(statement->int64(0));
        break;
    }
    case Constraint::Kind::Values: {
        StatementUse statement =
            connection.statement("SELECT rid FROM record_values WHERE kind = ?1 AND value = ?2");
        for (const std::string& value : constraint.values) {
            statement->bind(1, constraint.valueKind).bind(2, value);
            while (statement->step()) rids.push_back(statement->int64(0));
            statement->reset();
        }
        break;
    }
    default: throw std::logic_error("not a candidate condition");
    }
    sortUnique(rids);
    return rids;
}

bool contains(const Rids& sorted, std::int64_t rid) { return std::binary_search(sorted.begin(), sorted.end(), rid); }

using Bitmap = TermIndex::Bitmap;

Bitmap bitmapOf(const std::vector<std::uint32_t>& ids) { return Bitmap(roaring_bitmap_of_ptr(ids.size(), ids.data())); }

Rids listed(const roaring_bitmap_t* bitmap) {
    std::vector<std::uint32_t> ids(roaring_bitmap_get_cardinality(bitmap));
    roaring_bitmap_to_uint32_array(bitmap, ids.data());
    return Rids(ids.begin(), ids.end());
}

}  // namespace

// The matches of the candidate path: a CRoaring bitmap when the in-memory index served the search
// (its rids fit 32 bits), so that the conditions, the facets and the ranking are bitmap operations
// with nothing listed but the page; otherwise sorted rids.
struct MatchSet {
    Bitmap bitmap;  // the matches, when set
    Rids rids;      // otherwise: ascending

    std::size_t size() const { return bitmap ? roaring_bitmap_get_cardinality(bitmap.get()) : rids.size(); }
    bool contains(std::int64_t rid) const {
        if (bitmap) return fitsBitmap(rid) && roaring_bitmap_contains(bitmap.get(), static_cast<std::uint32_t>(rid));
        return planner::contains(rids, rid);
    }
    // The matches as a bitmap: `bitmap`, or one made from `rids` in `scratch`; nullptr when a rid
    // does not fit 32 bits.
    const roaring_bitmap_t* asBitmap(Bitmap& scratch) const {
        if (bitmap) return bitmap.get();
        std::optional<std::vector<std::uint32_t>> ids = bitmapIds(rids);
        if (!ids) return nullptr;
        scratch = bitmapOf(*ids);
        return scratch.get();
    }
};

namespace {

// Relevance. Each phrase of the MATCH (a word of `q`, matched as a prefix) adds its inverse
// document frequency times the weight of the fields it occurs in: title 10, keywords 5,
// description 1 (the weights bm25 had here before). It is BM25F's saturated limit: a word counts
// once per field however often it repeats, and field length does not matter, which suits titles and
// abstracts of a catalog better than raw term frequency. Equal scores come newest first (`updated`,
// then rid). Unlike bm25 it needs no document length, so ranking costs one pass over the FTS5
// doclist (tw_columns, fts_rank.hpp) and then whole score groups, not rows, are ordered; only the
// group the page falls in is ordered by `updated`.
//
// `filter`: the matches when the plan has conditions besides the words (sorted rids); null when the
// words are the only condition. Both search paths rank through here, so they order alike.
struct TextMatches {
    Rids rids;                         // ascending
    std::vector<std::uint64_t> masks;  // for each rid: tw_columns, the fields each phrase occurs in
    // From the term index instead of rids and masks: the matches as a bitmap, and for each (word,
    // field) bit of a mask the records where it is set: the word's postings in that field, within
    // its AND group's rows. The ranking splits the final match set (after the other conditions)
    // on them into classes of equal mask; so they are cut to the group only then, when small.
    Bitmap set;
    struct FieldRows {
        std::uint64_t bit;
        Bitmap postings;
        std::size_t group;  // in groupRows
    };
    std::vector<FieldRows> fields;
    std::vector<Bitmap> groupRows;
    std::int64_t documentFrequency[kMaxRankedPhrases] = {};
    std::int64_t documents = 0;        // rows in the FTS5 table
};

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

// `memory`: the in-memory index of the snapshot, when the search has it (each rid's `updated`).
Rids relevancePage(Connection& connection, const Plan& plan, const TextMatches& text, const MatchSet* filter,
                   const TermIndex* memory = nullptr) {
    std::unordered_map<std::uint64_t, std::vector<std::int64_t>> byMask;
    // From the term index: classes of rows by mask, as bitmaps; a group is listed only when the page
    // falls in it.
    std::vector<std::pair<std::uint64_t, Bitmap>> classes;
    if (text.set) {
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
    } else if (filter && filter->bitmap) {
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
    const std::int64_t documents = text.documents;
    // Score groups: rows with the same mask score the same; masks with equal scores merge.
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
    // A group's rids, or the bitmaps of its classes until the page needs them listed.
    struct Group {
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
    std::map<double, Group> groups;  // score -> rids
    for (auto& [mask, rids] : byMask) {
        Group& group = groups[scoreOf(mask)];
        group.rids.insert(group.rids.end(), rids.begin(), rids.end());
        group.size += rids.size();
    }
    byMask.clear();
    for (const auto& [mask, rows] : classes) {
        if (roaring_bitmap_is_empty(rows.get())) continue;
        Group& group = groups[scoreOf(mask)];
        group.bitmaps.push_back(rows.get());
        group.size += roaring_bitmap_get_cardinality(rows.get());
    }

    const bool best = plan.descending;  // best first: score, updated and rid descending
    const auto first = static_cast<std::size_t>(plan.offset), end = static_cast<std::size_t>(plan.offset + plan.limit);
    Rids page;
    std::size_t before = 0;  // rows in the groups already passed
    auto visit = [&](Group& listed) {
        if (before >= end) return;
        if (before + listed.size <= first) {
            before += listed.size;
            return;
        }
        listed.list();
        std::vector<std::int64_t>& group = listed.rids;
        if (!std::is_sorted(group.begin(), group.end())) std::sort(group.begin(), group.end());
        const std::size_t need = std::min(group.size(), end - before);  // this group's leading rows
        Rids ordered;
        // Order by (updated, rid): look each member's `updated` up (in the in-memory index, or by a
        // seek of its row) when the group is small, else walk the (updated, rid) index until `need`
        // members have passed (about need/density steps). In units of an index step.
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
        for (std::size_t i = 0; i < ordered.size(); ++i)
            if (before + i >= first) page.push_back(ordered[i]);
        before += group.size();
    };
    if (best) {
        for (auto it = groups.rbegin(); it != groups.rend() && before < end; ++it) visit(it->second);
    } else {
        for (auto it = groups.begin(); it != groups.end() && before < end; ++it) visit(it->second);
    }
    return page;
}

// The page's rids in order: offset..offset+limit of the matches.
// `words`: the words' matches when the caller has them (relevance needs them). `memory`: the
// in-memory index of the snapshot, when the search has it.
Rids pageRids(Connection& connection, const Plan& plan, const MatchSet& matches, const TextMatches* words = nullptr,
              const TermIndex* memory = nullptr) {
    Rids page;
    const auto wanted = static_cast<std::size_t>(plan.offset + plan.limit);
    const Constraint* text = plan.text();
    if (plan.order == Order::Relevance && text) {
        const bool onlyWords = plan.constraints.size() == 1;
        if (words) return relevancePage(connection, plan, *words, onlyWords ? nullptr : &matches, memory);
        return relevancePage(connection, plan, textMatches(connection, *text), onlyWords ? nullptr : &matches, memory);
    }
    if (memory && plan.order == Order::Updated && matches.size() > 0) {
        // Few matches are ordered by their `updated` in memory; many are found by walking the index
        // (about wanted/density steps; a lookup costs about a twentieth of a step).
        const double size = static_cast<double>(matches.size());
        const double walkCost =
            static_cast<double>(wanted) * static_cast<double>(std::max<std::int64_t>(ftsRowCount(connection), 1)) / size;
        if (size * 0.05 <= walkCost) {
            const Rids all = matches.bitmap ? listed(matches.bitmap.get()) : matches.rids;
            std::vector<std::pair<std::int64_t, std::int64_t>> keyed;  // updated, rid
            keyed.reserve(all.size());
            for (std::int64_t rid : all) keyed.emplace_back(memory->updated(static_cast<std::uint32_t>(rid)), rid);
            const bool descending = plan.descending;
            auto order = [descending](const auto& a, const auto& b) { return descending ? a > b : a < b; };
            const std::size_t end = std::min(wanted, keyed.size());
            std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(end), keyed.end(), order);
            for (std::size_t i = static_cast<std::size_t>(plan.offset); i < end; ++i) page.push_back(keyed[i].second);
            return page;
        }
    }
    // Walk the order's index until the page is full: the index holds (column, rid), so no row is read.
    const bool byTitle = plan.order == Order::Title;
    std::string sql = std::string("SELECT rid FROM records INDEXED BY ") +
                      (byTitle ? "records_by_title ORDER BY title COLLATE NOCASE" : "records_by_updated ORDER BY updated") +
                      (plan.descending ? " DESC, rid DESC" : " ASC, rid ASC");
    StatementUse statement = connection.statement(sql);
    std::size_t seen = 0;
    while (seen < wanted && statement->step()) {
        std::int64_t rid = statement->int64(0);
        if (!matches.contains(rid)) continue;
        if (seen++ >= static_cast<std::size_t>(plan.offset)) page.push_back(rid);
    }
    return page;
}

}  // namespace

// The ids holding any of `constraint`'s values, from the facet bitmaps (defined with FacetIndex,
// below); nullopt when the bitmaps do not cover that kind of value.
std::optional<Bitmap> valueBitmap(const FacetIndex& index, const Constraint& constraint);

namespace {

// candidateMatches when the in-memory index is at the snapshot: every condition a bitmap (the
// words', the grids', the facet values'; the others' rids made one), ANDed smallest first, and
// datetime checked against the extents in memory. nullopt when a rid does not fit 32 bits.
std::optional<MatchSet> bitmapMatches(Connection& connection, const Plan& plan, const TextMatches* words,
                                      const FacetIndex* bitmaps, const TermIndex& memory) {
    std::vector<Bitmap> owned;
    std::vector<const roaring_bitmap_t*> sets;
    std::vector<const Constraint*> times;
    const roaring_bitmap_t* wordSet = words && words->set ? words->set.get() : nullptr;
    for (const Constraint& constraint : plan.constraints) {
        if (constraint.kind == Constraint::Kind::Time && plan.constraints.size() > 1) {
            times.push_back(&constraint);
            continue;
        }
        std::optional<Bitmap> made;
        if (constraint.kind == Constraint::Kind::Text && wordSet) {
            sets.push_back(wordSet);
        } else {
            if (constraint.kind == Constraint::Kind::Bbox) {
                const record::Bbox& box = constraint.bbox;
                made = memory.boxMatches(box.minX, box.minY, box.maxX, box.maxY, wordSet);
            } else if (constraint.kind == Constraint::Kind::Values && bitmaps) {
                made = valueBitmap(*bitmaps, constraint);
            }
            if (!made) {
                std::optional<std::vector<std::uint32_t>> ids =
                    bitmapIds(constraint.kind == Constraint::Kind::Text && words ? words->rids
                                                                                 : constraintRids(connection, constraint));
                if (!ids) return std::nullopt;
                made = bitmapOf(*ids);
            }
            owned.push_back(std::move(*made));
            sets.push_back(owned.back().get());
        }
        if (roaring_bitmap_is_empty(sets.back())) break;  // nothing can match
    }
    if (sets.empty()) return std::nullopt;  // only datetime conditions: the time index answers
    std::sort(sets.begin(), sets.end(), [](const roaring_bitmap_t* a, const roaring_bitmap_t* b) {
        return roaring_bitmap_get_cardinality(a) < roaring_bitmap_get_cardinality(b);
    });
    MatchSet out;
    out.bitmap.reset(roaring_bitmap_copy(sets.front()));
    for (std::size_t i = 1; i < sets.size() && !roaring_bitmap_is_empty(out.bitmap.get()); ++i)
        roaring_bitmap_and_inplace(out.bitmap.get(), sets[i]);
    if (!times.empty() && !roaring_bitmap_is_empty(out.bitmap.get())) {
        std::vector<std::uint32_t> ids(roaring_bitmap_get_cardinality(out.bitmap.get()));
        roaring_bitmap_to_uint32_array(out.bitmap.get(), ids.data());
        // One extent per match, spread over the array: fetch ahead so that the misses overlap.
        constexpr std::size_t kAhead = 16;
        std::size_t kept = 0;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (i + kAhead < ids.size()) memory.prefetchExtent(ids[i + kAhead]);
            bool keep = true;
            for (const Constraint* time : times) keep = keep && memory.timeIntersects(ids[i], time->start, time->end);
            if (keep) ids[kept++] = ids[i];
        }
        ids.resize(kept);
        out.bitmap = bitmapOf(ids);
    }
    return out;
}

}  // namespace

// `words`: the words' matches when the caller already has them. `bitmaps`: the facet bitmaps of
// the caller's snapshot, when it has them: value lists are then read from them instead of the
// postings (83,595 ids: 8 ms from the postings, a fraction of a millisecond from a bitmap).
MatchSet candidateMatches(Connection& connection, const Plan& plan, const TextMatches* words = nullptr,
                          const FacetIndex* bitmaps = nullptr, const TermIndex* memory = nullptr) {
    if (memory)
        if (std::optional<MatchSet> matches = bitmapMatches(connection, plan, words, bitmaps, *memory))
            return std::move(*matches);
    std::vector<Rids> sets;
    const Constraint* time = nullptr;
    for (const Constraint& constraint : plan.constraints) {
        // An open interval (datetime=2020-01-01/..) spans most of the time index: it is checked
        // last, on the rows already matched, when they are few.
        if (constraint.kind == Constraint::Kind::Time && plan.constraints.size() > 1) {
            time = &constraint;
            continue;
        }
        std::optional<Bitmap> fromBitmaps;
        if (constraint.kind == Constraint::Kind::Values && bitmaps) fromBitmaps = valueBitmap(*bitmaps, constraint);
        if (constraint.kind == Constraint::Kind::Text && words)
            sets.push_back(words->set ? listed(words->set.get()) : words->rids);
        else if (fromBitmaps)
            sets.push_back(listed(fromBitmaps->get()));
        else
            sets.push_back(constraintRids(connection, constraint));
        if (sets.back().empty()) break;  // nothing can match
    }
    std::sort(sets.begin(), sets.end(), [](const Rids& a, const Rids& b) { return a.size() < b.size(); });
    MatchSet out;
    Rids& matches = out.rids;
    matches = std::move(sets.front());
    for (std::size_t i = 1; i < sets.size() && !matches.empty(); ++i) {
        Rids next;
        next.reserve(matches.size());
        std::set_intersection(matches.begin(), matches.end(), sets[i].begin(), sets[i].end(), std::back_inserter(next));
        matches = std::move(next);
    }
    if (time && !matches.empty()) {
        Rids next;
        if (matches.size() <= 20000) {
            StatementUse check =
                connection.statement("SELECT 1 FROM records WHERE rid = ?1 AND time_start <= ?2 AND time_end >= ?3");
            for (std::int64_t rid : matches) {
                check->bind(1, rid).bind(2, time->end).bind(3, time->start);
                if (check->step()) next.push_back(rid);
                check->reset();
            }
        } else {
            Rids timed = constraintRids(connection, *time);
            std::set_intersection(matches.begin(), matches.end(), timed.begin(), timed.end(), std::back_inserter(next));
        }
        matches = std::move(next);
    }
    return out;
}

SearchResult executeByCandidates(Connection& connection, const Plan& plan, const FacetIndex* bitmaps,
                                 const TextMatches* indexed, const TermIndex* memory) {
    SearchResult result;
    ReadSnapshot snapshot(connection.database());
    // Ranked by words: their one FTS5 pass (or the term index) gives both their matches and the ranking.
    const TextMatches* words = indexed;
    std::optional<TextMatches> own;
    if (!words && plan.order == Order::Relevance && plan.text() && plan.limit > 0) {
        own = textMatches(connection, *plan.text());
        words = &*own;
    }
    MatchSet matches = candidateMatches(connection, plan, words, bitmaps, memory);
    result.numberMatched = static_cast<std::int64_t>(matches.size());
    if (plan.limit == 0 || plan.offset >= result.numberMatched) return result;
    Rids page = pageRids(connection, plan, matches, words, memory);
    readHits(connection, page, result);
    return result;
}

// Every record the plan matches, by the general SQL plan, in rid order.
std::vector<std::int64_t> sqlMatches(Connection& connection, const Plan& plan) {
    SqlBuilder out;
    out.sql("SELECT r.rid FROM records r");
    appendWhere(out, plan, nullptr);
    out.sql(" ORDER BY r.rid");
    SqlQuery query = out.take();
    StatementUse statement = connection.statement(query.sql);
    bindAll(*statement, query.params);
    std::vector<std::int64_t> rids;
    while (statement->step()) rids.push_back(statement->int64(0));
    return rids;
}

// The page's rids by the general SQL plan; relevance ranks the plan's matches as the candidate path does.
std::vector<std::int64_t> sqlPage(Connection& connection, const Plan& plan) {
    if (plan.order == Order::Relevance && plan.text()) {
        MatchSet matches;
        matches.rids = sqlMatches(connection, plan);
        return relevancePage(connection, plan, textMatches(connection, *plan.text()), &matches);
    }
    SqlQuery page = pageSql(plan);
    StatementUse statement = connection.statement(page.sql);
    bindAll(*statement, page.params);
    std::vector<std::int64_t> rids;
    while (statement->step()) rids.push_back(statement->int64(0));
    return rids;
}

// Facets over a match set: one CRoaring bitmap per facet value, built from the postings and the
// license/rights indexes; a facet's counts are then the cardinalities of each value's bitmap AND the
// matches: microseconds a value, whatever the number of matches. A version is valid at one feed seq;
// the next is made from it by the rids the writes in between touched (Store::Private::changedRids):
// those rids leave every bitmap and re-enter the bitmaps of the values they hold now. Bitmaps no
// write touched are shared between versions.
}  // namespace planner

struct FacetIndex {
    using Bitmap = std::shared_ptr<roaring_bitmap_t>;
    std::map<std::string, std::map<std::string, Bitmap>> values;  // facet name -> value -> rids
    std::int64_t seq = -1;
    static Bitmap wrap(roaring_bitmap_t* bitmap) { return Bitmap(bitmap, roaring_bitmap_free); }
};

namespace planner {

namespace {

const char* facetOfKind(std::string_view kind) {
    if (kind == kTheme) return "themes";
    if (kind == kFormat) return "formats";
    if (kind == kAdminUnit) return "adminUnits";
    if (kind == kType) return "type";
    if (kind == kPublisher) return "publisher";
    return nullptr;
}

}  // namespace

std::optional<Bitmap> valueBitmap(const FacetIndex& index, const Constraint& constraint) {
    const char* facet = facetOfKind(constraint.valueKind);
    if (!facet) return std::nullopt;
    auto values = index.values.find(facet);
    std::vector<const roaring_bitmap_t*> held;
    if (values != index.values.end())
        for (const std::string& value : constraint.values) {
            auto found = values->second.find(value);
            if (found != values->second.end()) held.push_back(found->second.get());
        }
    if (held.empty()) return Bitmap(roaring_bitmap_create());
    return Bitmap(roaring_bitmap_or_many(held.size(), held.data()));
}

// nullptr when a rid does not fit 32 bits (then the SQL plan counts).
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
    for (const char* column : {"license", "rights"}) {
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

// The version at `seq` from `previous` and the rids changed in between; nullptr when a rid does not
// fit 32 bits.
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
        StatementUse statement = connection.statement("SELECT license, rights FROM records WHERE rid = ?1");
        for (std::uint32_t rid : ids) {
            statement->reset();
            statement->bind(1, static_cast<std::int64_t>(rid));
            if (!statement->step()) continue;  // deleted
            if (!statement->textView(0).empty()) added[{"license", statement->text(0)}].push_back(rid);
            if (!statement->textView(1).empty()) added[{"rights", statement->text(1)}].push_back(rid);
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

namespace {

// `matched` null: the whole catalog.
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

}  // namespace

SearchResult execute(Connection& connection, const Plan& plan) {
    SearchResult result;
    ReadSnapshot snapshot(connection.database());
    {
        SqlQuery count = countSql(plan);
        StatementUse statement = connection.statement(count.sql);
        bindAll(*statement, count.params);
        if (statement->step()) result.numberMatched = statement->int64(0);
    }
    for (const std::string& name : plan.facets) {
        Facet facet;
        facet.name = name;
        if (result.numberMatched > 0) {
            SqlQuery query = facetSql(plan, name);
            StatementUse statement = connection.statement(query.sql);
            bindAll(*statement, query.params);
            while (statement->step()) facet.values.push_back({statement->text(0), statement->int64(1)});
        }
        result.facets.push_back(std::move(facet));
    }
    if (plan.limit == 0 || plan.offset >= result.numberMatched) return result;
    readHits(connection, sqlPage(connection, plan), result);
    return result;
}

}  // namespace planner

std::shared_ptr<const FacetIndex> Store::Private::facetIndexAt(Connection& connection, std::int64_t seq) const {
    std::lock_guard<std::mutex> lock(facetMutex);
    for (const auto& version : facetVersions)
        if (version->seq == seq) return version;
    std::shared_ptr<const FacetIndex> newest = facetVersions.empty() ? nullptr : facetVersions.back();
    // A snapshot older than every kept version (a write and a newer faceted query came in between).
    if (newest && newest->seq > seq) return nullptr;
    std::shared_ptr<const FacetIndex> next;
    if (newest) {
        // Beyond this many rids a rebuild costs about as much as catching up.
        constexpr std::size_t kMaxCatchUp = 100000;
        std::optional<std::vector<std::int64_t>> rids = changedRids(newest->seq, seq);
        if (rids && rids->size() <= kMaxCatchUp) {
            next = planner::catchUpFacetIndex(connection, *newest, *rids, seq);
            if (next) ++facetStats.catchUps;
        }
    }
    if (!next) {
        next = planner::buildFacetIndex(connection, seq);
        if (!next) return nullptr;
        ++facetStats.builds;
    }
    facetVersions.push_back(next);
    constexpr std::size_t kVersionsKept = 3;
    while (facetVersions.size() > kVersionsKept) facetVersions.pop_front();
    facetStats.seq = seq;
    facetSeq = seq;
    // The term index catches up from the same log: keep what it has not read yet.
    const std::int64_t termsAt = termSeq.load();
    trimChanges(termsAt >= 0 ? std::min(seq, termsAt) : seq);
    return next;
}

Store::Private::TermIndexLease Store::Private::termIndexAt(Connection& connection, std::int64_t seq,
                                                           IndexWork work) const {
    // Caught up or built, the index is looked at again: another thread may have moved it on.
    for (int attempt = 0; attempt < 3; ++attempt) {
        {
            std::shared_lock<std::shared_mutex> lock = readTermIndex();
            if (termIndex && termIndex->seq() == seq) return TermIndexLease{std::move(lock), termIndex.get()};
            if (termIndex && termIndex->seq() > seq) return {};  // a snapshot older than the index
        }
        {
            std::unique_lock<std::shared_mutex> lock = writeTermIndex();
            if (termIndex && termIndex->seq() >= seq) continue;
            if (termIndex) {
                std::optional<std::vector<std::int64_t>> rids = changedRids(termIndex->seq(), seq);
                // A request catches up a few records itself; more are the builder's (searches
                // meanwhile use FTS5), so that no request waits for seconds of index work.
                if (rids && work == IndexWork::Search && rids->size() > kInlineCatchUp) {
                    lock.unlock();
                    wakeBuilder();
                    return {};
                }
                if (rids && termIndex->catchUp(connection, *rids, seq)) {
                    termSeq = seq;
                    {
                        std::lock_guard<std::mutex> stats(termStatsMutex);
                        ++termStats.catchUps;
                    }
                    const std::int64_t facetsAt = facetSeq.load();
                    trimChanges(facetsAt >= 0 ? std::min(seq, facetsAt) : seq);
                    continue;
                }
            }
        }
        if (work == IndexWork::Search) {
            wakeBuilder();
            return {};
        }
        // Built outside termMutex: searches meanwhile keep using FTS5 (or the older index, at
        // their older snapshots). One build at a time; a second caller waits for it and looks again.
        std::unique_lock<std::mutex> building(termBuildMutex);
        {
            std::shared_lock<std::shared_mutex> lock = readTermIndex();
            if (termIndex && termIndex->seq() >= seq) continue;
        }
        std::unique_ptr<TermIndex> built = TermIndex::build(connection, seq);
        if (!built) return {};
        std::unique_lock<std::shared_mutex> lock = writeTermIndex();
        if (!termIndex || termIndex->seq() <= seq) {
            termIndex = std::move(built);
            termSeq = seq;
            std::lock_guard<std::mutex> stats(termStatsMutex);
            ++termStats.builds;
        }
    }
    return {};
}

void Store::Private::prepareIndexes() const {
    if (options.sqlSearchOnly) return;
    ConnectionPool::Lease connection = readers.acquire();
    ReadSnapshot snapshot(connection->database());
    const std::int64_t seq = latestSeq(*connection);
    facetIndexAt(*connection, seq);
    termIndexAt(*connection, seq, IndexWork::Build);
}

void Store::Private::wakeBuilder() const {
    if (options.sqlSearchOnly || !options.indexBuilder) return;
    std::lock_guard<std::mutex> lock(builderMutex);
    if (builderStopping) return;
    builderWanted = true;
    if (builder.joinable()) {
        builderWake.notify_one();
        return;
    }
    builder = std::thread([this] {
        std::unique_lock<std::mutex> lock(builderMutex);
        while (true) {
            builderWake.wait(lock, [this] { return builderWanted || builderStopping; });
            if (builderStopping) return;
            builderWanted = false;
            lock.unlock();
            try {
                prepareIndexes();
            } catch (const std::exception&) {
                // Left as they were: searches use FTS5 and SQL, and the next wake tries again.
            }
            lock.lock();
        }
    });
}

void Store::Private::stopBuilder() {
    {
        std::lock_guard<std::mutex> lock(builderMutex);
        builderStopping = true;
    }
    builderWake.notify_one();
    if (builder.joinable()) builder.join();
}

void Store::Private::expandWords(Connection& connection, const TermIndex& index, planner::Constraint& text) const {
    // Each word becomes ("term1" OR "term2" ...) over the terms it is a prefix of.
    constexpr std::size_t kMaxTermsPerWord = 16;
    FtsTokenizer tokenizer(connection.database().handle());
    std::string match;
    std::vector<int> phraseWords;
    int word = 0;
    for (const auto& words : text.termWords) {
        if (!match.empty()) match += " OR ";
        match += '(';
        for (std::size_t i = 0; i < words.size(); ++i, ++word) {
            std::vector<std::string> folded;
            tokenizer.tokens(words[i], folded);
            if (folded.size() != 1) return;  // not one FTS5 token: leave the prefix query
            const std::string& prefix = folded.front();
            std::vector<std::string> terms = index.terms(prefix, kMaxTermsPerWord + 1);
            if (terms.size() > kMaxTermsPerWord) return;  // too many: the prefix query is cheaper
            if (i) match += " AND ";
            if (terms.empty()) {
                match += '"' + prefix + '"';  // in no record: matches nothing, as the prefix would
                phraseWords.push_back(word);
                continue;
            }
            match += '(';
            for (std::size_t t = 0; t < terms.size(); ++t) {
                if (t) match += " OR ";
                match += '"';
                match += terms[t];  // a token: letters and digits only, nothing to escape
                match += '"';
                phraseWords.push_back(word);
            }
            match += ')';
        }
        match += ')';
    }
    if (phraseWords.size() > static_cast<std::size_t>(kMaxRankedPhrases)) return;
    text.match = std::move(match);
    text.phraseWords = std::move(phraseWords);
    std::lock_guard<std::mutex> stats(termStatsMutex);
    ++termStats.expanded;
}

void Store::prepareIndexes() const { m_private->prepareIndexes(); }

void Store::refreshIndexes() const { m_private->wakeBuilder(); }

TermIndexStats Store::termIndexStats() const {
    TermIndexStats stats;
    {
        std::lock_guard<std::mutex> lock(m_private->termStatsMutex);
        stats = m_private->termStats;
    }
    std::shared_lock<std::shared_mutex> lock = m_private->readTermIndex();
    if (m_private->termIndex) {
        stats.terms = static_cast<std::int64_t>(m_private->termIndex->termCount());
        stats.memoryBytes = static_cast<std::int64_t>(m_private->termIndex->memoryBytes());
    }
    return stats;
}

FacetIndexStats Store::facetIndexStats() const {
    std::lock_guard<std::mutex> lock(m_private->facetMutex);
    return m_private->facetStats;
}

namespace {

// SQLite's refusals of a statement for its size: "Expression tree is too large", "parser stack
// overflow", "too many SQL variables", "string or blob too big", "too many terms in compound SELECT".
bool isTooComplex(const SqliteError& error) {
    if (error.code() == SQLITE_TOOBIG) return true;
    std::string_view message = error.what();
    for (const char* symptom : {"too large", "too many", "stack overflow", "too big", "too deep"})
        if (message.find(symptom) != std::string_view::npos) return true;
    return false;
}

}  // namespace

SearchResult Store::search(const SearchQuery& query) const {
    ConnectionPool::Lease connection = m_private->readers.acquire();
    // One SQL text per query shape: keep the statement cache bounded.
    connection->trimCache(256);
    // One snapshot for the words, the facets and the search (the paths below nest in it).
    ReadSnapshot outer(connection->database());
    try {
        SearchResult result = m_private->searchAt(*connection, query);
        result.seq = latestSeq(*connection);
        return result;
    } catch (const SqliteError& error) {
        if (!isTooComplex(error)) throw;
        throw QueryTooComplex(query.filter ? "filter" : !query.terms.empty() ? "q" : "");
    }
}

std::int64_t Store::currentSeq() const {
    ConnectionPool::Lease connection = m_private->readers.acquire();
    return latestSeq(*connection);
}

SearchResult Store::Private::searchAt(Connection& connectionRef, const SearchQuery& query) const {
    Connection* connection = &connectionRef;
    planner::Plan plan = planner::makePlan(query);
    const bool indexes = !options.sqlSearchOnly;
    const bool candidates = indexes && planner::candidateShape(plan, true);
    // The words' matches and ranking from the term index, when it is at this snapshot.
    std::optional<planner::TextMatches> indexed;
    Private::TermIndexLease terms;  // read-locked for the rest of the search
    bool box = false;
    for (const auto& constraint : plan.constraints) box = box || constraint.kind == planner::Constraint::Kind::Bbox;
    if (indexes && (plan.text() || (box && candidates))) terms = termIndexAt(*connection, latestSeq(*connection));
    if (indexes && plan.text()) {
        if (terms) {
            planner::Constraint& text = *plan.text();
            if (candidates) {
                FtsTokenizer tokenizer(connection->database().handle());
                indexed = planner::indexedTextMatches(*terms.index, tokenizer, text, ftsRowCount(*connection));
            }
            if (indexed) {
                std::lock_guard<std::mutex> lock(termStatsMutex);
                ++termStats.answered;
            } else {
                expandWords(*connection, *terms.index, text);
            }
        }
    }
    if (!plan.facets.empty() && indexes) {
        // Facets from the value bitmaps of this feed seq; matches, facets and page in one snapshot.
        std::shared_ptr<const FacetIndex> index = facetIndexAt(*connection, latestSeq(*connection));
        if (index) {
            planner::Plan withoutFacets = plan;
            withoutFacets.facets.clear();
            if (plan.constraints.empty()) {
                // The whole catalog: each value's bitmap is its count.
                SearchResult result = planner::execute(*connection, withoutFacets);
                result.facets = planner::countFacets(*index, nullptr, plan);
                return result;
            }
            const planner::TextMatches* words = indexed ? &*indexed : nullptr;
            std::optional<planner::TextMatches> own;
            if (!words && candidates && plan.order == planner::Order::Relevance && plan.text() && plan.limit > 0) {
                own = planner::textMatches(*connection, *plan.text());
                words = &*own;
            }
            planner::MatchSet matches;
            if (candidates)
                matches = planner::candidateMatches(*connection, withoutFacets, words, index.get(), terms.index);
            else
                matches.rids = planner::sqlMatches(*connection, withoutFacets);
            // The facet bitmaps exist only while every rid fits 32 bits: so do the matches'.
            planner::Bitmap scratch;
            const roaring_bitmap_t* matched = matches.asBitmap(scratch);
            if (!matched) return planner::execute(*connection, plan);
            SearchResult result;
            result.numberMatched = static_cast<std::int64_t>(matches.size());
            result.facets = planner::countFacets(*index, matched, plan);
            if (plan.limit > 0 && plan.offset < result.numberMatched) {
                if (candidates) {
                    planner::readHits(*connection, planner::pageRids(*connection, withoutFacets, matches, words, terms.index), result);
                } else {
                    planner::readHits(*connection, planner::sqlPage(*connection, withoutFacets), result);
                }
            }
            return result;
        }
    }
    if (candidates && plan.facets.empty()) {
        // Value lists come from the facet bitmaps of this snapshot when there are any.
        bool values = false;
        for (const auto& constraint : plan.constraints) values = values || constraint.kind == planner::Constraint::Kind::Values;
        std::shared_ptr<const FacetIndex> index;
        if (values) index = facetIndexAt(*connection, latestSeq(*connection));
        return planner::executeByCandidates(*connection, plan, index.get(), indexed ? &*indexed : nullptr, terms.index);
    }
    return planner::execute(*connection, plan);
}

}  // namespace tweeling::registry::store
