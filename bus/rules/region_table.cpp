// GB/T 2260 look-ups over the embedded province- and city-level table.
#include "bus/rules/region_table.hpp"

#include "bus/rules/data_rules.hpp"

#include <algorithm>
#include <string>

namespace govbus::rules {

namespace {

// Every code in the table has six digits (embed_region_table.cmake refuses
// others), so comparisons need no strlen.
std::string_view code_of(const RegionEntry& e) { return std::string_view(e.code, 6); }

const RegionEntry* find_exact(std::string_view code6) {
    const RegionEntry* end = kRegionTable + kRegionTableSize;
    const RegionEntry* it = std::lower_bound(kRegionTable, end, code6,
                                             [](const RegionEntry& e, std::string_view c) { return code_of(e) < c; });
    return it != end && code_of(*it) == code6 ? it : nullptr;
}

// `code` (two or four digits) followed by zeros to six.
const RegionEntry* find_padded(std::string_view code) {
    char six[6] = {'0', '0', '0', '0', '0', '0'};
    code.copy(six, sizeof six);  // at most six
    return find_exact(std::string_view(six, 6));
}

// The significant digits of a region code: "51" for 510000, "5101" for
// 510100, "510104" for 510104 (GB/T 2260: two digits each for province,
// city and county; "00" means "the whole of the level above").
std::string_view significant_part(std::string_view code6) {
    if (code6.substr(2) == "0000") return code6.substr(0, 2);
    if (code6.substr(4) == "00") return code6.substr(0, 4);
    return code6;
}

// A 12-digit statistical area code names a place inside the GB/T 2260 county
// given by its first six digits; compare on those.
std::string_view six_digit_part(std::string_view code) {
    if (code.size() == 12 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return code.substr(0, 6);
    return code;
}

}  // namespace

bool is_six_digits(std::string_view text) {
    return text.size() == 6 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_known_province(std::string_view code) {
    if (code.size() < 2) return false;
    return find_padded(code.substr(0, 2)) != nullptr;
}

// Province and city codes must be in the table. A county code (last two
// digits not 00) is accepted when its city is: the table stops at city level,
// so individual counties are not checked.
bool is_known_region(std::string_view code6) {
    if (!is_six_digits(code6)) return false;
    if (code6.substr(4) == "00") return find_exact(code6) != nullptr;
    return find_padded(code6.substr(0, 4)) != nullptr;
}

std::string region_name(std::string_view code6) {
    if (!is_six_digits(code6)) return {};
    const RegionEntry* e = find_exact(code6);
    return e ? std::string(e->name) : std::string();
}

bool region_contains(std::string_view prefix_region, std::string_view region) {
    if (prefix_region.size() == 12) {
        if (prefix_region == region && six_digit_part(region).size() == 6) return true;
        // A township or village (non-zero statistical tail) contains only itself.
        if (prefix_region.substr(6) != "000000") return false;
    }
    prefix_region = six_digit_part(prefix_region);
    region = six_digit_part(region);
    if (!is_six_digits(prefix_region) || !is_six_digits(region)) return false;
    if (prefix_region.substr(0, 2) == "00") return false;
    return region.substr(0, significant_part(prefix_region).size()) == significant_part(prefix_region);
}

}  // namespace govbus::rules
