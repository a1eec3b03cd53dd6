// The codec's read of an XML message: elements with their names, attributes,
// direct text and positions, and nothing else. A validating SAX pass builds it
// (read_xml_tree) for about a third of what a Xerces DOM costs: building the
// DOM's nodes was most of decoding a small message (bench/RESULTS.md). A
// message that carries a signature or encrypted data is read through the DOM
// instead (read_xml, which the security elements are serialized from) and
// turned into the same tree (tree_of). The safety rules are those of
// xml_reader.hpp, enforced by the same code (xml_scan.hpp).
#pragma once

#include "bus/codec/object_shelf.hpp"
#include "bus/codec/xml_reader.hpp"

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace govbus::codec {

struct XmlElement {
    std::string_view ns;  // namespace URI, held by the tree
    std::string local;  // local name
    std::string qname;  // as written: "env:header"
    std::vector<std::pair<std::string, std::string>> attributes;  // local name, value (xmlns ones left out)
    std::string text;   // the character data directly inside, concatenated, untrimmed
    std::vector<const XmlElement*> children;
    int line = 0, column = 0;  // where Xerces located its start tag (1-based)
    // For an XML-DSig or XML-Enc element below one of another namespace: the
    // element as XML text, read from the DOM.
    std::string serialized;
};

// The first child element with this local name; null when none (or no parent).
const XmlElement* child_named(const XmlElement* parent, std::string_view local);
// The value of the attribute with this local name; empty when absent.
std::string_view attribute(const XmlElement& element, std::string_view local);

// Move-only: its elements point to each other and to its strings.
class XmlTree {
public:
    XmlTree() = default;
    XmlTree(XmlTree&&) = default;
    XmlTree& operator=(XmlTree&&) = default;
    XmlTree(const XmlTree&) = delete;
    XmlTree& operator=(const XmlTree&) = delete;

    const XmlElement* root() const { return elements_.empty() ? nullptr : &elements_.front(); }
    Problems problems;
    bool fatal = false;

    // The tree's copy of a namespace URI (each is stored once), for XmlElement::ns.
    std::string_view intern(std::string_view ns);

private:
    friend class TreeBuilder;
    friend XmlTree tree_of(const ParsedXml&);
    // Deques: pointers to elements and to the namespace strings stay valid as they grow.
    std::deque<XmlElement> elements_;
    std::deque<std::string> namespaces_;
};

class TreeBuilder;

// SAX readers kept for reuse, as ParserShelf keeps DOM parsers. Thread-safe;
// must be destroyed before `pool`. Without a pool a message is only checked
// to be well-formed.
class TreeReaderShelf {
public:
    TreeReaderShelf(XmlLimits limits, xercesc::XMLGrammarPool* pool, std::size_t keep = 8);
    ~TreeReaderShelf();
    TreeReaderShelf(const TreeReaderShelf&) = delete;
    TreeReaderShelf& operator=(const TreeReaderShelf&) = delete;

private:
    friend XmlTree read_xml_tree(std::string_view, TreeReaderShelf&, bool&);
    XmlLimits limits_;
    xercesc::XMLGrammarPool* pool_;
    ObjectShelf<TreeBuilder> idle_;
};

// Reads and validates `bytes` with a reader from `shelf`. Sets `needs_dom`
// and stops, leaving the tree incomplete, at an element in the XML-DSig or
// XML-Enc namespace: such a message is read with read_xml and tree_of.
XmlTree read_xml_tree(std::string_view bytes, TreeReaderShelf& shelf, bool& needs_dom);

// The tree of a document read with read_xml (empty and fatal when it was).
XmlTree tree_of(const ParsedXml& parsed);

// The namespaces whose elements need the DOM.
extern const std::string kXmlDsigNamespace;  // http://www.w3.org/2000/09/xmldsig#
extern const std::string kXmlEncNamespace;   // http://www.w3.org/2001/04/xmlenc#

}  // namespace govbus::codec
