#include "bench/node/bare_relay.hpp"

#include <proton/connection.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/listener.hpp>
#include <proton/message.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender.hpp>
#include <proton/source.hpp>
#include <proton/target.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/work_queue.hpp>

#include <deque>
#include <map>
#include <thread>

namespace govbus::bench {

// Single-threaded container: every callback runs on one thread, so no locks.
class BareRelay::Handler : public proton::messaging_handler {
public:
    Handler(int port, int credit) : port_(port), credit_(credit) {}
    void run() {
        container_ = std::make_unique<proton::container>(*this, "bare-relay");
        thread_ = std::thread([this] { container_->run(); });
    }
    void stop() {
        container_->stop();
        thread_.join();
    }

    void on_container_start(proton::container& c) override {
        listener_ = c.listen("127.0.0.1:" + std::to_string(port_));
    }
    void on_receiver_open(proton::receiver& r) override {
        proton::receiver_options o;
        o.credit_window(credit_);
        o.auto_accept(false);
        r.open(o);
    }
    void on_sender_open(proton::sender& s) override {
        s.open();
        out_ = s;
    }
    void on_message(proton::delivery& d, proton::message& m) override {
        waiting_.emplace_back(d, m);
        // Proton writes out only the connection whose event is running: work
        // for the other connection goes through its work queue.
        if (out_) out_.work_queue().add([this] { flush(); });
    }
    void on_sendable(proton::sender&) override { flush(); }
    // A probe that connects and hangs up is not an error worth stopping for.
    void on_transport_error(proton::transport&) override {}
    void on_error(const proton::error_condition&) override {}

    void on_tracker_accept(proton::tracker& t) override {
        auto it = pending_.find(t);
        if (it == pending_.end()) return;
        proton::delivery d = it->second;
        pending_.erase(it);
        d.work_queue().add([d]() mutable { d.accept(); });
    }

private:
    void flush() {
        while (out_ && out_.credit() > 0 && !waiting_.empty()) {
            auto [d, m] = std::move(waiting_.front());
            waiting_.pop_front();
            pending_.emplace(out_.send(m), d);
        }
    }

    int port_;
    int credit_;
    std::unique_ptr<proton::container> container_;
    std::thread thread_;
    proton::listener listener_;
    proton::sender out_;
    std::deque<std::pair<proton::delivery, proton::message>> waiting_;
    std::map<proton::tracker, proton::delivery> pending_;
};

BareRelay::BareRelay(int port, int credit) : handler_(std::make_unique<Handler>(port, credit)) { handler_->run(); }
BareRelay::~BareRelay() { handler_->stop(); }

}  // namespace govbus::bench
