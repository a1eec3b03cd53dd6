#include "audit/log_schema.hpp"

#include "bus/core/log.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace govbus::audit {

const char* const kRecordColumns =
    "seq, time, time_ms, node_id, event, message_id, case_number, type, source, destination, size, "
    "digest_alg, digest, reason_code, reason_text, latency_ms, region, hash";

const char* const kCheckpointColumns = "number, seq, chain_hash, time, kind, month, node_id, cert_fingerprint, signature";

const char* const kHasReason = "reason_code <> ''";

namespace {

// The events nearly every message produces at a node; the rare-event index
// leaves them out, and a search for one of them does not use that index.
constexpr std::array<std::string_view, 4> kEverydayEvents = {"received", "accepted", "routed", "delivered"};

// Spelled as inequalities, not NOT IN (...): SQLite evaluates a partial index's
// condition on every insert, and an IN list makes it build a temporary table
// for each record written.
std::string rare_event_condition() {
    std::string out;
    for (auto e : kEverydayEvents) out += std::string(out.empty() ? "" : " AND ") + "event <> '" + std::string(e) + "'";
    return out;
}

}  // namespace

const std::string kRareEvent = rare_event_condition();

bool is_everyday_event(const std::string& event) {
    return std::find(kEverydayEvents.begin(), kEverydayEvents.end(), event) != kEverydayEvents.end();
}

namespace {

void create_tables(Database& db, bool with_indexes);

}  // namespace

Result<std::unique_ptr<Database>> open_log(const std::string& path, LogAccess access) {
    return Database::open(path, {.what = "exchange log",
                                 .code = "audit",
                                 .read_only = access == LogAccess::read_only,
                                 .on_error = sqlite::OnError::raise,
                                 .busy_timeout_ms = 5000});
}

std::optional<std::string> read_meta(Database& db, const std::string& key) {
    if (!db.has_table("meta")) return std::nullopt;
    auto s = db.prepare("SELECT value FROM meta WHERE key = ?1");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.column_text(0);
}

