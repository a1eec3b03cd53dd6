#define BOOST_TEST_MODULE log_query
#include <boost/test/unit_test.hpp>

#include "audit/exchange_log.hpp"
#include "audit/log_schema.hpp"
#include "two_node_logs.hpp"

#include <map>
#include <set>
#include <sstream>

using namespace govbus;
using namespace govbus::audit;
using namespace govbus::audit::testing;

namespace {

// Opens the province log for writing, as its node does on start.
bool reopen_as_the_node(const TwoNodeLogs& logs) {
    Options o;
    o.node_id = "province-510000";
    o.signing_key_path = logs.province_keys.key;
    o.certificate_path = logs.province_keys.cert;
    return ExchangeLog::open(logs.province, o).ok();
}

}  // namespace

BOOST_AUTO_TEST_CASE(searches_by_case_endpoint_reason_event_and_time) {
    TwoNodeLogs logs;
    auto r = LogReader::open(logs.province);
    BOOST_REQUIRE(r.ok());
    Query by_case;
    by_case.case_number = "C-1";
    BOOST_TEST(r->search(by_case).size() == 4u);
    // Deliveries name their endpoint "endpoint:cd.tax"; either form finds them.
    Query by_endpoint;
    by_endpoint.endpoint = "cd.tax";
    BOOST_TEST(r->search(by_endpoint).size() == 10u);
    by_endpoint.endpoint = "endpoint:cd.tax";
    BOOST_TEST(r->search(by_endpoint).size() == 10u);
    by_endpoint.endpoint = "sc.portal";  // the source of everything the province logged
    BOOST_TEST(r->search(by_endpoint).size() == 26u);
    Query by_reason;
    by_reason.reason = "signature.bad";
    auto bad = r->search(by_reason);
    BOOST_REQUIRE(bad.size() == 1u);
    BOOST_TEST(bad[0].reason_text.find("13812345678") == std::string::npos);
    Query by_event;
    by_event.event = "delivered";
    by_event.from_ms = *parse_time_bound("2026-10-05T10:00:00+08:00");
    BOOST_TEST(r->search(by_event).size() == 5u);  // the odd cases, an hour later
    Query rare_event;
    rare_event.event = "rejected";  // through the partial index of rare events
    auto rejected = r->search(rare_event);
    BOOST_REQUIRE(rejected.size() == 1u);
    BOOST_TEST(rejected[0].reason_code == "signature.bad");
    Query by_message;
    by_message.message_id = "m-7";
    BOOST_TEST(r->count(by_message) == 2);
}

BOOST_AUTO_TEST_CASE(the_searched_columns_are_indexed) {
    TwoNodeLogs logs;
    auto plan_of = [&](const std::string& where) {
        std::string plan;
        BOOST_REQUIRE(run("sqlite3 '" + logs.province + "' \"EXPLAIN QUERY PLAN SELECT * FROM records WHERE " + where +
                              "\"",
                          &plan) == 0);
        return plan;
    };
    // Case numbers and message ids are searched through the message keys.
    const std::string by_case = plan_of("key_ref IN (SELECT ref FROM message_keys WHERE case_number='C-1')");
    BOOST_TEST(by_case.find("USING COVERING INDEX message_keys_case") != std::string::npos, by_case);
    BOOST_TEST(by_case.find("USING INDEX records_key") != std::string::npos, by_case);
    const std::string by_endpoint = plan_of("(source IN ('x', 'endpoint:x') OR destination IN ('x', 'endpoint:x'))");
    BOOST_TEST(by_endpoint.find("INDEX records_source") != std::string::npos, by_endpoint);
    BOOST_TEST(by_endpoint.find("INDEX records_destination") != std::string::npos, by_endpoint);
    const std::string by_message = plan_of("key_ref IN (SELECT ref FROM message_keys WHERE message_id='m-7')");
    BOOST_TEST(by_message.find("USING COVERING INDEX message_keys_message") != std::string::npos, by_message);
    // Reason and rare events are in partial indexes, used when the query repeats their condition.
    const std::string by_reason = plan_of(std::string("reason_code='x' AND ") + kHasReason);
    BOOST_TEST(by_reason.find("USING INDEX records_with_reason") != std::string::npos, by_reason);
    const std::string by_event = plan_of("event='rejected' AND " + kRareEvent);
    BOOST_TEST(by_event.find("USING INDEX records_rare_event") != std::string::npos, by_event);
}

