#include "bus/core/problem.hpp"

namespace govbus {

std::string Problem::to_string() const {
    std::string s = code;
    if (line > 0) {
        s += " at line " + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    }
    if (!field.empty()) s += " (" + field + ")";
    s += ": " + message;
    if (warning) s += " [warning]";
    return s;
}

}  // namespace govbus
