#define BOOST_TEST_MODULE journal_outbox
#include <boost/test/unit_test.hpp>

#include "tests/bus/journal/journal_fixture.hpp"

#include <sqlite3.h>

#include <sstream>
#include <thread>

using namespace govbus;
using namespace govbus::test;
using namespace std::chrono_literals;

namespace {

using Ids = std::vector<std::string>;

Problem peer_down() { return make_problem("peer.unreachable", "connection refused"); }

TimePoint soon() { return std::chrono::system_clock::now() + 1s; }

}  // namespace

BOOST_AUTO_TEST_CASE(hands_out_each_due_delivery_once_until_its_outcome_is_known) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    for (int i = 0; i < 3; ++i) j->accept(make_accept("m-" + std::to_string(i), "", {"endpoint:a"}));
    auto now = soon();
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", now, 2)) == (Ids{"m-0", "m-1"}));
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", now, 10)) == (Ids{"m-2"}));
    BOOST_TEST(j->take_ready("endpoint:a", now, 10)->empty());
    auto s = j->stats();
    BOOST_REQUIRE_EQUAL(s->destinations.size(), 1u);
    BOOST_TEST(s->destinations[0].destination == "endpoint:a");
    BOOST_TEST(s->destinations[0].in_flight == 3);
    BOOST_TEST(s->destinations[0].pending == 0);
}

BOOST_AUTO_TEST_CASE(a_delivery_from_the_outbox_carries_what_its_message_was_accepted_with) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    auto a = make_accept("m-1", "C-1", {"endpoint:a"});
    a.region = "510104";
    a.priority = 6;
    BOOST_REQUIRE(j->accept(a).ok());
    auto taken = *j->take_ready("endpoint:a", soon(), 10);
    BOOST_REQUIRE_EQUAL(taken.size(), 1u);
    expect_carries(taken[0], a);
    BOOST_TEST(taken[0].destination == "endpoint:a");
    BOOST_TEST(taken[0].attempt == 1);
}

BOOST_AUTO_TEST_CASE(hands_out_higher_priority_first) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    auto low = make_accept("low", "", {"endpoint:a"});
    low.priority = 1;
    auto high = make_accept("high", "", {"endpoint:a"});
    high.priority = 9;
    j->accept(low);
    j->accept(high);
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", soon(), 10)) == (Ids{"high", "low"}));
}

BOOST_AUTO_TEST_CASE(keeps_per_case_order_across_retries_without_blocking_other_cases) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    j->accept(make_accept("c1-first", "C1", {"endpoint:a", "endpoint:b"}));
    j->accept(make_accept("c1-second", "C1", {"endpoint:a", "endpoint:b"}));
    j->accept(make_accept("c2-only", "C2", {"endpoint:a"}));
    j->accept(make_accept("no-case", "", {"endpoint:a"}));
    auto now = soon();

    auto first = *j->take_ready("endpoint:a", now, 10);
    BOOST_TEST(ids_of(first) == (Ids{"c1-first", "c2-only", "no-case"}));
    // While c1-first is in flight, nothing more for endpoint:a.
    BOOST_TEST(j->take_ready("endpoint:a", now, 10)->empty());

    // c1-first fails: it waits 1 s, and c1-second waits behind it.
    auto decision = j->failed(first[0].id, peer_down(), now);
    BOOST_REQUIRE(decision.ok());
    BOOST_TEST(!decision->dead_lettered);
    BOOST_TEST(j->take_ready("endpoint:a", now + 500ms, 10)->empty());
    BOOST_TEST((*j->destinations_with_work(now + 500ms) == Ids{"endpoint:b"}));
    BOOST_TEST(j->delivered(first[1].id).ok());
    BOOST_TEST(j->delivered(first[2].id).ok());

    // The other destination's copy of the case is not held up by endpoint:a.
    BOOST_TEST(ids_of(*j->take_ready("endpoint:b", now, 10)) == (Ids{"c1-first"}));

    auto retry = *j->take_ready("endpoint:a", now + 1s, 10);
    BOOST_TEST(ids_of(retry) == (Ids{"c1-first"}));
    BOOST_TEST(retry[0].attempt == 2);
    BOOST_TEST(j->delivered(retry[0].id).ok());
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", now + 1s, 10)) == (Ids{"c1-second"}));
}

