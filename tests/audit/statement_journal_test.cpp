// The exchange log writes a batch's records many to an INSERT. A statement
// that may stop half-way and undo its own rows makes SQLite keep the pages it
// changes in a statement journal, which goes to a temporary file once larger
// than 64 KiB: in a node under load, as many bytes again as the log's own
// writes. This program makes every statement journal a file at once and
// watches the directory SQLite puts them in.
#define BOOST_TEST_MODULE exchange_log_statement_journal
#include <boost/test/unit_test.hpp>

#include "audit/exchange_log.hpp"
#include "test_node_keys.hpp"

#include <sqlite3.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

using namespace govbus;
using namespace govbus::audit;
using namespace govbus::audit::testing;

namespace {

// SQLite reads its temporary directory and the spill size once, before its
// first use: both are set before any test opens a database.
struct SpillAtOnce {
    static inline TempDir* temporary = nullptr;
    SpillAtOnce() {
        temporary = new TempDir();
        ::setenv("SQLITE_TMPDIR", temporary->path().c_str(), 1);
        if (sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 0) != SQLITE_OK)
            throw std::runtime_error("sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL) refused: SQLite already started");
    }
    ~SpillAtOnce() { delete temporary; }
};
BOOST_TEST_GLOBAL_FIXTURE(SpillAtOnce);

// The names of the files created in SQLite's temporary directory while it is watched.
class CreatedFiles {
public:
    CreatedFiles() : fd_(inotify_init1(IN_NONBLOCK)) {
        BOOST_REQUIRE(fd_ >= 0);
        BOOST_REQUIRE(inotify_add_watch(fd_, SpillAtOnce::temporary->path().c_str(), IN_CREATE) >= 0);
    }
    ~CreatedFiles() { ::close(fd_); }
    std::vector<std::string> names() {
        std::vector<std::string> out;
        alignas(inotify_event) char buffer[4096];
        for (;;) {
            auto n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0) return out;
            for (char* p = buffer; p < buffer + n;) {
                auto* e = reinterpret_cast<inotify_event*>(p);
                out.emplace_back(e->len ? e->name : "");
                p += sizeof(inotify_event) + e->len;
            }
        }
    }

private:
    int fd_;
};

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

Event event(int i) {
    Event e;
    e.kind = i % 2 ? EventKind::delivered : EventKind::received;
    e.message_id = "m-" + std::to_string(i / 2);
    e.case_number = "C-" + std::to_string(i % 7);
    e.type = "case.apply";
    e.source = "cd.portal";
    e.destination = "cd.market";
    e.region = "510100";
    e.raw = "{\"n\":" + std::to_string(i) + "}";
    e.suite = "intl";
    return e;
}

void exec(sqlite3* db, const char* sql) { BOOST_REQUIRE_MESSAGE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK, sql); }

}  // namespace

// The watch and the setting do what the next test relies on: a multi-row
// INSERT that may abort, in a transaction that already changed the table,
// makes a statement journal file.
BOOST_AUTO_TEST_CASE(a_statement_that_may_abort_half_way_makes_a_statement_journal_file) {
    TempDir dir;
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open(dir.file("scratch.db").c_str(), &db) == SQLITE_OK);
    exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(a TEXT NOT NULL); CREATE INDEX t_a ON t(a)");
    CreatedFiles created;
    exec(db, "BEGIN; INSERT INTO t VALUES('x'),('y'); INSERT INTO t VALUES('z'),('w'); COMMIT");
    const auto names = created.names();
    sqlite3_close(db);
    BOOST_TEST(!names.empty(), "no temporary file was made: the test below could not see one either");
}

BOOST_AUTO_TEST_CASE(writing_batches_of_records_makes_no_temporary_file) {
    TempDir dir;
    auto keys = make_node_key(dir);
    Options o;
    o.node_id = "city-510100";
    o.signing_key_path = keys.key;
    o.certificate_path = keys.cert;
    auto log = ExchangeLog::open(dir.file("exchange-log.db"), o);
    BOOST_REQUIRE(log.ok());
    CreatedFiles created;
    // Recording is much faster than writing: after the first, the writer
    // takes the records in batches of hundreds, many INSERTs to a transaction.
    constexpr int kRecords = 3000;
    for (int i = 0; i < kRecords; ++i) (*log)->record(event(i));
    BOOST_REQUIRE((*log)->flush().ok());
    BOOST_TEST((*log)->last_seq() >= kRecords);
    const auto names = created.names();
    BOOST_TEST(names.empty(), "temporary files made while writing records: " << joined(names));
}
