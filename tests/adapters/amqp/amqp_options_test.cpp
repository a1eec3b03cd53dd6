// The amqp adapter's options block and the identity it takes from certificates.
#define BOOST_TEST_MODULE amqp_options
#include <boost/test/unit_test.hpp>

#include "amqp_test_support.hpp"
#include "adapters/amqp/amqp_options.hpp"
#include "adapters/amqp/peer_identity.hpp"
#include "bus/node/adapter.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace govbus;
using namespace govbus::amqp;

BOOST_AUTO_TEST_CASE(registers_itself_as_amqp) {
    auto names = adapter_names();
    BOOST_TEST((std::find(names.begin(), names.end(), "amqp") != names.end()));
}

BOOST_AUTO_TEST_CASE(refuses_to_start_without_tls_or_explicit_plain) {
    auto r = read_options(YAML::Load("{listen: \"127.0.0.1:5672\"}"), "");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.problem().code == "config.invalid");
    BOOST_TEST(r.problem().message.find("plain: true") != std::string::npos);

    AdapterConfig config;
    config.name = "amqp";
    config.options = YAML::Load("{listen: \"127.0.0.1:5672\"}");
    BOOST_TEST(!make_adapter(config).ok());
}

BOOST_AUTO_TEST_CASE(reads_plain_options_with_defaults) {
    auto r = read_options(YAML::Load("{listen: \"127.0.0.1:0\", plain: true, credit: 7}"), "");
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->listen_host == "127.0.0.1");
    BOOST_TEST(r->listen_port == "0");
    BOOST_TEST(r->credit == 7);
    BOOST_TEST(r->threads == 2);
    BOOST_TEST(r->reconnect_max_seconds == 10);
    BOOST_TEST(!r->tls.has_value());
}

BOOST_AUTO_TEST_CASE(refuses_unknown_keys_bad_listen_and_missing_tls_files) {
    BOOST_TEST(!read_options(YAML::Load("{listen: \"127.0.0.1:0\", plain: true, credits: 7}"), "").ok());
    BOOST_TEST(!read_options(YAML::Load("{listen: \"localhost\", plain: true}"), "").ok());
    BOOST_TEST(!read_options(YAML::Load("{listen: \"127.0.0.1:0\", plain: true, credit: 0}"), "").ok());
    auto r = read_options(YAML::Load("{listen: \"127.0.0.1:0\", tls: {ca: ca.pem, cert: n.pem, key: n.key}}"),
                          "/nonexistent-dir");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.problem().message.find("/nonexistent-dir/ca.pem") != std::string::npos);
    BOOST_TEST(!read_options(YAML::Load("{listen: \"127.0.0.1:0\", plain: true, tls: {ca: a, cert: b, key: c}}"), "")
                    .ok());
}

BOOST_AUTO_TEST_CASE(reads_crl_as_one_file_or_a_list_relative_to_the_configuration) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("govbus-amqp-options-" + std::to_string(getpid()));
    fs::create_directories(dir);
    for (const char* f : {"ca.pem", "n.pem", "n.key", "a.crl", "b.crl"}) std::ofstream(dir / f) << "x";
    const std::string tls = "{listen: \"127.0.0.1:0\", tls: {ca: ca.pem, cert: n.pem, key: n.key, crl: ";
    auto one = read_options(YAML::Load(tls + "a.crl}}"), dir.string());
    BOOST_REQUIRE(one.ok());
    BOOST_TEST(one->tls->crl == std::vector<std::string>{(dir / "a.crl").string()});
    auto two = read_options(YAML::Load(tls + "[a.crl, b.crl]}}"), dir.string());
    BOOST_REQUIRE(two.ok());
    BOOST_TEST(two->tls->crl.size() == 2u);
    auto missing = read_options(YAML::Load(tls + "c.crl}}"), dir.string());
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.problem().message.find("c.crl' does not exist") != std::string::npos, missing.problem().message);
    auto none = read_options(YAML::Load("{listen: \"127.0.0.1:0\", tls: {ca: ca.pem, cert: n.pem, key: n.key}}"),
                             dir.string());
    BOOST_REQUIRE(none.ok());
    BOOST_TEST(none->tls->crl.empty());
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(takes_the_common_name_of_a_certificate_subject_as_identity) {
    BOOST_TEST(identity_from_subject("CN=cd.market,OU=govbus,O=Chengdu,C=CN") == "cd.market");
    BOOST_TEST(identity_from_subject("C=CN, O=Sichuan, CN=node:province-510000") == "node:province-510000");
    BOOST_TEST(identity_from_subject("/C=CN/O=Chengdu/CN=cd.civil") == "cd.civil");
    BOOST_TEST(identity_from_subject("O=Chengdu,C=CN") == "O=Chengdu,C=CN");
    BOOST_TEST(identity_from_subject("") == "");
    BOOST_TEST(identity_from_subject("anonymous") == "");
}

BOOST_AUTO_TEST_CASE(reports_a_port_already_in_use_at_start) {
    using namespace govbus::amqp::testing;
    FakeHost host;
    auto first = plain_adapter("city-510100");
    BOOST_REQUIRE(first->start(host));
    auto second = plain_adapter("city-510100", 200, {}, first->port());
    auto status = second->start(host);
    BOOST_REQUIRE(!status.ok());
    BOOST_TEST(status.problem().code == "amqp.listen");
    second.reset();
    first->stop();
}

BOOST_AUTO_TEST_CASE(can_be_destroyed_without_being_started) {
    auto adapter = govbus::amqp::testing::plain_adapter("city-510100");
    adapter.reset();
    BOOST_TEST(!adapter);
}
