// Content keys and payload ciphers (security/crypto.hpp).
#include "security/crypto.hpp"
#include "security/openssl_handles.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rsa.h>

namespace govbus::security {

namespace {

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* u8(Bytes& s) { return reinterpret_cast<unsigned char*>(s.data()); }

enum class Direction { encrypt, decrypt };

// EVP_PKEY_encrypt/decrypt with a setup step for padding.
template <class Setup>
Result<Bytes> pkey_crypt(EVP_PKEY* key, std::string_view in, Direction dir, Setup setup, const char* what) {
    const char* code = dir == Direction::encrypt ? "security.encrypt_failed" : "security.decrypt_failed";
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    int rc = ctx ? (dir == Direction::encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) : 0;
    if (rc != 1 || !setup(ctx.get())) return make_problem(code, std::string(what) + ": " + openssl_error());
    size_t len = 0;
    auto run = [&](unsigned char* out) {
        return dir == Direction::encrypt ? EVP_PKEY_encrypt(ctx.get(), out, &len, u8(in), in.size())
                                         : EVP_PKEY_decrypt(ctx.get(), out, &len, u8(in), in.size());
    };
    if (run(nullptr) != 1) return make_problem(code, std::string(what) + ": " + openssl_error());
    Bytes out(len, '\0');
    if (run(u8(out)) != 1) return make_problem(code, std::string(what) + ": " + openssl_error());
    out.resize(len);
    return out;
}

bool oaep(EVP_PKEY_CTX* ctx, bool sha1) {
    const EVP_MD* md = sha1 ? EVP_sha1() : EVP_sha256();
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1;
}

Result<Bytes> hmac_sm3(std::string_view key, std::string_view aad, std::string_view iv, std::string_view ct) {
    std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
    char digest[] = "SM3";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    if (!ctx || EVP_MAC_init(ctx.get(), u8(key), key.size(), params) != 1)
        return make_problem("security.encrypt_failed", "HMAC-SM3: " + openssl_error());
    // The additional data's length in bits, 64-bit big-endian (as RFC 7518 §5.2.2.1 "AL").
    unsigned char al[8];
    const std::uint64_t bits = static_cast<std::uint64_t>(aad.size()) * 8;
    for (int i = 0; i < 8; ++i) al[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    EVP_MAC_update(ctx.get(), u8(aad), aad.size());
    EVP_MAC_update(ctx.get(), u8(iv), iv.size());
    EVP_MAC_update(ctx.get(), u8(ct), ct.size());
    EVP_MAC_update(ctx.get(), al, sizeof al);
    Bytes out(32, '\0');
    size_t len = 0;
    if (EVP_MAC_final(ctx.get(), u8(out), &len, out.size()) != 1)
        return make_problem("security.encrypt_failed", "HMAC-SM3: " + openssl_error());
    out.resize(len);
    return out;
}

Result<Bytes> cbc(const EVP_CIPHER* cipher, std::string_view key, std::string_view iv, std::string_view in,
                  Direction dir) {
    const char* code = dir == Direction::encrypt ? "security.encrypt_failed" : "security.decrypt_failed";
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    const int enc = dir == Direction::encrypt ? 1 : 0;
    if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, u8(key), u8(iv), enc) != 1)
        return make_problem(code, "SM4-CBC: " + openssl_error());
    Bytes out(in.size() + 16, '\0');
    int n = 0, tail = 0;
    if (EVP_CipherUpdate(ctx.get(), u8(out), &n, u8(in), static_cast<int>(in.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), u8(out) + n, &tail) != 1)
        return make_problem(code, "SM4-CBC: " + openssl_error());
    out.resize(static_cast<std::size_t>(n + tail));
    return out;
}

}  // namespace

Result<Bytes> rsa_oaep_encrypt(EVP_PKEY* recipient_public, std::string_view plain, bool oaep_sha1) {
    if (!is_rsa_key(recipient_public)) return make_problem("security.encrypt_failed", "RSA-OAEP needs an RSA key");
    return pkey_crypt(recipient_public, plain, Direction::encrypt, [&](EVP_PKEY_CTX* c) { return oaep(c, oaep_sha1); },
                      "RSA-OAEP");
}

Result<Bytes> rsa_oaep_decrypt(EVP_PKEY* recipient_private, std::string_view cipher, bool oaep_sha1) {
    if (!is_rsa_key(recipient_private)) return make_problem("security.decrypt_failed", "RSA-OAEP needs an RSA key");
    return pkey_crypt(recipient_private, cipher, Direction::decrypt, [&](EVP_PKEY_CTX* c) { return oaep(c, oaep_sha1); },
                      "RSA-OAEP");
}