// SQLite checks each partial index's condition on every insert; a condition
// with an IN list builds a temporary table for every record written.
BOOST_AUTO_TEST_CASE(writing_a_record_builds_no_temporary_table) {
    TwoNodeLogs logs;
    std::string program;
    BOOST_REQUIRE(run("sqlite3 '" + logs.province + "' \"EXPLAIN " + insert_record_sql() + "\"", &program) == 0);
    BOOST_TEST(program.find("IdxInsert") != std::string::npos, program);  // it is the insert's program
    BOOST_TEST(program.find("OpenEphemeral") == std::string::npos, program);
}

BOOST_AUTO_TEST_CASE(a_log_with_the_old_rare_event_index_gets_the_new_one_when_opened) {
    TwoNodeLogs logs;
    BOOST_REQUIRE(run("sqlite3 '" + logs.province +
                      "' \"DROP INDEX records_rare_event; CREATE INDEX records_rare_event ON records(event) WHERE "
                      "event NOT IN ('received', 'accepted', 'routed', 'delivered')\"") == 0);
    BOOST_REQUIRE(reopen_as_the_node(logs));
    std::string sql;
    BOOST_REQUIRE(run("sqlite3 '" + logs.province +
                          "' \"SELECT sql FROM sqlite_master WHERE name='records_rare_event'\"",
                      &sql) == 0);
    BOOST_TEST(sql.find("NOT IN") == std::string::npos, sql);
    BOOST_TEST(sql.find(kRareEvent) != std::string::npos, sql);
    auto r = LogReader::open(logs.province);
    BOOST_REQUIRE(r.ok());
    Query rejected;
    rejected.event = "rejected";
    BOOST_TEST(r->search(rejected).size() == 1u);
}

BOOST_AUTO_TEST_CASE(stats_count_bytes_failures_and_latency_percentiles) {
    TwoNodeLogs logs;
    auto r = LogReader::open(logs.province);
    auto rows = compute_stats(*r, StatsGroup::endpoint, StatsPeriod::day, std::nullopt, std::nullopt);
    // Intake events count for the source (sc.portal), deliveries for the destination.
    std::map<std::string, StatsRow> by;
    for (auto& row : rows) by[row.key] = row;
    BOOST_REQUIRE(by.count("cd.tax"));  // the deliveries to "endpoint:cd.tax"
    BOOST_TEST(!by.count("endpoint:cd.tax"));
    BOOST_TEST(by["cd.tax"].period == "2026-10-05");
    BOOST_TEST(by["cd.tax"].delivered == 10);
    BOOST_TEST(by["cd.tax"].bytes == 10 * 2048);
    // Latencies 30, 40, ..., 120: nearest-rank p50 = 5th = 70, p95 = 10th = 120.
    BOOST_TEST(*by["cd.tax"].p50_ms == 70);
    BOOST_TEST(*by["cd.tax"].p95_ms == 120);
    BOOST_TEST(by["sc.portal"].received == 12);
    BOOST_TEST(by["sc.portal"].failed == 1);
    BOOST_TEST(by["sc.portal"].failure_rate == 1.0);  // its only outcome booked to it is the rejection

    auto hourly = compute_stats(*r, StatsGroup::reason, StatsPeriod::hour, std::nullopt, std::nullopt);
    std::set<std::string> periods;
    for (auto& row : hourly) periods.insert(row.period);
    BOOST_TEST(periods.size() == 2u);
    BOOST_TEST(*periods.begin() == "2026-10-05T09:00");
}

BOOST_AUTO_TEST_CASE(trace_merges_two_nodes_into_one_timeline_with_hop_times) {
    TwoNodeLogs logs;
    auto steps = trace_case({logs.city, logs.province}, "C-1");
    BOOST_REQUIRE(steps.ok());
    BOOST_REQUIRE(steps->size() == 7u);
    std::vector<std::string> order;
    for (auto& s : *steps) order.push_back(s.record.node_id + ":" + s.record.event);
    std::vector<std::string> expected = {"province-510000:received", "province-510000:accepted",
                                         "province-510000:routed",   "city-510100:received",
                                         "city-510100:routed",       "province-510000:delivered",
                                         "city-510100:delivered"};
    BOOST_TEST(order == expected, boost::test_tools::per_element());
    // The hop: from the province's routing to the city (10 ms) to the city's receipt (25 ms).
    BOOST_TEST(*(*steps)[3].between_nodes_ms == 15);
    BOOST_TEST((*steps)[3].from_node == "province-510000");
    BOOST_TEST(!(*steps)[0].between_nodes_ms);  // from the portal, an endpoint: no hop between nodes
    BOOST_TEST(*(*steps)[5].at_node_ms == 40);
    BOOST_TEST(*(*steps)[6].at_node_ms == 45);
}

