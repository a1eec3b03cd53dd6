#include "bench/node/bare_relay.hpp"

#include "bench/node/relay_store.hpp"

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

#include <atomic>
#include <deque>
#include <map>
#include <thread>
#include <unordered_map>

namespace govbus::bench {

// Single-threaded container: every callback runs on one thread, so no locks.
// With a store, a message waits in held_ until its commit, which the store's
// thread hands back through the inbound connection's work queue.
class BareRelay::Handler : public proton::messaging_handler {
public:
    Handler(int port, int credit, std::string store) : port_(port), credit_(credit), store_path_(std::move(store)) {}
    void run() {
        if (!store_path_.empty())
            store_ = std::make_unique<RelayStore>(store_path_, [this](std::vector<std::uint64_t> numbers) {
                if (auto* q = in_queue_.load()) q->add([this, numbers = std::move(numbers)] { stored(numbers); });
            });
        container_ = std::make_unique<proton::container>(*this, "bare-relay");
        thread_ = std::thread([this] { container_->run(); });
    }
    // The store calls back only for messages added, and the benchmark stops
    // the relay once every message it sent was accepted.
    void stop() {
        container_->stop();
        thread_.join();
        store_.reset();
    }

    void on_container_start(proton::container& c) override {
        listener_ = c.listen("127.0.0.1:" + std::to_string(port_));
    }
    void on_receiver_open(proton::receiver& r) override {
        proton::receiver_options o;
        o.credit_window(credit_);
        o.auto_accept(false);
        r.open(o);
        in_queue_ = &r.work_queue();
    }
    void on_sender_open(proton::sender& s) override {
        s.open();
        out_ = s;
    }
    void on_message(proton::delivery& d, proton::message& m) override {
        const std::uint64_t number = ++received_;
        if (store_) {
            std::vector<char> bytes;
            m.encode(bytes);
            held_.emplace(number, std::make_pair(d, m));
            store_->add(number, std::string(bytes.begin(), bytes.end()));
            return;
        }
        forward(number, d, m);
    }
    void on_sendable(proton::sender&) override { flush(); }
    // A probe that connects and hangs up is not an error worth stopping for.
    void on_transport_error(proton::transport&) override {}
    void on_error(const proton::error_condition&) override {}

    void on_tracker_accept(proton::tracker& t) override {
        auto it = pending_.find(t);
        if (it == pending_.end()) return;
        auto [d, number] = it->second;
        pending_.erase(it);
        if (store_) store_->remove(number);
        d.work_queue().add([d]() mutable { d.accept(); });
    }

private:
    void stored(const std::vector<std::uint64_t>& numbers) {
        for (auto number : numbers) {
            auto it = held_.find(number);
            if (it == held_.end()) continue;
            auto [d, m] = std::move(it->second);
            held_.erase(it);
            forward(number, d, m);
        }
    }
    void forward(std::uint64_t number, proton::delivery& d, proton::message& m) {
        waiting_.push_back({number, d, m});
        // Proton writes out only the connection whose event is running: work
        // for the other connection goes through its work queue.
        if (out_) out_.work_queue().add([this] { flush(); });
    }
    void flush() {
        while (out_ && out_.credit() > 0 && !waiting_.empty()) {
            auto w = std::move(waiting_.front());
            waiting_.pop_front();
            pending_.emplace(out_.send(w.message), std::make_pair(w.delivery, w.number));
        }
    }

    struct Waiting {
        std::uint64_t number;
        proton::delivery delivery;
        proton::message message;
    };

    int port_;
    int credit_;
    std::unique_ptr<proton::container> container_;
    std::thread thread_;
    proton::listener listener_;
    proton::sender out_;
    std::string store_path_;
    std::unique_ptr<RelayStore> store_;
    std::atomic<proton::work_queue*> in_queue_{nullptr};
    std::uint64_t received_ = 0;
    std::unordered_map<std::uint64_t, std::pair<proton::delivery, proton::message>> held_;
    std::deque<Waiting> waiting_;
    std::map<proton::tracker, std::pair<proton::delivery, std::uint64_t>> pending_;
};

BareRelay::BareRelay(int port, int credit, std::string store)
    : handler_(std::make_unique<Handler>(port, credit, std::move(store))) {
    handler_->run();
}
BareRelay::~BareRelay() { handler_->stop(); }

}  // namespace govbus::bench
