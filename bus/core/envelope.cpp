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

namespace {

std::string cut(const std::string& s) {
    if (s.size() <= kClaimedFieldBytes) return s;
    std::size_t end = kClaimedFieldBytes;
    // Back to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end) + "...";
}

}  // namespace

Envelope claimed_header(const Envelope& e) {
    Envelope h;
    h.id = cut(e.id);
    h.correlation_id = cut(e.correlation_id);
    h.case_number = cut(e.case_number);
    h.type = cut(e.type);
    h.source = cut(e.source);
    h.destination.endpoint = cut(e.destination.endpoint);
    h.destination.region = cut(e.destination.region);
    h.destination.department = cut(e.destination.department);
    h.region = cut(e.region);
    h.security.suite = cut(e.security.suite);
    h.content_type = e.content_type;
    return h;
}

}  // namespace govbus
