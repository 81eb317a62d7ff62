#include "record/vocabulary.hpp"
#include "common/text.hpp"

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

const EuDataTheme* findEuDataTheme(std::string_view iri) {
    for (const EuDataTheme& theme : kEuDataThemes)
        if (iri == theme.iri) return &theme;
    return nullptr;
}

const Licence* findLicence(std::string_view spdxOrIri) {
    std::string text = common::toLowerAscii(std::string(spdxOrIri));
    for (const char* scheme : {"https://", "http://"})
        if (text.rfind(scheme, 0) == 0) text.erase(0, std::string_view(scheme).size());
    if (text.rfind("www.", 0) == 0) text.erase(0, 4);
    const std::string spdxPrefix = "spdx.org/licenses/";
    if (text.rfind(spdxPrefix, 0) == 0) {
        text.erase(0, spdxPrefix.size());
        if (endsWith(text, ".html")) text.erase(text.size() - 5);
    }
    const std::string ccPrefix = "creativecommons.org/";
    if (text.rfind(ccPrefix, 0) == 0) {
        text.erase(0, ccPrefix.size());
        while (!text.empty() && text.back() == '/') text.pop_back();
        // licenses/by/4.0/legalcode.nl, licenses/by/4.0/deed.en: the same licence
        auto last = text.rfind('/');
        if (last != std::string::npos &&
            (text.compare(last + 1, 9, "legalcode") == 0 || text.compare(last + 1, 5, "deed.") == 0))
            text.erase(last);
        for (const Licence& licence : kLicences)
            if (text == licence.ccPath) return &licence;
        return nullptr;
    }
    for (const Licence& licence : kLicences)
        if (licence.spdx && text == common::toLowerAscii(licence.spdx)) return &licence;
    return nullptr;
}

std::string euLanguageIri(std::string_view tag) {
    std::string primary = common::toLowerAscii(std::string(tag.substr(0, tag.find('-'))));
    for (const Language& language : kLanguages)
        if (primary == language.tag) return std::string(kEuLanguageScheme) + "/" + language.euCode;
    return "";
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
