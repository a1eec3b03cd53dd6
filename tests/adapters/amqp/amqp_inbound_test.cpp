// Messages peers send to govbus/in: settled only by the node's verdict, with
// govbus reason codes on rejection, and never more than `credit` unsettled.
#define BOOST_TEST_MODULE amqp_inbound
#include <boost/test/unit_test.hpp>

#include "amqp_test_support.hpp"

using namespace govbus;
using namespace govbus::amqp;
using namespace govbus::amqp::testing;

BOOST_AUTO_TEST_CASE(accepts_an_inbound_message_only_after_the_node_says_ok) {
    FakeHost host;
    // msg-0 is held by the node; msg-1 is answered at once.
    host.set_rule([](const InboundMessage& m) -> std::optional<Status> {
        if (m.bytes == "msg-0") return std::nullopt;
        return ok_status();
    });
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer peer({"send", "--url", url_of(*adapter), "--count", "2"});

    BOOST_REQUIRE_MESSAGE(peer.wait_for("accepted", 1), peer.transcript());
    // msg-1's acceptance has reached the sender while msg-0 is still held.
    auto first = peer.events("accepted");
    BOOST_TEST(first.size() == 1u);
    BOOST_TEST(first[0].at("n").as_int64() == 1);
    BOOST_TEST(host.held() == 1u);

    BOOST_REQUIRE(host.release("msg-0", ok_status()));
    BOOST_REQUIRE_MESSAGE(peer.wait_for("done"), peer.transcript());
    auto accepted = peer.events("accepted");
    BOOST_REQUIRE(accepted.size() == 2u);
    BOOST_TEST(accepted[1].at("n").as_int64() == 0);

    auto got = host.received();
    BOOST_REQUIRE(got.size() == 2u);
    BOOST_TEST(got[0].adapter == "amqp");
    BOOST_TEST(got[0].peer == "");  // plain transport: no transport identity
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(rejects_with_the_govbus_reason_code_as_error_condition) {
    FakeHost host;
    host.set_rule([](const InboundMessage& m) -> std::optional<Status> {
        if (m.bytes == "bad-1") return Status(make_problem("schema.invalid", "Header/Type is missing"));
        return ok_status();
    });
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer peer({"send", "--url", url_of(*adapter), "--count", "3", "--prefix", "bad"});
    BOOST_REQUIRE_MESSAGE(peer.wait_for("done"), peer.transcript());

    auto rejected = peer.events("rejected");
    BOOST_REQUIRE_MESSAGE(rejected.size() == 1u, peer.transcript());
    BOOST_TEST(rejected[0].at("n").as_int64() == 1);
    BOOST_TEST(rejected[0].at("condition").as_string() == "govbus:schema.invalid");
    BOOST_TEST(rejected[0].at("description").as_string() == "Header/Type is missing");
    BOOST_TEST(peer.events("accepted").size() == 2u);
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(takes_a_string_body_and_rejects_other_bodies_without_asking_the_node) {
    FakeHost host;
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer text({"send", "--url", url_of(*adapter), "--count", "1", "--body", "string"});
    BOOST_REQUIRE_MESSAGE(text.wait_for("done"), text.transcript());
    BOOST_TEST(text.events("accepted").size() == 1u);
    BOOST_REQUIRE(host.received().size() == 1u);
    BOOST_TEST(host.received()[0].bytes == "msg-0");

    PythonPeer map({"send", "--url", url_of(*adapter), "--count", "1", "--body", "map"});
    BOOST_REQUIRE_MESSAGE(map.wait_for("done"), map.transcript());
    auto rejected = map.events("rejected");
    BOOST_REQUIRE(rejected.size() == 1u);
    BOOST_TEST(rejected[0].at("condition").as_string() == "govbus:message.encoding");
    BOOST_TEST(host.received().size() == 1u);
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(never_lets_a_sender_have_more_than_the_credit_window_unsettled) {
    constexpr int kCredit = 5;
    FakeHost host;
    host.hold_all();
    auto adapter = plain_adapter("city-510100", kCredit);
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer peer({"send", "--url", url_of(*adapter), "--count", "12"});

    // The window fills; the sender then stalls at exactly `credit`.
    BOOST_REQUIRE_MESSAGE(eventually([&] { return host.held() == kCredit; }), peer.transcript());
    // Each verdict frees one credit: release one at a time and let it refill.
    for (int n = 0; n < 12; ++n) {
        BOOST_REQUIRE_MESSAGE(eventually([&] { return host.release("msg-" + std::to_string(n), ok_status()); }),
                              "msg-" << n << " never arrived\n" << peer.transcript());
        BOOST_TEST(host.held() <= static_cast<std::size_t>(kCredit));
    }
    BOOST_REQUIRE_MESSAGE(peer.wait_for("done"), peer.transcript());
    // Counted where the window is enforced: deliveries received and not yet
    // settled. (The sender's own count can run ahead: Proton writes the new
    // credit before the disposition that freed it.)
    BOOST_TEST(host.max_outstanding() == kCredit);
    BOOST_TEST(peer.events("done")[0].at("max_unsettled").as_int64() >= kCredit);
    BOOST_TEST(peer.events("accepted").size() == 12u);
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(refuses_a_link_to_an_unknown_address) {
    FakeHost host;
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer peer({"receive", "--url", url_of(*adapter), "--address", "govbus/elsewhere", "--deadline", "5"});
    BOOST_REQUIRE_MESSAGE(peer.wait_for("link_error"), peer.transcript());
    BOOST_TEST(peer.events("link_error")[0].at("condition").as_string() == "amqp:not-found");
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(a_verdict_after_the_sender_left_is_dropped_quietly) {
    FakeHost host;
    host.hold_all();
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    {
        PythonPeer peer({"send", "--url", url_of(*adapter), "--count", "1"});
        BOOST_REQUIRE(eventually([&] { return host.held() == 1u; }));
    }  // the sender is killed with its message unsettled
    BOOST_TEST(host.release("msg-0", ok_status()));
    // The adapter still serves new senders.
    host.set_rule([](const InboundMessage&) -> std::optional<Status> { return ok_status(); });
    PythonPeer again({"send", "--url", url_of(*adapter), "--count", "1"});
    BOOST_REQUIRE_MESSAGE(again.wait_for("done"), again.transcript());
    adapter->stop();
}
