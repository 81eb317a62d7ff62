#include "common/time.hpp"

#include <cctype>
#include <chrono>
#include <ctime>

namespace tweeling::common {
namespace {

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

bool isLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 (proleptic Gregorian), Howard Hinnant's algorithm.
std::int64_t daysFromCivil(int y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse(std::string_view text, bool dateMeansEnd) {
    int year, month, day;
    if (!digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, month) ||
        text[7] != '-' || !digits(text, 8, 2, day))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return std::nullopt;
    std::int64_t days = daysFromCivil(year, month, day);
    if (text.size() == 10) return days * 86400 + (dateMeansEnd ? 86399 : 0);
    char sep = text[10];
    if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
    int hour, minute, second;
    if (!digits(text, 11, 2, hour) || text.size() < 19 || text[13] != ':' || !digits(text, 14, 2, minute) ||
        text[16] != ':' || !digits(text, 17, 2, second))
        return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
        if (pos == start) return std::nullopt;
    }
    if (pos >= text.size()) return std::nullopt;  // RFC 3339 requires an offset
    std::int64_t offset = 0;
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
        int offHour, offMinute;
        if (!digits(text, pos + 1, 2, offHour) || pos + 6 > text.size() || text[pos + 3] != ':' ||
            !digits(text, pos + 4, 2, offMinute) || offHour > 23 || offMinute > 59)
            return std::nullopt;
        offset = (offHour * 3600 + offMinute * 60) * (text[pos] == '+' ? 1 : -1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    return days * 86400 + hour * 3600 + minute * 60 + (second == 60 ? 59 : second) - offset;
}

}  // namespace

std::optional<std::int64_t> parseRfc3339(std::string_view text) { return parse(text, false); }
std::optional<std::int64_t> parseRfc3339End(std::string_view text) { return parse(text, true); }

std::string formatRfc3339(std::int64_t seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string nowRfc3339() {
    auto now = std::chrono::system_clock::now();
    return formatRfc3339(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

}  // namespace tweeling::common
