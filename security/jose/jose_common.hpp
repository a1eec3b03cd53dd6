// What JWS and JWE share: certificate encodings for x5c (RFC 7515 §4.1.6)
// and the signer's name; untrusted JSON is read by untrusted_json.hpp.
#pragma once

#include "bus/core/problem.hpp"
#include "security/crypto.hpp"
#include "security/jose/untrusted_json.hpp"

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace govbus::security {

std::string certificate_der(X509* cert);
Result<Certificate> certificate_from_der(std::string_view der);

// The subject CN of a certificate ("" when none).
std::string common_name(X509* cert);

}  // namespace govbus::security
