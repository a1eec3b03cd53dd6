// Accepts messages into a journal until killed, printing each message id on
// stdout (flushed) once the journal has acked it. The crash test kills it
// with SIGKILL and checks that every printed id survived, body and all.
//   journal_crash_writer <journal file> <id prefix> [submitter threads]
#include "bus/journal/journal.hpp"

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: journal_crash_writer <journal file> <id prefix> [threads]\n");
        return 2;
    }
    const std::string prefix = argv[2];
    const int threads = argc > 3 ? std::stoi(argv[3]) : 4;
    auto opened = govbus::Journal::open(argv[1]);
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.problem().to_string().c_str());
        return 1;
    }
    govbus::Journal& journal = **opened;
    std::mutex out;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (long n = 0;; ++n) {
                govbus::Accept a;
                a.message_id = prefix + "-" + std::to_string(t) + "-" + std::to_string(n);
                a.case_number = "CASE-" + std::to_string(t);
                a.type = "case.apply";
                a.source = "crash.writer";
                a.content_type = "application/json";
                // Every other body is large enough for a segment file.
                a.body = a.message_id + ":";
                a.body.resize(n % 2 ? 20000 : 1024, static_cast<char>('a' + t % 26));
                a.created = std::chrono::system_clock::now();
                a.destinations = {"endpoint:crash"};
                auto r = journal.accept(std::move(a));
                if (!r || *r != govbus::AcceptOutcome::accepted) {
                    std::fprintf(stderr, "accept failed\n");
                    std::_Exit(1);
                }
                // One write() per line: the line is either whole in the pipe or absent.
                std::string line = prefix + "-" + std::to_string(t) + "-" + std::to_string(n) + "\n";
                std::lock_guard lock(out);
                std::fwrite(line.data(), 1, line.size(), stdout);
                std::fflush(stdout);
            }
        });
    }
    for (auto& w : workers) w.join();
}
