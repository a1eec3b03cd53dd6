#define BOOST_TEST_MODULE archive_and_retention
#include <boost/test/unit_test.hpp>

#include "audit/exchange_log.hpp"
#include "audit/log_query.hpp"
#include "test_node_keys.hpp"

#include <filesystem>

using namespace govbus;
using namespace govbus::audit;
using namespace govbus::audit::testing;

namespace {

TimePoint at(const char* text) { return *parse_rfc3339(text); }

// A log with one record per day from `first` for `days` days.
struct DailyLog {
    TempDir dir;
    NodeKeyFiles keys = make_node_key(dir);
    std::string path = dir.file("exchange.db");
    std::shared_ptr<ManualClock> clock;

    DailyLog(const char* first, int days) : clock(std::make_shared<ManualClock>(at(first))) {
        Options o;
        o.node_id = "city-510100";
        o.signing_key_path = keys.key;
        o.certificate_path = keys.cert;
        o.checkpoint_every = 7;
        o.clock = clock;
        auto log = ExchangeLog::open(path, o);
        BOOST_REQUIRE(log.ok());
        for (int d = 0; d < days; ++d) {
            Event e;
            e.kind = EventKind::delivered;
            e.message_id = "m-" + std::to_string(d);
            e.case_number = "C-" + std::to_string(d);
            (*log)->record(e);
            clock->advance(std::chrono::hours(24));
        }
        BOOST_REQUIRE((*log)->flush().ok());
    }

