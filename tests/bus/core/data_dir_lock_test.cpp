// One node per data directory: the lock a second opener is refused, its
// holder named, and free again once released.
#define BOOST_TEST_MODULE data_dir_lock
#include "bus/core/data_dir_lock.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/support/temp_dir.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using govbus::DataDirLock;

using govbus::test::TempDir;

BOOST_AUTO_TEST_CASE(a_second_holder_is_refused_with_the_first_ones_pid_until_it_lets_go) {
    TempDir dir;
    {
        auto first = DataDirLock::acquire(dir.path().string());
        BOOST_REQUIRE(first.ok());
        std::ifstream in(dir.file("govbusd.lock"));
        std::string pid;
        in >> pid;
        BOOST_TEST(pid == std::to_string(getpid()));

        // flock conflicts between two opens of the file even in one process.
        auto second = DataDirLock::acquire(dir.path().string());
        BOOST_REQUIRE(!second.ok());
        BOOST_TEST(second.problem().code == "node.data_dir_in_use");
        BOOST_TEST(second.problem().message.find(dir.path().string()) != std::string::npos);
        BOOST_TEST(second.problem().message.find("(pid " + pid + ")") != std::string::npos);
    }
    BOOST_TEST(DataDirLock::acquire(dir.path().string()).ok());  // released with the first
}

BOOST_AUTO_TEST_CASE(a_holder_killed_with_sigkill_leaves_the_lock_free) {
    TempDir dir;
    int ready[2];
    BOOST_REQUIRE(pipe(ready) == 0);
    const pid_t child = fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        auto held = DataDirLock::acquire(dir.path().string());
        char c = held.ok() ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1) _exit(2);
        pause();  // until killed
        _exit(0);
    }
    char c = 0;
    BOOST_REQUIRE(read(ready[0], &c, 1) == 1);
    BOOST_REQUIRE(c == 'y');
    auto while_alive = DataDirLock::acquire(dir.path().string());
    BOOST_REQUIRE(!while_alive.ok());
    BOOST_TEST(while_alive.problem().message.find("(pid " + std::to_string(child) + ")") != std::string::npos);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    BOOST_TEST(DataDirLock::acquire(dir.path().string()).ok());
    close(ready[0]);
    close(ready[1]);
}

BOOST_AUTO_TEST_CASE(a_directory_that_cannot_hold_the_file_is_named) {
    auto r = DataDirLock::acquire("/nonexistent-govbus-dir/data");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.problem().code == "node.data_dir_lock");
    BOOST_TEST(r.problem().message.find("/nonexistent-govbus-dir/data/govbusd.lock") != std::string::npos);
}
