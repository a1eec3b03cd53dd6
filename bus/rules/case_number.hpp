// govbus case numbers (办件编号): 6-digit region + yyyyMMdd + 6-digit sequence
// + ISO 7064 MOD 11-2 check character, 21 characters (docs/data-rules.md).
#pragma once

#include <string>
#include <string_view>

namespace govbus::rules {

inline constexpr std::size_t kCaseNumberLength = 21;

// The case number issued by the node of `region6` for the `sequence`-th case
// accepted on y-m-d, e.g. ("510100", 2026, 11, 25, 42) -> "510100202611250000426".
// Throws std::invalid_argument when region6 is not 6 digits, the date is not
// real, or sequence is outside 0..999999: callers pass their own node's
// configured region and counter, so a bad value is a bug.
std::string make_case_number(std::string_view region6, int y, int m, int d, int sequence);

}  // namespace govbus::rules
