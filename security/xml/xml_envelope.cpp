#include "security/xml/xml_envelope.hpp"

#include "bus/codec/xerces_runtime.hpp"
#include "bus/codec/xml_writer.hpp"

#include <xercesc/dom/DOMAttr.hpp>
#include <xercesc/dom/DOMNamedNodeMap.hpp>
#include <xercesc/dom/DOMNodeList.hpp>
#include <xsec/canon/XSECC14n20010315.hpp>
#include <xsec/utils/XSECPlatformUtils.hpp>

#include <set>

namespace govbus::security::xml {

using namespace xercesc;

namespace {
struct XsecProcess {
    XsecProcess() {
        codec::ensure_xerces();
        XSECPlatformUtils::Initialise();
    }
    ~XsecProcess() { XSECPlatformUtils::Terminate(); }
};

bool is(const DOMElement* e, const char16_t* ns, std::u16string_view local) {
    return e && e->getNamespaceURI() && e->getLocalName() && std::u16string_view(e->getNamespaceURI()) == ns &&
           std::u16string_view(e->getLocalName()) == local;
}
}  // namespace

void ensure_xml_security() { static XsecProcess process; }

std::u16string u16(std::string_view s) { return codec::to_xml(s); }
std::string utf8(const XMLCh* t) { return codec::to_utf8(t); }

Result<XmlEnvelope> XmlEnvelope::parse(std::string_view xml) {
    ensure_xml_security();
    XmlEnvelope e;
    e.parsed_ = codec::read_xml(xml, codec::XmlLimits{}, nullptr);
    if (e.parsed_.fatal || !e.parsed_.document())
        return make_problem("security.malformed_xml",
                            "the message is not well-formed XML: " +
                                (e.parsed_.problems.empty() ? std::string("no document") : e.parsed_.problems.front().message));
    if (!is(e.root(), kEnvelopeNs, u"envelope") || !is(e.header(), kEnvelopeNs, u"header"))
        return make_problem("security.malformed_xml", "the document is not a govbus envelope with its header first");
    return e;
}

DOMElement* XmlEnvelope::root() const { return document()->getDocumentElement(); }
DOMElement* XmlEnvelope::header() const { return codec::first_element(root()); }

DOMElement* XmlEnvelope::payload() const {
    for (DOMElement* c = codec::first_element(root()); c; c = codec::next_element(c))
        if (is(c, kEnvelopeNs, u"payload")) return c;
    return nullptr;
}

DOMElement* XmlEnvelope::security() const {
    for (DOMElement* c = codec::first_element(root()); c; c = codec::next_element(c))
        if (is(c, kEnvelopeNs, u"security")) return c;
    return nullptr;
}

DOMElement* XmlEnvelope::security_or_create() {
    if (DOMElement* s = security()) return s;
    DOMElement* s = document()->createElementNS(kEnvelopeNs, (u16(utf8(root()->getPrefix())) +
                                                              (root()->getPrefix() ? u":" : u"") + u"security").c_str());
    root()->insertBefore(s, codec::next_element(header()));
    return s;
}

DOMElement* XmlEnvelope::encrypted_data() const {
    DOMElement* s = security();
    for (DOMElement* c = s ? codec::first_element(s) : nullptr; c; c = codec::next_element(c))
        if (is(c, kXencNs, u"EncryptedData")) return c;
    return nullptr;
}

std::string XmlEnvelope::ensure_id(DOMElement* element, const std::string& fallback) {
    if (!element->hasAttributeNS(nullptr, u"Id")) element->setAttributeNS(nullptr, u"Id", u16(fallback).c_str());
    element->setIdAttributeNS(nullptr, u"Id", true);
    return utf8(element->getAttributeNS(nullptr, u"Id"));
}

std::string XmlEnvelope::message_id() const {
    DOMElement* id = codec::child_named(header(), u"id");
    return id ? codec::text_of(id) : std::string();
}

void XmlEnvelope::set_security_field(const std::u16string& name, const std::string& value) {
    static const std::u16string order[] = {u"suite", u"signer", u"recipient"};
    DOMElement* sec = security_or_create();
    for (DOMElement* c = codec::first_element(sec); c; c = codec::next_element(c))
        if (is(c, kEnvelopeNs, name)) {
            sec->removeChild(c)->release();
            break;
        }
    const std::u16string prefix = root()->getPrefix() ? std::u16string(root()->getPrefix()) + u":" : u"";
    DOMElement* field = document()->createElementNS(kEnvelopeNs, (prefix + name).c_str());
    field->setTextContent(u16(value).c_str());
    // Before the first child that comes later in the XSD sequence.
    int rank = 0;
    while (order[rank] != name) ++rank;
    DOMElement* before = codec::first_element(sec);
    while (before) {
        bool earlier = false;
        for (int i = 0; i <= rank; ++i) earlier = earlier || is(before, kEnvelopeNs, order[i]);
        if (!earlier) break;
        before = codec::next_element(before);
    }
    sec->insertBefore(field, before);
}

bool XmlEnvelope::ids_unique() const {
    std::set<std::string> seen;
    DOMNodeList* all = document()->getElementsByTagNameNS(u"*", u"*");
    for (XMLSize_t i = 0; i < all->getLength(); ++i) {
        auto* e = static_cast<DOMElement*>(all->item(i));
        for (const char16_t* name : {u"Id", u"ID", u"id"}) {
            if (!e->hasAttributeNS(nullptr, name)) continue;
            if (!seen.insert(utf8(e->getAttributeNS(nullptr, name))).second) return false;
        }
    }
    return true;
}

std::string XmlEnvelope::serialize() const { return codec::serialize(document(), false, true); }

std::string exclusive_c14n(DOMDocument* doc, DOMElement* element) {
    ensure_xml_security();
    XSECC14n20010315 c14n(doc, element);
    c14n.setCommentsProcessing(false);
    c14n.setUseNamespaceStack(true);
    c14n.setExclusive();
    std::string out;
    unsigned char buf[4096];
    while (XMLSize_t n = c14n.outputBuffer(buf, sizeof buf)) out.append(reinterpret_cast<char*>(buf), n);
    return out;
}

}  // namespace govbus::security::xml
