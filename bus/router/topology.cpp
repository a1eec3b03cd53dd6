#include "bus/router/topology.hpp"

#include "bus/rules/data_rules.hpp"

namespace govbus::router {

namespace {
// GB/T 2260 codes pad unused levels with "00": 510000 names a province
// (2 significant digits), 510100 a city (4), 510104 a county (6).
int significant_digits(std::string_view code) {
    int n = static_cast<int>(code.size() < 6 ? code.size() : 6);
    while (n >= 2 && code.substr(static_cast<std::size_t>(n) - 2, 2) == "00") n -= 2;
    return n;
}
}  // namespace

const char* to_string(Level level) {
    switch (level) {
        case Level::national: return "national";
        case Level::province: return "province";
        case Level::city: return "city";
        case Level::county: return "county";
    }
    return "?";
}

std::optional<Level> parse_level(std::string_view text) {
    for (Level l : {Level::national, Level::province, Level::city, Level::county})
        if (text == to_string(l)) return l;
    return std::nullopt;
}

const ChildNode* Topology::child_containing(std::string_view target) const {
    const ChildNode* best = nullptr;
    int best_digits = -1;
    if (target.empty()) return nullptr;
    for (const auto& child : children) {
        if (!rules::region_contains(child.region, target)) continue;
        int digits = significant_digits(child.region);
        if (digits > best_digits) {
            best = &child;
            best_digits = digits;
        }
    }
    return best;
}

}  // namespace govbus::router
