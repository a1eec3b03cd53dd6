#include "bus/node/amqp_body.hpp"

#include <proton/value.hpp>

#include <cstdint>

namespace govbus::amqp {

// Both directions go through byte pointers, so each copy is one memcpy: the
// iterator constructors of std::string and proton::binary convert byte by byte.

bool body_bytes(const proton::message& m, std::string& out) {
    const proton::value& body = m.body();
    if (body.type() == proton::BINARY) {
        auto b = proton::get<proton::binary>(body);
        const char* p = reinterpret_cast<const char*>(b.data());
        out.assign(p, p + b.size());
        return true;
    }
    if (body.type() == proton::STRING) {
        out = proton::get<std::string>(body);
        return true;
    }
    return false;
}

proton::binary binary_body(std::string_view bytes) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
    return proton::binary(p, p + bytes.size());
}

}  // namespace govbus::amqp
