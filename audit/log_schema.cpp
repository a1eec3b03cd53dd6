#include "audit/log_schema.hpp"

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

void create_schema(Database& db, bool with_indexes) {
    // seq is deliberately not UNIQUE: the log must be able to hold (and the
    // verifier to name) a duplicated or inserted record rather than hide it.
    db.exec(R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER NOT NULL, time TEXT NOT NULL, time_ms INTEGER NOT NULL, node_id TEXT NOT NULL,
  event TEXT NOT NULL, message_id TEXT NOT NULL, case_number TEXT NOT NULL, type TEXT NOT NULL,
  source TEXT NOT NULL, destination TEXT NOT NULL, size INTEGER NOT NULL, digest_alg TEXT NOT NULL,
  digest TEXT NOT NULL, reason_code TEXT NOT NULL, reason_text TEXT NOT NULL, latency_ms INTEGER,
  region TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_seq ON records(seq);
CREATE TABLE IF NOT EXISTS checkpoints(
  number INTEGER NOT NULL, seq INTEGER NOT NULL, chain_hash TEXT NOT NULL, time TEXT NOT NULL,
  kind TEXT NOT NULL, month TEXT NOT NULL, node_id TEXT NOT NULL, cert_fingerprint TEXT NOT NULL,
  signature BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS certs(fingerprint TEXT PRIMARY KEY, pem TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS archives(
  month TEXT PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
  seal_number INTEGER NOT NULL, file TEXT NOT NULL, created TEXT NOT NULL);
)");
    if (with_indexes) {
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
CREATE INDEX IF NOT EXISTS records_time ON records(time_ms);
CREATE INDEX IF NOT EXISTS records_case ON records(case_number);
CREATE INDEX IF NOT EXISTS records_message ON records(message_id);
CREATE INDEX IF NOT EXISTS records_source ON records(source);
CREATE INDEX IF NOT EXISTS records_destination ON records(destination);
CREATE INDEX IF NOT EXISTS records_with_reason ON records(reason_code) WHERE )") +
                kHasReason + R"(;
CREATE INDEX IF NOT EXISTS records_rare_event ON records(event) WHERE )" + kRareEvent + R"(;
CREATE INDEX IF NOT EXISTS checkpoints_seq ON checkpoints(seq);
)");
    }
}

Record read_record(const Statement& s, int c) {
    Record r;
    r.seq = s.int64(c + 0);
    r.time = s.text(c + 1);
    r.time_ms = s.int64(c + 2);
    r.node_id = s.text(c + 3);
    r.event = s.text(c + 4);
    r.message_id = s.text(c + 5);
    r.case_number = s.text(c + 6);
    r.type = s.text(c + 7);
    r.source = s.text(c + 8);
    r.destination = s.text(c + 9);
    r.size = s.int64(c + 10);
    r.digest_alg = s.text(c + 11);
    r.digest = s.text(c + 12);
    r.reason_code = s.text(c + 13);
    r.reason_text = s.text(c + 14);
    if (!s.is_null(c + 15)) r.latency_ms = s.int64(c + 15);
    r.region = s.text(c + 16);
    r.hash = s.text(c + 17);
    return r;
}

void bind_record(Statement& s, const Record& r) {
    s.bind(1, r.seq).bind(2, r.time).bind(3, r.time_ms).bind(4, r.node_id).bind(5, r.event);
    s.bind(6, r.message_id).bind(7, r.case_number).bind(8, r.type).bind(9, r.source).bind(10, r.destination);
    s.bind(11, r.size).bind(12, r.digest_alg).bind(13, r.digest).bind(14, r.reason_code).bind(15, r.reason_text);
    if (r.latency_ms) s.bind(16, *r.latency_ms);
    else s.bind_null(16);
    s.bind(17, r.region).bind(18, r.hash);
}

std::string insert_record_sql(const std::string& table) {
    return "INSERT INTO " + table + "(" + kRecordColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
}

Checkpoint read_checkpoint(const Statement& s) {
    Checkpoint c;
    c.number = s.int64(0);
    c.seq = s.int64(1);
    c.chain_hash = s.text(2);
    c.time = s.text(3);
    c.kind = s.text(4);
    c.month = s.text(5);
    c.node_id = s.text(6);
    c.cert_fingerprint = s.text(7);
    c.signature = s.blob(8);
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
