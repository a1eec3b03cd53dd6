// The http adapter's options block: transport security is a decision, and
// push URLs must match it.
#define BOOST_TEST_MODULE http_options
#include <boost/test/unit_test.hpp>

#include "bus/node/adapter.hpp"

using namespace govbus;

namespace {

// Files that exist: the block is only read here, nothing is loaded.
const std::string kFile = __FILE__;

Result<std::unique_ptr<Adapter>> made(const std::string& options, const std::string& url = "") {
    AdapterConfig config;
    config.name = "http";
    config.options = YAML::Load(options);
    config.peers.push_back({"endpoint:cd.market", url, YAML::Node()});
    return make_adapter(config);
}

std::string tls() { return "tls: {ca: " + kFile + ", cert: " + kFile + ", key: " + kFile + "}"; }

std::string refusal(const Result<std::unique_ptr<Adapter>>& r) {
    BOOST_REQUIRE(!r.ok());
    std::string all;
    for (const auto& p : r.problems()) all += p.field + ": " + p.message + "\n";
    return all;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tls_or_plain_must_be_chosen) {
    BOOST_TEST(refusal(made("{listen: \"127.0.0.1:0\"}")).find("no transport security") != std::string::npos);
    BOOST_TEST(refusal(made("{listen: \"127.0.0.1:0\", plain: true, " + tls() + "}")).find("exclude each other") !=
               std::string::npos);
    BOOST_TEST(made("{listen: \"127.0.0.1:0\", plain: true}").ok());
    BOOST_TEST(made("{listen: \"127.0.0.1:0\", " + tls() + "}").ok());
    BOOST_TEST(refusal(made("{listen: \"127.0.0.1:0\", tls: {ca: /nonexistent/ca.crt, cert: " + kFile + ", key: " +
                            kFile + "}}"))
                   .find("/nonexistent/ca.crt") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(push_urls_follow_the_transport) {
    BOOST_TEST(made("{listen: \"127.0.0.1:0\", " + tls() + "}", "https://dept.example:8443/cases").ok());
    BOOST_TEST(made("{listen: \"127.0.0.1:0\", plain: true}", "http://127.0.0.1:8000/cases").ok());
    const std::string plain_beside_tls = refusal(made("{listen: \"127.0.0.1:0\", " + tls() + "}", "http://dept.example/cases"));
    BOOST_TEST(plain_beside_tls.find("endpoint 'cd.market'") != std::string::npos);
    BOOST_TEST(plain_beside_tls.find("https://") != std::string::npos);
    BOOST_TEST(refusal(made("{listen: \"127.0.0.1:0\", plain: true}", "https://dept.example/cases")).find("'tls' block") !=
               std::string::npos);
    BOOST_TEST(refusal(made("{listen: \"127.0.0.1:0\", plain: true}", "ftp://dept.example/")).find("not an http") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(keys_and_values_are_checked) {
    BOOST_TEST(refusal(made("{listen: \"127.0.0.1:0\", plain: true, timeout: 5}")).find("timeout") != std::string::npos);
    BOOST_TEST(refusal(made("{listen: \"localhost\", plain: true}")).find("/adapters/http/listen") != std::string::npos);
    BOOST_TEST(refusal(made("{listen: \"127.0.0.1:0\", plain: true, max_in_flight: 0}")).find("max_in_flight") !=
               std::string::npos);
}
