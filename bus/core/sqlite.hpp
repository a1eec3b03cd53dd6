// RAII ownership of SQLite connections and statements for every store govbus
// keeps (the journal, the exchange log, the exchange-database adapter), with a
// cache of prepared statements and a "first error wins" record per connection.
#pragma once

#include "bus/core/problem.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace govbus::sqlite {

struct ConnectionClose {
    void operator()(sqlite3* db) const;
};
struct StatementFinalize {
    void operator()(sqlite3_stmt* s) const;
};

class Database;

// How much a commit must survive. See journal.hpp for why each is used where.
enum class Sync { full, normal };

// How a failed step or exec is reported (see Statement).
enum class OnError {
    record,  // kept on the connection; the transaction around it turns it into a Problem
    raise,   // thrown as StorageError, for code that reads straight through (the auditors' tools)
};

// What a failure throws under OnError::raise; what() is the Problem's message.
class StorageError : public std::runtime_error {
public:
    explicit StorageError(Problem p) : std::runtime_error(p.message), problem_(std::move(p)) {}
    const Problem& problem() const { return problem_; }

private:
    Problem problem_;
};

struct OpenOptions {
    // Names the store in problems: "cannot open the journal '…'", "journal
    // storage failed (…)".
    std::string what = "journal";
    // Reason codes are `<code>.storage`, `<code>.disk_full`, `<code>.busy`,
    // `<code>.corrupt` and `<code>.unwritable`.
    std::string code = "journal";
    bool read_only = false;  // opens an existing file without the right to write it
    OnError on_error = OnError::record;
    // How long a statement waits for another connection's lock before
    // failing with `<code>.busy`; 0 fails at once.
    int busy_timeout_ms = 0;
};

// One prepared statement. Under OnError::record errors do not come back from
// every call: the first one is recorded on the Database (like an ostream's
// failbit), later steps on that connection return "no row", and the
// transaction that wraps them turns the record into a Problem. This keeps the
// SQL code straight-line without exceptions (STYLE.md practice 4).
class Statement {
public:
    Statement() = default;  // holds nothing until assigned one from Database::prepare
    Statement(Database& db, sqlite3_stmt* stmt);

    // Text bound by bind() is copied; bind_view() and bind_blob() keep a view
    // instead: the bytes must stay as they are until the statement is reset.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind_view(int index, std::string_view text);
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);

    // true when a row is available; false when done or failed.
    bool step();
    // Runs to completion; the number of rows changed by it.
    std::int64_t run();

    std::int64_t column_int(int index) const;
    std::string column_text(int index) const;
    std::string column_blob(int index) const;
    bool column_is_null(int index) const;

    // Back to the start with no bindings, so it holds no read snapshot open.
    void reset();

    sqlite3_stmt* handle() const { return stmt_.get(); }

private:
    Database* db_ = nullptr;
    std::unique_ptr<sqlite3_stmt, StatementFinalize> stmt_;
};

// A cached statement borrowed for one use; resets it when the use ends.
class StatementUse {
public:
    explicit StatementUse(Statement& s) : s_(&s) {}
    ~StatementUse() { s_->reset(); }
    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;
    Statement* operator->() { return s_; }
    Statement& operator*() { return *s_; }

private:
    Statement* s_;
};

// One connection. Not thread-safe: its owner serialises access.
class Database {
public:
    // Opens the file at `path`, creating it when missing unless read_only.
    static Result<std::unique_ptr<Database>> open(const std::string& path, OpenOptions options = {});

    // A cached prepared statement for `sql` (a string literal: the pointer is the key).
    StatementUse cached(const char* sql);
    // A statement of its own, for SQL built at run time. SQL that does not
    // compile throws std::logic_error under OnError::record (a bug in govbus's
    // SQL) and StorageError under OnError::raise (also a file whose tables
    // lack what the statement names).
    Statement prepare(const std::string& sql);
    // Runs one or more statements without results (pragmas, DDL, BEGIN/COMMIT).
    void exec(const std::string& sql);
    // The first column of the first row of `sql`, as text ("" when none).
    std::string query_text(const std::string& sql);
    bool has_table(const std::string& name);

    std::int64_t changes() const;
    std::int64_t last_insert_rowid() const;
    bool in_transaction() const;

    // The first error since the last clear, if any.
    const std::optional<Problem>& error() const { return error_; }
    std::optional<Problem> take_error();
    // Records (OnError::record) or throws (OnError::raise) a failure of `what`.
    void record_error(int rc, std::string_view what);

    sqlite3* handle() const { return db_.get(); }

    // PRAGMA synchronous for the next commits; a no-op when already set.
    void set_sync(Sync sync);

    Database(std::unique_ptr<sqlite3, ConnectionClose> db, std::string path, OpenOptions options);

private:
    sqlite3_stmt* compile(const std::string& sql, bool persistent);

    std::unique_ptr<sqlite3, ConnectionClose> db_;
    std::string path_;
    OpenOptions options_;
    std::map<const char*, std::unique_ptr<Statement>> cache_;
    std::optional<Problem> error_;
    int sync_ = -1;
};

// BEGIN IMMEDIATE ... COMMIT with the given sync level; rolls back unless
// commit() succeeded. Any error recorded inside fails the commit.
class Transaction {
public:
    Transaction(Database& db, Sync sync);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    Status commit();

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace govbus::sqlite