void write_meta(Database& db, const std::string& key, const std::string& value) {
    auto s =
        db.prepare("INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.bind(1, key).bind(2, value);
    s.step();
}

bool has_key_column(Database& db) {
    auto col = db.prepare("SELECT 1 FROM pragma_table_info('records') WHERE name = 'key_ref'");
    return col.step();
}

bool has_message_keys(Database& db) { return db.has_table("message_keys") && has_key_column(db); }

bool files_message_keys(Database& db) {
    if (!has_message_keys(db)) return false;
    auto unfiled = db.prepare("SELECT 1 FROM records WHERE key_ref IS NULL LIMIT 1");
    return !unfiled.step();
}

namespace {

void create_tables(Database& db, bool with_indexes) {
    // seq is deliberately not UNIQUE: the log must be able to hold (and the
    // verifier to name) a duplicated or inserted record rather than hide it.
    db.exec(R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER NOT NULL, time TEXT NOT NULL, time_ms INTEGER NOT NULL, node_id TEXT NOT NULL,
  event TEXT NOT NULL, message_id TEXT NOT NULL, case_number TEXT NOT NULL, type TEXT NOT NULL,
  source TEXT NOT NULL, destination TEXT NOT NULL, size INTEGER NOT NULL, digest_alg TEXT NOT NULL,
  digest TEXT NOT NULL, reason_code TEXT NOT NULL, reason_text TEXT NOT NULL, latency_ms INTEGER,
  region TEXT NOT NULL, hash TEXT NOT NULL, key_ref INTEGER);
CREATE INDEX IF NOT EXISTS records_seq ON records(seq);
CREATE TABLE IF NOT EXISTS message_keys(
  ref INTEGER PRIMARY KEY, message_id TEXT NOT NULL, case_number TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints(
  number INTEGER NOT NULL, seq INTEGER NOT NULL, chain_hash TEXT NOT NULL, time TEXT NOT NULL,
  kind TEXT NOT NULL, month TEXT NOT NULL, node_id TEXT NOT NULL, cert_fingerprint TEXT NOT NULL,
  signature BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS certs(fingerprint TEXT PRIMARY KEY, pem TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS archives(
  month TEXT PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
  seal_number INTEGER NOT NULL, file TEXT NOT NULL, created TEXT NOT NULL);
)");
    // Logs written before the message keys have no key_ref column.
    const bool keyed = has_key_column(db);
    if (!keyed) db.exec("ALTER TABLE records ADD COLUMN key_ref INTEGER");
    if (with_indexes) {
        // The message keys: a record names its message id and case number
        // through key_ref, so those two random keys are indexed once per
        // message instead of once per record (four or more per message),
        // and the index on key_ref grows at its end as messages arrive.
        db.exec(R"(
CREATE UNIQUE INDEX IF NOT EXISTS message_keys_message ON message_keys(message_id, case_number);
CREATE INDEX IF NOT EXISTS message_keys_case ON message_keys(case_number);
CREATE INDEX IF NOT EXISTS records_key ON records(key_ref);
)");
        if (!keyed) {
            // Files the keys of the records already held, oldest first: one
            // pass over the log, which on a large one takes a while.
            auto count = db.prepare("SELECT count(*) FROM records");
            count.step();
            if (count.column_int(0) > 0)
                GOVBUS_LOG(info, "exchange log: filing the message keys of " << count.column_int(0)
                                                                             << " records written before them");
            db.exec(R"(
INSERT OR IGNORE INTO message_keys(message_id, case_number) SELECT message_id, case_number FROM records ORDER BY seq;
UPDATE records SET key_ref = (SELECT ref FROM message_keys k
  WHERE k.message_id = records.message_id AND k.case_number = records.case_number);
)");
        }
        // Logs written before the rare-event condition was spelled without an
        // IN list carry the old index; it is rebuilt with the new condition.
        bool stale = false;
        {
            auto old = db.prepare("SELECT 1 FROM sqlite_master WHERE type='index' AND name='records_rare_event' AND "
                                  "sql LIKE '%NOT IN%'");
            stale = old.step();
        }
        if (stale) db.exec("DROP INDEX records_rare_event");
        // What an auditor searches by. Most records have no reason and one of
        // the four everyday events, so those two indexes hold only the rows a
        // search can want (the query repeats the index's condition so SQLite
        // may use it); the type has too few values to be worth an index of
        // its own and is searched together with a time range or key.
        db.exec(std::string(R"(
DROP INDEX IF EXISTS records_type;
DROP INDEX IF EXISTS records_event;
DROP INDEX IF EXISTS records_reason;
DROP INDEX IF EXISTS records_case;
DROP INDEX IF EXISTS records_message;
CREATE INDEX IF NOT EXISTS records_time ON records(time_ms);
CREATE INDEX IF NOT EXISTS records_source ON records(source);
CREATE INDEX IF NOT EXISTS records_destination ON records(destination);
CREATE INDEX IF NOT EXISTS records_with_reason ON records(reason_code) WHERE )") +
                kHasReason + R"(;
CREATE INDEX IF NOT EXISTS records_rare_event ON records(event) WHERE )" + kRareEvent + R"(;
CREATE INDEX IF NOT EXISTS checkpoints_seq ON checkpoints(seq);
)");
    }
}

}  // namespace

void create_schema(Database& db, bool with_indexes) {
    // One transaction: a log whose keys were being filed when the process
    // stopped is filed again from the start.
    db.exec("BEGIN IMMEDIATE");
    try {
        create_tables(db, with_indexes);
        db.exec("COMMIT");
    } catch (...) {
        try {
            db.exec("ROLLBACK");
        } catch (const std::exception&) {
        }
        throw;
    }
}

Record read_record(const Statement& s, int c) {
    Record r;
    r.seq = s.column_int(c + 0);
    r.time = s.column_text(c + 1);
    r.time_ms = s.column_int(c + 2);
    r.node_id = s.column_text(c + 3);
    r.event = s.column_text(c + 4);
    r.message_id = s.column_text(c + 5);
    r.case_number = s.column_text(c + 6);
    r.type = s.column_text(c + 7);
    r.source = s.column_text(c + 8);
    r.destination = s.column_text(c + 9);
    r.size = s.column_int(c + 10);
    r.digest_alg = s.column_text(c + 11);
    r.digest = s.column_text(c + 12);
    r.reason_code = s.column_text(c + 13);
    r.reason_text = s.column_text(c + 14);
    if (!s.column_is_null(c + 15)) r.latency_ms = s.column_int(c + 15);
    r.region = s.column_text(c + 16);
    r.hash = s.column_text(c + 17);
    return r;
}

void bind_record(Statement& s, const Record& r, int first) {
    const int o = first - 1;
    s.bind(o + 1, r.seq).bind_view(o + 2, r.time).bind(o + 3, r.time_ms).bind_view(o + 4, r.node_id);
    s.bind_view(o + 5, r.event).bind_view(o + 6, r.message_id).bind_view(o + 7, r.case_number);
    s.bind_view(o + 8, r.type).bind_view(o + 9, r.source).bind_view(o + 10, r.destination).bind(o + 11, r.size);
    s.bind_view(o + 12, r.digest_alg).bind_view(o + 13, r.digest).bind_view(o + 14, r.reason_code);
    s.bind_view(o + 15, r.reason_text);
    if (r.latency_ms) s.bind(o + 16, *r.latency_ms);
    else s.bind_null(o + 16);
    s.bind_view(o + 17, r.region).bind_view(o + 18, r.hash);
}

std::string insert_record_sql(const std::string& table, int rows) {
    // OR FAIL: a statement of many rows that may stop half-way with ABORT makes
    // SQLite save every page it touches in a statement journal, spilled to a
    // temporary file once larger than 64 KiB; FAIL keeps the rows before the
    // failing one, and the writer rolls the whole batch back on any failure.
    std::string sql = "INSERT OR FAIL INTO " + table + "(" + kRecordColumns + ", key_ref) VALUES";
    for (int i = 0; i < rows; ++i) sql += i ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    return sql;
}

Checkpoint read_checkpoint(const Statement& s) {
    Checkpoint c;
    c.number = s.column_int(0);
    c.seq = s.column_int(1);
    c.chain_hash = s.column_text(2);
    c.time = s.column_text(3);
    c.kind = s.column_text(4);
    c.month = s.column_text(5);
    c.node_id = s.column_text(6);
    c.cert_fingerprint = s.column_text(7);
    c.signature = s.column_blob(8);
    return c;
}

void insert_checkpoint(Database& db, const Checkpoint& c) {
    auto s = db.prepare(std::string("INSERT INTO checkpoints(") + kCheckpointColumns + ") VALUES(?,?,?,?,?,?,?,?,?)");
    s.bind(1, c.number).bind(2, c.seq).bind(3, c.chain_hash).bind(4, c.time).bind(5, c.kind).bind(6, c.month);
    s.bind(7, c.node_id).bind(8, c.cert_fingerprint).bind_blob(9, c.signature);
    s.step();
}

std::vector<Checkpoint> read_checkpoints(Database& db) {
    std::vector<Checkpoint> out;
    auto s = db.prepare(std::string("SELECT ") + kCheckpointColumns + " FROM checkpoints ORDER BY number, rowid");
    while (s.step()) out.push_back(read_checkpoint(s));
    return out;
}

void store_certificate(Database& db, const std::string& fingerprint, const std::string& pem) {
    auto s = db.prepare("INSERT OR IGNORE INTO certs(fingerprint, pem) VALUES(?, ?)");
    s.bind(1, fingerprint).bind(2, pem);
    s.step();
}

}  // namespace govbus::audit
