// The JSON encoding of the envelope (schemas/envelope/1.0/envelope.schema.json):
// decode with schema validation and data rules, encode, and append a hop.
#pragma once

#include "bus/codec/json_reader.hpp"
#include "bus/codec/schema_set.hpp"
#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace govbus::codec {

class JsonCodec {
public:
    JsonCodec(const SchemaSet& schemas, JsonLimits limits) : schemas_(schemas), limits_(limits) {}

    // refused: see Codec::decode.
    Result<Envelope> decode(std::string_view bytes, std::optional<Envelope>* refused = nullptr) const;
    std::string encode(const Envelope& envelope) const;
    // Precondition: `original` decodes; throws std::invalid_argument otherwise.
    std::string with_hop(std::string_view original, const Hop& hop) const;

private:
    const SchemaSet& schemas_;
    JsonLimits limits_;
};

}  // namespace govbus::codec
