// The node's journal: SQLite store-and-forward in its own database file.
// A message is accepted only once it is durable; outboxes per destination,
// retries with backoff, dead letters, de-duplication and case paths live here.
#pragma once

#include "bus/core/wal_checkpointer.hpp"
#include "bus/journal/backoff.hpp"
#include "bus/journal/body_store.hpp"
#include "bus/journal/journal_types.hpp"
#include "bus/core/sqlite.hpp"
#include "bus/journal/wal_flusher.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace govbus {

class GroupCommitter;
struct PendingAccept;

// Durability. "Accepted" means the message survives the loss of the process
// at any instant (kill -9) and, by default, the loss of power or of the OS:
// the database runs in WAL mode and no sender is acked before the WAL that
// holds its message is fsynced. A sender deletes its copy when acked, so
// anything weaker could lose a message for good; group commit is what makes
// one fsync per batch affordable. The writer commits each batch with
// synchronous=NORMAL and a second thread fsyncs the WAL (WalFlusher) and then
// calls back, so the next batch is written while the disk flushes
// (JournalOptions::flush_beside_writer; off: synchronous=FULL, the fsync
// inside COMMIT).
// (Durability::process_crash, synchronous=NORMAL, still survives kill -9
// because the WAL is written before the ack, but not an OS crash.)
// Outbox bookkeeping (take_ready, delivered, failed, expire, prune) commits
// with synchronous=NORMAL: the next FULL commit makes it durable too, and
// losing it in a power cut only means a delivery is tried again, which
// at-least-once delivery with de-duplication at the receiver allows.
// Operator actions (replay, drop) and case paths commit with FULL.
//
// Threads. Every method is safe from any thread. Writes are serialised on one
// connection (a mutex, no SQLITE_BUSY between them); accepts are written by
// the journal's own writer thread and called back from its flush thread
// (GroupCommitter); reads use a second connection, which WAL
// lets read while a write commits. Two rules: accept() must not be called from
// an AcceptCallback (it would wait for the thread it runs on), and the
// Journal must not be destroyed from one.
//
// One process per journal file: a second govbusd must use its own file.
class Journal {
public:
    // Opens or creates the journal at `path` (its -wal and -shm files and its
    // -bodies directory of large bodies sit beside it), migrates the schema, and puts deliveries left in flight by a
    // crash back to pending.
    static Result<std::unique_ptr<Journal>> open(const std::string& path, JournalOptions options = {});

    // Use open().
    Journal(std::unique_ptr<sqlite::Database> writer, std::unique_ptr<sqlite::Database> reader,
            std::unique_ptr<BodyStore> bodies, std::unique_ptr<WalFlusher> flusher, JournalOptions options);
    // Commits everything already submitted (callbacks run), then closes.
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    // --- accept ---

    // Queues `accept` for the next group commit; `done` runs on the journal's
    // flush thread once the commit is on the disk (on the writer thread after
    // the commit without flush_beside_writer; at once with journal.closed
    // when closing).
    void submit(Accept accept, AcceptCallback done);
    // submit() and wait: for tools and tests.
    AcceptResult accept(Accept accept);
    // Has this message id been journaled (and not pruned)?
    Result<bool> contains(const std::string& message_id);

    // --- outboxes ---

    // From now on, a delivery the destination has room for, with nothing of
    // that destination due before it and no earlier delivery of its case to
    // it pending or in flight, goes straight to `hand_out` when its message
    // is accepted, in flight, instead of waiting for take_ready(). Empty
    // functions turn this off for the accepts written after this returns;
    // the callbacks of a batch already written may still call the old one,
    // which must stay callable until the journal is closed.
    void set_hand_out(HandOut hand_out);

    // Up to `limit` deliveries to `destination` that are due (next attempt <=
    // now), now in flight, highest priority first, then in accept order.
    // Per-case order: a delivery of case C waits while an earlier-accepted
    // delivery of C to the same destination is pending or in flight.
    // Pending deliveries of this destination past their expiry become dead letters first.
    Result<std::vector<Delivery>> take_ready(const std::string& destination, TimePoint now, std::size_t limit);
    // The attempt succeeded: the delivery is done (its row is removed).
    Status delivered(std::int64_t delivery_id);
    // Several attempts succeeded: one transaction for all. Unknown ids are
    // skipped; journal.unknown_delivery names them after the others are done.
    Status delivered(const std::vector<std::int64_t>& delivery_ids);
    // The attempt failed and may succeed later: retry after backoff, or dead
    // letter when max_attempts is reached or the message has expired.
    Result<RetryDecision> failed(std::int64_t delivery_id, const Problem& reason, TimePoint now);
    // The destination refused the message for good: dead letter now.
    Status rejected(std::int64_t delivery_id, const Problem& reason, TimePoint now);
    // Pending deliveries whose message expired by `now` become dead letters
    // (reason expired_reason()). Returns them, and those take_ready() found
    // expired since the last call, without their bodies: the node logs each.
    Result<std::vector<Delivery>> expire(TimePoint now);
    // Destinations with a delivery take_ready(now) would hand out.
    Result<std::vector<std::string>> destinations_with_work(TimePoint now);
    // When the node next has something to do: the earliest next attempt of a
    // delivery that is not waiting behind its case, or the earliest expiry of
    // a pending delivery. None when nothing is pending. On waking: expire(now),
    // then take_ready() for each of destinations_with_work(now).
    Result<std::optional<TimePoint>> next_due();
    // Whether the outbox may hold a pending delivery, one take_ready() could
    // hand out now or later. False only when the last look found none, this
    // journal has written nothing since that could have put one back (an
    // accept that did not hand every delivery out, a failed attempt, a
    // replay), and that look is younger than `recheck`: other processes
    // (govbus dlq replay) write beside the node. The first call looks.
    // Spares the dispatcher the outbox queries while every delivery leaves
    // at its accept.
    Result<bool> may_have_pending(std::chrono::milliseconds recheck);

