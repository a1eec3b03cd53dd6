// The XML encoding of the envelope (schemas/envelope/1.0/envelope.xsd):
// decode with schema validation and data rules, encode, and append a hop to a
// message without touching the signed parts.
#pragma once

#include "bus/codec/schema_set.hpp"
#include "bus/codec/xml_grammar.hpp"
#include "bus/codec/xml_reader.hpp"
#include "bus/codec/xml_tree.hpp"
#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govbus::codec {

inline constexpr const char16_t* kEnvelopeNamespace = u"urn:govbus:envelope:1.0";

class XmlCodec {
public:
    XmlCodec(const SchemaSet& schemas, XmlLimits limits);

    // refused: see Codec::decode.
    Result<Envelope> decode(std::string_view bytes, std::optional<Envelope>* refused = nullptr) const;
    std::string encode(const Envelope& envelope) const;
    // Precondition: `original` decodes; throws std::invalid_argument otherwise.
    std::string with_hop(std::string_view original, const Hop& hop) const;

private:
    const SchemaSet& schemas_;
    XmlLimits limits_;
    GrammarPool grammars_;
    mutable ParserShelf parsers_;        // after grammars_: its parsers hold the pool
    mutable ParserShelf plain_parsers_;  // without validation, for with_hop
    mutable TreeReaderShelf tree_readers_;  // after grammars_, as parsers_

    // The message as the decoder reads it: through the tree reader, or the
    // DOM when it carries a signature or encrypted data.
    XmlTree read(std::string_view bytes) const;
};

}  // namespace govbus::codec
