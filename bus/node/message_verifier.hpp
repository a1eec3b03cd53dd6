// Authentication of a decoded message before the node accepts it: signature,
// certificate chain, revocation, signer = source (security/). bus/ knows only
// this interface; the program plugs the implementation in.
#pragma once

#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"

#include <string>
#include <string_view>

namespace govbus {

struct VerifyRequest {
    const Envelope& envelope;
    std::string_view raw;     // the message exactly as received
    const std::string& peer;  // transport identity ("" when the transport did not authenticate)
    // The registry marks the sending endpoint `signature: none` (a legacy
    // system reached over an authenticated adapter): an unsigned message may pass.
    bool unsigned_allowed = false;
    // The suite the registry gives the sending endpoint ("intl" / "gm"); empty
    // when the sender is not registered here (the message came through a peer node).
    std::string expected_suite;
};

class MessageVerifier {
public:
    virtual ~MessageVerifier() = default;
    // Called from worker threads.
    virtual Status verify(const VerifyRequest& request) = 0;
};

}  // namespace govbus
