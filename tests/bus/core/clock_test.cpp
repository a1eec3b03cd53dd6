#define BOOST_TEST_MODULE clock
#include <boost/test/unit_test.hpp>

#include "bus/core/clock.hpp"
#include "bus/core/uuid.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

using namespace govbus;

BOOST_AUTO_TEST_CASE(parses_rfc3339_with_offset_and_z_to_the_same_instant) {
    auto a = parse_rfc3339("2026-11-25T09:30:00+08:00");
    auto b = parse_rfc3339("2026-11-25T01:30:00Z");
    BOOST_REQUIRE(a && b);
    BOOST_TEST(to_unix_ms(*a) == to_unix_ms(*b));
    BOOST_TEST(to_unix_ms(*b) == 1795570200000LL);
}

BOOST_AUTO_TEST_CASE(rejects_timestamps_without_offset_or_with_impossible_dates) {
    BOOST_TEST(!parse_rfc3339("2026-11-25T09:30:00"));
    BOOST_TEST(!parse_rfc3339("2026-02-30T09:30:00Z"));
    BOOST_TEST(!parse_rfc3339("2026-11-25 09:30:00Z"));
    BOOST_TEST(!parse_rfc3339("2026-11-25T24:00:00Z"));
    BOOST_TEST(!parse_rfc3339("2026-11-25T09:30:00+0800"));
    BOOST_TEST(parse_rfc3339("2024-02-29T00:00:00.123456789-05:00").has_value());
}

BOOST_AUTO_TEST_CASE(formats_and_parses_back_to_the_same_millisecond) {
    auto t = from_unix_ms(1795570200123LL);
    std::string s = format_rfc3339(t);
    BOOST_TEST(s == "2026-11-25T09:30:00.123+08:00");
    BOOST_TEST(to_unix_ms(*parse_rfc3339(s)) == 1795570200123LL);
    BOOST_TEST(format_rfc3339(t, 0) == "2026-11-25T01:30:00.123Z");
}

// The C library's reading of the same instant, as format_rfc3339 spells it.
std::string reference_rfc3339(std::int64_t unix_ms, int offset_minutes) {
    std::int64_t ms = unix_ms + std::int64_t{offset_minutes} * 60000;
    std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - secs * 1000));
    if (offset_minutes == 0) std::snprintf(buf + n, sizeof buf - n, "Z");
    else std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
    return buf;
}

BOOST_AUTO_TEST_CASE(formatting_agrees_with_the_c_library_across_dates_and_offsets) {
    std::vector<std::int64_t> instants = {
        0, -1, -86400000, -86400001, 1, 999, 1000, 86399999, 86400000,
        951782400000LL,     // 2000-02-29T00:00:00Z (leap day of a century divisible by 400)
        951868799999LL,     // 2000-02-29T23:59:59.999Z
        4107542400000LL,    // 2100-03-01T00:00:00Z (2100 is no leap year)
        1795570200123LL,    // 2026-11-25T01:30:00.123Z
        7258118399999LL,    // 2199-12-31T23:59:59.999Z
        -8520336000000LL,   // 1700-01-01T00:00:00Z
    };
    // xorshift: instants over the 280 years either side of 1970 that a
    // nanosecond TimePoint can hold.
    std::uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 20000; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        instants.push_back(static_cast<std::int64_t>(x % 17672140800000ULL) - 8836070400000LL);
    }
    for (int offset : {0, 480, -300, 345, -720, 840, 1439, -1439, 1440, 6000}) {
        for (auto ms : instants) {
            auto got = format_rfc3339(from_unix_ms(ms), offset);
            auto want = reference_rfc3339(ms, offset);
            if (got != want) BOOST_TEST(got == want, "at " << ms << " ms, offset " << offset);
            if (got != want) return;
        }
    }
    BOOST_TEST(format_rfc3339(from_unix_ms(951782400000LL), 0) == "2000-02-29T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(uuid_v7_lays_out_time_sequence_and_random_bits) {
    // RFC 9562 Appendix A.6: 2022-02-22 14:22:22-05:00, rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F.
    const unsigned char random[8] = {0x18, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f};
    BOOST_TEST(uuid_v7(0x017F22E279B0, 0xCC3, random) == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
    // The variant bits are forced whatever the random bytes say.
    const unsigned char ones[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    BOOST_TEST(uuid_v7(0, 0, ones) == "00000000-0000-7000-bfff-ffffffffffff");
}

BOOST_AUTO_TEST_CASE(new_uuids_are_version_7_carry_the_time_and_increase) {
    const auto before =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::vector<std::string> ids;
    for (int i = 0; i < 20000; ++i) ids.push_back(new_uuid());
    const auto after =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& id = ids[i];
        BOOST_TEST_REQUIRE(is_uuid(id), id);
        BOOST_TEST_REQUIRE(id[14] == '7', id);
        BOOST_TEST_REQUIRE(std::string("89ab").find(id[19]) != std::string::npos, id);
        // Strictly increasing as text: a node's indexes of message ids grow at their end.
        if (i > 0) BOOST_TEST_REQUIRE(ids[i - 1] < id, ids[i - 1] << " then " << id);
    }
    // The first 48 bits are the Unix time in milliseconds when the id was made
    // (20000 ids in one millisecond would borrow a few from the next).
    auto ms_of = [](const std::string& id) { return std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16); };
    BOOST_TEST(ms_of(ids.front()) >= before);
    BOOST_TEST(ms_of(ids.front()) <= after);
    BOOST_TEST(ms_of(ids.back()) <= after + 10);
}

BOOST_AUTO_TEST_CASE(random_uuids_are_version_4_and_distinct) {
    auto a = new_random_uuid(), b = new_random_uuid();
    BOOST_TEST(is_uuid(a));
    BOOST_TEST(a != b);
    BOOST_TEST(a[14] == '4');
    BOOST_TEST(std::string("89ab").find(a[19]) != std::string::npos);
    BOOST_TEST(!is_uuid("not-a-uuid"));
}
