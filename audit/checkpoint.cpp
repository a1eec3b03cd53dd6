#include "audit/checkpoint.hpp"

#include "audit/record.hpp"
#include "bus/core/file_text.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>

#include <optional>
#include <stdexcept>

namespace govbus::audit {

namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

// GB/T 32918.2 §5.5 / GM/T 0009: the default user ID when none is agreed.
constexpr char kSm2DefaultId[] = "1234567812345678";

bool is_sm2(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "SM2")) return true;
    char group[64] = {};
    size_t len = 0;
    return EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1 &&
           std::string(group, len) == "SM2";
}

// A digest-sign/verify context. For SM2 it also holds the key context that
// carries the ID: EVP_MD_CTX_set_pkey_ctx leaves that one owned by the caller.
struct DigestContext {
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> pctx;  // declared first: freed after md
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md;
};

// Prepares a sign or verify context with the digest the key type calls for.
std::optional<DigestContext> digest_context(EVP_PKEY* key, bool signing) {
    DigestContext c;
    c.md.reset(EVP_MD_CTX_new());
    if (!c.md) return std::nullopt;
    const EVP_MD* md_type = EVP_sha256();
    if (is_sm2(key)) {
        // SM2(7): the ID goes on the key context before the digest init.
        c.pctx.reset(EVP_PKEY_CTX_new(key, nullptr));
        if (!c.pctx || EVP_PKEY_CTX_set1_id(c.pctx.get(), kSm2DefaultId, sizeof kSm2DefaultId - 1) != 1)
            return std::nullopt;
        EVP_MD_CTX_set_pkey_ctx(c.md.get(), c.pctx.get());
        md_type = EVP_sm3();
    }
    int rc = signing ? EVP_DigestSignInit(c.md.get(), nullptr, md_type, nullptr, key)
                     : EVP_DigestVerifyInit(c.md.get(), nullptr, md_type, nullptr, key);
    if (rc != 1) return std::nullopt;
    return c;
}

std::string fingerprint_of(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    X509_digest(cert, EVP_sha256(), md, &len);
    return to_hex(std::string(reinterpret_cast<char*>(md), len));
}

}  // namespace

std::string checkpoint_signed_bytes(const Checkpoint& c) {
    std::string out;
    append_field(out, "govbus-audit-checkpoint-1");
    append_field(out, c.node_id);
    append_field(out, std::to_string(c.number));
    append_field(out, std::to_string(c.seq));
    append_field(out, c.chain_hash);
    append_field(out, c.time);
    append_field(out, c.kind);
    append_field(out, c.month);
    return out;
}

Result<NodeSigner> NodeSigner::load(const std::string& key_path, const std::string& cert_path) {
    auto key_pem = read_whole_file(key_path);
    if (!key_pem)
        return make_problem("audit.key", "cannot read the node signing key '" + key_path + "'", "signing_key");
    auto cert = NodeCertificate::load(cert_path);
    if (!cert) return cert.problems();
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())));
    NodeSigner s;
    s.key_.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!s.key_)
        return make_problem("audit.key", "'" + key_path + "' is not a PEM private key (unencrypted PKCS#8 or traditional)",
                            "signing_key");
    std::unique_ptr<BIO, BioFree> cbio(BIO_new_mem_buf(cert->pem().data(), static_cast<int>(cert->pem().size())));
    std::unique_ptr<X509, X509Free> x(PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr));
    if (!x || X509_check_private_key(x.get(), s.key_.get()) != 1)
        return make_problem("audit.key", "the certificate '" + cert_path + "' does not belong to the key '" + key_path + "'",
                            "certificate");
    s.cert_pem_ = cert->pem();
    s.fingerprint_ = cert->fingerprint();
    return s;
}

std::string NodeSigner::sign(const std::string& bytes) const {
    auto ctx = digest_context(key_.get(), true);
    size_t len = 0;
    if (!ctx || EVP_DigestSign(ctx->md.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size()) != 1)
        throw std::runtime_error("OpenSSL could not sign an exchange-log checkpoint");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx->md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) != 1)
        throw std::runtime_error("OpenSSL could not sign an exchange-log checkpoint");
    sig.resize(len);
    return sig;
}

Result<NodeCertificate> NodeCertificate::parse(const std::string& pem) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    NodeCertificate c;
    c.cert_.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!c.cert_) return make_problem("audit.cert", "not a PEM X.509 certificate");
    c.pem_ = pem;
    c.fingerprint_ = fingerprint_of(c.cert_.get());
    return c;
}

Result<NodeCertificate> NodeCertificate::load(const std::string& path) {
    auto pem = read_whole_file(path);
    if (!pem) return make_problem("audit.cert", "cannot read the certificate '" + path + "'", "certificate");
    auto c = parse(*pem);
    if (!c) return make_problem("audit.cert", "'" + path + "' is not a PEM X.509 certificate", "certificate");
    return c;
}

bool NodeCertificate::verifies(const Checkpoint& c) const {
    EVP_PKEY* key = X509_get0_pubkey(cert_.get());
    if (!key) return false;
    auto ctx = digest_context(key, false);
    if (!ctx) return false;
    auto bytes = checkpoint_signed_bytes(c);
    return EVP_DigestVerify(ctx->md.get(), reinterpret_cast<const unsigned char*>(c.signature.data()), c.signature.size(),
                            reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) == 1;
}

std::string NodeCertificate::subject() const {
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(cert_.get()), buf, sizeof buf);
    return buf;
}

}  // namespace govbus::audit
