#include "audit/sqlite_db.hpp"

#include "bus/core/sqlite_config.hpp"

#include <stdexcept>

namespace govbus::audit {

Statement::Statement(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK)
        throw std::runtime_error("exchange log SQL: " + std::string(sqlite3_errmsg(db)) + " in: " + sql);
    s_.reset(s);
}

Statement& Statement::bind(int index, std::int64_t v) {
    sqlite3_bind_int64(s_.get(), index, v);
    return *this;
}
Statement& Statement::bind(int index, const std::string& v) {
    sqlite3_bind_text(s_.get(), index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::bind_view(int index, std::string_view v) {
    sqlite3_bind_text(s_.get(), index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
}
Statement& Statement::bind_blob(int index, const std::string& bytes) {
    sqlite3_bind_blob(s_.get(), index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
}
Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(s_.get(), index);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(s_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error("exchange log SQLite: " + std::string(sqlite3_errmsg(sqlite3_db_handle(s_.get()))));
}

void Statement::reset() {
    sqlite3_reset(s_.get());
    sqlite3_clear_bindings(s_.get());
}

std::string Statement::text(int col) const {
    auto p = sqlite3_column_text(s_.get(), col);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_.get(), col)));
}

std::string Statement::blob(int col) const {
    auto p = sqlite3_column_blob(s_.get(), col);
    if (!p) return {};
    return std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_.get(), col)));
}

Result<Database> Database::open(const std::string& path, Mode mode) {
    configure_sqlite_once();
    sqlite3* raw = nullptr;
    int flags = mode == Mode::read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Database d;
    d.db_.reset(raw);
    if (rc != SQLITE_OK)
        return make_problem("audit.open", "cannot open exchange log '" + path + "': " +
                                              (raw ? sqlite3_errmsg(raw) : "out of memory") +
                                              "; check the path and permissions");
    sqlite3_busy_timeout(raw, 5000);
    return d;
}

void Database::exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw std::runtime_error("exchange log SQL: " + msg);
    }
}

bool Database::has_table(const std::string& name) {
    auto s = prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    s.bind(1, name);
    return s.step();
}

std::optional<std::string> Database::meta(const std::string& key) {
    if (!has_table("meta")) return std::nullopt;
    auto s = prepare("SELECT value FROM meta WHERE key=?");
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void Database::set_meta(const std::string& key, const std::string& value) {
    auto s = prepare("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    s.bind(1, key).bind(2, value);
    s.step();
}

}  // namespace govbus::audit
