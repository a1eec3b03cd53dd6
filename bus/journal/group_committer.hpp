// The journal's writer thread: takes every accept queued since its last
// commit and hands them to one transaction (group commit), then calls back.
//
// With a sync function the callbacks wait for it instead of the commit
// itself: the writer commits without flushing to the disk and goes on to
// the next batch at once, while a second thread flushes (one flush for
// every batch committed since the last one began) and then calls back.
// Writing the next batch and waiting for the disk overlap.
#pragma once

#include "bus/journal/journal_types.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace govbus {

struct PendingAccept {
    Accept accept;
    AcceptCallback done;
};

class GroupCommitter {
public:
    // Writes one batch in one transaction; returns one result per request, in order.
    using WriteBatch = std::function<std::vector<AcceptResult>(std::vector<PendingAccept>&)>;
    // Makes every batch written so far durable.
    using SyncWritten = std::function<Status()>;

    // Without `sync`, a batch's callbacks run as soon as write() returns.
    GroupCommitter(WriteBatch write, std::size_t max_batch, std::size_t max_batch_bytes, SyncWritten sync = {});
    // Commits what is still queued, then stops.
    ~GroupCommitter();
    GroupCommitter(const GroupCommitter&) = delete;
    GroupCommitter& operator=(const GroupCommitter&) = delete;

    // Queues a request; any thread. After stop() the callback gets
    // journal.closed at once, on the calling thread.
    void submit(PendingAccept request);
    // Commits what is queued, then joins the threads. Idempotent.
    void stop();

    // Is this the thread that writes the batches, or the one that calls back?
    bool on_own_thread() const;
    // Batches written, and with a SyncWritten handed to the thread that flushes them.
    std::uint64_t batches() const { return batches_.load(); }
    std::uint64_t largest_batch() const { return largest_batch_.load(); }
    std::uint64_t syncs() const { return syncs_.load(); }

private:
    // A batch written and waiting for its flush.
    struct Written {
        std::vector<PendingAccept> batch;
        std::vector<AcceptResult> results;
    };

    void run();
    void run_sync();
    std::vector<PendingAccept> take_batch(std::unique_lock<std::mutex>& lock);
    static void call_back(Written& w);
    void count_batch(std::uint64_t size);  // batches() and largest_batch()

    WriteBatch write_;
    SyncWritten sync_;
    const std::size_t max_batch_;
    const std::size_t max_batch_bytes_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<PendingAccept> queue_;
    bool stopping_ = false;
    std::mutex written_mutex_;
    std::condition_variable written_wake_;
    std::deque<Written> written_;
    bool writer_done_ = false;
    std::optional<Problem> sync_failure_;  // the disk refused a flush: nothing is acknowledged any more
    std::atomic<std::uint64_t> batches_{0};
    std::atomic<std::uint64_t> largest_batch_{0};
    std::atomic<std::uint64_t> syncs_{0};
    std::thread sync_thread_;  // these last: they start once everything above is ready
    std::thread thread_;
};

}  // namespace govbus
