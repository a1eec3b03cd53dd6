// case-number: making and checking govbus case numbers. There is no national
// rule for 办件编号; govbus's format is documented in docs/data-rules.md.
#include "bus/rules/case_number.hpp"

#include "bus/rules/check_characters.hpp"
#include "bus/rules/data_rules.hpp"
#include "bus/rules/region_table.hpp"
#include "bus/rules/rule_problem.hpp"

#include "bus/core/clock.hpp"

#include <cstdio>
#include <stdexcept>

namespace govbus::rules {

namespace {

constexpr std::string_view kCode = "data.case_number";

int number(std::string_view digits) {
    int v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

std::string make_case_number(std::string_view region6, int y, int m, int d, int sequence) {
    if (!is_six_digits(region6)) throw std::invalid_argument("case number region must be 6 digits");
    if (y < 1000 || y > 9999 || !is_valid_date(y, m, d))
        throw std::invalid_argument("case number date is not a real date");
    if (sequence < 0 || sequence > 999999) throw std::invalid_argument("case number sequence must be 0..999999");
    char digits[21];
    std::snprintf(digits, sizeof digits, "%04d%02d%02d%06d", y, m, d, sequence);
    std::string out(region6);
    out += digits;
    out += mod11_2_check(out);
    return out;
}

Problems check_case_number(std::string_view number_text, const std::string& field) {
    const std::string quoted = "case number '" + std::string(number_text) + "'";
    if (number_text.size() != kCaseNumberLength)
        return {rule_error(kCode,
                           quoted + " has " + std::to_string(number_text.size()) +
                               " characters, expected 21: region 6 + date yyyyMMdd 8 + sequence 6 + check 1 "
                               "(docs/data-rules.md)",
                           field)};
    if (!all_digits(number_text.substr(0, 20)))
        return {rule_error(kCode, quoted + ": positions 1-20 must be digits (docs/data-rules.md)", field)};
    // Case numbers are keys (routing memory, per-case order), so only the
    // upper-case 'X' that make_case_number writes is accepted.
    const char given = number_text[20];
    if (!is_digit(given) && given != 'X')
        return {rule_error(kCode, quoted + ": check character (position 21) must be 0-9 or upper-case X", field)};

    Problems out;
    const std::string_view region = number_text.substr(0, 6);
    if (!is_known_region(region))
        out.push_back(rule_error(kCode,
                                 quoted + ": region '" + std::string(region) +
                                     "' (positions 1-6) is not a known GB/T 2260 division",
                                 field));
    const int y = number(number_text.substr(6, 4)), m = number(number_text.substr(10, 2)),
              d = number(number_text.substr(12, 2));
    if (!is_valid_date(y, m, d))
        out.push_back(rule_error(kCode,
                                 quoted + ": acceptance date '" + std::string(number_text.substr(6, 8)) +
                                     "' (positions 7-14) is not a real date, expected yyyyMMdd",
                                 field));
    const char expected = mod11_2_check(number_text.substr(0, 20));
    if (given != expected)
        out.push_back(rule_error(kCode,
                                 quoted + ": check character is " + given + ", expected " + expected +
                                     " (ISO 7064 MOD 11-2 over positions 1-20)",
                                 field));
    return out;
}

}  // namespace govbus::rules
