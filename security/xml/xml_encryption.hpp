// XML-Enc for the payload of govbus XML envelopes (docs/security.md "XML
// envelopes"): the payload element is encrypted for the destination
// endpoint's certificate and its env:payload replaced by an
// xenc:EncryptedData (Type Element) inside env:security, so nodes route on the
// clear header without reading the payload.
//   intl (RSA recipient): AES-256-GCM content, key wrapped by RSA-OAEP
//         (rsa-oaep-mgf1p), by XML-Security-C. XML-Security-C has no ECDH-ES
//         key agreement, so XML recipients of the intl suite hold RSA keys.
//   gm (SM2 recipient):   urn:govbus:xmlenc:sm4-cbc-hmac-sm3 content
//         (CipherValue = IV || ciphertext || HMAC-SM3), key encrypted by
//         urn:govbus:xmlenc:sm2 (GM/T 0003 ciphertext, DER).
// Encrypt first, then sign: the signature covers the EncryptedData.
#pragma once

#include "bus/core/problem.hpp"
#include "security/crypto.hpp"

#include <string>
#include <string_view>

namespace govbus::security {

inline constexpr char kXmlSm4CbcHmacSm3[] = "urn:govbus:xmlenc:sm4-cbc-hmac-sm3";
inline constexpr char kXmlSm2Key[] = "urn:govbus:xmlenc:sm2";

// Problems: security.encrypt_failed, security.unsupported_algorithm (EC P-256 recipient).
Result<std::string> encrypt_xml_payload(std::string_view xml, X509* recipient_cert, const std::string& recipient_id);
// Restores env:payload; drops the EncryptedData, env:recipient and the
// signature (which covered the encrypted form). Problem: security.decrypt_failed.
Result<std::string> decrypt_xml_payload(std::string_view xml, EVP_PKEY* recipient_key);

}  // namespace govbus::security
