#include "bus/journal/journal_pruner.hpp"

#include "bus/core/clock.hpp"
#include "bus/core/log.hpp"
#include "bus/core/thread_name.hpp"
#include "bus/core/wording.hpp"

#include <algorithm>

namespace govbus {

JournalPruner::JournalPruner(Journal& journal, Options options) : journal_(journal), options_(options) {
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

std::chrono::milliseconds JournalPruner::interval(std::chrono::milliseconds keep) {
    return std::clamp<std::chrono::milliseconds>(keep / 4, std::chrono::seconds(1), std::chrono::hours(1));
}

std::int64_t JournalPruner::removed() const {
    std::lock_guard lock(mutex_);
    return removed_;
}

std::int64_t JournalPruner::paths_removed() const {
    std::lock_guard lock(mutex_);
    return paths_removed_;
}

std::int64_t JournalPruner::passes() const {
    std::lock_guard lock(mutex_);
    return passes_;
}

std::chrono::milliseconds JournalPruner::every() const {
    return interval(std::min(options_.keep, options_.keep_case_paths));
}

void JournalPruner::run(std::stop_token stop) {
    name_this_thread("journal-prune");
    const auto stopped = [&stop] { return stop.stop_requested(); };
    while (pass(stop)) {
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, stop, every(), stopped)) return;
    }
}

bool JournalPruner::pass(std::stop_token stop) {
    const auto now = std::chrono::system_clock::now();
    const TimePoint before = now - options_.keep;
    if (!drain([&](std::int64_t n) { return journal_.prune_delivered(before, n); },
               {"delivered message", "delivered messages", "accepted", "; their ids are no longer de-duplicated"},
               before, removed_, stop))
        return false;
    if (!drain([&](std::int64_t n) { return journal_.prune_paths(PathKind::reply_path, before, n); },
               {"reply path", "reply paths", "of queries sent", ""}, before, paths_removed_, stop))
        return false;
    const TimePoint cases_before = now - options_.keep_case_paths;
    if (!drain([&](std::int64_t n) { return journal_.prune_paths(PathKind::case_path, cases_before, n); },
               {"case path", "case paths", "of cases that came down",
                "; their answers are now routed by the route table"},
               cases_before, paths_removed_, stop))
        return false;
    std::lock_guard lock(mutex_);
    ++passes_;
    return !stop.stop_requested();
}

bool JournalPruner::drain(const Prune& prune, const Rows& rows, TimePoint before, std::int64_t& counter,
                          std::stop_token stop) {
    std::int64_t total = 0;
    auto say_removed = [&] {
        if (total > 0)
            GOVBUS_LOG(info, "journal: removed " << count_of(total, rows.one, rows.many) << " " << rows.which
                                                 << " before " << format_rfc3339(before) << rows.after);
    };
    for (;;) {
        const auto started = std::chrono::steady_clock::now();
        auto n = prune(options_.chunk);
        // A long backlog (the first pass on a journal of millions of rows)
        // takes the journal's writer at most a fifth of the time.
        const auto pause = std::max<std::chrono::steady_clock::duration>(
            options_.pause, 4 * (std::chrono::steady_clock::now() - started));
        if (!n) {
            GOVBUS_LOG(warn, "journal: removing " << rows.many << " " << rows.which << " before "
                                                  << format_rfc3339(before) << " failed (" << n.problem().message
                                                  << "); trying again in " << every().count() / 1000 << " s");
            say_removed();
            return true;
        }
        total += *n;
        {
            std::unique_lock lock(mutex_);
            counter += *n;
            if (*n >= options_.chunk && wake_.wait_for(lock, stop, pause, [&stop] { return stop.stop_requested(); }))
                return false;
        }
        if (*n < options_.chunk) {
            say_removed();
            return true;
        }
    }
}

}  // namespace govbus
