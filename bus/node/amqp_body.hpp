// A govbus message as an AMQP 1.0 message body, and back. The envelope travels
// as one data section (binary); a string body (amqp-value) is read as well,
// since some clients send text that way.
#pragma once

#include <proton/message.hpp>

#include <string>
#include <string_view>

namespace govbus::amqp {

// The body of `m` into `out`; false when it is neither binary nor a string.
bool body_bytes(const proton::message& m, std::string& out);

// Makes `bytes` the body of `m`, as binary.
void set_binary_body(proton::message& m, std::string_view bytes);

}  // namespace govbus::amqp
