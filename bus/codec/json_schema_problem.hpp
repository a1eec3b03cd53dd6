// Turns RapidJSON SchemaValidator's verdict (a keyword, a document pointer, a
// schema pointer) into a Problem a person can act on: which member is missing
// or not allowed, which values are.
#pragma once

#include "bus/codec/rapidjson_schema.hpp"
#include "bus/codec/schema_set.hpp"
#include "bus/core/problem.hpp"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace govbus::codec {

// `instance` is the value that was validated, found at `prefix` ("" or
// "/payload") in the message `bytes`; `what` names the schema ("envelope 1.0").
Problem schema_problem(const rapidjson::SchemaValidator& validator, const JsonSchema& schema,
                       const rapidjson::Value& instance, const std::string& prefix, std::string_view bytes,
                       const std::string& what);

}  // namespace govbus::codec
