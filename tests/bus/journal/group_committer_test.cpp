#define BOOST_TEST_MODULE journal_group_committer
#include <boost/test/unit_test.hpp>

#include "bus/journal/group_committer.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

using namespace govbus;
using namespace std::chrono_literals;

namespace {

// A WriteBatch that records batch sizes and can hold the writer inside a
// "commit" until released, as a slow fsync would.
struct FakeStore {
    std::mutex m;
    std::condition_variable changed;
    std::vector<std::size_t> batches;
    bool hold = false;
    bool holding = false;
    int answered = 0;

    std::vector<AcceptResult> write(std::vector<PendingAccept>& batch) {
        std::unique_lock lock(m);
        batches.push_back(batch.size());
        holding = true;
        changed.notify_all();
        changed.wait(lock, [&] { return !hold; });
        holding = false;
        return std::vector<AcceptResult>(batch.size(), AcceptResult(AcceptOutcome::accepted));
    }
    AcceptCallback count() {
        return [this](AcceptResult) {
            std::lock_guard lock(m);
            ++answered;
            changed.notify_all();
        };
    }
    bool wait_for(const std::function<bool()>& condition) {
        std::unique_lock lock(m);
        return changed.wait_for(lock, 10s, condition);
    }
};

PendingAccept request(FakeStore& store, std::size_t body = 10) {
    PendingAccept p;
    p.accept.message_id = "m";
    p.accept.body.assign(body, 'x');
    p.done = store.count();
    return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(takes_everything_queued_during_a_commit_into_the_next_one_up_to_the_cap) {
    FakeStore store;
    GroupCommitter committer([&](std::vector<PendingAccept>& b) { return store.write(b); }, 8, 1 << 20);
    {
        std::lock_guard lock(store.m);
        store.hold = true;
    }
    committer.submit(request(store));  // committed alone: nothing else was waiting
    BOOST_REQUIRE(store.wait_for([&] { return store.holding; }));
    for (int i = 0; i < 11; ++i) committer.submit(request(store));  // arrive during the "fsync"
    {
        std::lock_guard lock(store.m);
        store.hold = false;
        store.changed.notify_all();
    }
    BOOST_REQUIRE(store.wait_for([&] { return store.answered == 12; }));
    BOOST_TEST((store.batches == std::vector<std::size_t>{1, 8, 3}));
    BOOST_TEST(committer.batches() == 3u);
    BOOST_TEST(committer.largest_batch() == 8u);
}

BOOST_AUTO_TEST_CASE(caps_a_batch_by_body_bytes_but_always_takes_one) {
    FakeStore store;
    GroupCommitter committer([&](std::vector<PendingAccept>& b) { return store.write(b); }, 100, 1000);
    {
        std::lock_guard lock(store.m);
        store.hold = true;
    }
    committer.submit(request(store));
    BOOST_REQUIRE(store.wait_for([&] { return store.holding; }));
    committer.submit(request(store, 5000));  // larger than the cap on its own
    committer.submit(request(store, 600));
    committer.submit(request(store, 300));
    {
        std::lock_guard lock(store.m);
        store.hold = false;
        store.changed.notify_all();
    }
    BOOST_REQUIRE(store.wait_for([&] { return store.answered == 4; }));
    BOOST_TEST((store.batches == std::vector<std::size_t>{1, 1, 2}));
}

BOOST_AUTO_TEST_CASE(commits_what_was_queued_before_stop_and_refuses_what_comes_after) {
    FakeStore store;
    GroupCommitter committer([&](std::vector<PendingAccept>& b) { return store.write(b); }, 8, 1 << 20);
    for (int i = 0; i < 5; ++i) committer.submit(request(store));
    committer.stop();
    BOOST_TEST(store.answered == 5);
    std::optional<AcceptResult> late;
    PendingAccept p;
    p.accept.message_id = "late";
    p.done = [&](AcceptResult r) { late = std::move(r); };
    committer.submit(std::move(p));
    BOOST_REQUIRE(late.has_value());
    BOOST_REQUIRE(!late->ok());
    BOOST_TEST(late->problem().code == "journal.closed");
}

namespace {

// A SyncWritten that can be held, as a slow fsync would, and that records
// how many batches had been written when each flush began.
struct FakeFlush {
    explicit FakeFlush(FakeStore& s) : store(s) {}
    FakeStore& store;
    bool hold = false;
    bool holding = false;
    std::optional<Problem> fail;
    std::vector<std::size_t> batches_before;  // store.batches.size() as each flush began

    Status flush() {
        std::unique_lock lock(store.m);
        batches_before.push_back(store.batches.size());
        holding = true;
        store.changed.notify_all();
        store.changed.wait(lock, [&] { return !hold; });
        holding = false;
        if (fail) return *fail;
        return ok_status();
    }
    void set_hold(bool on) {
        std::lock_guard lock(store.m);
        hold = on;
        store.changed.notify_all();
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(with_a_flush_the_next_batch_is_written_while_the_last_one_waits_for_the_disk) {
    FakeStore store;
    FakeFlush flush(store);
    GroupCommitter committer([&](std::vector<PendingAccept>& b) { return store.write(b); }, 8, 1 << 20,
                             [&] { return flush.flush(); });
    flush.set_hold(true);
    committer.submit(request(store));
    BOOST_REQUIRE(store.wait_for([&] { return flush.holding; }));  // batch 1 written, its flush under way
    BOOST_TEST(store.answered == 0);                               // nobody answered before the disk has it
    for (int i = 0; i < 3; ++i) committer.submit(request(store));
    // Written while the first flush still waits: the writer may take the
    // three in one batch or in several, depending on when it wakes.
    const auto written = [&] {
        std::size_t n = 0;
        for (auto b : store.batches) n += b;
        return n;
    };
    BOOST_REQUIRE(store.wait_for([&] { return written() == 4; }));
    const std::size_t batches = store.batches.size();
    BOOST_TEST(batches >= 2u);
    // ... and handed on to the flushing thread, which is still in the first flush.
    for (int i = 0; i < 1000 && committer.batches() < batches; ++i) std::this_thread::sleep_for(10ms);
    BOOST_REQUIRE(committer.batches() == batches);
    BOOST_TEST(store.answered == 0);
    flush.set_hold(false);
    BOOST_REQUIRE(store.wait_for([&] { return store.answered == 4; }));
    // The second flush began after every later batch was written: one flush covers them all.
    BOOST_TEST((flush.batches_before == std::vector<std::size_t>{1, batches}));
    BOOST_TEST(committer.syncs() == 2u);
}

BOOST_AUTO_TEST_CASE(a_failed_flush_answers_its_batch_and_every_later_one_with_the_problem) {
    FakeStore store;
    FakeFlush flush(store);
    flush.fail = make_problem("journal.storage", "cannot sync the journal's WAL x-wal: Input/output error");
    GroupCommitter committer([&](std::vector<PendingAccept>& b) { return store.write(b); }, 8, 1 << 20,
                             [&] { return flush.flush(); });
    std::vector<AcceptResult> results;
    const auto collect = [&](AcceptResult r) {
        std::lock_guard lock(store.m);
        results.push_back(std::move(r));
        store.changed.notify_all();
    };
    committer.submit(PendingAccept{Accept{}, collect});
    BOOST_REQUIRE(store.wait_for([&] { return results.size() == 1; }));
    committer.submit(PendingAccept{Accept{}, collect});  // written, but the disk is not trusted any more
    BOOST_REQUIRE(store.wait_for([&] { return results.size() == 2; }));
    for (const auto& r : results) {
        BOOST_REQUIRE(!r.ok());
        BOOST_TEST(r.problem().code == "journal.storage");
    }
    BOOST_TEST(flush.batches_before.size() == 1u);  // no second flush after a failed one
    BOOST_TEST(store.batches.size() == 2u);
}
