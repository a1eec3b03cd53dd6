// Building the problems the data rules report: errors, warnings, and problems
// found inside an embedded code (a credit code inside an item code).
#pragma once

#include "bus/core/problem.hpp"

#include <concepts>
#include <string>
#include <string_view>

namespace govbus::rules {

inline Problem rule_error(std::string_view code, std::string message, const std::string& field) {
    return make_problem(std::string(code), std::move(message), field);
}

inline Problem rule_warning(std::string_view code, std::string message, const std::string& field) {
    Problem p = make_problem(std::string(code), std::move(message), field);
    p.warning = true;
    return p;
}

// Appends `found` to `out` under reason `code`, each message prefixed with
// where the embedded part sits ("implementing body's credit code: ...").
// Warnings stay warnings.
inline void adopt_problems(Problems& out, Problems found, std::string_view code, std::string_view where) {
    for (auto& p : found) {
        p.code = std::string(code);
        p.message = std::string(where) + ": " + p.message;
        out.push_back(std::move(p));
    }
}

// The same with `where()` making the prefix, called only when there are problems.
template <std::invocable Where>
void adopt_problems(Problems& out, Problems found, std::string_view code, Where&& where) {
    if (!found.empty()) adopt_problems(out, std::move(found), code, std::string_view(where()));
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool all_digits(std::string_view s) {
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

inline bool is_upper_alnum(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace govbus::rules
