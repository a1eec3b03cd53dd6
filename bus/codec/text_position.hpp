// Line and column of a byte offset, for problems that point into a message.
#pragma once

#include <string_view>
#include <utility>

namespace govbus::codec {

// 1-based line and column of byte `offset` in `text`; columns count UTF-8 code points.
std::pair<int, int> line_column(std::string_view text, std::size_t offset);

}  // namespace govbus::codec
