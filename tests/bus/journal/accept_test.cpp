#define BOOST_TEST_MODULE journal_accept
#include <boost/test/unit_test.hpp>

#include "tests/bus/journal/journal_fixture.hpp"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>

using namespace govbus;
using namespace govbus::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(accepts_a_message_and_puts_one_delivery_per_destination_in_the_outboxes) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    auto r = j->accept(make_accept("m-1", "", {"endpoint:cd.market", "node:city-510100"}));
    BOOST_REQUIRE(r.ok());
    BOOST_TEST((*r == AcceptOutcome::accepted));
    BOOST_TEST(*j->contains("m-1"));
    BOOST_TEST(!*j->contains("m-2"));

    auto now = std::chrono::system_clock::now() + 1s;
    auto a = j->take_ready("endpoint:cd.market", now, 10);
    auto b = j->take_ready("node:city-510100", now, 10);
    BOOST_REQUIRE(a.ok() && b.ok());
    BOOST_REQUIRE_EQUAL(a->size(), 1u);
    BOOST_REQUIRE_EQUAL(b->size(), 1u);
    BOOST_TEST((*a)[0].message_id == "m-1");
    BOOST_TEST((*a)[0].body == "<Envelope id=\"m-1\"/>");
    BOOST_TEST((*a)[0].attempt == 1);
    BOOST_TEST((*a)[0].id != (*b)[0].id);
}

BOOST_AUTO_TEST_CASE(acks_a_resubmitted_message_id_as_duplicate_without_routing_it_again) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    BOOST_TEST((*j->accept(make_accept("m-1", "", {"endpoint:a"})) == AcceptOutcome::accepted));
    // The sender's retry after a lost ack, possibly routed differently now.
    auto again = j->accept(make_accept("m-1", "", {"endpoint:a", "endpoint:b"}));
    BOOST_REQUIRE(again.ok());
    BOOST_TEST((*again == AcceptOutcome::duplicate));

    auto now = std::chrono::system_clock::now() + 1s;
    BOOST_TEST(j->take_ready("endpoint:a", now, 10)->size() == 1u);
    BOOST_TEST(j->take_ready("endpoint:b", now, 10)->empty());
    auto s = j->stats();
    BOOST_TEST(s->accepted == 1u);
    BOOST_TEST(s->duplicates == 1u);
}

BOOST_AUTO_TEST_CASE(remembers_a_duplicate_across_a_restart) {
    TempDir dir;
    {
        auto j = open_journal(dir.file("journal.db"));
        BOOST_TEST((*j->accept(make_accept("m-1", "", {"endpoint:a"})) == AcceptOutcome::accepted));
    }
    auto j = open_journal(dir.file("journal.db"));
    BOOST_TEST((*j->accept(make_accept("m-1", "", {"endpoint:a"})) == AcceptOutcome::duplicate));
}

BOOST_AUTO_TEST_CASE(flushes_the_wal_beside_the_writer_before_answering_and_not_when_told_not_to) {
    TempDir dir;
    for (bool beside : {true, false}) {
        auto options = test_options();
        options.flush_beside_writer = beside;
        auto j = open_journal(dir.file(beside ? "beside.db" : "inside.db"), options);
        std::atomic<std::uint64_t> flushes_seen{0};
        std::promise<void> answered;
        j->submit(make_accept("m-1", "", {"endpoint:a"}), [&](AcceptResult r) {
            BOOST_CHECK(r.ok());
            answered.set_value();
        });
        BOOST_REQUIRE(answered.get_future().wait_for(10s) == std::future_status::ready);
        auto s = j->stats();
        BOOST_REQUIRE(s.ok());
        BOOST_TEST(s->commits == 1u);
        BOOST_TEST(s->flushes == (beside ? 1u : 0u));
        // The commit is there for another connection.
        BOOST_TEST(*j->contains("m-1"));
    }
}

