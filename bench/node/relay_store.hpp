// The durable relay's store: each message the relay takes in is written to a
// SQLite database (WAL, synchronous=FULL) before it is forwarded, and removed
// once the receiver accepted it. One thread writes; what arrives while it
// commits goes into the next commit, so a commit and its fsync serve every
// message that waited for it. No indexes, no other rows: the least a relay
// must write to keep a message across a crash with the storage govbus uses
// (the same connection settings and WAL writes as the journal's).
#pragma once

#include "bus/core/sqlite.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace govbus::bench {

class RelayStore {
public:
    // `stored` runs on the store's thread after each commit with the numbers
    // of the messages it made durable, in the order they were added.
    using Stored = std::function<void(std::vector<std::uint64_t>)>;
    // Throws std::runtime_error when the database cannot be opened or set up.
    RelayStore(const std::string& path, Stored stored);
    ~RelayStore();
    RelayStore(const RelayStore&) = delete;
    RelayStore& operator=(const RelayStore&) = delete;

    void add(std::uint64_t number, std::string bytes);
    void remove(std::uint64_t number);

private:
    void run();

    std::unique_ptr<sqlite::Database> db_;  // its failures throw
    sqlite::Statement insert_, delete_;
    Stored stored_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<std::pair<std::uint64_t, std::string>> adds_;
    std::vector<std::uint64_t> removes_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace govbus::bench
