// The ceiling for the node benchmark: a bare Proton relay that takes messages
// on govbus/in and forwards each to a receiver attached at govbus/out/<any>,
// with no journal, no decoding and no routing. It settles the sender's
// delivery once the receiver accepted the forwarded copy, as the node does.
#pragma once

#include <memory>

namespace govbus::bench {

class BareRelay {
public:
    // `credit`: deliveries the sender may have unsettled, as the node's `credit`.
    BareRelay(int port, int credit);
    ~BareRelay();
    class Handler;

private:
    std::unique_ptr<Handler> handler_;
};

}  // namespace govbus::bench
