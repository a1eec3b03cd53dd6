// check_rule: the one entry point the codecs call for an "x-govbus-rule" field.
#include "bus/rules/data_rules.hpp"
#include "bus/rules/rule_problem.hpp"

#include <utility>

namespace govbus::rules {

namespace {

using RuleCheck = Problems (*)(std::string_view, const std::string&);

constexpr std::pair<std::string_view, RuleCheck> kRules[] = {
    {"citizen-id", check_citizen_id},   {"credit-code", check_credit_code}, {"org-code", check_org_code},
    {"region-code", check_region_code}, {"item-code", check_item_code},     {"case-number", check_case_number},
    {"license-id", check_license_id},   {"phone", check_phone},             {"date", check_date},
    {"date-time", check_date_time},
};

}  // namespace

Problems check_rule(std::string_view rule, std::string_view value, const std::string& field) {
    for (const auto& [name, check] : kRules)
        if (name == rule) return check(value, field);
    std::string known;
    for (const auto& [name, check] : kRules) known += (known.empty() ? "" : ", ") + std::string(name);
    return {rule_error("schema.rule_unknown",
                       "data rule '" + std::string(rule) + "' is not known to govbus, expected one of: " + known,
                       field)};
}

}  // namespace govbus::rules