    // --- dead letters (ids are delivery ids) ---

    Result<std::vector<DeadLetter>> list_dead_letters(std::size_t limit = 1000);
    Result<std::optional<DeadLetter>> dead_letter(std::int64_t id);
    // Back to the outbox, due at `now`, attempts reset. journal.expired when
    // the message has expired by `now`; journal.not_dead_letter when unknown.
    // `by` says who replayed it ("user alice with govbus dlq replay"): the
    // delivery's next take_ready() hands it out with Delivery::replayed set,
    // so the node can log the replay.
    Status replay(std::int64_t id, TimePoint now, const std::string& by = "");
    // Removes the dead letter; its message is kept until pruned. `by` says who
    // (as for replay): take_dropped() hands it to the node to log.
    Status drop(std::int64_t id, const std::string& by = "");
    // The dead letters dropped since the last call, oldest first, each once.
    Result<std::vector<DroppedDelivery>> take_dropped();

    // --- retention ---

    // Removes messages accepted before `older_than` that have no delivery left
    // (all delivered or dropped), oldest first and at most `limit` of them
    // (0: all); how many. Their ids are then forgotten by de-duplication, so
    // keep them longer than any sender retries. JournalPruner calls it.
    Result<std::int64_t> prune_delivered(TimePoint older_than, std::int64_t limit = 0);

    // Removes paths (Accept::path_key) recorded before `older_than`, oldest
    // first and at most `limit` (0: all); how many. `kind` picks case paths
    // (keys that are case numbers) or reply paths ("reply:" keys), which are
    // kept for different times. JournalPruner calls it.
    Result<std::int64_t> prune_paths(PathKind kind, TimePoint older_than, std::int64_t limit = 0);

    // --- case paths (return-up) ---

    // Where `key` (a case number, or "reply:" and a query's id) came from, as
    // its accept recorded it (Accept::path_key).
    Result<std::optional<std::string>> case_path(const std::string& key);

    // --- monitoring ---

    // Per destination what waits and what is dead, and how many messages the
    // journal holds, and the size of its body segments. Reads every message
    // row and lists the segments: for operators, not the message path.
    Result<JournalStats> stats();

private:
    std::vector<AcceptResult> write_batch(std::vector<PendingAccept>& batch);
    // The flusher's flush, on the group committer's second thread.
    Status flush_wal();
    struct HandOutPlan;
    bool write_accepts(const std::vector<PendingAccept>& batch, std::int64_t now, bool savepoints,
                       std::vector<std::optional<AcceptResult>>& out, HandOutPlan& plan);
    bool may_hand_out(HandOutPlan& plan, const std::string& destination, const std::string& case_number,
                      std::int64_t expires_ms, std::int64_t now);
    // Dead-letters the expired pending deliveries (of `destination` only, when
    // given) and appends them, without bodies, to `expired`.
    void expire_pending(const std::string* destination, TimePoint now, std::vector<Delivery>& expired);
    void dead_letter_row(std::int64_t id, int attempts, const std::string& cause, const Problem& reason,
                         TimePoint now);
    Status reset_in_flight();
    // Where the accept's body goes: a segment (file > 0) or the row (file 0).
    Result<BodyRef> place_body(const Accept& a);
    // The closed segments no message refers to any more. With `empty_sparse`,
    // also those emptied now: a closed segment whose messages were all
    // accepted before `older_than` (the rest were pruned) and whose bodies
    // take at most 1/kSparseSegmentShare of the file has the bodies moved into
    // their rows, so a few messages kept long (dead letters, an outbox
    // waiting for days) do not keep a whole segment. Under write_mutex_.
    Result<std::vector<std::int64_t>> segments_to_remove(TimePoint older_than, bool empty_sparse);
    // The moving, when `file` (of `size` bytes) qualifies; false when it does not.
    Result<bool> empty_sparse_segment(std::int64_t file, std::int64_t size, TimePoint older_than);
    static constexpr std::int64_t kSparseSegmentShare = 8;

    JournalOptions options_;
    BackoffPolicy backoff_;
    std::mutex write_mutex_;
    std::unique_ptr<sqlite::Database> writer_;
    std::shared_ptr<const HandOut> hand_out_;  // under write_mutex_; null: none
    std::vector<Delivery> expired_by_take_;    // under write_mutex_; returned by the next expire()
    std::mutex read_mutex_;
    std::unique_ptr<sqlite::Database> reader_;
    std::atomic<std::uint64_t> accepted_{0};
    std::atomic<std::uint64_t> duplicates_{0};
    std::atomic<std::uint64_t> failed_{0};
    // may_have_pending(): bumped after each commit that may have left a
    // pending delivery; the count at the last look that found none, and
    // when. Unequal at first, so the first call looks.
    std::atomic<std::uint64_t> pending_writes_{1};
    std::uint64_t none_pending_at_ = 0;                        // under read_mutex_
    std::chrono::steady_clock::time_point none_pending_seen_;  // under read_mutex_
    std::unique_ptr<BodyStore> bodies_;              // appends under write_mutex_
    std::unique_ptr<WalCheckpointer> checkpointer_;  // null for a journal opened without one
    std::unique_ptr<WalFlusher> flusher_;            // null: accept commits flush themselves
    std::unique_ptr<GroupCommitter> committer_;  // last: its thread uses the members above
};

}  // namespace govbus