BOOST_AUTO_TEST_CASE(a_wal_that_cannot_be_flushed_is_named_in_the_problem) {
    TempDir dir;
    WalFlusher missing(dir.file("nothing-here.db"));
    auto st = missing.flush();
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST(st.problem().code == "journal.storage");
    BOOST_TEST(st.problem().message.find(dir.file("nothing-here.db-wal")) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(group_commits_concurrent_submits_many_per_transaction) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    constexpr int kThreads = 5;
    constexpr int kPerThread = 100;
    std::mutex m;
    std::condition_variable all_done;
    int answered = 0;
    std::set<std::string> accepted;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                std::string id = "m-" + std::to_string(t) + "-" + std::to_string(i);
                j->submit(make_accept(id, "", {"endpoint:a"}), [&, id](AcceptResult r) {
                    std::lock_guard lock(m);
                    if (r.ok() && *r == AcceptOutcome::accepted) accepted.insert(id);
                    if (++answered == kThreads * kPerThread) all_done.notify_one();
                });
            }
        });
    }
    for (auto& t : threads) t.join();
    {
        std::unique_lock lock(m);
        BOOST_REQUIRE(all_done.wait_for(lock, 60s, [&] { return answered == kThreads * kPerThread; }));
    }
    BOOST_TEST(accepted.size() == std::size_t{kThreads * kPerThread});
    auto s = j->stats();
    BOOST_REQUIRE(s.ok());
    BOOST_TEST(s->accepted == std::uint64_t{kThreads * kPerThread});
    BOOST_TEST_MESSAGE("500 accepts in " << s->commits << " commits, largest batch " << s->largest_batch);
    BOOST_TEST(s->commits < 500u);
    BOOST_TEST(s->largest_batch > 1u);
    BOOST_TEST(j->take_ready("endpoint:a", std::chrono::system_clock::now() + 1s, 1000)->size() == 500u);
}

BOOST_AUTO_TEST_CASE(an_accept_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_kept) {
    TempDir dir;
    const std::string path = dir.file("journal.db");
    open_journal(path);  // creates the schema
    {
        // A trigger stands in for whatever makes SQLite refuse one row (a full
        // disk refuses them all; this refuses one destination).
        sqlite3* db = nullptr;
        BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        BOOST_REQUIRE(sqlite3_exec(db,
                                   "CREATE TRIGGER refuse_broken BEFORE INSERT ON deliveries "
                                   "WHEN NEW.destination = 'endpoint:broken' "
                                   "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;",
                                   nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    auto j = open_journal(path);
    constexpr int kThreads = 4, kPerThread = 60;
    std::mutex m;
    std::condition_variable all_done;
    int answered = 0;
    std::set<std::string> accepted, refused;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                std::string id = "m-" + std::to_string(t) + "-" + std::to_string(i);
                std::string dest = i % 10 == 5 ? "endpoint:broken" : "endpoint:a";
                j->submit(make_accept(id, "C-" + id, {dest}), [&, id](AcceptResult r) {
                    std::lock_guard lock(m);
                    if (r.ok() && *r == AcceptOutcome::accepted) accepted.insert(id);
                    if (!r.ok() && r.problem().message.find("refused for the test") != std::string::npos)
                        refused.insert(id);
                    if (++answered == kThreads * kPerThread) all_done.notify_one();
                });
            }
        });
    }
    for (auto& t : threads) t.join();
    {
        std::unique_lock lock(m);
        BOOST_REQUIRE(all_done.wait_for(lock, 60s, [&] { return answered == kThreads * kPerThread; }));
    }
    BOOST_TEST(refused.size() == std::size_t{kThreads * kPerThread / 10});
    BOOST_TEST(accepted.size() == std::size_t{kThreads * kPerThread * 9 / 10});
    for (const auto& id : refused) BOOST_TEST(!*j->contains(id), id << " was refused but kept");
    BOOST_TEST(j->take_ready("endpoint:a", std::chrono::system_clock::now() + 1s, 1000)->size() == accepted.size());
    auto s = j->stats();
    BOOST_REQUIRE(s.ok());
    BOOST_TEST_MESSAGE(kThreads * kPerThread << " accepts in " << s->commits << " commits, largest batch "
                                             << s->largest_batch);
    BOOST_TEST(s->largest_batch > 1u);
}

