// The WAL write buffer on real SQLite files: a transaction's frames reach the
// file in a few write calls, every committed frame is in the file when the
// commit returns (another connection reads it, a process killed right after
// keeps it, in both synchronous modes), and a transaction that spills pages
// and reads them back mid-way stays consistent.
#define BOOST_TEST_MODULE wal_write_buffer
#include <boost/test/unit_test.hpp>

#include "bus/core/sqlite_config.hpp"
#include "bus/core/wal_write_buffer.hpp"
#include "tests/support/temp_dir.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using Dir = govbus::test::TempDir;

// Rows first..last of `bytes` random bytes each, as SQL.
std::string rows(int first, int last, int bytes) {
    return "INSERT INTO t(n, x) WITH RECURSIVE s(v) AS (SELECT " + std::to_string(first) +
           " UNION ALL SELECT v + 1 FROM s WHERE v < " + std::to_string(last) + ") SELECT v, randomblob(" +
           std::to_string(bytes) + ") FROM s";
}

struct Db {
    sqlite3* db = nullptr;
    explicit Db(const fs::path& path, const std::string& synchronous = "FULL") {
        govbus::configure_sqlite_once();
        BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=" + synchronous);
        exec("PRAGMA wal_autocheckpoint=0");
        exec("CREATE TABLE IF NOT EXISTS t(n INTEGER PRIMARY KEY, x BLOB)");
    }
    ~Db() { sqlite3_close(db); }
    void exec(const std::string& sql) {
        char* err = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
        BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << (err ? err : sqlite3_errstr(rc)));
    }
    long long value(const std::string& sql) {
        sqlite3_stmt* s = nullptr;
        BOOST_REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
        BOOST_REQUIRE(sqlite3_step(s) == SQLITE_ROW);
        const long long v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return v;
    }
    std::string text(const std::string& sql) {
        sqlite3_stmt* s = nullptr;
        BOOST_REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
        BOOST_REQUIRE(sqlite3_step(s) == SQLITE_ROW);
        std::string v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        return v;
    }
    // Rows first..first+count-1 of `bytes` random bytes each, in one transaction.
    void insert(int first, int count, int bytes = 3000) {
        exec("BEGIN");
        exec(rows(first, first + count - 1, bytes));
        exec("COMMIT");
    }
};

// This process's write calls so far (/proc/self/io).
long long write_calls() {
    std::ifstream in("/proc/self/io");
    std::string key;
    long long v = 0;
    while (in >> key >> v)
        if (key == "syscw:") return v;
    BOOST_FAIL("no syscw in /proc/self/io");
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_vfs_is_the_default_once_configured) {
    govbus::configure_sqlite_once();
    BOOST_TEST(std::string(sqlite3_vfs_find(nullptr)->zName) == "govbus-wal-buffer");
}

BOOST_AUTO_TEST_CASE(a_commit_of_many_pages_takes_a_few_write_calls) {
    Dir dir;
    Db db(dir.path() / "a.db");
    db.insert(1, 10);
    const long long calls_before = write_calls();
    const auto buffered_before = govbus::wal_write_calls();
    db.insert(100, 200);  // about 200 pages of rows, plus the index pages: some 200 frames
    const long long calls = write_calls() - calls_before;
    const auto buffered = govbus::wal_write_calls() - buffered_before;
    // SQLite writes two calls per frame: some 400 here. Buffered: the frames
    // in pieces of 128 KiB (31 frames).
    BOOST_TEST(buffered >= 6u);
    BOOST_TEST(buffered <= 8u);
    BOOST_TEST(calls <= 10);
    BOOST_TEST(db.value("SELECT count(*) FROM t") == 210);
}

BOOST_AUTO_TEST_CASE(committed_frames_are_in_the_file_for_another_connection) {
    for (std::string sync : {"NORMAL", "FULL"}) {
        Dir dir;
        Db writer(dir.path() / "a.db", sync);
        Db reader(dir.path() / "a.db", sync);
        for (int round = 0; round < 20; ++round) {
            writer.insert(round * 50 + 1, 50, 500 + round * 100);
            BOOST_TEST_REQUIRE(reader.value("SELECT count(*) FROM t") == (round + 1) * 50, sync << " round " << round);
            BOOST_TEST_REQUIRE(reader.value("SELECT sum(length(x)) FROM t WHERE n > " + std::to_string(round * 50)) ==
                               50 * (500 + round * 100));
        }
        BOOST_TEST(reader.text("PRAGMA integrity_check") == "ok");
    }
}

BOOST_AUTO_TEST_CASE(a_process_killed_right_after_its_commit_keeps_it) {
    for (std::string sync : {"NORMAL", "FULL"}) {
        Dir dir;
        const fs::path path = dir.path() / "a.db";
        { Db setup(path, sync); }
        const pid_t child = fork();
        BOOST_REQUIRE(child >= 0);
        if (child == 0) {
            sqlite3* db = nullptr;
            govbus::configure_sqlite_once();
            if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) _exit(3);
            const std::string sql = "PRAGMA synchronous=" + sync + "; BEGIN; " + rows(1, 300, 2000) +
                                    "; COMMIT; BEGIN; INSERT INTO t(n, x) VALUES(1000, 'open');";
            if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) _exit(4);
            // The second transaction's frames may sit in the buffer: never committed.
            ::raise(SIGKILL);
            _exit(5);
        }
        int status = 0;
        BOOST_REQUIRE(waitpid(child, &status, 0) == child);
        BOOST_TEST_REQUIRE(WIFSIGNALED(status), sync << ": the child exited with " << WEXITSTATUS(status));
        Db after(path, sync);
        BOOST_TEST(after.value("SELECT count(*) FROM t") == 300, sync);
        BOOST_TEST(after.value("SELECT count(*) FROM t WHERE n = 1000") == 0, sync);
        BOOST_TEST(after.text("PRAGMA integrity_check") == "ok", sync);
    }
}

BOOST_AUTO_TEST_CASE(a_transaction_that_spills_and_reads_its_pages_back_stays_whole) {
    Dir dir;
    Db db(dir.path() / "a.db");
    db.exec("PRAGMA cache_size=8");  // pages spill into the WAL mid-transaction
    db.exec("BEGIN");
    db.exec(rows(1, 2000, 1500));
    db.exec("UPDATE t SET x = zeroblob(1200) WHERE n % 3 = 0");
    db.exec("DELETE FROM t WHERE n % 7 = 0");
    BOOST_TEST(db.value("SELECT count(*) FROM t WHERE length(x) = 1200") == 2000 / 3 - 2000 / 21);
    db.exec("COMMIT");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    BOOST_TEST(fs::file_size(dir.path() / "a.db-wal") == 0u);
    Db again(dir.path() / "a.db");
    BOOST_TEST(again.value("SELECT count(*) FROM t") == 2000 - 2000 / 7);
    BOOST_TEST(again.text("PRAGMA integrity_check") == "ok");
}