BOOST_AUTO_TEST_CASE(backs_off_exponentially_up_to_the_cap) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"), test_options(20));
    j->accept(make_accept("m-1", "", {"endpoint:a"}));
    auto now = soon();
    const std::vector<long> expected_s = {1, 2, 4, 8, 16, 32, 60, 60, 60};
    for (long want : expected_s) {
        auto taken = *j->take_ready("endpoint:a", now, 10);
        BOOST_REQUIRE_EQUAL(taken.size(), 1u);
        auto d = j->failed(taken[0].id, peer_down(), now);
        BOOST_REQUIRE(d.ok());
        BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(d->next_attempt - now).count() == want);
        // Not before its time, and the node is told when to wake.
        BOOST_TEST(j->take_ready("endpoint:a", d->next_attempt - 1ms, 10)->empty());
        BOOST_TEST(to_unix_ms(j->next_due()->value()) == to_unix_ms(d->next_attempt));
        now = d->next_attempt;
    }
}

BOOST_AUTO_TEST_CASE(moves_a_delivery_to_the_dead_letters_after_max_attempts) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"), test_options(3));
    j->accept(make_accept("m-1", "C1", {"endpoint:a"}));
    j->accept(make_accept("m-2", "C1", {"endpoint:a"}));
    auto now = soon();
    for (int attempt = 1; attempt <= 3; ++attempt) {
        auto taken = *j->take_ready("endpoint:a", now, 10);
        BOOST_REQUIRE_EQUAL(taken.size(), 1u);
        BOOST_TEST(taken[0].message_id == "m-1");
        auto d = j->failed(taken[0].id, make_problem("peer.timeout", "no answer in 30 s"), now);
        BOOST_TEST(d->dead_lettered == (attempt == 3));
        BOOST_TEST(d->attempts == attempt);
        now += 10min;
    }
    auto dead = *j->list_dead_letters();
    BOOST_REQUIRE_EQUAL(dead.size(), 1u);
    BOOST_TEST(dead[0].message_id == "m-1");
    BOOST_TEST(dead[0].destination == "endpoint:a");
    BOOST_TEST(dead[0].cause == "max_attempts");
    BOOST_TEST(dead[0].reason_code == "peer.timeout");
    BOOST_TEST(dead[0].reason_text == "no answer in 30 s");
    BOOST_TEST(dead[0].attempts == 3);
    BOOST_TEST(dead[0].case_number == "C1");
    BOOST_TEST(dead[0].last_attempt.has_value());
    // A dead letter no longer holds its case back.
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", now, 10)) == (Ids{"m-2"}));
    auto s = j->stats();
    BOOST_TEST(s->destinations[0].dead_letters == 1);
    BOOST_TEST(s->destinations[0].in_flight == 1);
}

BOOST_AUTO_TEST_CASE(dead_letters_expired_messages_on_expire_on_take_and_on_failure) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    auto now = soon();
    auto a = make_accept("waiting", "", {"endpoint:a"});
    a.expires = now + 10s;
    auto b = make_accept("in-flight", "", {"endpoint:b"});
    b.expires = now + 10s;
    auto c = make_accept("taken-late", "", {"endpoint:c"});
    c.expires = now + 10s;
    auto forever = make_accept("forever", "", {"endpoint:a"});
    j->accept(a);
    j->accept(b);
    j->accept(c);
    j->accept(forever);

    auto taken_b = *j->take_ready("endpoint:b", now, 10);
    BOOST_REQUIRE_EQUAL(taken_b.size(), 1u);
    auto late = now + 11s;
    // Taking from endpoint:c after the expiry hands out nothing and dead-letters it.
    BOOST_TEST(j->take_ready("endpoint:c", late, 10)->empty());
    // expire() catches the pending one; the in-flight one waits for its outcome.
    // It returns both, the one take_ready found first, for the exchange log.
    auto expired = *j->expire(late);
    BOOST_TEST(ids_of(expired) == (Ids{"taken-late", "waiting"}), boost::test_tools::per_element());
    BOOST_TEST(expired[1].destination == "endpoint:a");
    BOOST_TEST(expired[1].source == "sc.portal");
    BOOST_TEST(expired[1].body.empty());
    BOOST_TEST(j->expire(late)->empty());  // each is returned once
    auto d = j->failed(taken_b[0].id, peer_down(), late);
    BOOST_TEST(d->dead_lettered);

    auto dead = *j->list_dead_letters();
    BOOST_REQUIRE_EQUAL(dead.size(), 3u);
    for (const auto& x : dead) BOOST_TEST(x.cause == "expired");
    BOOST_TEST(dead[0].message_id == "waiting");
    BOOST_TEST(dead[0].reason_code == "journal.expired");
    BOOST_TEST(dead[1].message_id == "in-flight");
    BOOST_TEST(dead[1].reason_code == "peer.unreachable");
    BOOST_TEST(dead[2].message_id == "taken-late");
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", late, 10)) == (Ids{"forever"}));
}

