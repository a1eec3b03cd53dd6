#define BOOST_TEST_MODULE exchange_log
#include <boost/test/unit_test.hpp>

#include "audit/exchange_log.hpp"
#include "test_node_keys.hpp"
#include "tests/support/eventually.hpp"

#include <thread>

using namespace govbus;
using namespace govbus::audit;
using namespace govbus::audit::testing;

namespace {

Options options_for(const NodeKeyFiles& keys, std::shared_ptr<ManualClock> clock, std::size_t every = 10) {
    Options o;
    o.node_id = "province-510000";
    o.signing_key_path = keys.key;
    o.certificate_path = keys.cert;
    o.checkpoint_every = every;
    o.clock = std::move(clock);
    return o;
}

// Message m-i of case C-(i % cases), from cd.portal to cd.market.
Event message_event(EventKind kind, int i, int cases) {
    Event e;
    e.kind = kind;
    e.message_id = "m-" + std::to_string(i);
    e.case_number = "C-" + std::to_string(i % cases);
    e.type = "case.apply";
    e.source = "cd.portal";
    e.destination = "cd.market";
    e.region = "510100";
    return e;
}

Event delivered(int i) {
    Event e = message_event(i % 2 ? EventKind::delivered : EventKind::received, i, 3);
    e.raw = "<Envelope n='" + std::to_string(i) + "'/>";
    e.suite = "intl";
    return e;
}

TimePoint at(const char* text) { return *parse_rfc3339(text); }

// A log file of its own on a manual clock, checkpointing every 1000 records;
// a test adjusts `options`, then opens it.
struct FreshLog {
    TempDir dir;
    NodeKeyFiles keys = make_node_key(dir);
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00"));
    Options options = options_for(keys, clock, 1000);
    std::unique_ptr<ExchangeLog> open() {
        auto log = ExchangeLog::open(dir.file("x.db"), options);
        BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? std::string() : log.problem().to_string()));
        return std::move(*log);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(writes_chained_records_and_signed_checkpoints_that_verify) {
    TempDir dir;
    auto keys = make_node_key(dir);
    auto clock = std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00"));
    {
        auto log = ExchangeLog::open(dir.file("x.db"), options_for(keys, clock));
        BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? std::string() : log.problem().to_string()));
        for (int i = 0; i < 25; ++i) {
            (*log)->record(delivered(i));
            clock->advance(std::chrono::milliseconds(250));
        }
        BOOST_TEST((*log)->flush().ok());
        BOOST_TEST((*log)->last_seq() == 25);
    }
    auto rep = verify_log(dir.file("x.db"), {read_text(keys.cert), {}});
    BOOST_REQUIRE(rep);
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->records == 25);
    // Two count checkpoints (10, 20) and the closing one (25).
    BOOST_TEST(rep->checkpoints == 3);
    BOOST_TEST(rep->checkpoints_valid == 3);
    BOOST_TEST(rep->last_checkpoint_seq == 25);
    auto reader = LogReader::open(dir.file("x.db"));
    auto recs = reader->search(Query{});
    BOOST_TEST(recs.front().time == "2026-10-05T09:00:00.000+08:00");
    BOOST_TEST(recs.front().digest_alg == "sha256");
    BOOST_TEST(recs.front().digest.size() == 64u);
    BOOST_TEST(recs.front().size == static_cast<std::int64_t>(delivered(0).raw.size()));
}

BOOST_AUTO_TEST_CASE(reopening_continues_the_chain_from_the_last_record) {
    TempDir dir;
    auto keys = make_node_key(dir);
    auto clock = std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00"));
    for (int round = 0; round < 3; ++round) {
        auto log = ExchangeLog::open(dir.file("x.db"), options_for(keys, clock, 4));
        BOOST_REQUIRE(log);
        for (int i = 0; i < 5; ++i) (*log)->record(delivered(i));
        BOOST_TEST((*log)->flush().ok());
    }
    auto rep = verify_log(dir.file("x.db"));
    BOOST_REQUIRE(rep);
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->records == 15);
    BOOST_TEST(rep->last_checkpoint_seq == 15);
}

