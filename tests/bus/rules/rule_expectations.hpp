// What the data-rule tests expect of a list of problems.
#pragma once

#include "bus/core/problem.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace govbus::rules::testing {

inline std::string describe(const Problems& ps) {
    std::string out;
    for (const auto& p : ps) out += (p.warning ? "[warning] " : "[error] ") + p.code + ": " + p.message + "\n";
    return out.empty() ? "(no problems)" : out;
}

// No problem at all, not even a warning.
inline void expect_clean(const Problems& ps) { BOOST_TEST(ps.empty(), describe(ps)); }

// At least one error, and every problem carries `code` and `field`.
inline void expect_error(const Problems& ps, const std::string& code, const std::string& field = "/f") {
    BOOST_TEST(has_error(ps), describe(ps));
    for (const auto& p : ps) {
        BOOST_TEST(p.code == code, describe(ps));
        BOOST_TEST(p.field == field);
    }
}

// Some problem's message contains `text`.
inline void expect_message(const Problems& ps, const std::string& text) {
    bool found = false;
    for (const auto& p : ps) found = found || p.message.find(text) != std::string::npos;
    BOOST_TEST(found, "no message contains '" << text << "' in " << describe(ps));
}

}  // namespace govbus::rules::testing
