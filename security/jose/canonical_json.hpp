// RFC 8785 JSON Canonicalization Scheme (JCS) and base64url (RFC 4648 §5):
// the byte forms JWS signs and JWE encrypts.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace govbus::security {

// The RFC 8785 form of `value`: members sorted by their UTF-16 code units
// (§3.2.3), no white space, strings with the minimal escapes of §3.2.2.2,
// numbers as ECMAScript writes them (§3.2.2.3; integers beyond 2^53 become
// the nearest double, as everywhere numbers are IEEE 754 doubles).
// Throws std::invalid_argument for NaN or an infinity, which only a value
// built in code can hold (parse_untrusted_json refuses them).
std::string canonical_json(const boost::json::value& value);

std::string base64url_encode(std::string_view bytes);
// nullopt on a character outside the base64url alphabet or a bad length.
std::optional<std::string> base64url_decode(std::string_view text);
// Standard base64 with padding (RFC 4648 §4), as x5c uses (RFC 7515 §4.1.6).
std::string base64_encode_standard(std::string_view bytes);
std::optional<std::string> base64_decode_standard(std::string_view text);

}  // namespace govbus::security
