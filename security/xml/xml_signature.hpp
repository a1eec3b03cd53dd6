// XML-DSig for govbus XML envelopes (docs/security.md "XML envelopes"): one
// enveloped ds:Signature inside env:security with exactly two references by
// Id, to env:header and to env:payload (or to the xenc:EncryptedData that
// replaced it), exclusive canonicalization, the signer's certificate in
// KeyInfo. Hops stay outside: nodes append them after the sender signed.
//   intl: RSA-SHA256 or ECDSA-SHA256 (RFC 6931), SHA-256 digests, by XML-Security-C
//   gm:   SM2-with-SM3 and SM3 digests under govbus URIs (XML-Security-C has no
//         SM2): canonicalization still by XML-Security-C, signing by OpenSSL
#pragma once

#include "bus/core/problem.hpp"
#include "security/crypto.hpp"

#include <string>
#include <string_view>

namespace govbus::security {

inline constexpr char kXmlSm2Sm3[] = "urn:govbus:xmldsig:sm2-sm3";
inline constexpr char kXmlSm3[] = "urn:govbus:xmldsig:sm3";

struct XmlSignatureCheck {
    Certificate signer_cert;  // from KeyInfo: the caller checks its chain and that its CN is the source
    std::string suite;        // "intl" | "gm"
};

// Signs (or signs again) the envelope; sets env:suite and env:signer.
// Problems: security.malformed_xml, security.sign_failed, security.unsupported_algorithm.
Result<std::string> sign_xml_envelope(std::string_view xml, EVP_PKEY* key, X509* cert);

// Reason codes: security.signature_missing, security.bad_signature,
// security.signature_wrapping (a second signature, one outside env:security,
// references other than header and payload, other transforms),
// security.duplicate_id, security.unsupported_algorithm, security.malformed_xml.
Result<XmlSignatureCheck> verify_xml_envelope(std::string_view xml);

}  // namespace govbus::security
