// citizen-id: GB 11643-1999 citizen identification number (公民身份号码).
#include "bus/rules/check_characters.hpp"
#include "bus/rules/data_rules.hpp"
#include "bus/rules/region_table.hpp"
#include "bus/rules/rule_problem.hpp"

#include "bus/core/clock.hpp"

#include <chrono>

namespace govbus::rules {

namespace {

constexpr std::string_view kCode = "data.id_number";

int number(std::string_view digits) {
    int v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    return v;
}

// Today's date in China Standard Time (UTC+8) as yyyymmdd, so a child born
// today in Beijing is not "in the future" before 08:00 UTC.
int today_yyyymmdd() {
    using namespace std::chrono;
    const auto local = floor<days>(system_clock::now() + hours(8));
    const year_month_day ymd{local};
    return static_cast<int>(ymd.year()) * 10000 + static_cast<int>(static_cast<unsigned>(ymd.month())) * 100 +
           static_cast<int>(static_cast<unsigned>(ymd.day()));
}

}  // namespace

Problems check_citizen_id(std::string_view id, const std::string& field) {
    // §5.1: 17 digits and a check character. The value itself is personal
    // data, so messages name positions, never the number.
    if (id.size() != 18)
        return {rule_error(kCode,
                           "citizen ID number has " + std::to_string(id.size()) +
                               " characters, expected 18 (GB 11643-1999 §5.1)",
                           field)};
    for (std::size_t i = 0; i < 17; ++i) {
        if (!is_digit(id[i]))
            return {rule_error(kCode,
                               "character " + std::to_string(i + 1) +
                                   " of the citizen ID number is not a digit, expected digits in "
                                   "positions 1-17 (GB 11643-1999 §5.1)",
                               field)};
    }
    // Lower-case 'x' is met in practice and is accepted as 'X'.
    const char given = id[17] == 'x' ? 'X' : id[17];
    if (!is_digit(given) && given != 'X')
        return {rule_error(kCode,
                           "check character (position 18) is not a digit or X, expected 0-9 or X "
                           "(GB 11643-1999 §5.5)",
                           field)};

    Problems out;
    // §5.2: the address code is the county of first registration. Counties
    // are renamed and merged over the decades while IDs keep their code, so
    // only the province (first two digits) is checked against GB/T 2260.
    if (!is_known_province(id))
        out.push_back(rule_error(kCode,
                                 "region code starts with " + std::string(id.substr(0, 2)) +
                                     ", which is not a GB/T 2260 province, expected a known province code "
                                     "in positions 1-2 (GB 11643-1999 §5.2)",
                                 field));

    // §5.3: birth date YYYYMMDD (GB/T 7408), a real date; govbus also
    // refuses dates before 1900 and after today.
    const int y = number(id.substr(6, 4)), m = number(id.substr(10, 2)), d = number(id.substr(12, 2));
    const int birth = y * 10000 + m * 100 + d;
    if (!is_valid_date(y, m, d))
        out.push_back(rule_error(kCode,
                                 "birth date (positions 7-14) is not a real calendar date, expected "
                                 "YYYYMMDD (GB 11643-1999 §5.3)",
                                 field));
    else if (y < 1900)
        out.push_back(rule_error(kCode,
                                 "birth date (positions 7-14) is before 1900, expected a date from "
                                 "19000101 to today (GB 11643-1999 §5.3)",
                                 field));
    else if (birth > today_yyyymmdd())
        out.push_back(rule_error(kCode,
                                 "birth date (positions 7-14) is in the future, expected a date from "
                                 "19000101 to today (GB 11643-1999 §5.3)",
                                 field));

    // §5.5: ISO 7064 MOD 11-2 over the first 17 digits.
    const char expected = mod11_2_check(id.substr(0, 17));
    if (given != expected)
        out.push_back(rule_error(kCode,
                                 std::string("check character is ") + given + ", expected " + expected +
                                     " (GB 11643-1999 §5.5; ISO 7064 MOD 11-2)",
                                 field));
    return out;
}

}  // namespace govbus::rules
