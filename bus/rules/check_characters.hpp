// Check-character algorithms of the codes govbus validates: ISO 7064 MOD 11-2
// (GB 11643, case numbers), ISO/IEC 7064 MOD 37,36 (GB/T 36904), GB 32100, GB 11714.
#pragma once

#include <string_view>

namespace govbus::rules {

// GB 32100-2015 code alphabet: 31 symbols, no I, O, S, V, Z.
inline constexpr std::string_view kCreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// ISO 7064 MOD 11-2 over decimal digits: weight of the k-th of n digits
// (0-based) is 2^(n-k) mod 11; check value (12 - sum mod 11) mod 11, 10 = 'X'.
// Returns '0'-'9' or 'X'; '\0' when `digits` holds a non-digit.
char mod11_2_check(std::string_view digits);

// ISO/IEC 7064 MOD 37,36 over 0-9 and A-Z (values 0-35). Returns '0'-'9' or
// 'A'-'Z'; '\0' when `text` holds another character.
char mod37_36_check(std::string_view text);

// Value of a GB 32100 symbol, -1 when the character is not in the alphabet.
int credit_code_value(char c);

// GB 32100-2015 check over the first 17 symbols (weights 3^i mod 31).
// '\0' when `first17` is not 17 symbols of the alphabet.
char credit_code_check(std::string_view first17);

// GB 11714 check over 8 characters 0-9, A-Z: weights 3 7 9 10 5 8 4 2,
// 11 - (sum mod 11); 10 = 'X', 11 = '0'. '\0' when the input is malformed.
char org_code_check(std::string_view first8);

}  // namespace govbus::rules
