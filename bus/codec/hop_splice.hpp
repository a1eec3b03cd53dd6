// Appending a hop to a message that decode() has already validated, by
// inserting the hop's text at the right place in the bytes as received
// instead of parsing the message again and writing it back out. Every byte of
// the original stays as it was (the sender's signature is over header and
// payload, which this never touches), and a node pays one scan of the text
// per message instead of a second parse and a serialisation.
//
// Each function returns nothing when the message is outside what a plain
// scan can place a hop in safely (an XML encoding other than UTF-8, a
// DOCTYPE, a JSON member name written with escapes); the codec then falls
// back to adding the hop through a parsed document.
#pragma once

#include "bus/core/envelope.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace govbus::codec {

// Precondition: `document` is a valid envelope (envelope.xsd).
std::optional<std::string> splice_xml_hop(std::string_view document, const Hop& hop);

// Precondition: `document` is a valid envelope (envelope.schema.json);
// `hop_json` is the hop written as one JSON object.
std::optional<std::string> splice_json_hop(std::string_view document, std::string_view hop_json);

}  // namespace govbus::codec
