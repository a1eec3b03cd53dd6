#define BOOST_TEST_MODULE audit_cli
#include <boost/test/unit_test.hpp>

#include "two_node_logs.hpp"

#include <filesystem>

using namespace govbus;
using namespace govbus::audit;
using namespace govbus::audit::testing;

namespace {

// Runs the built `govbus` program with `args`; returns the exit status.
int govbus_cli(const std::string& args, std::string* out) {
    std::string exe = std::string(GOVBUS_BINARY_DIR) + "/tools/govbus/govbus";
    BOOST_REQUIRE_MESSAGE(std::filesystem::exists(exe), "build the govbus target first: " + exe);
    return run("'" + exe + "' " + args, out);
}

bool has(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) return true;
    BOOST_TEST_MESSAGE("missing '" << part << "' in:\n" << text);
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(verify_reports_an_intact_log_and_exits_zero) {
    TwoNodeLogs logs;
    std::string out;
    BOOST_TEST(govbus_cli("audit verify --log " + logs.province + " --cert " + logs.province_keys.cert, &out) == 0);
    BOOST_TEST(has(out, "result:      INTACT"));
}

BOOST_AUTO_TEST_CASE(verify_names_the_first_broken_record_and_exits_non_zero) {
    TwoNodeLogs logs;
    BOOST_REQUIRE(run("sqlite3 '" + logs.province + "' \"UPDATE records SET source='x' WHERE seq=9\"") == 0);
    std::string out;
    BOOST_TEST(govbus_cli("audit verify --log " + logs.province + " --cert " + logs.province_keys.cert, &out) == 1);
    BOOST_TEST(has(out, "first break: edited at seq 9"));
}

BOOST_AUTO_TEST_CASE(verify_with_another_nodes_certificate_fails) {
    TwoNodeLogs logs;
    std::string out;
    BOOST_TEST(govbus_cli("audit verify --log " + logs.province + " --cert " + logs.city_keys.cert, &out) == 1);
    BOOST_TEST(has(out, "bad_signature"));
}

BOOST_AUTO_TEST_CASE(verify_without_a_log_is_a_usage_error) {
    std::string out;
    BOOST_TEST(govbus_cli("audit verify", &out) == 2);
    BOOST_TEST(has(out, "usage: govbus audit verify"));
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_log_is_named_with_what_is_wrong) {
    TwoNodeLogs logs;  // for its directory
    const auto dir = std::filesystem::path(logs.province).parent_path();
    const std::string text = (dir / "notes.db").string();
    BOOST_REQUIRE(run("echo 'not a database, only text long enough to fill a header' > '" + text + "'") == 0);
    std::string out;
    BOOST_TEST(govbus_cli("audit search --log " + text + " --case x", &out) != 0);
    BOOST_TEST(has(out, "cannot use the exchange log '" + text + "' (file is not a database)"));

    const std::string missing = (dir / "missing.db").string();
    BOOST_TEST(govbus_cli("audit verify --log " + missing, &out) != 0);
    BOOST_TEST(has(out, "cannot open the exchange log '" + missing + "'"));
    BOOST_TEST(!std::filesystem::exists(missing));  // read-only: never created
}

BOOST_AUTO_TEST_CASE(search_prints_json_csv_and_table_with_personal_data_masked) {
    TwoNodeLogs logs;
    std::string out;
    BOOST_TEST(govbus_cli("audit search --log " + logs.province + " --reason signature.bad --format json", &out) == 0);
    BOOST_TEST(has(out, "\"case_number\":\"C-2\""));
    BOOST_TEST(out.find("13812345678") == std::string::npos);
    BOOST_TEST(govbus_cli("audit search --log " + logs.province + " --case C-1 --format csv", &out) == 0);
    BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 5);  // header + 4
    BOOST_TEST(govbus_cli("audit search --log " + logs.province + " --endpoint cd.tax --event delivered --from 2026-10-05T10:00:00+08:00", &out) == 0);
    BOOST_TEST(has(out, "(5 records)"));
    BOOST_TEST(govbus_cli("audit search --log " + logs.province + " --reason signature.bad", &out) == 0);
    BOOST_TEST(has(out, "(1 record)"));
    BOOST_TEST(govbus_cli("audit search --log " + logs.province + " --event lost", &out) == 2);
}