BOOST_AUTO_TEST_CASE(wakes_the_node_for_a_pending_expiry_before_the_next_attempt) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    BOOST_TEST(!j->next_due()->has_value());
    auto now = soon();
    auto a = make_accept("m-1", "", {"endpoint:a"});
    a.expires = now + 500ms;
    j->accept(a);
    auto taken = *j->take_ready("endpoint:a", now, 10);
    BOOST_TEST(!j->next_due()->has_value());  // in flight: nothing for the node to wake for
    j->failed(taken[0].id, peer_down(), now);   // retry due at now + 1 s, but it expires first
    BOOST_TEST(to_unix_ms(j->next_due()->value()) == to_unix_ms(now + 500ms));
}

BOOST_AUTO_TEST_CASE(sends_a_rejected_delivery_to_the_dead_letters_at_once) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    j->accept(make_accept("m-1", "", {"endpoint:a"}));
    auto taken = *j->take_ready("endpoint:a", soon(), 10);
    BOOST_TEST(j->rejected(taken[0].id, make_problem("acl.denied", "not allowed"), soon()).ok());
    auto dead = j->dead_letter(taken[0].id);
    BOOST_REQUIRE(dead->has_value());
    BOOST_TEST((*dead)->cause == "rejected");
    BOOST_TEST((*dead)->reason_code == "acl.denied");
    BOOST_TEST((*dead)->attempts == 1);
    BOOST_TEST(j->delivered(taken[0].id).problem().code == "journal.unknown_delivery");
    BOOST_TEST(j->failed(taken[0].id, peer_down(), soon()).problem().code == "journal.unknown_delivery");
}

BOOST_AUTO_TEST_CASE(replays_a_dead_letter_with_attempts_reset_and_drops_another) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"), test_options(1));
    j->accept(make_accept("m-1", "", {"endpoint:a"}));
    j->accept(make_accept("m-2", "", {"endpoint:a"}));
    auto now = soon();
    auto taken = *j->take_ready("endpoint:a", now, 10);
    for (const auto& d : taken) BOOST_TEST(j->failed(d.id, peer_down(), now)->dead_lettered);
    auto dead = *j->list_dead_letters();
    BOOST_REQUIRE_EQUAL(dead.size(), 2u);

    BOOST_TEST(!taken[0].replayed);
    BOOST_TEST(j->replay(dead[0].id, now + 1h, "user alice with govbus dlq replay").ok());
    BOOST_TEST(j->take_dropped()->empty());
    BOOST_TEST(j->drop(dead[1].id, "user bob with govbus dlq drop").ok());
    // The drop waits for the node to log it, once.
    auto dropped = *j->take_dropped();
    BOOST_REQUIRE_EQUAL(dropped.size(), 1u);
    BOOST_TEST(dropped[0].delivery.id == dead[1].id);
    BOOST_TEST(dropped[0].delivery.message_id == "m-2");
    BOOST_TEST(dropped[0].delivery.destination == "endpoint:a");
    BOOST_TEST(dropped[0].delivery.source == "sc.portal");
    BOOST_TEST(dropped[0].note.starts_with("dropped by user bob with govbus dlq drop at "), dropped[0].note);
    BOOST_TEST(j->take_dropped()->empty());
    BOOST_TEST(j->list_dead_letters()->empty());
    BOOST_TEST(!j->dead_letter(dead[0].id)->has_value());
    BOOST_TEST(j->replay(dead[1].id, now).problem().code == "journal.not_dead_letter");
    BOOST_TEST(j->drop(dead[1].id).problem().code == "journal.not_dead_letter");

    BOOST_TEST(j->take_ready("endpoint:a", now + 1h - 1ms, 10)->empty());
    auto again = *j->take_ready("endpoint:a", now + 1h, 10);
    BOOST_TEST(ids_of(again) == (Ids{"m-1"}));
    BOOST_TEST(again[0].attempt == 1);
    BOOST_TEST(again[0].id == dead[0].id);
    // The first hand-out after the replay says who replayed it, for the exchange log; later ones do not.
    BOOST_REQUIRE(again[0].replayed);
    BOOST_TEST(again[0].replayed->starts_with("replayed by user alice with govbus dlq replay at "), *again[0].replayed);
    BOOST_TEST(j->failed(again[0].id, peer_down(), now + 1h).ok());  // max_attempts 1: dead again
    BOOST_TEST(j->replay(again[0].id, now + 2h).ok());
    auto third = *j->take_ready("endpoint:a", now + 2h, 10);
    BOOST_REQUIRE_EQUAL(third.size(), 1u);
    BOOST_REQUIRE(third[0].replayed);
    BOOST_TEST(third[0].replayed->starts_with("replayed at "), *third[0].replayed);
    BOOST_TEST(j->failed(third[0].id, peer_down(), now + 2h).ok());
    BOOST_TEST(j->replay(third[0].id, now + 3h).ok());
    auto dead_again = *j->take_ready("endpoint:a", now + 3h, 10);
    BOOST_REQUIRE_EQUAL(dead_again.size(), 1u);
    j.reset();  // a crash with it in flight: on open it is pending again, and its replay was said once
    j = open_journal(dir.file("journal.db"), test_options(1));
    auto after_restart = *j->take_ready("endpoint:a", now + 3h, 10);
    BOOST_REQUIRE_EQUAL(after_restart.size(), 1u);
    BOOST_TEST(!after_restart[0].replayed);
}

