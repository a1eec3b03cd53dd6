#include "adapters/amqp/amqp_adapter.hpp"

#include "bus/core/log.hpp"
#include "bus/core/thread_name.hpp"

#include <proton/connection_options.hpp>
#include <proton/duration.hpp>
#include <proton/error.hpp>
#include <proton/listen_handler.hpp>
#include <proton/ssl.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <future>

namespace govbus::amqp {

namespace {

constexpr auto kListenTimeout = std::chrono::seconds(10);
// A finished connection's handler is kept this long before it is dropped,
// so no thread can still be returning from its last callback.
constexpr auto kReapAfter = std::chrono::seconds(2);
// How long stop() waits for the connections it closed to finish.
constexpr auto kCloseGrace = std::chrono::seconds(3);
// Both sides send a frame at least this often (AMQP 1.0 §2.4.5), so a peer
// that vanished without closing its socket is noticed and its deliveries retried.
const proton::duration kIdleTimeout(30000);

bool write_port_file(const std::string& file, int port) {
    // Written whole and renamed, so a reader never sees half a number.
    auto tmp = file + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!(out << port << "\n")) return false;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    return !ec;
}

}  // namespace

// Accepts connections on the listener and reports when it is up (or not).
class AmqpAdapter::Listener : public proton::listen_handler {
public:
    explicit Listener(AmqpAdapter& adapter) : adapter_(adapter) {}

    std::future<Status> opened() { return opened_.get_future(); }

    void on_open(proton::listener& l) override {
        adapter_.port_ = l.port();
        answer(ok_status());
    }
    void on_error(proton::listener&, const std::string& what) override {
        GOVBUS_LOG(error, "amqp: listener: " << what);
        answer(make_problem("amqp.listen", "cannot listen on " + adapter_.context_.options.listen_host + ":" +
                                               adapter_.context_.options.listen_port + ": " + what,
                            "/adapters/amqp/listen"));
    }
    proton::connection_options on_accept(proton::listener&) override {
        proton::connection_options options;
        options.handler(adapter_.accepted());
        options.idle_timeout(kIdleTimeout);
        const auto& tls = adapter_.context_.options.tls;
        if (tls) {
            // The client's certificate is checked against `ca`; SASL EXTERNAL
            // then names the connection after it (peer_identity.hpp).
            // With CRLs, the trust file carries them, rebuilt when one changes.
            auto mode = tls->require_client_cert ? proton::ssl::VERIFY_PEER : proton::ssl::ANONYMOUS_PEER;
            options.ssl_server_options(proton::ssl_server_options(proton::ssl_certificate(tls->cert, tls->key),
                                                                  adapter_.trust_->file(), "", mode));
            options.sasl_enabled(true);
            options.sasl_allowed_mechs(tls->require_client_cert ? "EXTERNAL" : "EXTERNAL ANONYMOUS");
        }
        return options;
    }

private:
    void answer(Status status) {
        std::lock_guard lock(mutex_);
        if (answered_) return;
        answered_ = true;
        opened_.set_value(std::move(status));
    }

    AmqpAdapter& adapter_;
    std::mutex mutex_;
    bool answered_ = false;
    std::promise<Status> opened_;
};

AmqpAdapter::AmqpAdapter(AdapterConfig config, AmqpOptions options)
    : config_(std::move(config)), container_(config_.node_id.empty() ? "govbus" : config_.node_id) {
    context_.options = std::move(options);
    context_.node_id = config_.node_id;
}

AmqpAdapter::~AmqpAdapter() { stop(); }

AmqpConnection& AmqpAdapter::keep(std::unique_ptr<AmqpConnection> connection) {
    std::lock_guard lock(connections_mutex_);
    auto now = std::chrono::steady_clock::now();
    connections_.remove_if([&](const std::unique_ptr<AmqpConnection>& c) {
        return c->finished() && now - c->finished_at() > kReapAfter;
    });
    connections_.push_back(std::move(connection));
    return *connections_.back();
}

AmqpConnection& AmqpAdapter::accepted() { return keep(std::make_unique<AmqpConnection>(context_)); }

AmqpConnection& AmqpAdapter::dialled(const std::string& destination, std::function<void(bool)> on_closed) {
    return keep(std::make_unique<AmqpConnection>(context_, destination, std::move(on_closed)));
}

proton::connection_options AmqpAdapter::client_options() const {
    proton::connection_options options;
    options.idle_timeout(kIdleTimeout);
    if (const auto& tls = context_.options.tls) {
        // The peer node's certificate must name the host dialled (RFC 6125).
        // It is checked against `ca` alone: the peer checks ours against its
        // CRLs, and what it sends is signed (security/tls_trust.hpp).
        options.ssl_client_options(proton::ssl_client_options(proton::ssl_certificate(tls->cert, tls->key), tls->ca,
                                                              proton::ssl::VERIFY_PEER_NAME));
        options.sasl_enabled(true);
        options.sasl_allowed_mechs("EXTERNAL");
    }
    return options;
}

