// license-id: GB/T 36904-2018 electronic licence identifiers (电子证照标识).
#include "bus/rules/check_characters.hpp"
#include "bus/rules/data_rules.hpp"
#include "bus/rules/rule_problem.hpp"

#include <vector>

namespace govbus::rules {

namespace {

constexpr std::string_view kCode = "data.license_id";
// OID arc of e-licence identifiers.
constexpr std::string_view kPrefix = "1.2.156.3005.2.";

bool all_upper_alnum(std::string_view s) {
    for (char c : s)
        if (!is_upper_alnum(c)) return false;
    return !s.empty();
}

}  // namespace

// 1.2.156.3005.2.{type}.{issuer}.{serial}.{version}.{check}: type = defining
// body's credit code + 3 digits, issuer = credit code, version = 3 digits,
// check = ISO/IEC 7064 MOD 37,36 over type, issuer, serial and version joined
// without dots.
Problems check_license_id(std::string_view id, const std::string& field) {
    const std::string quoted = "licence identifier '" + std::string(id) + "'";
    if (id.substr(0, kPrefix.size()) != kPrefix)
        return {rule_error(kCode, quoted + " does not start with 1.2.156.3005.2. (GB/T 36904-2018)", field)};
    std::vector<std::string_view> parts;
    std::string_view rest = id.substr(kPrefix.size());
    for (;;) {
        auto dot = rest.find('.');
        parts.push_back(rest.substr(0, dot));
        if (dot == std::string_view::npos) break;
        rest = rest.substr(dot + 1);
    }
    if (parts.size() != 5)
        return {rule_error(kCode,
                           quoted + " has " + std::to_string(parts.size()) +
                               " fields after the prefix, expected 5: type.issuer.serial.version.check "
                               "(GB/T 36904-2018)",
                           field)};
    const auto type = parts[0], issuer = parts[1], serial = parts[2], version = parts[3], check = parts[4];
    Problems out;
    if (type.size() != 21 || !all_digits(type.substr(18)))
        out.push_back(rule_error(kCode,
                                 quoted + ": licence type '" + std::string(type) +
                                     "' is not a credit code followed by 3 digits (GB/T 36904-2018)",
                                 field));
    else
        adopt_problems(out, check_credit_code(type.substr(0, 18), field), kCode,
                       quoted + ": licence type's defining body");
    adopt_problems(out, check_credit_code(issuer, field), kCode, quoted + ": issuer");
    if (!all_upper_alnum(serial))
        out.push_back(rule_error(kCode,
                                 quoted + ": serial '" + std::string(serial) +
                                     "' must be one or more digits or upper-case letters",
                                 field));
    if (version.size() != 3 || !all_digits(version))
        out.push_back(rule_error(kCode, quoted + ": version '" + std::string(version) + "' must be 3 digits",
                                 field));
    if (check.size() != 1 || !is_upper_alnum(check[0])) {
        out.push_back(rule_error(kCode,
                                 quoted + ": check '" + std::string(check) +
                                     "' must be one digit or upper-case letter (GB/T 36904-2018)",
                                 field));
        return out;
    }
    if (has_error(out)) return out;  // the check is meaningless over malformed fields
    std::string joined;
    joined.append(type).append(issuer).append(serial).append(version);
    const char expected = mod37_36_check(joined);
    if (check[0] != expected)
        out.push_back(rule_error(kCode,
                                 quoted + ": check character is " + std::string(check) + ", expected " + expected +
                                     " (GB/T 36904-2018; ISO/IEC 7064 MOD 37,36)",
                                 field));
    return out;
}

}  // namespace govbus::rules
