// JWE (RFC 7516) compact serialization of a JSON envelope's payload, for the
// destination endpoint's certificate, so nodes route without reading it
// (docs/security.md "JSON envelopes"). The plaintext is the RFC 8785 form of
// the payload; the envelope keeps its header and names the recipient.
//   intl, RSA recipient:   alg RSA-OAEP-256,   enc A256GCM
//   intl, P-256 recipient: alg ECDH-ES+A256KW, enc A256GCM
//   gm,   SM2 recipient:   alg SM2 (GM/T 0003 encryption of the content key),
//                          enc SM4-CBC-HMAC-SM3 (security/crypto.hpp)
// Encrypt first, then sign: the signature covers security.encrypted.
#pragma once

#include "bus/core/problem.hpp"
#include "security/crypto.hpp"

#include <string>
#include <string_view>

namespace govbus::security {

// Problems: security.encrypt_failed, security.unsupported_algorithm.
Result<std::string> encrypt_json_payload(std::string_view json, X509* recipient_cert, const std::string& recipient_id);
// Restores "payload" and drops security.encrypted and security.recipient.
// Problem: security.decrypt_failed (anything wrong: format, key, tag).
Result<std::string> decrypt_json_payload(std::string_view json, EVP_PKEY* recipient_key);

}  // namespace govbus::security
