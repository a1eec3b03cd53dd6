// govbus pki against the openssl CLI, and the trust store's checks on
// certificates it made: chain, validity, revocation, key usage.
#define BOOST_TEST_MODULE pki
#include <boost/test/unit_test.hpp>

#include "security/openssl_handles.hpp"
#include "security/pki.hpp"
#include "security/trust_store.hpp"

#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>

using namespace govbus;
using namespace govbus::security;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        char name[] = "/tmp/govbus-pki-XXXXXX";
        path = mkdtemp(name);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& f) const { return (path / f).string(); }
};

int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

std::string make_ca(const TempDir& t, Suite suite, bool rsa = false) {
    const std::string dir = t / (std::string(to_string(suite)) + (rsa ? "-rsa" : ""));
    PkiInit init;
    init.dir = dir;
    init.suite = suite;
    init.rsa = rsa;
    BOOST_REQUIRE(pki_init(init).ok());
    return dir;
}

IssuedCertificate issue(const std::string& dir, const std::string& id, int days = 30, bool rsa = false) {
    PkiIssue r;
    r.dir = dir;
    r.id = id;
    r.days = days;
    r.rsa = rsa;
    auto issued = pki_issue(r);
    BOOST_REQUIRE_MESSAGE(issued.ok(), (issued.ok() ? std::string() : issued.problem().to_string()));
    return *issued;
}

Certificate cert_of(const IssuedCertificate& i) { return std::move(load_certificate(i.cert_file).value()); }

std::string code_of(const Result<CertifiedIdentity>& r) { return r.ok() ? "ok" : r.problem().code; }

const TimePoint now = std::chrono::system_clock::now();

}  // namespace

BOOST_AUTO_TEST_CASE(openssl_verify_accepts_issued_certificates_and_refuses_revoked_ones_in_the_intl_suite) {
    TempDir t;
    for (bool rsa : {false, true}) {
        const std::string dir = make_ca(t, Suite::intl, rsa);
        auto good = issue(dir, "cd.civil", 30, rsa);
        auto bad = issue(dir, "cd.market", 30, rsa);
        BOOST_REQUIRE(pki_revoke(dir, "cd.market", "keyCompromise").ok());
        BOOST_REQUIRE(pki_crl(dir, 7).ok());
        const std::string v = "openssl verify -CAfile " + dir + "/ca.crt -crl_check -CRLfile " + dir + "/crl.pem ";
        BOOST_TEST(run(v + good.cert_file) == 0);
        BOOST_TEST(run(v + bad.cert_file) != 0);
        BOOST_TEST(pki_revoke(dir, "nobody", "superseded").problem().code == "pki.unknown");
    }
}

BOOST_AUTO_TEST_CASE(gm_certificates_are_sm2_with_sm3_under_the_default_signer_id) {
    TempDir t;
    const std::string dir = make_ca(t, Suite::gm);
    auto leaf = issue(dir, "my.market");
    Certificate c = cert_of(leaf);
    BOOST_TEST(X509_get_signature_nid(c.get()) == NID_SM2_with_SM3);
    const std::string v = "openssl verify -CAfile " + dir + "/ca.crt ";
    BOOST_TEST(run(v + "-vfyopt distid:1234567812345678 " + leaf.cert_file) == 0);
    BOOST_TEST(run(v + "-vfyopt distid:0000000000000000 " + leaf.cert_file) != 0);  // the id is really signed in
}

BOOST_AUTO_TEST_CASE(issued_certificates_carry_the_documented_key_usage) {
    TempDir t;
    const std::string ec = make_ca(t, Suite::intl), rsa = make_ca(t, Suite::intl, true), gm = make_ca(t, Suite::gm);
    Certificate ca = std::move(load_certificate(ec + "/ca.crt").value());
    BOOST_TEST(X509_get_key_usage(ca.get()) == static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    BOOST_TEST(X509_check_ca(ca.get()) >= 1);
    Certificate e = cert_of(issue(ec, "a"));
    BOOST_TEST(X509_get_key_usage(e.get()) == static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT));
    BOOST_TEST(X509_check_ca(e.get()) == 0);
    BOOST_TEST((X509_get_extended_key_usage(e.get()) & (XKU_SSL_SERVER | XKU_SSL_CLIENT)) == (XKU_SSL_SERVER | XKU_SSL_CLIENT));
    Certificate r = cert_of(issue(rsa, "b", 30, true));
    BOOST_TEST(X509_get_key_usage(r.get()) == static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
    Certificate g = cert_of(issue(gm, "c"));
    BOOST_TEST(X509_get_key_usage(g.get()) ==
               static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT));
}

