// region-code: GB/T 2260 division codes, and the 12-digit statistical area
// codes some Sichuan systems use (their first six digits are GB/T 2260).
#include "bus/rules/data_rules.hpp"
#include "bus/rules/region_table.hpp"
#include "bus/rules/rule_problem.hpp"

namespace govbus::rules {

namespace {
constexpr std::string_view kCode = "data.region_code";
}

Problems check_region_code(std::string_view code, const std::string& field) {
    if ((code.size() != 6 && code.size() != 12) || !all_digits(code))
        return {rule_error(kCode,
                           "region code '" + std::string(code) +
                               "' is not 6 digits (GB/T 2260) or 12 digits (statistical area code)",
                           field)};
    const std::string_view code6 = code.substr(0, 6);
    if (!is_known_region(code6)) {
        std::string which = code.size() == 12 ? "first six digits '" + std::string(code6) + "' of region code '" +
                                                    std::string(code) + "' are"
                                              : "region code '" + std::string(code) + "' is";
        return {rule_error(kCode,
                           which +
                               " not a known GB/T 2260 division, expected a province or city in the table, or "
                               "a county of such a city (bus/rules/gbt2260.tsv)",
                           field)};
    }
    return {};
}

}  // namespace govbus::rules
