#define BOOST_TEST_MODULE adapter_plugins
#include <boost/test/unit_test.hpp>

#include "bus/node/adapter.hpp"

using namespace govbus;

BOOST_AUTO_TEST_CASE(an_adapter_plugin_built_against_this_interface_is_loaded_and_makes_adapters) {
    BOOST_REQUIRE_MESSAGE(load_adapter_plugin(GOVBUS_TEST_PLUGIN_CURRENT).ok(), "the current plug-in did not load");
    AdapterConfig config;
    config.name = "echo";
    auto adapter = make_adapter(config);
    BOOST_REQUIRE(adapter.ok());
    OutboundMessage m;
    m.bytes = "{}";
    DeliveryResult got;
    got.kind = DeliveryResult::Kind::retry;
    (*adapter)->deliver(m, [&](DeliveryResult r) { got = r; });
    BOOST_TEST((got.kind == DeliveryResult::Kind::delivered));
    (*adapter)->deliver(OutboundMessage{}, [&](DeliveryResult r) { got = r; });
    BOOST_TEST((got.kind == DeliveryResult::Kind::refused));
    BOOST_TEST(got.reason.code == "echo.empty");

    auto again = load_adapter_plugin(GOVBUS_TEST_PLUGIN_CURRENT);
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(again.problem().code == "config.adapter_plugin");
    BOOST_TEST(again.problem().message.find("registered already") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_adapter_plugin_built_against_another_interface_version_is_refused_with_both_versions) {
    auto st = load_adapter_plugin(GOVBUS_TEST_PLUGIN_SKEWED);
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST(st.problem().code == "config.adapter_version");
    const std::string& m = st.problem().message;
    BOOST_TEST(m.find("version " + std::to_string(kAdapterInterfaceVersion + 1)) != std::string::npos, m);
    BOOST_TEST(m.find("version " + std::to_string(kAdapterInterfaceVersion) + ";") != std::string::npos, m);
    AdapterConfig config;
    config.name = "echo-skewed";
    BOOST_TEST(make_adapter(config).problem().code == "config.adapter_unknown");
}

BOOST_AUTO_TEST_CASE(a_library_that_is_missing_or_not_an_adapter_is_refused_with_the_reason) {
    auto missing = load_adapter_plugin("/nonexistent/libnothing.so");
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.problem().code == "config.adapter_plugin");
    BOOST_TEST(missing.problem().message.find("/nonexistent/libnothing.so") != std::string::npos);
    auto not_adapter = load_adapter_plugin("libm.so.6");
    BOOST_REQUIRE(!not_adapter.ok());
    BOOST_TEST(not_adapter.problem().message.find("govbus_adapter_plugin") != std::string::npos);
}
