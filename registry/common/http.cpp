#include "common/http.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cstdlib>

namespace tweeling::common {

std::vector<MediaRange> parseAccept(std::string_view header) {
    std::vector<MediaRange> ranges;
    for (const std::string& item : splitList(header)) {
        auto semicolon = item.find(';');
        MediaRange range;
        range.range = toLowerAscii(trimView(std::string_view(item).substr(0, semicolon), kHttpWhitespace));
        if (range.range.empty()) continue;
        while (semicolon != std::string::npos) {
            auto next = item.find(';', semicolon + 1);
            std::string_view parameter =
                trimView(std::string_view(item).substr(semicolon + 1, next - semicolon - 1), kHttpWhitespace);
            if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=')
                range.quality = std::clamp(std::atof(std::string(parameter.substr(2)).c_str()), 0.0, 1.0);
            semicolon = next;
        }
        ranges.push_back(std::move(range));
    }
    return ranges;
}

double acceptQuality(const std::vector<MediaRange>& ranges, std::string_view mediaType) {
    const auto slash = mediaType.find('/');
    const std::string typeWildcard = std::string(mediaType.substr(0, slash)) + "/*";
    int bestSpecificity = -1;  // 2: exact, 1: type/*, 0: */*
    double quality = 0;
    for (const MediaRange& range : ranges) {
        int specificity = range.range == mediaType ? 2 : range.range == typeWildcard ? 1 : range.range == "*/*" ? 0 : -1;
        if (specificity < 0 || specificity < bestSpecificity) continue;
        quality = specificity > bestSpecificity ? range.quality : std::max(quality, range.quality);
        bestSpecificity = specificity;
    }
    return quality;
}

std::optional<std::string> bearerToken(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size() || !startsWithIgnoreCaseAscii(authorization, kScheme))
        return std::nullopt;
    return std::string(authorization.substr(kScheme.size()));
}

}  // namespace tweeling::common
