#define BOOST_TEST_MODULE personal_data_scrubber
#include <boost/test/unit_test.hpp>

#include "audit/exchange_log.hpp"
#include "audit/personal_data_scrubber.hpp"
#include "bus/rules/data_rules.hpp"
#include "test_node_keys.hpp"

using namespace govbus;
using namespace govbus::audit;

BOOST_AUTO_TEST_CASE(masks_citizen_id_numbers_in_free_text) {
    auto out = scrub_personal_data("applicant 11010519491231002X and 510104199001011230 rejected");
    BOOST_TEST(out.find("11010519491231002X") == std::string::npos);
    BOOST_TEST(out.find("510104199001011230") == std::string::npos);
    BOOST_TEST(out.find("110105") != std::string::npos);  // the region part stays (masking keeps the ends)
    BOOST_TEST(out.find("applicant ") == 0u);
}

BOOST_AUTO_TEST_CASE(masks_an_id_number_with_a_lower_case_x_and_a_wrong_check_digit) {
    auto out = scrub_personal_data("id=34052419800101001x;bad=340524198001010013");
    BOOST_TEST(out.find("34052419800101001") == std::string::npos);
    BOOST_TEST(out.find("340524198001010013") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(masks_mobile_numbers_with_and_without_the_country_code) {
    auto out = scrub_personal_data("call 13812345678 or +8615912345678");
    BOOST_TEST(out.find("13812345678") == std::string::npos);
    BOOST_TEST(out.find("15912345678") == std::string::npos);
    BOOST_TEST(out.find("+86") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(leaves_other_digit_runs_alone) {
    std::string text = "order 20261025000123 at 1795570200 item 12345678901234567890 code 12345678901";
    // 14, 10, 20 digits; the 11-digit run starts with 12 (not a mobile prefix).
    BOOST_TEST(scrub_personal_data(text) == text);
}

BOOST_AUTO_TEST_CASE(masks_known_names_wherever_they_appear) {
    auto out = scrub_personal_data("张三丰 applied; 张三丰's licence expired", {"张三丰"});
    BOOST_TEST(out.find("张三丰") == std::string::npos);
    BOOST_TEST(out.find(rules::mask_name("张三丰")) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_log_never_stores_personal_data_in_clear) {
    using namespace govbus::audit::testing;
    TempDir dir;
    auto keys = make_node_key(dir);
    {
        Options o;
        o.node_id = "province-510000";
        o.signing_key_path = keys.key;
        o.certificate_path = keys.cert;
        o.clock = std::make_shared<ManualClock>(*parse_rfc3339("2026-10-05T09:00:00+08:00"));
        auto log = ExchangeLog::open(dir.file("x.db"), o);
        BOOST_REQUIRE(log.ok());
        Event e;
        e.kind = EventKind::rejected;
        e.message_id = "m-1";
        e.reason_code = "data.id_number";
        e.reason_text = "applicant 李四 (11010519491231002X, tel 13812345678) has a wrong check digit";
        e.personal_names = {"李四"};
        (*log)->record(e);
        BOOST_REQUIRE((*log)->flush().ok());
    }
    std::string dump;
    BOOST_REQUIRE(run("sqlite3 '" + dir.file("x.db") + "' .dump", &dump) == 0);
    BOOST_TEST(dump.find("11010519491231002X") == std::string::npos);
    BOOST_TEST(dump.find("13812345678") == std::string::npos);
    BOOST_TEST(dump.find("李四") == std::string::npos);
    BOOST_TEST(dump.find("has a wrong check digit") != std::string::npos);
    BOOST_TEST(verify_log(dir.file("x.db"))->ok());
}
