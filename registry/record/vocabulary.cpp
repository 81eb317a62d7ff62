#include "record/vocabulary.hpp"

namespace tweeling::registry::record {

namespace {

template <typename Entry, std::size_t N>
const Entry* findIn(const std::array<Entry, N>& table, std::string_view id) {
    for (const Entry& entry : table)
        if (id == entry.id) return &entry;
    return nullptr;
}

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const Theme* findTheme(std::string_view id) {
    return findIn(kThemes, id);
}
const Format* findFormat(std::string_view id) {
    return findIn(kFormatTable, id);
}
const Rights* findRights(std::string_view id) {
    return findIn(kRightsTable, id);
}

const Format* formatOfMediaType(std::string_view mediaType) {
    for (const Format& format : kFormatTable)
        for (const char* type : format.mediaTypes)
            if (type && mediaType == type) return &format;
    return nullptr;
}

const Format* formatOfFileName(std::string_view path, const FileSuffix** suffix) {
    const Format* best = nullptr;
    const FileSuffix* bestSuffix = nullptr;
    for (const Format& format : kFormatTable)
        for (const FileSuffix& candidate : format.suffixes)
            if (candidate.suffix && endsWith(path, candidate.suffix) &&
                (!bestSuffix ||
                 std::string_view(candidate.suffix).size() > std::string_view(bestSuffix->suffix).size())) {
                best = &format;
                bestSuffix = &candidate;
            }
    if (suffix) *suffix = bestSuffix;
    return best;
}

bool isServiceFormat(std::string_view id) {
    const Format* format = findFormat(id);
    return format && format->service;
}

}  // namespace tweeling::registry::record
