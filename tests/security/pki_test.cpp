// govbus pki against the openssl CLI, an implementation govbus does not
// share code with: certificates, key usage, CRLs in both suites, file modes.
#define BOOST_TEST_MODULE pki
#include "tests/security/pki_dirs.hpp"

#include "security/openssl_handles.hpp"

#include <openssl/x509v3.h>

#include <sys/stat.h>

using namespace govbus;
using namespace govbus::security;
using namespace govbus::security::testing;

namespace {

const TimePoint now = std::chrono::system_clock::now();

// One DER element at `at`: its header and content lengths (X.690 §8.1).
std::pair<std::size_t, std::size_t> der_element(const std::string& der, std::size_t at) {
    BOOST_REQUIRE(at + 2 <= der.size());
    std::size_t len = static_cast<unsigned char>(der[at + 1]), header = 2;
    if (len & 0x80) {
        const std::size_t n = len & 0x7F;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = (len << 8) | static_cast<unsigned char>(der[at + 2 + i]);
        header += n;
    }
    BOOST_REQUIRE(at + header + len <= der.size());
    return {header, len};
}

// Splits DIR/crl.pem (RFC 5280 §5.1: SEQUENCE { tbsCertList, signatureAlgorithm,
// signatureValue BIT STRING }) into DIR/crl.tbs and DIR/crl.sig (DER signature).
void split_crl(const std::string& dir) {
    BOOST_REQUIRE_EQUAL(run("openssl crl -in " + dir + "/crl.pem -outform DER -out " + dir + "/crl.der"), 0);
    const std::string der = slurp(dir + "/crl.der");
    const std::size_t tbs_at = der_element(der, 0).first;
    const auto [tbs_header, tbs_len] = der_element(der, tbs_at);
    const std::size_t alg_at = tbs_at + tbs_header + tbs_len;
    const auto [alg_header, alg_len] = der_element(der, alg_at);
    const std::size_t sig_at = alg_at + alg_header + alg_len;
    const auto [sig_header, sig_len] = der_element(der, sig_at);
    write(dir + "/crl.tbs", der.substr(tbs_at, tbs_header + tbs_len));
    write(dir + "/crl.sig", der.substr(sig_at + sig_header + 1, sig_len - 1));  // after the unused-bits octet
}

// Whether `openssl crl -text` of DIR/crl.pem mentions `text` (case-insensitive).
bool crl_text_has(const std::string& dir, const std::string& text) {
    return run("openssl crl -in " + dir + "/crl.pem -noout -text | grep -qi '" + text + "'") == 0;
}

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

BOOST_AUTO_TEST_CASE(gm_crls_are_sm2_with_sm3_under_the_default_signer_id_and_list_the_revoked_serial) {
    // OpenSSL 3.0's CRL check cannot take an SM2 signer id (openssl verify
    // -crl_check hashes Z_A over an empty id), so the CLI checks the CRL's
    // signature over its TBS bytes with pkeyutl, and its entries with crl -text.
    TempDir t;
    const std::string dir = make_ca(t, Suite::gm);
    auto good = issue(dir, "my.market"), bad = issue(dir, "my.civil");
    BOOST_REQUIRE(pki_revoke(dir, "my.civil", "keyCompromise").ok());
    BOOST_REQUIRE(pki_crl(dir, 7).ok());
    BOOST_REQUIRE_EQUAL(run("openssl x509 -in " + dir + "/ca.crt -pubkey -noout -out " + dir + "/ca.pub"), 0);
    split_crl(dir);
    const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + dir + "/ca.pub -rawin -in " + dir +
                               "/crl.tbs -sigfile " + dir + "/crl.sig -digest sm3 -pkeyopt distid:";
    BOOST_TEST(run(verify + "1234567812345678") == 0);
    BOOST_TEST(run(verify + "1234567812345679") != 0);
    BOOST_TEST(crl_text_has(dir, "Signature Algorithm: SM2-with-SM3"));
    // The index keeps 16 hex digits; DER drops a leading zero octet.
    auto printed = [](std::string hex) { return hex.starts_with("00") ? hex.substr(2) : hex; };
    BOOST_TEST(crl_text_has(dir, "Serial Number: " + printed(bad.serial) + "$"));
    BOOST_TEST(!crl_text_has(dir, "Serial Number: " + printed(good.serial) + "$"));
}

BOOST_AUTO_TEST_CASE(crls_carry_a_growing_number_the_authority_key_and_each_revocation_reason) {
    TempDir t;
    for (Suite suite : {Suite::intl, Suite::gm}) {
        BOOST_TEST_CONTEXT(to_string(suite)) {
            const std::string dir = make_ca(t, suite);
            issue(dir, "a"), issue(dir, "b");
            BOOST_REQUIRE(pki_revoke(dir, "a", "keyCompromise").ok());
            BOOST_REQUIRE(pki_revoke(dir, "b", "unspecified").ok());
            BOOST_REQUIRE(pki_crl(dir, 7).ok());
            const std::string number = "openssl crl -in " + dir + "/crl.pem -noout -crlnumber | grep -qx crlNumber=0x0";
            BOOST_TEST(run(number + "1") == 0);
            BOOST_TEST(crl_text_has(dir, "X509v3 Authority Key Identifier"));
            BOOST_TEST(crl_text_has(dir, "Key Compromise"));
            // RFC 5280 §5.3.1: "unspecified" is left out rather than stated.
            BOOST_TEST(!crl_text_has(dir, "Unspecified"));
            BOOST_REQUIRE(pki_crl(dir, 7).ok());
            BOOST_TEST(run(number + "2") == 0);
            BOOST_TEST(pki_revoke(dir, "b", "becauseISaidSo").problem().code == "pki.io");
        }
    }
}

BOOST_AUTO_TEST_CASE(private_keys_are_readable_by_their_owner_only) {
    TempDir t;
    for (Suite suite : {Suite::intl, Suite::gm}) {
        const std::string dir = make_ca(t, suite);
        auto leaf = issue(dir, "cd.civil");
        for (const std::string& key : {dir + "/ca.key", leaf.key_file}) {
            struct stat st {};
            BOOST_REQUIRE_EQUAL(::stat(key.c_str(), &st), 0);
            BOOST_TEST((st.st_mode & 0777) == 0600u, key);
        }
        struct stat st {};
        BOOST_REQUIRE_EQUAL(::stat(leaf.cert_file.c_str(), &st), 0);
        BOOST_TEST((st.st_mode & 0077) != 0u);  // certificates are public
    }
}

BOOST_AUTO_TEST_CASE(init_refuses_a_directory_that_already_holds_a_ca) {
    TempDir t;
    const std::string dir = make_ca(t, Suite::intl);
    const std::string before = slurp(dir + "/ca.key");
    PkiInit again;
    again.dir = dir;
    BOOST_TEST(pki_init(again).problem().code == "pki.exists");
    BOOST_TEST(slurp(dir + "/ca.key") == before);
    PkiIssue elsewhere;
    elsewhere.dir = t / "nowhere";
    elsewhere.id = "x";
    BOOST_TEST(pki_issue(elsewhere).problem().code == "pki.missing");
}