BOOST_AUTO_TEST_CASE(stats_prints_a_table_per_endpoint) {
    TwoNodeLogs logs;
    std::string out;
    BOOST_TEST(govbus_cli("audit stats --log " + logs.province + " --by endpoint --period day", &out) == 0);
    BOOST_TEST(has(out, "PERIOD"));
    BOOST_TEST(has(out, "cd.tax"));
    BOOST_TEST(govbus_cli("audit stats --log " + logs.province + " --by colour", &out) == 2);
}

BOOST_AUTO_TEST_CASE(trace_merges_the_logs_of_two_nodes) {
    TwoNodeLogs logs;
    std::string out;
    BOOST_TEST(govbus_cli("audit trace C-1 --log " + logs.province + " --log " + logs.city, &out) == 0);
    BOOST_TEST(has(out, "case C-1: 7 records from 2 logs"));
    BOOST_TEST(has(out, "15 ms from province-510000"));
    // The province logs its delivery once the city has accepted, after the city's receipt.
    BOOST_TEST(out.find("city-510100      received") < out.find("province-510000  delivered"));
}

BOOST_AUTO_TEST_CASE(export_writes_a_verifiable_directory) {
    TwoNodeLogs logs;
    std::string out;
    auto dir = logs.dir.file("inspector");
    BOOST_TEST(govbus_cli("audit export --log " + logs.province + " --out " + dir, &out) == 0);
    BOOST_TEST(has(out, "exported 26 records"));
    BOOST_TEST(has(out, ", 1 certificate to "));  // a count of one reads in the singular
    BOOST_TEST(std::filesystem::exists(dir + "/README.md"));
    BOOST_TEST(std::filesystem::exists(dir + "/checkpoints.jsonl"));
}

BOOST_AUTO_TEST_CASE(archive_then_verify_offline_then_prune_refuses_young_records) {
    // Records a year before the real clock, so the 180-day retention has passed for them.
    auto now = SystemClock().now();
    std::string start = format_rfc3339(now - std::chrono::hours(24) * 400).substr(0, 7) + "-20T10:00:00+08:00";
    TempDir dir;
    auto keys = make_node_key(dir);
    auto log_path = dir.file("x.db");
    auto clock = std::make_shared<ManualClock>(*parse_rfc3339(start));
    std::string month = start.substr(0, 7);
    {
        Options o;
        o.node_id = "city-510100";
        o.signing_key_path = keys.key;
        o.certificate_path = keys.cert;
        o.clock = clock;
        auto log = ExchangeLog::open(log_path, o);
        for (int d = 0; d < 45; ++d) {
            Event e;
            e.message_id = "m-" + std::to_string(d);
            (*log)->record(e);
            clock->advance(std::chrono::hours(24));
        }
        BOOST_REQUIRE((*log)->flush().ok());
    }
    std::string out;
    // The first month runs from day 20: archive it.
    auto archive = dir.file("month.archive");
    BOOST_TEST(govbus_cli("audit archive --log " + log_path + " --month " + month + " --out " + archive, &out) == 0);
    BOOST_TEST(has(out, "archived " + month));
    BOOST_TEST(govbus_cli("audit verify --archive " + archive + " --cert " + keys.cert, &out) == 0);
    BOOST_TEST(has(out, "result:      INTACT"));
    // A date inside the retention is refused.
    std::string young = format_rfc3339(now - std::chrono::hours(24) * 30).substr(0, 10);
    BOOST_TEST(govbus_cli("audit prune --log " + log_path + " --before " + young, &out) == 1);
    BOOST_TEST(has(out, "refusing to prune"));
    // A date past the retention prunes the archived month and the log still verifies.
    std::string old = format_rfc3339(now - std::chrono::hours(24) * 200).substr(0, 10);
    BOOST_TEST(govbus_cli("audit prune --log " + log_path + " --before " + old, &out) == 0);
    BOOST_TEST(has(out, "pruned"));
    BOOST_TEST(govbus_cli("audit verify --log " + log_path + " --cert " + keys.cert, &out) == 0);
    BOOST_TEST(has(out, "chain from signed anchor"));
}
