// The FTS5 side of a search: the words of `q` split as FTS5's unicode61 tokenizer splits them, the
// MATCH text made of them (splitWords, ftsQuery), its rewrite with the words' exact terms when the
// term index is at hand (Store::Private::expandWords), and FTS5's own count of its rows.
#include "store/fts_query.hpp"

#include "store/connection.hpp"
#include "store/fts_rank.hpp"
#include "store/planner.hpp"
#include "store/store_private.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

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
// at a time, so any input makes progress. Not common::utf8SequenceLength: that one is strict (it
// refuses overlong forms, surrogates and F5..F7 leads, which decode here, most of them as letters),
// and using it would change how such input splits into words.
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

}  // namespace planner

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

}  // namespace tweeling::registry::store
