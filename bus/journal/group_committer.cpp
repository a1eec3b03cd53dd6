// The journal's writer thread and its group commit.
//
// Why no timer: the writer never waits for a batch to fill. While one commit
// is waiting for its fsync, new accepts queue up; the next loop takes them all.
// So an idle node commits each message alone at once, and a loaded one
// commits as many per fsync as arrived during the previous fsync. With a
// sync function the fsync runs on a second thread, so it is the batches
// written while the previous flush waited that one flush covers.
#include "bus/journal/group_committer.hpp"

#include "bus/core/thread_name.hpp"

#include <algorithm>

namespace govbus {

GroupCommitter::GroupCommitter(WriteBatch write, std::size_t max_batch, std::size_t max_batch_bytes, SyncWritten sync)
    : write_(std::move(write)),
      sync_(std::move(sync)),
      max_batch_(std::max<std::size_t>(max_batch, 1)),
      max_batch_bytes_(max_batch_bytes),
      sync_thread_(sync_ ? std::thread([this] { run_sync(); }) : std::thread()),
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
    if (on_own_thread()) return;
    if (thread_.joinable()) thread_.join();
    if (sync_thread_.joinable()) sync_thread_.join();
}

bool GroupCommitter::on_own_thread() const {
    const auto self = std::this_thread::get_id();
    return self == thread_.get_id() || (sync_thread_.joinable() && self == sync_thread_.get_id());
}

void GroupCommitter::call_back(Written& w) {
    for (std::size_t i = 0; i < w.batch.size(); ++i) w.batch[i].done(std::move(w.results[i]));
}

void GroupCommitter::count_batch(std::uint64_t size) {
    batches_.fetch_add(1);
    std::uint64_t seen = largest_batch_.load();
    while (size > seen && !largest_batch_.compare_exchange_weak(seen, size)) {
    }
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
        if (batch.empty()) break;  // stopping, and the queue is drained
        std::vector<AcceptResult> results = write_(batch);
        const std::uint64_t n = batch.size();
        Written w{std::move(batch), std::move(results)};
        if (!sync_) {
            count_batch(n);
            call_back(w);
            continue;
        }
        {
            std::lock_guard lock(written_mutex_);
            written_.push_back(std::move(w));
        }
        // Counted once handed over: a batch batches() counts is one the sync
        // thread's next flush covers.
        count_batch(n);
        written_wake_.notify_one();
    }
    {
        std::lock_guard lock(written_mutex_);
        writer_done_ = true;
    }
    written_wake_.notify_one();
}

void GroupCommitter::run_sync() {
    name_this_thread("journal-sync");
    for (;;) {
        std::deque<Written> ready;
        {
            std::unique_lock lock(written_mutex_);
            written_wake_.wait(lock, [this] { return writer_done_ || !written_.empty(); });
            if (written_.empty()) return;  // the writer has stopped and everything is called back
            ready.swap(written_);
        }
        // One flush for every batch written before it starts.
        if (!sync_failure_) {
            if (Status st = sync_(); !st) sync_failure_ = st.problem();
            syncs_.fetch_add(1);
        }
        for (auto& w : ready) {
            if (sync_failure_) {
                for (auto& r : w.results)
                    if (r.ok()) r = *sync_failure_;
            }
            call_back(w);
        }
    }
}

}  // namespace govbus
