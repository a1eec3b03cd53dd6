// The outboxes: handing out due deliveries in per-case order, recording
// attempt outcomes, retry scheduling and expiry.
#include "bus/journal/journal.hpp"

#include "bus/journal/journal_schema.hpp"

namespace govbus {

namespace {

std::optional<TimePoint> optional_time(std::int64_t ms) {
    return ms == 0 ? std::nullopt : std::optional<TimePoint>(from_unix_ms(ms));
}

// What a delivery carries of its message, in the order fill_from_message() reads it.
#define GOVBUS_MESSAGE_COLUMNS                                                                           \
    "m.id, m.case_number, m.type, m.source, m.content_type, m.region, m.created_ms, m.expires_ms, " \
    "m.priority, m.accepted_ms"

// Reads GOVBUS_MESSAGE_COLUMNS from column `first` of the row at `q` on.
void fill_from_message(sqlite::Statement& q, int first, Delivery& d) {
    d.message_id = q.column_text(first);
    d.case_number = q.column_text(first + 1);
    d.type = q.column_text(first + 2);
    d.source = q.column_text(first + 3);
    d.content_type = q.column_text(first + 4);
    d.region = q.column_text(first + 5);
    d.created = from_unix_ms(q.column_int(first + 6));
    d.expires = optional_time(q.column_int(first + 7));
    d.priority = static_cast<int>(q.column_int(first + 8));
    d.accepted = from_unix_ms(q.column_int(first + 9));
}

}  // namespace

Problem expired_reason() {
    return make_problem("journal.expired", "the message expired before it could be delivered");
}

void Journal::expire_pending(const std::string* destination, TimePoint now, std::vector<Delivery>& expired) {
    const std::int64_t at = to_unix_ms(now);
    const Problem reason = expired_reason();
    std::vector<std::pair<Delivery, std::int64_t>> rows;  // with the message's seq
    {
        auto q = writer_->cached(
            "UPDATE deliveries SET state = 2, dead_cause = 'expired', dead_ms = ?1, reason_code = ?3, reason_text = ?4 "
            "WHERE state = 0 AND expires_ms > 0 AND expires_ms <= ?1 AND (?2 IS NULL OR destination = ?2) "
            "RETURNING id, attempts, destination, message_seq");
        q->bind(1, at).bind(3, reason.code).bind(4, reason.message);
        if (destination) q->bind(2, *destination);
        while (q->step()) {
            Delivery d;
            d.id = q->column_int(0);
            d.attempt = static_cast<int>(q->column_int(1));
            d.destination = q->column_text(2);
            rows.emplace_back(std::move(d), q->column_int(3));
        }
    }
    for (auto& [d, seq] : rows) {
        auto m = writer_->cached("SELECT " GOVBUS_MESSAGE_COLUMNS " FROM messages m WHERE m.seq = ?1");
        m->bind(1, seq);
        if (m->step()) fill_from_message(*m, 0, d);
        expired.push_back(std::move(d));
    }
}

Result<std::vector<Delivery>> Journal::take_ready(const std::string& destination, TimePoint now,
                                                  std::size_t limit) {
    std::vector<Delivery> out;
    std::lock_guard lock(write_mutex_);
    sqlite::Transaction tx(*writer_, sqlite::Sync::normal);
    std::vector<Delivery> expired;
    expire_pending(&destination, now, expired);
    {
        auto q = writer_->cached(
            "SELECT d.id, d.attempts, d.reason_code, d.reason_text, m.body, m.body_file, m.body_offset, "
            "m.body_size, " GOVBUS_MESSAGE_COLUMNS
            " "
            // INDEXED BY: walking the outbox in hand-out order stops after `limit`
            // rows; the planner would otherwise gather every due row and sort.
            "FROM deliveries d INDEXED BY deliveries_outbox JOIN messages m ON m.seq = d.message_seq "
            "WHERE d.destination = ?1 AND d.state = 0 AND d.next_attempt_ms <= ?2 AND " GOVBUS_HEAD_OF_CASE
            " ORDER BY d.priority DESC, d.id LIMIT ?3");
        q->bind(1, destination).bind(2, to_unix_ms(now)).bind(3, static_cast<std::int64_t>(limit));
        while (q->step()) {
            Delivery d;
            d.id = q->column_int(0);
            d.attempt = static_cast<int>(q->column_int(1)) + 1;
            d.destination = destination;
            if (q->column_text(2) == kReplayedCode) d.replayed = q->column_text(3);
            const BodyRef ref{q->column_int(5), q->column_int(6), q->column_int(7)};
            if (ref.file == 0) {
                d.body = q->column_blob(4);
            } else if (auto body = bodies_->read(ref)) {
                d.body = std::move(*body);
            } else {
                d.unreadable = body.problem();
            }
            fill_from_message(*q, 8, d);
            out.push_back(std::move(d));
        }
    }
    for (const auto& d : out) {
        writer_->cached("UPDATE deliveries SET state = 1, last_attempt_ms = ?2 WHERE id = ?1")
            ->bind(1, d.id)
            .bind(2, to_unix_ms(now))
            .run();
        // Said once: the node logs the replay as it hands the delivery out.
        if (d.replayed) {
            writer_->cached("UPDATE deliveries SET reason_code = '', reason_text = '' WHERE id = ?1")
                ->bind(1, d.id)
                .run();
        }
    }
    if (auto st = tx.commit(); !st) return st.problems();
    expired_by_take_.insert(expired_by_take_.end(), std::make_move_iterator(expired.begin()),
                            std::make_move_iterator(expired.end()));
    return out;
}

Status Journal::delivered(std::int64_t delivery_id) { return delivered(std::vector<std::int64_t>{delivery_id}); }

Status Journal::delivered(const std::vector<std::int64_t>& delivery_ids) {
    std::string unknown;
    {
        std::lock_guard lock(write_mutex_);
        sqlite::Transaction tx(*writer_, sqlite::Sync::normal);
        for (std::int64_t id : delivery_ids) {
            auto n = writer_->cached("DELETE FROM deliveries WHERE id = ?1 AND state < 2")->bind(1, id).run();
            if (n == 0 && !writer_->error()) unknown += (unknown.empty() ? "" : ", ") + std::to_string(id);
        }
        if (auto st = tx.commit(); !st) return st;
    }
    if (!unknown.empty()) {
        return make_problem("journal.unknown_delivery", "no pending or in-flight delivery has id " + unknown);
    }
    return ok_status();
}

void Journal::dead_letter_row(std::int64_t id, int attempts, const std::string& cause, const Problem& reason,
                              TimePoint now) {
    writer_
        ->cached("UPDATE deliveries SET state = 2, attempts = ?2, dead_cause = ?3, reason_code = ?4, "
                 "reason_text = ?5, dead_ms = ?6, last_attempt_ms = ?6 WHERE id = ?1")
        ->bind(1, id)
        .bind(2, std::int64_t{attempts})
        .bind(3, cause)
        .bind(4, reason.code)
        .bind(5, reason.message)
        .bind(6, to_unix_ms(now))
        .run();
}

Result<RetryDecision> Journal::failed(std::int64_t delivery_id, const Problem& reason, TimePoint now) {
    std::lock_guard lock(write_mutex_);
    sqlite::Transaction tx(*writer_, sqlite::Sync::normal);
    std::optional<std::pair<int, std::int64_t>> row;  // attempts, expires_ms
    {
        auto q = writer_->cached("SELECT attempts, expires_ms FROM deliveries WHERE id = ?1 AND state < 2");
        q->bind(1, delivery_id);
        if (q->step()) row.emplace(static_cast<int>(q->column_int(0)), q->column_int(1));
    }
    if (!row) {
        if (auto st = tx.commit(); !st) return st.problems();
        return make_problem("journal.unknown_delivery",
                            "no pending or in-flight delivery has id " + std::to_string(delivery_id));
    }
    RetryDecision decision;
    decision.attempts = row->first + 1;
    const bool expired = row->second > 0 && row->second <= to_unix_ms(now);
    if (expired || decision.attempts >= options_.max_attempts) {
        decision.dead_lettered = true;
        dead_letter_row(delivery_id, decision.attempts, expired ? "expired" : "max_attempts", reason, now);
    } else {
        decision.next_attempt = now + backoff_.delay(decision.attempts);
        writer_
            ->cached("UPDATE deliveries SET state = 0, attempts = ?2, next_attempt_ms = ?3, reason_code = ?4, "
                     "reason_text = ?5, last_attempt_ms = ?6 WHERE id = ?1")
            ->bind(1, delivery_id)
            .bind(2, std::int64_t{decision.attempts})
            .bind(3, to_unix_ms(decision.next_attempt))
            .bind(4, reason.code)
            .bind(5, reason.message)
            .bind(6, to_unix_ms(now))
            .run();
    }
    if (auto st = tx.commit(); !st) return st.problems();
    if (!decision.dead_lettered) pending_writes_.fetch_add(1);
    return decision;
}

Status Journal::rejected(std::int64_t delivery_id, const Problem& reason, TimePoint now) {
    std::lock_guard lock(write_mutex_);
    sqlite::Transaction tx(*writer_, sqlite::Sync::normal);
    std::optional<int> attempts;
    {
        auto q = writer_->cached("SELECT attempts, expires_ms FROM deliveries WHERE id = ?1 AND state < 2");
        q->bind(1, delivery_id);
        if (q->step()) attempts = static_cast<int>(q->column_int(0));
    }
    if (attempts) dead_letter_row(delivery_id, *attempts + 1, "rejected", reason, now);
    if (auto st = tx.commit(); !st) return st;
    if (!attempts) {
        return make_problem("journal.unknown_delivery",
                            "no pending or in-flight delivery has id " + std::to_string(delivery_id));
    }
    return ok_status();
}

Result<std::vector<Delivery>> Journal::expire(TimePoint now) {
    std::lock_guard lock(write_mutex_);
    sqlite::Transaction tx(*writer_, sqlite::Sync::normal);
    std::vector<Delivery> expired;
    expire_pending(nullptr, now, expired);
    if (auto st = tx.commit(); !st) return st.problems();
    // Those take_ready() dead-lettered first: they expired before these.
    expired.insert(expired.begin(), std::make_move_iterator(expired_by_take_.begin()),
                   std::make_move_iterator(expired_by_take_.end()));
    expired_by_take_.clear();
    return expired;
}

Result<std::vector<std::string>> Journal::destinations_with_work(TimePoint now) {
    std::vector<std::string> out;
    std::lock_guard lock(read_mutex_);
    {
        // One index seek per destination with pending deliveries rather than
        // a pass over all of them: under a backlog the dispatcher asks this on
        // every round.
        auto next = reader_->cached(
            "SELECT destination FROM deliveries INDEXED BY deliveries_outbox WHERE destination > ?1 AND state = 0 "
            "ORDER BY destination LIMIT 1");
        auto ready = reader_->cached(journal_schema::kFirstReady);
        std::string after;
        for (;;) {
            next->reset();
            next->bind(1, after);
            if (!next->step()) break;
            after = next->column_text(0);
            ready->reset();
            ready->bind(1, after).bind(2, to_unix_ms(now));
            if (ready->step()) out.push_back(after);
        }
    }
    if (auto p = reader_->take_error()) return *p;
    return out;
}

Result<std::optional<TimePoint>> Journal::next_due() {
    std::lock_guard lock(read_mutex_);
    std::optional<TimePoint> due;
    {
        // In next-attempt order, the first delivery not waiting behind its case.
        auto q = reader_->cached("SELECT d.next_attempt_ms FROM deliveries d WHERE d.state = 0 AND " GOVBUS_HEAD_OF_CASE
                                 " ORDER BY d.next_attempt_ms LIMIT 1");
        if (q->step()) due = from_unix_ms(q->column_int(0));
    }
    {
        auto q = reader_->cached("SELECT min(expires_ms) FROM deliveries WHERE state = 0 AND expires_ms > 0");
        if (q->step() && !q->column_is_null(0)) {
            TimePoint expiry = from_unix_ms(q->column_int(0));
            if (!due || expiry < *due) due = expiry;
        }
    }
    if (auto p = reader_->take_error()) return *p;
    return due;
}

Result<bool> Journal::may_have_pending(std::chrono::milliseconds recheck) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(read_mutex_);
    // Read before the look: a write committed after it bumps past this.
    const std::uint64_t writes = pending_writes_.load();
    if (writes == none_pending_at_ && now - none_pending_seen_ < recheck) return false;
    bool pending = false;
    {
        auto q = reader_->cached("SELECT 1 FROM deliveries INDEXED BY deliveries_due WHERE state = 0 LIMIT 1");
        pending = q->step();
    }
    if (auto p = reader_->take_error()) return *p;
    if (!pending) {
        none_pending_at_ = writes;
        none_pending_seen_ = now;
    }
    return pending;
}

}  // namespace govbus
