#include "bus/core/clock.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace govbus {

namespace {

// Years outside 0000-9999 and offsets of a day or more (never met in
// practice), through the C library.
// `ms` already includes the offset.
std::string format_rfc3339_slow(std::int64_t ms, int offset_minutes) {
    std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int millis = static_cast<int>(ms - secs * 1000);
    std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    if (offset_minutes == 0) {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    } else {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis,
                      offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
    }
    return buf;
}

// Reads exactly n digits at s[pos]; advances pos.
bool read_digits(const std::string& s, std::size_t& pos, int n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    pos += n;
    out = v;
    return true;
}

bool expect(const std::string& s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

bool is_valid_date(int year, int month, int day) {
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = days[month - 1];
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && leap) max = 29;
    return day <= max;
}

std::optional<TimePoint> parse_rfc3339(const std::string& s) {
    std::size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) ||
        !expect(s, pos, '-') || !read_digits(s, pos, 2, d))
        return std::nullopt;
    if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't')) return std::nullopt;
    ++pos;
    if (!read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mi) ||
        !expect(s, pos, ':') || !read_digits(s, pos, 2, sec))
        return std::nullopt;
    if (!is_valid_date(y, mo, d) || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    std::int64_t nanos = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            if (digits < 9) nanos = nanos * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (int i = digits; i < 9; ++i) nanos *= 10;
    }
    if (pos >= s.size()) return std::nullopt;  // RFC 3339 requires an offset
    int offset_min = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh, om;
        if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om) || oh > 23 ||
            om > 59)
            return std::nullopt;
        offset_min = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    std::int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (sec == 60 ? 59 : sec) -
                        static_cast<std::int64_t>(offset_min) * 60;
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(secs) +
                                                                     std::chrono::nanoseconds(nanos)));
}

std::string format_rfc3339(TimePoint t, int offset_minutes) {
    // Every log record and hop is stamped, so this is written out by hand:
    // gmtime_r and snprintf took about 5 000 instructions a call, this a few hundred.
    const std::int64_t ms = to_unix_ms(t) + static_cast<std::int64_t>(offset_minutes) * 60000;
    constexpr std::int64_t kDay = 86400000;
    const std::int64_t days = ms >= 0 ? ms / kDay : (ms - (kDay - 1)) / kDay;
    const auto in_day = static_cast<int>(ms - days * kDay);
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
    const int year = static_cast<int>(date.year());
    if (year < 0 || year > 9999 || offset_minutes <= -1440 || offset_minutes >= 1440)
        return format_rfc3339_slow(ms, offset_minutes);
    char buf[32];
    char* p = buf;
    auto put = [&p](int value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10) p[i] = static_cast<char>('0' + value % 10);
        p += digits;
    };
    put(year, 4);
    *p++ = '-';
    put(static_cast<int>(static_cast<unsigned>(date.month())), 2);
    *p++ = '-';
    put(static_cast<int>(static_cast<unsigned>(date.day())), 2);
    *p++ = 'T';
    put(in_day / 3600000, 2);
    *p++ = ':';
    put(in_day / 60000 % 60, 2);
    *p++ = ':';
    put(in_day / 1000 % 60, 2);
    *p++ = '.';
    put(in_day % 1000, 3);
    if (offset_minutes == 0) {
        *p++ = 'Z';
    } else {
        const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
        *p++ = offset_minutes < 0 ? '-' : '+';
        put(off / 60, 2);
        *p++ = ':';
        put(off % 60, 2);
    }
    return std::string(buf, p);
}

std::int64_t to_unix_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_unix_ms(std::int64_t ms) {
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace govbus
