// RapidJSON's schema validator, with one faster part. Include this, never
// <rapidjson/schema.h> directly: the specialisation below must be seen by
// every translation unit that uses the validator.
//
// For minLength and maxLength RapidJSON counts a string's characters by
// decoding each one through its stream abstraction: about ten instructions
// a byte, 18% of decoding a message with a 64 KiB form value. Here the
// string is checked as UTF-8 in one pass and the characters are the bytes
// that do not continue a sequence, counted eight at a time. As RapidJSON's own, it returns false for
// a string that is not UTF-8 (the validator then skips the length checks;
// the JSON reader has refused such messages before).
#pragma once

#include "bus/codec/utf8.hpp"

#include <rapidjson/encodings.h>
#include <rapidjson/internal/strfunc.h>

#include <cstdint>
#include <cstring>
#include <string_view>

RAPIDJSON_NAMESPACE_BEGIN
namespace internal {

template <>
inline bool CountStringCodePoint<UTF8<char>>(const char* s, SizeType length, SizeType* outCount) {
    const std::string_view text(s, length);
    if (govbus::codec::first_invalid_utf8(text)) return false;
    // Continuation bytes are 10xxxxxx. Eight bytes at a time: mark each byte
    // whose top bit is set and whose next bit is not, then add up the marks.
    SizeType continuations = 0;
    std::size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, s + i, 8);
        const std::uint64_t marks = (word & ~(word << 1)) & 0x8080808080808080ULL;
        continuations += static_cast<SizeType>(((marks >> 7) * 0x0101010101010101ULL) >> 56);
    }
    for (; i < length; ++i) continuations += (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
    *outCount = length - continuations;
    return true;
}

}  // namespace internal
RAPIDJSON_NAMESPACE_END

#include <rapidjson/schema.h>
