#define BOOST_TEST_MODULE service_codes
#include <boost/test/unit_test.hpp>

#include "bus/rules/case_number.hpp"
#include "bus/rules/data_rules.hpp"
#include "tests/bus/rules/rule_expectations.hpp"

#include <stdexcept>

using namespace govbus::rules;
using namespace govbus::rules::testing;

namespace {
const char* kLicence1 = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U";
const char* kLicence2 = "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0";
}  // namespace

BOOST_AUTO_TEST_CASE(accepts_national_implementation_item_code) {
    expect_clean(check_item_code("12441500196720244T3442199806003", "/f"));
    expect_clean(check_item_code("12441500196720244T344219980600301", "/f"));  // business item
}

BOOST_AUTO_TEST_CASE(accepts_sichuan_portal_item_code) {
    expect_clean(check_item_code("511A0138000000-511602000000-000-115113010833722043-1-00", "/f"));
}

BOOST_AUTO_TEST_CASE(rejects_item_code_whose_credit_code_fails) {
    auto ps = check_item_code("12441500196720244I3442199806003", "/f");  // I is not a GB 32100 symbol
    expect_error(ps, "data.item_code");
    expect_message(ps, "implementing body's credit code");
    ps = check_item_code("511A0138000000-511602000000-000-115113010833722044-1-00", "/f");
    BOOST_TEST_REQUIRE(ps.size() == 1u, describe(ps));
    BOOST_TEST(ps[0].code == "data.item_code");
    BOOST_TEST(ps[0].warning);  // fails only the check: may be a legacy code
}

BOOST_AUTO_TEST_CASE(rejects_malformed_item_codes) {
    expect_message(check_item_code("12441500196720244T344219980600", "/f"), "expected 31");
    expect_message(check_item_code("12441500196720244TX442199806003", "/f"), "level");
    expect_message(check_item_code("12441500196720244T34421998060030A", "/f"), "business item");
    expect_message(check_item_code("511A0138000000-511602000000-000-115113010833722043-1", "/f"),
                   "expected 6");
    expect_message(check_item_code("511A0138000000-511602000000-000-115113010833722043-1-00-9", "/f"),
                   "has 7 hyphen-separated parts");
    expect_message(check_item_code("511A0138000000--000-115113010833722043-1-00", "/f"), "area");
    expect_message(check_item_code("511A0138000000-519902000000-000-115113010833722043-1-00", "/f"), "area");
    expect_message(check_item_code("511a0138000000-511602000000-000-115113010833722043-1-00", "/f"), "part 1");
    expect_error(check_item_code("511A0138000000-511602000000-00-115113010833722043-1-00", "/f"),
                 "data.item_code");
}

BOOST_AUTO_TEST_CASE(accepts_the_reference_licence_identifiers) {
    expect_clean(check_license_id(kLicence1, "/f"));
    expect_clean(check_license_id(kLicence2, "/f"));
}

BOOST_AUTO_TEST_CASE(rejects_licence_identifier_with_changed_check) {
    auto ps = check_license_id("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.V", "/f");
    expect_error(ps, "data.license_id");
    expect_message(ps, "check character is V, expected U");
    ps = check_license_id("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000404.001.U", "/f");
    expect_message(ps, "expected");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_licence_identifiers) {
    expect_message(check_license_id("1.2.156.3005.3.11100000000013338W011.11430000006122244L.1.001.U", "/f"),
                   "1.2.156.3005.2.");
    expect_message(check_license_id("1.2.156.3005.2.11100000000013338W011.11430000006122244L.001.U", "/f"),
                   "expected 5");
    expect_message(check_license_id("1.2.156.3005.2.11100000000013338W01.11430000006122244L.1.001.U", "/f"),
                   "licence type");
    expect_message(check_license_id("1.2.156.3005.2.11100000000013338W011.11430000006122244L.1.01.U", "/f"),
                   "version");
    expect_error(check_license_id("1.2.156.3005.2.11100000000013338W011.1143000000612224.1.001.U", "/f"),
                 "data.license_id");
}

BOOST_AUTO_TEST_CASE(makes_case_numbers_with_mod_11_2_check) {
    BOOST_TEST(make_case_number("510100", 2026, 11, 25, 42) == "510100202611250000426");
    BOOST_TEST(make_case_number("510100", 2026, 11, 25, 8) == "51010020261125000008X");
    BOOST_TEST(make_case_number("510100", 2026, 11, 25, 42).size() == kCaseNumberLength);
}

BOOST_AUTO_TEST_CASE(made_case_numbers_pass_the_case_number_rule) {
    for (int seq : {0, 1, 8, 42, 999999}) expect_clean(check_case_number(make_case_number("511602", 2024, 2, 29, seq), "/f"));
}

BOOST_AUTO_TEST_CASE(make_case_number_refuses_bad_input) {
    BOOST_CHECK_THROW(make_case_number("51010", 2026, 1, 1, 1), std::invalid_argument);
    BOOST_CHECK_THROW(make_case_number("510100", 2025, 2, 29, 1), std::invalid_argument);
    BOOST_CHECK_THROW(make_case_number("510100", 2026, 1, 1, 1000000), std::invalid_argument);
    BOOST_CHECK_THROW(make_case_number("510100", 2026, 1, 1, -1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(rejects_bad_case_numbers) {
    expect_message(check_case_number("510100202611250000427", "/f"), "check character is 7, expected 6");
    expect_message(check_case_number("51010020261125000008x", "/f"), "upper-case X");
    expect_message(check_case_number("51010020261125000042", "/f"), "expected 21");
    expect_message(check_case_number("990100202611250000426", "/f"), "region");
    expect_message(check_case_number("51010020250229000042X", "/f"), "not a real date");
    expect_error(check_case_number("5101002026112500004A6", "/f"), "data.case_number");
}
