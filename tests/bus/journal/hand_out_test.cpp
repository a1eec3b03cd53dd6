// Deliveries handed to the dispatcher at accept (Journal::set_hand_out): in
// flight from their commit on, without waiting for take_ready().
#define BOOST_TEST_MODULE journal_hand_out
#include <boost/test/unit_test.hpp>

#include "tests/bus/journal/journal_fixture.hpp"

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>

using namespace govbus;
using namespace govbus::test;
using namespace std::chrono_literals;

namespace {

using Ids = std::vector<std::string>;

TimePoint soon() { return std::chrono::system_clock::now() + 1s; }

// A dispatcher stand-in: a number of places per destination, each taken by a
// delivery handed to it. Declared before the journal, so it outlives the
// journal's writer thread, which calls it.
class Receiver {
public:
    HandOut hand_out() {
        return {[this](const std::string& destination) -> std::size_t {
                    std::lock_guard lock(mutex_);
                    const auto places = capacity_[destination];
                    const auto used = busy_[destination];
                    return places > used ? places - used : 0;
                },
                [this](std::vector<Delivery> ds) {
                    std::lock_guard lock(mutex_);
                    for (auto& d : ds) {
                        ++busy_[d.destination];
                        events_.push_back("taken " + d.message_id);
                        taken_.push_back(std::move(d));
                    }
                    changed_.notify_all();
                }};
    }
    void set_capacity(const std::string& destination, std::size_t places) {
        std::lock_guard lock(mutex_);
        capacity_[destination] = places;
    }
    void note(const std::string& event) {
        std::lock_guard lock(mutex_);
        events_.push_back(event);
    }
    std::vector<Delivery> taken() {
        std::lock_guard lock(mutex_);
        return taken_;
    }
    // An accept returns once its callback has run; its hand-out comes right
    // after, on the journal's thread.
    std::vector<Delivery> wait_taken(std::size_t count) {
        std::unique_lock lock(mutex_);
        BOOST_REQUIRE(changed_.wait_for(lock, 5s, [&] { return taken_.size() >= count; }));
        return taken_;
    }
    // Everything handed out for the accepts so far, but the markers: the
    // journal's one writer thread hands out in accept order, so once a
    // marker accepted now is here, nothing before it is still to come.
    std::vector<Delivery> settled(Journal& journal) {
        const std::string marker = "marker-" + std::to_string(++markers_);
        set_capacity("endpoint:markers", 1000);
        BOOST_REQUIRE(journal.accept(make_accept(marker, "", {"endpoint:markers"})).ok());
        std::unique_lock lock(mutex_);
        BOOST_REQUIRE(changed_.wait_for(lock, 5s, [&] {
            return !taken_.empty() && taken_.back().message_id == marker;
        }));
        std::vector<Delivery> out;
        for (const auto& d : taken_)
            if (d.destination != "endpoint:markers") out.push_back(d);
        return out;
    }
    Ids events() {
        std::lock_guard lock(mutex_);
        return events_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::size_t> capacity_, busy_;
    std::vector<Delivery> taken_;
    Ids events_;
    int markers_ = 0;
};

// A journal handing out to a Receiver with ten places for endpoint:a.
struct HandingOut {
    TempDir dir;
    Receiver r;  // before the journal, which calls it from its writer thread
    std::unique_ptr<Journal> j = open_journal(dir.file("journal.db"));
    HandingOut() {
        r.set_capacity("endpoint:a", 10);
        j->set_hand_out(r.hand_out());
    }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_fresh_delivery_goes_to_the_hand_out_in_flight_and_not_to_the_outbox, HandingOut) {
    auto accept = make_accept("m-1", "C1", {"endpoint:a"});
    accept.priority = 7;
    accept.region = "510104";
    BOOST_REQUIRE(j->accept(accept).ok());

    auto taken = r.wait_taken(1);
    BOOST_REQUIRE_EQUAL(taken.size(), 1u);
    const Delivery& d = taken[0];
    expect_carries(d, accept);
    BOOST_TEST(d.destination == "endpoint:a");
    BOOST_TEST(d.attempt == 1);
    BOOST_TEST(d.id > 0);

    BOOST_TEST(j->take_ready("endpoint:a", soon(), 10)->empty());
    auto s = j->stats();
    BOOST_REQUIRE_EQUAL(s->destinations.size(), 1u);
    BOOST_TEST(s->destinations[0].in_flight == 1);
    BOOST_TEST(s->destinations[0].pending == 0);
    BOOST_TEST(j->delivered(d.id).ok());
    BOOST_TEST(j->stats()->destinations.empty());
}

// A fan-out hands each destination the whole message, the body included.
BOOST_FIXTURE_TEST_CASE(each_destination_of_a_fan_out_is_handed_the_whole_message, HandingOut) {
    r.set_capacity("endpoint:b", 10);
    r.set_capacity("endpoint:c", 10);
    const auto accept = make_accept("m-1", "C1", {"endpoint:a", "endpoint:b", "endpoint:c"});
    BOOST_REQUIRE(j->accept(accept).ok());
    auto taken = r.wait_taken(3);
    BOOST_REQUIRE_EQUAL(taken.size(), 3u);
    std::set<std::string> destinations;
    for (const auto& d : taken) {
        expect_carries(d, accept);
        destinations.insert(d.destination);
    }
    BOOST_TEST((destinations == std::set<std::string>{"endpoint:a", "endpoint:b", "endpoint:c"}));
}

BOOST_FIXTURE_TEST_CASE(a_failed_hand_out_is_retried_from_the_outbox_like_any_other, HandingOut) {
    BOOST_REQUIRE(j->accept(make_accept("m-1", "", {"endpoint:a"})).ok());
    const auto id = r.wait_taken(1).at(0).id;
    auto now = std::chrono::system_clock::now();
    auto decision = j->failed(id, make_problem("peer.unreachable", "connection refused"), now);
    BOOST_REQUIRE(decision.ok());
    BOOST_TEST(!decision->dead_lettered);
    auto again = *j->take_ready("endpoint:a", decision->next_attempt + 1ms, 10);
    BOOST_REQUIRE_EQUAL(again.size(), 1u);
    BOOST_TEST(again[0].id == id);
    BOOST_TEST(again[0].attempt == 2);
}

// Per-case order: a case's next message waits in the outbox while the one
// before it is in flight, whichever way that one left.
BOOST_FIXTURE_TEST_CASE(the_next_message_of_a_case_in_flight_waits_in_the_outbox, HandingOut) {
    BOOST_REQUIRE(j->accept(make_accept("c1-first", "C1", {"endpoint:a"})).ok());
    BOOST_REQUIRE(j->accept(make_accept("c1-second", "C1", {"endpoint:a"})).ok());
    BOOST_REQUIRE(j->accept(make_accept("c2-only", "C2", {"endpoint:a"})).ok());
    const auto taken = r.settled(*j);
    BOOST_TEST(ids_of(taken) == (Ids{"c1-first", "c2-only"}));
    BOOST_TEST(j->take_ready("endpoint:a", soon(), 10)->empty());  // c1-second waits for c1-first
    BOOST_TEST(j->delivered(taken.at(0).id).ok());
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", soon(), 10)) == (Ids{"c1-second"}));
}

// Two messages of one case submitted together, most often written in one
// group commit: the second sees the first in flight and stays in the outbox.
BOOST_FIXTURE_TEST_CASE(two_messages_of_a_case_submitted_together_leave_one_after_the_other, HandingOut) {
    std::promise<void> both;
    std::atomic<int> left{2};
    for (const char* id : {"c1-first", "c1-second"})
        j->submit(make_accept(id, "C1", {"endpoint:a"}), [&](AcceptResult res) {
            BOOST_TEST(res.ok());
            if (--left == 0) both.set_value();
        });
    both.get_future().wait();
    auto taken = r.settled(*j);
    BOOST_TEST(ids_of(taken) == (Ids{"c1-first"}));
    BOOST_REQUIRE(!taken.empty());
    BOOST_TEST(j->take_ready("endpoint:a", soon(), 10)->empty());
    BOOST_TEST(j->delivered(taken[0].id).ok());
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", soon(), 10)) == (Ids{"c1-second"}));
}

// No room: the delivery waits in the outbox. Room again: a fresh message
// still waits behind the one already due there, so none is overtaken.
BOOST_FIXTURE_TEST_CASE(without_room_or_behind_due_deliveries_a_message_waits_in_the_outbox, HandingOut) {
    r.set_capacity("endpoint:a", 1);
    BOOST_REQUIRE(j->accept(make_accept("m-1", "", {"endpoint:a", "endpoint:b"})).ok());
    // The hand-out comes after the accept returns: m-1 holds the one place
    // only once it is taken, and m-2's batch may be written before that.
    r.wait_taken(1);
    BOOST_REQUIRE(j->accept(make_accept("m-2", "", {"endpoint:a"})).ok());
    BOOST_TEST(ids_of(r.settled(*j)) == (Ids{"m-1"}));  // endpoint:b has no room at all
    r.set_capacity("endpoint:a", 5);
    BOOST_REQUIRE(j->accept(make_accept("m-3", "", {"endpoint:a"})).ok());
    BOOST_TEST(r.settled(*j).size() == 1u);
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", soon(), 10)) == (Ids{"m-2", "m-3"}));
    BOOST_TEST(ids_of(*j->take_ready("endpoint:b", soon(), 10)) == (Ids{"m-1"}));
}

// The node records a message as accepted and routed in the accept's callback;
// nothing of it may leave before that.
BOOST_FIXTURE_TEST_CASE(deliveries_are_handed_out_after_their_accept_callback, HandingOut) {
    std::promise<void> done;
    j->submit(make_accept("m-1", "", {"endpoint:a"}), [&](AcceptResult res) {
        BOOST_TEST(res.ok());
        r.note("accepted m-1");
        done.set_value();
    });
    done.get_future().wait();
    j.reset();  // the writer thread has finished with the callbacks
    BOOST_TEST(r.events() == (Ids{"accepted m-1", "taken m-1"}));
}

BOOST_FIXTURE_TEST_CASE(a_duplicate_hands_nothing_out_and_an_empty_hand_out_turns_it_off, HandingOut) {
    BOOST_REQUIRE(j->accept(make_accept("m-1", "", {"endpoint:a"})).ok());
    auto again = j->accept(make_accept("m-1", "", {"endpoint:a"}));
    BOOST_REQUIRE(again.ok());
    BOOST_TEST((*again == AcceptOutcome::duplicate));
    BOOST_TEST(ids_of(r.settled(*j)) == (Ids{"m-1"}));
    j->set_hand_out({});
    BOOST_REQUIRE(j->accept(make_accept("m-2", "", {"endpoint:a"})).ok());
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", soon(), 10)) == (Ids{"m-2"}));
    j.reset();  // its writer thread is done: no hand-out is still to come
    BOOST_TEST(ids_of(r.taken()) == (Ids{"m-1", "marker-1"}));
}

// Handed out and then the process dies before the outcome: the next open
// puts the delivery back in the outbox, first attempt again.
BOOST_AUTO_TEST_CASE(a_delivery_handed_out_when_the_process_stopped_is_pending_after_open) {
    TempDir dir;
    const std::string path = dir.file("journal.db");
    std::int64_t id = 0;
    {
        Receiver r;
        auto j = open_journal(path);
        r.set_capacity("endpoint:a", 10);
        j->set_hand_out(r.hand_out());
        BOOST_REQUIRE(j->accept(make_accept("m-1", "C1", {"endpoint:a"})).ok());
        id = r.wait_taken(1).at(0).id;
    }
    auto j = open_journal(path);
    auto s = j->stats();
    BOOST_TEST(s->destinations.at(0).pending == 1);
    BOOST_TEST(s->destinations.at(0).in_flight == 0);
    auto again = *j->take_ready("endpoint:a", soon(), 10);
    BOOST_REQUIRE_EQUAL(again.size(), 1u);
    BOOST_TEST(again[0].id == id);
}
