// The journal's tables and their migrations, versioned with PRAGMA user_version.
#include "bus/journal/journal_schema.hpp"

#include "bus/core/log.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace govbus::journal_schema {

namespace {

// Migration N takes the schema from version N-1 to N. Append only: a released
// migration is never edited, a change is a new entry.
const std::vector<const char*>& migrations() {
    static const std::vector<const char*> list = {
        // 1: messages (the de-duplication table and the bodies), their
        // deliveries (the outboxes and the dead letters) and case paths.
        R"sql(
CREATE TABLE messages (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    case_number  TEXT NOT NULL,
    type         TEXT NOT NULL,
    source       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body         BLOB NOT NULL,
    created_ms   INTEGER NOT NULL,
    expires_ms   INTEGER NOT NULL,      -- 0: never
    priority     INTEGER NOT NULL,
    accepted_ms  INTEGER NOT NULL
);
CREATE INDEX messages_accepted ON messages(accepted_ms);

-- One row per (message, destination). case_number, priority and expires_ms
-- are copied from the message so the outbox queries need no join to choose.
-- AUTOINCREMENT: ids are handed to adapters and operators and must never be
-- reused for another delivery.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    message_seq     INTEGER NOT NULL,
    destination     TEXT NOT NULL,
    case_number     TEXT NOT NULL,
    priority        INTEGER NOT NULL,
    expires_ms      INTEGER NOT NULL,
    state           INTEGER NOT NULL,   -- 0 pending, 1 in flight, 2 dead
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_attempt_ms INTEGER NOT NULL DEFAULT 0,
    reason_code     TEXT NOT NULL DEFAULT '',
    reason_text     TEXT NOT NULL DEFAULT '',
    dead_ms         INTEGER NOT NULL DEFAULT 0,
    dead_cause      TEXT NOT NULL DEFAULT ''  -- max_attempts | expired | rejected
);
CREATE INDEX deliveries_outbox ON deliveries(destination, state, priority DESC, id);
CREATE INDEX deliveries_case ON deliveries(destination, case_number, state) WHERE case_number <> '';
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_ms);
CREATE INDEX deliveries_expiry ON deliveries(state, expires_ms) WHERE expires_ms > 0;
CREATE INDEX deliveries_message ON deliveries(message_seq);

-- Where each case came from, for return-up: first writer wins.
CREATE TABLE case_paths (
    case_number TEXT PRIMARY KEY,
    came_from   TEXT NOT NULL,
    recorded_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
        // 2: the outbox, due and expiry indexes hold only pending deliveries
        // and the case index only those not dead, so marking a delivery in
        // flight removes index entries instead of rewriting them, and
        // deleting a delivered one touches fewer indexes. Dead letters get an
        // index of their own. (Partial-index conditions avoid IN lists: SQLite
        // evaluates them on every write.)
        R"sql(
DROP INDEX deliveries_outbox;
DROP INDEX deliveries_case;
DROP INDEX deliveries_due;
DROP INDEX deliveries_expiry;
CREATE INDEX deliveries_outbox ON deliveries(destination, priority DESC, id) WHERE state = 0;
CREATE INDEX deliveries_case ON deliveries(destination, case_number) WHERE state < 2 AND case_number <> '';
CREATE INDEX deliveries_due ON deliveries(next_attempt_ms) WHERE state = 0;
CREATE INDEX deliveries_expiry ON deliveries(expires_ms) WHERE state = 0 AND expires_ms > 0;
CREATE INDEX deliveries_dead ON deliveries(id) WHERE state = 2;
)sql",
        // 3: the case index no longer depends on the state, so handing a
        // delivery out (state 0 to 1) leaves its entry alone instead of
        // deleting and inserting it again at a random place in the index; the
        // per-case order check reads the state from the row.
        R"sql(
DROP INDEX deliveries_case;
CREATE INDEX deliveries_case ON deliveries(destination, case_number) WHERE case_number <> '';
)sql",
        // 4: paths are removed by age, case paths and reply paths after
        // different times: an index by kind and then age. Queries must spell
        // the kind expression as it is here for SQLite to use the index.
        R"sql(
CREATE INDEX case_paths_age ON case_paths((case_number GLOB 'reply:*'), recorded_ms);
)sql",
        // 5: the message's region code, for the exchange log's records of
        // its deliveries (they are written long after the envelope was read).
        R"sql(
ALTER TABLE messages ADD COLUMN region TEXT NOT NULL DEFAULT '';
)sql",
        // 6: dead letters an operator dropped, until the node has written
        // them to its exchange log (govbus dlq drop cannot: the log has one
        // writer). The message's fields are copied: it may be pruned first.
        R"sql(
CREATE TABLE dropped (
    id          INTEGER PRIMARY KEY,  -- the delivery id
    destination TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    case_number TEXT NOT NULL,
    type        TEXT NOT NULL,
    source      TEXT NOT NULL,
    region      TEXT NOT NULL,
    accepted_ms INTEGER NOT NULL,
    note        TEXT NOT NULL         -- who dropped it and when
);
)sql",
        // 7: large bodies live in segment files beside the database
        // (body_store.hpp): body is empty and body_file names the segment.
        // The index holds only those rows and grows at its end, segment
        // numbers only rising; the pruner asks it whether a segment is done.
        R"sql(
ALTER TABLE messages ADD COLUMN body_file INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN body_offset INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN body_size INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_body_file ON messages(body_file) WHERE body_file > 0;
)sql",
    };
    return list;
}

}  // namespace

Status migrate(sqlite::Database& db) {
    int current = std::stoi("0" + db.query_text("PRAGMA user_version"));
    if (auto p = db.take_error()) return *p;
    if (current > kVersion) {
        return make_problem("journal.schema_newer",
                            "the journal database has schema version " + std::to_string(current) +
                                " but this govbus understands up to " + std::to_string(kVersion) +
                                "; run a newer govbus or restore a matching journal");
    }
    const auto& list = migrations();
    static_assert(kVersion >= 1);
    const auto started = std::chrono::steady_clock::now();
    for (int v = current + 1; v <= kVersion; ++v) {
        sqlite::Transaction tx(db, sqlite::Sync::full);
        db.exec(list.at(static_cast<std::size_t>(v - 1)));
        db.exec("PRAGMA user_version=" + std::to_string(v));
        if (auto st = tx.commit(); !st) return st.problem();
    }
    // A new journal is "migrated" from 0; only an existing one is worth a line.
    if (current > 0 && current < kVersion) {
        const auto took = std::chrono::steady_clock::now() - started;
        GOVBUS_LOG(info, "journal: schema upgraded from version "
                             << current << " to " << kVersion << " in "
                             << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    }
    return ok_status();
}

}  // namespace govbus::journal_schema
