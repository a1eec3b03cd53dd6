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

}  // namespace govbus::codec
