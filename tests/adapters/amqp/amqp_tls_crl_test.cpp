// Transport revocation (security/tls_trust.hpp): with `tls.crl`, a client
// whose certificate is on its CA's CRL is refused in the TLS handshake, a CRL
// published while the node runs applies to the next connection, and a
// configuration that would lock clients out or mix listeners with and
// without CRLs is refused at start. A program of its own: the check is a
// switch of the whole process. Certificates come from `govbus pki`'s library.
#define BOOST_TEST_MODULE amqp_tls_crl
#include <boost/test/unit_test.hpp>

#include "amqp_test_support.hpp"
#include "bus/core/log.hpp"
#include "security/pki.hpp"
#include "security/tls_trust.hpp"

#include <filesystem>
#include <fstream>

using namespace govbus;
using namespace govbus::amqp;
using namespace govbus::amqp::testing;
namespace fs = std::filesystem;

namespace {

// A deployment CA with a node certificate for 127.0.0.1 and two endpoints.
struct Pki {
    fs::path dir = fs::temp_directory_path() / ("govbus-amqp-crl-" + std::to_string(getpid()));
    fs::path other = dir.string() + "-other";  // a second CA

    Pki() {
        fs::remove_all(dir);
        fs::remove_all(other);
        security::PkiInit ca;
        ca.dir = dir.string();
        must(security::pki_init(ca));
        ca.dir = other.string();
        ca.name = "another CA";
        must(security::pki_init(ca));
        security::PkiIssue node;
        node.dir = dir.string();
        node.id = "city-510100";
        node.kind = security::CertificateKind::node;
        node.hosts = {"localhost", "127.0.0.1"};
        must(security::pki_issue(node));
        for (const char* id : {"cd.market", "cd.civil"}) {
            security::PkiIssue endpoint;
            endpoint.dir = dir.string();
            endpoint.id = id;
            must(security::pki_issue(endpoint));
        }
        must(security::pki_crl(dir.string(), 7));
        must(security::pki_crl(other.string(), 7));
    }
    ~Pki() {
        std::error_code ec;
        fs::remove_all(dir, ec);
        fs::remove_all(other, ec);
    }
    template <class R>
    static void must(const R& r) {
        if (!r) throw std::runtime_error(r.problem().to_string());
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }
    void revoke(const std::string& id) {
        must(security::pki_revoke(dir.string(), id, "keyCompromise"));
        must(security::pki_crl(dir.string(), 7));
    }
};

std::unique_ptr<AmqpAdapter> adapter_with(const Pki& pki, const std::string& crl) {
    AdapterConfig config;
    config.name = "amqp";
    config.node_id = "city-510100";
    config.config_dir = pki.dir.string();
    config.options = YAML::Load("{listen: \"127.0.0.1:0\", tls: {ca: ca.crt, cert: city-510100.crt, "
                                "key: city-510100.key" + (crl.empty() ? std::string() : ", crl: " + crl) + "}}");
    auto made = make_adapter(config);
    if (!made) throw std::runtime_error(made.problem().to_string());
    return std::unique_ptr<AmqpAdapter>(dynamic_cast<AmqpAdapter*>(made.value().release()));
}

// Sends one message as `endpoint`; true when it arrived, false when the
// connection was refused.
bool sends_as(const Pki& pki, const AmqpAdapter& adapter, const FakeHost& host, const std::string& endpoint) {
    const auto before = host.received().size();
    PythonPeer peer({"send", "--url", "amqps://localhost:" + std::to_string(adapter.port()), "--count", "1", "--ca",
                     pki.path("ca.crt"), "--cert", pki.path(endpoint + ".crt"), "--key", pki.path(endpoint + ".key"),
                     "--deadline", "5"});
    const bool ended = eventually([&] {
        return !peer.events("done").empty() || !peer.events("transport_error").empty() ||
               !peer.events("timeout").empty();
    });
    BOOST_REQUIRE_MESSAGE(ended, peer.transcript());
    if (!peer.events("done").empty()) {
        BOOST_TEST(host.received().size() == before + 1);
        return true;
    }
    BOOST_TEST(peer.events("transport_error").size() == 1u, peer.transcript());
    BOOST_TEST(host.received().size() == before);
    return false;
}

struct Fixture {
    Pki pki;
    Fixture() { log::set_level(log::Level::info); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tls_crl, Fixture)

BOOST_AUTO_TEST_CASE(a_revoked_client_certificate_is_refused_in_the_handshake) {
    pki.revoke("cd.civil");
    FakeHost host;
    auto adapter = adapter_with(pki, "crl.pem");
    BOOST_REQUIRE(adapter->start(host));
    BOOST_TEST(sends_as(pki, *adapter, host, "cd.market"));
    BOOST_TEST(!sends_as(pki, *adapter, host, "cd.civil"));
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(a_crl_published_while_running_applies_to_the_next_connection) {
    FakeHost host;
    auto adapter = adapter_with(pki, "crl.pem");
    BOOST_REQUIRE(adapter->start(host));
    BOOST_TEST(sends_as(pki, *adapter, host, "cd.market"));
    pki.revoke("cd.market");
    BOOST_TEST(!sends_as(pki, *adapter, host, "cd.market"));
    BOOST_TEST(sends_as(pki, *adapter, host, "cd.civil"));
    adapter->stop();
}

BOOST_AUTO_TEST_CASE(refuses_trust_that_would_lock_clients_out_or_check_nothing) {
    // A CRL that no CA of tls.ca signed.
    auto no_crl_for_ca = security::TlsTrust::open(pki.path("ca.crt"), {(pki.other / "crl.pem").string()}, "/t");
    BOOST_REQUIRE(!no_crl_for_ca);
    BOOST_TEST(no_crl_for_ca.problem().code == "security.crl_unreadable");  // not signed by a CA of tls.ca
    // A CA of tls.ca without a CRL: its clients could never connect.
    const std::string both = (pki.dir / "both.crt").string();
    {
        std::ofstream out(both);
        out << std::ifstream(pki.path("ca.crt")).rdbuf() << std::ifstream((pki.other / "ca.crt").string()).rdbuf();
    }
    auto missing = security::TlsTrust::open(both, {pki.path("crl.pem")}, "/t");
    BOOST_REQUIRE(!missing);
    BOOST_TEST(missing.problem().code == "security.crl_missing");
    BOOST_TEST(missing.problem().message.find("another CA") != std::string::npos, missing.problem().message);

    // With CRL checks on in this process, a listener without CRLs is refused
    // at start rather than locking its clients out.
    auto with = security::TlsTrust::open(pki.path("ca.crt"), {pki.path("crl.pem")}, "/adapters/amqp/tls");
    BOOST_REQUIRE(with);
    FakeHost host;
    auto adapter = adapter_with(pki, "");
    auto started = adapter->start(host);
    BOOST_REQUIRE(!started);
    BOOST_TEST(started.problem().code == "security.tls");
    BOOST_TEST(started.problem().message.find("/adapters/amqp/tls names no crl") != std::string::npos,
               started.problem().message);
}

BOOST_AUTO_TEST_CASE(the_trust_file_is_rebuilt_only_when_a_crl_changes) {
    auto trust = security::TlsTrust::open(pki.path("ca.crt"), {pki.path("crl.pem")}, "/t");
    BOOST_REQUIRE(trust);
    const std::string first = (*trust)->file();
    BOOST_TEST((*trust)->file() == first);
    BOOST_TEST((*trust)->generation() == 0);
    std::ifstream in(first);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(text.find("BEGIN CERTIFICATE") != std::string::npos);
    BOOST_TEST(text.find("BEGIN X509 CRL") != std::string::npos);
    pki.revoke("cd.civil");
    BOOST_TEST((*trust)->file() != first);
    BOOST_TEST((*trust)->generation() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
