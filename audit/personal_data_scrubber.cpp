#include "audit/personal_data_scrubber.hpp"

#include "bus/rules/data_rules.hpp"

namespace govbus::audit {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_mobile(std::string_view run) {
    return run.size() == 11 && run[0] == '1' && run[1] >= '3' && run[1] <= '9';
}

// Masks the ID numbers and mobile numbers in one pass over the digit runs.
std::string scrub_numbers(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (!is_digit(text[i])) {
            out.push_back(text[i++]);
            continue;
        }
        std::size_t start = i;
        while (i < text.size() && is_digit(text[i])) ++i;
        std::string_view run = text.substr(start, i - start);
        // GB 11643-1999 §4: 17 body digits and a check character 0-9 or X.
        if (run.size() == 17 && i < text.size() && (text[i] == 'X' || text[i] == 'x')) {
            out += rules::mask_citizen_id(text.substr(start, 18));
            ++i;
        } else if (run.size() == 18) {
            out += rules::mask_citizen_id(run);
        } else if (is_mobile(run)) {
            out += rules::mask_phone(run);
        } else if (run.size() == 13 && run.substr(0, 2) == "86" && is_mobile(run.substr(2))) {
            out += "86";
            out += rules::mask_phone(run.substr(2));
        } else {
            out += run;
        }
    }
    return out;
}

// The shortest number masked is a mobile number of 11 digits.
bool may_hold_a_number(std::string_view text) {
    std::size_t run = 0;
    for (char c : text) {
        run = is_digit(c) ? run + 1 : 0;
        if (run == 11) return true;
    }
    return false;
}

}  // namespace

std::string scrub_personal_data(std::string_view text, const std::vector<std::string>& names) {
    std::string out = may_hold_a_number(text) ? scrub_numbers(text) : std::string(text);
    for (const auto& name : names) {
        if (name.empty()) continue;
        std::string masked = rules::mask_name(name);
        if (masked == name) continue;
        for (std::size_t pos = out.find(name); pos != std::string::npos; pos = out.find(name, pos + masked.size()))
            out.replace(pos, name.size(), masked);
    }
    return out;
}

}  // namespace govbus::audit