BOOST_AUTO_TEST_CASE(commits_a_lone_accept_at_once_in_its_own_transaction) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    auto started = std::chrono::steady_clock::now();
    BOOST_TEST(j->accept(make_accept("m-1", "", {"endpoint:a"})).ok());
    BOOST_TEST(j->accept(make_accept("m-2", "", {"endpoint:a"})).ok());
    // No timer waits for company: two idle accepts are two commits, and quick.
    BOOST_TEST((std::chrono::steady_clock::now() - started < 2s));
    BOOST_TEST(j->stats()->commits == 2u);
    BOOST_TEST(j->stats()->largest_batch == 1u);
}

BOOST_AUTO_TEST_CASE(refuses_an_accept_without_message_id_or_with_an_empty_destination) {
    TempDir dir;
    auto j = open_journal(dir.file("journal.db"));
    auto r = j->accept(make_accept("", "", {"endpoint:a"}));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.problem().code == "journal.invalid");
    auto r2 = j->accept(make_accept("m-1", "", {"endpoint:a", ""}));
    BOOST_REQUIRE(!r2.ok());
    BOOST_TEST(r2.problem().code == "journal.invalid");
    BOOST_TEST(!*j->contains("m-1"));
    BOOST_TEST(j->stats()->failed == 2u);
}

BOOST_AUTO_TEST_CASE(keeps_the_first_path_an_accept_records) {
    TempDir dir;
    {
        auto j = open_journal(dir.file("journal.db"));
        auto a = make_accept("m-1", "CASE-1", {"endpoint:cd.market"});
        a.path_key = "CASE-1";
        a.path_origin = "node:province-510000";
        BOOST_TEST(j->accept(a).ok());
        // Later messages of the case do not move the path.
        auto b = make_accept("m-2", "CASE-1", {"endpoint:cd.market"});
        b.path_key = "CASE-1";
        b.path_origin = "node:elsewhere";
        BOOST_TEST(j->accept(b).ok());
        // A query's reply path, recorded by its accept; a duplicate records nothing.
        auto q = make_accept("q-1", "", {"node:national"});
        q.path_key = "reply:q-1";
        q.path_origin = "endpoint:sc.portal";
        BOOST_TEST(j->accept(q).ok());
        q.path_key = "reply:q-1-again";
        BOOST_TEST((*j->accept(q) == AcceptOutcome::duplicate));
        BOOST_TEST(!j->case_path("CASE-3")->has_value());
        auto s = j->stats();
        BOOST_TEST(s->case_paths_held == 1);
        BOOST_TEST(s->reply_paths_held == 1);
    }
    auto j = open_journal(dir.file("journal.db"));
    BOOST_TEST(j->case_path("CASE-1")->value() == "node:province-510000");
    BOOST_TEST(j->case_path("reply:q-1")->value() == "endpoint:sc.portal");
    BOOST_TEST(!j->case_path("reply:q-1-again")->has_value());
}

BOOST_AUTO_TEST_CASE(refuses_to_open_a_journal_written_by_a_newer_schema) {
    TempDir dir;
    std::string path = dir.file("journal.db");
    { open_journal(path); }
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(raw, "PRAGMA user_version=99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    auto j = Journal::open(path, test_options());
    BOOST_REQUIRE(!j.ok());
    BOOST_TEST(j.problem().code == "journal.schema_newer");
}

BOOST_AUTO_TEST_CASE(opens_its_file_in_wal_mode) {
    TempDir dir;
    std::string path = dir.file("journal.db");
    auto j = open_journal(path);
    BOOST_TEST(j->accept(make_accept("m-1", "", {"endpoint:a"})).ok());
    BOOST_TEST(std::filesystem::exists(path + "-wal"));
}
