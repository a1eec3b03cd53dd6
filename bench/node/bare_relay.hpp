// The ceiling for the node benchmark: a bare Proton relay that takes messages
// on govbus/in and forwards each to a receiver attached at govbus/out/<any>,
// with no journal, no decoding and no routing. It settles the sender's
// delivery once the receiver accepted the forwarded copy.
//
// Given a store (a SQLite file), it is the durable relay: each message is
// committed to that file before it is forwarded and deleted once the
// receiver accepted it (RelayStore). That is the least any relay keeping
// messages across a crash in SQLite must do, and shows what durability
// alone costs on the machine, apart from the node's journal design.
#pragma once

#include <memory>
#include <string>

namespace govbus::bench {

class BareRelay {
public:
    // `credit`: deliveries the sender may have unsettled, as the node's `credit`.
    BareRelay(int port, int credit, std::string store = {});
    ~BareRelay();
    class Handler;

private:
    std::unique_ptr<Handler> handler_;
};

}  // namespace govbus::bench
