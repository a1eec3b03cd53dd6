#include "adapters/amqp/amqp_connection.hpp"

#include "adapters/amqp/peer_identity.hpp"
#include "bus/core/log.hpp"
#include "bus/node/amqp_body.hpp"
#include "bus/node/amqp_disposition.hpp"

#include <proton/connection.hpp>
#include <proton/error_condition.hpp>
#include <proton/message.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender_options.hpp>
#include <proton/source_options.hpp>
#include <proton/target.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/types.hpp>

namespace govbus::amqp {

namespace {

DeliveryResult retry(std::string code, std::string why) {
    return DeliveryResult{DeliveryResult::Kind::retry, make_problem(std::move(code), std::move(why))};
}

// Outgoing delivery tags carry the book's key, so an outcome finds its delivery.
proton::binary tag_of(std::uint64_t key) {
    auto text = std::to_string(key);
    return proton::binary(text.begin(), text.end());
}
std::uint64_t key_of(const proton::binary& tag) {
    std::uint64_t key = 0;
    for (auto b : tag) {
        if (b < '0' || b > '9') return 0;
        key = key * 10 + static_cast<std::uint64_t>(b - '0');
    }
    return key;
}

}  // namespace

AmqpConnection::AmqpConnection(AdapterContext& context) : context_(context), dialled_(false) {}

AmqpConnection::AmqpConnection(AdapterContext& context, std::string destination,
                               std::function<void(bool opened)> on_closed)
    : context_(context), dialled_(true), destination_(std::move(destination)), on_closed_(std::move(on_closed)) {}

bool AmqpConnection::close_from_outside() {
    return mailbox_->post([this] { connection_.close(); });
}

void AmqpConnection::on_connection_open(proton::connection& c) {
    connection_ = c;
    mailbox_->open(c.work_queue());
    opened_ = true;
    if (dialled_) {
        own_sender_ = c.open_sender(kInboundAddress);
        return;
    }
    if (context_.options.tls) {
        peer_ = identity_from_subject(c.user());
        GOVBUS_LOG(debug, "amqp: connection authenticated as '" << c.user() << "' -> peer '" << peer_ << "'");
        if (peer_.empty() && context_.options.tls->require_client_cert) {
            c.open();
            c.close(proton::error_condition("amqp:unauthorized-access",
                                            "govbus requires a client certificate (SASL EXTERNAL)"));
            return;
        }
    }
    GOVBUS_LOG(info, "amqp: connection from '" << (peer_.empty() ? c.container_id() : peer_) << "' opened");
    c.open();
}

void AmqpConnection::refuse(proton::sender s, const std::string& condition, const std::string& why) {
    GOVBUS_LOG(warn, "amqp: refused a link from '" << peer_ << "': " << why);
    s.open();
    s.close(proton::error_condition(condition, why));
}

void AmqpConnection::refuse(proton::receiver r, const std::string& condition, const std::string& why) {
    GOVBUS_LOG(warn, "amqp: refused a link from '" << peer_ << "': " << why);
    r.open();
    r.close(proton::error_condition(condition, why));
}

void AmqpConnection::on_receiver_open(proton::receiver& r) {
    if (dialled_) return refuse(r, "amqp:not-allowed", "a connection govbus dialled takes no incoming links");
    auto address = r.target().address();
    if (address != kInboundAddress)
        return refuse(r, "amqp:not-found", "govbus takes messages at '" + std::string(kInboundAddress) +
                                               "', not '" + address + "'");
    // Manual credit: the peer may have at most `credit` deliveries unsettled
    // here; one more is granted only when the node has settled one.
    r.open(proton::receiver_options().credit_window(0).auto_accept(false).target(
        proton::target_options().address(kInboundAddress)));
    r.add_credit(static_cast<std::uint32_t>(context_.options.credit));
}

void AmqpConnection::on_message(proton::delivery& d, proton::message& m) {
    std::string bytes;
    if (!body_bytes(m, bytes)) {
        amqp::reject(d, "govbus:message.encoding",
                     "the envelope must be the message body as binary (data section) or string");
        give_back_credit(d.receiver());
        return;
    }
    auto key = next_inbound_++;
    unsettled_[key] = d;
    // The node answers from its own threads; the answer comes back through
    // the mailbox, and is dropped if the connection has gone (the peer then
    // sends again and the journal drops the duplicate).
    auto mailbox = mailbox_;
    context_.host->inbound(InboundMessage{std::move(bytes), peer_, "amqp"},
                           [mailbox, self = this, key](const Status& verdict) {
                               mailbox->post([self, key, verdict] { self->settle(key, verdict); });
                           });
}

void AmqpConnection::settle(std::uint64_t key, const Status& verdict) {
    auto it = unsettled_.find(key);
    if (it == unsettled_.end()) return;
    proton::delivery d = it->second;
    unsettled_.erase(it);
    if (verdict.ok()) {
        d.accept();
    } else {
        const auto& p = verdict.problem();
        amqp::reject(d, "govbus:" + (p.code.empty() ? std::string("rejected") : p.code), p.message);
    }
    give_back_credit(d.receiver());
}

void AmqpConnection::give_back_credit(proton::receiver r) {
    // One credit back per settled delivery, so at most `credit` deliveries
    // are ever unsettled here. (The sender may briefly count more: within one
    // turn Proton writes flow frames ahead of dispositions, so the new credit
    // can reach it before the disposition that freed it.)
    if (r.active()) r.add_credit(1);
}

void AmqpConnection::on_sender_open(proton::sender& s) {
    std::string destination;
    if (dialled_) {
        if (s != own_sender_) return refuse(s, "amqp:not-allowed", "a connection govbus dialled takes no incoming links");
        destination = destination_;
    } else {
        auto address = s.source().address();
        if (address.rfind(kOutboundPrefix, 0) != 0 || address.size() == std::string(kOutboundPrefix).size())
            return refuse(s, "amqp:not-found",
                          "govbus sends from '" + std::string(kOutboundPrefix) + "<endpoint-id>', not '" + address + "'");
        auto id = address.substr(std::string(kOutboundPrefix).size());
        // With certificates an endpoint takes only its own messages.
        if (context_.options.tls && peer_ != id)
            return refuse(s, "amqp:unauthorized-access",
                          "the certificate of '" + peer_ + "' does not allow taking messages of '" + id + "'");
        s.open(proton::sender_options().source(proton::source_options().address(address)));
        destination = "endpoint:" + id;
    }
    auto link = context_.book.open_link(destination, this, mailbox_);
    senders_[link] = s;
    link_ids_[s] = link;
    context_.book.set_credit(link, s.credit());
    GOVBUS_LOG(info, "amqp: link to " << destination << " open");
    context_.host->wake(destination);
}

void AmqpConnection::on_sendable(proton::sender& s) {
    auto it = link_ids_.find(s);
    if (it == link_ids_.end()) return;
    context_.book.set_credit(it->second, s.credit());
    context_.host->wake(context_.book.destination_of(it->second));
}

void AmqpConnection::on_sender_drain_start(proton::sender& s) {
    // Nothing is queued here: the node pushes only what credit allows.
    s.return_credit();
    if (auto it = link_ids_.find(s); it != link_ids_.end()) context_.book.set_credit(it->second, 0);
}

void AmqpConnection::on_sender_close(proton::sender& s) {
    auto it = link_ids_.find(s);
    if (it == link_ids_.end()) return;
    drop_link(it->second, "the link closed before the peer settled the delivery");
}

void AmqpConnection::on_sender_detach(proton::sender& s) { on_sender_close(s); }

void AmqpConnection::drop_link(std::uint64_t link, const std::string& why) {
    for (auto& done : context_.book.close_link(link)) done(retry("delivery.link_lost", why));
    if (auto it = senders_.find(link); it != senders_.end()) {
        link_ids_.erase(it->second);
        senders_.erase(it);
    }
}

void AmqpConnection::send(std::uint64_t link, std::uint64_t key, const OutboundMessage& message) {
    auto it = senders_.find(link);
    if (it == senders_.end() || !it->second.active()) {
        if (auto done = context_.book.take(key)) (*done)(retry("delivery.link_lost", "the link closed before sending"));
        return;
    }
    proton::sender& s = it->second;
    proton::message m;
    m.id(message.message_id);
    m.subject(message.type);
    m.content_type(message.content_type);
    m.durable(true);
    set_binary_body(m, message.bytes);
    s.send(m, tag_of(key));
    context_.book.unclaim(link, s.credit());
}

void AmqpConnection::finish_tracker(const proton::tracker& t, DeliveryResult result) {
    if (auto done = context_.book.take(key_of(t.tag()))) (*done)(std::move(result));
}

void AmqpConnection::on_tracker_accept(proton::tracker& t) { finish_tracker(t, DeliveryResult{}); }

void AmqpConnection::on_tracker_reject(proton::tracker& t) {
    auto condition = amqp::remote_condition(t);
    std::string text = condition.name.empty() ? "rejected" : condition.name;
    if (!condition.description.empty()) text += ": " + condition.description;
    finish_tracker(t, DeliveryResult{DeliveryResult::Kind::refused, make_problem("delivery.refused", text)});
}

void AmqpConnection::on_tracker_release(proton::tracker& t) {
    // Released or modified (AMQP 1.0 §3.4.4, §3.4.5): the peer did not take it; try again later.
    finish_tracker(t, retry("delivery.released", "the peer released the delivery"));
}

void AmqpConnection::on_tracker_settle(proton::tracker& t) {
    // Settled without one of the outcomes above: nothing says it arrived.
    finish_tracker(t, retry("delivery.unsettled", "the peer settled the delivery without an outcome"));
}

void AmqpConnection::on_transport_error(proton::transport& t) {
    GOVBUS_LOG(warn, "amqp: " << (dialled_ ? destination_ : (peer_.empty() ? "peer" : peer_))
                              << " connection: " << t.error().what());
}

void AmqpConnection::on_transport_close(proton::transport&) {
    mailbox_->close();
    while (!senders_.empty()) drop_link(senders_.begin()->first, "the connection closed before the peer settled");
    unsettled_.clear();
    own_sender_ = proton::sender();
    // Nothing of this object is touched once it is marked finished: the
    // adapter may drop it soon after.
    auto on_closed = std::move(on_closed_);
    bool opened = opened_;
    finished_at_ = std::chrono::steady_clock::now();
    finished_ = true;
    if (on_closed) on_closed(opened);
}

void AmqpConnection::on_error(const proton::error_condition& e) {
    // The default handler throws, which would stop the whole container.
    GOVBUS_LOG(warn, "amqp: " << e.what());
}

}  // namespace govbus::amqp
