// What JWS and JWE share: reading untrusted JSON with caps, certificate
// encodings for x5c, names.
#pragma once

#include "bus/core/problem.hpp"
#include "security/crypto.hpp"

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace govbus::security {

// Parses an envelope or a JOSE header; JSON nesting is capped like the codec's.
Result<boost::json::value> parse_untrusted_json(std::string_view text, const char* code);

std::string certificate_der(X509* cert);
Result<Certificate> certificate_from_der(std::string_view der);

// The subject CN of a certificate ("" when none).
std::string common_name(X509* cert);

}  // namespace govbus::security
