// Checkpoints a SQLite database's WAL from a thread and connection of its own.
//
// Left to itself, SQLite checkpoints in the commit that takes the WAL past
// wal_autocheckpoint pages (1000): the journal's group commit or the exchange
// log's writer stops to copy the WAL into the database, and under load does
// so every few dozen milliseconds, each time copying pages that the next
// commits change again. Here a checkpoint (PASSIVE: it never waits for the
// writer or a reader) runs every `every` instead, beside the writer. bench/
// RESULTS.md has the measurements.
//
// The writer keeps its own automatic checkpoint, raised to `backstop_pages`,
// so that a WAL this thread cannot keep up with still gets checkpointed.
#pragma once

#include "bus/core/problem.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

struct sqlite3;

namespace govbus {

class WalCheckpointer {
public:
    struct Options {
        std::chrono::milliseconds every{50};
        int backstop_pages = 10000;  // the writer's wal_autocheckpoint while this runs
    };

    // Opens a connection to the database at `path` (in WAL mode already,
    // opened by `writer`) and starts checkpointing it; sets the writer's
    // automatic checkpoint to the backstop. Call from the writer's thread
    // before it commits, or while it is idle.
    static Result<std::unique_ptr<WalCheckpointer>> start(sqlite3* writer, const std::string& path, Options options);
    static Result<std::unique_ptr<WalCheckpointer>> start(sqlite3* writer, const std::string& path) {
        return start(writer, path, Options{});
    }

    // Stops the thread (a checkpoint under way finishes) and waits for it.
    ~WalCheckpointer() = default;
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Checkpoints run while the WAL held frames, since start.
    std::int64_t checkpoints() const;

private:
    struct CloseDb {
        void operator()(sqlite3* db) const;
    };
    WalCheckpointer(std::unique_ptr<sqlite3, CloseDb> db, std::string path, Options options);
    void run(std::stop_token stop);

    std::unique_ptr<sqlite3, CloseDb> db_;
    std::string path_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable_any wake_;  // only ever woken by the stop request
    std::int64_t checkpoints_ = 0;
    bool warned_ = false;
    std::jthread thread_;  // last: destroyed (stopped and joined) first
};

}  // namespace govbus
