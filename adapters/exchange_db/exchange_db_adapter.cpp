#include "adapters/exchange_db/exchange_db_adapter.hpp"

#include "bus/core/clock.hpp"
#include "bus/core/log.hpp"

#include <filesystem>

namespace govbus::exchange_db {

const char* const kExchangeTablesSql = R"sql(
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

ExchangeDbAdapter::ExchangeDbAdapter(std::vector<std::pair<std::string, std::string>> tables,
                                     std::chrono::milliseconds poll_every, int batch)
    : poll_every_(poll_every), batch_(batch) {
    for (auto& [endpoint, path] : tables) {
        auto t = std::make_unique<Table>();
        t->endpoint = endpoint;
        t->path = path;
        tables_.push_back(std::move(t));
    }
}

ExchangeDbAdapter::~ExchangeDbAdapter() { stop(); }

Status ExchangeDbAdapter::start(AdapterHost& host) {
    host_ = &host;
    for (auto& t : tables_) {
        auto db = sqlite::Database::open(t->path);
        if (!db) return db.problems();
        t->db = std::move(db.value());
        // The department writes the same file at the same time: WAL lets it
        // read and write while the adapter polls; waits instead of failing on a lock.
        t->db->exec("PRAGMA busy_timeout=5000;");
        t->db->exec("PRAGMA journal_mode=WAL;");
        t->db->exec(kExchangeTablesSql);
        if (auto e = t->db->take_error())
            return make_problem("exchange_db.open", t->path + ": " + e->message);
    }
    thread_ = std::thread([this] { run(); });
    GOVBUS_LOG(info, "exchange-db: polling " << tables_.size() << " database(s)");
    return ok_status();
}

void ExchangeDbAdapter::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ExchangeDbAdapter::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        for (auto& t : tables_) poll(*t);
        lock.lock();
        cv_.wait_for(lock, poll_every_, [this] { return stopping_; });
    }
}

// Rows waiting, oldest first. A row is marked only after the node's verdict,
// so after a crash an unmarked row is read again; the journal de-duplicates
// it by message id.
void ExchangeDbAdapter::poll(Table& t) {
    std::vector<std::pair<std::int64_t, std::string>> rows;
    {
        std::lock_guard lock(t.mutex);
        auto q = t.db->cached("SELECT seq, body FROM govbus_inbox WHERE status IS NULL ORDER BY seq LIMIT ?");
        q->bind(1, static_cast<std::int64_t>(batch_ + t.in_flight.size()));
        while (q->step()) {
            const std::int64_t seq = q->column_int(0);
            if (t.in_flight.insert(seq).second) rows.emplace_back(seq, q->column_text(1));
        }
        if (auto e = t.db->take_error()) GOVBUS_LOG(warn, "exchange-db: " << t.path << ": " << e->message);
    }
    for (auto& [seq, body] : rows) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        host_->inbound(InboundMessage{std::move(body), t.endpoint, "exchange-db"},
                       [this, &t, seq = seq](const Status& st) { verdict(t, seq, st); });
    }
}

void ExchangeDbAdapter::verdict(Table& t, std::int64_t seq, const Status& st) {
    std::lock_guard lock(t.mutex);
    auto u = t.db->cached("UPDATE govbus_inbox SET status = ?, reason = ?, taken_at = ? WHERE seq = ?");
    u->bind(1, st ? "taken" : "rejected");
    if (st) u->bind_null(2);
    else u->bind(2, st.problem().code + ": " + st.problem().message + (st.problem().field.empty() ? "" : " (" + st.problem().field + ")"));
    u->bind(3, format_rfc3339(std::chrono::system_clock::now(), 0));
    u->bind(4, seq);
    u->run();
    if (auto e = t.db->take_error()) GOVBUS_LOG(error, "exchange-db: cannot mark row " << seq << ": " << e->message);
    t.in_flight.erase(seq);
}

std::size_t ExchangeDbAdapter::capacity(const std::string&) { return 64; }

void ExchangeDbAdapter::deliver(OutboundMessage m, DeliveryDone done) {
    const std::string id = m.destination.rfind("endpoint:", 0) == 0 ? m.destination.substr(9) : m.destination;
    Table* table = nullptr;
    for (auto& t : tables_)
        if (t->endpoint == id) table = t.get();
    if (!table) {
        done({DeliveryResult::Kind::refused, make_problem("exchange_db.unknown_endpoint", "no table for " + m.destination)});
        return;
    }
    std::optional<Problem> failed;
    {
        std::lock_guard lock(table->mutex);
        // A retried delivery inserts nothing twice: the message id is unique.
        auto ins = table->db->cached(
            "INSERT INTO govbus_outbox (message_id, type, case_number, content_type, body) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (message_id) DO NOTHING");
        ins->bind(1, m.message_id).bind(2, m.type).bind(3, m.case_number).bind(4, m.content_type).bind(5, m.bytes);
        ins->run();
        failed = table->db->take_error();
    }
    if (failed) {
        done({DeliveryResult::Kind::retry, make_problem("exchange_db.write", table->path + ": " + failed->message)});
        return;
    }
    done({DeliveryResult::Kind::delivered, {}});
}

Result<std::unique_ptr<Adapter>> make_exchange_db_adapter(const AdapterConfig& config) {
    std::vector<std::pair<std::string, std::string>> tables;
    for (const auto& peer : config.peers) {
        if (peer.destination.rfind("endpoint:", 0) != 0) continue;
        const std::string id = peer.destination.substr(9);
        const YAML::Node o = peer.options;
        if (!o || !o["path"])
            return make_problem("config.invalid", "endpoint '" + id + "' uses the exchange-db adapter: its options need "
                                                                      "the path of its SQLite database");
        if (o["backend"] && o["backend"].as<std::string>() != "sqlite")
            return make_problem("config.invalid", "endpoint '" + id + "': backend '" + o["backend"].as<std::string>() +
                                                      "' is not available; this node has sqlite");
        std::filesystem::path p(o["path"].as<std::string>());
        if (p.is_relative()) p = std::filesystem::path(config.config_dir) / p;
        tables.emplace_back(id, p.string());
    }
    long poll_ms = 200;
    int batch = 50;
    if (config.options && config.options.IsMap()) {
        if (config.options["poll_ms"]) poll_ms = config.options["poll_ms"].as<long>();
        if (config.options["batch"]) batch = config.options["batch"].as<int>();
    }
    return std::unique_ptr<Adapter>(
        std::make_unique<ExchangeDbAdapter>(std::move(tables), std::chrono::milliseconds(poll_ms), batch));
}

namespace {
const bool registered = register_adapter("exchange-db", make_exchange_db_adapter);
}

}  // namespace govbus::exchange_db
