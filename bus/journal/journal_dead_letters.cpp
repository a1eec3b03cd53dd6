// Dead letters (list, show, replay, drop) and retention of delivered messages and paths.
#include "bus/journal/journal.hpp"

#include "bus/core/log.hpp"

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <system_error>

namespace govbus {

namespace {

#define GOVBUS_DEAD_LETTER_COLUMNS                                                                    \
    "SELECT d.id, d.destination, m.id, m.case_number, m.type, m.source, d.dead_cause, d.reason_code, " \
    "d.reason_text, d.attempts, m.accepted_ms, d.last_attempt_ms, d.dead_ms, m.expires_ms "            \
    "FROM deliveries d JOIN messages m ON m.seq = d.message_seq "

// Runs one DELETE with `values` bound to ?1, ?2, ... in a transaction of its
// own; how many rows went. Not fsynced: a prune lost to a power cut is done
// again by the next one.
Result<std::int64_t> delete_in_one_transaction(sqlite::Database& db, const char* sql,
                                               std::initializer_list<std::int64_t> values) {
    sqlite::Transaction tx(db, sqlite::Sync::normal);
    std::int64_t n = 0;
    {
        auto q = db.cached(sql);
        int i = 1;
        for (auto v : values) q->bind(i++, v);
        n = q->run();
    }
    if (auto st = tx.commit(); !st) return st.problems();
    return n;
}

// LIMIT -1 is SQLite's "no limit".
std::int64_t no_limit_when_zero(std::int64_t limit) { return limit > 0 ? limit : -1; }

DeadLetter read_dead_letter(sqlite::Statement& q) {
    auto optional_time = [](std::int64_t ms) {
        return ms == 0 ? std::nullopt : std::optional<TimePoint>(from_unix_ms(ms));
    };
    DeadLetter d;
    d.id = q.column_int(0);
    d.destination = q.column_text(1);
    d.message_id = q.column_text(2);
    d.case_number = q.column_text(3);
    d.type = q.column_text(4);
    d.source = q.column_text(5);
    d.cause = q.column_text(6);
    d.reason_code = q.column_text(7);
    d.reason_text = q.column_text(8);
    d.attempts = static_cast<int>(q.column_int(9));
    d.accepted = from_unix_ms(q.column_int(10));
    d.last_attempt = optional_time(q.column_int(11));
    d.dead_since = from_unix_ms(q.column_int(12));
    d.expires = optional_time(q.column_int(13));
    return d;
}

// "replayed by user alice with govbus dlq replay at TIME" (without "by" when `by` is empty).
std::string operator_note(const char* what, const std::string& by, TimePoint at) {
    return what + (by.empty() ? std::string() : " by " + by) + " at " + format_rfc3339(at);
}

Problem not_a_dead_letter(std::int64_t id) {
    return make_problem("journal.not_dead_letter",
                        "there is no dead letter " + std::to_string(id) + "; list them with `govbus dlq list`");
}

}  // namespace

Result<std::vector<DeadLetter>> Journal::list_dead_letters(std::size_t limit) {
    std::vector<DeadLetter> out;
    std::lock_guard lock(read_mutex_);
    {
        auto q = reader_->cached(GOVBUS_DEAD_LETTER_COLUMNS "WHERE d.state = 2 ORDER BY d.id LIMIT ?1");
        q->bind(1, static_cast<std::int64_t>(limit));
        while (q->step()) out.push_back(read_dead_letter(*q));
    }
    if (auto p = reader_->take_error()) return *p;
    return out;
}

Result<std::optional<DeadLetter>> Journal::dead_letter(std::int64_t id) {
    std::optional<DeadLetter> out;
    std::lock_guard lock(read_mutex_);
    {
        auto q = reader_->cached(GOVBUS_DEAD_LETTER_COLUMNS "WHERE d.state = 2 AND d.id = ?1");
        q->bind(1, id);
        if (q->step()) out = read_dead_letter(*q);
    }
    if (auto p = reader_->take_error()) return *p;
    return out;
}

Status Journal::replay(std::int64_t id, TimePoint now, const std::string& by) {
    std::lock_guard lock(write_mutex_);
    sqlite::Transaction tx(*writer_, sqlite::Sync::full);
    std::optional<std::int64_t> expires;
    {
        auto q = writer_->cached("SELECT expires_ms FROM deliveries WHERE id = ?1 AND state = 2");
        q->bind(1, id);
        if (q->step()) expires = q->column_int(0);
    }
    if (!expires) {
        if (auto st = tx.commit(); !st) return st;
        return not_a_dead_letter(id);
    }
    if (*expires > 0 && *expires <= to_unix_ms(now)) {
        if (auto st = tx.commit(); !st) return st;
        return make_problem("journal.expired", "dead letter " + std::to_string(id) + " expired at " +
                                                   format_rfc3339(from_unix_ms(*expires)) +
                                                   "; it cannot be delivered any more, drop it instead");
    }
    const std::string note = operator_note("replayed", by, now);
    writer_
        ->cached("UPDATE deliveries SET state = 0, attempts = 0, next_attempt_ms = ?2, dead_ms = 0, "
                 "dead_cause = '', reason_code = ?4, reason_text = ?3 WHERE id = ?1")
        ->bind(1, id)
        .bind(2, to_unix_ms(now))
        .bind(3, note)
        .bind(4, kReplayedCode)
        .run();
    auto st = tx.commit();
    if (st) pending_writes_.fetch_add(1);
    return st;
}

Status Journal::drop(std::int64_t id, const std::string& by) {
    std::lock_guard lock(write_mutex_);
    sqlite::Transaction tx(*writer_, sqlite::Sync::full);
    const std::string note = operator_note("dropped", by, std::chrono::system_clock::now());
    writer_
        ->cached("INSERT INTO dropped(id, destination, message_id, case_number, type, source, region, accepted_ms, "
                 "note) SELECT d.id, d.destination, m.id, m.case_number, m.type, m.source, m.region, m.accepted_ms, "
                 "?2 FROM deliveries d JOIN messages m ON m.seq = d.message_seq WHERE d.id = ?1 AND d.state = 2")
        ->bind(1, id)
        .bind(2, note)
        .run();
    auto n = writer_->cached("DELETE FROM deliveries WHERE id = ?1 AND state = 2")->bind(1, id).run();
    if (auto st = tx.commit(); !st) return st;
    if (n == 0) return not_a_dead_letter(id);
    return ok_status();
}

Result<std::vector<DroppedDelivery>> Journal::take_dropped() {
    std::vector<DroppedDelivery> out;
    {
        // Almost always nothing: asked of the reader, not under the write lock.
        std::lock_guard lock(read_mutex_);
        auto any = reader_->cached("SELECT 1 FROM dropped LIMIT 1");
        const bool some = any->step();
        if (auto p = reader_->take_error()) return *p;
        if (!some) return out;
    }
    std::lock_guard lock(write_mutex_);
    sqlite::Transaction tx(*writer_, sqlite::Sync::normal);
    {
        auto q = writer_->cached(
            "SELECT id, destination, message_id, case_number, type, source, region, accepted_ms, note FROM dropped "
            "ORDER BY id");
        while (q->step()) {
            DroppedDelivery x;
            Delivery& d = x.delivery;
            d.id = q->column_int(0);
            d.destination = q->column_text(1);
            d.message_id = q->column_text(2);
            d.case_number = q->column_text(3);
            d.type = q->column_text(4);
            d.source = q->column_text(5);
            d.region = q->column_text(6);
            d.accepted = from_unix_ms(q->column_int(7));
            x.note = q->column_text(8);
            out.push_back(std::move(x));
        }
    }
    for (const auto& x : out) writer_->cached("DELETE FROM dropped WHERE id = ?1")->bind(1, x.delivery.id).run();
    if (auto st = tx.commit(); !st) return st.problems();
    return out;
}

Result<std::int64_t> Journal::prune_delivered(TimePoint older_than, std::int64_t limit) {
    std::vector<std::int64_t> unused;
    Result<std::int64_t> removed = std::int64_t{0};
    {
        std::lock_guard lock(write_mutex_);
        // Oldest first through messages_accepted.
        removed = delete_in_one_transaction(
            *writer_,
            "DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE accepted_ms < ?1 AND "
            "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_seq = messages.seq) "
            "ORDER BY accepted_ms LIMIT ?2)",
            {to_unix_ms(older_than), no_limit_when_zero(limit)});
        if (!removed) return removed;
        // Sparse segments are emptied once the pruner has caught up (the last
        // pass of its drain), not after every batch.
        auto found = segments_to_remove(older_than, limit <= 0 || *removed < limit);
        if (!found) return found.problems();
        unused = std::move(*found);
    }
    // Outside the lock: overwriting a segment takes a while, and no accept
    // writes to a closed one, so what nothing refers to now stays so.
    for (std::int64_t file : unused) {
        if (auto st = bodies_->remove(file); !st) return st.problems();
    }
    return removed;
}

// Under write_mutex_: no accept is between writing a body and committing its row.
Result<std::vector<std::int64_t>> Journal::segments_to_remove(TimePoint older_than, bool empty_sparse) {
    std::vector<std::int64_t> out;
    auto closed = bodies_->closed_segments();
    if (!closed) return closed.problems();
    for (std::int64_t file : *closed) {
        std::int64_t size = 0, most = 0;
        if (empty_sparse) {
            std::error_code ec;
            size = static_cast<std::int64_t>(std::filesystem::file_size(bodies_->path_of(file), ec));
            // Each body in a segment has at least segment_body_bytes: more of
            // them than fit in an eighth cannot qualify, and counting stops
            // there (a full segment holds thousands).
            if (!ec) most = size / kSparseSegmentShare / std::max<std::int64_t>(1, options_.segment_body_bytes);
        }
        std::int64_t count = 0;
        {
            // "body_file > 0" repeats the partial index's condition, so the index serves.
            auto q = writer_->cached(
                "SELECT count(*) FROM (SELECT 1 FROM messages WHERE body_file = ?1 AND body_file > 0 LIMIT ?2)");
            q->bind(1, file).bind(2, most + 1);
            if (q->step()) count = q->column_int(0);
        }
        if (auto p = writer_->take_error()) return *p;
        if (count == 0) {
            out.push_back(file);
            continue;
        }
        if (count > most) continue;
        auto emptied = empty_sparse_segment(file, size, older_than);
        if (!emptied) return emptied.problems();
        if (*emptied) out.push_back(file);
    }
    return out;
}

Result<bool> Journal::empty_sparse_segment(std::int64_t file, std::int64_t size, TimePoint older_than) {
    std::int64_t live = 0, newest_ms = 0;
    {
        auto q = writer_->cached(
            "SELECT coalesce(sum(body_size), 0), coalesce(max(accepted_ms), 0) FROM messages "
            "WHERE body_file = ?1 AND body_file > 0");
        q->bind(1, file);
        if (q->step()) {
            live = q->column_int(0);
            newest_ms = q->column_int(1);
        }
    }
    if (auto p = writer_->take_error()) return *p;
    // A message the pruner would still keep anyway (delivered lately) is left to it.
    if (newest_ms >= to_unix_ms(older_than) || live * kSparseSegmentShare > size) return false;

    // Power-loss durability as for an accept: the segment is deleted right
    // after this commit, so the bodies must be on the disk first.
    sqlite::Transaction tx(*writer_,
                           options_.durability == Durability::power_loss ? sqlite::Sync::full : sqlite::Sync::normal);
    std::vector<std::pair<std::int64_t, BodyRef>> rows;
    {
        auto q =
            writer_->cached("SELECT seq, body_offset, body_size FROM messages WHERE body_file = ?1 AND body_file > 0");
        q->bind(1, file);
        while (q->step()) rows.push_back({q->column_int(0), BodyRef{file, q->column_int(1), q->column_int(2)}});
    }
    for (const auto& [seq, ref] : rows) {
        auto body = bodies_->read(ref);
        if (!body) {
            // Its delivery reports the reason when it is attempted; the
            // segment stays (the transaction rolls back as `tx` goes).
            GOVBUS_LOG(warn, "journal: segment " << bodies_->path_of(file) << " stays: " << body.problem().message);
            return false;
        }
        writer_->cached("UPDATE messages SET body = ?2, body_file = 0, body_offset = 0, body_size = 0 WHERE seq = ?1")
            ->bind(1, seq)
            .bind_blob(2, *body)
            .run();
    }
    if (auto p = writer_->take_error()) return *p;
    if (auto st = tx.commit(); !st) return st.problems();
    GOVBUS_LOG(info, "journal: moved " << rows.size() << (rows.size() == 1 ? " body" : " bodies")
                                       << " still waiting in " << bodies_->path_of(file) << " (" << live << " of its "
                                       << size << " bytes) into the database; the segment goes");
    return true;
}

Result<std::int64_t> Journal::prune_paths(PathKind kind, TimePoint older_than, std::int64_t limit) {
    std::lock_guard lock(write_mutex_);
    // Oldest first through case_paths_age (journal_schema.cpp), whose kind expression this repeats.
    return delete_in_one_transaction(*writer_,
                                     "DELETE FROM case_paths WHERE case_number IN (SELECT case_number FROM case_paths "
                                     "WHERE (case_number GLOB 'reply:*') = ?1 AND recorded_ms < ?2 "
                                     "ORDER BY recorded_ms LIMIT ?3)",
                                     {std::int64_t{kind == PathKind::reply_path ? 1 : 0}, to_unix_ms(older_than),
                                      no_limit_when_zero(limit)});
}

#undef GOVBUS_DEAD_LETTER_COLUMNS

}  // namespace govbus
