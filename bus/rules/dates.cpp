// date (YYYY-MM-DD, a real date) and date-time (RFC 3339 with offset).
#include "bus/rules/data_rules.hpp"
#include "bus/rules/rule_problem.hpp"

#include "bus/core/clock.hpp"

namespace govbus::rules {

Problems check_date(std::string_view date, const std::string& field) {
    const std::string quoted = "date '" + std::string(date) + "'";
    if (date.size() != 10 || date[4] != '-' || date[7] != '-' || !all_digits(date.substr(0, 4)) ||
        !all_digits(date.substr(5, 2)) || !all_digits(date.substr(8, 2)))
        return {rule_error("data.date", quoted + " is not in the form YYYY-MM-DD (RFC 3339 §5.6 full-date)", field)};
    const int y = std::stoi(std::string(date.substr(0, 4)));
    const int m = std::stoi(std::string(date.substr(5, 2)));
    const int d = std::stoi(std::string(date.substr(8, 2)));
    if (!is_valid_date(y, m, d))
        return {rule_error("data.date", quoted + " is not a real calendar date, expected YYYY-MM-DD", field)};
    return {};
}

Problems check_date_time(std::string_view text, const std::string& field) {
    if (!parse_rfc3339(std::string(text)))
        return {rule_error("data.date_time",
                           "date-time '" + std::string(text) +
                               "' is not an RFC 3339 date-time with offset, expected e.g. "
                               "2026-11-25T09:30:00+08:00 (RFC 3339 §5.6)",
                           field)};
    return {};
}

}  // namespace govbus::rules
