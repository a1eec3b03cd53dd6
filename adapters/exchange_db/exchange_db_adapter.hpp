// The exchange-database adapter (adapters/exchange_db/README.md): a
// department writes messages as rows of govbus_inbox in its own database; the
// adapter hands each to the node and marks the row taken (or rejected with
// the reason) once the journal holds it. Messages for the department are
// inserted into govbus_outbox, once per message id. The database is SQLite or
// PostgreSQL (exchange_store.hpp).
#pragma once

#include "adapters/exchange_db/exchange_store.hpp"
#include "bus/node/adapter.hpp"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace govbus::exchange_db {

struct Table {
    std::string endpoint;  // endpoint id: the identity rows from this database speak as
    std::unique_ptr<ExchangeStore> store;
    std::mutex mutex;      // one connection, used by the poller, verdicts and deliveries
    std::set<std::int64_t> in_flight;
    bool open = false;     // tables reachable; until then each poll and delivery tries again
    bool warned = false;   // the node log has said it is not reachable
};

class ExchangeDbAdapter : public Adapter {
public:
    ExchangeDbAdapter(std::vector<std::pair<std::string, std::unique_ptr<ExchangeStore>>> tables,
                      std::chrono::milliseconds poll_every, int batch);
    ~ExchangeDbAdapter() override;

    Status start(AdapterHost& host) override;
    void stop() override;
    std::size_t capacity(const std::string& destination) override;
    void deliver(OutboundMessage message, DeliveryDone done) override;

private:
    void run();
    void poll(Table& t);
    void verdict(Table& t, std::int64_t seq, const Status& st);
    // Opens the table's database when it is not open yet; call with t.mutex held.
    Status ensure_open(Table& t);

    std::vector<std::unique_ptr<Table>> tables_;
    std::chrono::milliseconds poll_every_;
    int batch_;
    AdapterHost* host_ = nullptr;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

Result<std::unique_ptr<Adapter>> make_exchange_db_adapter(const AdapterConfig& config);

}  // namespace govbus::exchange_db
