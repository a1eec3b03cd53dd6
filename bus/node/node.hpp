// The node runtime (govbusd): adapters bring messages in, intake examines them
// on a worker pool, the journal makes them durable, and the dispatcher hands
// each destination's outbox to the adapter that reaches it.
//
// Threads (bus/README.md has the full picture):
//   adapter threads   call inbound() and wake(); never block on the node
//   worker pool       intake: decode, validate, authorise, verify, route
//   journal writer    group commits; its callbacks settle the sender's delivery
//   dispatcher        one thread: takes ready deliveries, calls Adapter::deliver
#pragma once

#include "bus/core/problem.hpp"
#include "bus/node/adapter.hpp"
#include "bus/node/exchange_events.hpp"
#include "bus/node/message_verifier.hpp"
#include "bus/node/node_config.hpp"

#include <memory>

namespace govbus {

class Node : public AdapterHost {
public:
    // What the program plugs in; bus/ does not know security/ or audit/.
    struct Plugins {
        MessageVerifier* verifier = nullptr;
        ExchangeEvents* events = nullptr;
    };

    explicit Node(NodeConfig config);
    Node(NodeConfig config, Plugins plugins);
    ~Node() override;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // Opens the journal, loads routes and endpoints, starts adapters and the dispatcher.
    Status start();
    // Stops taking messages, finishes what is in hand, closes the stores.
    void stop();
    // Re-reads the route table and endpoint registry (SIGHUP). A bad file is
    // refused with its problems and the running ones stay.
    Status reload();

    const NodeConfig& config() const;

    // AdapterHost
    void inbound(InboundMessage message, InboundDone done) override;
    void wake(const std::string& destination) override;

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace govbus
