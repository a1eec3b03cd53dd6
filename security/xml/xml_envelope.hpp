// A govbus XML envelope as a DOM for the signature and encryption code:
// parsed with the codec's safe parser (no DOCTYPE, caps), its parts found by
// position, Id attributes registered, canonicalized with XML-Security-C's
// exclusive canonicalizer, and written back.
#pragma once

#include "bus/codec/xml_reader.hpp"
#include "bus/core/problem.hpp"

#include <xercesc/dom/DOMElement.hpp>

#include <string>
#include <string_view>

namespace govbus::security::xml {

inline constexpr char16_t kEnvelopeNs[] = u"urn:govbus:envelope:1.0";
inline constexpr char16_t kDsigNs[] = u"http://www.w3.org/2000/09/xmldsig#";
inline constexpr char16_t kXencNs[] = u"http://www.w3.org/2001/04/xmlenc#";
inline constexpr char16_t kExcC14n[] = u"http://www.w3.org/2001/10/xml-exc-c14n#";

// Initialises XML-Security-C (and Xerces) once per process.
void ensure_xml_security();

class XmlEnvelope {
public:
    // Problems: security.malformed_xml (not a readable govbus envelope).
    static Result<XmlEnvelope> parse(std::string_view xml);

    xercesc::DOMDocument* document() const { return parsed_.document(); }
    xercesc::DOMElement* root() const;
    // By position: the first child element of the root must be env:header.
    xercesc::DOMElement* header() const;
    xercesc::DOMElement* payload() const;   // env:payload child of the root, or null
    xercesc::DOMElement* security() const;  // env:security child of the root, or null
    // Creates env:security right after the header when absent.
    xercesc::DOMElement* security_or_create();
    // The xenc:EncryptedData child of env:security, or null.
    xercesc::DOMElement* encrypted_data() const;

    // The element's Id attribute, set to `fallback` first when it has none;
    // either way registered as an ID so "#id" references resolve to it.
    std::string ensure_id(xercesc::DOMElement* element, const std::string& fallback);
    // The message id from the header (used to make Id values).
    std::string message_id() const;
    // Sets (or replaces) env:<name> text inside env:security, keeping the XSD order
    // suite, signer, recipient, ds:Signature, xenc:EncryptedData.
    void set_security_field(const std::u16string& name, const std::string& value);

    // Every element carrying an Id/ID/id attribute, and false when two share a value.
    bool ids_unique() const;

    std::string serialize() const;

private:
    codec::ParsedXml parsed_;
};

// Exclusive XML canonicalization without comments (W3C xml-exc-c14n) of
// `element` and its subtree, by XML-Security-C.
std::string exclusive_c14n(xercesc::DOMDocument* doc, xercesc::DOMElement* element);

std::u16string u16(std::string_view utf8);
std::string utf8(const XMLCh* text);

}  // namespace govbus::security::xml
