// Keeps one connection to a peer node open: dials its url, and when the
// connection drops (or never came up) dials again after a back-off that
// doubles from 100 ms up to reconnect_max_seconds and starts over once a
// connection has opened.
#pragma once

#include "adapters/amqp/amqp_connection.hpp"

#include <proton/connection_options.hpp>
#include <proton/container.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace govbus::amqp {

class PeerDialer {
public:
    // Makes (and keeps) the handler for one connection attempt.
    using MakeConnection =
        std::function<AmqpConnection&(const std::string& destination, std::function<void(bool opened)> on_closed)>;

    PeerDialer(proton::container& container, std::string destination, std::string url,
               proton::connection_options options, std::chrono::milliseconds max_delay, MakeConnection make);
    PeerDialer(const PeerDialer&) = delete;
    PeerDialer& operator=(const PeerDialer&) = delete;

    void dial();  // any thread
    void stop();  // no dialling after this returns

private:
    void closed(bool opened);

    proton::container& container_;
    const std::string destination_;
    const std::string url_;
    const proton::connection_options options_;
    const std::chrono::milliseconds max_delay_;
    MakeConnection make_;

    std::mutex mutex_;
    bool stopped_ = false;
    std::chrono::milliseconds delay_{100};
};

}  // namespace govbus::amqp
