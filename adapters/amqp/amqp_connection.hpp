// One AMQP connection of the adapter, accepted from an endpoint or peer node,
// or dialled to a peer node. Its handler runs on the connection's thread;
// other threads reach it only through its Mailbox.
//
// Accepted connections take two kinds of link (adapters/amqp/README.md):
//   - a link the peer SENDS on, target `govbus/in`: each message goes to
//     AdapterHost::inbound and is settled only when the node answers
//     (accepted, or rejected with condition `govbus:<reason code>`);
//     credit is granted by hand, one back per settled delivery.
//   - a link the peer RECEIVES on, source `govbus/out/<endpoint-id>`: the
//     node's deliveries for "endpoint:<endpoint-id>" go out on it.
// A dialled connection opens one sending link to the peer's `govbus/in` and
// takes no links from the other side.
#pragma once

#include "adapters/amqp/amqp_options.hpp"
#include "adapters/amqp/mailbox.hpp"
#include "adapters/amqp/outbound_book.hpp"
#include "bus/node/adapter.hpp"

#include <proton/delivery.hpp>
#include <proton/connection.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/sender.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace govbus::amqp {

inline constexpr const char* kInboundAddress = "govbus/in";
inline constexpr const char* kOutboundPrefix = "govbus/out/";

// What every connection of one adapter instance shares.
struct AdapterContext {
    AdapterHost* host = nullptr;
    AmqpOptions options;
    std::string node_id;
    OutboundBook book;
};

class AmqpConnection : public proton::messaging_handler {
public:
    // An accepted connection (endpoint or peer node on our listener).
    explicit AmqpConnection(AdapterContext& context);
    // A connection we dial to reach `destination` ("node:<id>").
    AmqpConnection(AdapterContext& context, std::string destination, std::function<void(bool opened)> on_closed);

    // Sends a claimed delivery; runs on this connection's thread (posted by the adapter).
    void send(std::uint64_t link, std::uint64_t key, const OutboundMessage& message);

    const std::shared_ptr<Mailbox>& mailbox() const { return mailbox_; }
    // True once the transport has closed; the object may then be dropped
    // (no event or posted work can reach it any more).
    bool finished() const { return finished_; }
    // From any thread: closes the connection on its own thread (AMQP close,
    // then the transport). False when it is not open or already gone.
    bool close_from_outside();
    std::chrono::steady_clock::time_point finished_at() const { return finished_at_; }

    // proton::messaging_handler
    void on_connection_open(proton::connection& c) override;
    void on_receiver_open(proton::receiver& r) override;
    void on_message(proton::delivery& d, proton::message& m) override;
    void on_sender_open(proton::sender& s) override;
    void on_sendable(proton::sender& s) override;
    void on_sender_drain_start(proton::sender& s) override;
    void on_sender_close(proton::sender& s) override;
    void on_sender_detach(proton::sender& s) override;
    void on_tracker_accept(proton::tracker& t) override;
    void on_tracker_reject(proton::tracker& t) override;
    void on_tracker_release(proton::tracker& t) override;
    void on_tracker_settle(proton::tracker& t) override;
    void on_transport_error(proton::transport& t) override;
    void on_transport_close(proton::transport& t) override;
    void on_error(const proton::error_condition& e) override;

private:
    void settle(std::uint64_t key, const Status& verdict);
    void give_back_credit(proton::receiver r);
    void finish_tracker(const proton::tracker& t, DeliveryResult result);
    void drop_link(std::uint64_t link, const std::string& why);
    void refuse(proton::sender s, const std::string& condition, const std::string& why);
    void refuse(proton::receiver r, const std::string& condition, const std::string& why);

    AdapterContext& context_;
    const bool dialled_;
    const std::string destination_;  // dialled: the peer node served
    std::function<void(bool opened)> on_closed_;
    std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
    std::string peer_;  // authenticated identity of the other side, "" when none
    bool opened_ = false;

    // Connection-thread state.
    proton::connection connection_;
    proton::sender own_sender_;                     // dialled: our link to govbus/in
    std::map<std::uint64_t, proton::sender> senders_;  // book link id -> link
    std::map<proton::sender, std::uint64_t> link_ids_;
    std::map<std::uint64_t, proton::delivery> unsettled_;  // inbound key -> delivery awaiting the node
    std::uint64_t next_inbound_ = 1;

    std::atomic<bool> finished_{false};
    std::chrono::steady_clock::time_point finished_at_{};
};

}  // namespace govbus::amqp