BOOST_AUTO_TEST_CASE(the_trust_store_names_each_failure_in_both_suites) {
    TempDir t;
    for (Suite suite : {Suite::intl, Suite::gm}) {
        BOOST_TEST_CONTEXT(to_string(suite)) {
            const std::string dir = make_ca(t, suite);
            auto good = issue(dir, "good"), revoked = issue(dir, "revoked"), short_lived = issue(dir, "short", 1);
            BOOST_REQUIRE(pki_revoke(dir, "revoked", "keyCompromise").ok());
            BOOST_REQUIRE(pki_crl(dir, 7, now).ok());
            auto store = TrustStore::load({dir + "/ca.crt"}, {dir + "/crl.pem"});
            BOOST_REQUIRE(store.ok());

            auto ok = store->check(cert_of(good).get(), now, KeyPurpose::signing);
            BOOST_REQUIRE_MESSAGE(ok.ok(), code_of(ok));
            BOOST_TEST(ok->id == "good");
            BOOST_TEST(ok->kind == "endpoint");
            BOOST_TEST((ok->suite == suite));
            BOOST_TEST(code_of(store->check(cert_of(revoked).get(), now, KeyPurpose::signing)) == "security.cert_revoked");
            BOOST_TEST(code_of(store->check(cert_of(short_lived).get(), now + std::chrono::hours(48),
                                            KeyPurpose::signing)) == "security.cert_expired");
            BOOST_TEST(code_of(store->check(cert_of(good).get(), now - std::chrono::hours(1), KeyPurpose::signing)) ==
                       "security.cert_not_yet_valid");
            BOOST_TEST(code_of(store->check(cert_of(good).get(), now + std::chrono::hours(24 * 8), KeyPurpose::signing)) ==
                       "security.crl_stale");

            // A certificate from another deployment's CA.
            const std::string other = t / (std::string("other-") + to_string(suite));
            PkiInit init;
            init.dir = other;
            init.suite = suite;
            BOOST_REQUIRE(pki_init(init).ok());
            BOOST_TEST(code_of(store->check(cert_of(issue(other, "stranger")).get(), now, KeyPurpose::signing)) ==
                       "security.cert_untrusted");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_ca_certificate_is_not_accepted_as_a_signer_without_digital_signature_usage) {
    TempDir t;
    const std::string dir = make_ca(t, Suite::intl);
    auto store = TrustStore::load({dir + "/ca.crt"}, {});
    BOOST_REQUIRE(store.ok());
    Certificate ca = std::move(load_certificate(dir + "/ca.crt").value());
    BOOST_TEST(code_of(store->check(ca.get(), now, KeyPurpose::signing)) == "security.key_usage");
}

BOOST_AUTO_TEST_CASE(a_node_certificate_names_the_node_as_node_links_authenticate) {
    TempDir t;
    const std::string dir = make_ca(t, Suite::intl);
    PkiIssue r;
    r.dir = dir;
    r.id = "city-510100";
    r.kind = CertificateKind::node;
    r.hosts = {"127.0.0.1", "localhost"};
    auto issued = pki_issue(r);
    BOOST_REQUIRE(issued.ok());
    BOOST_TEST(issued->cert_file == dir + "/city-510100.crt");
    auto store = TrustStore::load({dir + "/ca.crt"}, {});
    auto id = store->check(cert_of(*issued).get(), now, KeyPurpose::signing);
    BOOST_REQUIRE(id.ok());
    BOOST_TEST(id->id == "node:city-510100");
    BOOST_TEST(id->kind == "node");
    BOOST_TEST(X509_check_ip_asc(cert_of(*issued).get(), "127.0.0.1", 0) == 1);
}
