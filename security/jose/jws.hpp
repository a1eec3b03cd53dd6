// JWS (RFC 7515) over JSON envelopes (docs/security.md "JSON envelopes"):
// compact serialization with detached content (RFC 7515 Appendix F). The
// signed content is the RFC 8785 form of the envelope without "hops" and
// without "security.signature", so nodes can append hops and the signature
// still covers header, security (suite, signer, recipient, encrypted) and payload.
#pragma once

#include "bus/core/problem.hpp"
#include "security/crypto.hpp"

#include <string>
#include <string_view>

namespace govbus::security {

struct JsonSignatureCheck {
    Certificate signer_cert;  // from the protected header's x5c: the caller checks its chain
    std::string suite;        // "intl" | "gm"
    std::string alg;          // ES256 | RS256 | PS256 | SM2SM3
};

// Sets security.suite, security.signer (the certificate's CN) and
// security.signature. ES256 for P-256 keys, RS256 for RSA (PS256 when
// `rsa_pss`), SM2SM3 for SM2 keys.
Result<std::string> sign_json_envelope(std::string_view json, EVP_PKEY* key, X509* cert, bool rsa_pss = false);

// Checks the signature cryptographically against the certificate it names.
// Reason codes: security.signature_missing, security.malformed_jws,
// security.unsupported_algorithm, security.bad_signature.
Result<JsonSignatureCheck> verify_json_envelope(std::string_view json);

// The exact bytes a JWS over `json` signs (for tools and other implementations).
Result<std::string> json_signing_content(std::string_view json);

}  // namespace govbus::security
