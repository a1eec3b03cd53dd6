#include "bench/node/relay_store.hpp"

#include <iostream>
#include <stdexcept>

namespace govbus::bench {

RelayStore::RelayStore(const std::string& path, Stored stored) : stored_(std::move(stored)) {
    auto db =
        sqlite::Database::open(path, {.what = "relay store", .code = "relay", .on_error = sqlite::OnError::raise});
    if (!db) throw std::runtime_error(db.problem().message);
    db_ = std::move(*db);
    db_->exec("PRAGMA journal_mode=WAL");
    db_->exec("PRAGMA synchronous=FULL");
    // The least: a deleted message's pages go to the free list as they are.
    // (The journal overwrites them; it deletes long after delivery, though,
    // off the message's path.)
    db_->exec("PRAGMA secure_delete=FAST");
    db_->exec("CREATE TABLE IF NOT EXISTS messages(number INTEGER PRIMARY KEY, bytes BLOB NOT NULL)");
    insert_ = db_->prepare("INSERT INTO messages(number, bytes) VALUES(?1, ?2)");
    delete_ = db_->prepare("DELETE FROM messages WHERE number = ?1");
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
            db_->exec("BEGIN IMMEDIATE");
            for (const auto& [number, bytes] : adds) {
                insert_.bind(1, static_cast<std::int64_t>(number)).bind_blob(2, bytes);
                insert_.run();
                insert_.reset();
                numbers.push_back(number);
            }
            for (auto number : removes) {
                delete_.bind(1, static_cast<std::int64_t>(number));
                delete_.run();
                delete_.reset();
            }
            db_->exec("COMMIT");
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
