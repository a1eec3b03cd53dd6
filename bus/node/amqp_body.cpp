#include "bus/node/amqp_body.hpp"

#include <proton/codec.h>
#include <proton/codec/decoder.hpp>
#include <proton/codec/encoder.hpp>
#include <proton/value.hpp>

#include <new>

namespace govbus::amqp {

namespace {

// The body's bytes are read and written on the value's pn_data_t, which the
// C++ decoder and encoder hold (in a protected member of their base class).
// Going through proton::binary instead costs a copy each way, and reading
// one is a byte-at-a-time loop (a vector of uint8_t built from char
// iterators): a fifth of the AMQP thread's time with 64 KiB messages.
class BodyReader : public proton::codec::decoder {
public:
    explicit BodyReader(const proton::value& v) : decoder(v) {}  // rewinds to before the first value
    pn_data_t* data() const { return pn_object(); }
};

class BodyWriter : public proton::codec::encoder {
public:
    explicit BodyWriter(proton::value& v) : encoder(v) {}  // clears the value
    pn_data_t* data() const { return pn_object(); }
};

}  // namespace

bool body_bytes(const proton::message& m, std::string& out) {
    BodyReader body(m.body());
    pn_data_t* data = body.data();
    if (!data || !pn_data_next(data)) return false;
    pn_bytes_t bytes;
    switch (pn_data_type(data)) {
        case PN_BINARY: bytes = pn_data_get_binary(data); break;
        case PN_STRING: bytes = pn_data_get_string(data); break;
        default: return false;
    }
    out.assign(bytes.start, bytes.size);
    return true;
}

void set_binary_body(proton::message& m, std::string_view bytes) {
    BodyWriter body(m.body());
    // pn_data_put_binary copies the bytes into the value's own buffer; it
    // fails only when that buffer cannot grow.
    if (pn_data_put_binary(body.data(), pn_bytes(bytes.size(), bytes.data())) != 0) throw std::bad_alloc();
}

}  // namespace govbus::amqp