    std::int64_t youngest_kept_ms(TimePoint now) { return to_unix_ms(now - std::chrono::hours(24) * 180); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(an_archive_verifies_offline_with_only_itself_and_the_node_certificate) {
    DailyLog log("2026-09-20T10:00:00+08:00", 60);  // Sept 20 .. Nov 18
    auto out = log.dir.file("2026-10.archive");
    auto sum = write_archive(log.path, "2026-10", out, log.clock->now());
    BOOST_REQUIRE_MESSAGE(sum.ok(), (sum.ok() ? std::string() : sum.problem().to_string()));
    BOOST_TEST(sum->records == 31);
    BOOST_TEST(sum->first_seq == 12);
    BOOST_TEST(sum->last_seq == 42);
    // Offline: copy the archive and the certificate alone elsewhere, remove the log.
    TempDir elsewhere;
    std::filesystem::copy_file(out, elsewhere.file("a.db"));
    std::filesystem::copy_file(log.keys.cert, elsewhere.file("node.crt"));
    std::filesystem::remove(log.path);
    auto rep = verify_log(elsewhere.file("a.db"), {read_text(elsewhere.file("node.crt")), {}});
    BOOST_REQUIRE(rep.ok());
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->archive);
    BOOST_TEST(rep->month == "2026-10");
    BOOST_TEST(rep->anchor_seq == 11);
    // The archive carries its records' message keys: searched by case, offline.
    auto reader = LogReader::open(elsewhere.file("a.db"));
    BOOST_REQUIRE(reader.ok());
    Query by_case;
    by_case.case_number = "C-20";  // the record of Oct 10
    auto found = reader->search(by_case);
    BOOST_REQUIRE(found.size() == 1u);
    BOOST_TEST(found[0].message_id == "m-20");
    std::string keys;
    BOOST_REQUIRE(run("sqlite3 '" + elsewhere.file("a.db") + "' 'SELECT count(*) FROM message_keys'", &keys) == 0);
    BOOST_TEST(std::stoi(keys) == 31);
}

BOOST_AUTO_TEST_CASE(an_edited_archive_fails_verification) {
    DailyLog log("2026-09-20T10:00:00+08:00", 60);
    auto out = log.dir.file("2026-10.archive");
    BOOST_REQUIRE(write_archive(log.path, "2026-10", out, log.clock->now()).ok());
    BOOST_REQUIRE(run("sqlite3 '" + out + "' \"UPDATE records SET destination='x' WHERE seq=20\"") == 0);
    auto rep = verify_log(out, {read_text(log.keys.cert), {}});
    BOOST_REQUIRE(rep.ok());
    BOOST_REQUIRE(!rep->ok());
    BOOST_TEST(rep->breaks.front().seq == 20);
}

BOOST_AUTO_TEST_CASE(refuses_to_archive_a_month_that_is_not_sealed) {
    DailyLog log("2026-10-20T10:00:00+08:00", 5);  // all in October, nothing in November yet
    auto sum = write_archive(log.path, "2026-10", log.dir.file("a.db"), log.clock->now());
    BOOST_REQUIRE(!sum.ok());
    BOOST_TEST(sum.problem().code == "audit.not_sealed");
}

BOOST_AUTO_TEST_CASE(refuses_to_prune_records_younger_than_the_retention) {
    DailyLog log("2026-01-01T10:00:00+08:00", 30);
    TimePoint now = at("2026-06-01T00:00:00+08:00");
    auto res = prune_log(log.path, at("2026-01-15T00:00:00+08:00"), now);  // within 180 days of now
    BOOST_REQUIRE(!res.ok());
    BOOST_TEST(res.problem().code == "audit.prune_too_young");
    BOOST_TEST(res.problem().message.find("180 days") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(prunes_only_archived_months_and_the_rest_still_verifies_from_the_signed_anchor) {
    DailyLog log("2026-01-01T10:00:00+08:00", 100);  // Jan 1 .. Apr 10
    TimePoint now = at("2026-12-01T00:00:00+08:00");
    BOOST_REQUIRE(write_archive(log.path, "2026-01", log.dir.file("01.db"), now).ok());
    BOOST_REQUIRE(write_archive(log.path, "2026-03", log.dir.file("03.db"), now).ok());
    // February is not archived: only January may go, March must wait for it.
    auto res = prune_log(log.path, at("2026-05-01T00:00:00+08:00"), now);
    BOOST_REQUIRE(res.ok());
    BOOST_TEST(res->removed == 31);
    BOOST_TEST(res->anchor_seq == 31);
    BOOST_REQUIRE(!res->kept.empty());
    BOOST_TEST(res->kept.front().find("not in an archive") != std::string::npos);
    auto rep = verify_log(log.path, {read_text(log.keys.cert), {}});
    BOOST_REQUIRE(rep.ok());
    BOOST_TEST(rep->ok());
    BOOST_TEST(rep->first_seq == 32);
    BOOST_TEST(rep->anchor_seq == 31);
    // The pruned records' message keys went with them.
    std::string keys;
    BOOST_REQUIRE(run("sqlite3 '" + log.path + "' 'SELECT count(*) FROM message_keys'", &keys) == 0);
    BOOST_TEST(std::stoi(keys) == 100 - 31);
}

BOOST_AUTO_TEST_CASE(deleting_the_oldest_records_without_an_anchor_is_detected) {
    DailyLog log("2026-01-01T10:00:00+08:00", 20);
    BOOST_REQUIRE(run("sqlite3 '" + log.path + "' 'DELETE FROM records WHERE seq <= 3'") == 0);
    auto rep = verify_log(log.path);
    BOOST_REQUIRE(rep.ok());
    BOOST_REQUIRE(!rep->ok());
    BOOST_TEST(to_string(rep->breaks.front().kind) == "deleted");
    BOOST_TEST(rep->breaks.front().seq == 1);
}

BOOST_AUTO_TEST_CASE(records_younger_than_180_days_survive_every_prune) {
    // A year of daily records, archived month by month; prune every 10 days as time goes on.
    DailyLog log("2026-01-01T10:00:00+08:00", 366);
    TimePoint now = log.clock->now();
    for (int m = 1; m <= 12; ++m) {
        char month[8];
        std::snprintf(month, sizeof month, "2026-%02d", m);
        BOOST_REQUIRE(write_archive(log.path, month, log.dir.file(std::string(month) + ".db"), now).ok());
    }
    ManualClock later(now);
    for (int step = 0; step < 20; ++step) {
        TimePoint t = later.now();
        TimePoint limit = t - std::chrono::hours(24) * 180;
        // Asking for a later date is refused; asking for the limit prunes what it may.
        BOOST_TEST(!prune_log(log.path, limit + std::chrono::hours(1), t).ok());
        BOOST_REQUIRE(prune_log(log.path, limit, t).ok());
        auto reader = LogReader::open(log.path);
        Query young;
        young.from_ms = to_unix_ms(limit);
        // Every record inside the retention window is still there (one per day since the log began).
        std::int64_t expected_young = 0;
        for (int d = 0; d < 366; ++d) {
            auto rec_time = at("2026-01-01T10:00:00+08:00") + std::chrono::hours(24) * d;
            if (rec_time >= limit) ++expected_young;
        }
        BOOST_TEST(reader->count(young) == expected_young);
        BOOST_TEST(verify_log(log.path)->ok());
        later.advance(std::chrono::hours(24) * 10);
    }
}
