#include "bench/node/relay_store.hpp"

#include <sqlite3.h>

#include <iostream>
#include <stdexcept>

namespace govbus::bench {

void RelayStore::CloseDb::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void RelayStore::Finalize::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

RelayStore::RelayStore(const std::string& path, Stored stored) : stored_(std::move(stored)) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_.reset(db);
    if (rc != SQLITE_OK)
        throw std::runtime_error("relay store " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    // The least: a deleted message's pages go to the free list as they are.
    // (The journal overwrites them; it deletes long after delivery, though,
    // off the message's path.)
    exec("PRAGMA secure_delete=FAST");
    exec("CREATE TABLE IF NOT EXISTS messages(number INTEGER PRIMARY KEY, bytes BLOB NOT NULL)");
    insert_ = prepare("INSERT INTO messages(number, bytes) VALUES(?, ?)");
    delete_ = prepare("DELETE FROM messages WHERE number = ?");
    thread_ = std::thread([this] { run(); });
}

RelayStore::~RelayStore() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void RelayStore::add(std::uint64_t number, std::string bytes) {
    {
        std::lock_guard lock(mutex_);
        adds_.emplace_back(number, std::move(bytes));
    }
    wake_.notify_one();
}

void RelayStore::remove(std::uint64_t number) {
    {
        std::lock_guard lock(mutex_);
        removes_.push_back(number);
    }
    wake_.notify_one();
}

void RelayStore::exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string text = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error(std::string("relay store: ") + sql + ": " + text);
    }
}

RelayStore::Statement RelayStore::prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("relay store: ") + sql + ": " + sqlite3_errmsg(db_.get()));
    return Statement(s);
}

void RelayStore::step(sqlite3_stmt* s, const char* what) {
    if (sqlite3_step(s) != SQLITE_DONE)
        throw std::runtime_error(std::string("relay store: ") + what + ": " + sqlite3_errmsg(db_.get()));
    sqlite3_reset(s);
}

void RelayStore::run() {
    std::vector<std::pair<std::uint64_t, std::string>> adds;
    std::vector<std::uint64_t> removes;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !adds_.empty() || !removes_.empty(); });
            if (adds_.empty() && removes_.empty()) return;  // stopping, nothing left
            adds.swap(adds_);
            removes.swap(removes_);
        }
        std::vector<std::uint64_t> numbers;
        numbers.reserve(adds.size());
        try {
            exec("BEGIN IMMEDIATE");
            for (const auto& [number, bytes] : adds) {
                sqlite3_bind_int64(insert_.get(), 1, static_cast<sqlite3_int64>(number));
                sqlite3_bind_blob(insert_.get(), 2, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
                step(insert_.get(), "insert");
                numbers.push_back(number);
            }
            for (auto number : removes) {
                sqlite3_bind_int64(delete_.get(), 1, static_cast<sqlite3_int64>(number));
                step(delete_.get(), "delete");
            }
            exec("COMMIT");
        } catch (const std::exception& e) {
            // A benchmark that lost its store has no figures worth printing.
            std::cerr << "bench_node: " << e.what() << "\n";
            std::abort();
        }
        adds.clear();
        removes.clear();
        if (!numbers.empty()) stored_(std::move(numbers));
    }
}

}  // namespace govbus::bench
