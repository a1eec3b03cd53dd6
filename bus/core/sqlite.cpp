// RAII ownership of SQLite connections and statements.
#include "bus/core/sqlite.hpp"

#include "bus/core/sqlite_config.hpp"

#include <sqlite3.h>

namespace govbus::sqlite {

void ConnectionClose::operator()(sqlite3* db) const {
    // sqlite3_close_v2 defers the close until every statement is finalized,
    // so the order in which members are destroyed does not matter.
    sqlite3_close_v2(db);
}

void StatementFinalize::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

namespace {

std::string reason_code(const std::string& prefix, int rc) {
    switch (rc & 0xff) {
        case SQLITE_FULL:
            return prefix + ".disk_full";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return prefix + ".busy";
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return prefix + ".corrupt";
        case SQLITE_READONLY:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
            return prefix + ".unwritable";
        default:
            return prefix + ".storage";
    }
}

}  // namespace

// --- Statement ---

Statement::Statement(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}

Statement& Statement::bind(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_.get(), index, value);
    if (rc != SQLITE_OK) db_->record_error(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_->record_error(rc, "bind");
    return *this;
}

Statement& Statement::bind_view(int index, std::string_view text) {
    int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_->record_error(rc, "bind");
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    // SQLITE_STATIC: the caller's bytes outlive the step (bodies can be large; no copy).
    int rc = sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_STATIC);
    if (rc != SQLITE_OK) db_->record_error(rc, "bind");
    return *this;
}

Statement& Statement::bind_null(int index) {
    int rc = sqlite3_bind_null(stmt_.get(), index);
    if (rc != SQLITE_OK) db_->record_error(rc, "bind");
    return *this;
}

bool Statement::step() {
    if (db_->error()) return false;
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) db_->record_error(rc, sqlite3_sql(stmt_.get()));
    return false;
}

std::int64_t Statement::run() {
    while (step()) {
    }
    return db_->error() ? 0 : db_->changes();
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_.get(), index); }

std::string Statement::column_text(int index) const {
    const unsigned char* p = sqlite3_column_text(stmt_.get(), index);
    int n = sqlite3_column_bytes(stmt_.get(), index);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::string Statement::column_blob(int index) const {
    const void* p = sqlite3_column_blob(stmt_.get(), index);
    int n = sqlite3_column_bytes(stmt_.get(), index);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL; }

void Statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

// --- Database ---

Database::Database(std::unique_ptr<sqlite3, ConnectionClose> db, std::string path, OpenOptions options)
    : db_(std::move(db)), path_(std::move(path)), options_(std::move(options)) {}

Result<std::unique_ptr<Database>> Database::open(const std::string& path, OpenOptions options) {
    configure_sqlite_once();
    sqlite3* raw = nullptr;
    // NOMUTEX: each connection is used by one thread at a time (its owner locks).
    const int access = options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(path.c_str(), &raw, access | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, ConnectionClose> owned(raw);
    if (rc != SQLITE_OK) {
        std::string why = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        return make_problem(reason_code(options.code, rc),
                            "cannot open the " + options.what + " '" + path + "': " + why +
                                (options.read_only ? "; check the path and that it is readable"
                                                   : "; check the directory exists and is writable"));
    }
    sqlite3_extended_result_codes(raw, 1);
    if (options.busy_timeout_ms > 0) sqlite3_busy_timeout(raw, options.busy_timeout_ms);
    return std::make_unique<Database>(std::move(owned), path, std::move(options));
}

sqlite3_stmt* Database::compile(const std::string& sql, bool persistent) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()),
                                persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, nullptr);
    if (rc == SQLITE_OK) return raw;
    sqlite3_finalize(raw);
    std::string why = sqlite3_errmsg(db_.get());
    if (options_.on_error == OnError::raise)
        throw StorageError(make_problem(reason_code(options_.code, rc), "cannot use the " + options_.what + " '" +
                                                                            path_ + "' (" + why + ") in: " + sql));
    // Under OnError::record the SQL is govbus's own and fixed: one that does not compile is a bug.
    throw std::logic_error(options_.what + " SQL does not compile: " + why + ": " + sql);
}

StatementUse Database::cached(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<Statement>(*this, compile(sql, true))).first;
    return StatementUse(*it->second);
}

Statement Database::prepare(const std::string& sql) { return Statement(*this, compile(sql, false)); }

void Database::exec(const std::string& sql) {
    if (error_) return;
    int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) record_error(rc, sql);
}

std::string Database::query_text(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, StatementFinalize> stmt(raw);
    if (rc != SQLITE_OK) {
        record_error(rc, sql);
        return {};
    }
    Statement s(*this, stmt.release());
    return s.step() ? s.column_text(0) : std::string();
}

bool Database::has_table(const std::string& name) {
    Statement s = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    s.bind(1, name);
    return s.step();
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_.get()); }

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

std::optional<Problem> Database::take_error() {
    std::optional<Problem> p = std::move(error_);
    error_.reset();
    return p;
}

void Database::record_error(int rc, std::string_view what) {
    if (error_) return;
    std::string why = sqlite3_errmsg(db_.get());
    Problem p = make_problem(reason_code(options_.code, rc),
                             options_.what + " storage failed (" + why + ") in: " + std::string(what) +
                                 "; check disk space and the health of '" + path_ + "'");
    if (options_.on_error == OnError::raise) throw StorageError(std::move(p));
    error_ = std::move(p);
}

void Database::set_sync(Sync sync) {
    if (sync_ == static_cast<int>(sync)) return;
    exec(sync == Sync::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    if (!error_) sync_ = static_cast<int>(sync);
}

// --- Transaction ---

Transaction::Transaction(Database& db, Sync sync) : db_(db) {
    db_.set_sync(sync);
    db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (!done_ && db_.in_transaction()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::commit() {
    done_ = true;
    if (!db_.error()) db_.exec("COMMIT");
    if (auto p = db_.take_error()) {
        if (db_.in_transaction()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        return *p;
    }
    return ok_status();
}

}  // namespace govbus::sqlite