Result<Bytes> sm2_encrypt(EVP_PKEY* recipient_public, std::string_view plain) {
    if (!is_sm2_key(recipient_public)) return make_problem("security.encrypt_failed", "SM2 encryption needs an SM2 key");
    return pkey_crypt(recipient_public, plain, Direction::encrypt, [](EVP_PKEY_CTX*) { return true; }, "SM2");
}

Result<Bytes> sm2_decrypt(EVP_PKEY* recipient_private, std::string_view cipher) {
    if (!is_sm2_key(recipient_private)) return make_problem("security.decrypt_failed", "SM2 decryption needs an SM2 key");
    return pkey_crypt(recipient_private, cipher, Direction::decrypt, [](EVP_PKEY_CTX*) { return true; }, "SM2");
}

Result<GcmSealed> aes256_gcm_seal(std::string_view key32, std::string_view plain, std::string_view aad) {
    if (key32.size() != 32) return make_problem("security.encrypt_failed", "AES-256-GCM needs a 32-byte key");
    GcmSealed s;
    s.iv = random_bytes(12);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int n = 0;
    s.ciphertext.assign(plain.size(), '\0');
    s.tag.assign(16, '\0');
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u8(key32), u8(s.iv)) != 1 ||
        (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &n, u8(aad), static_cast<int>(aad.size())) != 1) ||
        EVP_EncryptUpdate(ctx.get(), u8(s.ciphertext), &n, u8(plain), static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), u8(s.ciphertext) + n, &n) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, u8(s.tag)) != 1)
        return make_problem("security.encrypt_failed", "AES-256-GCM: " + openssl_error());
    return s;
}

Result<Bytes> aes256_gcm_open(std::string_view key32, const GcmSealed& s, std::string_view aad) {
    if (key32.size() != 32 || s.iv.size() != 12 || s.tag.size() != 16)
        return make_problem("security.decrypt_failed", "AES-256-GCM needs a 32-byte key, 12-byte IV and 16-byte tag");
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    Bytes plain(s.ciphertext.size(), '\0');
    Bytes tag = s.tag;
    int n = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u8(key32), u8(s.iv)) != 1 ||
        (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &n, u8(aad), static_cast<int>(aad.size())) != 1) ||
        EVP_DecryptUpdate(ctx.get(), u8(plain), &n, u8(s.ciphertext), static_cast<int>(s.ciphertext.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, u8(tag)) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), u8(plain) + n, &n) != 1) {
        openssl_error();
        return make_problem("security.decrypt_failed", "AES-256-GCM: the tag does not match (wrong key or altered data)");
    }
    return plain;
}

Result<Sm4Sealed> sm4_cbc_hmac_sm3_seal(std::string_view key32, std::string_view plain, std::string_view aad) {
    if (key32.size() != 32) return make_problem("security.encrypt_failed", "SM4-CBC-HMAC-SM3 needs a 32-byte key");
    Sm4Sealed s;
    s.iv = random_bytes(16);
    auto ct = cbc(EVP_sm4_cbc(), key32.substr(0, 16), s.iv, plain, Direction::encrypt);
    if (!ct) return ct.problems();
    s.ciphertext = std::move(ct.value());
    auto mac = hmac_sm3(key32.substr(16), aad, s.iv, s.ciphertext);
    if (!mac) return mac.problems();
    s.mac = std::move(mac.value());
    return s;
}

Result<Bytes> sm4_cbc_hmac_sm3_open(std::string_view key32, const Sm4Sealed& s, std::string_view aad) {
    if (key32.size() != 32 || s.iv.size() != 16)
        return make_problem("security.decrypt_failed", "SM4-CBC-HMAC-SM3 needs a 32-byte key and a 16-byte IV");
    auto mac = hmac_sm3(key32.substr(16), aad, s.iv, s.ciphertext);
    // Encrypt-then-MAC: the tag is checked, in constant time, before anything is decrypted.
    if (!mac || mac->size() != s.mac.size() || CRYPTO_memcmp(mac->data(), s.mac.data(), s.mac.size()) != 0)
        return make_problem("security.decrypt_failed", "SM4-CBC-HMAC-SM3: the MAC does not match (wrong key or altered data)");
    return cbc(EVP_sm4_cbc(), key32.substr(0, 16), s.iv, s.ciphertext, Direction::decrypt);
}

}  // namespace govbus::security
