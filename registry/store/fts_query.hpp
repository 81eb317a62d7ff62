#pragma once
// The words of `q` and the FTS5 MATCH text made of them (fts_query.cpp). Internal to registry/store.
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::store::planner {

// Splits one search term into words the way FTS5's unicode61 tokenizer does (runs of letters and
// digits; punctuation, symbols and spaces separate).
std::vector<std::string> splitWords(std::string_view term);

// The FTS5 MATCH expression for `terms`: each word quoted as an FTS5 string with a prefix `*`,
// words of one term AND-ed, terms OR-ed. Terms without words are skipped; "" when no term has words
// (no text filter).
std::string ftsQuery(const std::vector<std::string>& terms);

}  // namespace tweeling::registry::store::planner
