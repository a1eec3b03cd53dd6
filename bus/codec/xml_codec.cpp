// Decoding the XML envelope. One validating pass does the envelope and the
// payload: env:payload holds an xs:any in any other namespace with
// processContents="strict", and every payload XSD is in the grammar pool, so
// the payload is validated against the schema of its own namespace. The codec
// then checks that this namespace is the one the header's type and version
// name, maps the payload to its JSON tree and applies the data rules.
#include "bus/codec/xml_codec.hpp"

#include "bus/codec/header_rules.hpp"
#include "bus/codec/schema_walk.hpp"
#include "bus/codec/xerces_runtime.hpp"
#include "bus/codec/xml_payload.hpp"
#include "bus/codec/xml_writer.hpp"

#include <xercesc/dom/DOMDocument.hpp>
#include <xercesc/dom/DOMElement.hpp>

#include <charconv>

namespace govbus::codec {

using namespace xercesc;

namespace {

const std::u16string kDsig = u"http://www.w3.org/2000/09/xmldsig#";
const std::u16string kXenc = u"http://www.w3.org/2001/04/xmlenc#";

std::string child_text(const DOMNode* parent, std::u16string_view name) {
    const DOMElement* e = parent ? child_named(parent, name) : nullptr;
    return e ? text_of(e) : std::string();
}

bool in_namespace(const DOMElement* e, const std::u16string& ns) {
    return e->getNamespaceURI() && ns == std::u16string_view(e->getNamespaceURI());
}

// Reads what the envelope carries, tolerating gaps (the schema reports them).
Envelope read_envelope(const DOMElement* root) {
    Envelope env;
    env.content_type = "application/xml";
    const DOMElement* h = child_named(root, u"header");
    env.id = child_text(h, u"id");
    env.correlation_id = child_text(h, u"correlationId");
    env.case_number = child_text(h, u"caseNumber");
    env.type = child_text(h, u"type");
    env.schema_version = child_text(h, u"schemaVersion");
    env.source = child_text(h, u"source");
    const DOMElement* d = h ? child_named(h, u"destination") : nullptr;
    env.destination = {child_text(d, u"endpoint"), child_text(d, u"region"), child_text(d, u"department")};
    env.region = child_text(h, u"region");
    env.item_code = child_text(h, u"itemCode");
    env.created = child_text(h, u"created");
    env.expires = child_text(h, u"expires");
    std::string priority = child_text(h, u"priority");
    if (!priority.empty()) std::from_chars(priority.data(), priority.data() + priority.size(), env.priority);

    if (const DOMElement* s = child_named(root, u"security")) {
        env.security.suite = child_text(s, u"suite");
        env.security.signer = child_text(s, u"signer");
        env.security.recipient = child_text(s, u"recipient");
        for (const DOMElement* e = first_element(s); e; e = next_element(e)) {
            if (in_namespace(e, kDsig)) env.security.signature = serialize(e, false, false);
            if (in_namespace(e, kXenc)) env.security.encrypted = serialize(e, false, false);
        }
    }
    if (const DOMElement* hops = child_named(root, u"hops"))
        for (const DOMElement* e = first_element(hops); e; e = next_element(e))
            env.hops.push_back({child_text(e, u"node"), child_text(e, u"time"), child_text(e, u"signature")});
    return env;
}

// "/header/destination/region" -> "/env:envelope/env:header/env:destination/env:region" and its element.
Problem place_header_problem(Problem p, const DOMElement* root, const ParsedXml& parsed) {
    const std::string prefix = root->getPrefix() ? to_utf8(root->getPrefix()) + ":" : std::string();
    std::string xpath = "/" + prefix + "envelope";
    const DOMElement* e = root;
    for (const auto& token : split_pointer(p.field)) {
        xpath += "/" + prefix + token;
        e = e ? child_named(e, to_xml(token)) : nullptr;
    }
    p.field = xpath;
    if (e) std::tie(p.line, p.column) = parsed.position(e);
    return p;
}

Problem place_payload_problem(Problem p, const DOMElement* payload_root, const SchemaNode& schema,
                              const std::string& base, const ParsedXml& parsed) {
    PayloadPlace place = locate_in_payload(payload_root, schema, p.field);
    p.field = base + (place.xpath.empty() ? "" : "/" + place.xpath);
    if (place.element) std::tie(p.line, p.column) = parsed.position(place.element);
    return p;
}

bool has_errors(const Problems& ps) {
    for (const auto& p : ps)
        if (!p.warning) return true;
    return false;
}

}  // namespace

XmlCodec::XmlCodec(const SchemaSet& schemas, XmlLimits limits)
    : schemas_(schemas), limits_(limits), grammars_(schemas), parsers_(limits, grammars_.get()),
      plain_parsers_(limits, nullptr) {}

Result<Envelope> XmlCodec::decode(std::string_view bytes) const {
    ParsedXml parsed = read_xml(bytes, parsers_);
    if (parsed.fatal) return std::move(parsed.problems);
    const DOMElement* root = parsed.document()->getDocumentElement();
    if (!root || !root->getLocalName() || std::u16string_view(root->getLocalName()) != u"envelope" ||
        !in_namespace(root, kEnvelopeNamespace)) {
        auto [line, column] = root ? parsed.position(root) : std::pair<int, int>{0, 0};
        return make_problem("schema.invalid",
                            "the root element must be envelope in namespace urn:govbus:envelope:1.0 "
                            "(docs/integrator.md)",
                            "/", line, column);
    }
    Envelope env = read_envelope(root);
    const std::string prefix = root->getPrefix() ? to_utf8(root->getPrefix()) + ":" : std::string();

    // An unknown type explains the payload errors it causes, so it is reported alone.
    const PayloadSchema* payload_schema = schemas_.payload(env.type, env.schema_version);
    if (!env.type.empty() && !payload_schema) {
        const DOMElement* t = child_named(child_named(root, u"header"), u"type");
        auto [line, column] = t ? parsed.position(t) : std::pair<int, int>{0, 0};
        return make_problem("schema.unknown_type",
                            "message type '" + env.type + "' version '" + env.schema_version +
                                "' has no schema here; use one of the types in docs/integrator.md",
                            "/" + prefix + "envelope/" + prefix + "header/" + prefix + "type", line, column);
    }
    if (!parsed.problems.empty()) return std::move(parsed.problems);

    const DOMElement* payload = child_named(root, u"payload");
    const std::string payload_path = "/" + prefix + "envelope/" + prefix + "payload";
    if (!payload && env.security.encrypted.empty())
        return make_problem("schema.invalid",
                            "the envelope has neither a payload nor an encrypted payload (xenc:EncryptedData in "
                            "security); add the payload for type " + env.type,
                            "/" + prefix + "envelope");
    if (payload && !env.security.encrypted.empty()) {
        auto [line, column] = parsed.position(payload);
        return make_problem("schema.invalid",
                            "the envelope has both a clear payload and an encrypted one; send only one",
                            payload_path, line, column);
    }

    Problems problems;
    for (auto& p : check_header_rules(env)) problems.push_back(place_header_problem(std::move(p), root, parsed));
    if (payload) {
        const DOMElement* body = first_element(payload);
        const std::u16string expected_ns = to_xml(payload_schema->xml_namespace);
        if (!body || !in_namespace(body, expected_ns) || to_utf8(body->getLocalName()) != payload_schema->root) {
            auto [line, column] = parsed.position(body ? body : payload);
            return make_problem("schema.invalid",
                                "the payload must be a " + payload_schema->root + " element in namespace " +
                                    payload_schema->xml_namespace + ", as the header's type and schemaVersion say",
                                payload_path, line, column);
        }
        SchemaNode schema(payload_schema->json.tree);
        env.payload = payload_to_json(body, schema);
        const std::string base = payload_path + "/" + to_utf8(body->getNodeName());
        for (auto& p : check_payload_rules(payload_schema->json.tree, env.payload, ""))
            problems.push_back(place_payload_problem(std::move(p), body, schema, base, parsed));
    }
    if (has_errors(problems)) return problems;
    return Result<Envelope>(std::move(env)).with_warnings(std::move(problems));
}

}  // namespace govbus::codec
