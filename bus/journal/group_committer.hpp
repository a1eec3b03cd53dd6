// The journal's writer thread: takes every accept queued since its last
// commit and hands them to one transaction (group commit), then calls back.
#pragma once

#include "bus/journal/journal_types.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
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

    GroupCommitter(WriteBatch write, std::size_t max_batch, std::size_t max_batch_bytes);
    // Commits what is still queued, then stops.
    ~GroupCommitter();
    GroupCommitter(const GroupCommitter&) = delete;
    GroupCommitter& operator=(const GroupCommitter&) = delete;

    // Queues a request; any thread. After stop() the callback gets
    // journal.closed at once, on the calling thread.
    void submit(PendingAccept request);
    // Commits what is queued, then joins the writer thread. Idempotent.
    void stop();

    bool on_writer_thread() const { return std::this_thread::get_id() == thread_.get_id(); }
    std::uint64_t batches() const { return batches_.load(); }
    std::uint64_t largest_batch() const { return largest_batch_.load(); }

private:
    void run();
    std::vector<PendingAccept> take_batch(std::unique_lock<std::mutex>& lock);

    WriteBatch write_;
    const std::size_t max_batch_;
    const std::size_t max_batch_bytes_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<PendingAccept> queue_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> batches_{0};
    std::atomic<std::uint64_t> largest_batch_{0};
    std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace govbus
