#include "store/fts_rank.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace tweeling::registry::store {
namespace {

fts5_api* fts5Of(sqlite3* handle) {
    fts5_api* api = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(handle, "SELECT fts5(?1)", -1, &statement, nullptr) == SQLITE_OK) {
        sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
        sqlite3_step(statement);
    }
    sqlite3_finalize(statement);
    return api;
}

void columnsOfPhrases(const Fts5ExtensionApi* api, Fts5Context* context, sqlite3_context* result, int, sqlite3_value**) {
    const int phrases = api->xPhraseCount(context);
    sqlite3_int64 mask = 0;
    for (int phrase = 0; phrase < phrases && phrase < kMaxRankedPhrases; ++phrase) {
        Fts5PhraseIter iterator;
        int column = -1;
        int rc = api->xPhraseFirstColumn(context, phrase, &iterator, &column);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(result, rc);
            return;
        }
        for (; column >= 0; api->xPhraseNextColumn(context, &iterator, &column))
            if (column < 3) mask |= sqlite3_int64{1} << (3 * phrase + column);
    }
    sqlite3_result_int64(result, mask);
}

int collectToken(void* context, int, const char* token, int size, int, int) {
    static_cast<std::vector<std::string>*>(context)->emplace_back(token, static_cast<std::size_t>(size));
    return SQLITE_OK;
}

struct EmitContext {
    void* context;
    FtsTokenizer::Emit emit;
};

int emitToken(void* context, int, const char* token, int size, int, int) {
    auto* target = static_cast<EmitContext*>(context);
    target->emit(target->context, std::string_view(token, static_cast<std::size_t>(size)));
    return SQLITE_OK;
}

}  // namespace

struct FtsTokenizer::Functions {
    fts5_tokenizer tokenizer;
};

FtsTokenizer::FtsTokenizer(sqlite3* handle) : m_functions(new Functions) {
    fts5_api* api = fts5Of(handle);
    void* userData = nullptr;
    if (!api || api->xFindTokenizer(api, "unicode61", &userData, &m_functions->tokenizer) != SQLITE_OK) {
        delete m_functions;
        throw std::runtime_error("FTS5 has no unicode61 tokenizer");
    }
    const char* arguments[] = {"remove_diacritics", "2"};
    Fts5Tokenizer* instance = nullptr;
    if (m_functions->tokenizer.xCreate(userData, arguments, 2, &instance) != SQLITE_OK) {
        delete m_functions;
        throw std::runtime_error("cannot create the unicode61 tokenizer");
    }
    m_instance = instance;
}

FtsTokenizer::~FtsTokenizer() {
    m_functions->tokenizer.xDelete(static_cast<Fts5Tokenizer*>(m_instance));
    delete m_functions;
}

void FtsTokenizer::tokens(std::string_view text, std::vector<std::string>& out) {
    int rc = m_functions->tokenizer.xTokenize(static_cast<Fts5Tokenizer*>(m_instance), &out, FTS5_TOKENIZE_DOCUMENT,
                                              text.data(), static_cast<int>(text.size()), collectToken);
    if (rc != SQLITE_OK) throw std::runtime_error("FTS5 could not tokenize a text");
}

void FtsTokenizer::each(std::string_view text, void* context, Emit emit) {
    EmitContext target{context, emit};
    int rc = m_functions->tokenizer.xTokenize(static_cast<Fts5Tokenizer*>(m_instance), &target, FTS5_TOKENIZE_DOCUMENT,
                                              text.data(), static_cast<int>(text.size()), emitToken);
    if (rc != SQLITE_OK) throw std::runtime_error("FTS5 could not tokenize a text");
}

void registerRankFunctions(sqlite3* handle) {
    fts5_api* api = fts5Of(handle);
    if (!api || api->iVersion < 2) throw std::runtime_error("this SQLite has no FTS5 (version 2 or later)");
    if (api->xCreateFunction(api, "tw_columns", nullptr, columnsOfPhrases, nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot register the FTS5 function tw_columns");

}

}  // namespace tweeling::registry::store
