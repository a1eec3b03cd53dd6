// govbus pki (security/pki.hpp): a deployment CA's key and certificate,
// issued certificates, the index of what was issued and revoked, and the CRL.
#include "security/pki.hpp"

#include "bus/core/file_text.hpp"
#include "security/openssl_handles.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace govbus::security {

namespace fs = std::filesystem;

namespace {

struct X509ExtFree { void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); } };
struct RevokedFree { void operator()(X509_REVOKED* r) const { X509_REVOKED_free(r); } };
struct Asn1TimeFree { void operator()(ASN1_TIME* t) const { ASN1_TIME_free(t); } };
struct Asn1IntFree { void operator()(ASN1_INTEGER* i) const { ASN1_INTEGER_free(i); } };
struct BnFree { void operator()(BIGNUM* b) const { BN_free(b); } };

Problem openssl_problem(const std::string& what) { return make_problem("pki.openssl", what + ": " + openssl_error()); }

std::string path(const std::string& dir, const std::string& file) { return (fs::path(dir) / file).string(); }

// Secret files (private keys) are created with mode 0600 from the first
// byte, not chmod-ed afterwards, so no other user can open them in between.
Status write_file(const std::string& file, const std::string& text, bool secret) {
    struct Descriptor {
        int fd;
        ~Descriptor() { if (fd >= 0) ::close(fd); }
    } const out{::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644)};
    const int fd = out.fd;
    if (fd < 0) return make_problem("pki.io", "cannot write " + file);
    if (secret && ::fchmod(fd, 0600) != 0) return make_problem("pki.io", "cannot make " + file + " private (0600)");
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return make_problem("pki.io", "cannot write " + file);
        done += static_cast<std::size_t>(n);
    }
    return ok_status();
}

std::string read_text(const std::string& file) { return read_whole_file(file).value_or(""); }

PKey generate_key(Suite suite, bool rsa) {
    // An SM2-type key (not an EC key on the SM2 curve): only that signs SM2-with-SM3.
    if (suite == Suite::gm) return PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2"));
    if (rsa) return PKey(EVP_RSA_gen(2048));
    return PKey(EVP_EC_gen("P-256"));
}

std::string key_pem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// Signs a certificate or CRL: SHA-256 for intl keys; SM3 with the GB/T 32918
// default signer id for SM2 (the id the trust store verifies with).
template <class SignCtx>
bool sign_with(EVP_PKEY* key, SignCtx sign_ctx) {
    MdCtx md(EVP_MD_CTX_new());
    PkeyCtx pctx;
    const EVP_MD* digest = EVP_sha256();
    if (is_sm2_key(key)) {
        pctx.reset(EVP_PKEY_CTX_new(key, nullptr));
        if (!pctx || EVP_PKEY_CTX_set1_id(pctx.get(), kSm2DefaultId, sizeof kSm2DefaultId - 1) != 1) return false;
        EVP_MD_CTX_set_pkey_ctx(md.get(), pctx.get());
        digest = EVP_sm3();
    }
    if (EVP_DigestSignInit(md.get(), nullptr, digest, nullptr, key) != 1) return false;
    return sign_ctx(md.get()) > 0;
}

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, X509ExtFree> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

Result<std::string> next_serial(const std::string& dir) {
    // Serials are random 64-bit values (RFC 5280 §4.1.2.2 allows up to 20 octets), checked unique against the index.
    auto index = pki_index(dir);
    if (!index) return index.problems();
    for (int attempt = 0; attempt < 8; ++attempt) {
        Bytes r = random_bytes(8);
        r[0] = static_cast<char>(r[0] & 0x7F);  // positive
        std::string hex = to_hex(r);
        bool taken = false;
        for (const auto& e : *index) taken = taken || e.serial == hex;
        if (!taken) return hex;
    }
    return make_problem("pki.io", "could not find an unused serial number");
}