BOOST_AUTO_TEST_CASE(refuses_to_replay_an_expired_dead_letter) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    auto now = soon();
    auto a = make_accept("m-1", "", {"endpoint:a"});
    a.expires = now + 1s;
    j->accept(a);
    BOOST_TEST(j->expire(now + 2s)->size() == 1u);
    auto dead = *j->list_dead_letters();
    BOOST_REQUIRE_EQUAL(dead.size(), 1u);
    BOOST_TEST(j->replay(dead[0].id, now + 2s).problem().code == "journal.expired");
    BOOST_TEST(j->list_dead_letters()->size() == 1u);
}

BOOST_AUTO_TEST_CASE(puts_deliveries_left_in_flight_back_to_pending_on_open) {
    TempDir dir;
    std::string path = dir.file("journal.db");
    std::int64_t first_id = 0;
    {
        auto j = open_journal(path);
        j->accept(make_accept("m-1", "C1", {"endpoint:a"}));
        j->accept(make_accept("m-2", "C1", {"endpoint:a"}));
        auto taken = *j->take_ready("endpoint:a", soon(), 10);
        BOOST_REQUIRE_EQUAL(taken.size(), 1u);
        first_id = taken[0].id;
        // The process stops here without an outcome for the attempt.
    }
    auto j = open_journal(path);
    auto s = j->stats();
    BOOST_TEST(s->destinations[0].pending == 2);
    BOOST_TEST(s->destinations[0].in_flight == 0);
    BOOST_TEST((*j->destinations_with_work(soon()) == Ids{"endpoint:a"}));
    auto again = *j->take_ready("endpoint:a", soon(), 10);
    BOOST_TEST(ids_of(again) == (Ids{"m-1"}));  // and still in case order
    BOOST_TEST(again[0].id == first_id);
    BOOST_TEST(again[0].attempt == 1);
}

BOOST_AUTO_TEST_CASE(a_tool_opening_beside_the_node_leaves_its_in_flight_deliveries_alone) {
    TempDir dir;
    std::string path = dir.file("journal.db");
    auto node = open_journal(path);
    node->accept(make_accept("m-1", "", {"endpoint:a"}));
    BOOST_REQUIRE_EQUAL(node->take_ready("endpoint:a", soon(), 10)->size(), 1u);
    JournalOptions o;
    o.recover_in_flight = false;
    auto tool = Journal::open(path, o);
    BOOST_REQUIRE(tool);
    auto s = node->stats();
    BOOST_TEST(s->destinations[0].in_flight == 1);
    BOOST_TEST(s->destinations[0].pending == 0);
}

