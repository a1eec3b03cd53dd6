// RAII handles over the SQLite C API for the exchange log: a connection and a
// prepared statement with typed binds and column reads.
#pragma once

#include "bus/core/problem.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace govbus::audit {

struct SqliteClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, const std::string& sql);  // throws on SQL that does not compile (a bug)

    Statement& bind(int index, std::int64_t v);
    Statement& bind(int index, const std::string& v);
    // Without a copy: `v` must stay as it is until the statement is reset.
    Statement& bind_view(int index, std::string_view v);
    Statement& bind_blob(int index, const std::string& bytes);
    Statement& bind_null(int index);
    // SQLITE_ROW -> true, SQLITE_DONE -> false; other codes throw (I/O errors on a local file are fatal).
    bool step();
    void reset();

    std::int64_t int64(int col) const { return sqlite3_column_int64(s_.get(), col); }
    bool is_null(int col) const { return sqlite3_column_type(s_.get(), col) == SQLITE_NULL; }
    std::string text(int col) const;
    std::string blob(int col) const;
    sqlite3_stmt* get() const { return s_.get(); }

private:
    std::unique_ptr<sqlite3_stmt, SqliteFinalize> s_;
};

class Database {
public:
    enum class Mode { read_only, read_write_create };
    static Result<Database> open(const std::string& path, Mode mode);

    void exec(const std::string& sql);  // throws on failure
    Statement prepare(const std::string& sql) { return Statement(db_.get(), sql); }
    bool has_table(const std::string& name);
    std::optional<std::string> meta(const std::string& key);  // meta(key, value) table
    void set_meta(const std::string& key, const std::string& value);
    sqlite3* get() const { return db_.get(); }

private:
    std::unique_ptr<sqlite3, SqliteClose> db_;
};

}  // namespace govbus::audit
