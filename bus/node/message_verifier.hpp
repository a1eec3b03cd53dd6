// Authentication of a decoded message before the node accepts it: signature,
// certificate chain, revocation, signer = source (security/). bus/ knows only
// this interface; the program plugs the implementation in.
#pragma once

#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"

#include <string>
#include <string_view>

namespace govbus {

class MessageVerifier {
public:
    virtual ~MessageVerifier() = default;
    // `raw` is the message exactly as received; `peer` the transport identity
    // ("" when the transport did not authenticate). Called from worker threads.
    virtual Status verify(const Envelope& envelope, std::string_view raw, const std::string& peer) = 0;
};

}  // namespace govbus
