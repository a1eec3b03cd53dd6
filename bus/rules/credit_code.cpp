// credit-code (GB 32100-2015 unified social credit code) and org-code
// (GB 11714 organisation code), which sits inside the credit code.
#include "bus/rules/check_characters.hpp"
#include "bus/rules/data_rules.hpp"
#include "bus/rules/region_table.hpp"
#include "bus/rules/rule_problem.hpp"

namespace govbus::rules {

namespace {

constexpr std::string_view kCreditCode = "data.credit_code";
constexpr std::string_view kOrgCode = "data.org_code";

std::string quoted(char c) { return std::string("'") + c + "'"; }

}  // namespace

Problems check_credit_code(std::string_view code, const std::string& field) {
    if (code.size() != 18)
        return {rule_error(kCreditCode,
                           "credit code '" + std::string(code) + "' has " + std::to_string(code.size()) +
                               " characters, expected 18 (GB 32100-2015)",
                           field)};
    for (std::size_t i = 0; i < code.size(); ++i) {
        if (credit_code_value(code[i]) < 0) {
            std::string hint = (code[i] >= 'a' && code[i] <= 'z') ? "; write the code in upper case" : "";
            return {rule_error(kCreditCode,
                               "character " + std::to_string(i + 1) + " of credit code '" + std::string(code) +
                                   "' is " + quoted(code[i]) +
                                   ", expected one of 0-9 and A-Z without I, O, S, V, Z (GB 32100-2015)" + hint,
                               field)};
        }
    }

    Problems out;
    // Positions 3-8 are the GB/T 2260 code of the registering authority.
    // Only the province is checked: authorities registered codes under
    // division codes that have since changed. 100000 is the code for bodies
    // registered at national level.
    const std::string_view region = code.substr(2, 6);
    if (region != "100000" && !is_known_province(region))
        out.push_back(rule_error(kCreditCode,
                                 "region part '" + std::string(region) + "' (positions 3-8) of credit code '" +
                                     std::string(code) +
                                     "' is not in a GB/T 2260 province, expected a known province or 100000 "
                                     "(GB 32100-2015)",
                                 field));

    const char expected = credit_code_check(code.substr(0, 17));
    if (code[17] != expected) {
        std::string message = "check character of credit code '" + std::string(code) + "' is " + code[17] +
                              ", expected " + expected + " (GB 32100-2015; weights 3^i mod 31)";
        // Codes issued in the early pilot regions fail the check and are
        // still legal: when the check is all that is wrong, the operator may
        // allow it.
        if (out.empty())
            out.push_back(rule_warning(
                kCreditCode, message + "; accepted as a possible legacy pilot-region code, allow it if it is one",
                field));
        else
            out.push_back(rule_error(kCreditCode, message, field));
    }

    // Positions 9-17 carry the body's GB 11714 organisation code. It is not
    // a reason to refuse the credit code (the credit code's own check covers
    // it), but a mismatch suggests a mistyped or invented code.
    const char org_expected = org_code_check(code.substr(8, 8));
    if (!has_error(out) && org_expected != code[16])
        out.push_back(rule_warning(kCreditCode,
                                   "organisation code part '" + std::string(code.substr(8, 9)) +
                                       "' (positions 9-17) of credit code '" + std::string(code) +
                                       "' has check character " + code[16] + ", expected " +
                                       (org_expected ? std::string(1, org_expected) : std::string("0-9 or X")) +
                                       " (GB 11714; GB 32100-2015)",
                                   field));
    return out;
}

Problems check_org_code(std::string_view code, const std::string& field) {
    // Written as 8 characters and the check, with or without a hyphen before
    // the check ("08337220-4" or "083372204").
    std::string body(code);
    if (body.size() == 10 && body[8] == '-') body.erase(8, 1);
    if (body.size() != 9)
        return {rule_error(kOrgCode,
                           "organisation code '" + std::string(code) + "' has " + std::to_string(code.size()) +
                               " characters, expected 8 characters and a check character, optionally "
                               "hyphenated as XXXXXXXX-C (GB 11714)",
                           field)};
    for (std::size_t i = 0; i < 8; ++i) {
        if (!is_upper_alnum(body[i]))
            return {rule_error(kOrgCode,
                               "character " + std::to_string(i + 1) + " of organisation code '" +
                                   std::string(code) + "' is " + quoted(body[i]) +
                                   ", expected a digit or an upper-case letter (GB 11714)",
                               field)};
    }
    const char expected = org_code_check(std::string_view(body).substr(0, 8));
    if (body[8] != expected)
        return {rule_error(kOrgCode,
                           "check character of organisation code '" + std::string(code) + "' is " + body[8] +
                               ", expected " + expected + " (GB 11714; weights 3 7 9 10 5 8 4 2, mod 11)",
                           field)};
    return {};
}

}  // namespace govbus::rules
