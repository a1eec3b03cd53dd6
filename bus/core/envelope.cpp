#include "bus/core/envelope.hpp"

#include <algorithm>
#include <iterator>

namespace govbus {

bool is_known_message_type(const std::string& type) {
    return std::any_of(std::begin(kMessageTypes), std::end(kMessageTypes),
                       [&](const char* t) { return type == t; });
}

bool is_case_return_type(const std::string& type) {
    return type == "case.accept" || type == "case.process" || type == "case.result";
}

}  // namespace govbus
