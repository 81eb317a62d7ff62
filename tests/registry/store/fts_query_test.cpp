#include "store/fts_query.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using tweeling::registry::store::planner::ftsQuery;
using tweeling::registry::store::planner::splitWords;

TEST_CASE("search words are split like unicode61 and quoted for FTS5", "[search][planner]") {
    CHECK(splitWords("Den Haág") == std::vector<std::string>{"Den", "Haág"});
    CHECK(splitWords("3D-tiles, LoD2.2") == std::vector<std::string>{"3D", "tiles", "LoD2", "2"});
    CHECK(splitWords("  ,;:!  ").empty());
    CHECK(splitWords("café—terras") == std::vector<std::string>{"café", "terras"});  // em dash separates
    CHECK(splitWords("\xff\xfe broken") == std::vector<std::string>{"broken"});

    CHECK(ftsQuery({"gebouw"}) == "(\"gebouw\"*)");
    CHECK(ftsQuery({"den haag", "gebouw"}) == "(\"den\"* AND \"haag\"*) OR (\"gebouw\"*)");
    CHECK(ftsQuery({"", " - ", "delft"}) == "(\"delft\"*)");
    CHECK(ftsQuery({"", "()"}).empty());
    CHECK(ftsQuery({}).empty());
    // FTS5 syntax in a term is only words: operators, quotes and column filters lose their meaning.
    CHECK(ftsQuery({"a\" OR title:b NEAR(c*"}) == "(\"a\"* AND \"OR\"* AND \"title\"* AND \"b\"* AND \"NEAR\"* AND \"c\"*)");
}

TEST_CASE("malformed UTF-8 in a search term is split, never refused", "[search][planner]") {
    // A byte that starts no sequence separates, one byte at a time (C0 and C1 leads are overlong).
    CHECK(splitWords("a\xc0\xaf" "b") == std::vector<std::string>{"a", "b"});
    CHECK(splitWords("\x80\x80x") == std::vector<std::string>{"x"});
    // A sequence cut short by the end of the term separates too.
    CHECK(splitWords("ab\xe2\x82") == std::vector<std::string>{"ab"});
    // The decoder is lenient where common/text is strict: a surrogate's bytes decode and, like other
    // letters outside the separator blocks, stay inside the word.
    CHECK(splitWords("a\xed\xa0\x80" "b") == std::vector<std::string>{"a\xed\xa0\x80" "b"});
}

TEST_CASE("each term's words are AND-ed as quoted prefixes, terms OR-ed", "[search][planner]") {
    CHECK(ftsQuery({"Den Haag", "3D-tiles"}) == "(\"Den\"* AND \"Haag\"*) OR (\"3D\"* AND \"tiles\"*)");
    CHECK(ftsQuery({"café"}) == "(\"café\"*)");  // bytes as given: FTS5 folds case and diacritics
}
