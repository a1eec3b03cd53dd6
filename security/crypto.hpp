// The cryptographic primitives govbus uses, over OpenSSL 3: keys and
// certificates, digests, signatures in both suites, and the gm payload cipher.
// Everything above (XML-DSig, JWS, XML-Enc, JWE, the node's checks) calls this.
#pragma once

#include "bus/core/problem.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace govbus::security {

// Byte strings travel as std::string (binary-safe).
using Bytes = std::string;

enum class Suite { intl, gm };
const char* to_string(Suite suite);
Result<Suite> parse_suite(std::string_view text);  // "intl" | "gm"

struct PKeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct X509Free { void operator()(X509* c) const { X509_free(c); } };
using PKey = std::unique_ptr<EVP_PKEY, PKeyFree>;
using Certificate = std::unique_ptr<X509, X509Free>;

// PEM files or PEM text. Problems: security.key_unreadable / security.cert_unreadable.
Result<PKey> load_private_key(const std::string& pem_file);
Result<Certificate> load_certificate(const std::string& pem_file);
Result<Certificate> parse_certificate_pem(std::string_view pem);
std::string certificate_pem(X509* cert);
PKey public_key_of(X509* cert);  // owned copy (refcount)

// SM2 keys are EC keys on the SM2 curve; OpenSSL 3 may report them as "EC".
bool is_sm2_key(EVP_PKEY* key);
bool is_rsa_key(EVP_PKEY* key);
bool is_ec_p256_key(EVP_PKEY* key);

// Digests (raw bytes) and hex.
Bytes sha256(std::string_view data);
Bytes sm3(std::string_view data);  // GM/T 0004
std::string to_hex(std::string_view bytes);
Bytes from_hex(std::string_view hex);  // empty on bad input

// Signature algorithms. ECDSA and SM2 values are raw r||s (32+32 bytes), the
// form XML-DSig (RFC 6931 §3.3.1) and JWS (RFC 7518 §3.4) use; der_to_raw /
// raw_to_der convert for tools that want DER (openssl pkeyutl).
enum class SignatureAlgorithm { rsa_sha256, rsa_pss_sha256, ecdsa_p256_sha256, sm2_sm3 };
// The algorithm a key signs with: RSA -> rsa_sha256, P-256 -> ecdsa_p256_sha256, SM2 -> sm2_sm3.
Result<SignatureAlgorithm> natural_algorithm(EVP_PKEY* key);

// SM2 signatures use the default user id "1234567812345678" (GB/T 32918.2,
// GM/T 0009 §10). Problems: security.sign_failed / security.bad_signature.
Result<Bytes> sign(EVP_PKEY* key, SignatureAlgorithm alg, std::string_view data);
Status verify(EVP_PKEY* key, SignatureAlgorithm alg, std::string_view data, std::string_view signature);
Bytes ecdsa_der_to_raw(std::string_view der, std::size_t half = 32);
Bytes ecdsa_raw_to_der(std::string_view raw);

// Public-key encryption of a content key. SM2 ciphertext is the GM/T 0009
// DER form (C1, C3, C2) that OpenSSL writes. RSA uses OAEP with SHA-256 and
// MGF1-SHA-256 (RFC 8017 §7.1) unless `oaep_sha1` (XML-Enc rsa-oaep-mgf1p).
Result<Bytes> sm2_encrypt(EVP_PKEY* recipient_public, std::string_view plain);
Result<Bytes> sm2_decrypt(EVP_PKEY* recipient_private, std::string_view cipher);
Result<Bytes> rsa_oaep_encrypt(EVP_PKEY* recipient_public, std::string_view plain, bool oaep_sha1 = false);
Result<Bytes> rsa_oaep_decrypt(EVP_PKEY* recipient_private, std::string_view cipher, bool oaep_sha1 = false);

// AES-256-GCM (NIST SP 800-38D): 12-byte IV, 16-byte tag.
struct GcmSealed { Bytes iv, ciphertext, tag; };
Result<GcmSealed> aes256_gcm_seal(std::string_view key32, std::string_view plain, std::string_view aad = {});
Result<Bytes> aes256_gcm_open(std::string_view key32, const GcmSealed& sealed, std::string_view aad = {});

// The gm payload cipher, since OpenSSL 3.0 has no SM4-GCM: SM4-CBC with
// PKCS#7 padding, then HMAC-SM3 over (aad || iv || ciphertext || 64-bit
// big-endian bit length of aad), encrypt-then-MAC. The 32-byte content key is
// split: first 16 bytes SM4 key, last 16 bytes MAC key. docs/security.md
// states the construction. Problem on a bad tag: security.decrypt_failed.
struct Sm4Sealed { Bytes iv, ciphertext, mac; };
Result<Sm4Sealed> sm4_cbc_hmac_sm3_seal(std::string_view key32, std::string_view plain, std::string_view aad = {});
Result<Bytes> sm4_cbc_hmac_sm3_open(std::string_view key32, const Sm4Sealed& sealed, std::string_view aad = {});

Bytes random_bytes(std::size_t n);

}  // namespace govbus::security
