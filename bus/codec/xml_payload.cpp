#include "bus/codec/xml_payload.hpp"

#include "bus/codec/xerces_runtime.hpp"

#include <boost/json.hpp>
#include <xercesc/dom/DOMDocument.hpp>
#include <xercesc/dom/DOMException.hpp>
#include <xercesc/dom/DOMText.hpp>

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace govbus::codec {

namespace json = boost::json;
using namespace xercesc;

namespace {

const std::u16string kItem = u"item";
const std::u16string kEntry = u"entry";
const std::u16string kKey = u"key";

json::value leaf_value(const std::string& text, Shape shape) {
    if (shape == Shape::integer) {
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size()) return v;
    } else if (shape == Shape::boolean) {
        // xs:boolean allows "true", "false", "1", "0" (XML Schema Part 2 §3.2.2).
        if (text == "true" || text == "1") return true;
        if (text == "false" || text == "0") return false;
    } else if (shape == Shape::number) {
        char* end = nullptr;
        double d = std::strtod(text.c_str(), &end);
        if (end && *end == '\0' && !text.empty()) return d;
    }
    return json::string(text);
}

void append_text(DOMElement* e, const std::string& text) {
    if (!text.empty()) e->appendChild(e->getOwnerDocument()->createTextNode(to_xml(text).c_str()));
}

DOMElement* append_child(DOMElement* parent, const std::u16string& name) {
    auto* child = parent->getOwnerDocument()->createElementNS(parent->getNamespaceURI(), name.c_str());
    parent->appendChild(child);
    return child;
}

std::string scalar_text(const json::value& v) {
    switch (v.kind()) {
        case json::kind::string: return std::string(v.get_string());
        case json::kind::bool_: return v.get_bool() ? "true" : "false";
        case json::kind::null: return {};
        default: return json::serialize(v);
    }
}

}  // namespace

json::value payload_to_json(const XmlElement& element, const SchemaNode& schema) {
    Shape shape = schema.shape();
    if (shape == Shape::unknown) shape = element.children.empty() ? Shape::string : Shape::object;
    switch (shape) {
        case Shape::object: {
            json::object out;
            for (const XmlElement* c : element.children) out[c->local] = payload_to_json(*c, schema.member(c->local));
            return out;
        }
        case Shape::map: {
            json::object out;
            for (const XmlElement* c : element.children) {
                std::string_view key = attribute(*c, "key");
                out[key] = payload_to_json(*c, schema.member(key));
            }
            return out;
        }
        case Shape::array: {
            json::array out;
            SchemaNode items = schema.items();
            for (const XmlElement* c : element.children) out.push_back(payload_to_json(*c, items));
            return out;
        }
        default: return leaf_value(element.text, shape);
    }
}

void payload_to_xml(const json::value& value, const SchemaNode& schema, DOMElement* element) {
    Shape shape = schema.shape();
    try {
        if (value.is_object() && shape == Shape::map) {
            for (const auto& m : value.get_object()) {
                DOMElement* entry = append_child(element, kEntry);
                entry->setAttribute(kKey.c_str(), to_xml(m.key()).c_str());
                payload_to_xml(m.value(), schema.member(m.key()), entry);
            }
        } else if (value.is_object()) {
            for (const auto& m : value.get_object())
                payload_to_xml(m.value(), schema.member(m.key()), append_child(element, to_xml(m.key())));
        } else if (value.is_array()) {
            SchemaNode items = schema.items();
            for (const auto& v : value.get_array()) payload_to_xml(v, items, append_child(element, kItem));
        } else {
            append_text(element, scalar_text(value));
        }
    } catch (const DOMException& e) {
        throw std::invalid_argument("payload cannot be written as XML: " + to_utf8(e.getMessage()));
    }
}

PayloadPlace locate_in_payload(const XmlElement* root, const SchemaNode& schema, std::string_view pointer) {
    PayloadPlace place{root, {}};
    SchemaNode node = schema;
    for (const auto& token : split_pointer(pointer)) {
        if (!place.xpath.empty()) place.xpath += "/";
        const XmlElement* next = nullptr;
        switch (node.shape()) {
            case Shape::array: {
                std::size_t index = 0;
                std::from_chars(token.data(), token.data() + token.size(), index);
                place.xpath += "item[" + std::to_string(index + 1) + "]";
                if (place.element && index < place.element->children.size()) next = place.element->children[index];
                node = node.items();
                break;
            }
            case Shape::map: {
                place.xpath += "entry[@key='" + token + "']";
                if (place.element)
                    for (const XmlElement* c : place.element->children)
                        if (attribute(*c, "key") == token) {
                            next = c;
                            break;
                        }
                node = node.member(token);
                break;
            }
            default:
                place.xpath += token;
                next = child_named(place.element, token);
                node = node.member(token);
        }
        place.element = next;
    }
    return place;
}

}  // namespace govbus::codec
