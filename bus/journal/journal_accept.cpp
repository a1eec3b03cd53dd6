// Writing accepts (one group commit per batch) and reading case paths.
#include "bus/journal/journal.hpp"

#include "bus/journal/group_committer.hpp"
#include "bus/journal/journal_schema.hpp"

#include <map>
#include <memory>

namespace govbus {

namespace {

std::optional<Problem> check(const Accept& a) {
    if (a.message_id.empty()) {
        return make_problem("journal.invalid", "an accept needs a message id", "message_id");
    }
    for (const auto& d : a.destinations) {
        if (d.empty()) {
            return make_problem("journal.invalid", "message " + a.message_id + " has an empty destination key",
                                "destinations");
        }
    }
    return std::nullopt;
}

// Without the body: write_batch gives it once the batch is written.
Delivery handed_out(const Accept& a, std::int64_t id, const std::string& destination, std::int64_t now) {
    Delivery d;
    d.id = id;
    d.destination = destination;
    d.message_id = a.message_id;
    d.case_number = a.case_number;
    d.type = a.type;
    d.source = a.source;
    d.content_type = a.content_type;
    d.region = a.region;
    d.created = a.created;
    d.expires = a.expires;
    d.priority = a.priority;
    d.accepted = from_unix_ms(now);
    return d;
}

constexpr const char* kInsertCasePath =
    "INSERT INTO case_paths(case_number, came_from, recorded_ms) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(case_number) DO NOTHING";

}  // namespace

// What one batch may hand out directly, and what it did, per accept.
struct Journal::HandOutPlan {
    std::shared_ptr<const HandOut> hand_out;  // null: nothing goes directly
    std::map<std::string, std::size_t> room;  // left in this batch, per destination
    std::vector<std::vector<Delivery>> handed;  // per accept of the batch
    bool left_pending = false;                  // a delivery was written to wait for take_ready()

    // The transaction was rolled back: nothing was handed out.
    void forget() {
        room.clear();
        for (auto& h : handed) h.clear();
    }
};

// A fresh delivery leaves directly only when the destination has room,
// nothing take_ready() would hand out waits for it (that goes first, in
// take_ready's order) and no earlier delivery of the same case to it is
// pending or in flight.
bool Journal::may_hand_out(HandOutPlan& plan, const std::string& destination, const std::string& case_number,
                           std::int64_t expires_ms, std::int64_t now) {
    if (!plan.hand_out || (expires_ms > 0 && expires_ms <= now)) return false;
    auto [room, first] = plan.room.try_emplace(destination, 0);
    if (first) {
        room->second = plan.hand_out->room(destination);
        if (room->second > 0) {
            auto due = writer_->cached(journal_schema::kFirstReady);
            due->bind(1, destination).bind(2, now);
            if (due->step()) room->second = 0;
        }
    }
    if (room->second == 0) return false;
    if (!case_number.empty()) {
        auto earlier = writer_->cached(
            "SELECT 1 FROM deliveries WHERE destination = ?1 AND case_number = ?2 AND case_number <> '' AND "
            "state < 2 LIMIT 1");
        earlier->bind(1, destination).bind(2, case_number);
        if (earlier->step()) return false;
    }
    --room->second;
    return true;
}

// One transaction for the batch. First without a savepoint per accept (three
// statements fewer per message); should any accept fail, that transaction is
// rolled back and the batch written again with savepoints, so the failing
// accept is refused alone and the others are kept.
std::vector<AcceptResult> Journal::write_batch(std::vector<PendingAccept>& batch) {
    std::vector<std::optional<AcceptResult>> out(batch.size());
    const std::int64_t now = to_unix_ms(std::chrono::system_clock::now());
    HandOutPlan plan;
    plan.handed.resize(batch.size());
    {
        std::lock_guard lock(write_mutex_);
        plan.hand_out = hand_out_;
        if (!write_accepts(batch, now, false, out, plan)) {
            std::fill(out.begin(), out.end(), std::nullopt);
            plan.forget();
            write_accepts(batch, now, true, out, plan);
        }
        if (plan.left_pending) pending_writes_.fetch_add(1);  // after the commit: may_have_pending()
    }
    // The bodies last, once no write of the batch can need them again: the
    // accept's own goes to its last delivery without a copy.
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto& handed = plan.handed[i];
        if (handed.empty()) continue;
        for (std::size_t k = 0; k + 1 < handed.size(); ++k) handed[k].body = batch[i].accept.body;
        handed.back().body = std::move(batch[i].accept.body);
    }
    std::vector<AcceptResult> results;
    results.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto& r = out[i];
        if (r->ok()) {
            (**r == AcceptOutcome::accepted ? accepted_ : duplicates_).fetch_add(1);
        } else {
            failed_.fetch_add(1);
        }
        // The deliveries go after the accept's own callback, which records
        // the message as accepted and routed before anything of it leaves.
        if (r->ok() && !plan.handed[i].empty()) {
            batch[i].done = [done = std::move(batch[i].done), hand_out = plan.hand_out,
                             deliveries = std::move(plan.handed[i])](AcceptResult result) mutable {
                done(std::move(result));
                hand_out->take(std::move(deliveries));
            };
        }
        results.push_back(std::move(*r));
    }
    return results;
}

