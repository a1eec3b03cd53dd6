// Deliveries the node hands the adapter: pulled by endpoints from
// govbus/out/<id>, pushed to peer nodes' govbus/in; every delivery gets
// exactly one outcome.
#define BOOST_TEST_MODULE amqp_outbound
#include <boost/test/unit_test.hpp>

#include "amqp_test_support.hpp"
#include "tools/common/child_process.hpp"

#include <fstream>

using namespace govbus;
using namespace govbus::amqp;
using namespace govbus::amqp::testing;

namespace {

// Records each delivery's outcomes (more than one would be a bug).
struct Outcomes {
    std::mutex mutex;
    std::map<std::string, std::vector<DeliveryResult>> by_id;

    DeliveryDone expect(const std::string& id) {
        return [this, id](DeliveryResult r) {
            std::lock_guard lock(mutex);
            by_id[id].push_back(std::move(r));
        };
    }
    std::optional<DeliveryResult> only(const std::string& id) {
        std::lock_guard lock(mutex);
        auto it = by_id.find(id);
        if (it == by_id.end() || it->second.size() != 1) return std::nullopt;
        return it->second.front();
    }
    std::size_t count(const std::string& id) {
        std::lock_guard lock(mutex);
        auto it = by_id.find(id);
        return it == by_id.end() ? 0 : it->second.size();
    }
    bool arrived(const std::string& id) {
        return eventually([&] { return count(id) > 0; });
    }
};

OutboundMessage message(const std::string& id, const std::string& destination) {
    OutboundMessage m;
    m.delivery_id = "d-" + id;
    m.destination = destination;
    m.message_id = id;
    m.type = "case.apply";
    m.content_type = "application/json";
    m.bytes = "{\"body\":\"" + id + "\"}";
    return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(has_no_capacity_and_retries_when_no_link_is_open) {
    FakeHost host;
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    BOOST_TEST(adapter->capacity("endpoint:cd.market") == 0u);
    Outcomes outcomes;
    adapter->deliver(message("m1", "endpoint:cd.market"), outcomes.expect("m1"));
    auto r = outcomes.only("m1");
    BOOST_REQUIRE(r);
    BOOST_TEST((r->kind == DeliveryResult::Kind::retry));
    BOOST_TEST(r->reason.code == "delivery.no_link");
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(delivers_to_a_pulling_endpoint_and_reports_each_outcome) {
    FakeHost host;
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer endpoint({"receive", "--url", url_of(*adapter), "--address", "govbus/out/cd.market", "--credit", "3",
                         "--actions", "accept,reject,release"});
    // The endpoint's credit becomes the adapter's capacity, and the node is woken.
    BOOST_REQUIRE_MESSAGE(eventually([&] { return adapter->capacity("endpoint:cd.market") == 3u; }),
                          endpoint.transcript());
    // The wake follows the credit on the adapter's thread; wait for it rather than race it.
    BOOST_TEST(eventually([&] { return host.wakes("endpoint:cd.market") >= 1u; }));
    BOOST_TEST(adapter->capacity("endpoint:cd.civil") == 0u);

    Outcomes outcomes;
    for (auto id : {"m1", "m2", "m3"}) {
        adapter->deliver(message(id, "endpoint:cd.market"), outcomes.expect(id));
        BOOST_REQUIRE_MESSAGE(outcomes.arrived(id), endpoint.transcript());
    }
    auto delivered = outcomes.only("m1");
    auto refused = outcomes.only("m2");
    auto retried = outcomes.only("m3");
    BOOST_REQUIRE(delivered && refused && retried);
    BOOST_TEST((delivered->kind == DeliveryResult::Kind::delivered));
    BOOST_TEST((refused->kind == DeliveryResult::Kind::refused));
    BOOST_TEST(refused->reason.code == "delivery.refused");
    BOOST_TEST(refused->reason.message == "app:refused: the department refuses it");
    BOOST_TEST((retried->kind == DeliveryResult::Kind::retry));
    BOOST_TEST(retried->reason.code == "delivery.released");

    // The outcomes come over AMQP; the peer's own lines come through a pipe
    // and may be read a moment later.
    BOOST_REQUIRE_MESSAGE(endpoint.wait_for("received", 3), endpoint.transcript());
    auto received = endpoint.events("received");
    BOOST_REQUIRE(received.size() == 3u);
    BOOST_TEST(received[0].at("body").as_string() == "{\"body\":\"m1\"}");
    BOOST_TEST(received[0].at("id").as_string() == "m1");
    BOOST_TEST(received[0].at("content_type").as_string() == "application/json");
    BOOST_TEST(received[0].at("subject").as_string() == "case.apply");
    // Three credits, three deliveries: nothing left until the endpoint grants more.
    BOOST_TEST(adapter->capacity("endpoint:cd.market") == 0u);
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(retries_a_delivery_whose_link_dropped_before_settlement) {
    FakeHost host;
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer endpoint({"receive", "--url", url_of(*adapter), "--address", "govbus/out/cd.market", "--actions", "drop"});
    BOOST_REQUIRE(eventually([&] { return adapter->capacity("endpoint:cd.market") > 0; }));
    Outcomes outcomes;
    adapter->deliver(message("m1", "endpoint:cd.market"), outcomes.expect("m1"));
    BOOST_REQUIRE_MESSAGE(outcomes.arrived("m1"), endpoint.transcript());
    auto r = outcomes.only("m1");
    BOOST_REQUIRE(r);
    BOOST_TEST((r->kind == DeliveryResult::Kind::retry));
    BOOST_TEST(r->reason.code == "delivery.link_lost");
    BOOST_TEST(endpoint.wait_for("received", 1), endpoint.transcript());
    BOOST_TEST(endpoint.events("received").size() == 1u);
    BOOST_REQUIRE(eventually([&] { return adapter->capacity("endpoint:cd.market") == 0u; }));
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(spreads_deliveries_over_several_links_of_one_endpoint) {
    FakeHost host;
    auto adapter = plain_adapter("city-510100");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer a({"receive", "--url", url_of(*adapter), "--address", "govbus/out/cd.market", "--credit", "2"});
    PythonPeer b({"receive", "--url", url_of(*adapter), "--address", "govbus/out/cd.market", "--credit", "2"});
    BOOST_REQUIRE(eventually([&] { return adapter->capacity("endpoint:cd.market") == 4u; }));
    Outcomes outcomes;
    for (auto id : {"m1", "m2", "m3", "m4"}) adapter->deliver(message(id, "endpoint:cd.market"), outcomes.expect(id));
    for (auto id : {"m1", "m2", "m3", "m4"}) {
        BOOST_REQUIRE(outcomes.arrived(id));
        BOOST_TEST((outcomes.only(id)->kind == DeliveryResult::Kind::delivered));
    }
    BOOST_TEST(a.wait_for("received", 2), a.transcript());
    BOOST_TEST(b.wait_for("received", 2), b.transcript());
    BOOST_TEST(a.events("received").size() == 2u);
    BOOST_TEST(b.events("received").size() == 2u);
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(pushes_to_a_peer_node_over_a_dialled_connection) {
    FakeHost host_a, host_b;
    auto b = plain_adapter("province-510000");
    BOOST_REQUIRE(b->start(host_b));
    auto a = plain_adapter("city-510100", 200, {PeerAddress{"node:province-510000", url_of(*b), {}}});
    BOOST_REQUIRE(a->start(host_a));
    BOOST_REQUIRE(eventually([&] { return a->capacity("node:province-510000") == 200u; }));
    BOOST_TEST(eventually([&] { return host_a.wakes("node:province-510000") >= 1u; }));

    Outcomes outcomes;
    a->deliver(message("m1", "node:province-510000"), outcomes.expect("m1"));
    BOOST_REQUIRE(outcomes.arrived("m1"));
    BOOST_TEST((outcomes.only("m1")->kind == DeliveryResult::Kind::delivered));
    auto got = host_b.received();
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].bytes == "{\"body\":\"m1\"}");

    // B's node rejects the next one: A hears it as refused with B's reason.
    host_b.set_rule([](const InboundMessage&) -> std::optional<Status> {
        return Status(make_problem("acl.denied", "city-510100 may not send case.apply"));
    });
    a->deliver(message("m2", "node:province-510000"), outcomes.expect("m2"));
    BOOST_REQUIRE(outcomes.arrived("m2"));
    BOOST_TEST((outcomes.only("m2")->kind == DeliveryResult::Kind::refused));
    BOOST_TEST(outcomes.only("m2")->reason.message == "govbus:acl.denied: city-510100 may not send case.apply");
    a->stop();
    b->stop();
}

BOOST_AUTO_TEST_CASE(waits_for_a_peer_node_that_is_down_and_flows_once_it_is_up) {
    FakeHost host_a, host_b;
    int port = tools::free_port();
    auto a = plain_adapter("city-510100", 200,
                           {PeerAddress{"node:province-510000", "amqp://127.0.0.1:" + std::to_string(port), {}}});
    BOOST_REQUIRE(a->start(host_a));
    BOOST_TEST(a->capacity("node:province-510000") == 0u);
    Outcomes outcomes;
    a->deliver(message("m1", "node:province-510000"), outcomes.expect("m1"));
    BOOST_REQUIRE(outcomes.only("m1"));
    BOOST_TEST((outcomes.only("m1")->kind == DeliveryResult::Kind::retry));

    auto b = plain_adapter("province-510000", 200, {}, port);
    BOOST_REQUIRE(b->start(host_b));
    BOOST_REQUIRE(eventually([&] { return a->capacity("node:province-510000") > 0; }, 15s));
    a->deliver(message("m2", "node:province-510000"), outcomes.expect("m2"));
    BOOST_REQUIRE(outcomes.arrived("m2"));
    BOOST_TEST((outcomes.only("m2")->kind == DeliveryResult::Kind::delivered));

    // B goes away again: capacity drops to 0, a delivery in hand is retried.
    host_b.hold_all();
    a->deliver(message("m3", "node:province-510000"), outcomes.expect("m3"));
    BOOST_REQUIRE(eventually([&] { return host_b.held() == 1u; }));
    b->stop();
    BOOST_REQUIRE(outcomes.arrived("m3"));
    BOOST_TEST((outcomes.only("m3")->kind == DeliveryResult::Kind::retry));
    BOOST_TEST(outcomes.only("m3")->reason.code == "delivery.link_lost");
    BOOST_TEST(a->capacity("node:province-510000") == 0u);
    a->stop();
}

BOOST_AUTO_TEST_CASE(writes_the_chosen_port_to_the_port_file) {
    auto file = std::string(GOVBUS_BINARY_DIR) + "/amqp-port-file-test.port";
    std::remove(file.c_str());
    AdapterConfig config;
    config.name = "amqp";
    config.node_id = "city-510100";
    config.options = YAML::Load("{listen: \"127.0.0.1:0\", plain: true, port_file: \"" + file + "\"}");
    auto made = make_adapter(config);
    BOOST_REQUIRE(made.ok());
    FakeHost host;
    BOOST_REQUIRE((*made)->start(host));
    std::ifstream in(file);
    int port = 0;
    in >> port;
    BOOST_TEST(port == dynamic_cast<AmqpAdapter&>(**made).port());
    BOOST_TEST(port > 0);
    (*made)->stop();
    std::remove(file.c_str());
}
