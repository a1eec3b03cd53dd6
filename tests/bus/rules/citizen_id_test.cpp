#define BOOST_TEST_MODULE citizen_id
#include <boost/test/unit_test.hpp>

#include "bus/rules/data_rules.hpp"
#include "tests/bus/rules/rule_expectations.hpp"

using namespace govbus::rules;
using namespace govbus::rules::testing;

BOOST_AUTO_TEST_CASE(accepts_the_reference_examples) {
    expect_clean(check_citizen_id("11010519491231002X", "/f"));
    expect_clean(check_citizen_id("34052419800101001X", "/f"));
    expect_clean(check_citizen_id("510104199001011230", "/f"));
}

BOOST_AUTO_TEST_CASE(rejects_wrong_check_character_and_names_the_expected_one) {
    auto ps = check_citizen_id("340524198001010013", "/f");
    expect_error(ps, "data.id_number");
    BOOST_TEST(ps.size() == 1u);
    expect_message(ps, "check character is 3, expected X");
}

BOOST_AUTO_TEST_CASE(accepts_lower_case_x_as_check_character) {
    expect_clean(check_citizen_id("11010519491231002x", "/f"));
}

BOOST_AUTO_TEST_CASE(rejects_wrong_length) {
    auto ps = check_citizen_id("11010519491231002", "/f");
    expect_error(ps, "data.id_number");
    expect_message(ps, "17 characters, expected 18");
}

BOOST_AUTO_TEST_CASE(rejects_letters_among_the_first_seventeen) {
    auto ps = check_citizen_id("1101051949123100AX", "/f");  // A is character 17
    expect_error(ps, "data.id_number");
    expect_message(ps, "character 17");
}

BOOST_AUTO_TEST_CASE(rejects_check_character_that_is_not_digit_or_x) {
    auto ps = check_citizen_id("11010519491231002Y", "/f");
    expect_error(ps, "data.id_number");
    expect_message(ps, "not a digit or X");
}

BOOST_AUTO_TEST_CASE(accepts_feb_29_in_a_leap_year) {
    expect_clean(check_citizen_id("510104200002291233", "/f"));
}

BOOST_AUTO_TEST_CASE(rejects_feb_29_in_non_leap_years) {
    auto ps = check_citizen_id("510104200102291230", "/f");  // check character is right
    expect_error(ps, "data.id_number");
    BOOST_TEST(ps.size() == 1u);
    expect_message(ps, "not a real calendar date");
    expect_message(check_citizen_id("510104190002291237", "/f"), "not a real calendar date");  // 1900 not leap
}

BOOST_AUTO_TEST_CASE(rejects_month_thirteen) {
    expect_message(check_citizen_id("510104199013011238", "/f"), "not a real calendar date");
}

BOOST_AUTO_TEST_CASE(rejects_birth_dates_before_1900_and_in_the_future) {
    expect_message(check_citizen_id("510104189912311235", "/f"), "before 1900");
    expect_message(check_citizen_id("510104209912311230", "/f"), "in the future");
}

BOOST_AUTO_TEST_CASE(rejects_unknown_province) {
    auto ps = check_citizen_id("99010419900101123X", "/f");
    expect_error(ps, "data.id_number");
    BOOST_TEST(ps.size() == 1u);
    expect_message(ps, "not a GB/T 2260 province");
}

BOOST_AUTO_TEST_CASE(accepts_known_province_with_city_not_in_the_table) {
    // 5199 is no Sichuan city; IDs keep historic codes, so only the province is checked.
    expect_clean(check_citizen_id("519900199001011237", "/f"));
}

BOOST_AUTO_TEST_CASE(reports_every_independent_fault) {
    // unknown province, impossible date and wrong check at once
    auto ps = check_citizen_id("990104199002300000", "/f");
    BOOST_TEST(ps.size() == 3u, describe(ps));
}

BOOST_AUTO_TEST_CASE(messages_never_repeat_the_number) {
    for (auto& p : check_citizen_id("340524198001010013", "/f"))
        BOOST_TEST(p.message.find("340524198001010013") == std::string::npos);
}
