// One department's exchange database, whatever engine holds it: read the rows
// it wrote and are still waiting, mark each taken or rejected, write a message
// for it once. SQLite (a file the department shares) and PostgreSQL (libpq)
// implement it; the adapter does not know which it talks to. A store is used
// by one thread at a time (the adapter holds a lock around each call).
#pragma once

#include "bus/core/problem.hpp"
#include "bus/node/adapter.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace govbus::exchange_db {

struct InboxRow {
    std::int64_t seq = 0;
    std::string body;
};

class ExchangeStore {
public:
    virtual ~ExchangeStore() = default;
    // Connects and creates the two tables when they are missing.
    virtual Status open() = 0;
    // Up to `limit` rows with status NULL, oldest first.
    virtual Result<std::vector<InboxRow>> waiting(std::size_t limit) = 0;
    // Sets status 'taken' (reason empty) or 'rejected' with the reason, and taken_at.
    virtual Status mark(std::int64_t seq, bool taken, const std::string& reason) = 0;
    // Inserts the message into govbus_outbox unless its id is there already.
    virtual Status write(const OutboundMessage& message) = 0;
    // What to name in logs and problems: the file, or host/port/database.
    virtual const std::string& name() const = 0;
};

std::unique_ptr<ExchangeStore> make_sqlite_store(std::string path);
// `conninfo`: a libpq connection string ("host=... port=... dbname=... user=...
// passfile=...").
std::unique_ptr<ExchangeStore> make_postgres_store(std::string conninfo);

// The table definitions each backend creates (README.md shows them).
extern const char* const kSqliteTablesSql;
extern const char* const kPostgresTablesSql;

}  // namespace govbus::exchange_db
