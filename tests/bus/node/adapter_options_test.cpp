// Splitting the addresses adapters are configured with.
#define BOOST_TEST_MODULE adapter_options
#include <boost/test/unit_test.hpp>

#include "bus/node/adapter_options.hpp"

using govbus::parse_http_url;

BOOST_AUTO_TEST_CASE(splits_an_http_url_into_scheme_host_port_and_target) {
    auto u = parse_http_url("https://dept.example:8443/govbus/in?x=1");
    BOOST_REQUIRE(u.has_value());
    BOOST_TEST(u->https);
    BOOST_TEST(u->host == "dept.example");
    BOOST_TEST(u->port == "8443");
    BOOST_TEST(u->target == "/govbus/in?x=1");

    auto plain = parse_http_url("http://127.0.0.1");
    BOOST_REQUIRE(plain.has_value());
    BOOST_TEST(!plain->https);
    BOOST_TEST(plain->port == "80");
    BOOST_TEST(plain->target == "/");
    BOOST_TEST(parse_http_url("https://host/")->port == "443");
}

BOOST_AUTO_TEST_CASE(takes_ipv6_literals_with_and_without_a_port) {
    auto with_port = parse_http_url("http://[::1]:8080/in");
    BOOST_REQUIRE(with_port.has_value());
    BOOST_TEST(with_port->host == "::1");
    BOOST_TEST(with_port->port == "8080");
    auto without = parse_http_url("https://[fd00::5]/in");
    BOOST_REQUIRE(without.has_value());
    BOOST_TEST(without->host == "fd00::5");
    BOOST_TEST(without->port == "443");
}

BOOST_AUTO_TEST_CASE(refuses_other_schemes_empty_hosts_and_bad_ports) {
    BOOST_TEST(!parse_http_url("ftp://host/").has_value());
    BOOST_TEST(!parse_http_url("http:///in").has_value());
    BOOST_TEST(!parse_http_url("http://host:80x/").has_value());
    BOOST_TEST(!parse_http_url("http://host:70000/").has_value());
    BOOST_TEST(!parse_http_url("http://host:/").has_value());
}
