// The AMQP 1.0 adapter (registered as "amqp"): one Proton container with one
// listener for endpoints and peer nodes, plus one dialled connection per peer
// node that has a url. Address conventions and options: adapters/amqp/README.md.
//
// Threads: the container runs `threads` threads of its own. capacity() and
// deliver() are called from node threads; they touch only the OutboundBook
// (mutex) and post work to the chosen link's connection. Inbound verdicts
// come back the same way. stop() stops the container and joins it.
#pragma once

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/amqp/amqp_options.hpp"
#include "adapters/amqp/peer_dialer.hpp"
#include "bus/node/adapter.hpp"
#include "security/tls_trust.hpp"

#include <proton/container.hpp>
#include <proton/listener.hpp>

#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace govbus::amqp {

class AmqpAdapter : public Adapter {
public:
    AmqpAdapter(AdapterConfig config, AmqpOptions options);
    ~AmqpAdapter() override;
    AmqpAdapter(const AmqpAdapter&) = delete;
    AmqpAdapter& operator=(const AmqpAdapter&) = delete;

    Status start(AdapterHost& host) override;
    void stop() override;
    std::size_t capacity(const std::string& destination) override;
    void deliver(OutboundMessage message, DeliveryDone done) override;

    // The port the listener is bound to (the chosen one when `listen` named
    // port 0); 0 before start() succeeded.
    int port() const { return port_; }

    class Listener;

private:
    AmqpConnection& accepted();
    AmqpConnection& dialled(const std::string& destination, std::function<void(bool)> on_closed);
    AmqpConnection& keep(std::unique_ptr<AmqpConnection> connection);
    proton::connection_options client_options() const;

    AdapterConfig config_;
    AdapterContext context_;
    std::shared_ptr<security::TlsTrust> trust_;  // what the listener checks clients against

    std::mutex connections_mutex_;
    std::list<std::unique_ptr<AmqpConnection>> connections_;
    std::unique_ptr<Listener> listen_handler_;
    std::vector<std::unique_ptr<PeerDialer>> dialers_;
    // Declared last: destroyed first, while the handlers it refers to live.
    proton::container container_;
    proton::listener listener_;
    std::thread thread_;
    int port_ = 0;
    bool stopped_ = false;
};

// The factory registered as "amqp".
Result<std::unique_ptr<Adapter>> make_amqp_adapter(const AdapterConfig& config);

}  // namespace govbus::amqp
