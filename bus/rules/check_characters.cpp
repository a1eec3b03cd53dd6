// Check-character arithmetic, kept apart from the rules that report on it.
#include "bus/rules/check_characters.hpp"

#include <array>
#include <cstddef>

namespace govbus::rules {

namespace {

// 0-9 -> 0-9, A-Z -> 10-35 (ISO/IEC 7064 alphanumeric values; GB 11714 uses the same).
int alnum_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return -1;
}

// Each byte's value in kCreditCodeAlphabet, -1 for a byte not in it.
constexpr std::array<signed char, 256> kCreditCodeValues = [] {
    std::array<signed char, 256> values{};
    values.fill(-1);
    for (std::size_t i = 0; i < kCreditCodeAlphabet.size(); ++i)
        values[static_cast<unsigned char>(kCreditCodeAlphabet[i])] = static_cast<signed char>(i);
    return values;
}();

}  // namespace

char mod11_2_check(std::string_view digits) {
    // Horner form of sum(a_k * 2^(n-k)): fold left to right, doubling.
    int sum = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return '\0';
        sum = ((sum + (c - '0')) * 2) % 11;
    }
    int value = (12 - sum) % 11;
    return value == 10 ? 'X' : static_cast<char>('0' + value);
}

char mod37_36_check(std::string_view text) {
    // ISO/IEC 7064 hybrid system, M = 36, M + 1 = 37.
    int p = 36;
    for (char c : text) {
        int v = alnum_value(c);
        if (v < 0) return '\0';
        p = (p + v) % 36;
        if (p == 0) p = 36;
        p = (2 * p) % 37;
    }
    int value = (37 - p) % 36;
    return value < 10 ? static_cast<char>('0' + value) : static_cast<char>('A' + value - 10);
}

int credit_code_value(char c) { return kCreditCodeValues[static_cast<unsigned char>(c)]; }

char credit_code_check(std::string_view first17) {
    if (first17.size() != 17) return '\0';
    int sum = 0;
    int weight = 1;  // 3^i mod 31
    for (char c : first17) {
        int v = credit_code_value(c);
        if (v < 0) return '\0';
        sum += v * weight;
        weight = weight * 3 % 31;
    }
    int value = 31 - sum % 31;
    if (value == 31) value = 0;
    return kCreditCodeAlphabet[value];
}

char org_code_check(std::string_view first8) {
    static const int weights[] = {3, 7, 9, 10, 5, 8, 4, 2};
    if (first8.size() != 8) return '\0';
    int sum = 0;
    for (int i = 0; i < 8; ++i) {
        int v = alnum_value(first8[i]);
        if (v < 0) return '\0';
        sum += v * weights[i];
    }
    int value = 11 - sum % 11;
    if (value == 10) return 'X';
    if (value == 11) return '0';
    return static_cast<char>('0' + value);
}

}  // namespace govbus::rules
