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

// A problem found on the JSON form names its field by JSON Pointer, in the
// field and in the text; in XML both name the XPath.
void rename_field(Problem& p, const std::string& xpath) {
    const std::string quoted = "'" + p.field + "'";
    if (auto at = p.message.find(quoted); at != std::string::npos) p.message.replace(at, quoted.size(), "'" + xpath + "'");
    p.field = xpath;
}

const DOMElement* nth_element(const DOMElement* parent, std::size_t n) {
    const DOMElement* e = parent ? first_element(parent) : nullptr;
    for (; e && n > 0; --n) e = next_element(e);
    return e;
}

bool is_index(std::string_view token) {
    return !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
}

// "/header/destination/region" -> "/env:envelope/env:header/env:destination/env:region" and its element;
// "/hops/1/time" -> "/env:envelope/env:hops/env:hop[2]/env:time".
Problem place_header_problem(Problem p, const DOMElement* root, const ParsedXml& parsed) {
    const std::string prefix = root->getPrefix() ? to_utf8(root->getPrefix()) + ":" : std::string();
    std::string xpath = "/" + prefix + "envelope";
    const DOMElement* e = root;
    for (const auto& token : split_pointer(p.field)) {
        if (is_index(token)) {
            const std::size_t n = std::stoul(token);
            e = nth_element(e, n);
            xpath += "/" + (e ? to_utf8(e->getNodeName()) : prefix + "*") + "[" + std::to_string(n + 1) + "]";
            continue;
        }
        xpath += "/" + prefix + token;
        e = e ? child_named(e, to_xml(token)) : nullptr;
    }
    rename_field(p, xpath);
    if (e) std::tie(p.line, p.column) = parsed.position(e);
    return p;
}

// Calls emit(pointer, text) for each element at `path` below `e` ("*": every
// child element); `names` is `path` in UTF-16.
template <class Emit>
void find_field(const DOMElement* e, const std::vector<std::string>& path, const std::vector<std::u16string>& names,
                std::size_t i, std::string& pointer, Emit& emit) {
    if (i == path.size()) {
        emit(pointer, text_of(e));
        return;
    }
    const std::size_t length = pointer.size();
    if (path[i] == "*") {
        std::size_t k = 0;
        for (const DOMElement* c = first_element(e); c; c = next_element(c), ++k) {
            pointer += '/';
            pointer += std::to_string(k);
            find_field(c, path, names, i + 1, pointer, emit);
            pointer.resize(length);
        }
        return;
    }
    const DOMElement* c = child_named(e, names[i]);
    if (!c) return;
    pointer += '/';
    pointer += pointer_token(path[i]);
    find_field(c, path, names, i + 1, pointer, emit);
    pointer.resize(length);
}

Problem place_payload_problem(Problem p, const DOMElement* payload_root, const SchemaNode& schema,
                              const std::string& base, const ParsedXml& parsed) {
    PayloadPlace place = locate_in_payload(payload_root, schema, p.field);
    rename_field(p, base + (place.xpath.empty() ? "" : "/" + place.xpath));
    if (place.element) std::tie(p.line, p.column) = parsed.position(place.element);
    return p;
}

}  // namespace

XmlCodec::XmlCodec(const SchemaSet& schemas, XmlLimits limits)
    : schemas_(schemas), limits_(limits), grammars_(schemas), parsers_(limits, grammars_.get()),
      plain_parsers_(limits, nullptr) {
    for (const auto& f : schemas_.envelope_fields()) {
        std::vector<std::u16string> names;
        for (const auto& token : f.path) names.push_back(to_xml(token));
        field_names_.push_back(std::move(names));
    }
}

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
    Problems problems;
    const auto header_problems = check_envelope_fields(schemas_.envelope_fields(), [&](const EnvelopeField& f, auto&& emit) {
        std::string pointer;
        const auto index = static_cast<std::size_t>(&f - schemas_.envelope_fields().data());  // f is an element of it
        find_field(root, f.path, field_names_[index], 0, pointer, emit);
    });
    for (const auto& p : header_problems) problems.push_back(place_header_problem(p, root, parsed));

    // An unknown type explains the payload errors it causes, so it is reported alone, unless
    // the type or version lacks the form the schema gives, which explains it in turn.
    const PayloadSchema* payload_schema = schemas_.payload(env.type, env.schema_version);
    if (!payload_schema && has_error(problems)) return problems;
    auto unknown_type = [&] {
        const DOMElement* t = child_named(child_named(root, u"header"), u"type");
        auto [line, column] = t ? parsed.position(t) : std::pair<int, int>{0, 0};
        return make_problem("schema.unknown_type",
                            "message type '" + env.type + "' version '" + env.schema_version +
                                "' has no schema here; use one of the types in docs/integrator.md",
                            "/" + prefix + "envelope/" + prefix + "header/" + prefix + "type", line, column);
    };
    if (!env.type.empty() && !payload_schema) return unknown_type();
    if (!parsed.problems.empty()) {
        for (auto& p : problems) parsed.problems.push_back(std::move(p));
        return std::move(parsed.problems);
    }
    if (!payload_schema) return unknown_type();

    // Structural problems end the decoding; the header's pattern and rule problems go with them.
    auto with_header_problems = [&](Problem p) {
        problems.push_back(std::move(p));
        return std::move(problems);
    };
    const DOMElement* payload = child_named(root, u"payload");
    const std::string payload_path = "/" + prefix + "envelope/" + prefix + "payload";
    if (!payload && env.security.encrypted.empty())
        return with_header_problems(make_problem("schema.invalid",
                                                 "the envelope has neither a payload nor an encrypted payload "
                                                 "(xenc:EncryptedData in security); add the payload for type " +
                                                     env.type,
                                                 "/" + prefix + "envelope"));
    if (payload && !env.security.encrypted.empty()) {
        auto [line, column] = parsed.position(payload);
        return with_header_problems(make_problem("schema.invalid",
                                                 "the envelope has both a clear payload and an encrypted one; send "
                                                 "only one",
                                                 payload_path, line, column));
    }

    if (payload) {
        const DOMElement* body = first_element(payload);
        const std::u16string expected_ns = to_xml(payload_schema->xml_namespace);
        if (!body || !in_namespace(body, expected_ns) || to_utf8(body->getLocalName()) != payload_schema->root) {
            auto [line, column] = parsed.position(body ? body : payload);
            return with_header_problems(make_problem("schema.invalid",
                                                     "the payload must be a " + payload_schema->root +
                                                         " element in namespace " + payload_schema->xml_namespace +
                                                         ", as the header's type and schemaVersion say",
                                                     payload_path, line, column));
        }
        SchemaNode schema(payload_schema->json.tree);
        env.payload = payload_to_json(body, schema);
        const std::string base = payload_path + "/" + to_utf8(body->getNodeName());
        for (auto& p : check_payload_rules(payload_schema->json.tree, env.payload, "", schemas_.patterns()))
            problems.push_back(place_payload_problem(std::move(p), body, schema, base, parsed));
    }
    if (has_error(problems)) return problems;
    return Result<Envelope>(std::move(env)).with_warnings(std::move(problems));
}

}  // namespace govbus::codec
