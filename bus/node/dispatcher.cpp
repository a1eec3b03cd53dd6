#include "bus/node/dispatcher.hpp"

#include "bus/core/log.hpp"
#include "bus/core/thread_name.hpp"
#include "bus/core/wording.hpp"
#include "bus/journal/journal.hpp"

#include <algorithm>

namespace govbus {

namespace {
// What an outcome is recorded with: everything of the delivery but the body.
OutboundMessage outcome_of(const Delivery& d) {
    return {std::to_string(d.id), d.destination, d.message_id, d.case_number, d.type, d.content_type, {}};
}

constexpr std::size_t kMaxTake = 64;                  // deliveries taken for one destination per pass
constexpr auto kIdleWait = std::chrono::milliseconds(500);  // look again at least this often
constexpr auto kExpiryEvery = std::chrono::seconds(1);
// How long the outbox may be taken as empty without a look (another process,
// govbus dlq replay, may have put a dead letter back).
constexpr auto kRecheckOutbox = std::chrono::milliseconds(250);
}  // namespace

Dispatcher::Dispatcher(Journal& journal, AdapterFor adapter_for, ExchangeEvents* events, std::string node_id)
    : journal_(journal), adapter_for_(std::move(adapter_for)), events_(events), node_id_(std::move(node_id)) {
    handed_out_->wake = [this] { wake(); };
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() { thread_ = std::thread([this] { run(); }); }

void Dispatcher::stop() {
    {
        std::lock_guard lock(handed_out_->mutex);
        handed_out_->wake = nullptr;
    }
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(delivered_mutex_);
        stopped_ = true;  // later callbacks record their own delivery
    }
    flush_delivered();
}

void Dispatcher::flush_delivered() {
    std::vector<std::int64_t> ids;
    {
        std::lock_guard lock(delivered_mutex_);
        ids.swap(delivered_);
    }
    if (ids.empty()) return;
    if (auto s = journal_.delivered(ids); !s) GOVBUS_LOG(error, "journal: " << s.problem().to_string());
}

void Dispatcher::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    cv_.notify_one();
}

HandOut Dispatcher::hand_out() {
    HandOut h;
    h.room = [shared = handed_out_, adapter_for = adapter_for_](const std::string& destination) -> std::size_t {
        std::size_t waiting = 0;
        {
            std::lock_guard lock(shared->mutex);
            if (!shared->wake) return 0;
            if (auto it = shared->waiting.find(destination); it != shared->waiting.end()) waiting = it->second;
        }
        Adapter* adapter = adapter_for(destination);
        const std::size_t capacity = adapter ? adapter->capacity(destination) : 0;
        return capacity > waiting ? capacity - waiting : 0;
    };
    h.take = [shared = handed_out_](std::vector<Delivery> deliveries) {
        // Under the lock, so stop() cannot finish while this wakes the thread.
        std::lock_guard lock(shared->mutex);
        if (!shared->wake) return;
        for (auto& d : deliveries) {
            ++shared->waiting[d.destination];
            shared->queue.push_back(std::move(d));
        }
        shared->wake();
    };
    return h;
}

void Dispatcher::send_handed_out() {
    std::deque<Delivery> ready;
    {
        std::lock_guard lock(handed_out_->mutex);
        ready.swap(handed_out_->queue);
        handed_out_->waiting.clear();
    }
    if (ready.empty()) return;
    std::deque<Delivery> later;  // no capacity this pass
    std::map<std::string, std::size_t> room;
    for (auto& d : ready) {
        Adapter* adapter = adapter_for_(d.destination);
        if (!adapter) {
            // Unreachable since its accept (the tables were reloaded): back to
            // the outbox as a failed attempt, like any delivery that cannot go.
            on_result(attempt_of(d), DeliveryResult{DeliveryResult::Kind::retry,
                                                    make_problem("delivery.no_adapter",
                                                                 "no adapter reaches " + d.destination)});
            continue;
        }
        auto [left, first] = room.try_emplace(d.destination, 0);
        if (first) left->second = adapter->capacity(d.destination);
        if (left->second == 0) {
            later.push_back(std::move(d));
            continue;
        }
        --left->second;
        send(adapter, std::move(d));
    }
    if (later.empty()) return;
    std::lock_guard lock(handed_out_->mutex);
    for (const auto& d : later) ++handed_out_->waiting[d.destination];
    // Ahead of those handed out meanwhile: they were accepted before them.
    handed_out_->queue.insert(handed_out_->queue.begin(), std::make_move_iterator(later.begin()),
                              std::make_move_iterator(later.end()));
}

Dispatcher::Attempt Dispatcher::attempt_of(const Delivery& d) {
    return {outcome_of(d), d.source, d.id, d.accepted, static_cast<std::int64_t>(d.body.size()), d.region};
}

void Dispatcher::send(Adapter* adapter, Delivery d) {
    Attempt a = attempt_of(d);
    OutboundMessage m = a.meta;
    m.bytes = std::move(d.body);
    adapter->deliver(std::move(m), [this, a = std::move(a)](DeliveryResult r) { on_result(a, std::move(r)); });
}

void Dispatcher::run() {
    name_this_thread("dispatcher");
    while (true) {
        {
            std::unique_lock lock(mutex_);
            if (stopping_) return;
            woken_ = false;
        }
        auto now = std::chrono::system_clock::now();
        const bool pending = pump(now);
        auto wait = kIdleWait;
        // With nothing pending in the outbox, what comes next wakes this thread.
        if (pending) {
            if (auto due = journal_.next_due(); due && due->has_value()) {
                auto until = std::chrono::duration_cast<std::chrono::milliseconds>(**due - now);
                wait = std::clamp(until, std::chrono::milliseconds(1), kIdleWait);
            }
        }
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, wait, [&] { return woken_ || stopping_; });
    }
}

