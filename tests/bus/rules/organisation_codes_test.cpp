#define BOOST_TEST_MODULE organisation_codes
#include <boost/test/unit_test.hpp>

#include "bus/rules/data_rules.hpp"
#include "tests/bus/rules/rule_expectations.hpp"

using namespace govbus::rules;
using namespace govbus::rules::testing;

BOOST_AUTO_TEST_CASE(accepts_the_reference_credit_codes) {
    expect_clean(check_credit_code("91350100M000100Y43", "/f"));
    expect_clean(check_credit_code("11511300008778693M", "/f"));
    expect_clean(check_credit_code("115113010833722043", "/f"));
}

BOOST_AUTO_TEST_CASE(accepts_national_level_region_100000) {
    expect_clean(check_credit_code("11100000000013338W", "/f"));
}

BOOST_AUTO_TEST_CASE(legacy_pilot_code_failing_only_the_check_is_a_warning) {
    auto ps = check_credit_code("91350100M0001TGQXM", "/f");
    BOOST_TEST_REQUIRE(ps.size() == 1u, describe(ps));
    BOOST_TEST(ps[0].warning);
    BOOST_TEST(ps[0].code == "data.credit_code");
    expect_message(ps, "is M, expected 1");
}

BOOST_AUTO_TEST_CASE(wrong_check_with_another_fault_is_an_error) {
    // region 990100 is no province, and the check is wrong too
    auto ps = check_credit_code("91990100M0001TGQXM", "/f");
    expect_error(ps, "data.credit_code");
    for (const auto& p : ps) BOOST_TEST(!p.warning, describe(ps));
}

BOOST_AUTO_TEST_CASE(rejects_letters_outside_the_31_symbol_alphabet) {
    auto ps = check_credit_code("91350100M000100I43", "/f");
    expect_error(ps, "data.credit_code");
    expect_message(ps, "character 16");
    expect_message(check_credit_code("91350100m000100y43", "/f"), "upper case");
    // A NUL and the bytes of a multi-byte character are outside it too.
    expect_message(check_credit_code(std::string("91350100M000100Y4") + '\0', "/f"), "character 18");
    expect_message(check_credit_code("91350100M000100\xE4\xB8\xAD", "/f"), "character 16");
    for (char c : std::string("IOSVZ")) {
        std::string code = "91350100M000100Y43";
        code[9] = c;
        expect_message(check_credit_code(code, "/f"), "character 10");
    }
}

BOOST_AUTO_TEST_CASE(rejects_wrong_length_credit_code) {
    expect_message(check_credit_code("91350100M000100Y4", "/f"), "17 characters, expected 18");
}

BOOST_AUTO_TEST_CASE(warns_when_embedded_organisation_code_fails_its_check) {
    // Positions 9-17 changed from 083372204 to 083372205, check recomputed: the
    // credit code itself is well formed.
    auto ps = check_credit_code("115113010833722056", "/f");
    BOOST_TEST_REQUIRE(ps.size() == 1u, describe(ps));
    BOOST_TEST(ps[0].warning);
    expect_message(ps, "expected 4");
}

BOOST_AUTO_TEST_CASE(accepts_organisation_code_with_and_without_hyphen) {
    expect_clean(check_org_code("08337220-4", "/f"));
    expect_clean(check_org_code("083372204", "/f"));
}

BOOST_AUTO_TEST_CASE(rejects_organisation_code_with_wrong_check) {
    auto ps = check_org_code("08337220-5", "/f");
    expect_error(ps, "data.org_code");
    expect_message(ps, "is 5, expected 4");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_organisation_codes) {
    expect_error(check_org_code("0833722-04", "/f"), "data.org_code");
    expect_error(check_org_code("0833722a-4", "/f"), "data.org_code");
    expect_error(check_org_code("", "/f"), "data.org_code");
}
