// An AMQP 1.0 client of a govbus node, for the tools (send, dept-sim, demo,
// load generator): it acts as one endpoint, sending to `govbus/in` and, when
// asked, receiving from `govbus/out/<endpoint-id>` (docs/integrator.md,
// "Connecting over AMQP"). Reconnects by itself when the node restarts.
#pragma once

#include "bus/core/problem.hpp"

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>

namespace govbus::tools {

// How the node settled one sent message.
struct SendOutcome {
    bool accepted = false;
    std::string condition;    // "govbus:schema.invalid" when rejected; "link.lost" when the link dropped
    std::string description;  // the node's sentence
};

class BusClient {
public:
    struct Options {
        std::string url;          // "amqp://127.0.0.1:5672"
        std::string endpoint_id;  // the endpoint this client acts as
        bool receive = false;     // also take messages from govbus/out/<endpoint_id>
        int credit = 100;         // receive window
        std::string ca, cert, key;  // TLS with a client certificate when all three are set
    };
    // Called on the client's thread for each message received; return ok to
    // accept it, a problem to reject it.
    using OnMessage = std::function<Status(const std::string& bytes, const std::string& content_type)>;

    explicit BusClient(Options options, OnMessage on_message = {});
    ~BusClient();
    BusClient(const BusClient&) = delete;
    BusClient& operator=(const BusClient&) = delete;

    // Blocks until the links are open, or the timeout passes.
    Status connect(std::chrono::milliseconds timeout);
    // Queues one message; the future tells how the node settled it.
    std::future<SendOutcome> send(std::string bytes, std::string content_type);
    // Sends and waits; a link lost before settlement is retried until the deadline.
    SendOutcome send_and_wait(const std::string& bytes, const std::string& content_type,
                              std::chrono::milliseconds timeout);
    void close();

    class Handler;

private:
    std::unique_ptr<Handler> handler_;
};

}  // namespace govbus::tools
