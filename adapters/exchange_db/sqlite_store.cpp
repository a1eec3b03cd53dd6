// The exchange database as a SQLite file the department writes beside the node.
#include "adapters/exchange_db/exchange_store.hpp"

#include "bus/core/clock.hpp"
#include "bus/core/sqlite.hpp"

namespace govbus::exchange_db {

const char* const kSqliteTablesSql = R"sql(
CREATE TABLE IF NOT EXISTS govbus_inbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  body       TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  taken_at   TEXT,
  status     TEXT CHECK (status IN ('taken', 'rejected')),
  reason     TEXT
);
CREATE INDEX IF NOT EXISTS govbus_inbox_waiting ON govbus_inbox (seq) WHERE status IS NULL;
CREATE TABLE IF NOT EXISTS govbus_outbox (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id   TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  case_number  TEXT,
  content_type TEXT NOT NULL,
  body         TEXT NOT NULL,
  written_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
)sql";

namespace {

class SqliteStore : public ExchangeStore {
public:
    explicit SqliteStore(std::string path) : path_(std::move(path)) {}

    Status open() override {
        // The department writes the same file at the same time: WAL lets it
        // read and write while the adapter polls; waits instead of failing on a lock.
        auto db = sqlite::Database::open(path_,
                                         {.what = "exchange database", .code = "exchange_db", .busy_timeout_ms = 5000});
        if (!db) return db.problems();
        db_ = std::move(db.value());
        db_->exec("PRAGMA journal_mode=WAL;");
        db_->exec(kSqliteTablesSql);
        return failed("exchange_db.open");
    }

    Result<std::vector<InboxRow>> waiting(std::size_t limit) override {
        std::vector<InboxRow> rows;
        auto q = db_->cached("SELECT seq, body FROM govbus_inbox WHERE status IS NULL ORDER BY seq LIMIT ?");
        q->bind(1, static_cast<std::int64_t>(limit));
        while (q->step()) rows.push_back({q->column_int(0), q->column_text(1)});
        if (auto st = failed("exchange_db.read"); !st) return st.problems();
        return rows;
    }

    Status mark(std::int64_t seq, bool taken, const std::string& reason) override {
        auto u = db_->cached("UPDATE govbus_inbox SET status = ?, reason = ?, taken_at = ? WHERE seq = ?");
        u->bind(1, taken ? "taken" : "rejected");
        if (taken) u->bind_null(2);
        else u->bind(2, reason);
        u->bind(3, format_rfc3339(std::chrono::system_clock::now(), 0));
        u->bind(4, seq);
        u->run();
        return failed("exchange_db.write");
    }

    Status write(const OutboundMessage& m) override {
        auto ins = db_->cached(
            "INSERT INTO govbus_outbox (message_id, type, case_number, content_type, body) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (message_id) DO NOTHING");
        ins->bind(1, m.message_id).bind(2, m.type).bind(3, m.case_number).bind(4, m.content_type).bind(5, m.bytes);
        ins->run();
        return failed("exchange_db.write");
    }

    const std::string& name() const override { return path_; }

private:
    Status failed(const char* code) {
        if (auto e = db_->take_error()) return make_problem(code, path_ + ": " + e->message);
        return ok_status();
    }

    std::string path_;
    std::unique_ptr<sqlite::Database> db_;
};

}  // namespace

std::unique_ptr<ExchangeStore> make_sqlite_store(std::string path) { return std::make_unique<SqliteStore>(std::move(path)); }

}  // namespace govbus::exchange_db
