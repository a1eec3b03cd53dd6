// WalCheckpointer on real SQLite files: it copies the WAL into the database
// while the writer never checkpoints, and it takes the writer's automatic
// checkpoint down to a backstop.
#define BOOST_TEST_MODULE wal_checkpointer
#include <boost/test/unit_test.hpp>

#include "bus/core/wal_checkpointer.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/temp_dir.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using govbus::WalCheckpointer;
using govbus::test::eventually;

namespace {

using Dir = govbus::test::TempDir;

// A writer connection in WAL mode with one table.
struct Writer {
    sqlite3* db = nullptr;
    explicit Writer(const std::string& path) {
        BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        exec("PRAGMA journal_mode=WAL");
        exec("CREATE TABLE t(x BLOB)");
    }
    ~Writer() { sqlite3_close(db); }
    void exec(const std::string& sql) {
        char* err = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
        BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << (err ? err : ""));
        sqlite3_free(err);
    }
    // `commits` transactions of 50 rows of 1 KiB each.
    void fill(int commits) {
        for (int i = 0; i < commits; ++i) exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
                 "INSERT INTO t SELECT randomblob(1024) FROM n");
    }
    int autocheckpoint() {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, "PRAGMA wal_autocheckpoint", -1, &s, nullptr);
        sqlite3_step(s);
        const int n = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
        return n;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(copies_the_wal_into_the_database_beside_a_writer_that_never_checkpoints) {
    Dir dir;
    const std::string path = dir.file("x.db");
    Writer w(path);
    WalCheckpointer::Options o;
    o.every = 10ms;
    o.backstop_pages = 100000;  // the writer would checkpoint only past 400 MiB of WAL
    auto cp = WalCheckpointer::start(w.db, path, o);
    BOOST_REQUIRE(cp.ok());
    BOOST_TEST(w.autocheckpoint() == 100000);
    const auto before = fs::file_size(path);
    w.fill(40);  // 2 000 KiB of rows, about 500 pages, all in the WAL
    BOOST_TEST(eventually([&] { return fs::file_size(path) > before + 1'500'000; }),
               "database file " << fs::file_size(path) << " bytes, was " << before);
    BOOST_TEST((*cp)->checkpoints() >= 1);
}

BOOST_AUTO_TEST_CASE(without_it_the_same_writes_stay_in_the_wal) {
    // The control for the case above: the database file does not grow by itself.
    Dir dir;
    const std::string path = dir.file("x.db");
    Writer w(path);
    w.exec("PRAGMA wal_autocheckpoint=100000");
    const auto before = fs::file_size(path);
    w.fill(40);
    std::this_thread::sleep_for(100ms);
    BOOST_TEST(fs::file_size(path) == before);
    BOOST_TEST(fs::file_size(path + "-wal") > 1'500'000u);
}

BOOST_AUTO_TEST_CASE(a_database_it_cannot_open_is_named_in_the_problem) {
    Dir dir;
    const std::string path = dir.file("x.db");
    Writer w(path);
    auto cp = WalCheckpointer::start(w.db, (dir.path() / "missing" / "x.db").string());
    BOOST_REQUIRE(!cp.ok());
    BOOST_TEST(cp.problem().code == "storage.open");
    BOOST_TEST(cp.problem().message.find("missing/x.db") != std::string::npos);
    BOOST_TEST(w.autocheckpoint() == 1000);  // the writer's own checkpoint is left as it was
}
