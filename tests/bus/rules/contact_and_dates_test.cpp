#define BOOST_TEST_MODULE contact_and_dates
#include <boost/test/unit_test.hpp>

#include "bus/rules/data_rules.hpp"
#include "tests/bus/rules/rule_expectations.hpp"

using namespace govbus::rules;
using namespace govbus::rules::testing;

BOOST_AUTO_TEST_CASE(accepts_mobile_numbers_with_and_without_country_prefix) {
    for (const char* p : {"13812345678", "19912345678", "+8613812345678", "008613812345678", "+86 13812345678",
                          "+86-13812345678"})
        expect_clean(check_phone(p, "/f"));
}

BOOST_AUTO_TEST_CASE(accepts_fixed_line_numbers_with_area_code_and_extension) {
    for (const char* p : {"010-12345678", "028-85551234", "0816-2345678", "0816-23456789", "028-85551234-801"})
        expect_clean(check_phone(p, "/f"));
}

BOOST_AUTO_TEST_CASE(rejects_numbers_outside_the_plans) {
    for (const char* p : {"12812345678", "1381234567", "138123456789", "+8513812345678", "28-85551234",
                          "0288-5551234x", "010-0234567", "028-85551234-", "028-85551234-1234567", "85551234",
                          "0028-8555123", ""}) {
        auto ps = check_phone(p, "/f");
        BOOST_TEST(!ps.empty(), p);
        expect_error(ps, "data.phone");
    }
}

BOOST_AUTO_TEST_CASE(phone_messages_do_not_repeat_the_number) {
    for (auto& p : check_phone("12812345678", "/f")) BOOST_TEST(p.message.find("12812345678") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(checks_dates_including_leap_days) {
    expect_clean(check_date("2024-02-29", "/f"));
    expect_clean(check_date("2000-02-29", "/f"));
    expect_message(check_date("2023-02-29", "/f"), "not a real calendar date");
    expect_message(check_date("1900-02-29", "/f"), "not a real calendar date");
    expect_error(check_date("2024-2-29", "/f"), "data.date");
    expect_error(check_date("2024/02/29", "/f"), "data.date");
    expect_error(check_date("2024-02-29T00:00:00Z", "/f"), "data.date");
}

BOOST_AUTO_TEST_CASE(checks_rfc3339_date_times_with_offset) {
    expect_clean(check_date_time("2026-11-25T09:30:00+08:00", "/f"));
    expect_clean(check_date_time("2026-11-25T01:30:00.250Z", "/f"));
    expect_error(check_date_time("2026-11-25T09:30:00", "/f"), "data.date_time");  // no offset
    expect_error(check_date_time("2026-02-30T09:30:00+08:00", "/f"), "data.date_time");
    expect_error(check_date_time("2026-11-25 09:30", "/f"), "data.date_time");
}

BOOST_AUTO_TEST_CASE(dispatches_by_rule_name) {
    expect_clean(check_rule("citizen-id", "11010519491231002X", "/f"));
    expect_error(check_rule("citizen-id", "340524198001010013", "/f"), "data.id_number");
    expect_error(check_rule("credit-code", "X", "/f"), "data.credit_code");
    expect_error(check_rule("org-code", "X", "/f"), "data.org_code");
    expect_error(check_rule("region-code", "X", "/f"), "data.region_code");
    expect_error(check_rule("item-code", "X", "/f"), "data.item_code");
    expect_error(check_rule("case-number", "X", "/f"), "data.case_number");
    expect_error(check_rule("license-id", "X", "/f"), "data.license_id");
    expect_error(check_rule("phone", "X", "/f"), "data.phone");
    expect_error(check_rule("date", "X", "/f"), "data.date");
    expect_error(check_rule("date-time", "X", "/f"), "data.date_time");
}

BOOST_AUTO_TEST_CASE(unknown_rule_is_a_schema_problem_with_the_field) {
    auto ps = check_rule("passport", "E12345678", "/payload/applicant/passport");
    expect_error(ps, "schema.rule_unknown", "/payload/applicant/passport");
    expect_message(ps, "'passport'");
    expect_message(ps, "citizen-id");
}

BOOST_AUTO_TEST_CASE(masks_citizen_ids_keeping_region_and_last_four) {
    BOOST_TEST(mask_citizen_id("11010519491231002X") == "110105********002X");
    BOOST_TEST(mask_citizen_id("123") == "***");
}

BOOST_AUTO_TEST_CASE(masks_phone_numbers) {
    BOOST_TEST(mask_phone("13812345678") == "138****5678");
    BOOST_TEST(mask_phone("+8613812345678") == "+86138****5678");
    BOOST_TEST(mask_phone("028-85551234") == "028-****1234");
    BOOST_TEST(mask_phone("028-85551234-801") == "028-****1234-***");
    BOOST_TEST(mask_phone("5551234567") == "******4567");
}

BOOST_AUTO_TEST_CASE(masks_names_per_utf8_character) {
    BOOST_TEST(mask_name("张三丰") == "张**");
    BOOST_TEST(mask_name("欧阳娜娜") == "欧***");
    BOOST_TEST(mask_name("李四") == "李*");
    BOOST_TEST(mask_name("𠀀三") == "𠀀*");  // 4-byte UTF-8 first character
    BOOST_TEST(mask_name("Li Lei") == "L*****");
    BOOST_TEST(mask_name("王") == "*");
    BOOST_TEST(mask_name("") == "");
    BOOST_TEST(mask_name("\xE5\xBC") == "**");  // truncated sequence: each byte masked
}