Result<Certificate> make_certificate(const std::string& serial_hex, const std::string& cn, const std::string& ou,
                                     EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key, int days,
                                     const std::vector<std::pair<int, std::string>>& extensions) {
    Certificate cert(X509_new());
    BIGNUM* bn_raw = nullptr;
    BN_hex2bn(&bn_raw, serial_hex.c_str());
    std::unique_ptr<BIGNUM, BnFree> bn(bn_raw);
    std::unique_ptr<ASN1_INTEGER, Asn1IntFree> serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (!cert || !serial || X509_set_version(cert.get(), 2) != 1 || X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("govbus"), -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(ou.c_str()), -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name) != 1 ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr) ||
        X509_set_pubkey(cert.get(), subject_key) != 1)
        return openssl_problem("cannot build the certificate for " + cn);
    X509* signer_cert = issuer ? issuer : cert.get();
    for (const auto& [nid, value] : extensions)
        if (!add_ext(cert.get(), signer_cert, nid, value.c_str()))
            return openssl_problem("cannot add extension " + value + " to " + cn);
    if (!sign_with(issuer_key, [&](EVP_MD_CTX* md) { return X509_sign_ctx(cert.get(), md); }))
        return openssl_problem("cannot sign the certificate for " + cn);
    return cert;
}

Status append_index(const std::string& dir, const IndexEntry& e) {
    std::ofstream out(path(dir, "index.tsv"), std::ios::app);
    out << e.serial << '\t' << e.id << '\t' << e.kind << '\t' << e.status << '\t' << e.revoked << '\t' << e.reason << '\n';
    return out ? ok_status() : Status(make_problem("pki.io", "cannot append to " + path(dir, "index.tsv")));
}

// RFC 5280 §5.3.1 CRLReason values, by the names `govbus pki revoke` takes; -1 when unknown.
int reason_code(const std::string& name) {
    static const char* names[] = {"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
                                  "superseded", "cessationOfOperation", "certificateHold"};
    for (int i = 0; i < static_cast<int>(std::size(names)); ++i)
        if (name == names[i]) return i;
    return -1;
}

// The next CRL number (RFC 5280 §5.2.3: monotonically increasing), kept in DIR/crlnumber.
Result<long> next_crl_number(const std::string& dir) {
    long number = 1;
    std::istringstream(read_text(path(dir, "crlnumber"))) >> number;
    if (number < 1) number = 1;
    if (auto st = write_file(path(dir, "crlnumber"), std::to_string(number + 1) + "\n", false); !st) return st.problems();
    return number;
}

struct Ca {
    Suite suite;
    PKey key;
    Certificate cert;
};

Result<Ca> open_ca(const std::string& dir) {
    auto suite = pki_suite(dir);
    if (!suite) return suite.problems();
    auto key = load_private_key(path(dir, "ca.key"));
    if (!key) return key.problems();
    auto cert = load_certificate(path(dir, "ca.crt"));
    if (!cert) return cert.problems();
    return Ca{*suite, std::move(key.value()), std::move(cert.value())};
}

}  // namespace

Result<Suite> pki_suite(const std::string& dir) {
    if (!fs::exists(path(dir, "ca.crt")))
        return make_problem("pki.missing", dir + " holds no CA: run govbus pki init --dir " + dir + " first");
    std::string text = read_text(path(dir, "suite"));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return parse_suite(text);
}