BOOST_AUTO_TEST_CASE(gm_messages_get_sm3_digests_and_an_sm2_node_key_signs_checkpoints) {
    TempDir dir;
    auto keys = make_node_key(dir, "city-510100", "SM2");
    auto clock = std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00"));
    {
        auto o = options_for(keys, clock, 2);
        o.chain_algorithm = "sm3";
        auto log = ExchangeLog::open(dir.file("x.db"), o);
        BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? std::string() : log.problem().to_string()));
        Event e = delivered(1);
        e.suite = "gm";
        e.raw = "abc";
        (*log)->record(e);
        (*log)->record(delivered(2));
        BOOST_TEST((*log)->flush().ok());
    }
    auto reader = LogReader::open(dir.file("x.db"));
    auto recs = reader->search(Query{});
    BOOST_REQUIRE(recs.size() == 2u);
    BOOST_TEST(recs[0].digest_alg == "sm3");
    // GB/T 32905 test vector: SM3("abc").
    BOOST_TEST(recs[0].digest == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    auto rep = verify_log(dir.file("x.db"), {read_text(keys.cert), {}});
    BOOST_REQUIRE(rep);
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->checkpoints_valid == 1);
}

BOOST_AUTO_TEST_CASE(refuses_a_retention_shorter_than_180_days) {
    TempDir dir;
    auto keys = make_node_key(dir);
    auto o = options_for(keys, std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00")));
    o.retention_days = 179;
    auto log = ExchangeLog::open(dir.file("x.db"), o);
    BOOST_REQUIRE(!log);
    BOOST_TEST(log.problem().code == "audit.retention_too_short");
    o.retention_days = 180;
    BOOST_TEST(ExchangeLog::open(dir.file("x.db"), o).ok());
}

BOOST_AUTO_TEST_CASE(refuses_a_key_that_does_not_match_the_certificate) {
    TempDir dir;
    auto a = make_node_key(dir, "a");
    auto b = make_node_key(dir, "b");
    auto o = options_for(a, std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00")));
    o.certificate_path = b.cert;
    auto log = ExchangeLog::open(dir.file("x.db"), o);
    BOOST_REQUIRE(!log);
    BOOST_TEST(log.problem().code == "audit.key");
}

BOOST_FIXTURE_TEST_CASE(checkpoints_after_the_interval_even_below_the_count, FreshLog) {
    options.checkpoint_interval = std::chrono::seconds(30);
    auto log = open();
    log->record(delivered(1));
    clock->advance(std::chrono::seconds(10));
    log->record(delivered(2));
    BOOST_TEST(log->flush().ok());
    BOOST_TEST(verify_log(dir.file("x.db"))->checkpoints == 0);
    clock->advance(std::chrono::seconds(25));
    log->record(delivered(3));
    BOOST_TEST(log->flush().ok());
    auto rep = verify_log(dir.file("x.db"));
    BOOST_TEST(rep->checkpoints == 1);
    BOOST_TEST(rep->last_checkpoint_seq == 3);
}

BOOST_AUTO_TEST_CASE(the_first_record_of_a_month_seals_the_previous_month) {
    TempDir dir;
    auto keys = make_node_key(dir);
    auto clock = std::make_shared<ManualClock>(at("2026-10-31T23:59:59+08:00"));
    auto log = ExchangeLog::open(dir.file("x.db"), options_for(keys, clock, 1000));
    BOOST_REQUIRE(log);
    (*log)->record(delivered(1));
    (*log)->record(delivered(2));
    clock->set(at("2026-11-01T00:00:01+08:00"));
    (*log)->record(delivered(3));
    BOOST_TEST((*log)->flush().ok());
    auto db = std::move(*open_log(dir.file("x.db"), LogAccess::read_only));
    auto s = db->prepare("SELECT seq, kind, month FROM checkpoints");
    BOOST_REQUIRE(s.step());
    BOOST_TEST(s.column_int(0) == 2);
    BOOST_TEST(s.column_text(1) == "seal");
    BOOST_TEST(s.column_text(2) == "2026-10");
}

BOOST_AUTO_TEST_CASE(records_from_many_threads_all_land_in_one_unbroken_chain) {
    TempDir dir;
    auto keys = make_node_key(dir);
    auto clock = std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00"));
    {
        auto log = ExchangeLog::open(dir.file("x.db"), options_for(keys, clock, 100));
        BOOST_REQUIRE(log);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 250; ++i) (*log)->record(delivered(t * 1000 + i));
            });
        for (auto& t : threads) t.join();
        BOOST_TEST((*log)->flush().ok());
    }
    auto rep = verify_log(dir.file("x.db"));
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->records == 1000);
}