void Journal::set_hand_out(HandOut hand_out) {
    std::lock_guard lock(write_mutex_);
    if (hand_out.room && hand_out.take)
        hand_out_ = std::make_shared<const HandOut>(std::move(hand_out));
    else
        hand_out_.reset();
}

// False when an accept failed without savepoints: nothing was committed and
// the caller writes the batch again with them.
bool Journal::write_accepts(const std::vector<PendingAccept>& batch, std::int64_t now, bool savepoints,
                            std::vector<std::optional<AcceptResult>>& out, HandOutPlan& plan) {
    sqlite::Database& db = *writer_;
    // With a flusher the WAL goes to the disk after the commit, before anyone is answered.
    sqlite::Transaction tx(
        db, options_.durability == Durability::power_loss && !flusher_ ? sqlite::Sync::full : sqlite::Sync::normal);
    std::optional<Problem> batch_problem;
    for (std::size_t i = 0; i < batch.size() && !batch_problem; ++i) {
        const Accept& a = batch[i].accept;
        if (auto p = check(a)) {
            out[i] = *p;
            continue;
        }
        // A duplicate's body is written too, and never referred to: finding
        // out first would cost every fresh message a lookup.
        auto placed = place_body(a);
        if (!placed) {
            out[i] = placed.problem();
            continue;
        }
        if (savepoints) db.cached("SAVEPOINT accept")->run();
        auto ins = db.cached(
            "INSERT INTO messages(id, case_number, type, source, content_type, body, created_ms, expires_ms, "
            "priority, accepted_ms, region, body_file, body_offset, body_size) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT(id) DO NOTHING");
        ins->bind(1, a.message_id).bind(2, a.case_number).bind(3, a.type).bind(4, a.source);
        // In a segment: an empty blob (a pointer and size 0; a null pointer would bind NULL).
        ins->bind(5, a.content_type)
            .bind_blob(6, std::string_view(a.body).substr(0, placed->file > 0 ? 0 : a.body.size()));
        ins->bind(7, to_unix_ms(a.created));
        const std::int64_t expires = a.expires ? to_unix_ms(*a.expires) : 0;
        ins->bind(8, expires).bind(9, std::int64_t{a.priority}).bind(10, now).bind(11, a.region);
        ins->bind(12, placed->file).bind(13, placed->offset).bind(14, placed->size);
        const bool fresh = ins->run() == 1;
        const std::int64_t seq = db.last_insert_rowid();
        if (fresh) {
            for (const auto& dest : a.destinations) {
                const bool direct = may_hand_out(plan, dest, a.case_number, expires, now);
                auto d = db.cached(
                    "INSERT INTO deliveries(message_seq, destination, case_number, priority, expires_ms, state, "
                    "next_attempt_ms, last_attempt_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
                d->bind(1, seq).bind(2, dest).bind(3, a.case_number).bind(4, std::int64_t{a.priority});
                d->bind(5, expires).bind(6, std::int64_t{direct ? 1 : 0}).bind(7, now).bind(8, direct ? now : 0);
                d->run();
                if (direct)
                    plan.handed[i].push_back(handed_out(a, db.last_insert_rowid(), dest, now));
                else
                    plan.left_pending = true;
            }
            if (!a.path_key.empty() && !a.path_origin.empty()) {
                db.cached(kInsertCasePath)->bind(1, a.path_key).bind(2, a.path_origin).bind(3, now).run();
            }
        }
        if (auto p = db.take_error()) {
            if (!db.in_transaction()) {
                // SQLite rolled the whole transaction back (I/O error, disk full).
                batch_problem = *p;
                break;
            }
            if (!savepoints) return false;  // the transaction rolls back as `tx` goes
            db.cached("ROLLBACK TO accept")->run();
            db.cached("RELEASE accept")->run();
            plan.handed[i].clear();
            out[i] = *p;
            continue;
        }
        if (savepoints) db.cached("RELEASE accept")->run();
        out[i] = fresh ? AcceptOutcome::accepted : AcceptOutcome::duplicate;
    }
    // The segments first (a no-op when this batch wrote none): a committed row
    // must never point at bytes a crash could still lose.
    if (!batch_problem) {
        if (auto st = bodies_->sync(); !st) batch_problem = st.problem();
    }
    Status committed = batch_problem ? Status(*batch_problem) : tx.commit();
    if (!committed) {
        plan.forget();
        for (auto& r : out) {
            if (!r || r->ok()) r = committed.problem();
        }
    }
    return true;
}

Result<BodyRef> Journal::place_body(const Accept& a) {
    if (options_.segment_body_bytes == 0 || a.body.size() < options_.segment_body_bytes) {
        return BodyRef{};
    }
    return bodies_->append(a.body);
}

Result<std::optional<std::string>> Journal::case_path(const std::string& case_number) {
    std::lock_guard lock(read_mutex_);
    std::optional<std::string> path;
    {
        auto q = reader_->cached("SELECT came_from FROM case_paths WHERE case_number = ?1");
        q->bind(1, case_number);
        if (q->step()) path = q->column_text(0);
    }
    if (auto p = reader_->take_error()) return *p;
    return path;
}

}  // namespace govbus