bool Dispatcher::pump(TimePoint now) {
    // Before take_ready: a case's next message to a destination waits until
    // the one before it is recorded as delivered.
    flush_delivered();
    send_handed_out();
    if (now - last_expiry_ >= kExpiryEvery) {
        last_expiry_ = now;
        record_expired(now);
        record_dropped();
    }
    // While every delivery leaves at its accept, the outbox holds nothing
    // pending and its two queries would find nothing on every pass.
    auto pending = journal_.may_have_pending(kRecheckOutbox);
    if (!pending) GOVBUS_LOG(error, "journal: " << pending.problem().to_string());
    if (pending && !*pending) return false;
    auto destinations = journal_.destinations_with_work(now);
    if (!destinations) {
        GOVBUS_LOG(error, "journal: " << destinations.problem().to_string());
        return true;
    }
    for (const auto& dest : *destinations) {
        Adapter* adapter = adapter_for_(dest);
        if (!adapter) continue;  // reported when the route was taken; stays pending until reachable
        std::size_t capacity = std::min(adapter->capacity(dest), kMaxTake);
        if (capacity == 0) continue;
        auto ready = journal_.take_ready(dest, now, capacity);
        if (!ready) {
            GOVBUS_LOG(error, "journal: " << ready.problem().to_string());
            continue;
        }
        for (auto& d : *ready) {
            if (d.replayed) {
                GOVBUS_LOG(info, "replaying dead letter " << d.id << " (" << d.message_id << ") to " << d.destination
                                                          << ": " << *d.replayed);
                const Problem note = make_problem(kReplayedCode, *d.replayed);
                record("replayed", attempt_of(d), &note);
            }
            if (d.unreadable) {  // on_result logs it, with the retry
                on_result(attempt_of(d), DeliveryResult{DeliveryResult::Kind::retry, *d.unreadable});
                continue;
            }
            send(adapter, std::move(d));
        }
    }
    return true;
}

void Dispatcher::on_result(const Attempt& a, DeliveryResult r) {
    const OutboundMessage& m = a.meta;
    const std::int64_t id = a.id;
    auto now = std::chrono::system_clock::now();
    switch (r.kind) {
        case DeliveryResult::Kind::delivered: {
            bool stopped = false;
            {
                std::lock_guard lock(delivered_mutex_);
                stopped = stopped_;
                if (!stopped) delivered_.push_back(id);
            }
            if (stopped)
                if (auto s = journal_.delivered(id); !s) GOVBUS_LOG(error, "journal: " << s.problem().to_string());
            GOVBUS_LOG(debug, "delivered " << m.type << " " << m.message_id << " to " << m.destination);
            record("delivered", a, nullptr);
            break;
        }
        case DeliveryResult::Kind::retry: {
            auto d = journal_.failed(id, r.reason, now);
            if (!d) {
                GOVBUS_LOG(error, "journal: " << d.problem().to_string());
            } else if (d->dead_lettered) {
                GOVBUS_LOG(warn, "dead-lettered " << m.message_id << " for " << m.destination << " after "
                                                  << d->attempts << " attempts: " << r.reason.to_string());
                record("dead_lettered", a, &r.reason);
            } else {
                GOVBUS_LOG(info, "retrying " << m.message_id << " to " << m.destination << " (attempt "
                                             << d->attempts << "): " << r.reason.to_string());
                record("retried", a, &r.reason);
            }
            break;
        }
        case DeliveryResult::Kind::refused:
            if (auto s = journal_.rejected(id, r.reason, now); !s)
                GOVBUS_LOG(error, "journal: " << s.problem().to_string());
            GOVBUS_LOG(warn, m.destination << " refused " << m.message_id << ": " << r.reason.to_string());
            record("dead_lettered", a, &r.reason);
            break;
    }
    wake();
}

void Dispatcher::record_expired(TimePoint now) {
    auto expired = journal_.expire(now);
    if (!expired) {
        GOVBUS_LOG(error, "journal: " << expired.problem().to_string());
        return;
    }
    if (expired->empty()) return;
    GOVBUS_LOG(warn, count_of(static_cast<std::int64_t>(expired->size()), "delivery", "deliveries")
                         << " expired waiting in the outbox (dead letters: govbus dlq list)");
    const Problem reason = expired_reason();
    for (const auto& d : *expired) {
        GOVBUS_LOG(debug, "expired " << d.type << " " << d.message_id << " for " << d.destination);
        record("expired", attempt_of(d), &reason);
    }
}

void Dispatcher::record_dropped() {
    auto dropped = journal_.take_dropped();
    if (!dropped) {
        GOVBUS_LOG(error, "journal: " << dropped.problem().to_string());
        return;
    }
    for (const auto& x : *dropped) {
        const Delivery& d = x.delivery;
        GOVBUS_LOG(info, "dead letter " << d.id << " (" << d.message_id << ") for " << d.destination << " " << x.note);
        const Problem note = make_problem(kDroppedCode, x.note);
        record("dropped", attempt_of(d), &note);
    }
}

void Dispatcher::record(const std::string& event, const Attempt& a, const Problem* reason) {
    if (!events_) return;
    const OutboundMessage& m = a.meta;
    ExchangeEvent e;
    e.event = event;
    e.message_id = m.message_id;
    e.case_number = m.case_number;
    e.type = m.type;
    e.source = a.source;
    e.destination = m.destination;
    e.size = a.size;
    e.region = a.region;
    if (reason) {
        e.reason_code = reason->code;
        e.reason_text = reason->message;
    }
    e.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() - a.accepted)
                       .count();
    events_->record(e);
}

}  // namespace govbus
