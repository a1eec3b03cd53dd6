// Opening and closing the journal, the accept entry points and statistics.
#include "bus/journal/journal.hpp"

#include "bus/core/log.hpp"
#include "bus/journal/group_committer.hpp"
#include "bus/journal/journal_schema.hpp"

#include <future>
#include <stdexcept>

namespace govbus {

namespace {

Status configure(sqlite::Database& db, const JournalOptions& options) {
    db.exec("PRAGMA busy_timeout=" + std::to_string(options.busy_timeout.count()));
    // WAL: readers do not block the writer, and a commit appends to one file,
    // so durability costs one fsync of the WAL per commit.
    std::string mode = db.query_text("PRAGMA journal_mode=WAL");
    if (auto p = db.take_error()) return *p;
    if (mode != "wal") {
        return make_problem("journal.unwritable", "the journal database could not switch to WAL mode (it reports '" +
                                                      mode + "'); put the journal on a local file system");
    }
    // Keep the WAL from staying large after a burst once it is checkpointed.
    db.exec("PRAGMA journal_size_limit=67108864");
    // Bodies carry personal data: a removed one is overwritten, not left in
    // free pages (Debian builds SQLite with this on; other builds may not).
    db.exec("PRAGMA secure_delete=ON");
    if (auto p = db.take_error()) return *p;
    return ok_status();
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, JournalOptions options) {
    auto writer = sqlite::Database::open(path);
    if (!writer) return writer.problems();
    if (auto st = configure(**writer, options); !st) return st.problems();
    if (auto st = journal_schema::migrate(**writer); !st) return st.problems();

    auto reader = sqlite::Database::open(path);
    if (!reader) return reader.problems();
    (*reader)->exec("PRAGMA busy_timeout=" + std::to_string(options.busy_timeout.count()));
    (*reader)->exec("PRAGMA query_only=1");
    if (auto p = (*reader)->take_error()) return *p;

    // The highest segment a message still names: a new segment is numbered
    // past it even when that file is gone, so a row never reads another body.
    std::int64_t named = 0;
    {
        auto q = (*writer)->cached("SELECT coalesce(max(body_file), 0) FROM messages WHERE body_file > 0");
        if (q->step()) named = q->column_int(0);
    }
    if (auto p = (*writer)->take_error()) return *p;
    auto bodies = BodyStore::open(path + "-bodies", options.durability == Durability::power_loss,
                                  options.body_segment_bytes, named);
    if (!bodies) return bodies.problems();

    sqlite3* writer_handle = (*writer)->handle();
    std::unique_ptr<WalFlusher> flusher;
    if (options.durability == Durability::power_loss && options.flush_beside_writer)
        flusher = std::make_unique<WalFlusher>(path);
    auto journal = std::make_unique<Journal>(std::move(*writer), std::move(*reader), std::move(*bodies),
                                             std::move(flusher), options);
    if (options.checkpoint_in_background) {
        auto cp = WalCheckpointer::start(writer_handle, path);
        if (!cp) return cp.problems();
        journal->checkpointer_ = std::move(*cp);
    }
    if (options.recover_in_flight) {
        if (auto st = journal->reset_in_flight(); !st) return st.problems();
    }
    return journal;
}

Journal::Journal(std::unique_ptr<sqlite::Database> writer, std::unique_ptr<sqlite::Database> reader,
                 std::unique_ptr<BodyStore> bodies, std::unique_ptr<WalFlusher> flusher, JournalOptions options)
    : options_(options),
      backoff_(options.backoff),
      writer_(std::move(writer)),
      reader_(std::move(reader)),
      bodies_(std::move(bodies)),
      flusher_(std::move(flusher)),
      committer_(std::make_unique<GroupCommitter>(
          [this](std::vector<PendingAccept>& batch) { return write_batch(batch); }, options.max_batch,
          options.max_batch_bytes, flusher_ ? GroupCommitter::SyncWritten([this] { return flush_wal(); }) : nullptr)) {}

Status Journal::flush_wal() {
    auto st = flusher_->flush();
    if (!st)
        GOVBUS_LOG(error, "journal: " << st.problem().to_string() << "; no accept is acknowledged until a restart");
    return st;
}

Journal::~Journal() { committer_->stop(); }

Status Journal::reset_in_flight() {
    // An attempt that was under way when the process died may or may not have
    // reached the destination; it is tried again (at-least-once), and the
    // receiver's de-duplication drops the copy if it had arrived.
    std::lock_guard lock(write_mutex_);
    sqlite::Transaction tx(*writer_, sqlite::Sync::full);
    writer_->cached("UPDATE deliveries SET state = 0 WHERE state = 1")->run();
    return tx.commit();
}

void Journal::submit(Accept accept, AcceptCallback done) {
    committer_->submit(PendingAccept{std::move(accept), std::move(done)});
}

AcceptResult Journal::accept(Accept accept) {
    if (committer_->on_own_thread()) {
        throw std::logic_error("Journal::accept called from an AcceptCallback; use submit()");
    }
    std::promise<AcceptResult> result;
    auto future = result.get_future();
    submit(std::move(accept), [&result](AcceptResult r) { result.set_value(std::move(r)); });
    return future.get();
}

Result<bool> Journal::contains(const std::string& message_id) {
    std::lock_guard lock(read_mutex_);
    bool found = false;
    {
        auto q = reader_->cached("SELECT 1 FROM messages WHERE id = ?1");
        q->bind(1, message_id);
        found = q->step();
    }
    if (auto p = reader_->take_error()) return *p;
    return found;
}

Result<JournalStats> Journal::stats() {
    JournalStats s;
    {
        std::lock_guard lock(read_mutex_);
        auto q = reader_->cached(
            "SELECT d.destination, sum(d.state = 0), sum(d.state = 1), sum(d.state = 2), "
            "min(CASE WHEN d.state < 2 THEN m.accepted_ms END) "
            "FROM deliveries d JOIN messages m ON m.seq = d.message_seq "
            "GROUP BY d.destination ORDER BY d.destination");
        while (q->step()) {
            DestinationStats d{q->column_text(0), q->column_int(1), q->column_int(2), q->column_int(3), std::nullopt};
            if (!q->column_is_null(4)) d.oldest_waiting = from_unix_ms(q->column_int(4));
            s.destinations.push_back(std::move(d));
        }
        // count(*) reads the whole smallest index: fine for a status query,
        // not for anything on the message path.
        auto held = reader_->cached("SELECT count(*), min(accepted_ms) FROM messages");
        if (held->step()) {
            s.messages_held = held->column_int(0);
            if (!held->column_is_null(1)) s.oldest_held = from_unix_ms(held->column_int(1));
        }
        auto paths = reader_->cached("SELECT (case_number GLOB 'reply:*'), count(*) FROM case_paths GROUP BY 1");
        while (paths->step()) (paths->column_int(0) ? s.reply_paths_held : s.case_paths_held) = paths->column_int(1);
        if (auto p = reader_->take_error()) return *p;
    }
    auto segments = bodies_->usage();
    if (!segments) return segments.problems();
    s.body_segments = segments->segments;
    s.body_segment_bytes = segments->bytes;
    s.commits = committer_->batches();
    s.largest_batch = committer_->largest_batch();
    s.flushes = committer_->syncs();
    s.accepted = accepted_.load();
    s.duplicates = duplicates_.load();
    s.failed = failed_.load();
    return s;
}

}  // namespace govbus
