// Serialising Xerces DOM nodes to UTF-8 text.
#pragma once

#include <xercesc/dom/DOMNode.hpp>

#include <string>

namespace govbus::codec {

// `pretty` indents; `declaration` writes the <?xml ...?> line (documents only).
std::string serialize(const xercesc::DOMNode* node, bool pretty, bool declaration);

}  // namespace govbus::codec
