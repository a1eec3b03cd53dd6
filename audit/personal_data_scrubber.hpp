// Keeps personal data out of the exchange log: finds citizen ID numbers
// (GB 11643-1999: 17 digits and a check digit or X) and mainland mobile
// numbers (11 digits, 1[3-9]...) in free text and masks them with the data
// rules' masks; names the caller knows of are masked wherever they appear.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace govbus::audit {

// "ID 11010519491231002X, tel 13812345678, 张三丰" with names {"张三丰"} ->
// "ID 110105********002X, tel 138****5678, 张**". A digit run longer or
// shorter than the patterns is left alone (it is an order number, a time...),
// so masking is by exact run length, not by check digit: a mistyped ID number
// is still personal data.
std::string scrub_personal_data(std::string_view text, const std::vector<std::string>& names = {});

}  // namespace govbus::audit
