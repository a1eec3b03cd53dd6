// The exchange-database adapter's options and its SQLite store (the
// PostgreSQL store runs against a real server in
// tests/integration/test_postgres_exchange.py).
#define BOOST_TEST_MODULE exchange_store
#include <boost/test/unit_test.hpp>

#include "adapters/exchange_db/exchange_store.hpp"
#include "bus/core/sqlite.hpp"
#include "bus/node/adapter.hpp"
#include "tests/support/temp_dir.hpp"

using namespace govbus;
using namespace govbus::exchange_db;

namespace {

Result<std::unique_ptr<Adapter>> made(const std::string& endpoint_options, const std::string& adapter_options = "") {
    AdapterConfig config;
    config.name = "exchange-db";
    config.config_dir = "/srv/govbus";
    if (!adapter_options.empty()) config.options = YAML::Load(adapter_options);
    config.peers.push_back({"endpoint:cd.civil", "", YAML::Load(endpoint_options)});
    return make_adapter(config);
}

std::string first_message(const Result<std::unique_ptr<Adapter>>& r) {
    BOOST_REQUIRE(!r.ok());
    return r.problem().field + ": " + r.problem().message;
}

}  // namespace

BOOST_AUTO_TEST_CASE(options_name_the_endpoint_and_the_key) {
    BOOST_TEST(made("{backend: sqlite, path: civil.db}").ok());
    BOOST_TEST(made("{backend: postgresql, conninfo: \"host=127.0.0.1 dbname=x\"}").ok());
    BOOST_TEST(first_message(made("{backend: oracle, path: x}")).find("/endpoints/cd.civil/options/backend") !=
               std::string::npos);
    BOOST_TEST(first_message(made("{backend: oracle, path: x}")).find("sqlite or postgresql") != std::string::npos);
    BOOST_TEST(first_message(made("{backend: sqlite}")).find("path") != std::string::npos);
    BOOST_TEST(first_message(made("{backend: postgresql}")).find("conninfo") != std::string::npos);
    BOOST_TEST(first_message(made("{backend: sqlite, path: a.db, pth: b}")).find("pth") != std::string::npos);
    BOOST_TEST(first_message(made("{backend: sqlite, path: a.db}", "{poll_ms: 0}")).find("poll_ms") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sqlite_store_reads_waiting_rows_marks_them_and_writes_each_message_once) {
    govbus::test::TempDir dir;
    const std::string file = dir.file("exchange.db");
    auto store = make_sqlite_store(file);
    BOOST_REQUIRE(store->open().ok());
    {
        // The department's own connection.
        auto db = sqlite::Database::open(file);
        BOOST_REQUIRE(db.ok());
        (*db)->exec("INSERT INTO govbus_inbox (body) VALUES ('one'), ('two'), ('three');");
        BOOST_REQUIRE(!(*db)->take_error());
    }
    auto rows = store->waiting(2);
    BOOST_REQUIRE(rows.ok());
    BOOST_REQUIRE(rows->size() == 2u);
    BOOST_TEST((*rows)[0].body == "one");
    BOOST_TEST((*rows)[1].body == "two");
    BOOST_TEST(store->mark((*rows)[0].seq, true, "").ok());
    BOOST_TEST(store->mark((*rows)[1].seq, false, "json.malformed: not JSON").ok());
    rows = store->waiting(10);
    BOOST_REQUIRE(rows.ok());
    BOOST_REQUIRE(rows->size() == 1u);
    BOOST_TEST((*rows)[0].body == "three");

    OutboundMessage m{"d1", "endpoint:cd.civil", "6f1c2b1e-0000-4000-8000-000000000001", "510000202611300000001",
                      "case.apply", "application/json", "{}"};
    BOOST_TEST(store->write(m).ok());
    BOOST_TEST(store->write(m).ok());  // a retried delivery
    auto db = sqlite::Database::open(file);
    BOOST_REQUIRE(db.ok());
    auto q = (*db)->cached("SELECT count(*) FROM govbus_outbox");
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->column_int(0) == 1);
    auto r = (*db)->cached("SELECT status, reason FROM govbus_inbox ORDER BY seq");
    BOOST_REQUIRE(r->step());
    BOOST_TEST(r->column_text(0) == "taken");
    BOOST_REQUIRE(r->step());
    BOOST_TEST(r->column_text(0) == "rejected");
    BOOST_TEST(r->column_text(1) == "json.malformed: not JSON");
}

BOOST_AUTO_TEST_CASE(a_postgres_store_that_cannot_connect_says_where_without_the_password) {
    // Port 1 on loopback: nothing listens there.
    auto store = make_postgres_store("host=127.0.0.1 port=1 dbname=exchange user=govbus password=secret connect_timeout=2");
    auto st = store->open();
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST(st.problem().code == "exchange_db.open");
    BOOST_TEST(store->name() == "postgresql://govbus@127.0.0.1:1/exchange");
    BOOST_TEST(st.problem().message.find("secret") == std::string::npos);
}
