// Reads JSON that arrives from outside (envelopes, JOSE headers, decrypted
// payloads) into a boost::json::value that means exactly one thing, so the
// RFC 8785 bytes govbus signs are the ones any other implementation computes.
#pragma once

#include "bus/core/problem.hpp"

#include <boost/json/value.hpp>

#include <string_view>

namespace govbus::security {

// Nesting deeper than this is refused; govbus envelopes are far shallower
// (the codec's JsonLimits::max_depth is the same).
inline constexpr int kMaxJsonDepth = 64;

// Parses one JSON text (RFC 8259) and refuses, with a Problem carrying `code`:
// - invalid JSON, invalid UTF-8, or anything after the value;
// - nesting deeper than kMaxJsonDepth;
// - a member name used twice in one object: RFC 8259 §4 leaves duplicates
//   undefined, and a verifier that keeps the last of two "payload" members
//   while an application keeps the first would check one message and deliver
//   another;
// - a number whose magnitude is beyond the IEEE 754 double range (RFC 8785
//   §3.2.2.3 has no form for infinities).
// Numbers with a fraction or exponent are converted with correct rounding
// (std::from_chars), as ECMAScript's JSON.parse does, so the double JCS
// writes for them matches what a JavaScript signer wrote.
Result<boost::json::value> parse_untrusted_json(std::string_view text, const char* code);

}  // namespace govbus::security