BOOST_AUTO_TEST_CASE(an_rsa_node_key_signs_checkpoints_that_verify) {
    TempDir dir;
    auto keys = make_node_key(dir, "county-510104", "RSA");
    auto clock = std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00"));
    {
        auto log = ExchangeLog::open(dir.file("x.db"), options_for(keys, clock, 3));
        BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? std::string() : log.problem().to_string()));
        for (int i = 0; i < 7; ++i) (*log)->record(delivered(i));
        BOOST_TEST((*log)->flush().ok());
    }
    auto rep = verify_log(dir.file("x.db"), {read_text(keys.cert), {}});
    BOOST_REQUIRE(rep.ok());
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->checkpoints_valid == 3);  // at 3, 6 and the closing one at 7
}

BOOST_AUTO_TEST_CASE(a_message_keeps_one_key_however_many_messages_came_between_its_records) {
    // The writer remembers the keys of recent messages in two generations of
    // 16 384; 40 000 messages push the first ones out of both. Each
    // message's later record must still be filed under its one key.
    TempDir dir;
    auto keys = make_node_key(dir);
    auto clock = std::make_shared<ManualClock>(at("2026-10-05T09:00:00+08:00"));
    auto event = [](EventKind kind, int i) {
        Event e = message_event(kind, i, 7);
        e.digest_alg = "sha256";
        e.digest_hex = std::string(64, 'a');
        return e;
    };
    constexpr int messages = 40000;
    const int late[] = {0, 1, 20000, 39999};  // out of both generations, in the older, in the newer
    {
        auto log = ExchangeLog::open(dir.file("x.db"), options_for(keys, clock, 1000));
        BOOST_REQUIRE(log);
        for (int i = 0; i < messages; ++i) (*log)->record(event(EventKind::received, i));
        BOOST_TEST((*log)->flush().ok());
        for (int i : late) (*log)->record(event(EventKind::delivered, i));
        BOOST_TEST((*log)->flush().ok());
    }
    auto reader = LogReader::open(dir.file("x.db"));
    BOOST_REQUIRE(reader);
    auto count = reader->database().prepare("SELECT count(*) FROM message_keys");
    BOOST_REQUIRE(count.step());
    BOOST_TEST(count.column_int(0) == messages);
    for (int i : late) {
        Query q;
        q.message_id = "m-" + std::to_string(i);
        auto recs = reader->search(q);
        BOOST_TEST_REQUIRE(recs.size() == 2u, "message " << i);
        BOOST_TEST(recs[0].event == "received");
        BOOST_TEST(recs[1].event == "delivered");
        BOOST_TEST(recs[1].case_number == "C-" + std::to_string(i % 7));
    }
    auto rep = verify_log(dir.file("x.db"));
    BOOST_REQUIRE(rep);
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->records == messages + 4);
}

BOOST_FIXTURE_TEST_CASE(records_that_keep_coming_are_committed_once_per_batch_interval, FreshLog) {
    options.batch_interval = std::chrono::seconds(3);
    auto log = open();
    // The first record after a quiet spell is committed at once...
    log->record(delivered(1));
    BOOST_REQUIRE(govbus::test::eventually([&] { return log->last_seq() >= 1; }));
    // ...the next one waits for the interval, then goes without being asked.
    log->record(delivered(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    BOOST_TEST(log->last_seq() == 1);
    BOOST_TEST(govbus::test::eventually([&] { return log->last_seq() >= 2; }));
}

BOOST_FIXTURE_TEST_CASE(flush_checkpoint_and_closing_do_not_wait_for_the_batch_interval, FreshLog) {
    options.batch_interval = std::chrono::seconds(60);
    const auto start = std::chrono::steady_clock::now();
    {
        auto log = open();
        log->record(delivered(1));
        BOOST_REQUIRE(govbus::test::eventually([&] { return log->last_seq() >= 1; }));
        log->record(delivered(2));
        BOOST_TEST(log->flush().ok());
        BOOST_TEST(log->last_seq() == 2);
        log->record(delivered(3));
        BOOST_TEST(log->checkpoint().ok());
        BOOST_TEST(log->last_seq() == 3);
        log->record(delivered(4));  // written as the log closes
    }
    const auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    BOOST_TEST(took.count() < 30);
    auto rep = verify_log(dir.file("x.db"));
    BOOST_REQUIRE(rep);
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->records == 4);
    BOOST_TEST(rep->last_checkpoint_seq == 4);
}
