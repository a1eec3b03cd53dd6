// The dispatcher: one thread that drains the journal's outboxes into the
// adapters, as fast as each destination's capacity allows, and records every
// delivery outcome back in the journal (retry with backoff, dead letter).
#pragma once

#include "bus/core/clock.hpp"
#include "bus/journal/journal_types.hpp"
#include "bus/node/adapter.hpp"
#include "bus/node/exchange_events.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace govbus {

class Journal;

class Dispatcher {
public:
    // Finds the adapter that reaches a destination; nullptr when none does.
    using AdapterFor = std::function<Adapter*(const std::string& destination)>;

    Dispatcher(Journal& journal, AdapterFor adapter_for, ExchangeEvents* events, std::string node_id);
    ~Dispatcher();

    void start();
    void stop();
    // Something changed (new accept, credit, outcome): look again soon.
    void wake();
    // For Journal::set_hand_out: room() is what a destination's adapter can
    // take beyond the deliveries already waiting here; take() queues an
    // accept's deliveries for the next pass, ahead of the journal's outbox.
    // After stop() there is no room, and deliveries taken are left in flight
    // in the journal, which puts them back in the outbox when it opens next.
    HandOut hand_out();

private:
    void run();
    // One pass; false when the outbox held nothing pending (nothing is due later).
    bool pump(TimePoint now);
    // Sends what the journal handed out at accept, as far as capacity allows.
    void send_handed_out();
    void send(Adapter* adapter, Delivery d);
    // One delivery attempt as its outcome is recorded: the delivery without its body.
    struct Attempt {
        OutboundMessage meta;  // bytes left empty
        std::string source;
        std::int64_t id = 0;
        TimePoint accepted;
        std::int64_t size = 0;  // bytes sent (the exchange log's size of the delivery)
        std::string region;
    };
    static Attempt attempt_of(const Delivery& d);
    void on_result(const Attempt& a, DeliveryResult r);
    void record(const std::string& event, const Attempt& a, const Problem* reason);
    // Dead-letters what expired waiting in the outbox (Journal::expire) and logs each.
    void record_expired(TimePoint now);
    // Logs the dead letters operators dropped (Journal::take_dropped).
    void record_dropped();
    // Records the successful deliveries collected since the last pass, in one transaction.
    void flush_delivered();

    Journal& journal_;
    AdapterFor adapter_for_;
    ExchangeEvents* events_;
    std::string node_id_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool woken_ = false;
    bool stopping_ = false;
    std::thread thread_;
    TimePoint last_expiry_{};
    // Successful deliveries not yet recorded: the adapters' callbacks collect
    // them and the next pass records them together. After stop() they are
    // recorded one by one as they come.
    std::mutex delivered_mutex_;
    std::vector<std::int64_t> delivered_;
    bool stopped_ = false;
    // Deliveries the journal handed out at accept, in accept order, until a
    // pass sends them. Shared with the hand-out, which may outlive this.
    struct HandedOut {
        std::mutex mutex;
        std::deque<Delivery> queue;
        std::map<std::string, std::size_t> waiting;  // queued per destination
        std::function<void()> wake;                  // empty once stopped
    };
    std::shared_ptr<HandedOut> handed_out_ = std::make_shared<HandedOut>();
};

}  // namespace govbus
