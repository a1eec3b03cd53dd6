// The XML payload <-> JSON tree mapping (docs/integrator.md "How XML and JSON
// payloads correspond"), driven by the payload's JSON Schema so XML text
// becomes correctly typed JSON:
//   member of an object  <-> child element of the same name (any order)
//   array                <-> repeated <item> children
//   free map of text     <-> repeated <entry key="name">text</entry>
//   integer / boolean    <-> decimal text / "true" | "false"
//   string               <-> text, exactly (no trimming)
// Where the schema says nothing, elements with children become objects and
// the others strings.
#pragma once

#include "bus/codec/schema_walk.hpp"
#include "bus/codec/xml_tree.hpp"

#include <boost/json/value.hpp>
#include <xercesc/dom/DOMElement.hpp>

#include <string>
#include <string_view>

namespace govbus::codec {

boost::json::value payload_to_json(const XmlElement& element, const SchemaNode& schema);

// Fills `element` (already created, in the payload namespace) with `value`'s
// children. Throws std::invalid_argument when a member name cannot be an XML
// element name and the schema does not make it a map entry (a caller bug: the
// payload was never valid).
void payload_to_xml(const boost::json::value& value, const SchemaNode& schema, xercesc::DOMElement* element);

// The element a payload JSON Pointer names, and its path below `root`
// ("materials/item[1]/digest/value", "formData/entry[@key='k']").
struct PayloadPlace {
    const XmlElement* element = nullptr;  // null when not found
    std::string xpath;
};
PayloadPlace locate_in_payload(const XmlElement* root, const SchemaNode& schema, std::string_view pointer);

}  // namespace govbus::codec
