// The exchange database as tables in the department's PostgreSQL, through
// libpq. A lost connection is reset before the next statement, so a database
// restart costs a few failed polls and retried deliveries, nothing more.
#include "adapters/exchange_db/exchange_store.hpp"

#include <libpq-fe.h>


namespace govbus::exchange_db {

const char* const kPostgresTablesSql = R"sql(
CREATE TABLE IF NOT EXISTS govbus_inbox (
  seq        BIGSERIAL PRIMARY KEY,
  body       TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  taken_at   TIMESTAMPTZ,
  status     TEXT CHECK (status IN ('taken', 'rejected')),
  reason     TEXT
);
CREATE INDEX IF NOT EXISTS govbus_inbox_waiting ON govbus_inbox (seq) WHERE status IS NULL;
CREATE TABLE IF NOT EXISTS govbus_outbox (
  seq          BIGSERIAL PRIMARY KEY,
  message_id   TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  case_number  TEXT,
  content_type TEXT NOT NULL,
  body         TEXT NOT NULL,
  written_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
)sql";

namespace {

struct ResultFree {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultFree>;

// "postgresql://user@host:port/dbname" from a connection string, without its password.
std::string describe(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (!options) {
        PQfreemem(error);
        return "postgresql (unreadable connection string)";
    }
    std::string user, host = "localhost", port = "5432", db;
    for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        const std::string k = o->keyword;
        if (k == "user") user = o->val;
        else if (k == "host" || (k == "hostaddr" && host == "localhost")) host = o->val;
        else if (k == "port") port = o->val;
        else if (k == "dbname") db = o->val;
    }
    PQconninfoFree(options);
    return "postgresql://" + (user.empty() ? "" : user + "@") + host + ":" + port + "/" + db;
}

class PostgresStore : public ExchangeStore {
public:
    explicit PostgresStore(std::string conninfo) : conninfo_(std::move(conninfo)), name_(describe(conninfo_)) {}
    ~PostgresStore() override {
        if (conn_) PQfinish(conn_);
    }

    Status open() override {
        if (conn_) PQfinish(conn_);
        conn_ = PQconnectdb(conninfo_.c_str());
        if (auto st = connected("exchange_db.open"); !st) return st;
        return command("exchange_db.open", kPostgresTablesSql, {});
    }

    Result<std::vector<InboxRow>> waiting(std::size_t limit) override {
        const std::string n = std::to_string(limit);
        auto r = run("exchange_db.read",
                     "SELECT seq, body FROM govbus_inbox WHERE status IS NULL ORDER BY seq LIMIT $1::integer", {n.c_str()});
        if (!r) return r.problems();
        std::vector<InboxRow> rows;
        for (int i = 0; i < PQntuples(r->get()); ++i)
            rows.push_back({std::stoll(PQgetvalue(r->get(), i, 0)), PQgetvalue(r->get(), i, 1)});
        return rows;
    }

    Status mark(std::int64_t seq, bool taken, const std::string& reason) override {
        const std::string s = std::to_string(seq);
        return command("exchange_db.write",
                       "UPDATE govbus_inbox SET status = $1, reason = $2, taken_at = now() WHERE seq = $3::bigint",
                       {taken ? "taken" : "rejected", taken ? nullptr : reason.c_str(), s.c_str()});
    }

    Status write(const OutboundMessage& m) override {
        return command("exchange_db.write",
                       "INSERT INTO govbus_outbox (message_id, type, case_number, content_type, body) "
                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING",
                       {m.message_id.c_str(), m.type.c_str(), m.case_number.empty() ? nullptr : m.case_number.c_str(),
                        m.content_type.c_str(), m.bytes.c_str()});
    }

    const std::string& name() const override { return name_; }

private:
    // A connection that broke since the last statement is reset once.
    Status connected(const char* code) {
        if (!conn_) return make_problem(code, name_ + ": no connection");
        if (PQstatus(conn_) != CONNECTION_OK) PQreset(conn_);
        if (PQstatus(conn_) != CONNECTION_OK) return make_problem(code, name_ + ": " + PQerrorMessage(conn_));
        if (PQsetClientEncoding(conn_, "UTF8") != 0)
            return make_problem(code, name_ + ": cannot use UTF8: " + PQerrorMessage(conn_));
        return ok_status();
    }

    Result<PgResult> run(const char* code, const char* sql, std::vector<const char*> params) {
        if (auto st = connected(code); !st) return st.problems();
        PgResult r(params.empty() ? PQexec(conn_, sql)
                                  : PQexecParams(conn_, sql, static_cast<int>(params.size()), nullptr, params.data(),
                                                 nullptr, nullptr, 0));
        const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            std::string message = r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_);
            while (!message.empty() && message.back() == '\n') message.pop_back();
            return make_problem(code, name_ + ": " + message);
        }
        return r;
    }

    Status command(const char* code, const char* sql, std::vector<const char*> params) {
        auto r = run(code, sql, std::move(params));
        if (!r) return r.problems();
        return ok_status();
    }

    std::string conninfo_;
    std::string name_;
    PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<ExchangeStore> make_postgres_store(std::string conninfo) {
    return std::make_unique<PostgresStore>(std::move(conninfo));
}

}  // namespace govbus::exchange_db
