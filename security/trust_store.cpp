// The trust store (security/trust_store.hpp): deployment CAs, their CRLs,
// and the checks a signer's or recipient's certificate must pass.
#include "security/trust_store.hpp"

#include "bus/core/file_text.hpp"
#include "security/openssl_handles.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>


namespace govbus::security {

namespace {

std::string name_entry(X509_NAME* name, int nid) {
    int i = X509_NAME_get_index_by_NID(name, nid, -1);
    if (i < 0) return {};
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

// SM2 certificates are signed over Z_A with the GB/T 32918 default id
// (security/pki.cpp); OpenSSL verifies with the id set on the certificate.
void mark_sm2_id(X509* cert) {
    std::unique_ptr<ASN1_OCTET_STRING, decltype(&ASN1_OCTET_STRING_free)> id(ASN1_OCTET_STRING_new(),
                                                                             ASN1_OCTET_STRING_free);
    if (!id || !ASN1_OCTET_STRING_set(id.get(), reinterpret_cast<const unsigned char*>(kSm2DefaultId),
                                      sizeof kSm2DefaultId - 1))
        return;
    X509_set0_distinguishing_id(cert, id.release());
}

std::string one_line(const X509_NAME* name) {
    char text[256];
    X509_NAME_oneline(name, text, sizeof text);
    return text;
}

bool signed_with_sm2(X509* cert) { return X509_get_signature_nid(cert) == NID_SM2_with_SM3; }

Problem untrusted(const std::string& why) {
    return make_problem("security.cert_untrusted",
                        "the signer's certificate does not chain to a deployment CA (" + why + ")");
}

// Whether `anchor` signed `crl` (RFC 5280 §6.3.3 (f)). OpenSSL 3.0 has no
// way to give a CRL the SM2 signer id (X509_CRL has no distinguishing id, so
// X509_CRL_verify and X509_V_FLAG_CRL_CHECK hash Z_A over an empty id), so
// SM2 CRLs are checked here over their TBS bytes with the GB/T 32918 default id.
bool crl_signed_by(X509_CRL* crl, X509* anchor) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(anchor)) != 0) return false;
    EVP_PKEY* key = X509_get0_pubkey(anchor);
    if (!key) return false;
    if (!is_sm2_key(key)) {
        const bool ok = X509_CRL_verify(crl, key) == 1;
        openssl_error();
        return ok;
    }
    if (X509_CRL_get_signature_nid(crl) != NID_SM2_with_SM3) return false;
    unsigned char* tbs = nullptr;
    const int len = i2d_re_X509_CRL_tbs(crl, &tbs);
    const std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(tbs, [](unsigned char* p) { OPENSSL_free(p); });
    const ASN1_BIT_STRING* sig = nullptr;
    X509_CRL_get0_signature(crl, &sig, nullptr);
    if (len <= 0 || !sig) return false;
    const std::string_view der(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)),
                               static_cast<std::size_t>(ASN1_STRING_length(sig)));
    const Bytes raw = ecdsa_der_to_raw(der);
    return !raw.empty() && verify(key, SignatureAlgorithm::sm2_sm3,
                                  std::string_view(reinterpret_cast<char*>(tbs), static_cast<std::size_t>(len)), raw)
                               .ok();
}

}  // namespace

// A CRL and the anchor whose signature it carries (checked at load).
struct IssuedCrl {
    X509* issuer;  // borrowed from Parts::anchors
    Crl crl;
};

struct TrustStore::Parts {
    std::vector<Certificate> anchors;
    std::vector<IssuedCrl> crls;
};

TrustStore::TrustStore() : parts_(std::make_unique<Parts>()) {}
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;
TrustStore::~TrustStore() = default;

Result<TrustStore> TrustStore::load(const std::vector<std::string>& ca_files, const std::vector<std::string>& crl_files) {
    TrustStore t;
    for (const auto& f : ca_files) {
        const std::string text = read_whole_file(f).value_or("");
        Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
        int found = 0;
        while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
            Certificate cert(c);
            if (signed_with_sm2(cert.get())) mark_sm2_id(cert.get());
            t.parts_->anchors.push_back(std::move(cert));
            ++found;
        }
        openssl_error();
        if (!found) return make_problem("security.cert_unreadable", "no CA certificate in " + f);
    }
    for (const auto& f : crl_files) {
        const std::string text = read_whole_file(f).value_or("");
        Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
        Crl crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
        if (!crl) return make_problem("security.crl_unreadable", "no CRL in " + f + ": " + openssl_error());
        // A CRL nobody trusted signed (altered, or from a CA not in the
        // trust list) is refused here, so a reload keeps the previous lists.
        X509* issuer = nullptr;
        for (const auto& a : t.parts_->anchors)
            if (!issuer && crl_signed_by(crl.get(), a.get())) issuer = a.get();
        if (!issuer)
            return make_problem("security.crl_unreadable", f + " is not signed by any CA in the trust list (altered, "
                                                               "or its CA certificate is not listed)");
        t.parts_->crls.push_back({issuer, std::move(crl)});
    }
    return t;
}