Status AmqpAdapter::start(AdapterHost& host) {
    context_.host = &host;
    const auto& options = context_.options;
    if (options.tls) {
        auto trust = security::TlsTrust::open(options.tls->ca, options.tls->crl, "/adapters/amqp/tls");
        if (!trust) return trust.problems();
        trust_ = std::move(trust.value());
    }
    listen_handler_ = std::make_unique<Listener>(*this);
    auto opened = listen_handler_->opened();
    try {
        listener_ = container_.listen(options.listen_host + ":" + options.listen_port, *listen_handler_);
    } catch (const proton::error& e) {
        return make_problem("amqp.listen", std::string("cannot listen: ") + e.what(), "/adapters/amqp/listen");
    }
    thread_ = std::thread([this, threads = options.threads] {
        name_this_thread("amqp");  // and the container's other threads, which it creates
        try {
            container_.run(threads);
        } catch (const std::exception& e) {
            GOVBUS_LOG(error, "amqp: container stopped: " << e.what());
        }
    });
    if (opened.wait_for(kListenTimeout) != std::future_status::ready) {
        stop();
        return make_problem("amqp.listen", "the listener did not open within 10 s", "/adapters/amqp/listen");
    }
    if (auto status = opened.get(); !status) {
        stop();
        return status;
    }
    GOVBUS_LOG(info, "amqp: listening on " << options.listen_host << ":" << port_
                                           << (options.tls ? " (TLS)" : " (plain, no TLS)"));
    if (!options.port_file.empty() && !write_port_file(options.port_file, port_)) {
        stop();
        return make_problem("amqp.port_file", "cannot write the port to '" + options.port_file + "'",
                            "/adapters/amqp/port_file");
    }
    for (const auto& peer : config_.peers) {
        if (peer.destination.rfind("node:", 0) != 0 || peer.url.empty()) continue;
        dialers_.push_back(std::make_unique<PeerDialer>(
            container_, peer.destination, peer.url, client_options(),
            std::chrono::seconds(options.reconnect_max_seconds),
            [this](const std::string& destination, std::function<void(bool)> on_closed) -> AmqpConnection& {
                return dialled(destination, std::move(on_closed));
            }));
        dialers_.back()->dial();
    }
    return ok_status();
}

void AmqpAdapter::stop() {
    if (stopped_) return;
    stopped_ = true;
    for (auto& d : dialers_) d->stop();
    // The connections are closed one by one first, each on its own thread,
    // and given a moment to finish: Proton 0.37's container stop, which
    // disconnects everything at once, now and then never returns when a
    // peer drops its socket during that disconnect (docs/operator.md).
    std::size_t closing = 0;
    {
        std::lock_guard lock(connections_mutex_);
        for (auto& c : connections_)
            if (!c->finished() && c->close_from_outside()) ++closing;
    }
    const auto deadline = std::chrono::steady_clock::now() + kCloseGrace;
    while (closing > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::lock_guard lock(connections_mutex_);
        closing = static_cast<std::size_t>(std::count_if(connections_.begin(), connections_.end(),
                                                         [](const auto& c) { return !c->finished(); }));
    }
    // Closing the container closes whatever is left: the connections'
    // handlers hand back each delivery in flight as a retry.
    container_.stop();
    if (thread_.joinable()) thread_.join();
    // Normally empty by now; left only if the container ended abnormally.
    for (auto& done : context_.book.close_all())
        done(DeliveryResult{DeliveryResult::Kind::retry,
                            make_problem("delivery.link_lost", "the AMQP adapter stopped before the peer settled")});
}

std::size_t AmqpAdapter::capacity(const std::string& destination) { return context_.book.capacity(destination); }

void AmqpAdapter::deliver(OutboundMessage message, DeliveryDone done) {
    auto claim = context_.book.claim(message.destination, done);
    if (!claim) {
        done(DeliveryResult{DeliveryResult::Kind::retry,
                            make_problem("delivery.no_link", "no open AMQP link with credit for " + message.destination)});
        return;
    }
    auto* connection = claim->connection;
    // Shared, not captured by value: the work is a std::function, copied on its
    // way to the connection's thread, and the message may be 10 MiB.
    auto m = std::make_shared<const OutboundMessage>(std::move(message));
    bool posted = claim->mailbox->post([connection, link = claim->link, key = claim->key, m] {
        connection->send(link, key, *m);
    });
    if (!posted)
        if (auto lost = context_.book.take(claim->key))
            (*lost)(DeliveryResult{DeliveryResult::Kind::retry,
                                   make_problem("delivery.link_lost", "the connection closed before sending")});
}

Result<std::unique_ptr<Adapter>> make_amqp_adapter(const AdapterConfig& config) {
    auto options = read_options(config.options, config.config_dir, block_source(config));
    if (!options) return options.problems();
    return std::unique_ptr<Adapter>(std::make_unique<AmqpAdapter>(config, std::move(options).value()));
}

namespace {
const bool registered = register_adapter("amqp", make_amqp_adapter);
}

}  // namespace govbus::amqp
