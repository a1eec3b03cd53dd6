// The SQLite wrapper every store uses, on real files: a failure is kept on the
// connection or thrown, as the store asks, and names the store in its reason
// code and message.
#define BOOST_TEST_MODULE sqlite_wrapper
#include <boost/test/unit_test.hpp>

#include "bus/core/sqlite.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace govbus;
using sqlite::Database;
using sqlite::OnError;
using sqlite::OpenOptions;
using sqlite::StorageError;
using test::TempDir;

namespace {

OpenOptions store(OnError on_error) {
    return {.what = "test store", .code = "store", .read_only = false, .on_error = on_error, .busy_timeout_ms = 0};
}

std::unique_ptr<Database> open_with_table(const std::string& path, OnError on_error) {
    auto db = Database::open(path, store(on_error));
    BOOST_REQUIRE(db.ok());
    (*db)->exec("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    BOOST_REQUIRE(!(*db)->error());
    return std::move(*db);
}

}  // namespace

BOOST_AUTO_TEST_CASE(rows_written_and_read_back_through_cached_and_prepared_statements) {
    TempDir dir;
    auto db = open_with_table(dir.file("a.db"), OnError::record);
    {
        auto ins = db->cached("INSERT INTO t(name) VALUES (?1)");
        ins->bind(1, std::string_view("province"));
        BOOST_TEST(ins->run() == 1);
    }
    std::string name = "city";
    auto ins = db->prepare("INSERT INTO t(name) VALUES (?1)");
    ins.bind_view(1, name);
    BOOST_TEST(ins.run() == 1);
    ins.reset();
    BOOST_TEST(db->last_insert_rowid() == 2);

    auto q = db->prepare("SELECT id, name FROM t ORDER BY id");
    BOOST_REQUIRE(q.step());
    BOOST_TEST(q.column_int(0) == 1);
    BOOST_TEST(q.column_text(1) == "province");
    BOOST_REQUIRE(q.step());
    BOOST_TEST(q.column_text(1) == "city");
    BOOST_TEST(!q.step());
    BOOST_TEST(db->has_table("t"));
    BOOST_TEST(!db->has_table("missing"));
}

BOOST_AUTO_TEST_CASE(a_recorded_failure_stops_later_steps_and_fails_the_transaction_with_the_stores_code) {
    TempDir dir;
    auto db = open_with_table(dir.file("a.db"), OnError::record);
    sqlite::Transaction tx(*db, sqlite::Sync::normal);
    auto ins = db->prepare("INSERT INTO t(name) VALUES (?1)");
    ins.bind(1, std::string_view("same"));
    BOOST_TEST(ins.run() == 1);
    ins.reset();
    ins.bind(1, std::string_view("same"));
    BOOST_TEST(ins.run() == 0);  // UNIQUE fails: recorded, not thrown
    BOOST_REQUIRE(db->error().has_value());
    auto q = db->prepare("SELECT count(*) FROM t");
    BOOST_TEST(!q.step());  // nothing runs on a connection with a recorded error
    auto st = tx.commit();
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST(st.problem().code == "store.storage");
    BOOST_TEST(st.problem().message.find("test store storage failed") != std::string::npos);
    BOOST_TEST(st.problem().message.find("UNIQUE") != std::string::npos);
    BOOST_TEST(st.problem().message.find(dir.file("a.db")) != std::string::npos);
    BOOST_TEST(!db->in_transaction());

    // The commit took the error: the connection works again, and the
    // transaction's first row was rolled back with it.
    auto count = db->prepare("SELECT count(*) FROM t");
    BOOST_REQUIRE(count.step());
    BOOST_TEST(count.column_int(0) == 0);
}

BOOST_AUTO_TEST_CASE(a_raising_connection_throws_the_failure_with_the_stores_code) {
    TempDir dir;
    auto db = open_with_table(dir.file("a.db"), OnError::raise);
    auto ins = db->prepare("INSERT INTO t(name) VALUES (?1)");
    ins.bind(1, std::string_view("same"));
    ins.run();
    ins.reset();
    ins.bind(1, std::string_view("same"));
    try {
        ins.run();
        BOOST_FAIL("a UNIQUE violation did not throw");
    } catch (const StorageError& e) {
        BOOST_TEST(e.problem().code == "store.storage");
        BOOST_TEST(std::string(e.what()).find("test store storage failed") != std::string::npos);
    }
    BOOST_TEST(!db->error().has_value());  // thrown, not kept
    BOOST_CHECK_THROW(db->exec("INSERT INTO missing VALUES (1)"), StorageError);
}

BOOST_AUTO_TEST_CASE(sql_that_does_not_compile_is_a_bug_or_a_file_without_the_table) {
    TempDir dir;
    auto recording = open_with_table(dir.file("a.db"), OnError::record);
    BOOST_CHECK_THROW(recording->prepare("SELECT nothing FROM t"), std::logic_error);
    auto raising = open_with_table(dir.file("b.db"), OnError::raise);
    try {
        raising->prepare("SELECT x FROM missing");
        BOOST_FAIL("SQL naming a missing table compiled");
    } catch (const StorageError& e) {
        BOOST_TEST(e.problem().code == "store.storage");
        BOOST_TEST(std::string(e.what()).find("missing") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_database_is_named_as_corrupt) {
    TempDir dir;
    std::ofstream(dir.file("junk.db")) << "not a database, only text long enough to fill a header";
    auto options = store(OnError::raise);
    options.read_only = true;
    auto db = Database::open(dir.file("junk.db"), options);  // SQLite reads the file at its first statement
    BOOST_REQUIRE(db.ok());
    try {
        (*db)->has_table("t");
        BOOST_FAIL("a text file was read as a database");
    } catch (const StorageError& e) {
        BOOST_TEST(e.problem().code == "store.corrupt");
        BOOST_TEST(std::string(e.what()).find("cannot use the test store '" + dir.file("junk.db") + "'") !=
                   std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_missing_file_opened_read_only_names_the_store_and_the_path) {
    TempDir dir;
    auto options = store(OnError::raise);
    options.read_only = true;
    auto db = Database::open(dir.file("absent.db"), options);
    BOOST_REQUIRE(!db.ok());
    BOOST_TEST(db.problem().code == "store.unwritable");
    BOOST_TEST(db.problem().message.find("cannot open the test store") != std::string::npos);
    BOOST_TEST(db.problem().message.find("absent.db") != std::string::npos);
    BOOST_TEST(!fs::exists(dir.path() / "absent.db"));  // read-only never creates
}

BOOST_AUTO_TEST_CASE(a_read_only_connection_cannot_write) {
    TempDir dir;
    open_with_table(dir.file("a.db"), OnError::record);
    auto options = store(OnError::record);
    options.read_only = true;
    auto db = Database::open(dir.file("a.db"), options);
    BOOST_REQUIRE(db.ok());
    (*db)->exec("INSERT INTO t(name) VALUES ('x')");
    BOOST_REQUIRE((*db)->error().has_value());
    BOOST_TEST((*db)->error()->code == "store.unwritable");
}

BOOST_AUTO_TEST_CASE(a_lock_held_by_another_connection_is_busy_under_the_stores_code) {
    TempDir dir;
    auto holder = open_with_table(dir.file("a.db"), OnError::record);
    holder->exec("BEGIN IMMEDIATE");
    BOOST_REQUIRE(!holder->error());
    auto options = store(OnError::record);
    options.busy_timeout_ms = 50;
    auto other = Database::open(dir.file("a.db"), options);
    BOOST_REQUIRE(other.ok());
    (*other)->exec("BEGIN IMMEDIATE");
    BOOST_REQUIRE((*other)->error().has_value());
    BOOST_TEST((*other)->error()->code == "store.busy");
    holder->exec("COMMIT");
}
