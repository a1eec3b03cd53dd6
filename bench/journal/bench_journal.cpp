// Journal accept throughput: closed-loop submitters (each waits for its ack,
// like a sender) against a fresh journal file, for small and large messages.
// Prints a Markdown section for bench/RESULTS.md.
//   bench_journal [--seconds N] [--dir PATH] [--durability power_loss|process_crash|both] [--backlog N]
//                 [--sizes KIB,KIB,...] [--submitters N,N,...] [--segment-body-bytes N]
#include "bus/journal/journal.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

using namespace govbus;
using Steady = std::chrono::steady_clock;

namespace {

struct Outcome {
    double accepts_per_s = 0;
    double commits_per_s = 0;
    double per_commit = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double cpu_us = 0;  // process CPU (submitters, writer, checkpointer) per accept
};

void remove_journal(const std::filesystem::path& file) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    std::filesystem::remove_all(file.string() + "-bodies");
}

double process_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto s = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return s(u.ru_utime) + s(u.ru_stime);
}

Outcome run(const std::filesystem::path& dir, std::size_t body_size, int submitters, double seconds,
            Durability durability, std::size_t segment_body_bytes) {
    std::filesystem::path file = dir / "bench-journal.db";
    remove_journal(file);
    JournalOptions options;
    options.durability = durability;
    options.segment_body_bytes = segment_body_bytes;
    auto opened = Journal::open(file.string(), options);
    if (!opened) {
        std::cerr << opened.problem().to_string() << "\n";
        std::exit(1);
    }
    Journal& journal = **opened;
    const std::string body(body_size, 'x');
    std::atomic<bool> stop{false};
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(submitters));
    std::vector<std::thread> threads;
    const auto started = Steady::now();
    const double cpu_started = process_cpu_seconds();
    for (int t = 0; t < submitters; ++t) {
        threads.emplace_back([&, t] {
            for (long n = 0; !stop.load(std::memory_order_relaxed); ++n) {
                Accept a;
                a.message_id = std::to_string(t) + "-" + std::to_string(n);
                a.type = "data.query";
                a.source = "bench";
                a.content_type = "application/json";
                a.body = body;
                a.created = std::chrono::system_clock::now();
                a.destinations = {"endpoint:bench"};
                auto t0 = Steady::now();
                auto r = journal.accept(std::move(a));
                if (!r) {
                    std::cerr << r.problem().to_string() << "\n";
                    std::exit(1);
                }
                latencies[static_cast<std::size_t>(t)].push_back(
                    std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(Steady::now() - started).count();
    const double cpu = process_cpu_seconds() - cpu_started;
    auto s = journal.stats();
    std::vector<double> all;
    for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    Outcome o;
    o.accepts_per_s = static_cast<double>(s->accepted) / elapsed;
    o.commits_per_s = static_cast<double>(s->commits) / elapsed;
    o.per_commit = s->commits ? static_cast<double>(s->accepted) / static_cast<double>(s->commits) : 0;
    o.cpu_us = s->accepted ? cpu * 1e6 / static_cast<double>(s->accepted) : 0;
    if (!all.empty()) {
        o.p50_ms = all[all.size() / 2];
        o.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    }
    return o;
}

// Drains a backlog of `backlog` messages (1 KiB, `cases` case numbers, four
// destinations) through take_ready(100) + delivered(), as the node would,
// and times the calls that run on every wake-up.
void drain_backlog(const std::filesystem::path& dir, int backlog, int cases) {
    std::filesystem::path file = dir / "bench-journal.db";
    remove_journal(file);
    auto journal = std::move(*Journal::open(file.string()));
    const std::string body(1024, 'x');
    std::atomic<int> left{backlog};
    for (int n = 0; n < backlog; ++n) {
        Accept a;
        a.message_id = "b-" + std::to_string(n);
        a.case_number = "CASE-" + std::to_string(n % cases);
        a.type = "case.process";
        a.body = body;
        a.destinations = {"endpoint:d" + std::to_string(n % 4)};
        journal->submit(std::move(a), [&](AcceptResult) { --left; });
    }
    while (left.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto ms = [](Steady::time_point t0) { return std::chrono::duration<double, std::milli>(Steady::now() - t0).count(); };
    double t_work = 0, t_due = 0, t_take = 0, t_done = 0;
    long wakes = 0, delivered = 0;
    const auto started = Steady::now();
    for (;;) {
        auto now = std::chrono::system_clock::now();
        auto t0 = Steady::now();
        auto dests = *journal->destinations_with_work(now);
        t_work += ms(t0);
        t0 = Steady::now();
        (void)journal->next_due();
        t_due += ms(t0);
        if (dests.empty()) break;
        ++wakes;
        for (const auto& d : dests) {
            t0 = Steady::now();
            auto taken = *journal->take_ready(d, now, 100);
            t_take += ms(t0);
            t0 = Steady::now();
            std::vector<std::int64_t> ids;
            for (const auto& x : taken) ids.push_back(x.id);
            (void)journal->delivered(ids);
            t_done += ms(t0);
            delivered += static_cast<long>(taken.size());
        }
    }
    std::printf("\nOutbox drain: %d accepted 1 KiB messages in %d cases to 4 destinations, drained with "
                "take_ready(100) and one delivered(ids) per take: %.0f deliveries/s; %ld wake-ups; mean "
                "destinations_with_work %.2f ms, next_due %.2f ms, take_ready %.2f ms, delivered(ids) %.3f ms per delivery.\n",
                backlog, cases, static_cast<double>(delivered) / std::chrono::duration<double>(Steady::now() - started).count(),
                wakes, t_work / static_cast<double>(wakes + 1), t_due / static_cast<double>(wakes + 1),
                t_take / static_cast<double>(wakes * 4), t_done / static_cast<double>(std::max(delivered, 1L)));
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    }
    return "unknown CPU";
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 3;
    std::filesystem::path dir = std::filesystem::temp_directory_path();
    std::string which = "both";
    int backlog = 20000;
    std::vector<std::size_t> sizes = {1024, 64 * 1024};
    std::vector<int> submitter_counts = {1, 8, 64};
    std::size_t segment_body_bytes = JournalOptions{}.segment_body_bytes;
    const auto numbers = [](const std::string& list, std::size_t unit) {
        std::vector<std::size_t> out;
        for (std::size_t at = 0; at < list.size();) {
            const std::size_t comma = std::min(list.find(',', at), list.size());
            out.push_back(std::stoul(list.substr(at, comma - at)) * unit);
            at = comma + 1;
        }
        return out;
    };
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--seconds") {
            seconds = std::stod(v);
        } else if (k == "--sizes") {
            sizes = numbers(v, 1024);
        } else if (k == "--submitters") {
            submitter_counts.clear();
            for (std::size_t n : numbers(v, 1)) submitter_counts.push_back(static_cast<int>(n));
        } else if (k == "--segment-body-bytes") {
            segment_body_bytes = std::stoul(v);
        } else if (k == "--dir") {
            dir = v;
        } else if (k == "--durability") {
            which = v;
        } else if (k == "--backlog") {
            backlog = std::stoi(v);
        }
    }
    utsname u{};
    uname(&u);
    char date[32];
    std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::printf("## Journal (issue 3)\n\n");
    std::printf("`bench_journal --seconds %g`, %s. Machine: %s, %u hardware threads, %s %s; journal file in "
                "`%s`. Each submitter sends one message and waits for its ack before the next (closed loop); "
                "one destination per message. Fresh journal per row.\n\n",
                seconds, date, cpu_model().c_str(), std::thread::hardware_concurrency(), u.sysname, u.release,
                dir.c_str());
    std::vector<Durability> modes;
    if (which != "process_crash") modes.push_back(Durability::power_loss);
    if (which != "power_loss") modes.push_back(Durability::process_crash);
    std::printf("Bodies of %zu bytes or more in segment files (0: none).\n\n", segment_body_bytes);
    std::printf(
        "| durability | message | submitters | accepts/s | commits/s | messages/commit | ack p50 ms | ack p99 ms "
        "| CPU µs/accept |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    for (Durability d : modes) {
        for (std::size_t size : sizes) {
            for (int submitters : submitter_counts) {
                Outcome o = run(dir, size, submitters, seconds, d, segment_body_bytes);
                std::printf("| %s | %zu KiB | %d | %.0f | %.0f | %.1f | %.2f | %.2f | %.0f |\n",
                            d == Durability::power_loss ? "power_loss (FULL)" : "process_crash (NORMAL)", size / 1024,
                            submitters, o.accepts_per_s, o.commits_per_s, o.per_commit, o.p50_ms, o.p99_ms, o.cpu_us);
                std::fflush(stdout);
            }
        }
    }
    drain_backlog(dir, backlog, backlog / 10);
    remove_journal(dir / "bench-journal.db");
}