Result<CertifiedIdentity> TrustStore::check(X509* leaf, TimePoint at, KeyPurpose purpose) const {
    if (!leaf) return untrusted("no certificate");
    // Work on a copy: the id mark must not leak into the caller's certificate.
    Certificate cert(X509_dup(leaf));
    if (signed_with_sm2(cert.get())) mark_sm2_id(cert.get());

    Store store(X509_STORE_new());
    for (const auto& a : parts_->anchors) X509_STORE_add_cert(store.get(), a.get());
    StoreCtx ctx(X509_STORE_CTX_new());
    if (!store || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1)
        return untrusted(openssl_error());
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
    if (X509_verify_cert(ctx.get()) != 1) {
        const int err = X509_STORE_CTX_get_error(ctx.get());
        openssl_error();
        if (err == X509_V_ERR_CERT_HAS_EXPIRED)
            return make_problem("security.cert_expired", "the signer's certificate has expired");
        if (err == X509_V_ERR_CERT_NOT_YET_VALID)
            return make_problem("security.cert_not_yet_valid", "the signer's certificate is not valid yet");
        return untrusted(X509_verify_cert_error_string(err));
    }

    // Revocation (RFC 5280 §6.3). When the store holds CRLs, every CA must
    // have one, as with OpenSSL's X509_V_FLAG_CRL_CHECK: a signer whose CA
    // published none has an unknown status and is not believed.
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
    X509* issuer = sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : sk_X509_value(chain, 0);
    const std::time_t when = std::chrono::system_clock::to_time_t(at);
    bool listed = false;
    for (const auto& c : parts_->crls) {
        if (X509_cmp(c.issuer, issuer) != 0) continue;
        listed = true;
        const ASN1_TIME* next = X509_CRL_get0_nextUpdate(c.crl.get());
        if (next && X509_cmp_time(next, const_cast<std::time_t*>(&when)) < 0)
            return make_problem("security.crl_stale",
                                "the revocation list of the signer's CA is past its next update; the operator must "
                                "publish a new one (govbus pki crl)");
        X509_REVOKED* revoked = nullptr;
        if (X509_CRL_get0_by_serial(c.crl.get(), &revoked, X509_get0_serialNumber(cert.get())) == 1)
            return make_problem("security.cert_revoked", "the signer's certificate is revoked");
    }
    if (!parts_->crls.empty() && !listed)
        return untrusted("no revocation list of its CA is loaded; list every CA's crl.pem in security.crl");

    const uint32_t usage = X509_get_key_usage(cert.get());
    const bool fits = purpose == KeyPurpose::signing ? (usage & KU_DIGITAL_SIGNATURE) != 0
                                                     : (usage & (KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT)) != 0;
    if (!fits)
        return make_problem("security.key_usage", purpose == KeyPurpose::signing
                                                      ? "the certificate's key usage does not allow digital signatures"
                                                      : "the certificate's key usage does not allow key encipherment");
    CertifiedIdentity id;
    id.id = name_entry(X509_get_subject_name(cert.get()), NID_commonName);
    id.kind = name_entry(X509_get_subject_name(cert.get()), NID_organizationalUnitName);
    PKey key(X509_get_pubkey(cert.get()));
    id.suite = is_sm2_key(key.get()) ? Suite::gm : Suite::intl;
    return id;
}

std::vector<std::string> TrustStore::cas_without_crl() const {
    std::vector<std::string> out;
    for (const auto& a : parts_->anchors) {
        bool covered = false;
        for (const auto& c : parts_->crls) covered = covered || c.issuer == a.get();
        if (!covered) out.push_back(one_line(X509_get_subject_name(a.get())));
    }
    return out;
}

std::vector<std::string> TrustStore::crls_past_next_update(TimePoint at) const {
    std::vector<std::string> out;
    const std::time_t when = std::chrono::system_clock::to_time_t(at);
    for (const auto& c : parts_->crls) {
        const ASN1_TIME* next = X509_CRL_get0_nextUpdate(c.crl.get());
        if (next && X509_cmp_time(next, const_cast<std::time_t*>(&when)) < 0)
            out.push_back(one_line(X509_CRL_get_issuer(c.crl.get())));
    }
    return out;
}

}  // namespace govbus::security