BOOST_AUTO_TEST_CASE(export_writes_records_checkpoints_certificates_and_a_readme) {
    TwoNodeLogs logs;
    auto out = logs.dir.file("export");
    auto sum = export_log(logs.province, out, std::nullopt, std::nullopt);
    BOOST_REQUIRE(sum.ok());
    BOOST_TEST(sum->records == 26);
    BOOST_TEST(sum->certificates == 1);
    BOOST_TEST(read_text(out + "/README.md").find("How to verify") != std::string::npos);
    std::string lines;
    BOOST_REQUIRE(run("wc -l < '" + out + "/records.jsonl'", &lines) == 0);
    BOOST_TEST(std::stoi(lines) == 26);
    // A checkpoint verifies with nothing but openssl and the exported files.
    std::string cmd = "cd '" + out + "' && head -1 checkpoints.jsonl | sed 's/.*\"signature_hex\":\"\\([0-9a-f]*\\)\".*/\\1/' | xxd -r -p > cp.sig"
                      " && head -1 checkpoints.jsonl | sed 's/.*\"signed_bytes_hex\":\"\\([0-9a-f]*\\)\".*/\\1/' | xxd -r -p > cp.bin"
                      " && openssl x509 -in certs/*.pem -pubkey -noout > node.pub"
                      " && openssl dgst -sha256 -verify node.pub -signature cp.sig cp.bin";
    std::string verified;
    BOOST_TEST(run(cmd, &verified) == 0);
    BOOST_TEST(verified.find("Verified OK") != std::string::npos);
}

// Each message's id and case number are filed once in message_keys, however
// many records the message has.
BOOST_AUTO_TEST_CASE(a_message_is_filed_once_for_all_its_records) {
    TwoNodeLogs logs;
    std::string counts;
    BOOST_REQUIRE(run("sqlite3 '" + logs.province +
                          "' \"SELECT (SELECT count(*) FROM records) || ' ' || (SELECT count(*) FROM message_keys) || ' ' || "
                          "(SELECT count(DISTINCT message_id || '/' || case_number) FROM records)\"",
                      &counts) == 0);
    std::istringstream in(counts);
    long records = 0, keys = 0, distinct = 0;
    in >> records >> keys >> distinct;
    BOOST_TEST(records > keys);
    BOOST_TEST(keys == distinct);
}

// A log written before the message keys: its records are filed when a node
// opens it, and until then the reader searches the records' own columns.
BOOST_AUTO_TEST_CASE(a_log_written_before_the_message_keys_is_searched_and_then_filed) {
    TwoNodeLogs logs;
    std::size_t by_case_before = 0, by_message_before = 0;
    {
        auto r = LogReader::open(logs.province);
        BOOST_REQUIRE(r.ok());
        Query by_case;
        by_case.case_number = "C-1";
        by_case_before = r->search(by_case).size();
        Query by_message;
        by_message.message_id = "m-7";
        by_message_before = r->search(by_message).size();
    }
    BOOST_REQUIRE(by_case_before == 4u);
    // The format before: no message_keys, no key_ref, and the two column indexes.
    BOOST_REQUIRE(run("sqlite3 '" + logs.province +
                      "' \"DROP INDEX records_key; DROP TABLE message_keys; ALTER TABLE records DROP COLUMN key_ref; "
                      "CREATE INDEX records_case ON records(case_number); "
                      "CREATE INDEX records_message ON records(message_id)\"") == 0);
    auto count = [&](const Query& q) {
        auto r = LogReader::open(logs.province);
        BOOST_REQUIRE(r.ok());
        return r->search(q).size();
    };
    Query by_case;
    by_case.case_number = "C-1";
    Query by_message;
    by_message.message_id = "m-7";
    BOOST_TEST(count(by_case) == by_case_before);
    BOOST_TEST(count(by_message) == by_message_before);

    BOOST_REQUIRE(reopen_as_the_node(logs));
    std::string state;
    BOOST_REQUIRE(run("sqlite3 '" + logs.province +
                          "' \"SELECT (SELECT count(*) FROM records WHERE key_ref IS NULL) || ' ' || "
                          "(SELECT count(*) FROM message_keys) || ' ' || "
                          "(SELECT count(*) FROM sqlite_master WHERE name IN ('records_case', 'records_message'))\"",
                      &state) == 0);
    std::istringstream in(state);
    long unfiled = -1, keys = 0, old_indexes = -1;
    in >> unfiled >> keys >> old_indexes;
    BOOST_TEST(unfiled == 0);
    BOOST_TEST(keys > 0);
    BOOST_TEST(old_indexes == 0);
    BOOST_TEST(count(by_case) == by_case_before);
    BOOST_TEST(count(by_message) == by_message_before);
    auto rep = verify_log(logs.province, {read_text(logs.province_keys.cert), {}});
    BOOST_REQUIRE(rep.ok());
    BOOST_TEST(rep->ok());
}
