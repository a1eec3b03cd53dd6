// Signatures in both suites (security/crypto.hpp).
#include "security/crypto.hpp"
#include "security/openssl_handles.hpp"

#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

namespace govbus::security {

namespace {

const char* name_of(SignatureAlgorithm alg) {
    switch (alg) {
        case SignatureAlgorithm::rsa_sha256: return "RSA-SHA256";
        case SignatureAlgorithm::rsa_pss_sha256: return "RSA-PSS-SHA256";
        case SignatureAlgorithm::ecdsa_p256_sha256: return "ECDSA-P256-SHA256";
        case SignatureAlgorithm::sm2_sm3: return "SM2-SM3";
    }
    return "?";
}

bool key_fits(EVP_PKEY* key, SignatureAlgorithm alg) {
    switch (alg) {
        case SignatureAlgorithm::rsa_sha256:
        case SignatureAlgorithm::rsa_pss_sha256: return is_rsa_key(key);
        case SignatureAlgorithm::ecdsa_p256_sha256: return is_ec_p256_key(key);
        case SignatureAlgorithm::sm2_sm3: return is_sm2_key(key);
    }
    return false;
}

// A digest-sign or -verify context for `alg`. The key context is owned here:
// EVP_MD_CTX_set_pkey_ctx (needed to set the SM2 id before init) does not
// take ownership.
struct SigningContext {
    PkeyCtx pctx;  // declared first: freed after md
    MdCtx md;
};

std::optional<SigningContext> context(EVP_PKEY* key, SignatureAlgorithm alg, bool signing) {
    SigningContext c;
    c.md.reset(EVP_MD_CTX_new());
    if (!c.md) return std::nullopt;
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = EVP_sha256();
    if (alg == SignatureAlgorithm::sm2_sm3) {
        // GB/T 32918.2 §6.1: Z_A over the signer id comes first; OpenSSL
        // takes the id on the key context before DigestSignInit.
        c.pctx.reset(EVP_PKEY_CTX_new(key, nullptr));
        if (!c.pctx || EVP_PKEY_CTX_set1_id(c.pctx.get(), kSm2DefaultId, sizeof kSm2DefaultId - 1) != 1)
            return std::nullopt;
        EVP_MD_CTX_set_pkey_ctx(c.md.get(), c.pctx.get());
        md = EVP_sm3();
    }
    int rc = signing ? EVP_DigestSignInit(c.md.get(), &pctx, md, nullptr, key)
                     : EVP_DigestVerifyInit(c.md.get(), &pctx, md, nullptr, key);
    if (rc != 1) return std::nullopt;
    if (alg == SignatureAlgorithm::rsa_pss_sha256) {
        // RFC 7518 §3.5: MGF1 with SHA-256, salt as long as the hash.
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1)
            return std::nullopt;
    }
    return c;
}

bool is_ec(SignatureAlgorithm alg) {
    return alg == SignatureAlgorithm::ecdsa_p256_sha256 || alg == SignatureAlgorithm::sm2_sm3;
}

}  // namespace

Result<SignatureAlgorithm> natural_algorithm(EVP_PKEY* key) {
    if (is_sm2_key(key)) return SignatureAlgorithm::sm2_sm3;
    if (is_ec_p256_key(key)) return SignatureAlgorithm::ecdsa_p256_sha256;
    if (is_rsa_key(key)) return SignatureAlgorithm::rsa_sha256;
    return make_problem("security.unsupported_algorithm",
                        "the key is neither RSA, EC P-256 nor SM2; govbus signs with those only");
}

Result<Bytes> sign(EVP_PKEY* key, SignatureAlgorithm alg, std::string_view data) {
    if (!key_fits(key, alg))
        return make_problem("security.sign_failed", std::string("the key does not fit ") + name_of(alg));
    auto c = context(key, alg, true);
    if (!c) return make_problem("security.sign_failed", std::string(name_of(alg)) + ": " + openssl_error());
    size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (EVP_DigestSign(c->md.get(), nullptr, &len, in, data.size()) != 1)
        return make_problem("security.sign_failed", std::string(name_of(alg)) + ": " + openssl_error());
    Bytes sig(len, '\0');
    if (EVP_DigestSign(c->md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size()) != 1)
        return make_problem("security.sign_failed", std::string(name_of(alg)) + ": " + openssl_error());
    sig.resize(len);
    if (is_ec(alg)) return ecdsa_der_to_raw(sig);
    return sig;
}

Status verify(EVP_PKEY* key, SignatureAlgorithm alg, std::string_view data, std::string_view signature) {
    if (!key_fits(key, alg))
        return make_problem("security.bad_signature",
                            std::string("the signer's key does not fit the algorithm ") + name_of(alg));
    Bytes sig(signature);
    if (is_ec(alg)) {
        if (signature.size() != 64)
            return make_problem("security.bad_signature", std::string(name_of(alg)) +
                                                              " signature values are r||s, 64 bytes; got " +
                                                              std::to_string(signature.size()));
        sig = ecdsa_raw_to_der(signature);
    }
    auto c = context(key, alg, false);
    if (!c) return make_problem("security.bad_signature", std::string(name_of(alg)) + ": " + openssl_error());
    int rc = EVP_DigestVerify(c->md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size());
    openssl_error();
    if (rc != 1)
        return make_problem("security.bad_signature",
                            std::string("the ") + name_of(alg) + " signature does not match the signed content");
    return ok_status();
}

Bytes ecdsa_der_to_raw(std::string_view der, std::size_t half) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> s(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())),
                                                              ECDSA_SIG_free);
    if (!s) return {};
    const BIGNUM *r = nullptr, *sv = nullptr;
    ECDSA_SIG_get0(s.get(), &r, &sv);
    Bytes out(2 * half, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(r, o, static_cast<int>(half)) < 0 || BN_bn2binpad(sv, o + half, static_cast<int>(half)) < 0)
        return {};
    return out;
}

Bytes ecdsa_raw_to_der(std::string_view raw) {
    if (raw.empty() || raw.size() % 2 != 0) return {};  // r || s: two halves of equal length
    const std::size_t half = raw.size() / 2;
    const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> s(ECDSA_SIG_new(), ECDSA_SIG_free);
    BIGNUM* r = BN_bin2bn(in, static_cast<int>(half), nullptr);
    BIGNUM* sv = BN_bin2bn(in + half, static_cast<int>(half), nullptr);
    if (!s || !r || !sv || ECDSA_SIG_set0(s.get(), r, sv) != 1) {  // set0 takes r and s
        BN_free(r);
        BN_free(sv);
        return {};
    }
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(s.get(), &der);
    if (len <= 0) return {};
    Bytes out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace govbus::security
