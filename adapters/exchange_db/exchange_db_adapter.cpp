#include "adapters/exchange_db/exchange_db_adapter.hpp"

#include "bus/core/log.hpp"
#include "bus/core/thread_name.hpp"
#include "bus/node/adapter_options.hpp"

namespace govbus::exchange_db {

ExchangeDbAdapter::ExchangeDbAdapter(std::vector<std::pair<std::string, std::unique_ptr<ExchangeStore>>> tables,
                                     std::chrono::milliseconds poll_every, int batch)
    : poll_every_(poll_every), batch_(batch) {
    for (auto& [endpoint, store] : tables) {
        auto t = std::make_unique<Table>();
        t->endpoint = endpoint;
        t->store = std::move(store);
        tables_.push_back(std::move(t));
    }
}

ExchangeDbAdapter::~ExchangeDbAdapter() { stop(); }

Status ExchangeDbAdapter::start(AdapterHost& host) {
    host_ = &host;
    // A department's database that is down does not keep the node from
    // starting: its table is opened at the next poll or delivery that finds it up.
    for (auto& t : tables_) {
        std::lock_guard lock(t->mutex);
        (void)ensure_open(*t);
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

Status ExchangeDbAdapter::ensure_open(Table& t) {
    if (t.open) return ok_status();
    auto st = t.store->open();
    if (st) {
        t.open = true;
        if (t.warned) GOVBUS_LOG(info, "exchange-db: " << t.store->name() << " for " << t.endpoint << " is reachable again");
        t.warned = false;
    } else if (!t.warned) {
        t.warned = true;
        GOVBUS_LOG(warn, "exchange-db: " << st.problem().message << "; " << t.endpoint
                                         << " waits until it can be opened (tried again every poll)");
    }
    return st;
}

void ExchangeDbAdapter::run() {
    name_this_thread("exchange-db");
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
    std::vector<InboxRow> rows;
    {
        std::lock_guard lock(t.mutex);
        if (!ensure_open(t)) return;
        auto found = t.store->waiting(static_cast<std::size_t>(batch_) + t.in_flight.size());
        if (!found) {
            GOVBUS_LOG(warn, "exchange-db: " << found.problem().message);
            return;
        }
        for (auto& row : *found)
            if (t.in_flight.insert(row.seq).second) rows.push_back(std::move(row));
    }
    for (auto& row : rows) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        host_->inbound(InboundMessage{std::move(row.body), t.endpoint, "exchange-db"},
                       [this, &t, seq = row.seq](const Status& st) { verdict(t, seq, st); });
    }
}

void ExchangeDbAdapter::verdict(Table& t, std::int64_t seq, const Status& st) {
    std::string reason;
    if (!st) {
        const Problem& p = st.problem();
        reason = p.code + ": " + p.message + (p.field.empty() ? "" : " (" + p.field + ")");
    }
    std::lock_guard lock(t.mutex);
    // Not marked: the row is read again at the next poll and the journal,
    // knowing its id, answers at once.
    if (auto marked = t.store->mark(seq, static_cast<bool>(st), reason); !marked)
        GOVBUS_LOG(error, "exchange-db: cannot mark row " << seq << ": " << marked.problem().message);
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
    Status written = ok_status();
    {
        // A retried delivery inserts nothing twice: the message id is unique.
        std::lock_guard lock(table->mutex);
        written = ensure_open(*table);
        if (written) written = table->store->write(m);
    }
    if (!written) {
        done({DeliveryResult::Kind::retry, written.problem()});
        return;
    }
    done({DeliveryResult::Kind::delivered, {}});
}

Result<std::unique_ptr<Adapter>> make_exchange_db_adapter(const AdapterConfig& config) {
    ConfigReader reader(registry_source(config));  // the endpoints' options
    ConfigReader block(block_source(config));       // the adapter's own block
    std::vector<std::pair<std::string, std::unique_ptr<ExchangeStore>>> tables;
    for (const auto& peer : config.peers) {
        if (peer.destination.rfind("endpoint:", 0) != 0) continue;
        const std::string id = peer.destination.substr(9);
        const std::string path = "/endpoints/" + id + "/options";
        const YAML::Node& o = peer.options;
        if (!o.IsDefined() || o.IsNull()) {
            reader.error(o, path, "the exchange-db adapter needs options: {backend: sqlite, path: FILE} or "
                                  "{backend: postgresql, conninfo: \"host=... dbname=... user=...\"}");
            continue;
        }
        if (!reader.expect_map(o, path, {"backend", "path", "conninfo"})) continue;
        const std::string backend = reader.text_or(o, "backend", path, "sqlite");
        if (backend == "sqlite") {
            if (auto file = reader.text(o, "path", path, true))
                tables.emplace_back(id, make_sqlite_store(resolve_config_path(*file, config.config_dir)));
        } else if (backend == "postgresql") {
            if (auto conninfo = reader.text(o, "conninfo", path, true)) tables.emplace_back(id, make_postgres_store(*conninfo));
        } else {
            reader.error(o["backend"], path + "/backend", "'" + backend + "' is not a backend here: sqlite or postgresql");
        }
    }
    const YAML::Node& n = config.options;
    long long poll_ms = 200, batch = 50;
    if (n.IsDefined() && !n.IsNull() && block.expect_map(n, "/adapters/exchange-db", {"poll_ms", "batch"})) {
        poll_ms = block.integer_or(n, "poll_ms", "/adapters/exchange-db", 200, 10, 600000);
        batch = block.integer_or(n, "batch", "/adapters/exchange-db", 50, 1, 10000);
    }
    Problems problems = reader.problems();
    append_problems(problems, block.problems());
    if (!problems.empty()) return problems;
    return std::unique_ptr<Adapter>(std::make_unique<ExchangeDbAdapter>(
        std::move(tables), std::chrono::milliseconds(poll_ms), static_cast<int>(batch)));
}

namespace {
const bool registered = register_adapter("exchange-db", make_exchange_db_adapter);
}

}  // namespace govbus::exchange_db
