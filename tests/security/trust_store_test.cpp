// The trust store's checks on certificates govbus pki made: chain to a
// deployment CA, validity at a given time, revocation, key usage, identity.
#define BOOST_TEST_MODULE trust_store
#include "tests/security/pki_dirs.hpp"

#include "security/trust_store.hpp"

#include <openssl/x509v3.h>

using namespace govbus;
using namespace govbus::security;
using namespace govbus::security::testing;

namespace {

std::string code_of(const Result<CertifiedIdentity>& r) { return r.ok() ? "ok" : r.problem().code; }
std::string code_of(const Result<TrustStore>& r) { return r.ok() ? "ok" : r.problem().code; }

const TimePoint now = std::chrono::system_clock::now();

// The CRL in `crl` with one bit of its last byte (inside the signature value) flipped.
std::string altered_crl(const TempDir& t, const std::string& crl) {
    const std::string der = t / "crl.der", out = t / "altered.pem";
    BOOST_REQUIRE_EQUAL(run("openssl crl -in " + crl + " -outform DER -out " + der), 0);
    std::string bytes = slurp(der);
    bytes.back() = static_cast<char>(bytes.back() ^ 1);
    write(der, bytes);
    BOOST_REQUIRE_EQUAL(run("openssl crl -inform DER -in " + der + " -out " + out), 0);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_trust_store_names_each_failure_in_both_suites) {
    TempDir t;
    for (Suite suite : {Suite::intl, Suite::gm}) {
        BOOST_TEST_CONTEXT(to_string(suite)) {
            const std::string dir = make_ca(t, suite);
            auto good = issue(dir, "good"), revoked = issue(dir, "revoked"), short_lived = issue(dir, "short", 1);
            BOOST_REQUIRE(pki_revoke(dir, "revoked", "keyCompromise").ok());
            BOOST_REQUIRE(pki_crl(dir, 7, now).ok());
            auto store = TrustStore::load({dir + "/ca.crt"}, {dir + "/crl.pem"});
            BOOST_REQUIRE_MESSAGE(store.ok(), code_of(store));

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

            // A certificate from another deployment's CA (same CA name, another key).
            const std::string other = make_ca(t, suite, false, std::string("other-") + to_string(suite));
            BOOST_TEST(code_of(store->check(cert_of(issue(other, "stranger")).get(), now, KeyPurpose::signing)) ==
                       "security.cert_untrusted");
        }
    }
}

BOOST_AUTO_TEST_CASE(issued_certificates_serve_encryption_and_ca_certificates_serve_neither_purpose) {
    TempDir t;
    for (auto [suite, rsa] : {std::pair{Suite::intl, false}, std::pair{Suite::intl, true}, std::pair{Suite::gm, false}}) {
        BOOST_TEST_CONTEXT(to_string(suite) << (rsa ? " rsa" : "")) {
            const std::string dir = make_ca(t, suite, rsa);
            auto store = TrustStore::load({dir + "/ca.crt"}, {});
            BOOST_REQUIRE(store.ok());
            auto leaf = cert_of(issue(dir, "recipient", 30, rsa));
            BOOST_TEST(code_of(store->check(leaf.get(), now, KeyPurpose::encryption)) == "ok");
            auto ca = load_certificate(dir + "/ca.crt");
            BOOST_TEST(code_of(store->check(ca->get(), now, KeyPurpose::signing)) == "security.key_usage");
            BOOST_TEST(code_of(store->check(ca->get(), now, KeyPurpose::encryption)) == "security.key_usage");
        }
    }
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
    BOOST_REQUIRE(store.ok());
    auto id = store->check(cert_of(*issued).get(), now, KeyPurpose::signing);
    BOOST_REQUIRE(id.ok());
    BOOST_TEST(id->id == "node:city-510100");
    BOOST_TEST(id->kind == "node");
    BOOST_TEST(X509_check_ip_asc(cert_of(*issued).get(), "127.0.0.1", 0) == 1);
}

BOOST_AUTO_TEST_CASE(a_crl_whose_signature_was_altered_is_refused_when_loaded) {
    TempDir t;
    for (Suite suite : {Suite::intl, Suite::gm}) {
        BOOST_TEST_CONTEXT(to_string(suite)) {
            const std::string dir = make_ca(t, suite);
            BOOST_REQUIRE(pki_crl(dir, 7, now).ok());
            BOOST_REQUIRE(TrustStore::load({dir + "/ca.crt"}, {dir + "/crl.pem"}).ok());
            BOOST_TEST(code_of(TrustStore::load({dir + "/ca.crt"}, {altered_crl(t, dir + "/crl.pem")})) ==
                       "security.crl_unreadable");
        }
    }
}

BOOST_AUTO_TEST_CASE(an_empty_crl_from_another_ca_of_the_same_name_does_not_unrevoke_a_certificate) {
    TempDir t;
    for (Suite suite : {Suite::intl, Suite::gm}) {
        BOOST_TEST_CONTEXT(to_string(suite)) {
            const std::string dir = make_ca(t, suite);
            const std::string forger = make_ca(t, suite, false, std::string("forger-") + to_string(suite));
            issue(dir, "revoked");
            BOOST_REQUIRE(pki_revoke(dir, "revoked", "keyCompromise").ok());
            BOOST_REQUIRE(pki_crl(forger, 7, now).ok());  // same issuer name, nothing revoked, another key
            BOOST_TEST(code_of(TrustStore::load({dir + "/ca.crt"}, {forger + "/crl.pem"})) == "security.crl_unreadable");
        }
    }
}

BOOST_AUTO_TEST_CASE(two_cas_of_the_same_name_each_revoke_only_through_their_own_crl) {
    // The demo's deployment: an intl and a gm CA, both with the default name.
    TempDir t;
    const std::string intl = make_ca(t, Suite::intl), gm = make_ca(t, Suite::gm);
    auto intl_good = issue(intl, "cd.market"), gm_good = issue(gm, "my.market"), gm_bad = issue(gm, "my.civil");
    BOOST_REQUIRE(pki_revoke(gm, "my.civil", "superseded").ok());
    BOOST_REQUIRE(pki_crl(intl, 7, now).ok());
    BOOST_REQUIRE(pki_crl(gm, 7, now).ok());
    auto store = TrustStore::load({intl + "/ca.crt", gm + "/ca.crt"}, {gm + "/crl.pem", intl + "/crl.pem"});
    BOOST_REQUIRE_MESSAGE(store.ok(), code_of(store));
    BOOST_TEST(code_of(store->check(cert_of(intl_good).get(), now, KeyPurpose::signing)) == "ok");
    BOOST_TEST(code_of(store->check(cert_of(gm_good).get(), now, KeyPurpose::signing)) == "ok");
    BOOST_TEST(code_of(store->check(cert_of(gm_bad).get(), now, KeyPurpose::signing)) == "security.cert_revoked");
}

BOOST_AUTO_TEST_CASE(when_crls_are_checked_a_signer_whose_ca_published_none_is_not_believed) {
    TempDir t;
    const std::string intl = make_ca(t, Suite::intl), gm = make_ca(t, Suite::gm);
    auto gm_leaf = issue(gm, "my.market");
    BOOST_REQUIRE(pki_crl(intl, 7, now).ok());
    auto checked = TrustStore::load({intl + "/ca.crt", gm + "/ca.crt"}, {intl + "/crl.pem"});
    BOOST_REQUIRE(checked.ok());
    BOOST_TEST(code_of(checked->check(cert_of(gm_leaf).get(), now, KeyPurpose::signing)) == "security.cert_untrusted");
    // No CRLs at all: revocation is not checked (a configuration without security.crl).
    auto unchecked = TrustStore::load({intl + "/ca.crt", gm + "/ca.crt"}, {});
    BOOST_REQUIRE(unchecked.ok());
    BOOST_TEST(code_of(unchecked->check(cert_of(gm_leaf).get(), now, KeyPurpose::signing)) == "ok");
}

BOOST_AUTO_TEST_CASE(unreadable_trust_files_are_refused_with_their_reason) {
    TempDir t;
    const std::string dir = make_ca(t, Suite::intl);
    write(t / "not-pem.crt", "not a certificate");
    BOOST_TEST(code_of(TrustStore::load({t / "not-pem.crt"}, {})) == "security.cert_unreadable");
    BOOST_TEST(code_of(TrustStore::load({t / "missing.crt"}, {})) == "security.cert_unreadable");
    BOOST_TEST(code_of(TrustStore::load({dir + "/ca.crt"}, {dir + "/ca.crt"})) == "security.crl_unreadable");
    BOOST_TEST(code_of(TrustStore::load({dir + "/ca.crt"}, {t / "missing.pem"})) == "security.crl_unreadable");
}
