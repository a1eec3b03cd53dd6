// Hands the header of a message the codec refuses back to the caller, so that
// the refusal can be logged under the message's id, case and type.
#pragma once

#include "bus/core/envelope.hpp"

#include <optional>

namespace govbus::codec {

// Set up once the header is read. Unless decoded() was called, the envelope's
// claimed_header() goes to `*refused` (when given) as the decoding returns.
class RefusedHeader {
public:
    RefusedHeader(const Envelope& envelope, std::optional<Envelope>* refused)
        : envelope_(envelope), refused_(refused) {}
    ~RefusedHeader() {
        if (refused_ && !decoded_) *refused_ = claimed_header(envelope_);
    }
    RefusedHeader(const RefusedHeader&) = delete;
    RefusedHeader& operator=(const RefusedHeader&) = delete;

    // The message decoded: nothing to hand back. Call before moving the envelope.
    void decoded() { decoded_ = true; }

private:
    const Envelope& envelope_;
    std::optional<Envelope>* refused_;
    bool decoded_ = false;
};

}  // namespace govbus::codec
