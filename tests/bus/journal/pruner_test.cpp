// Removing delivered messages and old paths: prune_delivered's and
// prune_paths' chunks and JournalPruner's thread, on a real journal file.
#define BOOST_TEST_MODULE journal_pruner
#include "bus/journal/journal_pruner.hpp"
#include "tests/bus/journal/journal_fixture.hpp"
#include "tests/support/eventually.hpp"

#include <boost/test/unit_test.hpp>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

using namespace govbus;
using namespace govbus::test;
using namespace std::chrono_literals;

namespace {

TimePoint soon() { return std::chrono::system_clock::now() + 1s; }

// Accepts `ids` for endpoint:a and records each delivered.
void deliver_all(Journal& j, const std::vector<std::string>& ids) {
    for (const auto& id : ids) BOOST_REQUIRE(j.accept(make_accept(id, "", {"endpoint:a"})).ok());
    auto taken = *j.take_ready("endpoint:a", soon(), 100);
    BOOST_REQUIRE_EQUAL(taken.size(), ids.size());
    for (const auto& d : taken) BOOST_REQUIRE(j.delivered(d.id).ok());
}

// Accepts a message of `case_number` (or a query when the key is reply:)
// that records the path `key` <- `origin`.
void record_path(Journal& j, const std::string& key, const std::string& origin) {
    auto a = make_accept("m-" + key, key.rfind("reply:", 0) == 0 ? "" : key, {"endpoint:a"});
    a.path_key = key;
    a.path_origin = origin;
    BOOST_REQUIRE(j.accept(a).ok());
}

}  // namespace

BOOST_AUTO_TEST_CASE(prune_takes_at_most_its_limit_oldest_first) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    deliver_all(*j, {"m-1", "m-2", "m-3", "m-4", "m-5"});
    const auto later = std::chrono::system_clock::now() + 1h;
    BOOST_TEST(*j->prune_delivered(later, 2) == 2);
    BOOST_TEST(*j->prune_delivered(later, 2) == 2);
    BOOST_TEST(*j->prune_delivered(later, 2) == 1);
    BOOST_TEST(*j->prune_delivered(later, 2) == 0);
    for (auto id : {"m-1", "m-2", "m-3", "m-4", "m-5"}) BOOST_TEST(!*j->contains(id));
}

BOOST_AUTO_TEST_CASE(the_pruner_removes_delivered_messages_and_keeps_the_rest) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    deliver_all(*j, {"done-1", "done-2", "done-3"});
    BOOST_REQUIRE(j->accept(make_accept("waiting", "", {"endpoint:b"})).ok());
    BOOST_REQUIRE(j->accept(make_accept("dead", "", {"endpoint:c"})).ok());
    auto dead = *j->take_ready("endpoint:c", soon(), 10);
    BOOST_REQUIRE_EQUAL(dead.size(), 1u);
    BOOST_REQUIRE(j->rejected(dead[0].id, make_problem("acl.denied", "not allowed"), soon()).ok());
    // Two deliveries, one done: the message stays for the other.
    BOOST_REQUIRE(j->accept(make_accept("half", "", {"endpoint:a", "endpoint:d"})).ok());
    auto half = *j->take_ready("endpoint:a", soon(), 10);
    BOOST_REQUIRE_EQUAL(half.size(), 1u);
    BOOST_REQUIRE(j->delivered(half[0].id).ok());
    std::this_thread::sleep_for(5ms);  // accepted_ms is in milliseconds: all of them before the first pass

    JournalPruner::Options o;
    o.keep = 0ms;
    o.chunk = 2;  // three delivered messages: two chunks in one pass
    JournalPruner pruner(*j, o);
    BOOST_TEST(eventually([&] { return pruner.removed() == 3; }));
    BOOST_TEST(eventually([&] { return pruner.passes() >= 1; }));  // the pass goes on to the paths
    for (auto id : {"done-1", "done-2", "done-3"}) BOOST_TEST(!*j->contains(id));
    BOOST_TEST(*j->contains("waiting"));
    BOOST_TEST(*j->contains("dead"));
    BOOST_TEST(*j->contains("half"));
    BOOST_TEST(j->take_ready("endpoint:b", soon(), 10)->size() == 1u);
    BOOST_TEST(j->dead_letter(dead[0].id)->has_value());
}

