// Writing the XML envelope, and appending a hop to a received one. Elements
// are written in the order envelope.xsd's sequences ask for; empty optional
// fields are left out.
#include "bus/codec/xml_codec.hpp"

#include "bus/codec/hop_splice.hpp"
#include "bus/codec/xerces_runtime.hpp"
#include "bus/codec/xml_payload.hpp"
#include "bus/codec/xml_writer.hpp"

#include <xercesc/dom/DOMDocument.hpp>
#include <xercesc/dom/DOMElement.hpp>
#include <xercesc/dom/DOMImplementation.hpp>
#include <xercesc/dom/DOMImplementationRegistry.hpp>
#include <xercesc/dom/DOMText.hpp>

#include <stdexcept>

namespace govbus::codec {

using namespace xercesc;

namespace {

// Adds prefixed children in the envelope namespace.
class EnvelopeBuilder {
public:
    explicit EnvelopeBuilder(DOMDocument* doc, std::u16string prefix) : doc_(doc), prefix_(std::move(prefix)) {}

    DOMElement* element(DOMNode* parent, const char16_t* name) {
        DOMElement* e = doc_->createElementNS(kEnvelopeNamespace, (prefix_ + name).c_str());
        parent->appendChild(e);
        return e;
    }
    void text(DOMNode* parent, const char16_t* name, const std::string& value, bool always = false) {
        if (value.empty() && !always) return;
        DOMElement* e = element(parent, name);
        if (!value.empty()) e->appendChild(doc_->createTextNode(to_xml(value).c_str()));
    }
    void hop(DOMNode* hops, const Hop& h) {
        DOMElement* e = element(hops, u"hop");
        text(e, u"node", h.node, true);
        text(e, u"time", h.time, true);
        text(e, u"signature", h.signature);
    }
    // A serialized element (ds:Signature, xenc:EncryptedData) placed as a child.
    void fragment(DOMNode* parent, const std::string& xml, const char* what) {
        if (xml.empty()) return;
        ParsedXml parsed = read_xml(xml, XmlLimits{}, nullptr);
        if (parsed.fatal || !parsed.document()->getDocumentElement())
            throw std::invalid_argument(std::string("security.") + what + " is not one well-formed XML element");
        parent->appendChild(doc_->importNode(parsed.document()->getDocumentElement(), true));
    }

private:
    DOMDocument* doc_;
    std::u16string prefix_;
};

DocumentPtr new_document(const char16_t* ns, const char16_t* qualified_name) {
    DOMImplementation* impl = DOMImplementationRegistry::getDOMImplementation(u"LS");
    return DocumentPtr(impl->createDocument(ns, qualified_name, nullptr));
}

}  // namespace

std::string XmlCodec::encode(const Envelope& env) const {
    ensure_xerces();
    DocumentPtr doc = new_document(kEnvelopeNamespace, u"env:envelope");
    DOMElement* root = doc->getDocumentElement();
    EnvelopeBuilder b(doc.get(), u"env:");

    DOMElement* h = b.element(root, u"header");
    b.text(h, u"id", env.id, true);
    b.text(h, u"correlationId", env.correlation_id);
    b.text(h, u"caseNumber", env.case_number);
    b.text(h, u"type", env.type, true);
    b.text(h, u"schemaVersion", env.schema_version, true);
    b.text(h, u"source", env.source, true);
    DOMElement* d = b.element(h, u"destination");
    b.text(d, u"endpoint", env.destination.endpoint);
    b.text(d, u"region", env.destination.region);
    b.text(d, u"department", env.destination.department);
    b.text(h, u"region", env.region, true);
    b.text(h, u"itemCode", env.item_code);
    b.text(h, u"created", env.created, true);
    b.text(h, u"expires", env.expires);
    b.text(h, u"priority", std::to_string(env.priority), true);

    const Security& s = env.security;
    if (s != Security{}) {
        DOMElement* sec = b.element(root, u"security");
        b.text(sec, u"suite", s.suite);
        b.text(sec, u"signer", s.signer);
        b.text(sec, u"recipient", s.recipient);
        b.fragment(sec, s.signature, "signature");
        b.fragment(sec, s.encrypted, "encrypted");
    }
    if (!env.hops.empty()) {
        DOMElement* hops = b.element(root, u"hops");
        for (const auto& hop : env.hops) b.hop(hops, hop);
    }
    if (s.encrypted.empty() && !env.payload.is_null()) {
        DOMElement* payload = b.element(root, u"payload");
        const PayloadSchema* schema = schemas_.payload(env.type, env.schema_version);
        const std::string ns = schema ? schema->xml_namespace
                                      : "urn:govbus:payload:" + env.type + ":" + env.schema_version;
        const std::string name = schema ? schema->root : "payload";
        DOMElement* body = doc->createElementNS(to_xml(ns).c_str(), to_xml(name).c_str());
        payload->appendChild(body);
        payload_to_xml(env.payload, schema ? SchemaNode(*schema->json.graph) : SchemaNode(), body);
    }
    return serialize(doc.get(), true, true);
}

std::string XmlCodec::with_hop(std::string_view original, const Hop& hop) const {
    if (auto spliced = splice_xml_hop(original, hop)) return std::move(*spliced);
    // Parsed without validation (decode() already validated it); the DOM keeps
    // every other node as it was, so the sender's signature over header and
    // payload still verifies after the hop is added.
    ParsedXml parsed = read_xml(original, plain_parsers_);
    DOMDocument* doc = parsed.document();
    DOMElement* root = doc ? doc->getDocumentElement() : nullptr;
    if (!root) throw std::invalid_argument("with_hop: the message is not well-formed XML");
    const std::u16string prefix = root->getPrefix() ? std::u16string(root->getPrefix()) + u":" : std::u16string();
    EnvelopeBuilder b(doc, prefix);
    DOMElement* hops = child_named(root, u"hops");
    if (!hops) {
        hops = doc->createElementNS(kEnvelopeNamespace, (prefix + u"hops").c_str());
        root->insertBefore(hops, child_named(root, u"payload"));  // before the payload, or last
    }
    b.hop(hops, hop);
    return serialize(doc, false, true);
}

}  // namespace govbus::codec
