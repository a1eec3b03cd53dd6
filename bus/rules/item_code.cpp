// item-code: service item codes (政务服务事项编码) in the two forms met in
// practice, the national implementation code and the Sichuan portal form.
#include "bus/rules/data_rules.hpp"
#include "bus/rules/rule_problem.hpp"

#include <array>

namespace govbus::rules {

namespace {

constexpr std::string_view kCode = "data.item_code";

bool all_upper_alnum(std::string_view s) {
    for (char c : s)
        if (!is_upper_alnum(c)) return false;
    return true;
}

// The portal form's six hyphen-separated parts; `count` says how many the
// text has (parts past the sixth are not kept).
struct PortalParts {
    std::array<std::string_view, 6> part;
    std::size_t count = 0;
};

PortalParts split_portal(std::string_view text) {
    PortalParts out;
    for (std::size_t start = 0;;) {
        const auto pos = text.find('-', start);
        if (out.count < out.part.size())
            out.part[out.count] = text.substr(start, pos == std::string_view::npos ? pos : pos - start);
        ++out.count;
        if (pos == std::string_view::npos) return out;
        start = pos + 1;
    }
}

// Implementing body's credit code (18, checked) + level digit + 12-character
// basic code, and for a business item 2 more digits: 31 or 33 characters.
Problems check_national(std::string_view code, const std::string& field) {
    auto quoted = [code] { return "item code '" + std::string(code) + "'"; };  // built for a problem only
    if (code.size() != 31 && code.size() != 33)
        return {rule_error(kCode,
                           quoted() + " has " + std::to_string(code.size()) +
                               " characters, expected 31 (credit code 18 + level 1 + basic code 12) or 33 (a "
                               "business item: 2 more digits), or the portal form with hyphens",
                           field)};
    Problems out;
    adopt_problems(out, check_credit_code(code.substr(0, 18), field), kCode,
                   [&] { return quoted() + ": implementing body's credit code (positions 1-18)"; });
    if (!is_digit(code[18]))
        out.push_back(rule_error(kCode, quoted() + ": level (position 19) is '" + std::string(1, code[18]) +
                                            "', expected a digit", field));
    if (!all_upper_alnum(code.substr(19, 12)))
        out.push_back(rule_error(kCode,
                                 quoted() + ": basic code (positions 20-31) '" + std::string(code.substr(19, 12)) +
                                     "' must be digits and upper-case letters",
                                 field));
    if (code.size() == 33 && !all_digits(code.substr(31)))
        out.push_back(rule_error(kCode,
                                 quoted() + ": business item number (positions 32-33) '" +
                                     std::string(code.substr(31)) + "' must be 2 digits",
                                 field));
    return out;
}

// Sichuan portal form: item(14)-area(6 or 12 digits)-ddd-credit code(18)-d-dd,
// e.g. 511A0138000000-511602000000-000-115113010833722043-1-00.
Problems check_portal(std::string_view code, const std::string& field) {
    auto quoted = [code] { return "item code '" + std::string(code) + "'"; };  // built for a problem only
    const auto [parts, count] = split_portal(code);
    if (count != 6)
        return {rule_error(kCode,
                           quoted() + " has " + std::to_string(count) +
                               " hyphen-separated parts, expected 6: item-area-ddd-creditcode-d-dd",
                           field)};
    Problems out;
    if (parts[0].size() != 14 || !all_upper_alnum(parts[0]))
        out.push_back(rule_error(kCode,
                                 quoted() + ": part 1 '" + std::string(parts[0]) +
                                     "' is not a 14-character item code of digits and upper-case letters",
                                 field));
    adopt_problems(out, check_region_code(parts[1], field), kCode, [&] { return quoted() + ": part 2 (area)"; });
    if (parts[2].size() != 3 || !all_digits(parts[2]))
        out.push_back(rule_error(kCode, quoted() + ": part 3 '" + std::string(parts[2]) + "' must be 3 digits",
                                 field));
    adopt_problems(out, check_credit_code(parts[3], field), kCode,
                   [&] { return quoted() + ": part 4 (implementing body's credit code)"; });
    if (parts[4].size() != 1 || !all_digits(parts[4]))
        out.push_back(rule_error(kCode, quoted() + ": part 5 '" + std::string(parts[4]) + "' must be 1 digit",
                                 field));
    if (parts[5].size() != 2 || !all_digits(parts[5]))
        out.push_back(rule_error(kCode, quoted() + ": part 6 '" + std::string(parts[5]) + "' must be 2 digits",
                                 field));
    return out;
}

}  // namespace

Problems check_item_code(std::string_view code, const std::string& field) {
    if (code.find('-') != std::string_view::npos) return check_portal(code, field);
    return check_national(code, field);
}

}  // namespace govbus::rules
