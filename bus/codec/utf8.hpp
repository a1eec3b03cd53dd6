// UTF-8 validation of a whole message before the JSON reader sees it
// (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF).
// Runs of ASCII, most of any message, are checked eight bytes at a time, so
// the reader itself can skip its per-character check.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace govbus::codec {

// The offset of the first byte that is not part of a well-formed UTF-8
// sequence, or nothing when the whole text is well-formed.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// The code point of the UTF-8 sequence at `i`, advancing `i` past it. Meant
// for text already checked: a sequence is not validated, and a lead byte
// whose sequence is cut short stands for itself.
inline char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC0 ? 1 : 0;
    if (extra > 0 && i + extra >= s.size()) extra = 0;  // cut short: the lead byte alone
    char32_t c = extra == 0 ? b0 : extra == 1 ? (b0 & 0x1F) : extra == 2 ? (b0 & 0x0F) : (b0 & 0x07);
    ++i;
    for (int k = 0; k < extra; ++k, ++i) c = (c << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    return c;
}

}  // namespace govbus::codec
