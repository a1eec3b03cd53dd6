#define BOOST_TEST_MODULE regions
#include <boost/test/unit_test.hpp>

#include "bus/rules/data_rules.hpp"
#include "tests/bus/rules/rule_expectations.hpp"

#include <fstream>
#include <set>
#include <string>

using namespace govbus::rules;
using namespace govbus::rules::testing;

BOOST_AUTO_TEST_CASE(knows_provinces_cities_and_counties_of_known_cities) {
    BOOST_TEST(is_known_region("510000"));
    BOOST_TEST(is_known_region("510100"));
    BOOST_TEST(is_known_region("510104"));  // county of a known city
    BOOST_TEST(is_known_region("810000"));
    BOOST_TEST(is_known_region("500200"));
    BOOST_TEST(!is_known_region("510200"));  // no such Sichuan city
    BOOST_TEST(!is_known_region("512104"));  // county of an unknown city
    BOOST_TEST(!is_known_region("990000"));
    BOOST_TEST(!is_known_region("51010"));
    BOOST_TEST(!is_known_region("51010a"));
}

BOOST_AUTO_TEST_CASE(sichuan_has_exactly_its_21_cities_and_prefectures) {
    std::set<std::string> expected = {"510100", "510300", "510400", "510500", "510600", "510700", "510800",
                                      "510900", "511000", "511100", "511300", "511400", "511500", "511600",
                                      "511700", "511800", "511900", "512000", "513200", "513300", "513400"};
    std::set<std::string> found;
    for (int city = 1; city <= 99; ++city) {
        char code[7];
        std::snprintf(code, sizeof code, "51%02d00", city);
        if (is_known_region(code)) found.insert(code);
    }
    BOOST_TEST(found == expected);
}

BOOST_AUTO_TEST_CASE(names_regions_in_chinese) {
    BOOST_TEST(region_name("510000") == "四川省");
    BOOST_TEST(region_name("510100") == "成都市");
    BOOST_TEST(region_name("510700") == "绵阳市");
    BOOST_TEST(region_name("513400") == "凉山彝族自治州");
    BOOST_TEST(region_name("510104") == "");  // counties are not in the table
    BOOST_TEST(region_name("nonsense") == "");
}

BOOST_AUTO_TEST_CASE(table_has_every_province_level_division) {
    int provinces = 0;
    for (int p = 10; p <= 99; ++p)
        if (is_known_region(std::to_string(p) + "0000")) ++provinces;
    BOOST_TEST(provinces == 34);  // 31 mainland + 71, 81, 82
}

BOOST_AUTO_TEST_CASE(data_file_is_the_source_of_the_embedded_table) {
    std::ifstream in(GOVBUS_SOURCE_DIR "/bus/rules/gbt2260.tsv");
    BOOST_TEST_REQUIRE(in.good());
    std::string line;
    int rows = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto tab = line.find('\t');
        BOOST_TEST_REQUIRE(tab == 6u, line);
        BOOST_TEST(region_name(line.substr(0, 6)) == line.substr(7), line);
        ++rows;
    }
    BOOST_TEST(rows > 300);
}

BOOST_AUTO_TEST_CASE(region_contains_follows_the_code_hierarchy) {
    BOOST_TEST(region_contains("510000", "510100"));
    BOOST_TEST(region_contains("510000", "510104"));
    BOOST_TEST(region_contains("510100", "510104"));
    BOOST_TEST(!region_contains("510100", "510700"));
    BOOST_TEST(!region_contains("510104", "510100"));
    BOOST_TEST(!region_contains("510000", "520100"));
    BOOST_TEST(region_contains("510100", "510100"));
    BOOST_TEST(region_contains("510104", "510104"));
    BOOST_TEST(region_contains("511600", "511602000000"));  // statistical area code
    BOOST_TEST(region_contains("511602001000", "511602001000"));
    BOOST_TEST(!region_contains("511602001000", "511602002000"));
    BOOST_TEST(!region_contains("51", "510100"));
}

BOOST_AUTO_TEST_CASE(checks_six_and_twelve_digit_region_codes) {
    expect_clean(check_region_code("510104", "/f"));
    expect_clean(check_region_code("511602000000", "/f"));
    expect_clean(check_region_code("110000", "/f"));
}

BOOST_AUTO_TEST_CASE(rejects_unknown_and_malformed_region_codes) {
    expect_message(check_region_code("990000", "/f"), "not a known GB/T 2260 division");
    expect_error(check_region_code("990000", "/f"), "data.region_code");
    expect_message(check_region_code("512102000000", "/f"), "first six digits '512102'");
    expect_error(check_region_code("51010", "/f"), "data.region_code");
    expect_error(check_region_code("5101040", "/f"), "data.region_code");
    expect_error(check_region_code("51010A", "/f"), "data.region_code");
}
