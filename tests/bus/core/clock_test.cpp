#define BOOST_TEST_MODULE clock
#include <boost/test/unit_test.hpp>

#include "bus/core/clock.hpp"
#include "bus/core/uuid.hpp"

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

BOOST_AUTO_TEST_CASE(new_uuids_are_version_4_and_distinct) {
    auto a = new_uuid(), b = new_uuid();
    BOOST_TEST(is_uuid(a));
    BOOST_TEST(a != b);
    BOOST_TEST(a[14] == '4');
    BOOST_TEST(!is_uuid("not-a-uuid"));
}
