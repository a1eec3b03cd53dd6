#define BOOST_TEST_MODULE journal_crash
#include <boost/test/unit_test.hpp>

#include "tests/bus/journal/journal_fixture.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>

using namespace govbus;
using namespace govbus::test;
using namespace std::chrono_literals;

extern char** environ;

namespace {

// Starts journal_crash_writer, reads acked ids until `want` have arrived,
// kills it with SIGKILL at that moment, then collects every whole line it
// had written before it died (each was acked before it was written).
std::vector<std::string> run_and_kill(const std::string& db, const std::string& prefix, std::size_t want) {
    int fds[2];
    BOOST_REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::string exe = JOURNAL_CRASH_WRITER;
    std::vector<char*> argv = {exe.data(), const_cast<char*>(db.c_str()), const_cast<char*>(prefix.c_str()),
                               const_cast<char*>("4"), nullptr};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    BOOST_REQUIRE_MESSAGE(rc == 0, "cannot start " << exe);

    std::string text;
    auto lines = [&] { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); };
    auto deadline = std::chrono::steady_clock::now() + 60s;
    char buf[4096];
    while (lines() < want && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, 200) <= 0) continue;
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0) break;  // the writer died on its own
        text.append(buf, static_cast<std::size_t>(n));
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_TEST_REQUIRE(lines() >= want, "the writer acked only " << lines() << " messages");
    BOOST_TEST(WIFSIGNALED(status));
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);

    std::vector<std::string> ids;
    std::istringstream in(text.substr(0, text.rfind('\n') + 1));
    for (std::string line; std::getline(in, line);) ids.push_back(line);
    return ids;
}

}  // namespace

BOOST_AUTO_TEST_CASE(loses_no_acked_message_when_the_writer_is_killed_mid_stream) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    std::vector<std::string> acked;
    // Three lives, each killed while four threads accept: the second and third
    // also open a journal the previous one left mid-transaction.
    for (int round = 0; round < 3; ++round) {
        auto ids = run_and_kill(db, "r" + std::to_string(round), 200);
        BOOST_TEST_MESSAGE("round " << round << ": " << ids.size() << " acked before SIGKILL");
        acked.insert(acked.end(), ids.begin(), ids.end());
    }

    auto j = open_journal(db);
    for (const auto& id : acked) BOOST_TEST(*j->contains(id), id << " was acked but is not in the journal");

    // Each acked message is in the outbox exactly once, and the per-case order
    // (one case per writer thread) is the order the writer acked them in.
    std::map<std::string, int> seen;
    std::vector<Delivery> all;
    const auto far = std::chrono::system_clock::now() + 1h;
    for (;;) {
        auto batch = j->take_ready("endpoint:crash", far, 1000);
        BOOST_REQUIRE(batch.ok());
        if (batch->empty()) break;
        for (auto& d : *batch) {
            ++seen[d.message_id];
            BOOST_REQUIRE(j->delivered(d.id).ok());
            all.push_back(std::move(d));
        }
    }
    for (const auto& id : acked) {
        auto it = seen.find(id);
        int n = it == seen.end() ? 0 : it->second;
        BOOST_TEST(n == 1, id << " is in the outbox " << n << " times");
    }
    for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id << " delivered " << n << " times");
    BOOST_TEST(all.size() >= acked.size());  // unacked-but-committed ones may be there too
    // Bodies as written: the odd-numbered ones (20 000 bytes) from segment
    // files, a new one for each life of the writer.
    for (const auto& d : all) {
        const bool large = std::stoi(d.message_id.substr(d.message_id.rfind('-') + 1)) % 2 == 1;
        BOOST_TEST(d.body.size() == (large ? 20000u : 1024u), d.message_id);
        BOOST_TEST(d.body.starts_with(d.message_id + ":"), d.message_id);
        BOOST_TEST(!d.unreadable, d.message_id);
    }
    BOOST_TEST(std::filesystem::exists(db + "-bodies/00000003.seg"));
}