BOOST_AUTO_TEST_CASE(the_pruner_keeps_delivered_messages_for_keep_and_their_ids_deduplicate) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    deliver_all(*j, {"recent"});
    JournalPruner::Options o;
    o.keep = 1h;
    {
        JournalPruner pruner(*j, o);
        BOOST_TEST(eventually([&] { return pruner.passes() >= 1; }));
        BOOST_TEST(pruner.removed() == 0);
    }  // stops at once, an hour before its next pass
    BOOST_TEST(*j->contains("recent"));
    auto again = j->accept(make_accept("recent", "", {"endpoint:a"}));
    BOOST_REQUIRE(again.ok());
    BOOST_TEST((*again == AcceptOutcome::duplicate));
    BOOST_TEST(j->take_ready("endpoint:a", soon(), 10)->empty());
}

BOOST_AUTO_TEST_CASE(prune_paths_takes_one_kind_oldest_first_within_its_limit) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    for (auto c : {"CASE-1", "CASE-2", "CASE-3"}) {
        record_path(*j, c, "node:province-510000");
        std::this_thread::sleep_for(2ms);  // recorded_ms is in milliseconds: an order to keep
    }
    record_path(*j, "reply:q-1", "endpoint:sc.portal");
    const auto later = std::chrono::system_clock::now() + 1h;
    BOOST_TEST(*j->prune_paths(PathKind::case_path, later, 2) == 2);
    BOOST_TEST(!j->case_path("CASE-1")->has_value());
    BOOST_TEST(!j->case_path("CASE-2")->has_value());
    BOOST_TEST(j->case_path("CASE-3")->has_value());
    BOOST_TEST(j->case_path("reply:q-1")->has_value());  // another kind
    BOOST_TEST(*j->prune_paths(PathKind::reply_path, later) == 1);
    BOOST_TEST(!j->case_path("reply:q-1")->has_value());
    BOOST_TEST(j->case_path("CASE-3")->has_value());
    // Nothing recorded before an hour ago.
    BOOST_TEST(*j->prune_paths(PathKind::case_path, std::chrono::system_clock::now() - 1h) == 0);
    BOOST_TEST(j->case_path("CASE-3")->has_value());
}

BOOST_AUTO_TEST_CASE(the_pruner_removes_reply_paths_after_keep_and_case_paths_after_keep_case_paths) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    record_path(*j, "CASE-1", "node:province-510000");
    record_path(*j, "reply:q-1", "endpoint:sc.portal");
    record_path(*j, "reply:q-2", "endpoint:sc.portal");
    std::this_thread::sleep_for(5ms);
    {
        JournalPruner::Options o;
        o.keep = 0ms;
        o.keep_case_paths = 1h;
        o.chunk = 1;  // two reply paths: two chunks
        JournalPruner pruner(*j, o);
        BOOST_TEST(eventually([&] { return pruner.paths_removed() == 2; }));
        BOOST_TEST(!j->case_path("reply:q-1")->has_value());
        BOOST_TEST(!j->case_path("reply:q-2")->has_value());
        BOOST_TEST(j->case_path("CASE-1")->value() == "node:province-510000");
    }
    JournalPruner::Options o;
    o.keep = 1h;
    o.keep_case_paths = 0ms;
    JournalPruner pruner(*j, o);
    BOOST_TEST(pruner.every().count() == 1000);  // the shorter keep sets the pace
    BOOST_TEST(eventually([&] { return pruner.paths_removed() == 1; }));
    BOOST_TEST(!j->case_path("CASE-1")->has_value());
    auto s = j->stats();
    BOOST_TEST(s->case_paths_held == 0);
    BOOST_TEST(s->reply_paths_held == 0);
}