Status pki_init(const PkiInit& r) {
    if (fs::exists(path(r.dir, "ca.key")))
        return make_problem("pki.exists", r.dir + " already holds a CA; a deployment keeps its CA (use another --dir)");
    std::error_code ec;
    fs::create_directories(r.dir, ec);
    if (ec) return make_problem("pki.io", "cannot create " + r.dir + ": " + ec.message());
    PKey key = generate_key(r.suite, r.rsa);
    if (!key) return openssl_problem("cannot generate the CA key");
    auto cert = make_certificate(to_hex(random_bytes(8)).replace(0, 1, "1"), r.name, "ca", key.get(), nullptr, key.get(), r.days,
                                 {{NID_basic_constraints, "critical,CA:TRUE"},
                                  {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                  {NID_subject_key_identifier, "hash"}});
    if (!cert) return cert.problems();
    if (auto st = write_file(path(r.dir, "ca.key"), key_pem(key.get()), true); !st) return st;
    if (auto st = write_file(path(r.dir, "ca.crt"), certificate_pem(cert->get()), false); !st) return st;
    if (auto st = write_file(path(r.dir, "suite"), std::string(to_string(r.suite)) + "\n", false); !st) return st;
    return write_file(path(r.dir, "index.tsv"), "", false);
}

Result<IssuedCertificate> pki_issue(const PkiIssue& r) {
    auto ca = open_ca(r.dir);
    if (!ca) return ca.problems();
    if (r.id.empty() || r.id.find_first_of("/\\ \t") != std::string::npos)
        return make_problem("pki.io", "'" + r.id + "' is not a usable id (no spaces or slashes)");
    auto serial = next_serial(r.dir);
    if (!serial) return serial.problems();
    PKey key = generate_key(ca->suite, r.rsa);
    if (!key) return openssl_problem("cannot generate a key for " + r.id);
    // RFC 5280 §4.2.1.3: RSA keys wrap content keys (keyEncipherment), EC
    // and SM2 keys agree on or decrypt them (keyAgreement, keyEncipherment for SM2 encryption).
    std::string usage = "critical,digitalSignature,";
    usage += is_rsa_key(key.get()) ? "keyEncipherment" : is_sm2_key(key.get()) ? "keyEncipherment,keyAgreement" : "keyAgreement";
    std::vector<std::pair<int, std::string>> ext{{NID_basic_constraints, "critical,CA:FALSE"},
                                                 {NID_key_usage, usage},
                                                 {NID_ext_key_usage, "serverAuth,clientAuth"},
                                                 {NID_subject_key_identifier, "hash"},
                                                 {NID_authority_key_identifier, "keyid:always"}};
    if (!r.hosts.empty()) {
        std::string san;
        for (const auto& h : r.hosts)
            san += (san.empty() ? "" : ",") + std::string(h.find_first_not_of("0123456789.:") == std::string::npos ? "IP:" : "DNS:") + h;
        ext.emplace_back(NID_subject_alt_name, san);
    }
    const char* kind = r.kind == CertificateKind::node ? "node" : "endpoint";
    // Node certificates name "node:<id>", the identity node links authenticate
    // as (adapters/amqp/README.md); endpoint certificates the endpoint id.
    const std::string cn = r.kind == CertificateKind::node ? "node:" + r.id : r.id;
    auto cert = make_certificate(*serial, cn, kind, key.get(), ca->cert.get(), ca->key.get(), r.days, ext);
    if (!cert) return cert.problems();
    IssuedCertificate out{path(r.dir, r.id + ".key"), path(r.dir, r.id + ".crt"), *serial};
    if (auto st = write_file(out.key_file, key_pem(key.get()), true); !st) return st.problems();
    if (auto st = write_file(out.cert_file, certificate_pem(cert->get()), false); !st) return st.problems();
    if (auto st = append_index(r.dir, {*serial, r.id, kind, "valid", "", ""}); !st) return st.problems();
    return out;
}

Result<std::vector<IndexEntry>> pki_index(const std::string& dir) {
    std::ifstream in(path(dir, "index.tsv"));
    if (!in) return make_problem("pki.missing", dir + " holds no index.tsv: run govbus pki init --dir " + dir);
    std::vector<IndexEntry> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<std::string> f;
        std::stringstream s(line);
        std::string field;
        while (std::getline(s, field, '\t')) f.push_back(field);
        f.resize(6);
        out.push_back({f[0], f[1], f[2], f[3], f[4], f[5]});
    }
    return out;
}

Status pki_revoke(const std::string& dir, const std::string& id, const std::string& reason) {
    if (reason_code(reason) < 0) return make_problem("pki.io", "'" + reason + "' is not an RFC 5280 revocation reason");
    auto index = pki_index(dir);
    if (!index) return index.problems();
    bool found = false;
    std::string text;
    for (auto& e : *index) {
        if (e.id == id && e.status == "valid") {
            e.status = "revoked";
            e.revoked = format_rfc3339(std::chrono::system_clock::now(), 0);
            e.reason = reason;
            found = true;
        }
        text += e.serial + '\t' + e.id + '\t' + e.kind + '\t' + e.status + '\t' + e.revoked + '\t' + e.reason + '\n';
    }
    if (!found) return make_problem("pki.unknown", "no valid certificate for '" + id + "' was issued from " + dir);
    return write_file(path(dir, "index.tsv"), text, false);
}