BOOST_AUTO_TEST_CASE(prunes_only_old_messages_with_no_delivery_left) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    j->accept(make_accept("done", "", {"endpoint:a"}));
    j->accept(make_accept("waiting", "", {"endpoint:b"}));
    auto taken = *j->take_ready("endpoint:a", soon(), 10);
    BOOST_TEST(j->delivered(taken[0].id).ok());

    BOOST_TEST(*j->prune_delivered(std::chrono::system_clock::now() - 1h) == 0);
    BOOST_TEST(*j->prune_delivered(std::chrono::system_clock::now() + 1h) == 1);
    BOOST_TEST(!*j->contains("done"));
    BOOST_TEST(*j->contains("waiting"));
    BOOST_TEST(j->take_ready("endpoint:b", soon(), 10)->size() == 1u);
}

BOOST_AUTO_TEST_CASE(records_many_deliveries_at_once_and_names_the_unknown_ones) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    for (int i = 0; i < 3; ++i) j->accept(make_accept("m-" + std::to_string(i), "", {"endpoint:a"}));
    auto taken = *j->take_ready("endpoint:a", soon(), 10);
    BOOST_REQUIRE_EQUAL(taken.size(), 3u);
    BOOST_TEST(j->delivered(std::vector<std::int64_t>{taken[0].id, taken[1].id}).ok());
    auto st = j->delivered(std::vector<std::int64_t>{taken[1].id, taken[2].id});
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST(st.problem().code == "journal.unknown_delivery");
    BOOST_TEST(st.problem().message.find(std::to_string(taken[1].id)) != std::string::npos);
    BOOST_TEST(j->stats()->destinations.empty());  // taken[2] was recorded despite the unknown one
}

BOOST_AUTO_TEST_CASE(names_each_destination_with_ready_work_once_in_order) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    // endpoint:b ends up with dead letters only, endpoint:d with in-flight only.
    for (int i = 0; i < 3; ++i) {
        const std::string n = std::to_string(i);
        j->accept(make_accept("c-" + n, "", {"endpoint:c"}));
        j->accept(make_accept("a-" + n, "", {"endpoint:a"}));
    }
    j->accept(make_accept("b-0", "", {"endpoint:b"}));
    j->accept(make_accept("d-0", "", {"endpoint:d"}));
    j->accept(make_accept("e-0", "", {"endpoint:e"}));
    auto now = soon();
    BOOST_TEST((*j->destinations_with_work(now) ==
                Ids{"endpoint:a", "endpoint:b", "endpoint:c", "endpoint:d", "endpoint:e"}));
    auto b = *j->take_ready("endpoint:b", now, 10);
    BOOST_REQUIRE_EQUAL(b.size(), 1u);
    BOOST_TEST(j->rejected(b[0].id, make_problem("acl.denied", "not allowed"), now).ok());
    BOOST_TEST(j->take_ready("endpoint:d", now, 10)->size() == 1u);
    BOOST_TEST((*j->destinations_with_work(now) == Ids{"endpoint:a", "endpoint:c", "endpoint:e"}));
    // Not yet due: nothing.
    BOOST_TEST(j->destinations_with_work(std::chrono::system_clock::now() - 1h)->empty());
}

// A journal written by schema version 1 (whose indexes covered every
// delivery whatever its state) keeps its pending, in-flight and dead
// deliveries when version 2 rebuilds them as partial indexes.
BOOST_AUTO_TEST_CASE(a_version_1_journal_keeps_its_deliveries_through_the_index_migration) {
    TempDir dir;
    const std::string path = dir.file("journal.db");
    auto now = soon();
    {
        auto j = open_journal(path);
        for (const char* id : {"in-flight", "dead", "pending"}) j->accept(make_accept(id, "", {"endpoint:a"}));
        auto taken = *j->take_ready("endpoint:a", now, 2);
        BOOST_REQUIRE(ids_of(taken) == (Ids{"in-flight", "dead"}));
        BOOST_TEST(j->rejected(taken[1].id, make_problem("acl.denied", "not allowed"), now).ok());
    }
    // Back to version 1: its indexes, its number. "in-flight" stays in flight, as after a crash.
    {
        sqlite3* raw = nullptr;
        BOOST_REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
        const std::string v1 =
            std::string(kBackToVersion3) +
            "DROP INDEX deliveries_outbox; DROP INDEX deliveries_case; DROP INDEX deliveries_due; "
            "DROP INDEX deliveries_expiry; DROP INDEX deliveries_dead; "
            "CREATE INDEX deliveries_outbox ON deliveries(destination, state, priority DESC, id); "
            "CREATE INDEX deliveries_case ON deliveries(destination, case_number, state) WHERE case_number <> ''; "
            "CREATE INDEX deliveries_due ON deliveries(state, next_attempt_ms); "
            "CREATE INDEX deliveries_expiry ON deliveries(state, expires_ms) WHERE expires_ms > 0; "
            "PRAGMA user_version=1;";
        char* err = nullptr;
        BOOST_REQUIRE_MESSAGE(sqlite3_exec(raw, v1.c_str(), nullptr, nullptr, &err) == SQLITE_OK, (err ? err : ""));
        sqlite3_close(raw);
    }
    auto j = open_journal(path);
    auto s = j->stats();
    BOOST_REQUIRE_EQUAL(s->destinations.size(), 1u);
    BOOST_TEST(s->destinations[0].pending == 2);  // "in-flight" was put back on open
    BOOST_TEST(s->destinations[0].in_flight == 0);
    BOOST_TEST(s->destinations[0].dead_letters == 1);
    BOOST_TEST((*j->destinations_with_work(now) == Ids{"endpoint:a"}));
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", now, 10)) == (Ids{"in-flight", "pending"}));
    auto dead = j->list_dead_letters(10);
    BOOST_REQUIRE(dead.ok());
    BOOST_REQUIRE_EQUAL(dead->size(), 1u);
    BOOST_TEST((*dead)[0].message_id == "dead");
}

