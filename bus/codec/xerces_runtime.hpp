// Xerces-C++ process set-up and the small conversions every XML file of the
// codec needs: one initialisation per process, UTF-8 <-> XMLCh (UTF-16), and
// RAII for DOM documents.
#pragma once

#include <xercesc/dom/DOMDocument.hpp>
#include <xercesc/dom/DOMElement.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace govbus::codec {

// Initialises Xerces once for the process (a function-local static whose
// destructor terminates it at exit), so tests and tools never initialise or
// terminate twice. Every entry point that touches Xerces calls this first.
void ensure_xerces();

// UTF-8 <-> UTF-16 (XMLCh is char16_t in Xerces 3.2). Invalid UTF-8 becomes U+FFFD.
std::u16string to_xml(std::string_view utf8);
std::string to_utf8(const XMLCh* text);
std::string to_utf8(std::u16string_view text);
// Appends `text` to `out` as UTF-8.
void append_utf8(std::string& out, std::u16string_view text);

struct DocumentRelease {
    void operator()(xercesc::DOMDocument* d) const { d->release(); }
};
using DocumentPtr = std::unique_ptr<xercesc::DOMDocument, DocumentRelease>;

// Element children helpers, skipping text, comments and PIs.
xercesc::DOMElement* first_element(const xercesc::DOMNode* parent);
xercesc::DOMElement* next_element(const xercesc::DOMNode* node);
// The first child element with this local name, or null.
xercesc::DOMElement* child_named(const xercesc::DOMNode* parent, std::u16string_view local_name);
// The concatenated text children of an element (no trimming: payload text is data).
std::string text_of(const xercesc::DOMElement* element);

}  // namespace govbus::codec
