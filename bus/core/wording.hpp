// Counts in text the nodes and the CLI print.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace govbus {

// A count with its noun: count_of(1, "record", "records") is "1 record".
inline std::string count_of(std::int64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace govbus
