// The parts of a mainland phone number, shared by the phone rule and masking.
#pragma once

#include <string_view>

namespace govbus::rules {

enum class PhoneKind { none, mobile, fixed_line };

struct PhoneParts {
    PhoneKind kind = PhoneKind::none;  // none: not a number govbus recognises
    std::string_view prefix;           // "+86", "0086 ", ... (mobile only), may be empty
    std::string_view area;             // "028" (fixed line only)
    std::string_view subscriber;       // 11-digit mobile or 7/8-digit fixed-line number
    std::string_view extension;        // fixed line only, may be empty
};

// Views into `phone`; valid while it is.
PhoneParts split_phone(std::string_view phone);

}  // namespace govbus::rules