// A journal of schema version 3 (no age index on case_paths) keeps its paths
// through the migration that adds it, and they can then be pruned.
BOOST_AUTO_TEST_CASE(a_version_3_journal_keeps_its_paths_through_the_age_index_migration) {
    TempDir dir;
    const std::string path = dir.file("journal.db");
    {
        auto j = open_journal(path);
        record_path(*j, "CASE-1", "node:province-510000");
        record_path(*j, "reply:q-1", "endpoint:sc.portal");
    }
    auto index_count = [&] {
        sqlite3* raw = nullptr;
        BOOST_REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
        sqlite3_stmt* q = nullptr;
        sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_schema WHERE name = 'case_paths_age'", -1, &q, nullptr);
        BOOST_REQUIRE(sqlite3_step(q) == SQLITE_ROW);
        const int n = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        sqlite3_close(raw);
        return n;
    };
    {
        sqlite3* raw = nullptr;
        BOOST_REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
        BOOST_REQUIRE(sqlite3_exec(raw, kBackToVersion3, nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    BOOST_REQUIRE(index_count() == 0);
    auto j = open_journal(path);
    BOOST_TEST(index_count() == 1);
    BOOST_TEST(j->case_path("CASE-1")->value() == "node:province-510000");
    BOOST_TEST(j->case_path("reply:q-1")->value() == "endpoint:sc.portal");
    BOOST_TEST(*j->prune_paths(PathKind::reply_path, soon()) == 1);
    BOOST_TEST(*j->prune_paths(PathKind::case_path, soon()) == 1);
}

BOOST_AUTO_TEST_CASE(a_pass_runs_every_quarter_of_keep_within_a_second_and_an_hour) {
    BOOST_TEST(JournalPruner::interval(0ms).count() == 1000);
    BOOST_TEST(JournalPruner::interval(8s).count() == 2000);
    BOOST_TEST(JournalPruner::interval(std::chrono::hours(24 * 7)).count() == 3600 * 1000);
}

BOOST_AUTO_TEST_CASE(a_removed_body_is_overwritten_in_the_file) {
    TempDir dir;
    const std::string marker = "citizen-110101199003074514-marker";
    {
        auto j = open_journal(dir.file("journal.db"));
        Accept a = make_accept("personal", "", {"endpoint:a"});
        a.body = "<Envelope>" + marker + "</Envelope>";
        BOOST_REQUIRE(j->accept(a).ok());
        auto taken = *j->take_ready("endpoint:a", soon(), 10);
        BOOST_REQUIRE_EQUAL(taken.size(), 1u);
        BOOST_REQUIRE(j->delivered(taken[0].id).ok());
        BOOST_REQUIRE(*j->prune_delivered(std::chrono::system_clock::now() + 1h) == 1);
    }  // closing checkpoints the WAL into journal.db and removes it
    BOOST_REQUIRE(!std::filesystem::exists(dir.file("journal.db-wal")));
    std::ifstream in(dir.file("journal.db"), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_REQUIRE(!bytes.empty());
    BOOST_TEST(bytes.find(marker) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(pruning_beside_accepts_and_deliveries_loses_and_repeats_nothing) {
    TempDir dir;
    JournalOptions options = test_options();
    options.durability = Durability::process_crash;  // fsync-free commits: many of them, quickly
    auto j = open_journal(dir.file("journal.db"), options);
    JournalPruner::Options o;
    o.keep = 0ms;  // every message accepted before a pass is old enough
    JournalPruner pruner(*j, o);

    constexpr int kMessages = 2000;
    std::atomic<int> accepted{0};  // counted on the journal's writer thread, checked here
    std::thread producer([&] {
        for (int i = 0; i < kMessages; ++i) {
            j->submit(make_accept("m-" + std::to_string(i), "", {"endpoint:a"}), [&](const AcceptResult& r) {
                if (r.ok() && *r == AcceptOutcome::accepted) ++accepted;
            });
            // Spread over about 2.5 s, so that passes (one a second) run amid accepts and deliveries.
            if (i % 10 == 9) std::this_thread::sleep_for(12ms);
        }
    });
    std::map<std::string, int> received;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (received.size() < static_cast<std::size_t>(kMessages) && std::chrono::steady_clock::now() < deadline) {
        auto taken = j->take_ready("endpoint:a", soon(), 64);
        BOOST_REQUIRE(taken.ok());
        for (const auto& d : *taken) {
            ++received[d.message_id];
            BOOST_REQUIRE(j->delivered(d.id).ok());
        }
        // Behind the producer on purpose: every pass finds deliveries still pending.
        std::this_thread::sleep_for(30ms);
    }
    producer.join();
    BOOST_TEST(accepted == kMessages);
    BOOST_TEST(received.size() == static_cast<std::size_t>(kMessages));
    for (const auto& [id, times] : received) BOOST_TEST(times == 1, id << " handed out " << times << " times");
    // Everything delivered goes; what went is no longer held.
    BOOST_TEST(eventually([&] { return pruner.removed() == kMessages; }, 30s), "removed " << pruner.removed());
    BOOST_TEST(j->stats()->messages_held == 0);
}