// A dead letter stays in the case index (which no longer depends on the
// state) but does not hold its case back: the order check reads the state.
BOOST_AUTO_TEST_CASE(a_dead_letter_does_not_hold_back_the_next_message_of_its_case) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    j->accept(make_accept("c1-first", "C1", {"endpoint:a"}));
    j->accept(make_accept("c1-second", "C1", {"endpoint:a"}));
    auto now = soon();
    auto first = *j->take_ready("endpoint:a", now, 10);
    BOOST_REQUIRE(ids_of(first) == (Ids{"c1-first"}));
    BOOST_TEST(j->take_ready("endpoint:a", now, 10)->empty());  // in flight holds it back
    BOOST_TEST(j->rejected(first[0].id, make_problem("acl.denied", "not allowed"), now).ok());
    BOOST_TEST((*j->destinations_with_work(now) == Ids{"endpoint:a"}));
    BOOST_TEST(ids_of(*j->take_ready("endpoint:a", now, 10)) == (Ids{"c1-second"}));
}

// Handing a delivery out changes its state only: the program SQLite runs for
// it must not touch the case index (a delete and an insert at a random place).
BOOST_AUTO_TEST_CASE(handing_a_delivery_out_leaves_the_case_index_alone) {
    TempDir dir;
    const std::string path = dir.file("journal.db");
    open_journal(path);
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    std::string program;
    auto collect = [](void* out, int n, char** values, char**) {
        auto& text = *static_cast<std::string*>(out);
        for (int i = 0; i < n; ++i) text += std::string(values[i] ? values[i] : "") + " ";
        text += "\n";
        return 0;
    };
    int case_root = 0;
    {
        sqlite3_stmt* s = nullptr;
        BOOST_REQUIRE(sqlite3_prepare_v2(raw, "SELECT rootpage FROM sqlite_master WHERE name = 'deliveries_case'", -1, &s,
                                         nullptr) == SQLITE_OK);
        BOOST_REQUIRE(sqlite3_step(s) == SQLITE_ROW);
        case_root = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    BOOST_REQUIRE(sqlite3_exec(raw, "EXPLAIN UPDATE deliveries SET state = 1, last_attempt_ms = 5 WHERE id = 1", collect,
                               &program, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    // The program opens each index it changes by its root page.
    BOOST_TEST(program.find("OpenWrite") != std::string::npos, program);
    bool opens_case_index = false;
    std::istringstream lines(program);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream f(line);
        std::string addr, op, p1, p2;
        f >> addr >> op >> p1 >> p2;
        if (op == "OpenWrite" && p2 == std::to_string(case_root)) opens_case_index = true;
    }
    BOOST_TEST(!opens_case_index, program);
}

BOOST_AUTO_TEST_CASE(stats_count_what_waits_where_since_when_and_what_is_held) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    const auto before = std::chrono::system_clock::now() - 1s;
    j->accept(make_accept("first", "", {"endpoint:a"}));
    std::this_thread::sleep_for(5ms);
    j->accept(make_accept("second", "", {"endpoint:a", "endpoint:b"}));
    j->accept(make_accept("dead", "", {"endpoint:c"}));
    j->accept(make_accept("done", "", {"endpoint:d"}));
    auto a = *j->take_ready("endpoint:a", soon(), 1);  // "first" in flight, "second" pending
    BOOST_REQUIRE_EQUAL(a.size(), 1u);
    auto c = *j->take_ready("endpoint:c", soon(), 1);
    BOOST_REQUIRE(j->rejected(c[0].id, make_problem("acl.denied", "not allowed"), soon()).ok());
    auto d = *j->take_ready("endpoint:d", soon(), 1);
    BOOST_REQUIRE(j->delivered(d[0].id).ok());

    auto s = j->stats();
    BOOST_REQUIRE(s.ok());
    BOOST_TEST(s->messages_held == 4);  // "done" is kept for de-duplication
    BOOST_REQUIRE(s->oldest_held.has_value());
    BOOST_TEST((*s->oldest_held >= before && *s->oldest_held <= std::chrono::system_clock::now()));
    BOOST_REQUIRE_EQUAL(s->destinations.size(), 3u);  // a, b, c: nothing is left for d
    const auto& da = s->destinations[0];
    BOOST_TEST(da.destination == "endpoint:a");
    BOOST_TEST(da.in_flight == 1);
    BOOST_TEST(da.pending == 1);
    BOOST_REQUIRE(da.oldest_waiting.has_value());
    BOOST_TEST((*da.oldest_waiting == *s->oldest_held));  // "first", accepted before the others
    const auto& db = s->destinations[1];
    BOOST_TEST(db.pending == 1);
    BOOST_TEST((db.oldest_waiting.has_value() && *db.oldest_waiting > *da.oldest_waiting));
    const auto& dc = s->destinations[2];
    BOOST_TEST(dc.dead_letters == 1);
    BOOST_TEST(!dc.oldest_waiting.has_value());  // a dead letter waits for an operator, not for delivery
}

BOOST_AUTO_TEST_CASE(says_whether_the_outbox_may_hold_a_pending_delivery) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"), test_options(1));
    const auto hour = std::chrono::milliseconds(1h);
    BOOST_TEST(!*j->may_have_pending(hour));  // empty

    j->accept(make_accept("m-1", "C1", {"endpoint:a"}));  // no hand-out set: it waits in the outbox
    BOOST_TEST(*j->may_have_pending(hour));
    auto now = soon();
    auto taken = *j->take_ready("endpoint:a", now, 10);
    BOOST_REQUIRE_EQUAL(taken.size(), 1u);
    BOOST_TEST(!*j->may_have_pending(hour));                              // in flight, not pending
    BOOST_TEST(j->failed(taken[0].id, peer_down(), now)->dead_lettered);  // max_attempts 1
    BOOST_TEST(!*j->may_have_pending(hour));

    // Another process (govbus dlq replay) puts the dead letter back: this
    // journal cannot know, and takes the outbox as empty until its look is
    // older than `recheck`.
    {
        auto options = test_options(1);
        options.recover_in_flight = false;
        options.checkpoint_in_background = false;
        auto tool = open_journal(dir.file("journal.db"), options);
        BOOST_REQUIRE(tool->replay(taken[0].id, now).ok());
    }
    BOOST_TEST(!*j->may_have_pending(hour));
    BOOST_TEST(*j->may_have_pending(0ms));
    auto again = *j->take_ready("endpoint:a", now, 10);
    BOOST_REQUIRE_EQUAL(again.size(), 1u);
    BOOST_TEST(!*j->may_have_pending(hour));

    // A reopening puts what was in flight back, and the first look finds
    // it; a failed attempt, waiting for its retry, it knows of at once.
    j->accept(make_accept("m-2", "C2", {"endpoint:a"}));
    auto m2 = *j->take_ready("endpoint:a", now, 10);
    BOOST_REQUIRE_EQUAL(m2.size(), 1u);
    BOOST_TEST(!*j->may_have_pending(hour));
    j.reset();
    j = open_journal(dir.file("journal.db"), test_options(2));
    BOOST_TEST(*j->may_have_pending(hour));
    auto both = *j->take_ready("endpoint:a", now, 10);
    BOOST_REQUIRE_EQUAL(both.size(), 2u);
    BOOST_TEST(!*j->may_have_pending(hour));
    BOOST_TEST(!j->failed(both[0].id, peer_down(), now)->dead_lettered);
    BOOST_TEST(*j->may_have_pending(hour));
}
