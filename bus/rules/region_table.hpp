// The embedded GB/T 2260 table (generated from bus/rules/gbt2260.tsv at build
// time) and the region look-ups the other rules share.
#pragma once

#include <cstddef>
#include <string_view>

namespace govbus::rules {

struct RegionEntry {
    const char* code;  // 6 digits, province (xx0000) or city level (xxxx00)
    const char* name;  // name in Chinese, UTF-8
};

// Ascending by code; the generator refuses an unordered file.
extern const RegionEntry kRegionTable[];
extern const std::size_t kRegionTableSize;

// True for exactly six ASCII digits.
bool is_six_digits(std::string_view text);

// True when the first two digits of `code` name a province in the table
// (e.g. "51" for 510000). `code` must have at least two characters.
bool is_known_province(std::string_view code);

}  // namespace govbus::rules
