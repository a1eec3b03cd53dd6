// Keeps the journal to what it still needs. A message stays while any of its
// deliveries is pending, in flight or a dead letter; once they are all done
// it stays `keep` after its accept, so that a sender or peer node resending
// it (a retry after a lost acknowledgement, a dead letter replayed) is still
// recognised by its id and not delivered twice. Past that it is removed,
// body and all: the journal is a store-and-forward, not an archive (the
// exchange log is the record, and it holds digests, not bodies).
//
// The paths accepts recorded go too: a query's reply path with the query,
// `keep` after it was recorded; a case path `keep_case_paths` after the case
// came down (a case may be answered months later). An answer arriving after
// its path is gone is routed by the table, which may refuse it.
//
// A thread prunes once at start and then every quarter of the shorter of
// `keep` and `keep_case_paths` (at least every second, at most every hour),
// `chunk` rows per transaction with a pause
// between of `pause` or four times the chunk's own time, whichever is longer,
// so that accepts waiting for the journal's writer get it.
#pragma once

#include "bus/journal/journal.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <mutex>
#include <stop_token>
#include <thread>

namespace govbus {

class JournalPruner {
public:
    struct Options {
        std::chrono::milliseconds keep{std::chrono::hours(24 * 7)};
        std::chrono::milliseconds keep_case_paths{std::chrono::hours(24 * 365)};
        std::int64_t chunk = 1000;
        std::chrono::milliseconds pause{20};  // between chunks, at least
    };

    JournalPruner(Journal& journal, Options options);
    // Stops the thread (a chunk under way finishes) and waits for it.
    ~JournalPruner() = default;
    JournalPruner(const JournalPruner&) = delete;
    JournalPruner& operator=(const JournalPruner&) = delete;

    // How often a pass runs for a given `keep`.
    static std::chrono::milliseconds interval(std::chrono::milliseconds keep);
    // How often this pruner's passes run.
    std::chrono::milliseconds every() const;

    // Messages and paths removed, and passes finished, since start.
    std::int64_t removed() const;
    std::int64_t paths_removed() const;
    std::int64_t passes() const;

private:
    void run(std::stop_token stop);
    // One pass: messages, reply paths, case paths. false when stopping.
    bool pass(std::stop_token stop);
    // What a drain removes, for its log lines: "journal: removed 1 case path
    // of cases that came down before TIME" and `after`.
    struct Rows {
        const char* one;    // "case path"
        const char* many;   // "case paths"
        const char* which;  // "of cases that came down"
        const char* after;  // "; their answers are now routed by the route table", or ""
    };
    // Chunks of `prune(chunk)` until one comes back short (or fails), then one
    // log line when any rows went; false when stopping. Each chunk's rows are
    // added to `counter` (under mutex_).
    using Prune = std::function<Result<std::int64_t>(std::int64_t limit)>;
    bool drain(const Prune& prune, const Rows& rows, TimePoint before, std::int64_t& counter, std::stop_token stop);

    Journal& journal_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable_any wake_;  // only ever woken by the stop request
    std::int64_t removed_ = 0;
    std::int64_t paths_removed_ = 0;
    std::int64_t passes_ = 0;
    std::jthread thread_;  // last: destroyed (stopped and joined) first
};

}  // namespace govbus
