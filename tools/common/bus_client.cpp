#include "tools/common/bus_client.hpp"

#include "bus/node/amqp_body.hpp"
#include "bus/node/amqp_disposition.hpp"

#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/message.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/reconnect_options.hpp>
#include <proton/sender.hpp>
#include <proton/ssl.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/work_queue.hpp>

#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace govbus::tools {

class BusClient::Handler : public proton::messaging_handler {
public:
    Handler(Options o, OnMessage on_message) : options_(std::move(o)), on_message_(std::move(on_message)) {}

    void run() {
        container_ = std::make_unique<proton::container>(*this, options_.endpoint_id + "-" + std::to_string(::getpid()));
        thread_ = std::thread([this] {
            try {
                container_->run();
            } catch (const std::exception&) {
            }
        });
    }

    Status wait_ready(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        if (!ready_cv_.wait_for(lock, timeout, [&] { return ready_ || !error_.empty(); }))
            return make_problem("connect.timeout", "no open link to " + options_.url + " within " +
                                                       std::to_string(timeout.count()) + " ms");
        if (!ready_) return make_problem("connect.failed", error_);
        return ok_status();
    }

    std::future<SendOutcome> send(std::string bytes, std::string content_type) {
        std::promise<SendOutcome> p;
        auto f = p.get_future();
        proton::work_queue* wq = nullptr;
        {
            std::lock_guard lock(mutex_);
            queue_.push_back({std::move(bytes), std::move(content_type), std::move(p)});
            wq = work_queue_;
        }
        if (wq) wq->add([this] { flush(); });
        return f;
    }

    void close() {
        proton::work_queue* wq;
        {
            std::lock_guard lock(mutex_);
            wq = work_queue_;
            closing_ = true;
        }
        if (wq) wq->add([this] {
            if (connection_) connection_.close();
        });
        if (container_) container_->stop();
        if (thread_.joinable()) thread_.join();
    }

    void on_container_start(proton::container& c) override {
        proton::connection_options co;
        proton::reconnect_options ro;
        ro.delay(proton::duration(100));
        ro.delay_multiplier(2.0);
        ro.max_delay(proton::duration(2000));
        co.reconnect(ro);
        co.container_id(options_.endpoint_id);
        if (!options_.cert.empty()) {
            proton::ssl_certificate cert(options_.cert, options_.key);
            co.ssl_client_options(proton::ssl_client_options(cert, options_.ca, proton::ssl::VERIFY_PEER));
            co.sasl_allowed_mechs("EXTERNAL");
        }
        c.connect(options_.url, co);
    }

    void on_connection_open(proton::connection& conn) override {
        {
            std::lock_guard lock(mutex_);
            connection_ = conn;
            work_queue_ = &conn.work_queue();
        }
        sender_ = conn.open_sender("govbus/in");
        if (options_.receive) {
            proton::receiver_options ro;
            ro.credit_window(options_.credit);
            ro.auto_accept(false);
            receiver_ = conn.open_receiver("govbus/out/" + options_.endpoint_id, ro);
        }
    }

    void on_sender_open(proton::sender&) override { mark_ready(); }
    void on_receiver_open(proton::receiver&) override { mark_ready(); }

    void on_sendable(proton::sender&) override { flush(); }

    void on_tracker_accept(proton::tracker& t) override { finish(t, SendOutcome{true, {}, {}}); }
    void on_tracker_reject(proton::tracker& t) override {
        auto c = amqp::remote_condition(t);
        finish(t, SendOutcome{false, c.name.empty() ? "amqp:rejected" : c.name, c.description});
    }
    void on_tracker_release(proton::tracker& t) override {
        finish(t, SendOutcome{false, "link.lost", "the node released the message"});
    }

    void on_message(proton::delivery& d, proton::message& m) override {
        std::string bytes;
        amqp::body_bytes(m, bytes);  // left empty when the body is neither binary nor a string
        Status s = on_message_ ? on_message_(bytes, m.content_type()) : ok_status();
        if (s.ok()) {
            d.accept();
        } else {
            amqp::reject(d, "govbus:" + s.problem().code, s.problem().message);
        }
    }

    void on_transport_error(proton::transport& t) override {
        std::lock_guard lock(mutex_);
        links_open_ = 0;
        ready_ = false;
        if (!ready_once_) error_ = t.error().what();
        fail_in_flight_locked("the connection to the node was lost: " + t.error().what());
        ready_cv_.notify_all();
    }

    void on_connection_close(proton::connection&) override {
        std::lock_guard lock(mutex_);
        fail_in_flight_locked("the connection was closed");
    }

private:
    struct Pending {
        std::string bytes;
        std::string content_type;
        std::promise<SendOutcome> promise;
    };

    void mark_ready() {
        std::lock_guard lock(mutex_);
        int needed = options_.receive ? 2 : 1;
        if (++links_open_ >= needed) {
            ready_ = true;
            ready_once_ = true;
            error_.clear();
            ready_cv_.notify_all();
        }
    }

    void flush() {
        if (!sender_ || !sender_.active()) return;
        std::lock_guard lock(mutex_);
        while (sender_.credit() > 0 && !queue_.empty()) {
            Pending p = std::move(queue_.front());
            queue_.pop_front();
            proton::message m;
            amqp::set_binary_body(m, p.bytes);
            m.content_type(p.content_type);
            m.durable(true);
            auto t = sender_.send(m);
            in_flight_.emplace(t, std::move(p.promise));
        }
    }

    void finish(proton::tracker& t, SendOutcome outcome) {
        std::lock_guard lock(mutex_);
        auto it = in_flight_.find(t);
        if (it == in_flight_.end()) return;
        it->second.set_value(std::move(outcome));
        in_flight_.erase(it);
    }

    void fail_in_flight_locked(const std::string& why) {
        for (auto& [t, p] : in_flight_) p.set_value(SendOutcome{false, "link.lost", why});
        in_flight_.clear();
    }

    Options options_;
    OnMessage on_message_;
    std::unique_ptr<proton::container> container_;
    std::thread thread_;

    std::mutex mutex_;
    std::condition_variable ready_cv_;
    bool ready_ = false;
    bool ready_once_ = false;
    bool closing_ = false;
    int links_open_ = 0;
    std::string error_;
    proton::connection connection_;
    proton::work_queue* work_queue_ = nullptr;
    proton::sender sender_;
    proton::receiver receiver_;
    std::deque<Pending> queue_;
    std::map<proton::tracker, std::promise<SendOutcome>> in_flight_;
};

BusClient::BusClient(Options options, OnMessage on_message)
    : handler_(std::make_unique<Handler>(std::move(options), std::move(on_message))) {
    handler_->run();
}

BusClient::~BusClient() { close(); }

Status BusClient::connect(std::chrono::milliseconds timeout) { return handler_->wait_ready(timeout); }

std::future<SendOutcome> BusClient::send(std::string bytes, std::string content_type) {
    return handler_->send(std::move(bytes), std::move(content_type));
}

SendOutcome BusClient::send_and_wait(const std::string& bytes, const std::string& content_type,
                                     std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    SendOutcome last{false, "send.timeout", "no settlement from the node in time"};
    while (std::chrono::steady_clock::now() < deadline) {
        auto f = send(bytes, content_type);
        if (f.wait_until(deadline) != std::future_status::ready) return last;
        last = f.get();
        if (last.accepted || last.condition != "link.lost") return last;
        // The link dropped before settlement: the node de-duplicates by message id, so resend.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return last;
}

void BusClient::close() {
    if (handler_) handler_->close();
}

}  // namespace govbus::tools
