// Masking personal data for logs and CLI output (DESIGN.md "Security").
#include "bus/rules/data_rules.hpp"
#include "bus/rules/phone_number.hpp"

namespace govbus::rules {

namespace {

// Bytes in the UTF-8 sequence led by `lead`; a stray or invalid byte counts
// as one character so malformed input is still fully masked.
std::size_t sequence_length(std::string_view text, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    std::size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
    if (pos + n > text.size()) return 1;
    for (std::size_t i = 1; i < n; ++i)
        if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80) return 1;
    return n;
}

std::size_t character_count(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t pos = 0; pos < text.size(); pos += sequence_length(text, pos)) ++count;
    return count;
}

// Every digit except the last `keep` digits becomes '*'.
std::string mask_digits_keep_last(std::string_view text, std::size_t keep) {
    std::size_t digits = 0;
    for (char c : text) digits += (c >= '0' && c <= '9');
    std::string out(text);
    std::size_t seen = 0;
    for (char& c : out) {
        if (c >= '0' && c <= '9' && seen++ < digits - std::min(keep, digits)) c = '*';
    }
    return out;
}

}  // namespace

// 18 characters: keep the region (6) and the last 4, hide the birth date.
std::string mask_citizen_id(std::string_view id) {
    bool ascii = true;
    for (char c : id) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii && id.size() >= 15)
        return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') + std::string(id.substr(id.size() - 4));
    return std::string(character_count(id), '*');
}

// Mobile: keep prefix, first 3 and last 4 (138****5678). Fixed line: keep the
// area code and the last 4 subscriber digits. Anything else: every digit but
// the last 4 is hidden.
std::string mask_phone(std::string_view phone) {
    const PhoneParts parts = split_phone(phone);
    if (parts.kind == PhoneKind::mobile)
        return std::string(parts.prefix) + std::string(parts.subscriber.substr(0, 3)) + "****" +
               std::string(parts.subscriber.substr(7));
    if (parts.kind == PhoneKind::fixed_line) {
        std::string out = std::string(parts.area) + "-" + mask_digits_keep_last(parts.subscriber, 4);
        if (!parts.extension.empty()) out += "-" + std::string(parts.extension.size(), '*');
        return out;
    }
    return mask_digits_keep_last(phone, 4);
}

// Keep the first character, one '*' per further character (张三丰 -> 张**).
// A one-character name is hidden entirely.
std::string mask_name(std::string_view name) {
    if (name.empty()) return {};
    const std::size_t first = sequence_length(name, 0);
    // A first byte that does not start a whole UTF-8 character is not shown.
    if (first == 1 && static_cast<unsigned char>(name[0]) >= 0x80) return std::string(character_count(name), '*');
    const std::size_t rest = character_count(name.substr(first));
    if (rest == 0) return "*";
    return std::string(name.substr(0, first)) + std::string(rest, '*');
}

}  // namespace govbus::rules
