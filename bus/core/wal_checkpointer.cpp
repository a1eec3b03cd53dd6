#include "bus/core/wal_checkpointer.hpp"

#include "bus/core/log.hpp"
#include "bus/core/sqlite_config.hpp"
#include "bus/core/thread_name.hpp"

#include <sqlite3.h>

namespace govbus {

void WalCheckpointer::CloseDb::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(sqlite3* writer, const std::string& path,
                                                               Options options) {
    configure_sqlite_once();
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, CloseDb> db(raw);
    if (rc != SQLITE_OK)
        return make_problem("storage.open", "cannot open " + path + " to checkpoint it: " +
                                                (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    // Reading the journal mode makes the connection open the WAL; a
    // connection that has not would find nothing to checkpoint.
    std::string mode;
    sqlite3_exec(
        db.get(), "PRAGMA journal_mode",
        [](void* out, int, char** values, char**) {
            if (values[0]) *static_cast<std::string*>(out) = values[0];
            return 0;
        },
        &mode, nullptr);
    if (mode != "wal")
        return make_problem("storage.open", "cannot checkpoint " + path + ": it is not in WAL mode (journal mode '" +
                                                mode + "')");
    // A checkpoint that finds the writer mid-commit gives up at once (PASSIVE
    // does not wait); the next one comes `every` later.
    sqlite3_busy_timeout(db.get(), 0);
    sqlite3_wal_autocheckpoint(writer, options.backstop_pages);
    return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(std::move(db), path, options));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<sqlite3, CloseDb> db, std::string path, Options options)
    : db_(std::move(db)), path_(std::move(path)), options_(options) {
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

std::int64_t WalCheckpointer::checkpoints() const {
    std::lock_guard lock(mutex_);
    return checkpoints_;
}

void WalCheckpointer::run(std::stop_token stop) {
    name_this_thread("wal-checkpoint");
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, stop, options_.every, [&stop] { return stop.stop_requested(); })) {
        lock.unlock();
        int frames = 0, copied = 0;
        const int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
        lock.lock();
        if (rc == SQLITE_OK) {
            if (frames > 0) ++checkpoints_;
            warned_ = false;
        } else if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED && !warned_) {
            // The writer's own checkpoint (the backstop) still keeps the WAL bounded.
            GOVBUS_LOG(warn, "checkpointing " << path_ << " failed: " << sqlite3_errmsg(db_.get())
                                              << "; its writer checkpoints every " << options_.backstop_pages
                                              << " pages instead until this works again");
            warned_ = true;
        }
    }
}

}  // namespace govbus
