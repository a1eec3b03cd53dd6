// The journal's writer thread and its group commit.
//
// Why no timer: the writer never waits for a batch to fill. While one commit
// is waiting for its fsync, new accepts queue up; the next loop takes them all.
// So an idle node commits each message alone at once, and a loaded one
// commits as many per fsync as arrived during the previous fsync.
#include "bus/journal/group_committer.hpp"

#include "bus/core/thread_name.hpp"

#include <algorithm>

namespace govbus {

GroupCommitter::GroupCommitter(WriteBatch write, std::size_t max_batch, std::size_t max_batch_bytes)
    : write_(std::move(write)),
      max_batch_(std::max<std::size_t>(max_batch, 1)),
      max_batch_bytes_(max_batch_bytes),
      thread_([this] { run(); }) {}

GroupCommitter::~GroupCommitter() { stop(); }

void GroupCommitter::submit(PendingAccept request) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back(std::move(request));
            wake_.notify_one();
            return;
        }
    }
    request.done(make_problem("journal.closed", "the journal is closing and accepts no more messages; retry later"));
}

void GroupCommitter::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable() && !on_writer_thread()) thread_.join();
}

std::vector<PendingAccept> GroupCommitter::take_batch(std::unique_lock<std::mutex>& lock) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    std::vector<PendingAccept> batch;
    std::size_t bytes = 0;
    while (!queue_.empty() && batch.size() < max_batch_) {
        std::size_t size = queue_.front().accept.body.size();
        if (!batch.empty() && bytes + size > max_batch_bytes_) break;
        bytes += size;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    return batch;
}

void GroupCommitter::run() {
    name_this_thread("journal-commit");
    for (;;) {
        std::vector<PendingAccept> batch;
        {
            std::unique_lock lock(mutex_);
            batch = take_batch(lock);
        }
        if (batch.empty()) return;  // stopping, and the queue is drained
        std::vector<AcceptResult> results = write_(batch);
        batches_.fetch_add(1);
        std::uint64_t n = batch.size();
        std::uint64_t seen = largest_batch_.load();
        while (n > seen && !largest_batch_.compare_exchange_weak(seen, n)) {
        }
        for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
    }
}

}  // namespace govbus
