// phone: mainland mobile numbers and fixed-line numbers with area code.
#include "bus/rules/data_rules.hpp"
#include "bus/rules/rule_problem.hpp"
#include "bus/rules/phone_number.hpp"

namespace govbus::rules {

namespace {

constexpr std::string_view kCode = "data.phone";

std::string_view strip_country_prefix(std::string_view text) {
    for (std::string_view prefix : {std::string_view("+86"), std::string_view("0086")}) {
        if (text.substr(0, prefix.size()) == prefix) {
            text.remove_prefix(prefix.size());
            if (!text.empty() && (text[0] == ' ' || text[0] == '-')) text.remove_prefix(1);
            return text;
        }
    }
    return text;
}

}  // namespace

PhoneParts split_phone(std::string_view phone) {
    PhoneParts parts;
    const std::string_view national = strip_country_prefix(phone);
    // Mobile: 11 digits, 1 then 3-9 (the numbering plan's mobile blocks).
    if (national.size() == 11 && all_digits(national) && national[0] == '1' && national[1] >= '3') {
        parts.kind = PhoneKind::mobile;
        parts.prefix = phone.substr(0, phone.size() - national.size());
        parts.subscriber = national;
        return parts;
    }
    // Fixed line (no country prefix): 0 + area digits, '-', 7 or 8 digit
    // subscriber number, optional '-' extension of 1 to 6 digits. Area codes
    // 010 and 020-029 have three digits, every other one four.
    if (national.size() != phone.size() || phone.size() < 11 || phone[0] != '0') return parts;
    const std::size_t area_len = (phone[1] == '1' || phone[1] == '2') ? 3 : 4;
    if (phone[1] == '0' || !all_digits(phone.substr(0, area_len)) || phone[area_len] != '-') return parts;
    std::string_view rest = phone.substr(area_len + 1);
    const auto dash = rest.find('-');
    const std::string_view subscriber = rest.substr(0, dash);
    const std::string_view extension = dash == std::string_view::npos ? std::string_view() : rest.substr(dash + 1);
    if (subscriber.size() < 7 || subscriber.size() > 8 || !all_digits(subscriber) || subscriber[0] == '0') return parts;
    if (dash != std::string_view::npos && (extension.empty() || extension.size() > 6 || !all_digits(extension)))
        return parts;
    parts.kind = PhoneKind::fixed_line;
    parts.area = phone.substr(0, area_len);
    parts.subscriber = subscriber;
    parts.extension = extension;
    return parts;
}

Problems check_phone(std::string_view phone, const std::string& field) {
    // Phone numbers are personal data: the message describes, never repeats.
    if (split_phone(phone).kind == PhoneKind::none)
        return {rule_error(kCode,
                           "phone number (" + std::to_string(phone.size()) +
                               " characters) is neither a mainland mobile number (1[3-9] and 9 more digits, "
                               "optionally after +86 or 0086) nor a fixed-line number 0xx-xxxxxxxx or "
                               "0xxx-xxxxxxx(x) with an optional -extension",
                           field)};
    return {};
}

}  // namespace govbus::rules
