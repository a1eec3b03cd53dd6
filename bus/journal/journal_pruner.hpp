// Keeps the journal to what it still needs. A message stays while any of its
// deliveries is pending, in flight or a dead letter; once they are all done
// it stays `keep` after its accept, so that a sender or peer node resending
// it (a retry after a lost acknowledgement, a dead letter replayed) is still
// recognised by its id and not delivered twice. Past that it is removed,
// body and all: the journal is a store-and-forward, not an archive (the
// exchange log is the record, and it holds digests, not bodies).
//
// A thread prunes once at start and then every `keep` / 4 (at least every
// second, at most every hour), `chunk` messages per transaction with a pause
// between of `pause` or four times the chunk's own time, whichever is longer,
// so that accepts waiting for the journal's writer get it.
#pragma once

#include "bus/journal/journal.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace govbus {

class JournalPruner {
public:
    struct Options {
        std::chrono::milliseconds keep{std::chrono::hours(24 * 7)};
        std::int64_t chunk = 1000;
        std::chrono::milliseconds pause{20};  // between chunks, at least
    };

    JournalPruner(Journal& journal, Options options);
    ~JournalPruner();
    JournalPruner(const JournalPruner&) = delete;
    JournalPruner& operator=(const JournalPruner&) = delete;

    // How often a pass runs for a given `keep`.
    static std::chrono::milliseconds interval(std::chrono::milliseconds keep);

    // Messages removed and passes finished since start.
    std::int64_t removed() const;
    std::int64_t passes() const;

private:
    void run();
    // One pass: chunks until one comes back short. false when stopping.
    bool pass();

    Journal& journal_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::int64_t removed_ = 0;
    std::int64_t passes_ = 0;
    std::thread thread_;
};

}  // namespace govbus