Result<std::string> pki_crl(const std::string& dir, int days, TimePoint now) {
    auto ca = open_ca(dir);
    if (!ca) return ca.problems();
    auto index = pki_index(dir);
    if (!index) return index.problems();
    std::unique_ptr<X509_CRL, CrlFree> crl(X509_CRL_new());
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::unique_ptr<ASN1_TIME, Asn1TimeFree> last(ASN1_TIME_set(nullptr, t)), next(ASN1_TIME_adj(nullptr, t, days, 0));
    if (!crl || X509_CRL_set_version(crl.get(), 1) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca->cert.get())) != 1 ||
        X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 || X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1)
        return openssl_problem("cannot build the CRL");
    for (const auto& e : *index) {
        if (e.status != "revoked") continue;
        std::unique_ptr<X509_REVOKED, RevokedFree> rev(X509_REVOKED_new());
        BIGNUM* bn_raw = nullptr;
        BN_hex2bn(&bn_raw, e.serial.c_str());
        std::unique_ptr<BIGNUM, BnFree> bn(bn_raw);
        std::unique_ptr<ASN1_INTEGER, Asn1IntFree> serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
        auto when = parse_rfc3339(e.revoked);
        std::unique_ptr<ASN1_TIME, Asn1TimeFree> at(
            ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(when.value_or(now))));
        if (!rev || !serial || X509_REVOKED_set_serialNumber(rev.get(), serial.get()) != 1 ||
            X509_REVOKED_set_revocationDate(rev.get(), at.get()) != 1)
            return openssl_problem("cannot list " + e.id + " in the CRL");
        // RFC 5280 §5.3.1: the reason is given unless it is "unspecified", which SHOULD be absent.
        if (const int code = reason_code(e.reason); code > 0) {
            std::unique_ptr<ASN1_ENUMERATED, decltype(&ASN1_ENUMERATED_free)> value(ASN1_ENUMERATED_new(),
                                                                                    ASN1_ENUMERATED_free);
            if (!value || ASN1_ENUMERATED_set(value.get(), code) != 1 ||
                X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, value.get(), 0, 0) != 1)
                return openssl_problem("cannot give the reason for " + e.id + " in the CRL");
        }
        if (X509_CRL_add0_revoked(crl.get(), rev.get()) != 1) return openssl_problem("cannot list " + e.id + " in the CRL");
        rev.release();  // the CRL owns it now
    }
    X509_CRL_sort(crl.get());
    // RFC 5280 §5.2.1 and §5.2.3: conforming CRLs carry the authority key
    // identifier and a CRL number.
    auto number = next_crl_number(dir);
    if (!number) return number.problems();
    std::unique_ptr<ASN1_INTEGER, Asn1IntFree> crl_number(ASN1_INTEGER_new());
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, ca->cert.get(), nullptr, nullptr, crl.get(), 0);
    std::unique_ptr<X509_EXTENSION, X509ExtFree> akid(
        X509V3_EXT_conf_nid(nullptr, &v3, NID_authority_key_identifier, "keyid:always"));
    if (!crl_number || ASN1_INTEGER_set(crl_number.get(), *number) != 1 ||
        X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0) != 1 || !akid ||
        X509_CRL_add_ext(crl.get(), akid.get(), -1) != 1)
        return openssl_problem("cannot add the CRL number and authority key identifier");
    if (!sign_with(ca->key.get(), [&](EVP_MD_CTX* md) { return X509_CRL_sign_ctx(crl.get(), md); }))
        return openssl_problem("cannot sign the CRL");
    Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_CRL(bio.get(), crl.get());
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    const std::string file = path(dir, "crl.pem");
    if (auto st = write_file(file, std::string(data, static_cast<std::size_t>(n)), false); !st) return st.problems();
    return file;
}

}  // namespace govbus::security
