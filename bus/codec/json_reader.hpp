// Safe JSON parsing for untrusted messages: size cap before parsing, RapidJSON's
// reader (iterative, UTF-8 validated) feeding a handler that caps nesting depth
// and rejects duplicate member names (RFC 8259 §4 leaves them undefined; a
// signed message must mean one thing), each problem with line:column and the
// JSON Pointer (RFC 6901) of the member.
#pragma once

#include "bus/core/problem.hpp"

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace govbus::codec {

struct JsonLimits {
    std::size_t max_bytes = 10u << 20;
    int max_depth = 64;
};

// A message read: the document's strings point into `text`, a copy of the
// message that the reader unescaped them in (RapidJSON's in-situ parsing), so
// the two go together.
struct ParsedJson {
    std::string text;
    rapidjson::Document document;
};

Result<std::unique_ptr<ParsedJson>> read_json(std::string_view bytes, const JsonLimits& limits);

// Line and column (1-based) where the member or element `pointer` names starts
// in `bytes` ({0, 0} when not found). Only called to report a problem.
std::pair<int, int> locate_pointer(std::string_view bytes, std::string_view pointer);

}  // namespace govbus::codec
