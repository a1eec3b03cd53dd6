// TLS with mutual certificates: SASL EXTERNAL names the peer after its
// certificate, a client without one is refused, and an endpoint may take
// only its own messages. Certificates are made with the openssl CLI.
#define BOOST_TEST_MODULE amqp_tls
#include <boost/test/unit_test.hpp>

#include "amqp_test_support.hpp"
#include "bus/core/log.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>

using namespace govbus;
using namespace govbus::amqp;
using namespace govbus::amqp::testing;
namespace fs = std::filesystem;

namespace {

// A throw-away CA and certificates for a node and an endpoint, valid for
// "localhost" and 127.0.0.1.
struct Pki {
    fs::path dir;

    Pki() {
        dir = fs::temp_directory_path() / ("govbus-amqp-tls-" + std::to_string(getpid()));
        fs::create_directories(dir);
        run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem "
            "-days 2 -subj '/O=govbus test/CN=govbus test CA'");
        std::ofstream(dir / "ext.cnf") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
        issue("node_city", "node:city-510100");
        issue("node_province", "node:province-510000");
        issue("cd_market", "cd.market");
        // Signed by a CA nobody trusts.
        run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -out rogue.pem "
            "-days 2 -subj '/CN=cd.market'");
    }
    ~Pki() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    void issue(const std::string& file, const std::string& cn) {
        run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + file + ".key -out " +
            file + ".csr -subj '/C=CN/O=govbus test/CN=" + cn + "'");
        run("openssl x509 -req -in " + file + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " + file +
            ".pem -days 2 -extfile ext.cnf");
    }
    void run(const std::string& command) {
        auto full = "cd '" + dir.string() + "' && " + command + " >/dev/null 2>&1";
        if (std::system(full.c_str()) != 0) throw std::runtime_error("failed: " + command);
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }
};

std::unique_ptr<AmqpAdapter> tls_adapter(const Pki& pki, const std::string& node_id, const std::string& files,
                                         std::vector<PeerAddress> peers = {}, int port = 0) {
    AdapterConfig config;
    config.name = "amqp";
    config.node_id = node_id;
    config.config_dir = pki.dir.string();
    config.options = YAML::Load("{listen: \"127.0.0.1:" + std::to_string(port) + "\", reconnect_max_seconds: 1, " +
                                "tls: {ca: ca.pem, cert: " + files + ".pem, key: " + files + ".key}}");
    config.peers = std::move(peers);
    auto made = make_adapter(config);
    if (!made) throw std::runtime_error(made.problem().to_string());
    return std::unique_ptr<AmqpAdapter>(dynamic_cast<AmqpAdapter*>(made.value().release()));
}

std::string tls_url(const AmqpAdapter& a) { return "amqps://localhost:" + std::to_string(a.port()); }

struct Fixture {
    Pki pki;
    Fixture() { log::set_level(log::Level::debug); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tls, Fixture)

BOOST_AUTO_TEST_CASE(names_an_endpoint_after_the_common_name_of_its_certificate) {
    FakeHost host;
    auto adapter = tls_adapter(pki, "city-510100", "node_city");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer peer({"send", "--url", tls_url(*adapter), "--count", "1", "--ca", pki.path("ca.pem"), "--cert",
                     pki.path("cd_market.pem"), "--key", pki.path("cd_market.key")});
    BOOST_REQUIRE_MESSAGE(peer.wait_for("done"), peer.transcript());
    auto got = host.received();
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].peer == "cd.market");
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(refuses_a_client_without_a_certificate) {
    FakeHost host;
    auto adapter = tls_adapter(pki, "city-510100", "node_city");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer peer({"send", "--url", tls_url(*adapter), "--count", "1", "--ca", pki.path("ca.pem"), "--deadline", "5"});
    BOOST_REQUIRE_MESSAGE(eventually([&] {
                              return !peer.events("transport_error").empty() || !peer.events("timeout").empty();
                          }),
                          peer.transcript());
    BOOST_TEST(peer.events("transport_error").size() == 1u, peer.transcript());
    BOOST_TEST(peer.events("sent").empty());
    BOOST_TEST(host.received().empty());
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(refuses_a_certificate_from_an_untrusted_ca) {
    FakeHost host;
    auto adapter = tls_adapter(pki, "city-510100", "node_city");
    BOOST_REQUIRE(adapter->start(host));
    PythonPeer peer({"send", "--url", tls_url(*adapter), "--count", "1", "--ca", pki.path("ca.pem"), "--cert",
                     pki.path("rogue.pem"), "--key", pki.path("rogue.key"), "--deadline", "5"});
    BOOST_REQUIRE_MESSAGE(eventually([&] {
                              return !peer.events("transport_error").empty() || !peer.events("timeout").empty();
                          }),
                          peer.transcript());
    BOOST_TEST(peer.events("transport_error").size() == 1u, peer.transcript());
    BOOST_TEST(host.received().empty());
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(lets_an_endpoint_take_only_its_own_messages) {
    FakeHost host;
    auto adapter = tls_adapter(pki, "city-510100", "node_city");
    BOOST_REQUIRE(adapter->start(host));
    std::vector<std::string> tls = {"--ca", pki.path("ca.pem"), "--cert", pki.path("cd_market.pem"), "--key",
                                    pki.path("cd_market.key")};
    auto args = [&](const std::string& address) {
        std::vector<std::string> a = {"receive", "--url", tls_url(*adapter), "--address", address, "--deadline", "10"};
        a.insert(a.end(), tls.begin(), tls.end());
        return a;
    };
    PythonPeer other(args("govbus/out/cd.civil"));
    BOOST_REQUIRE_MESSAGE(other.wait_for("link_error"), other.transcript());
    BOOST_TEST(other.events("link_error")[0].at("condition").as_string() == "amqp:unauthorized-access");

    PythonPeer own(args("govbus/out/cd.market"));
    BOOST_REQUIRE_MESSAGE(eventually([&] { return adapter->capacity("endpoint:cd.market") > 0; }), own.transcript());
    BOOST_TEST(adapter->capacity("endpoint:cd.civil") == 0u);
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(pushes_to_a_peer_node_presenting_the_node_certificate) {
    FakeHost host_a, host_b;
    auto b = tls_adapter(pki, "province-510000", "node_province");
    BOOST_REQUIRE(b->start(host_b));
    auto a = tls_adapter(pki, "city-510100", "node_city", {PeerAddress{"node:province-510000", tls_url(*b), {}}});
    BOOST_REQUIRE(a->start(host_a));
    BOOST_REQUIRE(eventually([&] { return a->capacity("node:province-510000") > 0; }));
    std::promise<DeliveryResult> outcome;
    OutboundMessage m;
    m.destination = "node:province-510000";
    m.message_id = "m1";
    m.content_type = "application/json";
    m.bytes = "{}";
    a->deliver(m, [&](DeliveryResult r) { outcome.set_value(std::move(r)); });
    auto f = outcome.get_future();
    BOOST_REQUIRE(f.wait_for(10s) == std::future_status::ready);
    BOOST_TEST((f.get().kind == DeliveryResult::Kind::delivered));
    auto got = host_b.received();
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].peer == "node:city-510100");
    a->stop();
    b->stop();
}

BOOST_AUTO_TEST_SUITE_END()
