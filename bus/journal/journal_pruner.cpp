#include "bus/journal/journal_pruner.hpp"

#include "bus/core/clock.hpp"
#include "bus/core/log.hpp"

#include <algorithm>

namespace govbus {

JournalPruner::JournalPruner(Journal& journal, Options options) : journal_(journal), options_(options) {
    thread_ = std::thread([this] { run(); });
}

JournalPruner::~JournalPruner() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

std::chrono::milliseconds JournalPruner::interval(std::chrono::milliseconds keep) {
    return std::clamp<std::chrono::milliseconds>(keep / 4, std::chrono::seconds(1), std::chrono::hours(1));
}

std::int64_t JournalPruner::removed() const {
    std::lock_guard lock(mutex_);
    return removed_;
}

std::int64_t JournalPruner::passes() const {
    std::lock_guard lock(mutex_);
    return passes_;
}

void JournalPruner::run() {
    const auto every = interval(options_.keep);
    for (;;) {
        if (!pass()) return;
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, every, [this] { return stopping_; })) return;
    }
}

bool JournalPruner::pass() {
    const TimePoint before = std::chrono::system_clock::now() - options_.keep;
    std::int64_t total = 0;
    for (;;) {
        const auto started = std::chrono::steady_clock::now();
        auto n = journal_.prune_delivered(before, options_.chunk);
        // A long backlog (the first pass on a journal of millions of rows)
        // takes the journal's writer at most a fifth of the time.
        const auto pause = std::max<std::chrono::steady_clock::duration>(
            options_.pause, 4 * (std::chrono::steady_clock::now() - started));
        if (!n) {
            GOVBUS_LOG(warn, "journal: removing delivered messages accepted before "
                                 << format_rfc3339(before) << " failed (" << n.problem().message << "); trying again in "
                                 << interval(options_.keep).count() / 1000 << " s");
            break;
        }
        total += *n;
        {
            std::unique_lock lock(mutex_);
            removed_ += *n;
            if (*n < options_.chunk) break;
            if (wake_.wait_for(lock, pause, [this] { return stopping_; })) return false;
        }
    }
    if (total > 0)
        GOVBUS_LOG(info, "journal: removed " << total << " delivered messages accepted before "
                                             << format_rfc3339(before) << "; their ids are no longer de-duplicated");
    std::lock_guard lock(mutex_);
    ++passes_;
    return !stopping_;
}

}  // namespace govbus
